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
        var categories: [Category]
        var total: PublishedCount
        /// How much of the data says "not stated", so a reader sees how complete it is.
        var notStatedShare: Double?
    }

    /// Events of one kind during the period, by category.
    struct Activity: Sendable {
        var kind: ActivityTable.Kind
        var title: String
        var unitLabel: String
        var categories: [Category]
        var total: PublishedCount
    }

    struct CrossTable: Sendable {
        var title: String
        var rowLabels: [String]
        var columnLabels: [String]
        var table: PublishedCrossTable
    }

    var scope: StatisticsScope
    var policy: SuppressionPolicy
    var identified: PublishedCount
    var new: PublishedCount
    var breakdowns: [Breakdown]
    var genderByHours: CrossTable
    var activities: [Activity]
    var trend: [TrendPoint]
    /// The largest differences in who is reached, from the published counts above.
    var equity: [EquityStatement] = []
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
        var new: PublishedCount
    }

    init(_ counts: CaregiverCounts, scope: StatisticsScope, policy: SuppressionPolicy, population: StatisticsPopulation? = nil,
         label text: (String) -> String) {
        // Some names are written to stand inside a sentence ("cares for a parent"); a table row starts with a capital.
        func label(_ key: String) -> String {
            let name = text(key)
            return name.prefix(1).uppercased() + name.dropFirst()
        }
        self.scope = scope
        self.policy = policy
        // Identified = new + registered before the period: a one-way table with its total, so the
        // difference of the two headline counts cannot give away a small number either.
        func headline(identified: Int, new: Int) -> (PublishedCount, PublishedCount) {
            let table = Self.publish([new, max(0, identified - new)], policy)
            return (table.total, table.counts[0])
        }
        (identified, new) = headline(identified: counts.identified, new: counts.new)
        trend = Dictionary(grouping: counts.trend, by: \.quarter.year).sorted { $0.key < $1.key }.flatMap { _, quarters in
            let published = Self.publish(quarters.map(\.new), policy).counts
            return zip(quarters, published).map { TrendPoint(quarter: $0.quarter, new: $1) }
        }
        breakdowns = counts.breakdowns.map { raw in
            let published = Self.publish(raw.counts, policy)
            let categories = zip(raw.dimension.categories, published.counts).map { key, count in
                Category(key: key, label: label(raw.dimension.labelKey(key)), count: count,
                         share: PublishedCount.percentage(count, of: published.total).map { $0 / 100 })
            }
            let notStated = categories.last { $0.key == StatisticsDimension.notStated }
            return Breakdown(dimension: raw.dimension, title: label(raw.dimension.titleKey), categories: categories,
                             total: published.total, notStatedShare: notStated?.share)
        }
        let table = policy.publish(crossTable: counts.genderByHours) ?? PublishedCrossTable(
            cells: counts.genderByHours.map { $0.map { _ in .suppressed(.belowThreshold) } },
            rowTotals: counts.genderByHours.map { _ in .suppressed(.belowThreshold) },
            columnTotals: (counts.genderByHours.first ?? []).map { _ in .suppressed(.belowThreshold) },
            grandTotal: .suppressed(.belowThreshold))
        activities = counts.activities.map { raw in
            let published = Self.publish(raw.counts, policy)
            return Activity(
                kind: raw.kind, title: text(raw.titleKey), unitLabel: text(raw.unitKey),
                categories: zip(raw.categories, published.counts).map { key, count in
                    Category(key: key, label: label(ActivityTable.labelKey(raw.kind, key)), count: count,
                             share: PublishedCount.percentage(count, of: published.total).map { $0 / 100 })
                },
                total: published.total)
        }
        genderByHours = CrossTable(
            title: label("statistics.cross.gender_hours"),
            rowLabels: StatisticsDimension.gender.categories.map { label(StatisticsDimension.gender.labelKey($0)) },
            columnLabels: StatisticsDimension.hoursBand.categories.map { label(StatisticsDimension.hoursBand.labelKey($0)) },
            table: table)
        equity = Self.equity(breakdowns: breakdowns, genderByHours: table)
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

    private static func equity(breakdowns: [Breakdown], genderByHours table: PublishedCrossTable) -> [EquityStatement] {
        func counts(_ dimension: StatisticsDimension, _ keys: [String]) -> [PublishedCount] {
            let categories = breakdowns.first { $0.dimension == dimension }?.categories ?? []
            return keys.map { key in categories.first { $0.key == key }?.count ?? .suppressed(.belowThreshold) }
        }
        let genders = StatisticsDimension.gender.categories, hours = StatisticsDimension.hoursBand.categories
        let heavyColumns = [HoursBand.from20to34, .from35to49, .from50].compactMap { hours.firstIndex(of: $0.rawValue) }
        let heavy: [Int?] = statedGenders.map { key in
            guard let row = genders.firstIndex(of: key), row < table.cells.count else { return nil }
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
