import Fluent
import SQLKit
import SynligCore
import Vapor

/// What the statistics are about: one organisation, optionally one unit, one period.
struct StatisticsScope: Sendable {
    var organisationID: UUID
    var unitID: UUID?
    var period: StatisticsPeriod
    /// Several organisations counted in the same queries (open data for all, the national
    /// comparison) instead of `organisationID` alone; see `StatisticsService.unitKey`.
    var organisations: [UUID]? = nil
    /// How many whole years the quarterly trend covers, ending with the period's year.
    var trendYears: Int = StatisticsScope.defaultTrendYears

    static let defaultTrendYears = 2
    static let trendYearChoices = 1...5

    /// The scope of many organisations' whole-organisation statistics at once.
    static func organisations(_ ids: [UUID], period: StatisticsPeriod) -> StatisticsScope? {
        ids.first.map { StatisticsScope(organisationID: $0, unitID: nil, period: period, organisations: ids) }
    }
}

/// One breakdown's counts, before anything is withheld: a row per unit (`CaregiverCounts.units`).
struct RawBreakdown: Sendable, Equatable {
    var dimension: StatisticsDimension
    /// `counts[unit][category]`, categories in the order of `dimension.categories`.
    var counts: [[Int]]
}

/// The counts the statistics are made of, computed in SQL (one GROUP BY per table) and never by
/// loading people: only aggregates leave the database, and only suppressed ones leave this
/// capability (`StatisticsReport`). Every table is counted per unit of the organisation, whatever
/// the filter, so the organisation's page and each unit's page are published from one protected
/// table and cannot be subtracted from each other.
struct CaregiverCounts: Sendable {
    /// The rows of every per-unit table: the organisation's units, then caregivers with no unit.
    var units: [UUID?]
    /// Per unit: caregivers registered before the period ends.
    var caregivers: [Int]
    /// Per unit: their care relationships.
    var relationships: [Int]
    /// Per unit: caregivers registered before the period's year ends, whose published counts decide
    /// which units' events the year's table shows (the same on the year's page and its quarters').
    var yearEndCaregivers: [Int] = []
    /// The quarters of the period's year that have begun: the later ones are known to be empty.
    var quartersBegun = 4
    /// Per unit: [registered during the period, registered before it].
    var registration: [[Int]]
    /// Per unit: [in contact during the period, not in contact] (`ActiveCaregivers`).
    var active: [[Int]]
    /// Known by the period's end, so settled over the quarters before it (`BreakdownPass`).
    var breakdowns: [RawBreakdown]
    /// The whole organisation's relationships in each hours band (columns) split by the
    /// caregiver's gender (rows): what the equity summary reads. Nil for a column whose settled
    /// split does not fit its settled count.
    var genderByHours: [[Int]?]
    /// The cross table asked for, the whole organisation's, in the same shape.
    var cross: CrossChoice = .genderByHours
    var crossed: [[Int]?] = []
    /// Support, voluntariness and strain events during the period's year, per unit, and its quarters.
    var activities: [ActivityTable]
    /// New caregivers per quarter and unit, whole years up to the period's end.
    var trend: [(quarter: StatisticsPeriod, new: [Int])]
    /// Caregivers of the whole organisation known by the period's end who give more than ten hours
    /// a week to someone, settled like the breakdowns.
    var moreThanTenHours: Int = 0
    /// The whole organisation's outcome follow-up (`OutcomeStatistics`).
    var outcomes: OutcomeStatistics.Counts = [:]
    /// The whole organisation's contact requests received in each quarter of the period's year, by how soon they were handled.
    var contactRequests: [[Int]] = []
    /// The whole organisation's people with a SIP offered in the period, by outcome (`CoordinatedPlanStatistics`).
    var coordinatedPlans: [Int] = []
    /// The whole organisation's discharges in each quarter of the period's year, [followed by a SIP within the window, not].
    var discharges: [[Int]] = []

    /// The row of a unit, or of "no unit".
    func row(of unitID: UUID?) -> Int? { units.firstIndex(of: unitID) }
}

enum StatisticsService {
    /// Who may read statistics: they show no person, so viewers (politicians, management) may.
    static let readers: Set<Role> = [.admin, .strategist, .viewer, .consultant]

    /// Every table at once: the aggregates do not depend on each other, so they run side by side,
    /// each on its own pooled connection (PostgreSQL keeps several per event loop), and the page
    /// waits for the slowest rather than for all of them in turn.
    static func counts(_ scope: StatisticsScope, cross: CrossChoice = .genderByHours, today: CalendarDate = .today(),
                       on db: any Database) async throws -> CaregiverCounts {
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        let units = try await unitRows(scope.organisationID, on: db)
        // One pass over the caregivers and one over the relationships count every breakdown and
        // cross table, and the caregivers who give more than ten hours a week.
        let crosses = cross == .genderByHours ? [cross] : [.genderByHours, cross]
        let passes = [StatisticsDimension.Unit.caregivers, .relationships].map { unit in
            BreakdownPass(unit: unit, dimensions: StatisticsDimension.allCases.filter { $0.unit == unit },
                          crosses: crosses.filter { $0.counts == unit }, countsMoreThanTen: unit == .relationships)
        }
        async let passCounts = passes.concurrentMap { try await $0.run(scope, units: units, today: today, on: sql) }
        async let new = newPerUnit(sql, scope, units: units)
        let yearEnd = StatisticsPeriod.year(scope.period.year)?.end ?? scope.period.end
        async let yearEndCaregivers = scope.period.quarter == nil ? [] : caregiversPerUnit(sql, scope, before: yearEnd, units: units)
        async let active = ActiveCaregivers.perUnit(scope, units: units, on: sql)
        async let activities = ActivityTable.counts(scope, units: units, today: today, on: sql)
        async let trend = quarterlyTrend(scope, years: scope.trendYears, units: units, on: db)
        // Neither is a sum over quarters that the year could be set against, so both are per year only.
        let perYear = scope.period.quarter == nil
        async let outcomes = perYear ? OutcomeStatistics.counts(scope, on: sql) : [:]
        async let contactRequests = ContactRequestStatistics.quarters(scope, on: sql)
        async let coordinatedPlans = perYear ? CoordinatedPlanStatistics.offers(scope, on: sql) : []
        async let discharges = CoordinatedPlanStatistics.discharges(scope, on: sql)

        let counted = try await passCounts
        let breakdowns = StatisticsDimension.allCases.compactMap { dimension in counted.flatMap(\.breakdowns).first { $0.dimension == dimension } }
        func crossed(_ choice: CrossChoice) -> [[Int]?] { counted.compactMap { $0.crosses[choice] }.first ?? [] }
        func rowSums(_ unit: StatisticsDimension.Unit) -> [Int] {
            (breakdowns.first { $0.dimension.unit == unit }?.counts ?? []).map { $0.reduce(0, +) }
        }
        let caregivers = rowSums(.caregivers)
        let yearEndCounts = try await yearEndCaregivers
        return CaregiverCounts(
            units: units, caregivers: caregivers, relationships: rowSums(.relationships),
            yearEndCaregivers: yearEndCounts.isEmpty ? caregivers : yearEndCounts,
            quartersBegun: scope.period.year < today.year ? 4 : scope.period.year > today.year ? 0 : StatisticsPeriod.quarterNumber(of: today),
            registration: zip(try await new, caregivers).map { [$0, max(0, $1 - $0)] },
            active: zip(try await active, caregivers).map { [$0, max(0, $1 - $0)] },
            breakdowns: breakdowns, genderByHours: crossed(.genderByHours),
            cross: cross, crossed: crossed(cross),
            activities: try await activities,
            trend: try await trend,
            moreThanTenHours: counted.map(\.moreThanTen).reduce(0, +),
            outcomes: try await outcomes,
            contactRequests: try await contactRequests,
            coordinatedPlans: try await coordinatedPlans,
            discharges: try await discharges)
    }

    /// The rows every per-unit table has: the organisation's units in a fixed order, then "no unit".
    static func unitRows(_ organisationID: UUID, on db: any Database) async throws -> [UUID?] {
        // One layout for one organisation and for many, so their tables always line up.
        try await unitRows(of: [organisationID], on: db)[organisationID] ?? [nil]
    }

    /// One breakdown of those known by the period's end: a row per unit, categories in the order of `dimension.categories`.
    static func breakdownCounts(_ dimension: StatisticsDimension, _ scope: StatisticsScope, units: [UUID?],
                                on sql: any SQLDatabase) async throws -> [[Int]] {
        try await BreakdownPass(unit: dimension.unit, dimensions: [dimension]).run(scope, units: units, on: sql).breakdowns[0].counts
    }

    /// Caregivers registered during the period, per unit.
    private static func newPerUnit(_ sql: any SQLDatabase, _ scope: StatisticsScope, units: [UUID?]) async throws -> [Int] {
        let rows = try await newPerUnitQuery(sql, scope).all()
        var new = Array(repeating: 0, count: units.count)
        for row in rows {
            if let index = units.firstIndex(of: try row.decode(column: "u", as: UUID?.self)) { new[index] += try row.decode(column: "n", as: Int.self) }
        }
        return new
    }

    /// Caregivers per unit registered before `end`.
    private static func caregiversPerUnit(_ sql: any SQLDatabase, _ scope: StatisticsScope, before end: CalendarDate, units: [UUID?]) async throws -> [Int] {
        let rows = try await scoped(sql.select().column(unitColumn, as: "u").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n"),
                                    scope, unit: .caregivers, registeredBefore: end.iso).groupBy(unitColumn).all()
        var counts = Array(repeating: 0, count: units.count)
        for row in rows {
            if let index = units.firstIndex(of: try row.decode(column: "u", as: UUID?.self)) { counts[index] += try row.decode(column: "n", as: Int.self) }
        }
        return counts
    }

    /// The query behind `newPerUnit`, apart so its plan can be checked (`QueryPlanTests`).
    static func newPerUnitQuery(_ sql: any SQLDatabase, _ scope: StatisticsScope) -> SQLSelectBuilder {
        scoped(sql.select().column(unitColumn, as: "u").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n"),
               scope, unit: .caregivers, registeredBefore: scope.period.end.iso)
            .where(SQLColumn("registered_on", table: "caregivers"), .greaterThanOrEqual, SQLBind(scope.period.start.iso))
            .groupBy(unitColumn)
    }

    /// The unit a caregiver belongs to: every per-unit table groups by it.
    static let unitColumn = SQLColumn("unit_id", table: "caregivers")

    /// What a per-unit table groups by. Over several organisations, a caregiver with no unit is
    /// counted under their organisation's id (ids are unique across both tables), so each
    /// organisation's "no unit" row stays its own (`unitRows(of:)` lays the rows out so).
    static func unitKey(_ scope: StatisticsScope) -> any SQLExpression {
        scope.organisations == nil ? unitColumn : SQLFunction("COALESCE", args: unitColumn, SQLColumn("organisation_id", table: "caregivers"))
    }

    /// Every organisation's per-unit rows, in the order one grouped query over them all keys its
    /// rows (`unitKey`): each organisation's units sorted, then the organisation's own id for "no unit".
    static func unitRows(of organisations: [UUID], on db: any Database) async throws -> [UUID: [UUID?]] {
        var units: [UUID: [UUID]] = [:]
        for unit in try await Unit.query(on: db).filter(\.$organisationID ~~ organisations).all() {
            units[unit.organisationID, default: []].append(try unit.requireID())
        }
        return Dictionary(uniqueKeysWithValues: organisations.map { id in
            (id, (units[id] ?? []).sorted { $0.uuidString < $1.uuidString } + [nil])
        })
    }

    /// Caregivers new in each quarter of the years up to the period's end, per unit, from one GROUP
    /// BY on unit and registration month (ISO dates: the first seven characters are the month).
    /// Whole years, so each year's quarters can be published as one table with that year's total.
    static func quarterlyTrend(_ scope: StatisticsScope, years: Int = 2, units: [UUID?],
                               on db: any Database) async throws -> [(quarter: StatisticsPeriod, new: [Int])] {
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        let month = SQLFunction("SUBSTR", args: SQLColumn("registered_on", table: "caregivers"), SQLLiteral.numeric("1"), SQLLiteral.numeric("7"))
        let lastYear = scope.period.end.addingDays(-1).year
        guard let first = StatisticsPeriod.year(lastYear - years + 1), let last = StatisticsPeriod.year(lastYear) else { return [] }
        let rows = try await scoped(sql.select().column(unitColumn, as: "u").column(month, as: "m").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n"),
                                    scope, unit: .caregivers, registeredBefore: last.end.iso)
            .where(SQLColumn("registered_on", table: "caregivers"), .greaterThanOrEqual, SQLBind(first.start.iso))
            .groupBy(unitColumn).groupBy(month).all()
        var byMonth: [String: [Int]] = [:]
        for row in rows {
            guard let index = units.firstIndex(of: try row.decode(column: "u", as: UUID?.self)) else { continue }
            byMonth[try row.decode(column: "m", as: String.self), default: Array(repeating: 0, count: units.count)][index]
                += try row.decode(column: "n", as: Int.self)
        }
        return (lastYear - years + 1...lastYear).flatMap { year in (1...4).compactMap { StatisticsPeriod.quarter($0, of: year) } }.map { quarter in
            let start = String(quarter.start.iso.prefix(7)), end = String(quarter.end.iso.prefix(7))
            let months = byMonth.filter { $0.key >= start && $0.key < end }.values
            return (quarter, units.indices.map { index in months.reduce(0) { $0 + $1[index] } })
        }
    }

    /// The caregivers of the scope, as a FROM with its conditions: relationships join their caregiver.
    static func scoped(_ select: SQLSelectBuilder, _ scope: StatisticsScope, unit: StatisticsDimension.Unit,
                               registeredBefore end: String, withRecipients: Bool = false, withHistory: Bool = false) -> SQLSelectBuilder {
        var select = select
        if unit == .relationships {
            select = select.from("care_relationships")
                .join("caregivers", on: SQLColumn("caregiver_id", table: "care_relationships"), .equal, SQLColumn("id", table: "caregivers"))
            if withHistory {
                // The help as it was on the period's last day, from the relationship's history.
                let state = RelationshipHistory.stateAt(scope.period.end.addingDays(-1))
                select = select.join(state.table, method: SQLJoinMethod.left, on: state.condition)
            }
            if withRecipients {
                select = select.join("care_recipients", on: SQLColumn("recipient_id", table: "care_relationships"), .equal,
                                     SQLColumn("id", table: "care_recipients"))
            }
        } else {
            select = select.from("caregivers")
        }
        return inScope(select, scope).where(SQLColumn("registered_on", table: "caregivers"), .lessThan, SQLBind(end))
    }

    /// The one place every statistics query is held to the organisation asked for: every query
    /// reaches its rows through `caregivers`, and this narrows that table. A unit filter is not a
    /// condition here: every table is counted for all units and the unit's row is picked after
    /// suppression (`StatisticsReport`).
    static func inScope(_ select: SQLSelectBuilder, _ scope: StatisticsScope) -> SQLSelectBuilder {
        if let organisations = scope.organisations {
            return select.where(SQLColumn("organisation_id", table: "caregivers"), .in, SQLBind.group(organisations))
        }
        return select.where(SQLColumn("organisation_id", table: "caregivers"), .equal, SQLBind(scope.organisationID))
    }

    /// The hours band counted: the state in force at the period's end (joined as `s` by
    /// `scoped(withHistory:)`), or the relationship's own where it has no history.
    static let hoursBandAtEnd = SQLFunction("COALESCE", args: SQLColumn("hours_band", table: "s"), SQLColumn("hours_band", table: "care_relationships"))

    /// The expression a grouped column is read from.
    static func expression(of column: String) -> any SQLExpression {
        column == "hours_band" ? hoursBandAtEnd : SQLColumn(column, table: StatisticsDimension.table(of: column))
    }
}
