import Fluent
import SQLKit
import Testing
import Vapor
@testable import SynligApp

/// Hot queries must use their index, so a missing index fails here rather than for a user
/// with a long worklist.
@Suite("Query plans of hot queries")
struct QueryPlanTests {
    /// The plan of `query` as text, on either database. PostgreSQL is told to avoid sequential
    /// scans for the check, since on a near-empty table it would rightly prefer one.
    func plan(_ query: String, on db: any Database) async throws -> String {
        try await db.transaction { tx in
            let sql = tx as! any SQLDatabase
            if TestDatabase.isPostgres {
                try await sql.raw("SET LOCAL enable_seqscan = off").run()
                let rows = try await sql.raw("EXPLAIN \(unsafeRaw: query)").all()
                return try rows.map { try $0.decode(column: "QUERY PLAN", as: String.self) }.joined(separator: "\n")
            }
            let rows = try await sql.raw("EXPLAIN QUERY PLAN \(unsafeRaw: query)").all()
            return try rows.map { try $0.decode(column: "detail", as: String.self) }.joined(separator: "\n")
        }
    }

    @Test("The worklist finds a user's due actions, goal follow-ups and sheets by index", arguments: [
        ("SELECT id FROM plan_actions WHERE owner_user_id = '00000000-0000-0000-0000-000000000001' AND status IN ('planned','inProgress') AND due_date <= '2026-12-01'",
         "plan_actions_owner_due_idx"),
        ("SELECT id FROM goals WHERE owner_user_id = '00000000-0000-0000-0000-000000000001' AND next_follow_up <= '2026-12-01'",
         "goals_owner_follow_up_idx"),
        ("SELECT id FROM mapping_responses WHERE respondent_user_id = '00000000-0000-0000-0000-000000000001' AND status = 'draft'",
         "mapping_responses_respondent_idx"),
        ("SELECT item_key, choice FROM mapping_answers WHERE mapping_id = '00000000-0000-0000-0000-000000000001'",
         "mapping_answers_mapping_item_idx"),
        ("SELECT id FROM access_log WHERE organisation_id = '00000000-0000-0000-0000-000000000001' ORDER BY occurred_at DESC LIMIT 100",
         "access_log_organisation_time_idx"),
    ])
    func usesIndex(_ query: String, index: String) async throws {
        try await withSynlig { app in
            let text = try await plan(query, on: app.db)
            #expect(text.contains(index), "\(text)")
        }
    }
}
