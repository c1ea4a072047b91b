import Fluent
import SynligCore
import Vapor

/// The published catalogue as open data in Open Referral's Human Services Data Specification
/// 3.0: the services fully nested, paginated as HSDS's API answers them (`contents`), one
/// service by id, and the tabular package (one CSV per table with `datapackage.json`). Public,
/// no token, cacheable for five minutes.
struct OpenDataController: APIRouteCollection {
    static let maxPerPage = 200

    func boot(api: APIRoutes) throws {
        let openData = api.open.grouped("open-data", ":code")
        openData.get("services", use: services)
        openData.get("services", ":serviceId", use: service)
        openData.get("hsds", "datapackage.json", use: datapackage)
        openData.get("hsds", ":file", use: table)
        // The one-file CSV of before moved into the package: its table of services.
        openData.get("services.csv", use: movedCSV)
    }

    @Sendable func services(req: Request) async throws -> Response {
        let (page, perPage) = try Self.paging(req)
        return try Self.open(Self.json(try await HSDSCatalogue.load(req).page(number: page, size: perPage)))
    }

    @Sendable func service(req: Request) async throws -> Response {
        let id = req.parameters.get("serviceId")?.lowercased()
        guard let service = try await HSDSCatalogue.load(req).services.first(where: { $0.id == id }) else { throw SynligError.notFound }
        return try Self.open(Self.json(service))
    }

    @Sendable func datapackage(req: Request) async throws -> Response {
        let organisation = try await Organisation.byPublicCode(req)
        let package = HSDSTabular.datapackage(try HSDSTabular.officialPackage(req.application), organisationName: organisation.name,
                                              code: organisation.code)
        let body = try JSONSerialization.data(withJSONObject: package, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        let response = Response(status: .ok, body: .init(data: body))
        response.headers.contentType = .json
        return Self.open(response)
    }

    @Sendable func table(req: Request) async throws -> Response {
        let official = try HSDSTabular.officialPackage(req.application)
        let file = req.parameters.get("file") ?? ""
        guard let name = HSDSTabular.published.first(where: { HSDSTabular.resource($0, in: official)?["path"] as? String == file }),
              let resource = HSDSTabular.resource(name, in: official)
        else { throw SynligError.notFound }
        let tabular = HSDSTabular(try await HSDSCatalogue.load(req))
        let response = Response(status: .ok, body: .init(string: tabular.csv(name, columns: HSDSTabular.columns(of: resource))))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        return Self.open(response)
    }

    @Sendable func movedCSV(req: Request) async throws -> Response {
        let organisation = try await Organisation.byPublicCode(req)
        return req.redirect(to: "/api/v1/open-data/\(organisation.code)/hsds/services.csv", redirectType: .permanent)
    }

    /// `page` from 1 and `per_page` from 1 to 200, as HSDS names them; anything else is refused
    /// rather than quietly changed. A page after the last is empty, as HSDS answers it.
    static func paging(_ req: Request) throws -> (page: Int, perPage: Int) {
        func number(_ name: String, default value: Int, in range: ClosedRange<Int>) throws -> Int {
            guard let raw = req.query[String.self, at: name] else { return value }
            guard let number = Int(raw), range.contains(number) else {
                throw SynligError(.badRequest, "open_data.page_invalid", arguments: [String(maxPerPage)])
            }
            return number
        }
        return (try number("page", default: 1, in: 1...Pagination.maxPage), try number("per_page", default: 50, in: 1...maxPerPage))
    }

    /// Keys sorted: the same catalogue gives the same bytes every time (the encoder's order
    /// otherwise varies between answers), so caches, diffs and anyone comparing see no change
    /// where there is none.
    private static func json<Value: Encodable>(_ value: Value) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(data: try encoder.encode(value)))
    }

    private static func open(_ response: Response) -> Response {
        response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=300")
        response.headers.replaceOrAdd(name: "Access-Control-Allow-Origin", value: "*")
        return response
    }
}
