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

    /// Per unit (rows as `units`): [active during the period, known but not active].
    static func counts(_ scope: StatisticsScope, units: [UUID?], caregivers: [Int], on sql: any SQLDatabase) async throws -> [[Int]] {
        let start = scope.period.start.iso, end = scope.period.end.iso
        var query = SQLQueryString("SELECT c.unit_id AS u, COUNT(*) AS n FROM caregivers c WHERE c.organisation_id = \(bind: scope.organisationID)")
        query = query + SQLQueryString(" AND c.registered_on < \(bind: end) AND (c.registered_on >= \(bind: start)")
        for contact in contacts {
            let owner = contact.throughRelationship
                ? "x.relationship_id IN (SELECT r.id FROM care_relationships r WHERE r.caregiver_id = c.id)"
                : "x.caregiver_id = c.id"
            query = query + SQLQueryString(" OR EXISTS (SELECT 1 FROM \(ident: contact.table) x WHERE \(unsafeRaw: owner)")
                + SQLQueryString(" AND x.\(ident: contact.date) >= \(bind: start) AND x.\(ident: contact.date) < \(bind: end))")
        }
        query = query + SQLQueryString(") GROUP BY c.unit_id")
        var active = Array(repeating: 0, count: units.count)
        for row in try await sql.raw(query).all() {
            if let index = units.firstIndex(of: try row.decode(column: "u", as: UUID?.self)) { active[index] += try row.decode(column: "n", as: Int.self) }
        }
        return zip(active, caregivers).map { [$0, max(0, $1 - $0)] }
    }
}
