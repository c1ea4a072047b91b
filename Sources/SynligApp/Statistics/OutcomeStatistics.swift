import Foundation
import SQLKit
import SynligCore

/// Outcome follow-up, descriptive: for support of each kind that began during the period, how
/// the caregiver's strain level and voluntariness answer changed from the last follow-up before
/// it began to the last one within the year after; beside them, caregivers who asked for that
/// kind of support during the period and were not offered it, from the day they asked. Seed 000
/// asks for the effects of support to be assessed; this is not proof of effect, and the page says so.
enum OutcomeStatistics {
    enum Measure: String, CaseIterable, Sendable, Codable {
        case strain, voluntariness

        var source: (table: String, date: String, value: String) {
            switch self {
            case .strain: ("screening_results", "screened_on", "level")
            case .voluntariness: ("voluntariness_checks", "asked_on", "answer")
            }
        }

        /// The rank of a stored value, lower is better.
        func rank(_ raw: String) -> Int? {
            switch self {
            case .strain: ScreeningLevel(rawValue: raw)?.rank
            case .voluntariness: VoluntarinessAnswer(rawValue: raw)?.rank
            }
        }
    }

    /// Those whose support began, and those who asked and were not offered it.
    enum Group: String, CaseIterable, Sendable, Codable {
        case given, notOffered

        /// The activity table whose count for a kind of support is this group's total.
        var activity: ActivityTable.Kind { self == .given ? .supportGiven : .supportNotOffered }
    }

    /// Support rows per measure, group and kind of support, by change: `counts[measure][group][kind]`
    /// in the order of `OutcomeChange.allCases`.
    typealias Counts = [Measure: [Group: [String: [Int]]]]

    static func counts(_ scope: StatisticsScope, on sql: any SQLDatabase) async throws -> Counts {
        let pairs = Measure.allCases.flatMap { measure in Group.allCases.map { (measure, $0) } }
        let changes = try await pairs.concurrentMap { measure, group in try await Self.changes(measure, group, scope, on: sql) }
        var result: Counts = [:]
        for ((measure, group), change) in zip(pairs, changes) {
            result[measure, default: [:]][group] = change
        }
        return result
    }

    /// One GROUP BY over each support row's last value before and last value within the year after.
    private static func changes(_ measure: Measure, _ group: Group, _ scope: StatisticsScope,
                                on sql: any SQLDatabase) async throws -> [String: [Int]] {
        let (table, date, value) = measure.source
        let anchor = group == .given ? "started_on" : "requested_on"
        // One year after an ISO date, as text: the year plus one, the month and day kept. Both
        // databases speak SUBSTR, CAST and ||, so one expression serves both.
        let yearAfter = "CAST(CAST(SUBSTR(s.\(anchor), 1, 4) AS INTEGER) + 1 AS TEXT) || SUBSTR(s.\(anchor), 5)"
        func last(_ condition: String) -> String {
            "(SELECT x.\(value) FROM \(table) x WHERE x.caregiver_id = s.caregiver_id AND \(condition) ORDER BY x.\(date) DESC LIMIT 1)"
        }
        var query = SQLQueryString("SELECT k, b, a, COUNT(*) AS n FROM (SELECT s.need_kind AS k, ")
        query = query + SQLQueryString("\(unsafeRaw: last("x.\(date) <= s.\(anchor)")) AS b, ")
        query = query + SQLQueryString("\(unsafeRaw: last("x.\(date) > s.\(anchor) AND x.\(date) <= \(yearAfter)")) AS a ")
        query = query + SQLQueryString("FROM caregiver_support s JOIN caregivers c ON s.caregiver_id = c.id WHERE c.organisation_id = \(bind: scope.organisationID)")
        query = query + SQLQueryString(" AND s.\(unsafeRaw: anchor) >= \(bind: scope.period.start.iso) AND s.\(unsafeRaw: anchor) < \(bind: scope.period.end.iso)")
        if group == .notOffered { query = query + SQLQueryString(" AND s.status = \(bind: SupportStatus.notOffered.rawValue)") }
        query = query + SQLQueryString(") t GROUP BY k, b, a")
        var byKind: [String: [Int]] = [:]
        for row in try await sql.raw(query).all() {
            let kind = try row.decode(column: "k", as: String.self)
            let change = OutcomeChange.between(before: try row.decode(column: "b", as: String?.self).flatMap(measure.rank),
                                               after: try row.decode(column: "a", as: String?.self).flatMap(measure.rank))
            guard let index = OutcomeChange.allCases.firstIndex(of: change) else { continue }
            byKind[kind, default: Array(repeating: 0, count: OutcomeChange.allCases.count)][index] += try row.decode(column: "n", as: Int.self)
        }
        return byKind
    }
}
