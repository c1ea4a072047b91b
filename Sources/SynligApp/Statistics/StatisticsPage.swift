import Foundation
import SynligCore
import Vapor

/// `/statistics`: de-identified counts of the caregivers reached, with a table beside every
/// chart. Built from a `StatisticsReport`, so nothing the suppression withheld can reach it.
struct StatisticsPage: Encodable {
    struct Row: Encodable {
        var label: String
        var count: String
        var share: String
        /// Bar length 0–100; no bar at all when the count is withheld, so nothing hints at it.
        var bar: Double
        var withheld: Bool
        var summary: String
    }

    struct Table: Encodable {
        var id: String
        var title: String
        var unitLabel: String
        var rows: [Row]
        var total: String
        var notStated: String?
        /// Said instead of rows for a unit too small to be broken down.
        var notBrokenDown: String?
    }

    /// Each hours band's relationships split by gender; the totals row is the hours breakdown's.
    struct Cross: Encodable {
        var title: String
        var rowHeading: String
        var columns: [String]
        var rows: [CrossRow]
        var totals: [String]
        var omitted: String?
    }

    struct CrossRow: Encodable {
        var label: String
        var cells: [String]
    }

    /// New caregivers per quarter: a line (broken where a count is withheld) and the table beside it.
    struct Trend: Encodable {
        struct Point: Encodable {
            var label: String
            var count: String
        }
        var points: [Point]
        /// Polyline point lists in a 100 × 40 box, one per run of published quarters.
        var lines: [String]
        var summary: String
    }

    var page: PageContext
    var action: String
    var periods: [SelectOption]
    var units: [SelectOption]
    var periodLabel: String
    var scopeLabel: String
    var csvHref: String
    var nationalHref = SiteURL.statisticsNational.path
    var identified: String
    var new: String
    var active: String
    var threshold: String
    var tables: [Table]
    /// The whole organisation only; `crossForUnit` says why a unit has none.
    var cross: Cross?
    var crossForUnit: String?
    /// Outcome follow-up per measure; empty for a unit.
    var outcomes: [OutcomeTable] = []

    struct OutcomeTable: Encodable {
        var id: String
        var title: String
        var columns: [String]
        var rows: [OutcomeRow]
    }

    struct OutcomeRow: Encodable {
        var label: String
        var total: String
        var cells: [String]
    }
    /// The choice of breakdowns to cross, kept with the period.
    var crossRows: [SelectOption] = []
    var crossColumns: [SelectOption] = []
    var periodValue = ""
    /// The trend's span in whole years, to choose and to keep when the cross table changes.
    var trendYears: [SelectOption] = []
    var trendYearsValue = ""
    /// What happened during the period: support and follow-ups.
    var activities: [Table]
    /// For a quarter: which tables of events are shown per year only, and that "< 5" may be 0.
    var eventsNote: String?
    /// Said where no outcome table is shown: why.
    var outcomesMissing = ""
    /// Contact requests from the public pages; the whole organisation only (none or one table).
    var contactRequests: [Table]
    /// SIPs offered by outcome and discharges followed by a SIP; the whole organisation only.
    var coordinatedPlans: [Table] = []
    var trend: Trend
    /// The largest differences in who is reached, as sentences.
    var equity: [String]
    var publication: Publication?
    /// Reach against the adult population, for the whole organisation.
    var reach: ReachView?
    /// The administrator's form for the population figure.
    var populationForm: PopulationForm?
    /// Whether the page is for one unit, where reach is not shown.
    var forUnit: Bool

    struct Fact: Encodable {
        var label: String
        var value: String
    }

    struct ReachView: Encodable {
        var facts: [Fact]
    }

    struct PopulationForm: Encodable {
        var action: String
        var adults: String
        var year: String
        var source: String
        var errors: FormErrors
    }

    /// Whether the organisation publishes its indicators as open data; only administrators change it.
    struct Publication: Encodable {
        var published: Bool
        var action: String?
        var openDataHref: String
    }

    init(_ report: StatisticsReport, page: PageContext, periods: [SelectOption], units: [SelectOption], scopeLabel: String,
         csvHref: String, request req: Request) {
        self.csvHref = csvHref
        let policy = report.policy
        func text(_ count: PublishedCount) -> String { count.text(under: policy) }
        func percent(_ share: Double?) -> String {
            share.map { String(format: "%.0f %%", $0 * 100) } ?? "–"
        }
        self.page = page
        action = SiteURL.statistics.path
        self.periods = periods
        self.units = units
        periodLabel = report.scope.period.description
        self.scopeLabel = scopeLabel
        identified = text(report.identified)
        new = report.new.map(text) ?? "–"
        active = report.active.map(text) ?? "–"
        threshold = req.t("statistics.threshold_note", policy.belowThresholdLabel, SuppressionPolicy.complementaryLabel, String(policy.threshold))
        func rows(_ categories: [StatisticsReport.Category]) -> [Row] {
            categories.map { category in
                Row(label: category.label, count: text(category.count), share: percent(category.share),
                    bar: (category.share ?? 0) * 100, withheld: category.count.isSuppressed,
                    summary: "\(category.label): \(text(category.count)) (\(percent(category.share)))")
            }
        }
        tables = report.breakdowns.map { breakdown in
            Table(
                id: breakdown.dimension.rawValue, title: breakdown.title,
                unitLabel: req.t("statistics.unit.\(breakdown.dimension.unit.rawValue)"),
                rows: rows(breakdown.categories),
                total: text(breakdown.total),
                notStated: breakdown.notStatedShare.map { req.t("statistics.not_stated_share", percent($0)) },
                notBrokenDown: breakdown.brokenDown ? nil : req.t("statistics.not_broken_down"))
        }
        coordinatedPlans = [("sip-offers", report.coordinatedPlans, "statistics.sip.offers", "statistics.unit.recipients"),
                            ("sip-discharges", report.discharges, "statistics.sip.discharges", "statistics.unit.discharges")].compactMap { id, counts, title, unit in
            counts.map { Table(id: id, title: req.t(title), unitLabel: req.t(unit), rows: rows($0.categories), total: text($0.total),
                               notStated: nil, notBrokenDown: nil) }
        }
        contactRequests = report.contactRequests.map {
            [Table(id: "contact-requests", title: req.t("statistics.contact_requests"), unitLabel: req.t("statistics.unit.requests"),
                   rows: rows($0.categories), total: text($0.total), notStated: nil, notBrokenDown: nil)]
        } ?? []
        activities = report.activities.map { activity in
            Table(
                id: activity.kind.rawValue, title: activity.title, unitLabel: activity.unitLabel,
                rows: rows(activity.categories),
                total: text(activity.total), notStated: nil,
                notBrokenDown: activity.brokenDown ? nil
                    : req.t(report.scope.unitID == nil ? "statistics.not_broken_down_whole" : "statistics.not_broken_down"))
        }
        let labels = report.trend.map { StatisticsController.periodLabel($0.quarter, req: req) }
        let highest = max(1, report.trend.compactMap { $0.new?.value }.max() ?? 1)
        var lines: [String] = [], current: [String] = []
        for (index, point) in report.trend.enumerated() {
            guard let value = point.new?.value else {
                if !current.isEmpty { lines.append(current.joined(separator: " ")); current = [] }
                continue
            }
            let x = report.trend.count > 1 ? Double(index) * 100 / Double(report.trend.count - 1) : 50
            let y = 38 - Double(value) / Double(highest) * 34
            current.append(String(format: "%.1f,%.1f", x, y))
        }
        if !current.isEmpty { lines.append(current.joined(separator: " ")) }
        // A unit not broken down has no quarter to show: the page says so instead of a row of dashes.
        let shownTrend = report.trend.contains { $0.new != nil } ? report.trend : []
        trend = Trend(points: zip(labels, shownTrend).map { Trend.Point(label: $0, count: $1.new.map(text) ?? "–") }, lines: lines,
                      summary: zip(labels, report.trend).map { "\($0): \($1.new.map(text) ?? "–")" }.joined(separator: ", "))
        equity = report.equity.map { $0.sentence(req) }
        forUnit = report.scope.unitID != nil
        if report.scope.period.quarter != nil {
            let perYear = report.perYearOnly.map(\.title)
            eventsNote = [req.t("statistics.quarter_events_note"),
                          perYear.isEmpty ? nil : req.t("statistics.per_year_only", perYear.joined(separator: "; "))]
                .compactMap { $0 }.joined(separator: " ")
        }
        outcomesMissing = req.t(forUnit ? "statistics.outcome.whole_organisation_only"
                                : report.perYearOnly.contains { $0.id == "outcomes" } ? "statistics.outcome.per_year_only" : "statistics.outcome.none")
        reach = report.reach.map { reach in
            func number(_ value: Int) -> String { req.grouped(value) }
            let perThousand = reach.perThousandAdults.map { Self.decimal($0, req) } ?? "–"
            return ReachView(facts: [
                Fact(label: req.t("statistics.reach.adults"), value: req.t("statistics.reach.adults_value", number(reach.adults), reach.source, String(reach.year))),
                Fact(label: req.t("statistics.reach.per_thousand"), value: perThousand),
                Fact(label: req.t("statistics.reach.estimated"), value: number(reach.estimate.estimatedCaregivers)),
                Fact(label: req.t("statistics.reach.identified_share"), value: percent(reach.estimate.identifiedShare)),
                Fact(label: req.t("statistics.reach.estimated_more_than_ten"), value: number(reach.estimate.estimatedMoreThanTenHours)),
                Fact(label: req.t("statistics.reach.identified_more_than_ten"), value: reach.moreThanTenHours.text(under: policy)),
                Fact(label: req.t("statistics.reach.more_than_ten_share"), value: percent(reach.estimate.moreThanTenHoursShare)),
            ])
        }
        cross = report.cross.map { cross in
            Cross(title: cross.title, rowHeading: req.t(cross.choice.rows.titleKey), columns: cross.columnLabels,
                  rows: zip(cross.rowLabels, cross.cells).map { CrossRow(label: $0, cells: $1.map(text)) },
                  totals: cross.columnTotals.map(text), omitted: cross.omitted ? req.t("statistics.cross.omitted") : nil)
        }
        crossForUnit = report.cross == nil ? req.t("statistics.cross.whole_organisation_only") : nil
        let choice = report.cross?.choice ?? .genderByHours
        crossRows = StatisticsDimension.allCases.map { SelectOption(value: $0.rawValue, label: req.t($0.titleKey), selected: $0 == choice.rows) }
        crossColumns = StatisticsDimension.allCases.map { SelectOption(value: $0.rawValue, label: req.t($0.titleKey), selected: $0 == choice.columns) }
        periodValue = report.scope.period.description
        trendYearsValue = String(report.scope.trendYears)
        trendYears = StatisticsScope.trendYearChoices.map {
            SelectOption(value: String($0), label: req.tp("statistics.trend_years", $0), selected: $0 == report.scope.trendYears)
        }
        outcomes = OutcomeStatistics.Measure.allCases.compactMap { measure in
            let rows = report.outcomes.filter { $0.measure == measure }
            guard !rows.isEmpty else { return nil }
            return OutcomeTable(id: "outcome-\(measure.rawValue)", title: req.t("statistics.outcome.\(measure.rawValue)"),
                                columns: OutcomeChange.allCases.map { req.t("statistics.outcome.change.\($0.rawValue)") },
                                rows: rows.map { OutcomeRow(label: $0.label, total: text($0.total), cells: $0.changes.map(text)) })
        }
    }

    /// 12,5 in Swedish, 12.5 in English: one decimal.
    static func decimal(_ value: Double, _ req: Request) -> String {
        String(format: "%.1f", value).replacingOccurrences(of: ".", with: req.language == .sv ? "," : ".")
    }
}
