import FluentSQL
import SQLKit
import Vapor

/// Page numbers from a request, kept in a range where `(page - 1) * per` cannot overflow:
/// a huge number is a request for an empty last page, not a crash.
enum Pagination {
    static let maxPage = 100_000
    static let maxPer = 200
    static let defaultPer = 50

    static func page(_ requested: Int?) -> Int {
        min(max(1, requested ?? 1), maxPage)
    }

    /// `page` and `per` of an API list from the query. A client that asks for what the API does
    /// not give is told so (422 naming the range, as openapi.yaml documents it), never handed
    /// another page than it asked for.
    static func api(_ req: Request) throws -> (page: Int, per: Int) {
        var problems: [SynligError.FieldProblem] = []
        func number(_ name: String) -> Int? {
            guard let raw = try? req.query.get(String.self, at: name) else { return nil }
            guard let value = Int(raw) else {
                problems.append(.init(field: name, messageKey: "api.paging.\(name)"))
                return nil
            }
            return value
        }
        let page = number("page"), per = number("per")
        if !problems.isEmpty { throw SynligError.invalid(problems) }
        return try checked(page: page, per: per)
    }

    /// The same for numbers read from a JSON body.
    static func checked(page: Int?, per: Int?) throws -> (page: Int, per: Int) {
        var problems: [SynligError.FieldProblem] = []
        if let page, !(1...maxPage).contains(page) { problems.append(.init(field: "page", messageKey: "api.paging.page")) }
        if let per, !(1...maxPer).contains(per) { problems.append(.init(field: "per", messageKey: "api.paging.per")) }
        if !problems.isEmpty { throw SynligError.invalid(problems) }
        return (page ?? 1, per ?? defaultPer)
    }
}

/// The SELECT behind a count to a cap: no per-driver types are involved in a read, so the plain
/// converter renders it as either driver would.
private struct CappedCount: Decodable { var n: Int }

private struct ReadOnlyConverterDelegate: SQLConverterDelegate {
    func customDataType(_ dataType: DatabaseSchema.DataType) -> (any SQLExpression)? { nil }
}

extension QueryBuilder {
    /// How many rows match, counted to `cap + 1` at most: a list that says "more than 1 000"
    /// beyond the cap costs the same at any size, where `count()` walks every match (issue 11).
    func count(upTo cap: Int) async throws -> Int {
        guard let sql = database as? any SQLDatabase else { return try await copy().limit(cap + 1).all().count }
        var read = copy().query
        read.fields = [.custom(SQLLiteral.numeric("1"))]
        read.sorts = []
        read.offsets = []
        read.limits = [.count(cap + 1)]
        let select = SQLQueryConverter(delegate: ReadOnlyConverterDelegate()).convert(read)
        return try await sql.raw("SELECT COUNT(*) AS n FROM (\(select)) capped").first(decoding: CappedCount.self)?.n ?? 0
    }
}
