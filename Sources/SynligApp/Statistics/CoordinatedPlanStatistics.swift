import Foundation
import SQLKit
import SynligCore

/// "Det har rapporterats brister i att systematiskt erbjuda samordnad individuell plan (SIP)"
/// (seed 003) made followable: people cared for with a SIP offered during the period, by the
/// outcome of their latest offer in it; and discharges from inpatient care during the period,
/// by whether a SIP was offered within `DischargeFollowUp.windowDays` (30) days. The whole
/// organisation only, like contact requests; published through the same suppression. People with
/// a SIP offered are counted once per period, so a year is not the sum of its quarters: that
/// table is shown per year only. Discharges are, and are counted by quarter like contact requests.
enum CoordinatedPlanStatistics {
    enum Followed: String, CaseIterable, Sendable, Codable {
        case withinWindow, notWithinWindow
    }

    /// People per outcome, in the order of `CoordinatedPlanOutcome.allCases`: each counted once,
    /// by the latest offer made to them during the period.
    static func offers(_ scope: StatisticsScope, on sql: any SQLDatabase) async throws -> [Int] {
        let (start, end) = (scope.period.start.iso, scope.period.end.iso)
        var query = SQLQueryString("SELECT o.outcome AS k, COUNT(*) AS n FROM coordinated_plan_offers o")
        query = query + SQLQueryString(" WHERE o.organisation_id = \(bind: scope.organisationID) AND o.offered_on >= \(bind: start) AND o.offered_on < \(bind: end)")
        query = query + SQLQueryString(" AND NOT EXISTS (SELECT 1 FROM coordinated_plan_offers l WHERE l.recipient_id = o.recipient_id")
        query = query + SQLQueryString(" AND l.offered_on >= \(bind: start) AND l.offered_on < \(bind: end)")
        query = query + SQLQueryString(" AND (l.offered_on > o.offered_on OR (l.offered_on = o.offered_on AND l.id > o.id)))")
        query = query + SQLQueryString(" GROUP BY o.outcome")
        var counts = Array(repeating: 0, count: CoordinatedPlanOutcome.allCases.count)
        for row in try await sql.raw(query).all() {
            guard let outcome = CoordinatedPlanOutcome(rawValue: try row.decode(column: "k", as: String.self)),
                  let index = CoordinatedPlanOutcome.allCases.firstIndex(of: outcome) else { continue }
            counts[index] += try row.decode(column: "n", as: Int.self)
        }
        return counts
    }

    /// Discharges per quarter of the period's year, [followed by a SIP offered within the window,
    /// not]: a quarter is published only beside its year (`publish(quarters:year:)`).
    static func discharges(_ scope: StatisticsScope, on sql: any SQLDatabase) async throws -> [[Int]] {
        guard let year = StatisticsPeriod.year(scope.period.year) else { return [] }
        let (start, end) = (year.start.iso, year.end.iso)
        var query = SQLQueryString("SELECT SUBSTR(d.discharged_on, 6, 2) AS m, COUNT(*) AS n, COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM coordinated_plan_offers o")
        query = query + SQLQueryString(" WHERE o.recipient_id = d.recipient_id AND o.offered_on >= d.discharged_on AND o.offered_on <= ")
        query = query + windowEnd(on: sql)
        query = query + SQLQueryString(") THEN 1 ELSE 0 END), 0) AS followed FROM inpatient_discharges d")
        query = query + SQLQueryString(" WHERE d.organisation_id = \(bind: scope.organisationID) AND d.discharged_on >= \(bind: start) AND d.discharged_on < \(bind: end)")
        query = query + SQLQueryString(" GROUP BY SUBSTR(d.discharged_on, 6, 2)")
        var quarters = Array(repeating: [0, 0], count: 4)
        for row in try await sql.raw(query).all() {
            guard let month = Int(try row.decode(column: "m", as: String.self)), (1...12).contains(month) else { continue }
            let total = try row.decode(column: "n", as: Int.self), followed = try row.decode(column: "followed", as: Int.self)
            quarters[(month - 1) / 3][0] += followed
            quarters[(month - 1) / 3][1] += max(0, total - followed)
        }
        return quarters
    }

    /// The last day of the window after `d.discharged_on`, as an ISO date text. The two
    /// databases spell date arithmetic differently; both are here side by side.
    private static func windowEnd(on sql: any SQLDatabase) -> SQLQueryString {
        switch DialectSQL.Dialect(sql) {
        case .sqlite: SQLQueryString("date(d.discharged_on, '+\(unsafeRaw: String(DischargeFollowUp.windowDays)) days')")
        case .postgres: SQLQueryString("to_char(CAST(d.discharged_on AS date) + \(unsafeRaw: String(DischargeFollowUp.windowDays)), 'YYYY-MM-DD')")
        }
    }
}
