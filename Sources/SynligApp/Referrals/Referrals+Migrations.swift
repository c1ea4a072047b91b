import Fluent
import SQLKit
import Vapor

/// The referral tables, in the order they shipped. Append new migrations; never edit one that
/// has shipped.
enum ReferralMigrations {
    static func register(in app: Application) {
        app.migrations.add(CreateReferrals())
    }
}

/// The receiver's copy and the sender's note are two tables, each with its own
/// `organisation_id`, so each side reads only its own rows through `OrganisationScoped`.
struct CreateReferrals: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("sent_referrals")
            .id()
            .field("organisation_id", .uuid, .required, .references("organisations", "id"))
            .field("caregiver_id", .uuid, .required, .references("caregivers", "id"))
            .field("receiving_organisation_id", .uuid, .required, .references("organisations", "id"))
            .field("receiving_organisation_name", .string, .required)
            .field("consent_categories", .string, .required)
            .field("consent_form", .string, .required)
            .field("reason", .custom("TEXT"), .required)
            .field("sent_by", .uuid, .required, .references("users", "id"))
            .field("status", .string, .required)
            .field("sent_at", .datetime, .required)
            .field("received_at", .datetime)
            .field("contacted_at", .datetime)
            .field("closed_at", .datetime)
            .create()
        try await database.schema("referrals")
            .id()
            .field("organisation_id", .uuid, .required, .references("organisations", "id"))
            .field("sending_organisation_id", .uuid, .required, .references("organisations", "id"))
            .field("sending_organisation_name", .string, .required)
            .field("sent_referral_id", .uuid, .required)
            .field("consent_categories", .string, .required)
            .field("consent_form", .string, .required)
            .field("reason", .custom("TEXT"), .required)
            .field("name", .string)
            .field("phone", .string)
            .field("email", .string)
            .field("preferred_language", .string)
            .field("care_situation", .custom("TEXT"))
            .field("own_needs", .custom("TEXT"))
            .field("status", .string, .required)
            .field("sent_at", .datetime, .required)
            .field("received_at", .datetime)
            .field("contacted_at", .datetime)
            .field("closed_at", .datetime)
            .field("created_caregiver_id", .uuid, .references("caregivers", "id"))
            .field("version", .int, .required)
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "sent_referrals_org_caregiver_idx").on("sent_referrals").column("organisation_id").column("caregiver_id").run()
        try await sql.create(index: "referrals_org_status_idx").on("referrals").column("organisation_id").column("status").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("referrals").delete()
        try await database.schema("sent_referrals").delete()
    }
}
