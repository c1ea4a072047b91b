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
    struct Values: Sendable {
        var caregiversKnown: PublishedCount
        var women: PublishedCount
        var men: PublishedCount
        var voluntarinessFollowUps: PublishedCount
        var supportBegun: PublishedCount
    }

    /// Every indicator of one organisation for one year, from a handful of aggregate queries,
    /// published exactly as the statistics page publishes them (the organisation and its units
    /// protected as one), so the open data and the page can never be set against each other.
    static func values(organisationID: UUID, year: Int, policy: SuppressionPolicy = .standard, on db: any Database) async throws -> Values {
        guard let sql = db as? any SQLDatabase, let period = StatisticsPeriod("\(year)") else { throw Abort(.internalServerError) }
        let scope = StatisticsScope(organisationID: organisationID, unitID: nil, period: period)
        let units = try await StatisticsService.unitRows(organisationID, on: db)
        let byGender = try await StatisticsService.breakdownCounts(.gender, scope, units: units, on: sql)
        let caregivers = PublishedStatistics.unitTotals(byGender.map { $0.reduce(0, +) }, policy)
        let gender = PublishedStatistics.people(byGender, caregivers, policy).organisation
        func count(_ key: Gender) -> PublishedCount {
            StatisticsDimension.gender.categories.firstIndex(of: key.rawValue).map { gender.counts[$0] } ?? .suppressed(.belowThreshold)
        }
        let activities = try await ActivityTable.counts(scope, kinds: [.voluntariness, .supportGiven], units: units, on: sql)
        func total(_ kind: ActivityTable.Kind) -> PublishedCount {
            activities.first { $0.kind == kind }.map { PublishedStatistics.events($0.counts, caregivers, policy).organisation.total }
                ?? .suppressed(.belowThreshold)
        }
        return Values(caregiversKnown: gender.total, women: count(.woman), men: count(.man),
                      voluntarinessFollowUps: total(.voluntariness), supportBegun: total(.supportGiven))
    }

    /// The same values as Kolada's `/data` rows.
    static func rows(organisationID: UUID, code: String, year: Int, policy: SuppressionPolicy = .standard,
                     on db: any Database) async throws -> [OpenIndicatorRow] {
        let values = try await values(organisationID: organisationID, year: year, policy: policy, on: db)
        func row(_ indicator: OpenIndicator, _ values: [OpenIndicatorValue]) -> OpenIndicatorRow {
            OpenIndicatorRow(kpi: indicator.rawValue, municipality: code, period: year, values: values)
        }
        return [
            row(.caregiversKnown, [.init(gender: "T", values.caregiversKnown), .init(gender: "K", values.women), .init(gender: "M", values.men)]),
            row(.voluntarinessFollowUps, [.init(gender: "T", values.voluntarinessFollowUps)]),
            row(.supportBegun, [.init(gender: "T", values.supportBegun)]),
        ]
    }
}
