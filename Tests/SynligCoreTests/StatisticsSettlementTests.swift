import Testing
@testable import SynligCore

/// A unit's breakdown over quarters as statistics of a small municipality look: a few newcomers a
/// quarter, in a handful of categories, some with nothing stated (the last category).
private func growingHistory(quarters: Int, categories: Int, newcomers: ClosedRange<Int> = 0...6,
                            _ random: inout SeededGenerator) -> [[Int]] {
    var row = Array(repeating: 0, count: categories)
    return (0..<quarters).map { _ in
        for _ in 0..<Int.random(in: newcomers, using: &random) {
            row[Int.random(in: 0..<categories, using: &random)] += 1
        }
        return row
    }
}

@Suite("Statistics: counts known by a period's end cannot be set against another period's")
struct StockSettlementTests {
    static let policies = [SuppressionPolicy.standard, SuppressionPolicy(threshold: 10)!]

    @Test("Random histories: between any two quarter ends a category moves by 0 or by the threshold or more", arguments: policies)
    func differencing(policy: SuppressionPolicy) throws {
        var random = SeededGenerator(seed: 4711 + UInt64(policy.threshold))
        let settlement = StockSettlement(policy: policy)
        var moves = 0
        for round in 0..<300 {
            let categories = Int.random(in: 2...6, using: &random)
            let history = growingHistory(quarters: Int.random(in: 1...16, using: &random), categories: categories, &random)
            let absorber = categories - 1
            let settled = try settlement.settle(rows: history, absorber: absorber).map { try #require($0, "round \(round)") }
            for (quarter, row) in settled.enumerated() {
                // The exact number of people stays, and nothing is negative.
                #expect(row.reduce(0, +) == history[quarter].reduce(0, +), "round \(round) \(history)")
                #expect(row.allSatisfy { $0 >= 0 }, "round \(round) \(history)")
                for category in 0..<absorber {
                    #expect(row[category] == 0 || row[category] >= policy.threshold, "round \(round) \(history)")
                    #expect(row[category] <= history[quarter][category], "a count that only grows is never ahead of the truth")
                }
            }
            for first in settled.indices {
                for second in settled.indices where second > first {
                    for category in 0..<absorber {
                        let move = abs(settled[second][category] - settled[first][category])
                        #expect(move == 0 || move >= policy.threshold,
                                "round \(round): category \(category) moved by \(move) between quarters \(first) and \(second) of \(history)")
                        if move > 0 { moves += 1 }
                    }
                }
            }
        }
        // The histories were long enough for categories to move, not all zeros.
        #expect(moves > 500)
    }

    @Test("Random histories: a count moves only at the end of a whole quarter in which at least the threshold came in",
          arguments: policies)
    func movesOnlyAmongMany(policy: SuppressionPolicy) throws {
        var random = SeededGenerator(seed: 1312 + UInt64(policy.threshold))
        let settlement = StockSettlement(policy: policy)
        var moves = 0
        for round in 0..<300 {
            let categories = Int.random(in: 2...5, using: &random)
            let history = growingHistory(quarters: Int.random(in: 2...16, using: &random), categories: categories,
                                         newcomers: 0...(2 * policy.threshold), &random)
            let arrivals = history.indices.map { history[$0].reduce(0, +) - ($0 == 0 ? 0 : history[$0 - 1].reduce(0, +)) }
            // The last quarter is still running.
            let complete = history.indices.map { $0 < history.count - 1 }
            let eligible = settlement.eligibleQuarters(arrivals: arrivals, complete: complete)
            let settled = try settlement.settle(rows: history, absorber: categories - 1, eligible: eligible)
                .map { try #require($0, "round \(round)") }
            for quarter in settled.indices {
                #expect(settled[quarter].reduce(0, +) == history[quarter].reduce(0, +))
                let before = quarter == 0 ? Array(repeating: 0, count: categories) : settled[quarter - 1]
                for category in 0..<categories - 1 where settled[quarter][category] != before[category] {
                    #expect(eligible[quarter], "round \(round): category \(category) moved at quarter \(quarter) with \(arrivals[quarter]) newcomers, of \(history)")
                    #expect(abs(settled[quarter][category] - before[category]) >= policy.threshold)
                    moves += 1
                }
            }
        }
        #expect(moves > 100)
    }

    @Test("Four known, one newcomer: the count does not move to say who the newcomer is")
    func oneNewcomerMovesNothing() {
        let settlement = StockSettlement(policy: .standard)
        // Romani, no minority language, not stated: 44 people, then one more.
        let eligible = settlement.eligibleQuarters(arrivals: [44, 1, 6], complete: [true, true, false])
        #expect(eligible == [true, false, false])
        #expect(settlement.settle(rows: [[4, 40, 0], [5, 40, 0], [6, 45, 0]], absorber: 2, eligible: eligible)
                == [[0, 40, 4], [0, 40, 5], [0, 40, 11]])
        // Without the rule, the newcomer would be given away: 0 → 5 beside a total one higher.
        #expect(settlement.settle(rows: [[4, 40, 0], [5, 40, 0]], absorber: 2) == [[0, 40, 4], [5, 40, 0]])
    }

    @Test("A quarter's figures depend on the quarters up to it alone, whichever period is asked for")
    func prefix() throws {
        var random = SeededGenerator(seed: 99)
        let settlement = StockSettlement(policy: .standard)
        for _ in 0..<100 {
            let history = growingHistory(quarters: 12, categories: 4, &random)
            let whole = settlement.settle(rows: history, absorber: 3)
            for end in 1...history.count {
                #expect(Array(whole.prefix(end)) == settlement.settle(rows: Array(history.prefix(end)), absorber: 3))
            }
        }
    }

    @Test("One newcomer with a rare language: the language's count stays, the rest takes the newcomer")
    func newcomer() {
        // Romani, no minority language, not stated.
        let settled = StockSettlement(policy: .standard).settle(rows: [[7, 40, 3], [8, 40, 3], [12, 41, 3]], absorber: 2)
        #expect(settled == [[7, 40, 3], [7, 40, 4], [12, 40, 4]])
    }

    @Test("A category falling below the threshold keeps its count until it reaches 0")
    func falling() {
        let settlement = StockSettlement(policy: .standard)
        #expect(settlement.settle(series: [12, 3, 3, 0, 4, 5, 9, 10]) == [12, 12, 12, 0, 0, 5, 5, 10])
    }

    @Test("A loss shows only where the rest would fall below zero, and then only the largest")
    func losses() {
        let settlement = StockSettlement(policy: .standard)
        // Women, men, not stated: one woman's file purged.
        #expect(settlement.settle(rows: [[10, 10, 3], [9, 10, 3]], absorber: 2) == [[10, 10, 3], [10, 10, 2]])
        #expect(settlement.settle(rows: [[10, 10, 0], [9, 10, 0]], absorber: 2) == [[10, 10, 0], [9, 10, 0]])
        #expect(settlement.settle(rows: [[10, 10, 1], [8, 9, 1]], absorber: 2) == [[10, 10, 1], [8, 10, 0]])
    }

    @Test("A row that must add up to a total settled elsewhere is not shown where it cannot")
    func givenTotals() {
        let settlement = StockSettlement(policy: .standard)
        // A column of a cross table whose own count has not moved yet (3) while a cell has (5).
        #expect(settlement.settle(rows: [[0, 0], [5, 1]], absorber: 1, totals: [0, 3]) == [[0, 0], nil])
        #expect(settlement.settle(rows: [[0, 0], [5, 1]], absorber: 1, totals: [0, 6]) == [[0, 0], [5, 1]])
        // What the tables cannot describe is refused, not guessed.
        #expect(settlement.settle(rows: [[1, 2], [1]], absorber: 1) == [nil, nil])
        #expect(settlement.settle(rows: [[1, 2]], absorber: 2) == [nil])
    }
}
