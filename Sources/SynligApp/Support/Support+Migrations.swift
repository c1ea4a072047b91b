import Fluent
import SQLKit
import Vapor

/// The support catalogue's tables, in the order they shipped. Append new migrations; never
/// edit one that has shipped.
enum SupportMigrations {
    static func register(in app: Application) {
        app.migrations.add(CreateSupportCatalogue())
        app.migrations.add(CreateContactRequests())
        app.migrations.add(CreateContactRequestTallies())
    }
}

struct CreateSupportCatalogue: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("civil_society_organisations")
            .id()
            .field("organisation_id", .uuid, .required, .references("organisations", "id"))
            .field("name", .string, .required)
            .field("description", .custom("TEXT"), .required)
            .field("contact", .custom("TEXT"), .required)
            .field("state_grant", .bool, .required)
            .field("cooperation", .custom("TEXT"), .required)
            .field("created_at", .datetime)
            .create()
        try await database.schema("support_offerings")
            .id()
            .field("organisation_id", .uuid, .required, .references("organisations", "id"))
            .field("name", .string, .required)
            .field("kind", .string, .required)
            .field("provider", .string, .required)
            .field("provider_name", .string, .required)
            .field("civil_society_id", .uuid, .references("civil_society_organisations", "id"))
            .field("target_groups", .string, .required)
            .field("needs_assessment", .bool, .required)
            .field("cost", .custom("TEXT"), .required)
            .field("languages", .string, .required)
            .field("interpreter", .bool, .required)
            .field("accessibility", .custom("TEXT"), .required)
            .field("address", .custom("TEXT"), .required)
            .field("schedule", .custom("TEXT"), .required)
            .field("phone", .string, .required)
            .field("email", .string, .required)
            .field("website", .string, .required)
            .field("description", .custom("TEXT"), .required)
            .field("eligibility", .custom("TEXT"), .required)
            .field("last_checked", .string, .required)
            .field("published", .bool, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "support_offerings_org_published_idx").on("support_offerings")
            .column("organisation_id").column("published").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("support_offerings").delete()
        try await database.schema("civil_society_organisations").delete()
    }
}

struct CreateContactRequests: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("contact_requests")
            .id()
            .field("organisation_id", .uuid, .required, .references("organisations", "id"))
            .field("name", .string, .required)
            .field("reach", .string, .required)
            .field("about", .custom("TEXT"), .required)
            .field("language", .string, .required)
            .field("status", .string, .required)
            .field("closed_reason", .custom("TEXT"))
            .field("closed_by", .uuid, .references("users", "id"))
            .field("closed_at", .datetime)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema("rate_events")
            .id()
            .field("key_hash", .string, .required)
            .field("occurred_at", .datetime, .required)
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "contact_requests_org_status_idx").on("contact_requests").column("organisation_id").column("status").run()
        try await sql.create(index: "rate_events_key_time_idx").on("rate_events").column("key_hash").column("occurred_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("rate_events").delete()
        try await database.schema("contact_requests").delete()
    }
}
