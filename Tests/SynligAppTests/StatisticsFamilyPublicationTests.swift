import Foundation
import SynligCore
import Testing
@testable import SynligApp

/// The five voluntariness tables count the same follow-ups per unit: by the answer, by whether
/// it was on time, and by each of the three questions (the follow-ups asked them; the rest were
/// asked the earlier single question). What one of them shows of a unit must be what all of them
/// show, or it gives away a count another withholds (`SuppressionPolicy.publish(family:parts:)`,
/// proved in SynligCore's `FamilySuppressionTests`). Every label a page shows must be true.
@Suite("Statistics: tables of the same events show the same totals, and every label is true")
struct StatisticsFamilyPublicationTests {
    static let wholes: [ActivityTable.Kind] = [.voluntariness, .voluntarinessOnTime]
    static let questions: [ActivityTable.Kind] = [.voluntarinessWants, .voluntarinessAble, .voluntarinessShouldNotCarry]

    /// One organisation's year with three units and "no unit": the follow-ups split at random,
    /// some asked the earlier question, and support begun (a kind counted alone) beside them.
    func counts(_ random: inout SeededGenerator) -> CaregiverCounts {
        let units: [UUID?] = [UUID(), UUID(), UUID(), nil]
        let caregivers = units.map { _ in Int.random(in: 0..<4, using: &random) == 0 ? Int.random(in: 1...4, using: &random) : Int.random(in: 5...40, using: &random) }
        // Now and then an organisation with only a handful of follow-ups in all.
        let handful = Int.random(in: 0..<6, using: &random) == 0
        let followUps = caregivers.map { handful ? Int.random(in: 0...1, using: &random) : Int.random(in: 0...$0, using: &random) }
        let notAsked = followUps.map { Int.random(in: 0...min($0, 3), using: &random) }
        func split(_ total: Int, _ width: Int) -> [Int] {
            var row = Array(repeating: 0, count: width)
            // Mostly one or two categories, as real answers cluster.
            let used = Int.random(in: 1...min(2, width), using: &random)
            for _ in 0..<total { row[Int.random(in: 0..<used, using: &random)] += 1 }
            return row
        }
        let tables = (Self.wholes + Self.questions + [.supportGiven]).map { kind in
            let width = ActivityTable.categories(kind).count
            let counts = Self.questions.contains(kind)
                ? zip(followUps, notAsked).map { split($0 - $1, width - 1) + [$1] }
                : followUps.map { split($0, width) }
            return ActivityTable(kind: kind, categories: ActivityTable.categories(kind), counts: counts,
                                 quarters: Array(repeating: ActivityTable.categories(kind).map { _ in 0 }, count: 4))
        }
        return CaregiverCounts(units: units, caregivers: caregivers, relationships: caregivers, yearEndCaregivers: caregivers,
                               registration: caregivers.map { [0, $0] }, active: caregivers.map { [$0, 0] },
                               breakdowns: [], genderByHours: [], activities: tables,
                               trend: (1...4).map { (StatisticsPeriod.quarter($0, of: 2026)!, followUps) })
    }

    /// Whether a label is true of the count behind it.
    func isTrue(_ label: PublishedCount, of truth: Int) -> Bool {
        switch label {
        case .count(let value): value == truth
        case .suppressed(.belowThreshold): truth > 0 && truth < SuppressionPolicy.standard.threshold
        case .suppressed(.complementary): truth >= SuppressionPolicy.standard.threshold
        }
    }

    @Test("Each unit's follow-ups and those not asked are one number in every table of them, and the open indicators show the organisation's")
    func sameTotals() throws {
        var random = SeededGenerator(seed: 12)
        var differedOneAtATime = 0, unitTotalsShown = 0
        for round in 0..<120 {
            let counts = counts(&random)
            let published = PublishedStatistics(counts, policy: .standard)
            func index(_ kind: ActivityTable.Kind) throws -> Int { try #require(counts.activities.firstIndex { $0.kind == kind }) }
            let wholes = try Self.wholes.map(index), questions = try Self.questions.map(index)
            for row in counts.units.indices {
                let all = Set((wholes + questions).map { published.activityTotal($0, row: row) })
                #expect(all.count == 1, "round \(round): unit \(row) has \(all)")
                for index in wholes + questions { if let unit = published.activities[index].units[row] { #expect(unit.total == all.first) } }
                // "Not asked" is one number in the three question tables.
                #expect(Set(questions.map { published.activities[$0].units[row]?.counts.last }).subtracting([nil]).count <= 1)
                if case .some(.some(.count)) = all.first { unitTotalsShown += 1 }
                let truth = counts.activities[wholes[0]].counts[row].reduce(0, +)
                if let label = all.first ?? nil { #expect(isTrue(label, of: truth), "round \(round): unit \(row) shows \(label) for \(truth)") }
            }
            #expect(Set(wholes.map { published.activities[$0].organisation.total }).count == 1, "round \(round)")
            let notAsked = Set(questions.map { published.activities[$0].organisation.counts.last }).subtracting([nil])
            #expect(notAsked.count <= 1, "round \(round): 'not asked' is \(notAsked)")
            #expect(Set((wholes + questions).map { published.activities[$0].organisation.total }).count == 1, "round \(round)")
            #expect(PublishedActivities.organisationTotal(counts.activities[wholes[0]].counts, policy: .standard)
                    == published.activities[wholes[0]].organisation.total)

            // Protected one table at a time, two tables could show one unit with different totals.
            let oneAtATime = wholes.map { PublishedStatistics.events(counts.activities[$0].counts, published.caregivers, .standard) }
            if counts.units.indices.contains(where: { row in Set(oneAtATime.compactMap { $0.units[row]?.total }).count > 1 }) { differedOneAtATime += 1 }
        }
        #expect(differedOneAtATime > 0, "the rounds never tell the family's protection from one table at a time")
        #expect(unitTotalsShown > 150)
    }

    @Test("Every unit page's activity totals and trend are true labels, and no quarter of the trend goes missing")
    func unitPagesAreTrue() throws {
        var random = SeededGenerator(seed: 31)
        for round in 0..<60 {
            let counts = counts(&random)
            for (row, unit) in counts.units.enumerated() where unit != nil {
                let scope = StatisticsScope(organisationID: UUID(), unitID: unit, period: try #require(StatisticsPeriod.year(2026)))
                let report = StatisticsReport(counts, scope: scope, policy: .standard) { $0 }
                #expect(report.trend.count == 4, "round \(round): unit \(row)'s trend has \(report.trend.count) quarters")
                for (point, truth) in zip(report.trend, counts.trend) {
                    if let label = point.new { #expect(isTrue(label, of: truth.new[row]), "round \(round): unit \(row)'s trend") }
                }
                for activity in report.activities {
                    let raw = try #require(counts.activities.first { $0.kind == activity.kind })
                    let truth = raw.counts[row].reduce(0, +)
                    #expect(isTrue(activity.total, of: truth), "round \(round): unit \(row)'s \(activity.kind) shows \(activity.total) for \(truth)")
                }
            }
        }
    }
}
