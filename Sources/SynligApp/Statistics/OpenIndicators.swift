import Fluent
import SQLKit
import SynligCore
import Vapor

/// The indicators an organisation may publish as open data, with stable ids in the style of
/// Kolada's KPI ids. Each is a count for a calendar year, published through the same
/// suppression as the statistics page. New caregivers per year is deliberately not among
/// them: it is the difference of two years of `caregiversKnown`, so publishing it beside a
/// withheld value would give the withheld value away.
enum OpenIndicator: String, CaseIterable, Sendable {
    /// Caregivers registered by the end of the year, by gender.
    case caregiversKnown = "SYN001"
    /// Voluntariness follow-ups held during the year.
    case voluntarinessFollowUps = "SYN002"
    /// Support to caregivers that began during the year.
    case supportBegun = "SYN003"

    var dividedByGender: Bool { self == .caregiversKnown }
    var titleKey: String { "open_data.kpi.\(rawValue).title" }
    var descriptionKey: String { "open_data.kpi.\(rawValue).description" }
}

/// One value in Kolada's shape: `gender` T (total), K (women), M (men); a withheld value has
/// `value` null, `count` 0 and `status` "suppressed".
struct OpenIndicatorValue: Content, Equatable {
    var gender: String
    var count: Int
    /// A withheld value is written as `null`, as Kolada does, not left out.
    @ExplicitNull var value: Int?
    var status: String

    init(gender: String, _ published: PublishedCount) {
        self.gender = gender
        value = published.value
        count = published.isSuppressed ? 0 : 1
        status = published.isSuppressed ? "suppressed" : ""
    }
}

/// One indicator for one organisation and year, as Kolada's `/data` answers it.
struct OpenIndicatorRow: Content, Equatable {
    var kpi: String
    var municipality: String
    var period: Int
    var values: [OpenIndicatorValue]
}

enum OpenIndicators {
    /// The years published: whole calendar years only, the last five.
    static func years(today: CalendarDate = .today()) -> ClosedRange<Int> { (today.year - 5)...(today.year - 1) }

    /// The indicators of one organisation for one year as they may be published.
    struct Values: Sendable, Equatable {
        var caregiversKnown: PublishedCount
        var women: PublishedCount
        var men: PublishedCount
        var voluntarinessFollowUps: PublishedCount
        var supportBegun: PublishedCount
        /// Registered by the year's end, unpublished: only whether it is 0 is ever shown.
        var known: Int
    }

    /// Every indicator of one organisation for one year, published exactly as the statistics
    /// page publishes them (the organisation and its units protected as one), so the open data
    /// and the page can never be set against each other.
    static func values(organisationID: UUID, year: Int, policy: SuppressionPolicy = .standard, on db: any Database) async throws -> Values {
        guard let values = try await values(organisations: [organisationID], year: year, policy: policy, on: db)[organisationID] else {
            throw Abort(.internalServerError)
        }
        return values
    }

    /// The same for many organisations in one year.
    static func values(organisations: [UUID], year: Int, policy: SuppressionPolicy = .standard,
                       on db: any Database) async throws -> [UUID: Values] {
        try await values(organisations: organisations, years: [year], policy: policy, on: db)[year] ?? [:]
    }

    /// The same for many organisations and years, from three aggregate queries for them all
    /// rather than three per organisation and year: every table is grouped by unit and by year,
    /// each organisation's rows are its units and its own id for "no unit"
    /// (`StatisticsService.unitKey`), and the years are laid out from one pass — caregivers known
    /// by a year's end are those registered in it or any year before. Then each organisation and
    /// year is published on its own. `known` is the raw number registered by the year's end.
    static func values(organisations: [UUID], years: [Int], policy: SuppressionPolicy = .standard,
                       on db: any Database) async throws -> [Int: [UUID: Values]] {
        guard let sql = db as? any SQLDatabase, let first = years.min(), let last = years.max(),
              let period = StatisticsPeriod("\(last)") else { return [:] }
        var result: [Int: [UUID: Values]] = [:]
        // Bounded lists of bound ids, well inside both databases' limits on parameters.
        for chunk in organisations.chunked(500) {
            guard let scope = StatisticsScope.organisations(chunk, period: period) else { continue }
            let unitRows = try await StatisticsService.unitRows(of: chunk, on: db)
            // The grouped queries' row keys, organisation after organisation.
            let keys = chunk.flatMap { id in (unitRows[id] ?? [nil]).map { $0 ?? id } }
            async let genderByYear = knownByYear(scope, keys: keys, years: years, policy: policy, on: sql)
            async let voluntarinessByYear = eventsByYear(.voluntariness, scope, keys: keys, years: first...last, on: sql)
            async let supportByYear = eventsByYear(.supportGiven, scope, keys: keys, years: first...last, on: sql)
            let known = try await genderByYear, voluntariness = try await voluntarinessByYear, support = try await supportByYear
            let categories = StatisticsDimension.gender.categories.count
            for year in years {
                let byGender = known[year] ?? Array(repeating: Array(repeating: 0, count: categories), count: keys.count)
                let empty = { (kind: ActivityTable.Kind) in
                    Array(repeating: Array(repeating: 0, count: ActivityTable.categories(kind).count), count: keys.count)
                }
                var firstRow = 0
                for id in chunk {
                    let rows = firstRow..<(firstRow + (unitRows[id]?.count ?? 1))
                    firstRow = rows.upperBound
                    result[year, default: [:]][id] = publish(
                        byGender: Array(byGender[rows]),
                        activities: [(.voluntariness, Array((voluntariness[year] ?? empty(.voluntariness))[rows])),
                                     (.supportGiven, Array((support[year] ?? empty(.supportGiven))[rows]))],
                        policy: policy)
                }
            }
        }
        return result
    }

    /// Caregivers known by the end of each of `years`, by gender, settled over the quarters as the
    /// statistics page settles them (`BreakdownPass`), so a year's open data set beside another's
    /// gives away no newcomer either: `[year: counts[row][gender category]]`, rows as `keys`.
    /// Registration dates are ISO text, so their first seven characters are the month on both databases.
    private static func knownByYear(_ scope: StatisticsScope, keys: [UUID], years: [Int], policy: SuppressionPolicy,
                                    on sql: any SQLDatabase) async throws -> [Int: [[Int]]] {
        guard let lastYear = years.max() else { return [:] }
        let month = SQLFunction("SUBSTR", args: SQLColumn("registered_on", table: "caregivers"), SQLLiteral.numeric("1"), SQLLiteral.numeric("7"))
        let gender = SQLColumn("gender", table: "caregivers")
        let rows = try await StatisticsService.inScope(
            sql.select().column(StatisticsService.unitKey(scope), as: "u").column(gender, as: "k").column(month, as: "m")
                .column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("caregivers"), scope)
            .where(SQLColumn("registered_on", table: "caregivers"), .lessThan, SQLBind("\(lastYear + 1)-01-01"))
            .groupBy(StatisticsService.unitKey(scope)).groupBy(gender).groupBy(month).all()
        let categories = StatisticsDimension.gender.categories
        let zeros = Array(repeating: Array(repeating: 0, count: categories.count), count: keys.count)
        var flows: [Int: [[Int]]] = [:]
        for row in rows {
            let key = try row.decode(column: "k", as: String?.self) ?? StatisticsDimension.notStated
            guard let quarter = BreakdownPass.quarterKey(try row.decode(column: "m", as: String?.self)),
                  let unit = keys.firstIndex(of: try row.decode(column: "u", as: UUID.self)),
                  let column = categories.firstIndex(of: key) else { continue }
            flows[quarter, default: zeros][unit][column] += try row.decode(column: "n", as: Int.self)
        }
        let last = lastYear * 4 + 3
        let quarters = Array(min(flows.keys.min() ?? last, last)...last)
        let history = BreakdownPass.cumulative(flows, over: quarters, zero: zeros, add: BreakdownPass.plus)
        let settlement = StockSettlement(policy: policy)
        // As `BreakdownPass`: counts move only after a whole quarter in which at least the threshold came in.
        let complete = BreakdownPass.ended(quarters, today: .today())
        let settled = keys.indices.map { unit in
            let arrivals = quarters.map { quarter in flows[quarter].map { $0[unit].reduce(0, +) } ?? 0 }
            let eligible = settlement.eligibleQuarters(arrivals: arrivals, complete: complete)
            return settlement.settle(rows: history.map { $0[unit] }, absorber: categories.count - 1, eligible: eligible).map { $0 ?? [] }
        }
        return Dictionary(uniqueKeysWithValues: years.compactMap { year in
            quarters.firstIndex(of: year * 4 + 3).map { index in (year, settled.map { $0[index] }) }
        })
    }

    /// One activity table for each of `years`, from one GROUP BY on unit, category and year:
    /// `[year: counts[row][category]]`.
    private static func eventsByYear(_ kind: ActivityTable.Kind, _ scope: StatisticsScope, keys: [UUID], years: ClosedRange<Int>,
                                     on sql: any SQLDatabase) async throws -> [Int: [[Int]]] {
        let date = SQLColumn(ActivityTable.source(kind).date, table: ActivityTable.source(kind).table)
        let year = SQLFunction("SUBSTR", args: date, SQLLiteral.numeric("1"), SQLLiteral.numeric("4"))
        let rows = try await ActivityTable.grouped(kind, scope, from: "\(years.lowerBound)-01-01", before: "\(years.upperBound + 1)-01-01",
                                                   today: .today(), extra: (year, "y"), on: sql).all()
        let units = keys.map(Optional.some), categories = ActivityTable.categories(kind).count
        var counts: [Int: [[Int]]] = [:]
        for row in rows {
            guard let cell = try ActivityTable.cell(row, kind, units: units),
                  let happenedIn = Int(try row.decode(column: "y", as: String.self)) else { continue }
            counts[happenedIn, default: Array(repeating: Array(repeating: 0, count: categories), count: keys.count)][cell.unit][cell.category]
                += cell.count
        }
        return counts
    }

    /// One organisation's values from its raw per-unit counts.
    private static func publish(byGender: [[Int]], activities: [(ActivityTable.Kind, [[Int]])], policy: SuppressionPolicy) -> Values {
        let caregivers = PublishedStatistics.unitTotals(byGender.map { $0.reduce(0, +) }, policy)
        let gender = PublishedStatistics.people(byGender, caregivers, policy,
                                                restColumn: StatisticsDimension.gender.categories.count - 1).organisation
        func count(_ key: Gender) -> PublishedCount {
            StatisticsDimension.gender.categories.firstIndex(of: key.rawValue).map { gender.counts[$0] } ?? .suppressed(.belowThreshold)
        }
        func total(_ kind: ActivityTable.Kind) -> PublishedCount {
            activities.first { $0.0 == kind }.map { PublishedActivities.organisationTotal($0.1, policy: policy) }
                ?? .suppressed(.belowThreshold)
        }
        return Values(caregiversKnown: gender.total, women: count(.woman), men: count(.man),
                      voluntarinessFollowUps: total(.voluntariness), supportBegun: total(.supportGiven),
                      known: byGender.joined().reduce(0, +))
    }

    /// The values as Kolada's `/data` rows.
    static func rows(_ values: Values, code: String, year: Int) -> [OpenIndicatorRow] {
        func row(_ indicator: OpenIndicator, _ values: [OpenIndicatorValue]) -> OpenIndicatorRow {
            OpenIndicatorRow(kpi: indicator.rawValue, municipality: code, period: year, values: values)
        }
        return [
            row(.caregiversKnown, [.init(gender: "T", values.caregiversKnown), .init(gender: "K", values.women), .init(gender: "M", values.men)]),
            row(.voluntarinessFollowUps, [.init(gender: "T", values.voluntarinessFollowUps)]),
            row(.supportBegun, [.init(gender: "T", values.supportBegun)]),
        ]
    }

    /// The rows of each organisation (in the order given) for each year asked, computed for all
    /// of them together. Years before an organisation's first caregiver was registered are left
    /// out: a zero there would say nobody was reached when nobody was counting.
    static func rows(organisations: [(id: UUID, code: String)], years: [Int], policy: SuppressionPolicy = .standard,
                     on db: any Database) async throws -> [OpenIndicatorRow] {
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        var firstYear: [UUID: Int] = [:]
        if !organisations.isEmpty {
            let firsts = try await sql.select()
                .column(SQLColumn("organisation_id"), as: "o").column(SQLFunction("MIN", args: SQLColumn("registered_on")), as: "f")
                .from("caregivers").where(SQLColumn("organisation_id"), .in, SQLBind.group(organisations.map(\.id)))
                .groupBy(SQLColumn("organisation_id")).all()
            for row in firsts {
                if let first = CalendarDate(try row.decode(column: "f", as: String.self)) { firstYear[try row.decode(column: "o", as: UUID.self)] = first.year }
            }
        }
        // All years in one pass for everyone who has begun counting by the last of them.
        let counting = organisations.map(\.id).filter { (firstYear[$0] ?? .max) <= (years.max() ?? .min) }
        let byYear = counting.isEmpty ? [:] : try await values(organisations: counting, years: years, policy: policy, on: db)
        return organisations.flatMap { organisation in
            years.filter { (firstYear[organisation.id] ?? .max) <= $0 }.flatMap { year in
                byYear[year]?[organisation.id].map { rows($0, code: organisation.code, year: year) } ?? []
            }
        }
    }
}
