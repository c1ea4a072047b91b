import Foundation
import SQLKit

/// Caregivers in contact with the organisation during the period: registered, or any
/// conversation, follow-up, screening, support step, meeting or feedback dated in it. Counted per
/// unit in one query; each caregiver once however many contacts they had.
enum ActiveCaregivers {
    /// The record's dated contacts: table, date column, and whether it reaches its caregiver
    /// through a care relationship.
    static let contacts: [(table: String, date: String, throughRelationship: Bool)] = [
        ("caregiver_conversations", "held_on", false),
        ("voluntariness_checks", "asked_on", false),
        ("screening_results", "screened_on", false),
        ("caregiver_support", "requested_on", false),
        ("caregiver_support", "offered_on", false),
        ("caregiver_support", "started_on", false),
        ("caregiver_feedback", "received_on", false),
        ("meeting_invitations", "meeting_on", true),
    ]

    /// Per unit (rows as `units`): how many were active during the period.
    static func perUnit(_ scope: StatisticsScope, units: [UUID?], on sql: any SQLDatabase) async throws -> [Int] {
        let start = scope.period.start.iso, end = scope.period.end.iso
        var query = SQLQueryString("SELECT c.unit_id AS u, COUNT(*) AS n FROM caregivers c WHERE c.organisation_id = \(bind: scope.organisationID)")
        query = query + SQLQueryString(" AND c.registered_on < \(bind: end) AND (c.registered_on >= \(bind: start)")
        for contact in contacts {
            let owner = contact.throughRelationship
                ? "x.relationship_id IN (SELECT r.id FROM care_relationships r WHERE r.caregiver_id = c.id)"
                : "x.caregiver_id = c.id"
            query = query + SQLQueryString(" OR ") + DatedRecord.exists(contact.table, contact.date, owner: owner, from: start, before: end)
        }
        query = query + SQLQueryString(") GROUP BY c.unit_id")
        return try await DatedRecord.perUnit(query, units: units, on: sql)
    }
}

/// SQL that statistics about the record's dated entries share.
enum DatedRecord {
    /// `EXISTS` a row of `table` belonging to the counted caregiver (`owner`, a condition on the
    /// row `x`) dated in [from, before): ISO dates compare as text on both databases.
    static func exists(_ table: String, _ column: String, owner: String = "x.caregiver_id = c.id", extra: String = "",
                       from start: String, before end: String) -> SQLQueryString {
        SQLQueryString("EXISTS (SELECT 1 FROM \(ident: table) x WHERE \(unsafeRaw: owner)\(unsafeRaw: extra)")
            + SQLQueryString(" AND x.\(ident: column) >= \(bind: start) AND x.\(ident: column) < \(bind: end))")
    }

    /// Runs a `SELECT … AS u, COUNT(*) AS n … GROUP BY unit` and lays the counts out as `units`.
    static func perUnit(_ query: SQLQueryString, units: [UUID?], on sql: any SQLDatabase) async throws -> [Int] {
        var counts = Array(repeating: 0, count: units.count)
        for row in try await sql.raw(query).all() {
            if let index = units.firstIndex(of: try row.decode(column: "u", as: UUID?.self)) { counts[index] += try row.decode(column: "n", as: Int.self) }
        }
        return counts
    }
}
