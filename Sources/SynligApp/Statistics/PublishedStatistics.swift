import SynligCore

/// Every statistics table of one organisation and period as it may be published, for the whole
/// organisation and each unit at once. The page for the organisation and the page for a unit are
/// two views of these, so nothing one shows can be subtracted from the other to reveal a count.
struct PublishedStatistics: Sendable {
    /// Caregivers per unit and in all: the row totals of every table of caregivers.
    var caregivers: PublishedBreakdown
    /// Care relationships per unit and in all: the row totals of every table of relationships.
    var relationships: PublishedBreakdown
    /// [new during the period, registered before it] per unit.
    var registration: PublishedHierarchy
    /// [in contact during the period, not] per unit.
    var active: PublishedHierarchy
    /// In the order of `CaregiverCounts.breakdowns`.
    var breakdowns: [PublishedHierarchy]
    /// Per hours band, the whole organisation's relationships split by gender; nil where not shown.
    var genderByHours: [[PublishedCount]?]
    /// Per column category of the cross table asked for, its split by the row breakdown; nil where not shown.
    var crossed: [[PublishedCount]?]
    /// The year's activity tables per unit, with what their families share (`activityTotal`).
    var activityUnits = PublishedActivities()
    /// In the order of `CaregiverCounts.activities`: the year's, per unit.
    var activities: [PublishedHierarchy] { activityUnits.tables }
    /// The same tables' quarters, the whole organisation's, published beside the year so that the
    /// year minus three quarters gives no fourth (`publish(quarters:year:)`); nil where a quarter
    /// cannot be shown beside its year. Empty unless asked for (a quarter of the whole organisation).
    var activityQuarters: [PublishedQuarters?] = []
    /// One table per year of the trend: quarters as columns.
    var trend: [PublishedHierarchy]
    /// Per measure, group and kind of support: its rows by change, where the kind's count in the
    /// activity table is published (the split's known total); missing where it is not.
    var outcomes: [OutcomeStatistics.Measure: [OutcomeStatistics.Group: [String: [PublishedCount]]]] = [:]

    /// `quarters`: publish the events' quarters too (only a quarter's page for the whole organisation shows them).
    init(_ counts: CaregiverCounts, policy: SuppressionPolicy, quarters: Bool = false) {
        let caregivers = Self.unitTotals(counts.caregivers, policy)
        let relationships = Self.unitTotals(counts.relationships, policy)
        (self.caregivers, self.relationships) = (caregivers, relationships)
        func people(_ body: [[Int]], _ totals: PublishedBreakdown) -> PublishedHierarchy { Self.people(body, totals, policy) }
        func events(_ body: [[Int]]) -> PublishedHierarchy { Self.events(body, caregivers, policy) }
        registration = people(counts.registration, caregivers)
        active = people(counts.active, caregivers)
        // Settled tables: their last category is the rest, never withheld for being small.
        let breakdowns = counts.breakdowns.map { breakdown in
            Self.people(breakdown.counts, breakdown.dimension.unit == .caregivers ? caregivers : relationships, policy,
                        restColumn: breakdown.dimension.categories.count - 1)
        }
        self.breakdowns = breakdowns
        /// Each column of a cross table split by its rows, where the column breakdown publishes the
        /// column's count and the settled split adds up to it.
        func splits(_ body: [[Int]?], columns dimension: StatisticsDimension) -> [[PublishedCount]?] {
            guard let index = counts.breakdowns.firstIndex(where: { $0.dimension == dimension }) else { return [] }
            let totals = breakdowns[index].organisation.counts
            return totals.indices.map { column in
                guard let total = totals[column].value, body.indices.contains(column), let split = body[column],
                      split.reduce(0, +) == total else { return nil }
                return policy.publish(split: split, rest: split.count - 1)
            }
        }
        let genderByHours = splits(counts.genderByHours, columns: CrossChoice.genderByHours.columns)
        self.genderByHours = genderByHours
        // The default cross table is the same split: published once, not twice.
        crossed = counts.cross == .genderByHours ? genderByHours : splits(counts.crossed, columns: counts.cross.columns)
        // The year's events per unit, with the units shown as at the year's end: the same table
        // whether the year or one of its quarters is asked for, so the quarters lean on what the year shows.
        let yearEnd = counts.yearEndCaregivers == counts.caregivers ? caregivers : Self.unitTotals(counts.yearEndCaregivers, policy)
        let published = PublishedActivities(counts.activities, shownUnits: yearEnd.counts.map { !$0.isSuppressed }, policy: policy)
        let activities = published.tables
        activityUnits = published
        if quarters {
            activityQuarters = counts.activities.indices.map { index in
                published.isPart[index] ? nil
                    : policy.publish(quarters: counts.activities[index].quarters, year: activities[index].organisation, begun: counts.quartersBegun,
                                     totalsKnown: published.sharesTotals[index])
            }
        }
        for measure in OutcomeStatistics.Measure.allCases {
            for group in OutcomeStatistics.Group.allCases {
                guard let index = counts.activities.firstIndex(where: { $0.kind == group.activity }) else { continue }
                let kinds = counts.activities[index].categories, totals = activities[index].organisation.counts
                for (kind, total) in zip(kinds, totals) where (total.value ?? 0) > 0 {
                    let changes = counts.outcomes[measure]?[group]?[kind] ?? OutcomeChange.allCases.map { _ in 0 }
                    // The same support rows as the activity table's, so the split adds up to its count.
                    guard changes.reduce(0, +) == total.value else { continue }
                    if let split = policy.publish(split: changes) { outcomes[measure, default: [:]][group, default: [:]][kind] = split }
                }
            }
        }
        trend = counts.trend.chunked(4).map { quarters in
            events(counts.units.indices.map { unit in quarters.map { $0.new[unit] } })
        }
    }

    /// The count of people in one unit's row, as every table of those people shows it.
    func unitTotal(_ unit: StatisticsDimension.Unit, row: Int?) -> PublishedCount {
        let totals = unit == .caregivers ? caregivers : relationships
        guard let row else { return totals.total }
        return totals.counts.indices.contains(row) ? totals.counts[row] : .suppressed(.belowThreshold)
    }

    // The three ways a table is published, shared with the open indicators so that they show
    // exactly what the statistics page shows.

    /// People per unit: the row totals of every table of those people.
    static func unitTotals(_ counts: [Int], _ policy: SuppressionPolicy) -> PublishedBreakdown {
        policy.publish(unitTotals: counts)
            ?? PublishedBreakdown(counts: counts.map { _ in .suppressed(.belowThreshold) }, total: .suppressed(.belowThreshold))
    }

    /// People per unit and category, with the units' published counts as row totals.
    /// `restColumn`: a settled table's "not stated or not yet shown" (`StockSettlement`).
    static func people(_ body: [[Int]], _ totals: PublishedBreakdown, _ policy: SuppressionPolicy,
                       restColumn: Int? = nil) -> PublishedHierarchy {
        policy.publish(hierarchy: body, unitTotals: totals, restColumn: restColumn) ?? withheld(body)
    }

    /// Events per unit and category; units whose count of caregivers is withheld are not shown.
    static func events(_ body: [[Int]], _ caregivers: PublishedBreakdown, _ policy: SuppressionPolicy) -> PublishedHierarchy {
        policy.publish(hierarchy: body, shownUnits: caregivers.counts.map { !$0.isSuppressed }) ?? withheld(body)
    }

    /// A unit's count of one activity's events as its family shows it, where the table has no
    /// row for the unit (its count alone); nil for a unit not shown on its own.
    func activityTotal(_ index: Int, row: Int) -> PublishedCount? {
        guard activityUnits.unitTotals.indices.contains(index), activityUnits.unitTotals[index].indices.contains(row) else { return nil }
        return activityUnits.unitTotals[index][row]
    }

    /// What is shown of a table SynligCore refuses (a negative count, which SQL never gives): nothing.
    private static func withheld(_ body: [[Int]]) -> PublishedHierarchy {
        PublishedHierarchy(organisation: PublishedBreakdown(counts: (body.first ?? []).map { _ in .suppressed(.belowThreshold) },
                                                            total: .suppressed(.belowThreshold)),
                           units: body.map { _ in nil })
    }
}
