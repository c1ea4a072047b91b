import Fluent
import SQLKit
import SynligCore
import Vapor

/// What the statistics are about: one organisation, optionally one unit, one period.
struct StatisticsScope: Sendable {
    var organisationID: UUID
    var unitID: UUID?
    var period: StatisticsPeriod
}

/// One breakdown's counts, before anything is withheld.
struct RawBreakdown: Sendable, Equatable {
    var dimension: StatisticsDimension
    /// Counts in the order of `dimension.categories`.
    var counts: [Int]
}

/// The counts the statistics are made of, computed in SQL (one GROUP BY per table) and never by
/// loading people: only aggregates leave the database, and only suppressed ones leave this
/// capability (`StatisticsReport`).
struct CaregiverCounts: Sendable {
    /// Caregivers registered before the period ends.
    var identified: Int
    /// Caregivers registered during the period.
    var new: Int
    var breakdowns: [RawBreakdown]
    /// Relationships by the caregiver's gender (rows) and hours band (columns).
    var genderByHours: [[Int]]
    /// Support, voluntariness and strain events during the period.
    var activities: [ActivityTable]
    /// New caregivers per quarter, whole years up to the period's end.
    var trend: [(quarter: StatisticsPeriod, new: Int)]
    /// Caregivers known by the period's end who give more than ten hours a week to someone.
    var moreThanTenHours: Int = 0
}

enum StatisticsService {
    /// Who may read statistics: they show no person, so viewers (politicians, management) may.
    static let readers: Set<Role> = [.admin, .strategist, .viewer, .consultant]

    static func counts(_ scope: StatisticsScope, on db: any Database) async throws -> CaregiverCounts {
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        let end = scope.period.end.iso
        let identified = try await caregiverCount(sql, scope, registeredBefore: end)
        let new = try await caregiverCount(sql, scope, registeredBefore: end, from: scope.period.start.iso)
        var breakdowns: [RawBreakdown] = []
        for dimension in StatisticsDimension.allCases {
            breakdowns.append(RawBreakdown(dimension: dimension, counts: try await breakdownCounts(dimension, scope, on: sql)))
        }
        let crossed = try await groupedCounts(sql, scope, by: ["gender", "hours_band"], unit: .relationships)
        let genders = StatisticsDimension.gender.categories, hours = StatisticsDimension.hoursBand.categories
        var table = Array(repeating: Array(repeating: 0, count: hours.count), count: genders.count)
        for (key, count) in crossed {
            guard let row = genders.firstIndex(of: key[0] ?? StatisticsDimension.notStated),
                  let column = hours.firstIndex(of: key[1] ?? StatisticsDimension.notStated) else { continue }
            table[row][column] += count
        }
        return CaregiverCounts(identified: identified, new: new, breakdowns: breakdowns, genderByHours: table,
                               activities: try await ActivityTable.counts(scope, on: sql), trend: try await quarterlyTrend(scope, on: db),
                               moreThanTenHours: try await moreThanTenHours(sql, scope))
    }

    /// One breakdown of those known by the period's end, in the order of `dimension.categories`.
    static func breakdownCounts(_ dimension: StatisticsDimension, _ scope: StatisticsScope, on sql: any SQLDatabase) async throws -> [Int] {
        var byCategory: [String: Int] = [:]
        for (key, count) in try await groupedCounts(sql, scope, by: [dimension.column], unit: dimension.unit) {
            let category = dimension == .ageBand
                ? AgeBand.of(birthYear: key[0].flatMap { Int($0) }, on: scope.period.end.addingDays(-1)).rawValue
                : (key[0] ?? StatisticsDimension.notStated)
            byCategory[category, default: 0] += count
        }
        return dimension.categories.map { byCategory[$0] ?? 0 }
    }

    /// Caregivers new in each quarter of the years up to the period's end, from one GROUP BY on the
    /// registration month (ISO dates: the first seven characters are the month). Whole years, so
    /// each year's quarters can be published as one table with that year's total.
    static func quarterlyTrend(_ scope: StatisticsScope, years: Int = 2, on db: any Database) async throws -> [(quarter: StatisticsPeriod, new: Int)] {
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        let month = SQLFunction("SUBSTR", args: SQLColumn("registered_on", table: "caregivers"), SQLLiteral.numeric("1"), SQLLiteral.numeric("7"))
        let lastYear = scope.period.end.addingDays(-1).year
        guard let first = StatisticsPeriod.year(lastYear - years + 1), let last = StatisticsPeriod.year(lastYear) else { return [] }
        let rows = try await scoped(sql.select().column(month, as: "m").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n"),
                                    scope, unit: .caregivers, registeredBefore: last.end.iso)
            .where(SQLColumn("registered_on", table: "caregivers"), .greaterThanOrEqual, SQLBind(first.start.iso))
            .groupBy(month).all()
        var byMonth: [String: Int] = [:]
        for row in rows { byMonth[try row.decode(column: "m", as: String.self), default: 0] += try row.decode(column: "n", as: Int.self) }
        return (lastYear - years + 1...lastYear).flatMap { year in (1...4).compactMap { StatisticsPeriod.quarter($0, of: year) } }.map { quarter in
            let start = String(quarter.start.iso.prefix(7)), end = String(quarter.end.iso.prefix(7))
            return (quarter, byMonth.filter { $0.key >= start && $0.key < end }.values.reduce(0, +))
        }
    }

    /// The caregivers of the scope, as a FROM with its conditions: relationships join their caregiver.
    private static func scoped(_ select: SQLSelectBuilder, _ scope: StatisticsScope, unit: StatisticsDimension.Unit,
                               registeredBefore end: String, withRecipients: Bool = false) -> SQLSelectBuilder {
        var select = select
        if unit == .relationships {
            select = select.from("care_relationships")
                .join("caregivers", on: SQLColumn("caregiver_id", table: "care_relationships"), .equal, SQLColumn("id", table: "caregivers"))
            if withRecipients {
                select = select.join("care_recipients", on: SQLColumn("recipient_id", table: "care_relationships"), .equal,
                                     SQLColumn("id", table: "care_recipients"))
            }
        } else {
            select = select.from("caregivers")
        }
        return inScope(select, scope).where(SQLColumn("registered_on", table: "caregivers"), .lessThan, SQLBind(end))
    }

    /// The one place every statistics query is held to the organisation (and unit) asked for:
    /// every query reaches its rows through `caregivers`, and this narrows that table.
    static func inScope(_ select: SQLSelectBuilder, _ scope: StatisticsScope) -> SQLSelectBuilder {
        var select = select.where(SQLColumn("organisation_id", table: "caregivers"), .equal, SQLBind(scope.organisationID))
        if let unitID = scope.unitID {
            select = select.where(SQLColumn("unit_id", table: "caregivers"), .equal, SQLBind(unitID))
        }
        return select
    }

    /// Caregivers (each once) with a relationship of more than ten hours a week.
    private static func moreThanTenHours(_ sql: any SQLDatabase, _ scope: StatisticsScope) async throws -> Int {
        let bands = HoursBand.allCases.filter(\.isMoreThanTen).map { SQLBind($0.rawValue) }
        let select = scoped(sql.select().column(SQLFunction("COUNT", args: SQLDistinct(SQLColumn("id", table: "caregivers"))), as: "n"),
                            scope, unit: .relationships, registeredBefore: scope.period.end.iso)
            .where(SQLColumn("hours_band", table: "care_relationships"), .in, SQLGroupExpression(SQLList(bands)))
        return try await select.first()?.decode(column: "n", as: Int.self) ?? 0
    }

    private static func caregiverCount(_ sql: any SQLDatabase, _ scope: StatisticsScope, registeredBefore end: String,
                                       from start: String? = nil) async throws -> Int {
        var select = scoped(sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n"), scope,
                            unit: .caregivers, registeredBefore: end)
        if let start { select = select.where(SQLColumn("registered_on", table: "caregivers"), .greaterThanOrEqual, SQLBind(start)) }
        return try await select.first()?.decode(column: "n", as: Int.self) ?? 0
    }

    /// Counts grouped by one or two columns; each key value as text (nil for a missing value).
    private static func groupedCounts(_ sql: any SQLDatabase, _ scope: StatisticsScope, by columns: [String],
                                      unit: StatisticsDimension.Unit) async throws -> [([String?], Int)] {
        let table = StatisticsDimension.table(of:)
        var select = sql.select()
        // Keys are read as text on both databases (a birth year is an integer column).
        for (index, column) in columns.enumerated() {
            let asText = SQLFunction("CAST", args: SQLList([SQLColumn(column, table: table(column)), SQLRaw("TEXT")], separator: SQLRaw(" AS ")))
            select = select.column(asText, as: "k\(index)")
        }
        select = scoped(select.column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n"), scope,
                        unit: unit, registeredBefore: scope.period.end.iso,
                        withRecipients: columns.contains { table($0) == "care_recipients" })
        for column in columns { select = select.groupBy(SQLColumn(column, table: table(column))) }
        return try await select.all().map { row in
            let key = try columns.indices.map { try row.decode(column: "k\($0)", as: String?.self) }
            return (key, try row.decode(column: "n", as: Int.self))
        }
    }
}
