import Foundation
import SynligCore
import Testing
@testable import SynligApp

/// The five voluntariness tables count the same follow-ups per unit: by the answer, by each of
/// the three questions and by whether it was on time. What one of them shows of a unit's total
/// must be what all of them show, or that total gives away a count another one withholds
/// (`SuppressionPolicy.publish(family:)`, proved in SynligCore's `FamilySuppressionTests`).
@Suite("Statistics: tables of the same events show the same totals")
struct StatisticsFamilyPublicationTests {
    static let family: [ActivityTable.Kind] = [.voluntariness, .voluntarinessWants, .voluntarinessAble,
                                              .voluntarinessShouldNotCarry, .voluntarinessOnTime]

    /// One organisation's year with three units and "no unit": the family split at random, and
    /// support begun (a table of its own) beside it.
    func counts(_ random: inout SeededGenerator) -> CaregiverCounts {
        let units: [UUID?] = [UUID(), UUID(), UUID(), nil]
        let caregivers = units.map { _ in Int.random(in: 0..<4, using: &random) == 0 ? Int.random(in: 1...4, using: &random) : Int.random(in: 5...40, using: &random) }
        let followUps = caregivers.map { Int.random(in: 0...$0, using: &random) }
        func split(_ kind: ActivityTable.Kind) -> [[Int]] {
            let width = ActivityTable.categories(kind).count
            return followUps.map { total in
                var row = Array(repeating: 0, count: width)
                // Mostly one or two categories, as real answers cluster.
                let used = Int.random(in: 1...min(2, width), using: &random)
                for _ in 0..<total { row[Int.random(in: 0..<used, using: &random)] += 1 }
                return row
            }
        }
        let tables = (Self.family + [.supportGiven]).map { kind in
            ActivityTable(kind: kind, categories: ActivityTable.categories(kind), counts: split(kind),
                          quarters: Array(repeating: ActivityTable.categories(kind).map { _ in 0 }, count: 4))
        }
        return CaregiverCounts(units: units, caregivers: caregivers, relationships: caregivers, yearEndCaregivers: caregivers,
                               registration: caregivers.map { [0, $0] }, active: caregivers.map { [$0, 0] },
                               breakdowns: [], genderByHours: [], activities: tables, trend: [])
    }

    @Test("Every unit's follow-ups are one number (or withheld) in all five tables, and the open indicators show the organisation's")
    func sameTotals() throws {
        var random = SeededGenerator(seed: 12)
        var differedOneAtATime = 0, unitTotalsShown = 0
        for round in 0..<120 {
            let counts = counts(&random)
            let published = PublishedStatistics(counts, policy: .standard)
            let indices = Self.family.compactMap { kind in counts.activities.firstIndex { $0.kind == kind } }
            #expect(indices.count == Self.family.count)
            let tables = indices.map { published.activities[$0] }
            for row in counts.units.indices {
                // A table that shows no row for the unit (its count alone) still has the family's total for it.
                let familyTotals = Set(indices.map { published.activityTotal($0, row: row) })
                #expect(familyTotals.count == 1, "round \(round): unit \(row) has \(familyTotals)")
                for table in tables { if let unit = table.units[row] { #expect(unit.total == familyTotals.first) } }
                if case .count = published.activityTotal(indices[0], row: row) { unitTotalsShown += 1 }
            }
            #expect(Set(tables.map(\.organisation.total)).count == 1, "round \(round)")
            let first = try #require(counts.activities.first)
            #expect(PublishedStatistics.eventTotal(.voluntariness, first.counts, published.caregivers, .standard) == tables[0].organisation.total)

            // Protected one table at a time, two tables could show one unit with different totals.
            let oneAtATime = counts.activities.prefix(Self.family.count).map { PublishedStatistics.events($0.counts, published.caregivers, .standard) }
            if counts.units.indices.contains(where: { row in Set(oneAtATime.compactMap { $0.units[row]?.total }).count > 1 }) { differedOneAtATime += 1 }
        }
        #expect(differedOneAtATime > 0, "the rounds never tell the family's protection from one table at a time")
        #expect(unitTotalsShown > 150)
    }
}
