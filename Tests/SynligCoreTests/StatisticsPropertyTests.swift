import Testing
@testable import SynligCore


/// A count as statistics of a small municipality look: many zeros and small counts.
private func randomCount(_ random: inout SeededGenerator) -> Int {
    switch Int.random(in: 0..<10, using: &random) {
    case 0..<2: return 0
    case 2..<6: return Int.random(in: 1...4, using: &random)
    default: return Int.random(in: 5...30, using: &random)
    }
}

/// That what is shown is true: numbers are the counts, "< 5" is below the threshold and ".." is
/// a count that could have been shown.
private func expectTruthful(_ published: [PublishedCount], _ truths: [Int], _ policy: SuppressionPolicy,
                            wholeTableWithheld: Bool, _ context: String) {
    for (entry, truth) in zip(published, truths) {
        switch entry {
        case .count(let value): #expect(value == truth, "\(context)")
        case .suppressed(.belowThreshold): #expect(truth < policy.threshold && (wholeTableWithheld || truth > 0), "\(context)")
        case .suppressed(.complementary): #expect(truth >= policy.threshold, "\(context)")
        }
    }
}

@Suite("Statistics: no published table lets a withheld count be worked out")
struct SuppressionPropertyTests {
    static let policies = [SuppressionPolicy.standard, SuppressionPolicy(threshold: 10)!]

    @Test("Random cross tables: every withheld count has more than one consistent value", arguments: policies)
    func crossTables(policy: SuppressionPolicy) throws {
        var random = SeededGenerator(seed: 2026 + UInt64(policy.threshold))
        var withheld = 0
        for round in 0..<250 {
            let rows = Int.random(in: 2...5, using: &random)
            let columns = Int.random(in: 2...5, using: &random)
            let body = (0..<rows).map { _ in (0..<columns).map { _ in randomCount(&random) } }
            let context = "round \(round): \(body)"
            let published = try #require(policy.publish(crossTable: body), "\(context)")

            let rowTotals = body.map { $0.reduce(0, +) }
            let columnTotals = (0..<columns).map { column in body.reduce(0) { $0 + $1[column] } }
            let truths = body.flatMap { $0 } + rowTotals + columnTotals + [rowTotals.reduce(0, +)]
            let whole = published.allEntries.allSatisfy { $0 == .suppressed(.belowThreshold) }
            expectTruthful(published.allEntries, truths, policy, wholeTableWithheld: whole, context)

            let view = ReaderView.of(published, body: body, policy: policy)
            for (range, truth) in zip(view.ranges(), view.truths) {
                #expect(range.contains(truth), "\(context)")
                #expect(range.count > 1, "\(context): a withheld \(truth) is exactly \(range)")
            }
            withheld += view.truths.count
        }
        // The tables were small enough to need suppression, not trivially safe.
        #expect(withheld > 1000)
    }

    @Test("Random one-way tables: every withheld count has more than one consistent value", arguments: policies)
    func breakdowns(policy: SuppressionPolicy) throws {
        var random = SeededGenerator(seed: 17 + UInt64(policy.threshold))
        for round in 0..<500 {
            let counts = (0..<Int.random(in: 1...8, using: &random)).map { _ in randomCount(&random) }
            let context = "round \(round): \(counts)"
            let published = try #require(policy.publish(breakdown: counts), "\(context)")
            let whole = published.total == .suppressed(.belowThreshold)
            expectTruthful(published.counts + [published.total], counts + [counts.reduce(0, +)], policy,
                           wholeTableWithheld: whole, context)
            let view = ReaderView.of(published, counts: counts, policy: policy)
            for (range, truth) in zip(view.ranges(), view.truths) {
                #expect(range.contains(truth), "\(context)")
                #expect(range.count > 1, "\(context): a withheld \(truth) is exactly \(range)")
            }
        }
    }

    @Test("The cycle test agrees with the reader's ranges on random withholding patterns")
    func cycleTestIsExact() {
        // Not only the patterns the algorithm makes: arbitrary ones, protected or not.
        var random = SeededGenerator(seed: 7)
        let policy = SuppressionPolicy.standard
        for round in 0..<200 {
            let rows = Int.random(in: 2...4, using: &random)
            let columns = Int.random(in: 2...4, using: &random)
            let body = (0..<rows).map { _ in (0..<columns).map { _ in randomCount(&random) } }
            var grid = MarginGrid(body: body, columns: columns, policy: policy)
            guard grid.value(grid.grandTotal) >= policy.threshold else { continue }
            for cell in grid.allCells {
                let value = grid.value(cell)
                if policy.isBelowThreshold(value) { grid[cell] = .suppressed(.belowThreshold) }
                else if value > 0 && Int.random(in: 0..<4, using: &random) == 0 { grid[cell] = .suppressed(.complementary) }
            }
            let published = PublishedCrossTable(
                cells: (0..<rows).map { Array(grid.published[$0].prefix(columns)) },
                rowTotals: (0..<rows).map { grid.published[$0][columns] },
                columnTotals: Array(grid.published[rows].prefix(columns)), grandTotal: grid.published[rows][columns])
            let ranges = ReaderView.of(published, body: body, policy: policy).ranges()
            // The reader's unknowns come in the order body row by row, row totals, column totals, grand total.
            let order = (0..<rows).flatMap { row in (0..<columns).map { GridCell(row: row, column: $0) } }
                + (0..<rows).map { GridCell(row: $0, column: columns) }
                + (0..<columns).map { GridCell(row: rows, column: $0) } + [grid.grandTotal]
            for (cell, range) in zip(order.filter { grid[$0].isSuppressed }, ranges) {
                #expect(grid.isProtected(cell) == (range.count > 1), "round \(round): \(body) at \(cell)")
            }
        }
    }
}
