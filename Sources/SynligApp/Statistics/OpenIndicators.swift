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

    /// The same for many organisations, from three aggregate queries for them all rather than
    /// three each: every table is grouped by unit, and each organisation's rows are its units and
    /// its own id for "no unit" (`StatisticsService.unitKey`), then published one organisation at
    /// a time. `known` is the raw number registered by the year's end, for "had anyone" only.
    static func values(organisations: [UUID], year: Int, policy: SuppressionPolicy = .standard,
                       on db: any Database) async throws -> [UUID: Values] {
        guard let sql = db as? any SQLDatabase, let period = StatisticsPeriod("\(year)") else { throw Abort(.internalServerError) }
        var result: [UUID: Values] = [:]
        // Bounded lists of bound ids, well inside both databases' limits on parameters.
        for chunk in stride(from: 0, to: organisations.count, by: 500).map({ Array(organisations[$0..<min($0 + 500, organisations.count)]) }) {
            guard let scope = StatisticsScope.organisations(chunk, period: period) else { continue }
            let unitRows = try await StatisticsService.unitRows(of: chunk, on: db)
            // The grouped queries' row keys, organisation after organisation.
            let keys = chunk.flatMap { id in (unitRows[id] ?? [nil]).map { $0 ?? id } }
            async let genderCounts = StatisticsService.breakdownCounts(.gender, scope, units: keys, on: sql)
            async let activityCounts = ActivityTable.counts(scope, kinds: [.voluntariness, .supportGiven], units: keys, on: sql)
            let byGender = try await genderCounts, activities = try await activityCounts
            var first = 0
            for id in chunk {
                let rows = first..<(first + (unitRows[id]?.count ?? 1))
                first = rows.upperBound
                result[id] = publish(byGender: Array(byGender[rows]),
                                     activities: activities.map { ($0.kind, Array($0.counts[rows])) }, policy: policy)
            }
        }
        return result
    }

    /// One organisation's values from its raw per-unit counts.
    private static func publish(byGender: [[Int]], activities: [(ActivityTable.Kind, [[Int]])], policy: SuppressionPolicy) -> Values {
        let caregivers = PublishedStatistics.unitTotals(byGender.map { $0.reduce(0, +) }, policy)
        let gender = PublishedStatistics.people(byGender, caregivers, policy).organisation
        func count(_ key: Gender) -> PublishedCount {
            StatisticsDimension.gender.categories.firstIndex(of: key.rawValue).map { gender.counts[$0] } ?? .suppressed(.belowThreshold)
        }
        func total(_ kind: ActivityTable.Kind) -> PublishedCount {
            activities.first { $0.0 == kind }.map { PublishedStatistics.events($0.1, caregivers, policy).organisation.total }
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
        // The years do not depend on each other: counted side by side (`concurrentMap`).
        let firstYears = firstYear
        let counted = try await years.concurrentMap { year in
            let counting = organisations.map(\.id).filter { (firstYears[$0] ?? .max) <= year }
            return (year, counting.isEmpty ? [:] : try await values(organisations: counting, year: year, policy: policy, on: db))
        }
        let byYear = Dictionary(counted, uniquingKeysWith: { first, _ in first })
        return organisations.flatMap { organisation in
            years.flatMap { year in byYear[year]?[organisation.id].map { rows($0, code: organisation.code, year: year) } ?? [] }
        }
    }
}
