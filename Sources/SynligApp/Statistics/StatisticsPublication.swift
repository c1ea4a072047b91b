import Fluent
import Vapor

/// An organisation's decision to publish its caregiver indicators as open data. Nothing is
/// published until an administrator decides so; withdrawing takes effect at once.
final class StatisticsPublication: Model, @unchecked Sendable {
    static let schema = "statistics_publications"

    @ID(key: .id) var id: UUID?
    @Field(key: "organisation_id") var organisationID: UUID
    @Field(key: "published_by") var publishedBy: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

package enum StatisticsPublicationService {
    static func isPublished(_ organisationID: UUID, on db: any Database) async throws -> Bool {
        try await StatisticsPublication.query(on: db).filter(\.$organisationID == organisationID).count() > 0
    }

    /// Publishes or withdraws; administrators only, audited.
    package static func set(published: Bool, by user: CurrentUser, on db: any Database) async throws {
        guard user.has(.admin) else { throw SynligError.forbidden }
        try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            let existing = try await StatisticsPublication.query(on: tx).filter(\.$organisationID == user.organisationID).first()
            switch (published, existing) {
            case (true, nil):
                let publication = StatisticsPublication()
                publication.organisationID = user.organisationID
                publication.publishedBy = user.id
                try await publication.create(on: tx)
                audit.record("statistics.publish", "statistics_publication", id: publication.id, organisation: user.organisationID)
            case (false, let existing?):
                try await existing.delete(on: tx)
                audit.record("statistics.withdraw", "statistics_publication", id: existing.id, organisation: user.organisationID)
            default:
                break
            }
        }
    }
}
