import Fluent
import SQLKit
import SynligCore
import Vapor

/// Each review an involvement restriction is due for, from the day it is decided: when it was
/// due, and when and how it was reviewed (kept in force, or lifted). The restriction itself only
/// holds its next review date, so without these rows nobody could tell whether reviews are held
/// on time — which the statistics show (`ActivityTable.Kind.restrictionReviews`).
final class RestrictionReview: Model, OrganisationScoped, @unchecked Sendable {
    static let schema = "restriction_reviews"

    enum Outcome: String, Codable, Sendable {
        case continued, lifted
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "organisation_id") var organisationID: UUID
    @Field(key: "restriction_id") var restrictionID: UUID
    @Field(key: "relationship_id") var relationshipID: UUID
    @Field(key: "due_on") var dueOn: String
    /// Nil while the review is still to be held.
    @OptionalField(key: "reviewed_on") var reviewedOn: String?
    @OptionalField(key: "outcome") var outcome: Outcome?
    @OptionalField(key: "reviewed_by") var reviewedBy: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    static var organisationIDKey: KeyPath<RestrictionReview, FieldProperty<RestrictionReview, UUID>> { \.$organisationID }

    init() {}

    /// The review due next for a restriction just decided or kept.
    static func due(_ restriction: InvolvementRestriction, on dueOn: String, on tx: any Database) async throws {
        let review = RestrictionReview()
        review.organisationID = restriction.organisationID
        review.restrictionID = try restriction.requireID()
        review.relationshipID = restriction.relationshipID
        review.dueOn = dueOn
        try await review.create(on: tx)
    }

    /// Holds the restriction's pending review today. A restriction decided before reviews were
    /// kept has none pending; its review is recorded as due on the date the restriction named.
    static func hold(_ restriction: InvolvementRestriction, outcome: Outcome, by userID: UUID, today: CalendarDate,
                     on tx: any Database) async throws {
        let pending = try await RestrictionReview.query(on: tx).filter(\.$restrictionID == restriction.requireID())
            .filter(\.$reviewedOn == nil).first()
        let review = pending ?? RestrictionReview()
        if pending == nil {
            review.organisationID = restriction.organisationID
            review.restrictionID = try restriction.requireID()
            review.relationshipID = restriction.relationshipID
            review.dueOn = restriction.reviewOn
        }
        review.reviewedOn = today.iso
        review.outcome = outcome
        review.reviewedBy = userID
        try await review.save(on: tx)
    }
}

/// Keeps the reviews of involvement restrictions, and gives every restriction in force its
/// pending review, due on the date it names.
struct CreateRestrictionReviews: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(RestrictionReview.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references("organisations", "id"))
            .field("restriction_id", .uuid, .required, .references("involvement_restrictions", "id", onDelete: .cascade))
            .field("relationship_id", .uuid, .required, .references("care_relationships", "id", onDelete: .cascade))
            .field("due_on", .string, .required)
            .field("reviewed_on", .string)
            .field("outcome", .string)
            .field("reviewed_by", .uuid, .references("users", "id"))
            .field("created_at", .datetime)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "restriction_reviews_restriction_idx").on(RestrictionReview.schema).column("restriction_id").run()
        try await sql.create(index: "restriction_reviews_relationship_idx").on(RestrictionReview.schema).column("relationship_id").run()
        struct InForce: Decodable {
            var id: UUID
            var organisation_id: UUID
            var relationship_id: UUID
            var review_on: String
        }
        let inForce = try await sql.select().columns("id", "organisation_id", "relationship_id", "review_on")
            .from("involvement_restrictions").where(SQLColumn("lifted_at"), .is, SQLLiteral.null).all(decoding: InForce.self)
        for restriction in inForce {
            try await sql.insert(into: RestrictionReview.schema)
                .columns("id", "organisation_id", "restriction_id", "relationship_id", "due_on")
                .values(SQLBind(UUID()), SQLBind(restriction.organisation_id), SQLBind(restriction.id),
                        SQLBind(restriction.relationship_id), SQLBind(restriction.review_on))
                .run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(RestrictionReview.schema).delete()
    }
}
