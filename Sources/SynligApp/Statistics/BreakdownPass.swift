import Foundation
import SQLKit
import SynligCore

/// One pass over the caregivers known by the period's end, or over their care relationships,
/// that counts many tables at once: a `SUM(CASE …)` column per breakdown and category, and per
/// cell of each cross table, grouped by unit. At 100,000 caregivers each table was a pass of its
/// own (200–750 ms on SQLite); now the caregivers' tables cost one and the relationships' one.
struct BreakdownPass: Sendable {
    /// What the rows are; every table of the pass counts the same rows.
    let unit: StatisticsDimension.Unit
    var dimensions: [StatisticsDimension]
    var crosses: [CrossChoice] = []
    /// Also count the caregivers (each once) with a relationship of more than ten hours a week.
    var countsMoreThanTen = false

    struct Counts: Sendable {
        var breakdowns: [RawBreakdown]
        /// The whole organisation's cross tables, rows × columns in category order.
        var crosses: [CrossChoice: [[Int]]]
        var moreThanTen: Int
    }

    func run(_ scope: StatisticsScope, units: [UUID?], on sql: any SQLDatabase) async throws -> Counts {
        precondition(dimensions.allSatisfy { $0.unit == unit } && crosses.allSatisfy { $0.counts == unit }, "one pass counts one kind of row")
        precondition(!countsMoreThanTen || unit == .relationships, "hours are a relationship's")
        let reference = scope.period.end.addingDays(-1)
        func counted(_ condition: [any SQLExpression]) -> any SQLExpression {
            SQLFunction("SUM", args: SQLList([SQLRaw("CASE WHEN ")] + condition + [SQLRaw(" THEN 1 ELSE 0 END")], separator: SQLRaw("")))
        }
        func equals(_ dimension: StatisticsDimension, _ category: String) -> [any SQLExpression] {
            [Self.categoryExpression(dimension, on: reference), SQLRaw(" = "), SQLBind(category)]
        }
        var select = sql.select().column(StatisticsService.unitKey(scope), as: "u")
        for (d, dimension) in dimensions.enumerated() {
            for (c, category) in dimension.categories.enumerated() { select = select.column(counted(equals(dimension, category)), as: "d\(d)c\(c)") }
        }
        for (x, cross) in crosses.enumerated() {
            for (r, row) in cross.rows.categories.enumerated() {
                for (c, column) in cross.columns.categories.enumerated() {
                    select = select.column(counted(equals(cross.rows, row) + [SQLRaw(" AND ")] + equals(cross.columns, column)), as: "x\(x)r\(r)c\(c)")
                }
            }
        }
        if countsMoreThanTen {
            let bands = HoursBand.allCases.filter(\.isMoreThanTen).map { SQLBind($0.rawValue) as any SQLExpression }
            let heavy = SQLList([SQLRaw("CASE WHEN "), StatisticsService.hoursBandAtEnd, SQLRaw(" IN "), SQLGroupExpression(SQLList(bands)),
                                 SQLRaw(" THEN "), SQLColumn("id", table: "caregivers"), SQLRaw(" END")], separator: SQLRaw(""))
            select = select.column(SQLFunction("COUNT", args: SQLDistinct(heavy)), as: "ten")
        }
        let columns = dimensions.map(\.column) + crosses.flatMap { [$0.rows.column, $0.columns.column] }
        select = StatisticsService.scoped(select, scope, unit: unit, registeredBefore: scope.period.end.iso,
                                          withRecipients: columns.contains { StatisticsDimension.table(of: $0) == "care_recipients" },
                                          withHistory: countsMoreThanTen || columns.contains("hours_band"))

        var result = Counts(
            breakdowns: dimensions.map { RawBreakdown(dimension: $0, counts: Array(repeating: Array(repeating: 0, count: $0.categories.count), count: units.count)) },
            crosses: Dictionary(uniqueKeysWithValues: crosses.map { cross in
                (cross, Array(repeating: Array(repeating: 0, count: cross.columns.categories.count), count: cross.rows.categories.count))
            }),
            moreThanTen: 0)
        for row in try await select.groupBy(StatisticsService.unitKey(scope)).all() {
            // Cross tables and the hours count are the whole scope's: every unit's row adds to them.
            for (x, cross) in crosses.enumerated() {
                for r in cross.rows.categories.indices {
                    for c in cross.columns.categories.indices { result.crosses[cross]?[r][c] += try row.decode(column: "x\(x)r\(r)c\(c)", as: Int.self) }
                }
            }
            if countsMoreThanTen { result.moreThanTen += try row.decode(column: "ten", as: Int.self) }
            guard let index = units.firstIndex(of: try row.decode(column: "u", as: UUID?.self)) else { continue }
            for (d, dimension) in dimensions.enumerated() {
                for c in dimension.categories.indices { result.breakdowns[d].counts[index][c] += try row.decode(column: "d\(d)c\(c)", as: Int.self) }
            }
        }
        return result
    }

    /// The category a row falls in, as SQL text: the stored value ("not stated" for none), or for
    /// age the band reached in the reference day's year (`AgeBand.of`), as ranges of birth years.
    /// A stored value outside the vocabulary matches no category and is counted nowhere.
    static func categoryExpression(_ dimension: StatisticsDimension, on reference: CalendarDate) -> any SQLExpression {
        guard dimension == .ageBand else {
            let text = SQLFunction("CAST", args: SQLList([StatisticsService.expression(of: dimension.column), SQLRaw("TEXT")], separator: SQLRaw(" AS ")))
            return SQLFunction("COALESCE", args: text, SQLBind(StatisticsDimension.notStated))
        }
        let year = SQLColumn("birth_year", table: "caregivers")
        let years = (reference.year - AgeBand.oldestPlausibleAge)...reference.year
        var cases: [any SQLExpression] = [SQLRaw("CASE")]
        for band in AgeBand.allCases where band != .notStated {
            let born = years.filter { AgeBand.of(birthYear: $0, on: reference) == band }
            guard let first = born.first, let last = born.last else { continue }
            cases += [SQLRaw(" WHEN "), year, SQLRaw(" BETWEEN "), SQLLiteral.numeric(String(first)), SQLRaw(" AND "),
                      SQLLiteral.numeric(String(last)), SQLRaw(" THEN "), SQLBind(band.rawValue)]
        }
        cases += [SQLRaw(" ELSE "), SQLBind(AgeBand.notStated.rawValue), SQLRaw(" END")]
        return SQLList(cases, separator: SQLRaw(""))
    }
}
