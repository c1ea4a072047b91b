import Fluent
import SynligCore
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

/// The people cared for get the caregivers' folded name, so a search among them runs in SQL
/// instead of reading every person the user may see into memory. Existing names are folded in
/// Swift (`SearchText.folded`): SQLite's LOWER leaves å, ä and ö as they are.
struct FoldRecipientNamesForSearch: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(CareRecipient.schema).field("name_folded", .string, .required, .sql(.default(""))).update()
        try await Self.foldExisting(on: database)
        try await (database as! any SQLDatabase).create(index: "care_recipients_org_folded_idx").on(CareRecipient.schema)
            .column("organisation_id").column("name_folded").run()
    }

    /// Folds every stored name, a thousand rows at a time in id order, in one transaction.
    static func foldExisting(on database: any Database) async throws {
        struct Row: Decodable { var id: UUID; var name: String }
        try await database.transaction { tx in
            let sql = tx as! any SQLDatabase
            var after: UUID?
            while true {
                var page = sql.select().column("id").column("name").from(CareRecipient.schema).orderBy("id").limit(1_000)
                if let after { page = page.where("id", .greaterThan, SQLBind(after)) }
                let rows = try await page.all(decoding: Row.self)
                for row in rows {
                    try await sql.update(CareRecipient.schema).set("name_folded", to: SQLBind(SearchText.folded(row.name)))
                        .where("id", .equal, SQLBind(row.id)).run()
                }
                guard rows.count == 1_000, let last = rows.last else { break }
                after = last.id
            }
        }
    }

    func revert(on database: any Database) async throws {
        try await (database as! any SQLDatabase).drop(index: "care_recipients_org_folded_idx").run()
        try await database.schema(CareRecipient.schema).deleteField("name_folded").update()
    }
}
