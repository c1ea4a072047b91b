/// A one-way table as it may be published: a count per category and their total, e.g. caregivers
/// by relation to the person they care for.
public struct PublishedBreakdown: Sendable, Equatable {
    public let counts: [PublishedCount]
    public let total: PublishedCount

    public init(counts: [PublishedCount], total: PublishedCount) {
        self.counts = counts
        self.total = total
    }
}

extension SuppressionPolicy {
    /// Withholds what would single someone out in a one-way table with its total.
    ///
    /// - The total below the threshold: everything is withheld, zeros too, since "all three are
    ///   women" is as revealing as "three women".
    /// - Otherwise counts 1 up to the threshold are withheld, and then, while a withheld count
    ///   could be worked out from the total and the rest (the classic case: exactly one withheld
    ///   cell), the smallest further count that hides it is withheld too; the total last, as it
    ///   is what readers need most.
    ///
    /// Nil for a negative count: counts come from SQL `COUNT`, so one is a bug upstream.
    public func publish(breakdown counts: [Int]) -> PublishedBreakdown? {
        guard counts.allSatisfy({ $0 >= 0 }) else { return nil }
        let total = counts.reduce(0, +)
        if total == 0 {
            return PublishedBreakdown(counts: counts.map { .count($0) }, total: .count(0))
        }
        if total < threshold {
            return PublishedBreakdown(counts: counts.map { _ in .suppressed(.belowThreshold) },
                                      total: .suppressed(.belowThreshold))
        }
        // The total is the last entry, so one loop treats it like a cell; its sign in the
        // equation "cells − total = 0" is the only difference.
        var line = BreakdownLine(values: counts + [total], policy: self)
        for index in counts.indices where isBelowThreshold(counts[index]) {
            line.published[index] = .suppressed(.belowThreshold)
        }
        while let exposed = line.firstExposedEntry() {
            // Smallest count first; ties go to the earlier category. The total's index is the
            // largest, and its value at least any cell's, so it comes last.
            let candidates = line.published.indices
                .filter { !line.published[$0].isSuppressed && line.values[$0] > 0 }
                .sorted { (line.values[$0], $0) < (line.values[$1], $1) }
            guard !candidates.isEmpty else {
                line.withholdEverything()
                break
            }
            let hiding = candidates.first { candidate in
                var trial = line
                trial.published[candidate] = .suppressed(.complementary)
                return trial.isProtected(exposed)
            } ?? candidates[0]
            line.published[hiding] = .suppressed(.complementary)
        }
        return PublishedBreakdown(counts: Array(line.published.dropLast()), total: line.published.last!)
    }
}

/// The cells and the total of a one-way table, as one equation: Σ cells − total = 0.
struct BreakdownLine {
    var values: [Int]
    var published: [PublishedCount]
    let policy: SuppressionPolicy
    /// An entry that needs no protection of its own (a settled split's rest).
    var exempt: Int?

    init(values: [Int], policy: SuppressionPolicy) {
        self.values = values
        self.published = values.map { .count($0) }
        self.policy = policy
    }

    private func coefficient(_ index: Int) -> Int { index == values.count - 1 ? -1 : 1 }

    private func range(_ index: Int) -> KnownRange {
        policy.knownRange(of: published[index], wholeTableWithheld: false)
    }

    /// Whether the entry could move by `delta` (±1) as far as the reader knows.
    private func canMove(_ index: Int, by delta: Int) -> Bool {
        delta > 0 ? range(index).allowsIncrease(from: values[index]) : range(index).allowsDecrease(from: values[index])
    }

    /// Whether another value of this withheld entry fits everything published. With one
    /// equation every way of moving the unknowns breaks down into moves of two of them at a
    /// time, so it is enough to find a partner that can make up for a step of one.
    func isProtected(_ index: Int) -> Bool {
        [1, -1].contains { delta in
            canMove(index, by: delta) && published.indices.contains { other in
                other != index && published[other].isSuppressed
                    && canMove(other, by: -coefficient(index) * coefficient(other) * delta)
            }
        }
    }

    func firstExposedEntry() -> Int? {
        published.indices.first { published[$0].isSuppressed && $0 != exempt && !isProtected($0) }
    }

    /// The last resort, should no further count hide an exposed one: nothing is shown, and ".."
    /// claims no value, so it stays true of zeros too.
    mutating func withholdEverything() {
        for index in published.indices where !published[index].isSuppressed {
            published[index] = .suppressed(.complementary)
        }
    }
}

extension SuppressionPolicy {
    /// Counts that add up to a total another table already publishes (one hours band's
    /// relationships split by gender): the total is known to the reader and stays, so only the
    /// counts may be withheld. Nil when no withholding of counts alone protects them; the split
    /// is then not shown. `rest` is a settled split's "not stated or not yet shown", not withheld
    /// for being small (`publish(hierarchy:unitTotals:restColumn:)`).
    public func publish(split counts: [Int], rest: Int? = nil) -> [PublishedCount]? {
        guard counts.allSatisfy({ $0 >= 0 }), counts.reduce(0, +) >= threshold || counts.allSatisfy({ $0 == 0 }) else { return nil }
        var line = BreakdownLine(values: counts + [counts.reduce(0, +)], policy: self)
        line.exempt = rest
        for index in counts.indices where isBelowThreshold(counts[index]) && index != rest {
            line.published[index] = .suppressed(.belowThreshold)
        }
        while let exposed = line.firstExposedEntry() {
            let hiding = counts.indices
                .filter { !line.published[$0].isSuppressed && counts[$0] > 0 }
                .sorted { (counts[$0], $0) < (counts[$1], $1) }
                .first { candidate in
                    var trial = line
                    trial.published[candidate] = withheldAsComplement(counts[candidate])
                    return trial.isProtected(exposed)
                }
            guard let hiding else { return nil }
            line.published[hiding] = withheldAsComplement(counts[hiding])
        }
        return Array(line.published.dropLast())
    }
}
