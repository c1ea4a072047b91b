import Fluent
import SynligCore
import Vapor

/// The record a route's path names comes first: it is looked up as the signed-in user may see
/// it (404 when they may not: another organisation's, a person outside their units, nobody's),
/// and whether they may act on it is decided (403), all before the handler decodes or judges
/// the body. So a 400, 422 or 428 never speaks about a record its caller cannot see, and a role
/// that may not change a record is told so whatever it sent. The handler reads the record
/// again in its own transaction: one indexed read by primary key.
struct RecordFirst: AsyncMiddleware {
    typealias Check = @Sendable (_ id: UUID, _ user: CurrentUser, _ db: any Database) async throws -> Void
    let parameter: String
    let check: Check

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        try await check(try request.idParameter(parameter), try request.currentUser, request.db)
        return try await next.respond(to: request)
    }
}

extension RoutesBuilder {
    /// Routes whose `:id` (or `parameter`) names a record of the user's organisation.
    func naming<Record: OrganisationScoped>(_ record: Record.Type, parameter: String = "id") -> any RoutesBuilder {
        grouped(RecordFirst(parameter: parameter) { id, user, db in
            _ = try await Record.find(id, in: user.organisationID, on: db)
        })
    }

    /// Routes whose `:id` (or `parameter`) names a record found by `find`, which throws 404 for
    /// one the user may not see and 403 for one they see but may not act on.
    func naming<Record>(_ find: @escaping @Sendable (UUID?, CurrentUser, any Database) async throws -> Record,
                        parameter: String = "id") -> any RoutesBuilder {
        grouped(RecordFirst(parameter: parameter) { id, user, db in _ = try await find(id, user, db) })
    }
}
