import Fluent
import SQLKit
import Vapor

/// Consequence analyses' and procurement's tables, in the order they shipped. Append new migrations; never edit one that has shipped.
enum DecisionMigrations {
    static func register(in app: Application) {
        app.migrations.add(CreateDecisions())
    }
}

struct CreateDecisions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("consequence_analyses")
            .id()
            .field("organisation_id", .uuid, .required, .references("organisations", "id"))
            .field("title", .string, .required)
            .field("decision_reference", .string, .required)
            .field("decision_date", .string, .required)
            .field("what_changes", .custom("TEXT"), .required)
            .field("affected_groups", .custom("TEXT"), .required)
            .field("effects", .custom("TEXT"), .required)
            .field("mitigation", .custom("TEXT"), .required)
            .field("consulted_caregivers", .bool, .required)
            .field("consulted_civil_society", .bool, .required)
            .field("consultation_notes", .custom("TEXT"), .required)
            .field("status", .string, .required)
            .field("author_user_id", .uuid, .required, .references("users", "id"))
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .create()
        try await database.schema("procurement_requirements")
            .id()
            .field("organisation_id", .uuid, .required, .references("organisations", "id"))
            .field("title", .string, .required)
            .field("text", .custom("TEXT"), .required)
            .field("active", .bool, .required)
            .field("created_at", .datetime)
            .create()
        try await database.schema("procurement_records")
            .id()
            .field("organisation_id", .uuid, .required, .references("organisations", "id"))
            .field("title", .string, .required)
            .field("reference", .string, .required)
            .field("date", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await database.schema("procurement_record_requirements")
            .id()
            .field("organisation_id", .uuid, .required, .references("organisations", "id"))
            .field("record_id", .uuid, .required, .references("procurement_records", "id", onDelete: .cascade))
            .field("requirement_id", .uuid, .required, .references("procurement_requirements", "id"))
            .unique(on: "record_id", "requirement_id")
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "consequence_analyses_org_date_idx").on("consequence_analyses").column("organisation_id").column("decision_date").run()
        try await sql.create(index: "procurement_records_org_date_idx").on("procurement_records").column("organisation_id").column("date").run()
    }

    func revert(on database: any Database) async throws {
        for schema in ["procurement_record_requirements", "procurement_records", "procurement_requirements", "consequence_analyses"] {
            try await database.schema(schema).delete()
        }
    }
}
