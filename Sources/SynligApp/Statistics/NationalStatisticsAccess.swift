import Fluent
import SQLKit
import Vapor

/// A national statistics reader: someone (at Socialstyrelsen, Nka or a county's analysis unit,
/// with an account in some organisation) who compares every organisation, not only those that
/// publish. What they see is the same suppressed aggregates the open data carries — no person,
/// no unit — but it includes organisations that have not chosen to publish. So the grant is not a
/// role an organisation's own administrator can hand out (that would let any administrator read
/// every other municipality); only the operator gives it, from the command line, audited.
final class NationalStatisticsGrant: Model, @unchecked Sendable {
    static let schema = "national_statistics_grants"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "organisation_id") var organisationID: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

enum NationalStatisticsAccess {
    static func holds(_ userID: UUID, on db: any Database) async throws -> Bool {
        try await NationalStatisticsGrant.query(on: db).filter(\.$userID == userID).count() > 0
    }

    /// Gives the grant to an active account; nothing happens if it already holds it.
    /// Returns whether anything changed.
    @discardableResult
    static func grant(to user: User, on db: any Database) async throws -> Bool {
        let userID = try user.requireID()
        return try await AuditTrail.transaction(on: db, actor: .commandLine) { tx, audit in
            guard try await NationalStatisticsGrant.query(on: tx).filter(\.$userID == userID).count() == 0 else { return false }
            let grant = NationalStatisticsGrant()
            grant.userID = userID
            grant.organisationID = user.organisationID
            try await grant.create(on: tx)
            audit.record("statistics.national_grant", "national_statistics_grant", id: grant.id, organisation: grant.organisationID)
            return true
        }
    }

    /// Takes the grant back; returns whether the account held it.
    @discardableResult
    static func revoke(from user: User, on db: any Database) async throws -> Bool {
        let userID = try user.requireID()
        return try await AuditTrail.transaction(on: db, actor: .commandLine) { tx, audit in
            guard let grant = try await NationalStatisticsGrant.query(on: tx).filter(\.$userID == userID).first() else { return false }
            try await grant.delete(on: tx)
            audit.record("statistics.national_revoke", "national_statistics_grant", id: grant.id, organisation: grant.organisationID)
            return true
        }
    }
}

struct CreateNationalStatisticsGrants: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(NationalStatisticsGrant.schema)
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("organisation_id", .uuid, .required, .references("organisations", "id"))
            .field("created_at", .datetime)
            .unique(on: "user_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(NationalStatisticsGrant.schema).delete()
    }
}
