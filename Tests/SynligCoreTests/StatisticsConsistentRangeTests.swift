import Testing
@testable import SynligCore

/// What a reader can work out about each withheld count: the smallest and largest value it can
/// hold such that every published count, margin and label still holds.
///
/// Deliberately independent of the suppression code: no graphs or cycles, just the equations
/// "cells of a line add up to its total" over non-negative integers, solved by bounds
/// propagation and splitting ranges in half (a small exact branch-and-bound). If the two
/// disagree, one of them is wrong.
struct ConsistentRanges {
    /// One equation: Σ coefficient × variable = constant.
    struct Equation {
        var terms: [(variable: Int, coefficient: Int)]
        var constant: Int
    }

    var lower: [Int]
    var upper: [Int]
    var equations: [Equation]

    /// A line of entries that must add up: `parts` sum to `total`. Each entry is a known number
    /// or an unknown's index.
    enum Entry { case known(Int), unknown(Int) }

    mutating func addLine(parts: [Entry], total: Entry) {
        var terms: [(Int, Int)] = []
        var constant = 0
        for (entry, coefficient) in parts.map({ ($0, 1) }) + [(total, -1)] {
            switch entry {
            case .known(let value): constant -= coefficient * value
            case .unknown(let index): terms.append((index, coefficient))
            }
        }
        equations.append(Equation(terms: terms, constant: constant))
    }

    /// Narrows every range to what the equations allow; nil when some range becomes empty.
    static func propagate(_ bounds: (lower: [Int], upper: [Int]), _ equations: [Equation]) -> (lower: [Int], upper: [Int])? {
        var (lower, upper) = bounds
        var changed = true
        while changed {
            changed = false
            for equation in equations {
                let minimum = equation.terms.reduce(0) { $0 + ($1.coefficient > 0 ? lower[$1.variable] : -upper[$1.variable]) }
                let maximum = equation.terms.reduce(0) { $0 + ($1.coefficient > 0 ? upper[$1.variable] : -lower[$1.variable]) }
                for (variable, coefficient) in equation.terms {
                    let own = coefficient > 0 ? (lower[variable], upper[variable]) : (-upper[variable], -lower[variable])
                    // coefficient × x = constant − (the others), and the others lie in [min − own, max − own].
                    let low = equation.constant - (maximum - own.1)
                    let high = equation.constant - (minimum - own.0)
                    let (newLower, newUpper) = coefficient > 0 ? (low, high) : (-high, -low)
                    if newLower > lower[variable] { lower[variable] = newLower; changed = true }
                    if newUpper < upper[variable] { upper[variable] = newUpper; changed = true }
                    if lower[variable] > upper[variable] { return nil }
                }
            }
        }
        return (lower, upper)
    }

    static func feasible(_ bounds: (lower: [Int], upper: [Int]), _ equations: [Equation]) -> Bool {
        guard let narrowed = propagate(bounds, equations) else { return false }
        // With every unknown fixed, propagation has already checked every equation.
        guard let open = narrowed.lower.indices.filter({ narrowed.lower[$0] < narrowed.upper[$0] })
            .min(by: { narrowed.upper[$0] - narrowed.lower[$0] < narrowed.upper[$1] - narrowed.lower[$1] })
        else { return true }
        let middle = (narrowed.lower[open] + narrowed.upper[open]) / 2
        var low = narrowed, high = narrowed
        low.upper[open] = middle
        high.lower[open] = middle + 1
        return feasible(low, equations) || feasible(high, equations)
    }

    /// The smallest and largest consistent value of unknown `variable`, given one consistent
    /// value (the true one) to search from.
    func range(of variable: Int, truth: Int) -> ClosedRange<Int> {
        func feasible(from low: Int, to high: Int) -> Bool {
            var bounds = (lower: lower, upper: upper)
            bounds.lower[variable] = low
            bounds.upper[variable] = high
            return Self.feasible(bounds, equations)
        }
        // The smallest k with a solution at or below k, then the largest at or above k.
        var (low, high) = (lower[variable], truth)
        while low < high {
            let middle = (low + high) / 2
            if feasible(from: lower[variable], to: middle) { high = middle } else { low = middle + 1 }
        }
        let minimum = low
        (low, high) = (truth, upper[variable])
        while low < high {
            let middle = (low + high + 1) / 2
            if feasible(from: middle, to: upper[variable]) { low = middle } else { high = middle - 1 }
        }
        return minimum...low
    }
}

/// A reader's view of a published table: each withheld entry becomes an unknown with the range
/// its label gives, read off the published table alone.
struct ReaderView {
    var system = ConsistentRanges(lower: [], upper: [], equations: [])
    /// For each unknown, the true count (only to search from and to check the labels are true).
    var truths: [Int] = []

    /// `cap` stands in for "no upper bound" on a ".." entry. It must be at least one above any
    /// true count, so that every one-step change a reader could make stays inside it.
    mutating func entry(_ published: PublishedCount, truth: Int, policy: SuppressionPolicy,
                        wholeTableWithheld: Bool, cap: Int) -> ConsistentRanges.Entry {
        let range: (Int, Int)
        switch published {
        case .count(let value): return .known(value)
        case .suppressed(.belowThreshold): range = (wholeTableWithheld ? 0 : 1, policy.threshold - 1)
        case .suppressed(.complementary): range = (policy.threshold, cap)
        }
        system.lower.append(range.0)
        system.upper.append(range.1)
        truths.append(truth)
        return .unknown(truths.count - 1)
    }

    /// Every unknown's consistent range, in the order they were added.
    func ranges() -> [ClosedRange<Int>] {
        truths.indices.map { system.range(of: $0, truth: truths[$0]) }
    }

    static func of(_ published: PublishedBreakdown, counts: [Int], policy: SuppressionPolicy) -> ReaderView {
        var view = ReaderView()
        let whole = published.total == .suppressed(.belowThreshold)
        let total = counts.reduce(0, +)
        let parts = zip(published.counts, counts).map {
            view.entry($0, truth: $1, policy: policy, wholeTableWithheld: whole, cap: total + 1)
        }
        let totalEntry = view.entry(published.total, truth: total, policy: policy, wholeTableWithheld: whole, cap: total + 1)
        if whole, case .unknown(let index) = totalEntry { view.system.lower[index] = 1 }
        view.system.addLine(parts: parts, total: totalEntry)
        return view
    }

    static func of(_ published: PublishedCrossTable, body: [[Int]], policy: SuppressionPolicy) -> ReaderView {
        var view = ReaderView()
        let whole = published.allEntries.allSatisfy { $0 == .suppressed(.belowThreshold) }
        let rowTotals = body.map { $0.reduce(0, +) }
        let columnTotals = body[0].indices.map { column in body.reduce(0) { $0 + $1[column] } }
        let grand = rowTotals.reduce(0, +)
        func entry(_ item: PublishedCount, _ truth: Int) -> ConsistentRanges.Entry {
            view.entry(item, truth: truth, policy: policy, wholeTableWithheld: whole, cap: grand + 1)
        }
        let cells = body.indices.map { row in body[row].indices.map { entry(published.cells[row][$0], body[row][$0]) } }
        let rows = body.indices.map { entry(published.rowTotals[$0], rowTotals[$0]) }
        let columns = columnTotals.indices.map { entry(published.columnTotals[$0], columnTotals[$0]) }
        let total = entry(published.grandTotal, grand)
        // A table withheld whole still tells that someone is in it: else it would show zeros.
        if whole, case .unknown(let index) = total { view.system.lower[index] = 1 }
        for row in body.indices { view.system.addLine(parts: cells[row], total: rows[row]) }
        for column in columnTotals.indices { view.system.addLine(parts: cells.map { $0[column] }, total: columns[column]) }
        view.system.addLine(parts: rows, total: total)
        view.system.addLine(parts: columns, total: total)
        return view
    }
}

@Suite("Statistics: the reader's ranges that the property tests rely on")
struct ConsistentRangeTests {
    @Test("One withheld cell beside a published total is worked out exactly")
    func singleWithheldCellIsExact() {
        // 3 withheld, 10 and the total 13 shown: 13 − 10 = 3.
        let published = PublishedBreakdown(counts: [.suppressed(.belowThreshold), .count(10)], total: .count(13))
        let view = ReaderView.of(published, counts: [3, 10], policy: .standard)
        #expect(view.ranges() == [3...3])
    }

    @Test("Two '< 5' cells that add up to 8 are both 4: the label itself tells")
    func labelsNarrowTheRange() {
        let published = PublishedBreakdown(
            counts: [.suppressed(.belowThreshold), .suppressed(.belowThreshold), .count(10)], total: .count(18))
        let view = ReaderView.of(published, counts: [4, 4, 10], policy: .standard)
        #expect(view.ranges() == [4...4, 4...4])
    }

    @Test("A small and a larger withheld cell hide each other within the labels' ranges")
    func rangeWidth() {
        // x + y = 10 with x in 1…4 ("< 5") and y at least 5 (".."): x in 1…4, y in 6…9.
        let published = PublishedBreakdown(
            counts: [.suppressed(.belowThreshold), .suppressed(.complementary), .count(20)], total: .count(30))
        let view = ReaderView.of(published, counts: [3, 7, 20], policy: .standard)
        #expect(view.ranges() == [1...4, 6...9])
    }
}
