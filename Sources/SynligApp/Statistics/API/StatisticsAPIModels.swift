import Foundation
import SynligCore
import Vapor

/// The same numbers as `/statistics`, for API clients. A withheld count is `null` with the
/// reason in `suppressed`; `display` is what the page shows ("< 5", ".."), so no client has to
/// reinvent the rule.
extension API {
    struct PublishedCountOut: Content {
        /// A withheld count is an explicit `null`, never a missing key a client might read as zero.
        @ExplicitNull var count: Int?
        @ExplicitNull var suppressed: Suppression?
        var display: String

        init(_ count: PublishedCount, policy: SuppressionPolicy) {
            self.count = count.value
            if case .suppressed(let reason) = count { suppressed = reason } else { suppressed = nil }
            display = count.text(under: policy)
        }
    }

    struct StatisticsCategoryOut: Content {
        var key: String
        var label: String
        var value: PublishedCountOut
        /// 0–1 of the breakdown's total, null when either is withheld.
        var share: Double?
    }

    struct StatisticsBreakdownOut: Content {
        var dimension: StatisticsDimension
        var title: String
        /// `caregivers`, or `relationships` where a caregiver may count once per person cared for.
        var unit: StatisticsDimension.Unit
        /// False for a unit too small to be broken down on its own; `categories` is then empty.
        var brokenDown: Bool
        var categories: [StatisticsCategoryOut]
        var total: PublishedCountOut
        var notStatedShare: Double?
    }

    struct StatisticsActivityOut: Content {
        var kind: ActivityTable.Kind
        var title: String
        var unit: String
        var brokenDown: Bool
        var categories: [StatisticsCategoryOut]
        var total: PublishedCountOut
    }

    struct StatisticsTrendPointOut: Content {
        var quarter: String
        /// Null for a quarter not shown (`StatisticsReport.TrendPoint`).
        @ExplicitNull var new: PublishedCountOut?
    }

    /// Each column adds up to its category's count in the column breakdown; columns that cannot
    /// be split safely are left out (`omittedColumns`).
    struct StatisticsCrossTableOut: Content {
        var title: String
        var rowDimension: StatisticsDimension
        var columnDimension: StatisticsDimension
        /// `caregivers`, or `relationships` when either breakdown counts relationships.
        var unit: StatisticsDimension.Unit
        var rows: [String]
        var columns: [String]
        var columnKeys: [String]
        var cells: [[PublishedCountOut]]
        var columnTotals: [PublishedCountOut]
        var omittedColumns: Bool
    }

    struct StatisticsOut: Content {
        var period: String
        var periodStart: String
        /// The first day after the period.
        var periodEnd: String
        @ExplicitNull var unitId: UUID?
        var threshold: Int
        var identified: PublishedCountOut
        /// Null for a unit too small for its new and earlier caregivers to be told apart.
        @ExplicitNull var new: PublishedCountOut?
        /// Caregivers in contact during the period (registered, or any dated contact); null like `new`.
        @ExplicitNull var active: PublishedCountOut?
        var breakdowns: [StatisticsBreakdownOut]
        /// Two breakdowns crossed (`rows`, `columns` in the query; gender × hours by default), the whole organisation only.
        @ExplicitNull var crossTable: StatisticsCrossTableOut?
        var activities: [StatisticsActivityOut]
        /// New caregivers per quarter, whole years up to the period's end.
        var trend: [StatisticsTrendPointOut]
        /// The largest differences in who is reached, from the published counts only.
        var equity: [EquityOut]
        /// Those known against those one can expect from the adult population (whole organisation, population entered).
        var reach: ReachOut?
        /// Outcome follow-up, the whole organisation only; descriptive, not proof of effect.
        var outcomes: [OutcomeOut]
        /// Contact requests received during the period by how soon they were handled; null for a unit.
        @ExplicitNull var contactRequests: CategoryCountsOut?
        /// People cared for with a SIP offered during the period, by outcome; null for a unit.
        @ExplicitNull var coordinatedPlans: CategoryCountsOut?
        /// Discharges during the period by whether a SIP followed within 30 days; null for a unit.
        @ExplicitNull var discharges: CategoryCountsOut?
        /// Tables of events left out of a quarter, shown per year only (activity kinds, outcomes,
        /// coordinatedPlans, contactRequests, discharges): a quarter is published only for the whole
        /// organisation and beside its year, so that the year minus three quarters gives no fourth.
        var perYearOnly: [String]

        struct CategoryCountsOut: Content {
            var categories: [StatisticsCategoryOut]
            var total: PublishedCountOut
        }

        struct OutcomeOut: Content {
            var measure: OutcomeStatistics.Measure
            var group: OutcomeStatistics.Group
            var needKind: String
            var total: PublishedCountOut
            var improved: PublishedCountOut
            var same: PublishedCountOut
            var worsened: PublishedCountOut
            var notFollowedUp: PublishedCountOut
        }

        struct ReachOut: Content {
            var adults: Int
            var populationYear: Int
            var populationSource: String
            var perThousandAdults: Double?
            var estimatedCaregivers: Int
            var identifiedShare: Double?
            var estimatedMoreThanTenHours: Int
            var identifiedMoreThanTenHours: PublishedCountOut
            var moreThanTenHoursShare: Double?
        }

        struct EquityOut: Content {
            var kind: String
            var percentages: [Int]
            var text: String
        }

        init(_ report: StatisticsReport, request req: Request) {
            let policy = report.policy
            func out(_ count: PublishedCount) -> PublishedCountOut { PublishedCountOut(count, policy: policy) }
            period = report.scope.period.description
            periodStart = report.scope.period.start.iso
            periodEnd = report.scope.period.end.iso
            unitId = report.scope.unitID
            threshold = policy.threshold
            identified = out(report.identified)
            new = report.new.map(out)
            active = report.active.map(out)
            breakdowns = report.breakdowns.map { breakdown in
                StatisticsBreakdownOut(
                    dimension: breakdown.dimension, title: breakdown.title, unit: breakdown.dimension.unit, brokenDown: breakdown.brokenDown,
                    categories: breakdown.categories.map { StatisticsCategoryOut(key: $0.key, label: $0.label, value: out($0.count), share: $0.share) },
                    total: out(breakdown.total), notStatedShare: breakdown.notStatedShare)
            }
            func categories(_ list: [StatisticsReport.Category]) -> [StatisticsCategoryOut] {
                list.map { StatisticsCategoryOut(key: $0.key, label: $0.label, value: out($0.count), share: $0.share) }
            }
            activities = report.activities.map {
                StatisticsActivityOut(kind: $0.kind, title: $0.title, unit: $0.unitLabel, brokenDown: $0.brokenDown, categories: categories($0.categories), total: out($0.total))
            }
            trend = report.trend.map { StatisticsTrendPointOut(quarter: $0.quarter.description, new: $0.new.map(out)) }
            equity = report.equity.map { EquityOut(kind: $0.kind, percentages: $0.percentages, text: $0.sentence(req)) }
            reach = report.reach.map {
                ReachOut(adults: $0.adults, populationYear: $0.year, populationSource: $0.source, perThousandAdults: $0.perThousandAdults,
                         estimatedCaregivers: $0.estimate.estimatedCaregivers, identifiedShare: $0.estimate.identifiedShare,
                         estimatedMoreThanTenHours: $0.estimate.estimatedMoreThanTenHours, identifiedMoreThanTenHours: out($0.moreThanTenHours),
                         moreThanTenHoursShare: $0.estimate.moreThanTenHoursShare)
            }
            contactRequests = report.contactRequests.map { CategoryCountsOut(categories: categories($0.categories), total: out($0.total)) }
            coordinatedPlans = report.coordinatedPlans.map { CategoryCountsOut(categories: categories($0.categories), total: out($0.total)) }
            discharges = report.discharges.map { CategoryCountsOut(categories: categories($0.categories), total: out($0.total)) }
            perYearOnly = report.perYearOnly.map(\.id)
            outcomes = report.outcomes.map { outcome in
                func change(_ change: OutcomeChange) -> PublishedCountOut {
                    out(OutcomeChange.allCases.firstIndex(of: change).map { outcome.changes[$0] } ?? .suppressed(.belowThreshold))
                }
                return OutcomeOut(measure: outcome.measure, group: outcome.group, needKind: outcome.kind, total: out(outcome.total),
                                  improved: change(.improved), same: change(.same), worsened: change(.worsened), notFollowedUp: change(.notFollowedUp))
            }
            crossTable = report.cross.map { cross in
                StatisticsCrossTableOut(title: cross.title, rowDimension: cross.choice.rows, columnDimension: cross.choice.columns,
                                        unit: cross.choice.counts, rows: cross.rowLabels, columns: cross.columnLabels, columnKeys: cross.columnKeys,
                                        cells: cross.cells.map { $0.map(out) }, columnTotals: cross.columnTotals.map(out),
                                        omittedColumns: cross.omitted)
            }
        }
    }
}

extension API {
    /// Organisations side by side on the published indicators; counts as in the open data.
    struct NationalComparisonOut: Content {
        struct Row: Content {
            var name: String
            var code: String
            var kind: OrganisationKind
            var own: Bool
            /// Null where the organisation had registered nobody by the year's end.
            @ExplicitNull var caregiversKnown: PublishedCountOut?
            @ExplicitNull var women: PublishedCountOut?
            @ExplicitNull var men: PublishedCountOut?
            @ExplicitNull var voluntarinessFollowUps: PublishedCountOut?
            @ExplicitNull var supportBegun: PublishedCountOut?
            @ExplicitNull var adults: Int?
            @ExplicitNull var perThousandAdults: Double?
        }

        var year: Int
        var threshold: Int
        /// `publishing`: organisations that publish and the reader's own; `every`: every
        /// organisation, for a national statistics reader.
        var coverage: String
        var organisations: [Row]

        init(_ comparison: NationalComparison) {
            let policy = SuppressionPolicy.standard
            func out(_ count: PublishedCount?) -> PublishedCountOut? { count.map { PublishedCountOut($0, policy: policy) } }
            year = comparison.year
            threshold = policy.threshold
            coverage = comparison.coversEveryOrganisation ? "every" : "publishing"
            organisations = comparison.rows.map { row in
                Row(name: row.name, code: row.code, kind: row.kind, own: row.isOwn, caregiversKnown: out(row.values?.caregiversKnown),
                    women: out(row.values?.women), men: out(row.values?.men),
                    voluntarinessFollowUps: out(row.values?.voluntarinessFollowUps), supportBegun: out(row.values?.supportBegun),
                    adults: row.adults, perThousandAdults: row.perThousandAdults)
            }
        }
    }

    /// The organisation's statistics settings, as an administrator sets them.
    struct StatisticsSettingsOut: Content {
        struct Population: Content, StrictJSONBody {
            var adults: Int
            var year: Int
            var source: String
        }
        var published: Bool
        @ExplicitNull var population: Population?
    }

    struct StatisticsPublicationIn: StrictJSONBody {
        var published: Bool
    }
}
