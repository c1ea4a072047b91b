import Testing
@testable import SynligCore

/// Everything a reader learns from a family of event tables (the same events per unit, counted
/// by different categories), read together: one unknown per unit's total, shared by every
/// table, narrowed by each table's label for it; every cell labelled or, for a unit a table
/// does not show, unlabelled.
struct FamilyReader {
    var system = ConsistentRanges(lower: [], upper: [], equations: [])
    var truths: [Int] = []
    /// Withheld counts, hidden small counts and small totals: none may be exact.
    var mustStayOpen: [Int] = []

    /// `totals`: the family's table of unit totals, when it publishes one; without it, each
    /// table's own row totals are all a reader has of them.
    init(bodies: [[[Int]]], published: [PublishedHierarchy], totals: PublishedHierarchy? = nil, policy: SuppressionPolicy) {
        let rowSums = bodies[0].map { $0.reduce(0, +) }
        let grand = rowSums.reduce(0, +)
        let cap = max(grand + 1, policy.threshold)
        func unknown(_ truth: Int, _ range: ClosedRange<Int>, open: Bool) -> ConsistentRanges.Entry {
            system.lower.append(range.lowerBound)
            system.upper.append(range.upperBound)
            truths.append(truth)
            if open { mustStayOpen.append(truths.count - 1) }
            return .unknown(truths.count - 1)
        }
        func range(_ label: PublishedCount, whole: Bool) -> ClosedRange<Int> {
            switch label {
            case .count(let value): value...value
            case .suppressed(.belowThreshold): (whole ? 0 : 1)...(policy.threshold - 1)
            case .suppressed(.complementary): policy.threshold...cap
            }
        }
        /// One quantity every table labels: the intersection of what the labels say, known if any shows it.
        func shared(_ truth: Int, _ labels: [(PublishedCount, Bool)]) -> ConsistentRanges.Entry {
            var bounds = 0...cap
            for (label, whole) in labels { bounds = bounds.clamped(to: range(label, whole: whole)) }
            if bounds.count == 1, labels.contains(where: { !$0.0.isSuppressed }) { return .known(bounds.lowerBound) }
            return unknown(truth, bounds, open: policy.isBelowThreshold(truth))
        }
        let labelling = published + (totals.map { [$0] } ?? [])
        let grandEntry = shared(grand, labelling.map { ($0.organisation.total, $0.organisation.total == .suppressed(.belowThreshold)) })
        let rowEntries = rowSums.indices.map { row in
            shared(rowSums[row], labelling.compactMap { $0.units[row].map { ($0.total, $0.total == .suppressed(.belowThreshold)) } })
        }
        system.addLine(parts: rowEntries, total: grandEntry)
        for (body, table) in zip(bodies, published) {
            let whole = table.organisation.total == .suppressed(.belowThreshold)
            let columns = body[0].indices.map { column in
                let truth = body.reduce(0) { $0 + $1[column] }
                // A table shown by its total alone has no categories to label.
                guard table.organisation.counts.indices.contains(column) else { return unknown(truth, 0...cap, open: policy.isBelowThreshold(truth)) }
                let label = table.organisation.counts[column]
                return label.value.map(ConsistentRanges.Entry.known) ?? unknown(truth, range(label, whole: whole), open: true)
            }
            var cells: [[ConsistentRanges.Entry]] = []
            for (row, counts) in body.enumerated() {
                if let unit = table.units[row] {
                    let unitWhole = unit.total == .suppressed(.belowThreshold)
                    cells.append(counts.indices.map { column in
                        unit.counts[column].value.map(ConsistentRanges.Entry.known)
                            ?? unknown(counts[column], range(unit.counts[column], whole: unitWhole), open: true)
                    })
                } else {
                    cells.append(counts.map { unknown($0, 0...cap, open: policy.isBelowThreshold($0)) })
                }
            }
            for row in body.indices { system.addLine(parts: cells[row], total: rowEntries[row]) }
            for column in columns.indices { system.addLine(parts: cells.map { $0[column] }, total: columns[column]) }
            system.addLine(parts: columns, total: grandEntry)
        }
    }

    func exactlyKnown() -> [(truth: Int, range: ClosedRange<Int>)] {
        // The labels must be true: the true counts are one solution.
        for index in truths.indices where !(system.lower[index]...system.upper[index]).contains(truths[index]) {
            Issue.record("unknown \(index): the truth \(truths[index]) is outside \(system.lower[index])...\(system.upper[index])")
            return []
        }
        return mustStayOpen.compactMap { index in
            let range = system.range(of: index, truth: truths[index])
            return range.count > 1 ? nil : (truths[index], range)
        }
    }
}

@Suite("Statistics: tables that count the same events, read together, give no one away")
struct FamilySuppressionTests {
    /// Random families: a few units, each table a different split of the same per-unit totals.
    func family(_ random: inout SeededGenerator) -> (bodies: [[[Int]]], shown: [Bool]) {
        let units = Int.random(in: 2...4, using: &random)
        let totals = (0..<units).map { _ in smallAreaCount(&random) }
        let bodies = (0..<Int.random(in: 2...3, using: &random)).map { _ in
            let columns = Int.random(in: 2...3, using: &random)
            return totals.map { total in
                var row = Array(repeating: 0, count: columns)
                for _ in 0..<total { row[Int.random(in: 0..<columns, using: &random)] += 1 }
                return row
            }
        }
        return (bodies, (0..<units).map { _ in Int.random(in: 0..<4, using: &random) > 0 })
    }

    @Test("Random families: no withheld count is exact when each unit's total is published once for all tables",
          arguments: [SuppressionPolicy.standard, SuppressionPolicy(threshold: 10)!])
    func randomFamilies(policy: SuppressionPolicy) throws {
        var random = SeededGenerator(seed: 17 + UInt64(policy.threshold))
        var checked = 0, shownCells = 0
        for round in 0..<200 {
            let (bodies, shown) = family(&random)
            let (totals, published) = try #require(policy.publish(family: bodies, shownUnits: shown), "round \(round): \(bodies)")
            // Every table that shows a unit shows the family's total for it, and the organisation's.
            for row in shown.indices {
                for table in published { if let unit = table.units[row] { #expect(unit.total == totals.units[row]?.total, "round \(round): unit \(row)") } }
            }
            #expect(published.allSatisfy { $0.organisation.total == totals.organisation.total })
            let reader = FamilyReader(bodies: bodies, published: published, totals: totals, policy: policy)
            let exact = reader.exactlyKnown()
            #expect(exact.isEmpty, "round \(round): \(bodies) shown \(shown) gives away \(exact)")
            checked += reader.mustStayOpen.count
            shownCells += published.flatMap { $0.units.compactMap { $0 }.flatMap(\.counts) }.filter { !$0.isSuppressed }.count
        }
        #expect(checked > 300)
        #expect(shownCells > (policy.threshold == 5 ? 500 : 200), "the family's protection withholds nearly everything: \(shownCells) cells shown")
    }

    @Test("Protected one table at a time, the same families give counts away: the test can fail")
    func oneAtATimeLeaks() throws {
        let policy = SuppressionPolicy.standard
        var random = SeededGenerator(seed: 22)
        var leaks = 0
        for _ in 0..<200 {
            let (bodies, shown) = family(&random)
            let published = try bodies.map { try #require(policy.publish(hierarchy: $0, shownUnits: shown)) }
            if !FamilyReader(bodies: bodies, published: published, policy: policy).exactlyKnown().isEmpty { leaks += 1 }
        }
        #expect(leaks > 0)
    }

    @Test("Events no true label can protect show their total alone: four units' 1s under a '< 5' would each be 1")
    func totalAlone() throws {
        let body = [[1, 0], [1, 3], [1, 0], [1, 3]]
        let published = try #require(SuppressionPolicy.standard.publish(hierarchy: body, shownUnits: [true, true, true, true]))
        #expect(published.organisation == PublishedBreakdown(counts: [], total: .count(10)))
        #expect(published.units.allSatisfy { $0 == nil })
        // In a family the same table stands beside the known totals, and shows its total alone too.
        let family = try #require(SuppressionPolicy.standard.publish(family: [body, [[1, 0], [4, 0], [1, 0], [4, 0]]], shownUnits: [true, true, true, true]))
        #expect(family.tables.allSatisfy { $0.organisation.total == family.totals.organisation.total })
    }

    @Test("Tables whose units' totals differ are not one family")
    func notAFamily() {
        #expect(SuppressionPolicy.standard.publish(family: [[[5, 5]], [[9, 0]]], shownUnits: [true]) == nil)
        #expect(SuppressionPolicy.standard.publish(family: [], shownUnits: []) == nil)
    }
}
