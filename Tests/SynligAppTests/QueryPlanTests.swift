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
        // The caregiver worklist, search and unit-scoped visibility, with thousands of caregivers.
        ("SELECT id FROM caregiver_tasks WHERE organisation_id = '00000000-0000-0000-0000-000000000001' AND open = true AND assignee_id = '00000000-0000-0000-0000-000000000002' AND due_on < '2026-12-01'",
         "caregiver_tasks_worklist_idx"),
        ("SELECT id FROM caregivers WHERE organisation_id = '00000000-0000-0000-0000-000000000001' AND personal_identity_number = '191212121212'",
         "caregivers_org_pin_idx"),
        ("SELECT recipient_id FROM care_recipient_units WHERE unit_id = '00000000-0000-0000-0000-000000000003'",
         "care_recipient_units_unit_idx"),
        ("SELECT caregiver_id FROM care_relationships WHERE recipient_id = '00000000-0000-0000-0000-000000000004'",
         "care_relationships_recipient_idx"),
        ("SELECT id FROM consents WHERE relationship_id = '00000000-0000-0000-0000-000000000005'", "consents_relationship_idx"),
        ("SELECT id FROM memo_notes WHERE purge_after <= '2026-12-01'", "memo_notes_purge_idx"),
    ])
    func usesIndex(_ query: String, index: String) async throws {
        try await withSynlig { app in
            let text = try await plan(query, on: app.db)
            #expect(text.contains(index), "\(text)")
        }
    }
}
