import Fluent
import SQLKit
import Vapor

/// Indexes that match what the busiest lists sort and filter by (issue 11): the register is
/// sorted by name within an organisation, and without an index in that order every page sorted
/// the whole organisation (100,000 people at a large municipality) in a temporary B-tree.
struct IndexListsInTheirOrder: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.create(index: "caregivers_org_name_order_idx").on("caregivers")
            .column("organisation_id").column("name").column("id").run()
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.drop(index: "caregivers_org_name_order_idx").run()
    }
}

/// The worklists are read a page at a time in due order (or by kind, then due), one index range
/// per assignee; with the id last in the index the order is complete and nothing is sorted,
/// however many tasks a consultant has. The person's tasks get the same in their own module.
struct IndexWorklistInItsOrder: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await Self.replace("caregiver_tasks_worklist_idx", on: CaregiverTask.schema, database: database)
    }

    func revert(on database: any Database) async throws {
        try await Self.restore("caregiver_tasks_worklist_idx", on: CaregiverTask.schema, database: database)
    }

    static func replace(_ old: String, on table: String, database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.create(index: "\(table)_due_order_idx").on(table)
            .column("organisation_id").column("open").column("assignee_id").column("due_on").column("id").run()
        try await sql.create(index: "\(table)_kind_order_idx").on(table)
            .column("organisation_id").column("open").column("assignee_id").column("kind").column("due_on").column("id").run()
        try await sql.drop(index: old).run()
    }

    static func restore(_ old: String, on table: String, database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.create(index: old).on(table).column("organisation_id").column("open").column("assignee_id").column("due_on").run()
        try await sql.drop(index: "\(table)_due_order_idx").run()
        try await sql.drop(index: "\(table)_kind_order_idx").run()
    }
}
