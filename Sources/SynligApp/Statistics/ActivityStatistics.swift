import Foundation
import SQLKit
import SynligCore

/// What happened during the period, counted from the record's follow-ups: support asked for,
/// offered and begun, by kind (who gets respite, who only information); voluntariness answers;
/// strain levels. Each is a one-way table of events, counted in SQL, scoped through the
/// caregiver (organisation and unit) and published through the same suppression as the rest.
struct ActivityTable: Sendable, Equatable {
    enum Kind: String, CaseIterable, Sendable, Codable {
        case supportRequested, supportOffered, supportGiven, supportNotOffered, voluntariness, screening
    }

    var kind: Kind
    var categories: [String]
    /// `counts[unit][category]`, units as in `CaregiverCounts.units`.
    var counts: [[Int]]

    /// The table, the date that places an event in the period, the column grouped by, and an
    /// extra condition where one is needed.
    static func source(_ kind: Kind) -> (table: String, date: String, column: String, status: String?) {
        switch kind {
        case .supportRequested: ("caregiver_support", "requested_on", "need_kind", nil)
        case .supportOffered: ("caregiver_support", "offered_on", "need_kind", nil)
        case .supportGiven: ("caregiver_support", "started_on", "need_kind", nil)
        case .supportNotOffered: ("caregiver_support", "requested_on", "need_kind", SupportStatus.notOffered.rawValue)
        case .voluntariness: ("voluntariness_checks", "asked_on", "answer", nil)
        case .screening: ("screening_results", "screened_on", "level", nil)
        }
    }

    static func categories(_ kind: Kind) -> [String] {
        switch kind {
        case .supportRequested, .supportOffered, .supportGiven, .supportNotOffered: SupportNeedKind.allCases.map(\.rawValue)
        case .voluntariness: VoluntarinessAnswer.allCases.map(\.rawValue)
        case .screening: ScreeningLevel.allCases.map(\.rawValue)
        }
    }

    static func labelKey(_ kind: Kind, _ category: String) -> String {
        switch kind {
        case .supportRequested, .supportOffered, .supportGiven, .supportNotOffered: "support_need.kind.\(category)"
        case .voluntariness: "voluntariness.answer.\(category)"
        case .screening: "screening.level.\(category)"
        }
    }

    var titleKey: String { "statistics.activity.\(kind.rawValue)" }
    var unitKey: String { kind == .voluntariness || kind == .screening ? "statistics.unit.follow_ups" : "statistics.unit.support" }

    /// Every table for the scope, a row per unit: one GROUP BY each.
    static func counts(_ scope: StatisticsScope, kinds: [Kind] = Kind.allCases, units: [UUID?],
                       on sql: any SQLDatabase) async throws -> [ActivityTable] {
        var tables: [ActivityTable] = []
        for kind in kinds {
            let (table, date, column, status) = source(kind)
            var select = StatisticsService.inScope(sql.select()
                .column(StatisticsService.unitColumn, as: "u")
                .column(SQLFunction("CAST", args: SQLList([SQLColumn(column, table: table), SQLRaw("TEXT")], separator: SQLRaw(" AS "))), as: "k")
                .column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
                .from(table)
                .join("caregivers", on: SQLColumn("caregiver_id", table: table), .equal, SQLColumn("id", table: "caregivers")), scope)
                .where(SQLColumn(date, table: table), .greaterThanOrEqual, SQLBind(scope.period.start.iso))
                .where(SQLColumn(date, table: table), .lessThan, SQLBind(scope.period.end.iso))
            if let status {
                select = select.where(SQLColumn("status", table: table), .equal, SQLBind(status))
            }
            let rows = try await select.groupBy(StatisticsService.unitColumn).groupBy(SQLColumn(column, table: table)).all()
            let categories = Self.categories(kind)
            var counts = Array(repeating: Array(repeating: 0, count: categories.count), count: units.count)
            for row in rows {
                guard let key = try row.decode(column: "k", as: String?.self), let column = categories.firstIndex(of: key),
                      let unit = units.firstIndex(of: try row.decode(column: "u", as: UUID?.self)) else { continue }
                counts[unit][column] += try row.decode(column: "n", as: Int.self)
            }
            tables.append(ActivityTable(kind: kind, categories: categories, counts: counts))
        }
        return tables
    }
}
