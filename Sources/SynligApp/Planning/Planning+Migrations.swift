import Fluent
import SQLKit
import Vapor

/// The development plan's tables, in the order they shipped. Append new migrations; never edit one that has shipped.
enum PlanningMigrations {
    static func register(in app: Application) {
        app.migrations.add(CreatePlanning())
        app.migrations.add(AddGoalIndicator())
    }
}

/// A goal may name a measure from the register (`PracticeIndicator`) that its progress is read by.
struct AddGoalIndicator: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("goals").field("indicator", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("goals").deleteField("indicator").update()
    }
}

struct CreatePlanning: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("goals")
            .id()
            .field("organisation_id", .uuid, .required, .references("organisations", "id"))
            .field("unit_id", .uuid, .references("units", "id"))
            .field("title", .string, .required)
            .field("description", .custom("TEXT"), .required)
            .field("target_date", .string, .required)
            .field("owner_user_id", .uuid, .required, .references("users", "id"))
            .field("status", .string, .required)
            .field("follow_up_months", .int, .required)
            .field("next_follow_up", .string)
            .field("source_mapping_id", .uuid, .references("mappings", "id"))
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .create()
        try await database.schema("goal_links")
            .id()
            .field("organisation_id", .uuid, .required, .references("organisations", "id"))
            .field("goal_id", .uuid, .required, .references("goals", "id", onDelete: .cascade))
            .field("item_key", .string, .required)
            .unique(on: "goal_id", "item_key")
            .create()
        try await database.schema("plan_actions")
            .id()
            .field("organisation_id", .uuid, .required, .references("organisations", "id"))
            .field("goal_id", .uuid, .required, .references("goals", "id", onDelete: .cascade))
            .field("title", .string, .required)
            .field("description", .custom("TEXT"), .required)
            .field("owner_user_id", .uuid, .required, .references("users", "id"))
            .field("due_date", .string, .required)
            .field("status", .string, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .create()
        try await database.schema("plan_follow_ups")
            .id()
            .field("organisation_id", .uuid, .required, .references("organisations", "id"))
            .field("goal_id", .uuid, .required, .references("goals", "id", onDelete: .cascade))
            .field("action_id", .uuid, .references("plan_actions", "id", onDelete: .cascade))
            .field("date", .string, .required)
            .field("progress", .string, .required)
            .field("note", .custom("TEXT"), .required)
            .field("author_user_id", .uuid, .required, .references("users", "id"))
            .field("created_at", .datetime)
            .create()
        try await database.schema("routine_statuses")
            .id()
            .field("organisation_id", .uuid, .required, .references("organisations", "id"))
            .field("unit_id", .uuid, .required, .references("units", "id"))
            .field("routine_key", .string, .required)
            .field("state", .string, .required)
            .field("source", .string, .required)
            .field("reference", .custom("TEXT"), .required)
            .field("updated_at", .datetime, .required)
            .field("updated_by", .uuid, .required, .references("users", "id"))
            .unique(on: "unit_id", "routine_key")
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "goals_organisation_idx").on("goals").column("organisation_id").column("status").run()
        try await sql.create(index: "goal_links_goal_idx").on("goal_links").column("goal_id").run()
        try await sql.create(index: "plan_actions_owner_due_idx").on("plan_actions").column("owner_user_id").column("status").column("due_date").run()
        try await sql.create(index: "plan_actions_goal_idx").on("plan_actions").column("goal_id").run()
        try await sql.create(index: "plan_follow_ups_goal_idx").on("plan_follow_ups").column("goal_id").run()
        try await sql.create(index: "goals_owner_follow_up_idx").on("goals").column("owner_user_id").column("next_follow_up").run()
    }

    func revert(on database: any Database) async throws {
        for schema in ["routine_statuses", "plan_follow_ups", "plan_actions", "goal_links", "goals"] {
            try await database.schema(schema).delete()
        }
    }
}
