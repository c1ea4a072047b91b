import Fluent
import SynligCore
import Vapor

/// The caregiver indicators as open data in the shape of Kolada's API, so tools that read
/// Kolada read Synlig: `/open-data/kpi` lists the indicators, `/open-data/indicators` gives
/// the values of every organisation that has chosen to publish, `/open-data/{code}/indicators`
/// (and `.csv`) one organisation's. Public, no token; only suppressed aggregates.
struct OpenIndicatorsController: APIRouteCollection {
    struct KPI: Content {
        var id: String
        var title: String
        var description: String
        var is_divided_by_gender: Bool
        var municipality_type: String
    }

    struct Listing<Value: Content>: Content {
        var count: Int
        var values: [Value]
    }

    func boot(api: APIRoutes) throws {
        let openData = api.open.grouped("open-data")
        openData.get("kpi", use: kpis)
        openData.get("indicators", use: allOrganisations)
        openData.get(":code", "indicators", use: oneOrganisation)
        openData.get(":code", "indicators.csv", use: oneOrganisationCSV)
    }

    @Sendable func kpis(req: Request) async throws -> Listing<KPI> {
        // Kolada's own texts are Swedish; so are these, whatever the client asks for.
        let localizer = req.application.localizer
        let values = OpenIndicator.allCases.map {
            KPI(id: $0.rawValue, title: localizer.text($0.titleKey, "sv"), description: localizer.text($0.descriptionKey, "sv"),
                is_divided_by_gender: $0.dividedByGender, municipality_type: "K")
        }
        return Listing(count: values.count, values: values)
    }

    @Sendable func allOrganisations(req: Request) async throws -> Listing<OpenIndicatorRow> {
        let published = try await StatisticsPublication.query(on: req.db).all(\.$organisationID)
        let organisations = try await Organisation.query(on: req.db).filter(\.$id ~~ published).sort(\.$code).all()
        let rows = try await OpenIndicators.rows(organisations: try organisations.map { (try $0.requireID(), $0.code) },
                                                 years: try Self.years(req), on: req.db)
        return Listing(count: rows.count, values: rows)
    }

    @Sendable func oneOrganisation(req: Request) async throws -> Listing<OpenIndicatorRow> {
        let rows = try await Self.rows(of: try await Self.publishing(req), years: try Self.years(req), on: req.db)
        return Listing(count: rows.count, values: rows)
    }

    /// One line per value; UTF-8 with BOM, every cell quoted and safe from spreadsheet formulas.
    @Sendable func oneOrganisationCSV(req: Request) async throws -> Response {
        let organisation = try await Self.publishing(req)
        let rows = try await Self.rows(of: organisation, years: try Self.years(req), on: req.db)
        let lines = rows.flatMap { row in
            row.values.map { [row.kpi, row.municipality, String(row.period), $0.gender, $0.value.map(String.init) ?? "", $0.status] }
        }
        let document = CSVText.document(header: ["kpi", "municipality", "period", "gender", "value", "status"], rows: lines)
        return .csvDownload(document, filename: "anhoriga-\(organisation.code).csv")
    }

    /// An organisation that publishes; any other code is 404, so nobody learns which do not.
    private static func publishing(_ req: Request) async throws -> Organisation {
        let organisation = try await Organisation.byPublicCode(req)
        guard try await StatisticsPublicationService.isPublished(organisation.requireID(), on: req.db) else { throw SynligError.notFound }
        return organisation
    }

    /// `?year=2025` for one year, else every published year.
    private static func years(_ req: Request) throws -> [Int] {
        let published = OpenIndicators.years()
        guard let raw = try? req.query.get(String.self, at: "year") else { return Array(published) }
        guard let year = Int(raw), published.contains(year) else {
            throw SynligError(.badRequest, "open_data.year_invalid", arguments: [String(published.lowerBound), String(published.upperBound)])
        }
        return [year]
    }

    private static func rows(of organisation: Organisation, years: [Int], on db: any Database) async throws -> [OpenIndicatorRow] {
        try await OpenIndicators.rows(organisations: [(try organisation.requireID(), organisation.code)], years: years, on: db)
    }
}
