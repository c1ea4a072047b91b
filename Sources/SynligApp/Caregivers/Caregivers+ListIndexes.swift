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
