import Testing
@testable import SynligCore

/// Everything a reader learns from a year's table of events per unit (`publish(hierarchy:shownUnits:)`)
/// and from the organisation's table for each of the year's quarters (`publish(quarters:year:)`).
private struct YearAndQuartersReader {
    var reader: HierarchyReader
    /// `quarters[quarter][category]` of the organisation.
    /// Whether the quarters were shown at all.
    var shown = true

    init(units body: [[[Int]]], shownUnits: [Bool], policy: SuppressionPolicy, begun: Int = 4, totalsKnown: Bool = false) throws {
        let categories = body[0][0].count
        let year = body.map { unit in (0..<categories).map { category in unit.reduce(0) { $0 + $1[category] } } }
        let quarterBody = (0..<4).map { quarter in (0..<categories).map { category in body.reduce(0) { $0 + $1[quarter][category] } } }
        let published = try #require(policy.publish(hierarchy: year, shownUnits: shownUnits))
        reader = HierarchyReader(body: year, unitTotals: nil, published: published, policy: policy)
        guard let quarters = policy.publish(quarters: quarterBody, year: published.organisation, begun: begun, totalsKnown: totalsKnown) else {
            shown = false
            return
        }
        let whole = published.organisation.total == .suppressed(.belowThreshold)
        if totalsKnown && !whole { #expect(quarters.quarters.allSatisfy { !$0.total.isSuppressed }) }
        let cap = quarterBody.joined().reduce(0, +) + 1
        /// `open`: whether the entry must not be exact; the other row's sums need not stay open.
        func labelled(_ item: PublishedCount, _ truth: Int, open: Bool = true) -> ConsistentRanges.Entry {
            switch item {
            case .count(let value): #expect(value == truth)
            case .suppressed(.belowThreshold): #expect(truth < policy.threshold && (whole || truth > 0))
            case .suppressed(.complementary): #expect(truth >= policy.threshold)
            }
            let entry = reader.view.entry(item, truth: truth, policy: policy, wholeTableWithheld: whole, cap: cap)
            if case .unknown(let index) = entry, open { reader.mustStayOpen.append(index) }
            return entry
        }
        let other = (0..<categories).filter { !quarters.categories.contains($0) }
        #expect(quarters.hasOther == !other.isEmpty)
        // cells[quarter][row]: the categories broken down, then "other".
        let cells = quarterBody.enumerated().map { quarter, counts in
            let truths = quarters.categories.map { counts[$0] } + (quarters.hasOther ? [other.reduce(0) { $0 + counts[$1] }] : [])
            return zip(quarters.quarters[quarter].counts, truths).enumerated().map { labelled($1.0, $1.1, open: $0 < quarters.categories.count) }
        }
        let totals = quarterBody.enumerated().map { labelled(quarters.quarters[$0].total, $1.reduce(0, +)) }
        for (row, category) in quarters.categories.enumerated() {
            reader.view.system.addLine(parts: cells.map { $0[row] }, total: reader.organisationCounts[category])
        }
        if quarters.hasOther {
            // The other row's quarters add up to the year's counts of the categories it holds.
            let otherCells = cells.map { $0[quarters.categories.count] }
            var equation = ConsistentRanges.Equation(terms: [], constant: 0)
            for (entry, coefficient) in otherCells.map({ ($0, 1) }) + other.map({ (reader.organisationCounts[$0], -1) }) {
                switch entry {
                case .known(let value): equation.constant -= coefficient * value
                case .unknown(let index): equation.terms.append((index, coefficient))
                }
            }
            reader.view.system.equations.append(equation)
        }
        for quarter in 0..<4 { reader.view.system.addLine(parts: cells[quarter], total: totals[quarter]) }
        reader.view.system.addLine(parts: totals, total: reader.organisationTotal)
    }
}

@Suite("Statistics: a year's quarters beside the year give no withheld count away")
struct QuarterSuppressionTests {
    @Test("A quarter's withheld count is not the year's minus the other three")
    func yearMinusQuarters() throws {
        let policy = SuppressionPolicy.standard
        // Respite begun: 10, 10 and 10 in the first three quarters, 2 in the fourth; information 8 each.
        let body = [[10, 8], [10, 8], [10, 8], [2, 8]]
        let year = try #require(policy.publish(breakdown: [32, 32]))
        // Each quarter on its own withholds the fourth quarter's 2, and with it its 8; the year then tells it: 32 − 30.
        let alone = try #require(policy.publish(breakdown: body[3]))
        #expect(alone.counts[0].isSuppressed && year.counts[0] == .count(32))
        #expect(body[0..<3].allSatisfy { policy.publish(breakdown: $0)?.counts[0] == .count(10) })

        let quarters = try #require(policy.publish(quarters: body, year: year))
        #expect(quarters.categories == [0, 1] && !quarters.hasOther)
        #expect(quarters.quarters[3].counts[0] == .suppressed(.belowThreshold))
        // Another quarter's respite is withheld too, so 32 minus what is shown leaves two unknowns.
        #expect(quarters.quarters[0..<3].contains { $0.counts[0].isSuppressed })
        let reader = try YearAndQuartersReader(units: [body], shownUnits: [true], policy: policy)
        #expect(reader.reader.exactlyKnown().isEmpty)
    }

    @Test("Categories the year withholds are shown by quarter only together, as other")
    func withheldCategoriesTogether() throws {
        let policy = SuppressionPolicy.standard
        // Over the year: 3 of kind a, 6 of b, 40 of c. The year withholds a and, to protect it, b.
        let body = [[1, 2, 10], [0, 1, 10], [2, 3, 10], [0, 0, 10]]
        let year = try #require(policy.publish(breakdown: [3, 6, 40]))
        #expect(year.counts[0].isSuppressed && year.counts[1].isSuppressed && year.counts[2] == .count(40))
        let quarters = try #require(policy.publish(quarters: body, year: year))
        #expect(quarters.categories == [2] && quarters.hasOther)
        // Other: 3, 1, 5, 0 (its year 9 = 49 − 40 is known): the small ones are withheld.
        #expect(quarters.quarters.map(\.counts.count) == [2, 2, 2, 2])
        #expect(quarters.quarters[2].counts[1] == .count(5) && quarters.quarters[3].counts[1] == .count(0))
        #expect(quarters.quarters[0].counts[1].isSuppressed && quarters.quarters[1].counts[1].isSuppressed)
    }

    @Test("A quarter yet to come is known to be empty and hides nothing; a count with nothing to hide behind is not shown by quarter")
    func quartersYetToCome() throws {
        let policy = SuppressionPolicy.standard
        // In May: follow-ups on time 1 in the first quarter and 5 in the second, 6 in the year.
        // Withholding the empty third quarter beside the 1 would hide nothing: a reader knows it is 0.
        let body = [[1, 0], [5, 0], [0, 0], [0, 0]]
        let year = try #require(policy.publish(breakdown: [6, 0]))
        #expect(policy.publish(quarters: body, year: year, begun: 2) == nil)
        let reader = try YearAndQuartersReader(units: [body], shownUnits: [true], policy: policy, begun: 2)
        #expect(!reader.shown && reader.reader.exactlyKnown().isEmpty)
        // With room to hide the 1 (8 in all, a second category beside), the quarters are shown and the later ones are 0.
        let wider = [[1, 6], [7, 6], [0, 0], [0, 0]]
        let widerYear = try #require(policy.publish(breakdown: [8, 12]))
        let shown = try #require(policy.publish(quarters: wider, year: widerYear, begun: 2))
        #expect(shown.quarters[2].counts.allSatisfy { $0 == .count(0) } && shown.quarters[3].total == .count(0))
        #expect(try YearAndQuartersReader(units: [wider], shownUnits: [true], policy: policy, begun: 2).reader.exactlyKnown().isEmpty)
    }

    @Test("Tables that count the same events show every quarter's total, or no quarter at all")
    func sharedTotals() throws {
        let policy = SuppressionPolicy.standard
        let year = try #require(policy.publish(breakdown: [20, 12]))
        let quarters = try #require(policy.publish(quarters: [[5, 3], [5, 3], [5, 3], [5, 3]], year: year, totalsKnown: true))
        #expect(quarters.quarters.map(\.total) == Array(repeating: .count(8), count: 4))
        // A quarter's total of 3 would have to be withheld, and the other tables show it.
        let smallQuarterYear = try #require(policy.publish(breakdown: [17, 10]))
        #expect(policy.publish(quarters: [[5, 3], [5, 3], [5, 3], [2, 1]], year: smallQuarterYear, totalsKnown: true) == nil)
    }

    @Test("A year withheld whole withholds its quarters whole; one withheld only as a complement shows none")
    func yearWithheld() throws {
        let policy = SuppressionPolicy.standard
        let body = [[1, 0], [0, 1], [1, 0], [0, 0]]
        let small = try #require(policy.publish(breakdown: [2, 1]))
        let quarters = try #require(policy.publish(quarters: body, year: small))
        #expect(quarters.quarters.allSatisfy { $0.total == .suppressed(.belowThreshold) && $0.counts.allSatisfy { $0 == .suppressed(.belowThreshold) } })
        let complement = PublishedBreakdown(counts: [.suppressed(.belowThreshold), .suppressed(.complementary)], total: .suppressed(.complementary))
        #expect(policy.publish(quarters: [[1, 5], [1, 5], [0, 0], [0, 0]], year: complement) == nil)
        // A year that is not these quarters' sum is refused.
        #expect(policy.publish(quarters: body, year: PublishedBreakdown(counts: [.count(9), .count(1)], total: .count(10))) == nil)
    }

    @Test("Random years of events per unit and their quarters: no withheld count is exact",
          arguments: [SuppressionPolicy.standard, SuppressionPolicy(threshold: 10)!])
    func randomYears(policy: SuppressionPolicy) throws {
        var random = SeededGenerator(seed: 4 + UInt64(policy.threshold))
        var checked = 0, notShown = 0
        for round in 0..<160 {
            let units = Int.random(in: 1...3, using: &random), categories = Int.random(in: 2...3, using: &random)
            // A year under way: its later quarters are empty, and a reader knows it.
            let begun = round % 3 == 0 ? Int.random(in: 1...3, using: &random) : 4
            let totalsKnown = round % 4 == 1
            // Events are sparser per unit and quarter than a year's table is.
            let body = (0..<units).map { _ in (0..<4).map { quarter in (0..<categories).map { _ in quarter < begun ? smallAreaCount(&random) / 2 : 0 } } }
            let shown = (0..<units).map { _ in Int.random(in: 0..<4, using: &random) > 0 }
            let reader = try YearAndQuartersReader(units: body, shownUnits: shown, policy: policy, begun: begun, totalsKnown: totalsKnown)
            let exact = reader.reader.exactlyKnown()
            #expect(exact.isEmpty, "round \(round): \(body) shown \(shown) begun \(begun) gives away \(exact)")
            checked += reader.reader.mustStayOpen.count
            notShown += reader.shown ? 0 : 1
        }
        #expect(checked > 400)
        // Most years can be shown by quarter.
        #expect(notShown < 40, "\(notShown) of 160 years not shown by quarter")
    }
}
