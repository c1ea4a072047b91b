import Foundation
import SQLKit
import SynligCore

/// One pass over the caregivers known by the period's end, or over their care relationships,
/// that counts many tables at once: a `SUM(CASE …)` column per breakdown and category, and per
/// cell of each cross table, grouped by unit. At 100,000 caregivers each table was a pass of its
/// own (200–750 ms on SQLite); now the caregivers' tables cost one and the relationships' one.
///
/// The rows are also grouped by the month the caregiver was registered, so the same pass gives
/// every table as it stood at each quarter end up to the period's, and the counts are settled
/// over those quarters (`StockSettlement`): a period's breakdown set beside another period's must
/// not give away who came in between.
struct BreakdownPass: Sendable {
    /// What the rows are; every table of the pass counts the same rows.
    let unit: StatisticsDimension.Unit
    var dimensions: [StatisticsDimension]
    var crosses: [CrossChoice] = []
    /// Also count the caregivers (each once) with a relationship of more than ten hours a week.
    var countsMoreThanTen = false

    struct Counts: Sendable {
        /// Settled at the period's end; each unit's row adds up to its exact count.
        var breakdowns: [RawBreakdown]
        /// The whole scope's cross tables: per column category, its split by the rows, settled so
        /// that it adds up to the column's settled count; nil where it cannot.
        var crosses: [CrossChoice: [[Int]?]]
        var moreThanTen: Int
    }

    /// Counts of one kind grouped by quarter of registration: `[quarter: [unit][category]]`.
    private typealias Flows = [Int: [[Int]]]

    func run(_ scope: StatisticsScope, units: [UUID?], policy: SuppressionPolicy = .standard, today: CalendarDate = .today(),
             on sql: any SQLDatabase) async throws -> Counts {
        precondition(dimensions.allSatisfy { $0.unit == unit } && crosses.allSatisfy { $0.counts == unit }, "one pass counts one kind of row")
        precondition(!countsMoreThanTen || unit == .relationships, "hours are a relationship's")
        precondition(crosses.allSatisfy { dimensions.contains($0.columns) }, "a cross table's columns are settled with their breakdown")
        let reference = scope.period.end.addingDays(-1)
        func counted(_ condition: [any SQLExpression]) -> any SQLExpression {
            SQLFunction("SUM", args: SQLList([SQLRaw("CASE WHEN ")] + condition + [SQLRaw(" THEN 1 ELSE 0 END")], separator: SQLRaw("")))
        }
        func equals(_ dimension: StatisticsDimension, _ category: String) -> [any SQLExpression] {
            [Self.categoryExpression(dimension, on: reference), SQLRaw(" = "), SQLBind(category)]
        }
        let month = SQLFunction("SUBSTR", args: SQLColumn("registered_on", table: "caregivers"), SQLLiteral.numeric("1"), SQLLiteral.numeric("7"))
        // The people who came in, whatever the rows are: who may have made a count move.
        let people = SQLFunction("COUNT", args: SQLDistinct(SQLColumn("id", table: "caregivers")))
        var select = sql.select().column(StatisticsService.unitKey(scope), as: "u").column(month, as: "m").column(people, as: "p")
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

        // Per quarter of registration: each dimension's [unit][category], each cross table's
        // [row][column] for the whole scope, and the caregivers who give more than ten hours.
        // A caregiver is registered in one month, so their distinct count adds up across months.
        var breakdownFlows = dimensions.map { _ in Flows() }
        var crossFlows = crosses.map { _ in Flows() }
        var tenFlows: [Int: Int] = [:]
        var arrivals: [Int: [Int]] = [:]
        func zeros(_ rows: Int, _ columns: Int) -> [[Int]] { Array(repeating: Array(repeating: 0, count: columns), count: rows) }
        for row in try await select.groupBy(StatisticsService.unitKey(scope)).groupBy(month).all() {
            guard let quarter = Self.quarterKey(try row.decode(column: "m", as: String?.self)),
                  let index = units.firstIndex(of: try row.decode(column: "u", as: UUID?.self)) else { continue }
            // Cross tables and the hours count are the whole scope's: every unit's row adds to them.
            for (x, cross) in crosses.enumerated() {
                for r in cross.rows.categories.indices {
                    for c in cross.columns.categories.indices {
                        crossFlows[x][quarter, default: zeros(cross.rows.categories.count, cross.columns.categories.count)][r][c]
                            += try row.decode(column: "x\(x)r\(r)c\(c)", as: Int.self)
                    }
                }
            }
            if countsMoreThanTen { tenFlows[quarter, default: 0] += try row.decode(column: "ten", as: Int.self) }
            arrivals[quarter, default: Array(repeating: 0, count: units.count)][index] += try row.decode(column: "p", as: Int.self)
            for (d, dimension) in dimensions.enumerated() {
                for c in dimension.categories.indices {
                    breakdownFlows[d][quarter, default: zeros(units.count, dimension.categories.count)][index][c]
                        += try row.decode(column: "d\(d)c\(c)", as: Int.self)
                }
            }
        }

        // Every quarter end from the first registration to the period's; before the first, every
        // count is 0, which settles at 0, so where the history starts changes nothing.
        let last = Self.quarterKey(of: reference)
        let first = (breakdownFlows.flatMap(\.keys) + crossFlows.flatMap(\.keys) + tenFlows.keys).min().map { min($0, last) } ?? last
        let quarters = Array(first...last)
        func cumulative<T>(_ flows: [Int: T], zero: T, add: (T, T) -> T) -> [T] { Self.cumulative(flows, over: quarters, zero: zero, add: add) }
        let plus = Self.plus

        let settlement = StockSettlement(policy: policy)
        // Counts move only at the end of a whole quarter in which at least the threshold came in,
        // per unit for its own rows and in all for the whole scope's tables.
        let complete = Self.ended(quarters, today: today)
        let unitArrivals = quarters.map { arrivals[$0] ?? Array(repeating: 0, count: units.count) }
        let eligible = units.indices.map { unit in settlement.eligibleQuarters(arrivals: unitArrivals.map { $0[unit] }, complete: complete) }
        let eligibleInAll = settlement.eligibleQuarters(arrivals: unitArrivals.map { $0.reduce(0, +) }, complete: complete)
        var result = Counts(breakdowns: [], crosses: [:], moreThanTen: 0)
        // Each dimension's settled [unit][category] at every quarter end, for the cross tables' columns.
        var settledByQuarter: [StatisticsDimension: [[[Int]]]] = [:]
        for (d, dimension) in dimensions.enumerated() {
            let history = cumulative(breakdownFlows[d], zero: zeros(units.count, dimension.categories.count), add: plus)
            let absorber = dimension.categories.count - 1
            // Per unit, its row at every quarter end; a row adding up to its own sum is always settled.
            let perUnit = units.indices.map { unit in
                settlement.settle(rows: history.map { $0[unit] }, absorber: absorber, eligible: eligible[unit]).map { $0 ?? [] }
            }
            settledByQuarter[dimension] = quarters.indices.map { quarter in perUnit.map { $0[quarter] } }
            result.breakdowns.append(RawBreakdown(dimension: dimension, counts: perUnit.map { $0.last ?? [] }))
        }
        for (x, cross) in crosses.enumerated() {
            let history = cumulative(crossFlows[x], zero: zeros(cross.rows.categories.count, cross.columns.categories.count), add: plus)
            let columnTotals = (settledByQuarter[cross.columns] ?? []).map { units in
                cross.columns.categories.indices.map { column in units.reduce(0) { $0 + ($1.indices.contains(column) ? $1[column] : 0) } }
            }
            result.crosses[cross] = cross.columns.categories.indices.map { column in
                settlement.settle(rows: history.map { rows in rows.map { $0[column] } },
                                  absorber: cross.rows.categories.count - 1,
                                  totals: columnTotals.map { $0[column] }, eligible: eligibleInAll).last ?? nil
            }
        }
        if countsMoreThanTen {
            result.moreThanTen = settlement.settle(series: cumulative(tenFlows, zero: 0, add: +), eligible: eligibleInAll).last ?? 0
        }
        return result
    }

    /// The quarter a day falls in, numbered as `quarterKey(_:)` numbers them.
    static func quarterKey(of day: CalendarDate) -> Int { day.year * 4 + StatisticsPeriod.quarterNumber(of: day) - 1 }

    /// The running total of quarterly flows at the end of each of `quarters`, oldest first.
    static func cumulative<T>(_ flows: [Int: T], over quarters: [Int], zero: T, add: (T, T) -> T) -> [T] {
        var running = zero
        return quarters.map { quarter in
            if let flow = flows[quarter] { running = add(running, flow) }
            return running
        }
    }

    /// Two tables added cell by cell.
    static func plus(_ a: [[Int]], _ b: [[Int]]) -> [[Int]] { zip(a, b).map { zip($0, $1).map(+) } }

    /// Whether each quarter has ended by `today`: a count moves only at the end of a whole quarter.
    static func ended(_ quarters: [Int], today: CalendarDate) -> [Bool] {
        let running = quarterKey(of: today)
        return quarters.map { $0 < running }
    }

    /// Quarters as consecutive numbers (year × 4 + quarter − 1), from a registration date's "YYYY-MM".
    static func quarterKey(_ month: String?) -> Int? {
        guard let month, month.count == 7, let year = Int(month.prefix(4)), let number = Int(month.suffix(2)), (1...12).contains(number)
        else { return nil }
        return year * 4 + (number - 1) / 3
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
