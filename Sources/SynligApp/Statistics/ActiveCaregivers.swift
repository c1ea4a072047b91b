import Foundation
import SQLKit

/// Caregivers in contact with the organisation during the period: registered, or any
/// conversation, follow-up, screening, support step, meeting or feedback dated in it. Counted per
/// unit in one query; each caregiver once however many contacts they had. The query starts from
/// the period's contacts rather than asking every caregiver ever registered. No (organisation,
/// day) indexes: SQLite then read a caregiver's invitations through one, in date order, instead
/// of through the relationship (`QueryPlanTests.relationshipInvitations`).
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
        try await DatedRecord.perUnit(query(scope), units: units, on: sql)
    }

    /// The query behind `perUnit`, apart so its plan can be checked (`QueryPlanTests`).
    static func query(_ scope: StatisticsScope) -> SQLQueryString {
        let organisation = scope.organisationID, start = scope.period.start.iso, end = scope.period.end.iso
        // Every caregiver id with a contact in the period (UNION keeps each once), and those registered in it.
        var ids = SQLQueryString("SELECT id AS caregiver_id FROM caregivers WHERE organisation_id = \(bind: organisation)")
            + " AND registered_on >= \(bind: start) AND registered_on < \(bind: end)"
        for contact in contacts {
            let day = SQLQueryString("x.\(ident: contact.date)")
            ids = ids + " UNION "
                + (contact.throughRelationship
                    ? "SELECT r.caregiver_id FROM \(ident: contact.table) x JOIN care_relationships r ON r.id = x.relationship_id"
                    : "SELECT x.caregiver_id FROM \(ident: contact.table) x")
                + " WHERE x.organisation_id = \(bind: organisation) AND " + day + " >= \(bind: start) AND " + day + " < \(bind: end)"
        }
        // Held to the organisation's caregivers known by the period's end, whatever a contact row says.
        return "SELECT c.unit_id AS u, COUNT(*) AS n FROM (" + ids + ") a JOIN caregivers c ON c.id = a.caregiver_id"
            + " WHERE c.organisation_id = \(bind: organisation) AND c.registered_on < \(bind: end) GROUP BY c.unit_id"
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
