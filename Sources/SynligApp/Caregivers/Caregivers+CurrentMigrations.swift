import Fluent
import SQLKit
import Vapor

/// Consent and information kept current, and children in the household:
/// - `caregiver_information`: what was told to a caregiver, when, by whom, within which consent
///   category (or general information);
/// - `consents.review`: an entry that confirms, at a review, the stance before it unchanged;
/// - `caregiver_settings.consent_review_months`: how often the stance is reviewed (12 by default);
/// - `caregivers.children_in_household` (starts at `notStated` for everyone) and `children_count`.
/// SQLite adds one column per ALTER TABLE, so each column is its own `.update()`.
struct KeepConsentAndInformationCurrent: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("caregiver_information")
            .id()
            .field("organisation_id", .uuid, .required, .references("organisations", "id"))
            .field("caregiver_id", .uuid, .required, .references("caregivers", "id", onDelete: .cascade))
            .field("relationship_id", .uuid, .references("care_relationships", "id", onDelete: .setNull))
            .field("scope", .string, .required)
            .field("topic", .string, .required)
            .field("topic_text", .custom("TEXT"), .required)
            .field("given_on", .string, .required)
            .field("given_by", .uuid, .required, .references("users", "id"))
            .field("created_at", .datetime)
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "caregiver_information_caregiver").on("caregiver_information").column("caregiver_id").column("given_on").run()
        try await sql.create(index: "caregiver_information_period").on("caregiver_information").column("organisation_id").column("given_on").run()
        try await database.schema("consents").field("review", .bool, .required, .sql(.default(false))).update()
        try await database.schema("caregiver_settings").field("consent_review_months", .int, .required, .sql(.default(12))).update()
        try await database.schema("caregivers").field("children_in_household", .string, .required, .sql(.default("notStated"))).update()
        try await database.schema("caregivers").field("children_count", .int).update()
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.raw("ALTER TABLE caregivers DROP COLUMN children_count").run()
        try await sql.raw("ALTER TABLE caregivers DROP COLUMN children_in_household").run()
        try await sql.raw("ALTER TABLE caregiver_settings DROP COLUMN consent_review_months").run()
        try await sql.raw("ALTER TABLE consents DROP COLUMN review").run()
        try await database.schema("caregiver_information").delete()
    }
}

/// Stances recorded before reviews were scheduled get their first review task, due when they
/// pass the organisation's interval, so an upgraded database follows its stances from the start
/// and not only once an administrator happens to save the interval.
struct ScheduleReviewsOfExistingStances: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let organisations = Set(try await ConsentRecord.query(on: database).all(\.$organisationID))
        for organisationID in organisations {
            try await ConsentService.rescheduleReviews(organisationID: organisationID, on: database)
        }
    }

    func revert(on database: any Database) async throws {}
}
