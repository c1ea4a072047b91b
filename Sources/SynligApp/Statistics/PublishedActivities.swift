import SynligCore

/// The year's activity tables per unit as they may be published, each as one of a family of
/// tables that count the same events (one pass, `ActivityTable.passKey`): the voluntariness
/// follow-up by its answer, by whether it was on time, and by each of its three questions
/// (which split only the follow-ups asked them: a part, with "not asked" as the rest). What
/// the tables of a family share is published once and every table is protected with it known
/// (`SuppressionPolicy.publish(family:parts:)`), so one of them showing a unit's total never
/// gives away a count another withholds. A kind counted alone is a family of one.
struct PublishedActivities: Sendable {
    /// In the order of `CaregiverCounts.activities`.
    var tables: [PublishedHierarchy] = []
    /// Per table and unit, the unit's count of its events as the family shows it; nil for a unit
    /// not shown on its own. A unit page shows it where the table has no row for the unit.
    var unitTotals: [[PublishedCount?]] = []
    /// Per table, whether it counts only a part of its family's events: its quarters are not
    /// shown, since the rest's quarters are published nowhere beside them.
    var isPart: [Bool] = []
    /// Per table, whether another table of its family counts the same events: each quarter's
    /// total is then known from it (`publish(quarters:totalsKnown:)`).
    var sharesTotals: [Bool] = []

    init() {}

    init(_ activities: [ActivityTable], shownUnits: [Bool], policy: SuppressionPolicy) {
        tables = activities.map { .totalAlone(Self.organisationTotal($0.counts, policy: policy), unitCount: $0.counts.count) }
        unitTotals = activities.map { $0.counts.map { _ in nil } }
        isPart = activities.map { $0.categories.last == ActivityTable.notAsked }
        sharesTotals = activities.map { _ in false }
        let families = Dictionary(grouping: activities.indices) { ActivityTable.passKey(activities[$0].kind) }
        for members in families.values.map({ $0.sorted() }) {
            let wholes = members.filter { !isPart[$0] }, parts = members.filter { isPart[$0] }
            for index in wholes { sharesTotals[index] = wholes.count > 1 }
            // Tables that should count the same events but do not (a stored value outside the
            // categories) cannot be protected together, and apart they would give each other
            // away: each keeps its total alone, as set above.
            guard let family = policy.publish(family: wholes.map { activities[$0].counts }, parts: parts.map { activities[$0].counts },
                                              shownUnits: shownUnits)
            else { continue }
            for (index, table) in zip(wholes + parts, family.tables + family.parts) {
                tables[index] = table
                unitTotals[index] = shownUnits.indices.map(family.unitTotal)
            }
        }
    }

    /// The organisation's count of one kind of event as its table shows it (the open indicators' value).
    static func organisationTotal(_ counts: [[Int]], policy: SuppressionPolicy) -> PublishedCount {
        policy.eventTotal(counts.joined().reduce(0, +))
    }
}
