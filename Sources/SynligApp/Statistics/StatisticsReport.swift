import Foundation
import SynligCore

/// The statistics as they may be published: every count that could single someone out is
/// withheld by SynligCore's suppression, in every table and for every filter, and shares are
/// given only where both count and base are published. The page and the API both show this.
struct StatisticsReport: Sendable {
    struct Category: Sendable {
        var key: String
        var label: String
        var count: PublishedCount
        /// Share of the breakdown's total, 0–1, when both are published.
        var share: Double?
    }

    struct Breakdown: Sendable {
        var dimension: StatisticsDimension
        var title: String
        /// Empty when the unit is too small to be broken down (`brokenDown` false).
        var categories: [Category]
        var total: PublishedCount
        /// How much of the data says "not stated", so a reader sees how complete it is.
        var notStatedShare: Double?
        var brokenDown: Bool { !categories.isEmpty }
    }

    /// Events of one kind during the period, by category.
    struct Activity: Sendable {
        var kind: ActivityTable.Kind
        var title: String
        var unitLabel: String
        /// Empty when the unit is too small to be broken down.
        var categories: [Category]
        var total: PublishedCount
        var brokenDown: Bool { !categories.isEmpty }
    }

    /// Two breakdowns crossed for the whole organisation, e.g. relationships in each hours band
    /// split by the caregiver's gender. Each column's total is the column breakdown's, so a split
    /// only adds where its total is published and the split can be protected without it; the other
    /// columns are left out (`omitted`).
    struct CrossTable: Sendable {
        var choice: CrossChoice
        var title: String
        var rowLabels: [String]
        var columnKeys: [String]
        var columnLabels: [String]
        /// `cells[row][column]` for the columns shown.
        var cells: [[PublishedCount]]
        var columnTotals: [PublishedCount]
        var omitted: Bool
    }

    var scope: StatisticsScope
    var policy: SuppressionPolicy
    var identified: PublishedCount
    /// Nil where a unit is too small for its new and earlier caregivers to be told apart.
    var new: PublishedCount?
    /// Caregivers in contact during the period; nil like `new`.
    var active: PublishedCount?
    var breakdowns: [Breakdown]
    /// The whole organisation only: a unit's split would be the organisation's minus the other units'.
    var cross: CrossTable?
    var activities: [Activity]
    var trend: [TrendPoint]
    /// The largest differences in who is reached, from the published counts above.
    var equity: [EquityStatement] = []
    /// Outcome follow-up, the whole organisation only: one row per measure, group and kind of support.
    var outcomes: [Outcome] = []
    /// Contact requests received during the period by how soon they were handled; the whole organisation only.
    var contactRequests: CategoryCounts?
    /// People cared for with a SIP offered during the period by outcome; the whole organisation only.
    var coordinatedPlans: CategoryCounts?
    /// Discharges from inpatient care during the period by whether a SIP followed within
    /// `DischargeFollowUp.windowDays`; the whole organisation only.
    var discharges: CategoryCounts?
    /// Tables of events not shown for this choice, as (id, title): a quarter's are shown only for
    /// the whole organisation and beside its year (`publish(quarters:year:)`), and tables whose
    /// year is not the sum of its quarters (outcomes, SIP offers) only per year.
    var perYearOnly: [(id: String, title: String)] = []
    /// The row of a quarter's table that holds the categories not shown one by one (no category's
    /// own key: information topics have an "other").
    static let otherKey = "otherCategories"

    struct CategoryCounts: Sendable {
        var categories: [Category]
        var total: PublishedCount
    }

    struct Outcome: Sendable {
        var measure: OutcomeStatistics.Measure
        var group: OutcomeStatistics.Group
        var kind: String
        var label: String
        var total: PublishedCount
        /// In the order of `OutcomeChange.allCases`.
        var changes: [PublishedCount]
    }
    /// Those known against those one can expect from the adult population: the whole
    /// organisation only, and only once an administrator has entered the population.
    var reach: Reach?

    struct Reach: Sendable {
        var adults: Int
        var year: Int
        var source: String
        var perThousandAdults: Double?
        var estimate: CaregiverReach
        var moreThanTenHours: PublishedCount
    }

    /// New caregivers in one quarter. Each year's quarters are published as one table with the
    /// year's total, so a withheld quarter cannot be worked out from the year. Only new ones are
    /// shown: a running total would give away a small quarter as the difference of two large ones.
    struct TrendPoint: Sendable {
        var quarter: StatisticsPeriod
        /// Nil for a quarter not shown: the unit is not broken down, or no true label protects
        /// the year's quarters and its table gives the year's total alone.
        var new: PublishedCount?
    }

    /// Every table of `counts` as published, for the whole organisation and every unit at once
    /// (SynligCore's hierarchy suppression); the report then shows the scope's part.
    init(_ counts: CaregiverCounts, scope: StatisticsScope, policy: SuppressionPolicy, population: StatisticsPopulation? = nil,
         label text: (String) -> String) {
        // Some names are written to stand inside a sentence ("cares for a parent"); a table row starts with a capital.
        func label(_ key: String) -> String {
            let name = text(key)
            return name.prefix(1).uppercased() + name.dropFirst()
        }
        self.scope = scope
        self.policy = policy
        let published = PublishedStatistics(counts, policy: policy, quarters: scope.period.quarter != nil && scope.unitID == nil)
        let row = scope.unitID.flatMap { counts.row(of: $0) }
        /// The scope's part of a table: the organisation's, or the unit's (nil if not broken down).
        func part(_ hierarchy: PublishedHierarchy) -> PublishedBreakdown? {
            guard scope.unitID != nil else { return hierarchy.organisation }
            return row.flatMap { hierarchy.units[$0] }
        }
        identified = published.unitTotal(.caregivers, row: scope.unitID == nil ? nil : row ?? -1)
        new = part(published.registration)?.counts[0]
        active = part(published.active)?.counts[0]
        trend = zip(counts.trend.chunked(4), published.trend).flatMap { quarters, table in
            let year = part(table)?.counts ?? []
            return quarters.indices.map { TrendPoint(quarter: quarters[$0].quarter, new: year.indices.contains($0) ? year[$0] : nil) }
        }
        func categories(_ keys: [String], _ table: PublishedBreakdown?, labelKey: (String) -> String) -> [Category] {
            guard let table else { return [] }
            return zip(keys, table.counts).map { key, count in
                Category(key: key, label: label(labelKey(key)), count: count,
                         share: PublishedCount.percentage(count, of: table.total).map { $0 / 100 })
            }
        }
        breakdowns = zip(counts.breakdowns, published.breakdowns).map { raw, hierarchy in
            let table = part(hierarchy)
            let categories = categories(raw.dimension.categories, table, labelKey: raw.dimension.labelKey)
            return Breakdown(dimension: raw.dimension, title: label(raw.dimension.titleKey), categories: categories,
                             total: table?.total ?? published.unitTotal(raw.dimension.unit, row: row ?? -1),
                             notStatedShare: categories.last { $0.key == StatisticsDimension.notStated }?.share)
        }
        let quarter = scope.period.quarter.map { $0 - 1 }
        var perYearOnly: [(id: String, title: String)] = []
        func label(_ labelKey: @escaping (String) -> String) -> (String) -> String {
            { $0 == Self.otherKey ? "statistics.other_per_year" : labelKey($0) }
        }
        activities = counts.activities.indices.compactMap { index in
            let raw = counts.activities[index]
            let title = text(raw.titleKey)
            guard let quarter else {
                let table = part(published.activities[index])
                // A unit not shown on its own has no count of these events to show.
                guard let total = table?.total ?? published.activityTotal(index, row: row ?? -1) else { return nil }
                return Activity(kind: raw.kind, title: title, unitLabel: text(raw.unitKey),
                                categories: categories(raw.categories, table) { ActivityTable.labelKey(raw.kind, $0) }, total: total)
            }
            guard scope.unitID == nil, let quarters = published.activityQuarters[index] else {
                perYearOnly.append((raw.kind.rawValue, title))
                return nil
            }
            let keys = quarters.categories.map { raw.categories[$0] } + (quarters.hasOther ? [Self.otherKey] : [])
            let table = quarters.quarters[quarter]
            return Activity(kind: raw.kind, title: title, unitLabel: text(raw.unitKey),
                            categories: categories(keys, table, labelKey: label { ActivityTable.labelKey(raw.kind, $0) }), total: table.total)
        }
        func crossTable(_ choice: CrossChoice, _ splits: [[PublishedCount]?]) -> CrossTable {
            let rows = choice.rows.categories, columns = choice.columns.categories
            let shown = splits.indices.filter { splits[$0] != nil }
            let totals = breakdowns.first { $0.dimension == choice.columns }?.categories.map(\.count) ?? []
            return CrossTable(
                choice: choice,
                title: label(choice.rows.titleKey) + " × " + text(choice.columns.titleKey).lowercased()
                    + " (" + text("statistics.unit.\(choice.counts.rawValue)").lowercased() + ")",
                rowLabels: rows.map { label(choice.rows.labelKey($0)) },
                columnKeys: shown.map { columns[$0] },
                columnLabels: shown.map { label(choice.columns.labelKey(columns[$0])) },
                cells: rows.indices.map { row in shown.compactMap { splits[$0]?[row] } },
                columnTotals: shown.map { totals.indices.contains($0) ? totals[$0] : .suppressed(.belowThreshold) },
                omitted: shown.count < columns.count)
        }
        if scope.unitID == nil {
            /// A whole organisation's table of events counted by quarter: the year's, or the quarter's beside it.
            func quarterly(_ id: String, _ quarters: [[Int]], _ keys: [String], titleKey: String, labelKey: @escaping (String) -> String) -> CategoryCounts? {
                let body = quarters.count == 4 ? quarters : Array(repeating: keys.map { _ in 0 }, count: 4)
                let year = Self.publish(keys.indices.map { column in body.reduce(0) { $0 + $1[column] } }, policy)
                guard let quarter else { return CategoryCounts(categories: categories(keys, year, labelKey: labelKey), total: year.total) }
                guard let published = policy.publish(quarters: body, year: year, begun: counts.quartersBegun) else {
                    perYearOnly.append((id, text(titleKey)))
                    return nil
                }
                let shown = published.categories.map { keys[$0] } + (published.hasOther ? [Self.otherKey] : [])
                let table = published.quarters[quarter]
                return CategoryCounts(categories: categories(shown, table, labelKey: label(labelKey)), total: table.total)
            }
            contactRequests = quarterly("contactRequests", counts.contactRequests, ContactRequestStatistics.Handling.allCases.map(\.rawValue),
                                        titleKey: "statistics.contact_requests") { "statistics.contact_requests.\($0)" }
            discharges = quarterly("discharges", counts.discharges, CoordinatedPlanStatistics.Followed.allCases.map(\.rawValue),
                                   titleKey: "statistics.sip.discharges") { "statistics.sip.discharge.\($0)" }
            if quarter == nil {
                let planOutcomes = CoordinatedPlanOutcome.allCases.map(\.rawValue)
                let plans = Self.publish(counts.coordinatedPlans.isEmpty ? planOutcomes.map { _ in 0 } : counts.coordinatedPlans, policy)
                coordinatedPlans = CategoryCounts(categories: categories(planOutcomes, plans) { "statistics.sip.outcome.\($0)" }, total: plans.total)
            } else {
                perYearOnly.append(("coordinatedPlans", text("statistics.sip.offers")))
                perYearOnly.append(("outcomes", text("statistics.outcome.heading")))
            }
            cross = crossTable(counts.cross, published.crossed)
            outcomes = OutcomeStatistics.Measure.allCases.flatMap { measure in
                SupportNeedKind.allCases.map(\.rawValue).flatMap { kind in
                    OutcomeStatistics.Group.allCases.compactMap { group -> Outcome? in
                        guard let changes = published.outcomes[measure]?[group]?[kind] else { return nil }
                        let total = activities.first { $0.kind == group.activity }?.categories.first { $0.key == kind }?.count
                        return Outcome(measure: measure, group: group, kind: kind,
                                       label: label("support_need.kind.\(kind)") + " – " + text("statistics.outcome.group.\(group.rawValue)"),
                                       total: total ?? .suppressed(.belowThreshold), changes: changes)
                    }
                }
            }
        }
        self.perYearOnly = perYearOnly
        equity = Self.equity(breakdowns: breakdowns, genderByHours: scope.unitID == nil ? crossTable(.genderByHours, published.genderByHours) : nil)
        if let population, scope.unitID == nil {
            let moreThanTen = Self.publish([counts.moreThanTenHours], policy).total
            reach = Reach(adults: population.adults, year: population.year, source: population.source,
                          perThousandAdults: CaregiverRate.perThousandAdults(identified, adults: population.adults),
                          estimate: CaregiverReach(identified: identified, identifiedMoreThanTenHours: moreThanTen, adults: population.adults),
                          moreThanTenHours: moreThanTen)
        }
    }

    /// Women, men and other (not "not stated"): the stated genders, in the rows' order.
    private static let statedGenders = [Gender.woman, .man, .other].map(\.rawValue)

    private static func equity(breakdowns: [Breakdown], genderByHours table: CrossTable?) -> [EquityStatement] {
        func counts(_ dimension: StatisticsDimension, _ keys: [String]) -> [PublishedCount] {
            let categories = breakdowns.first { $0.dimension == dimension }?.categories ?? []
            return keys.map { key in categories.first { $0.key == key }?.count ?? .suppressed(.belowThreshold) }
        }
        let genders = StatisticsDimension.gender.categories
        let heavyBands = [HoursBand.from20to34, .from35to49, .from50].map(\.rawValue)
        // Every heavy band must be shown: a band left out would make the sum too small.
        let heavyColumns = heavyBands.compactMap { table?.columnKeys.firstIndex(of: $0) }
        let heavy: [Int?] = statedGenders.map { key in
            guard let table, heavyColumns.count == heavyBands.count, let row = genders.firstIndex(of: key), row < table.cells.count
            else { return nil }
            let cells = heavyColumns.map { table.cells[row][$0].value }
            return cells.contains(nil) ? nil : cells.compactMap { $0 }.reduce(0, +)
        }
        return EquitySummary.statements(
            genderCounts: counts(.gender, statedGenders), heavyCareByGender: heavy,
            foreignBackground: counts(.foreignBackground, [ForeignBackground.yes.rawValue, ForeignBackground.no.rawValue]))
    }

    /// A one-way table as published; a table the policy cannot read (a negative count, which the
    /// SQL never gives) is withheld whole rather than shown.
    static func publish(_ counts: [Int], _ policy: SuppressionPolicy) -> PublishedBreakdown {
        policy.publish(breakdown: counts)
            ?? PublishedBreakdown(counts: counts.map { _ in .suppressed(.belowThreshold) }, total: .suppressed(.belowThreshold))
    }
}
