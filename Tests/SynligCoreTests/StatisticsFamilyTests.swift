import Testing
@testable import SynligCore

/// Everything a reader learns from a family of event tables (the same events per unit, counted
/// by different categories), read together: one unknown per unit's total (and, with parts, per
/// unit's part and rest), shared by every table and narrowed by each label for it; every cell
/// labelled or, for a unit a table does not show, unlabelled.
struct FamilyReader {
    var system = ConsistentRanges(lower: [], upper: [], equations: [])
    var truths: [Int] = []
    /// Withheld counts, hidden small counts and small totals: none may be exact.
    var mustStayOpen: [Int] = []
    let policy: SuppressionPolicy
    let cap: Int

    private mutating func unknown(_ truth: Int, _ range: ClosedRange<Int>, open: Bool) -> ConsistentRanges.Entry {
        system.lower.append(range.lowerBound)
        system.upper.append(range.upperBound)
        truths.append(truth)
        if open { mustStayOpen.append(truths.count - 1) }
        return .unknown(truths.count - 1)
    }

    private func range(_ label: PublishedCount, whole: Bool) -> ClosedRange<Int> {
        switch label {
        case .count(let value): value...value
        case .suppressed(.belowThreshold): (whole ? 0 : 1)...(policy.threshold - 1)
        case .suppressed(.complementary): policy.threshold...cap
        }
    }

    /// One quantity several labels speak of: the intersection of what they say, known if one shows it.
    private mutating func shared(_ truth: Int, _ labels: [(PublishedCount, Bool)], open: Bool = true) -> ConsistentRanges.Entry {
        var bounds = 0...cap
        for (label, whole) in labels { bounds = bounds.clamped(to: range(label, whole: whole)) }
        if bounds.count == 1, labels.contains(where: { !$0.0.isSuppressed }) { return .known(bounds.lowerBound) }
        return unknown(truth, bounds, open: open && policy.isBelowThreshold(truth))
    }

    private static func labels(_ table: PublishedHierarchy) -> (PublishedCount, Bool) {
        (table.organisation.total, table.organisation.total == .suppressed(.belowThreshold))
    }

    /// One table read against its rows' totals and its grand total.
    private mutating func read(_ body: [[Int]], _ table: PublishedHierarchy, rows: [ConsistentRanges.Entry], grand: ConsistentRanges.Entry) {
        let whole = table.organisation.total == .suppressed(.belowThreshold)
        let columns = body[0].indices.map { column -> ConsistentRanges.Entry in
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
        for row in body.indices { system.addLine(parts: cells[row], total: rows[row]) }
        for column in columns.indices { system.addLine(parts: cells.map { $0[column] }, total: columns[column]) }
        system.addLine(parts: columns, total: grand)
    }

    /// Tables published one at a time (`totals` nil), or as a family with its totals. `parts`
    /// carry their rest as the last column, which the published part tables leave out.
    init(bodies: [[[Int]]], published: [PublishedHierarchy], parts: [[[Int]]] = [], publishedParts: [PublishedHierarchy] = [],
         totals: PublishedHierarchy? = nil, policy: SuppressionPolicy) {
        let rowSums = (bodies.first ?? parts[0]).map { $0.reduce(0, +) }
        let grand = rowSums.reduce(0, +)
        self.policy = policy
        cap = max(grand + 1, policy.threshold)
        let labelling = published + (totals.map { [$0] } ?? [])
        let grandEntry = shared(grand, labelling.map(Self.labels))
        let rowEntries = rowSums.indices.map { row in
            shared(rowSums[row], labelling.compactMap { $0.units[row].map { ($0.total, $0.total == .suppressed(.belowThreshold)) } })
        }
        system.addLine(parts: rowEntries, total: grandEntry)
        for (body, table) in zip(bodies, published) { read(body, table, rows: rowEntries, grand: grandEntry) }
        guard let first = parts.first else { return }
        // The totals' two columns: the part and the rest, per unit and for the organisation.
        let partSums = first.map { $0.dropLast().reduce(0, +) }, rests = first.map { $0.last ?? 0 }
        let totalsTable = totals ?? PublishedHierarchy(organisation: PublishedBreakdown(counts: [], total: .suppressed(.complementary)),
                                                       units: rowSums.map { _ in nil })
        let totalsWhole = totalsTable.organisation.total == .suppressed(.belowThreshold)
        func label(_ counts: [PublishedCount], _ column: Int) -> [(PublishedCount, Bool)] {
            counts.indices.contains(column) ? [(counts[column], totalsWhole)] : []
        }
        var partEntries: [ConsistentRanges.Entry] = [], restEntries: [ConsistentRanges.Entry] = []
        for row in rowSums.indices {
            let unit = totalsTable.units[row]
            // The part and the rest say which form was used, not anything of anyone: neither need stay open.
            partEntries.append(shared(partSums[row], label(unit?.counts ?? [], 0), open: false))
            restEntries.append(shared(rests[row], label(unit?.counts ?? [], 1), open: false))
            system.addLine(parts: [partEntries[row], restEntries[row]], total: rowEntries[row])
        }
        let partGrand = shared(partSums.reduce(0, +), label(totalsTable.organisation.counts, 0), open: false)
        let restGrand = shared(rests.reduce(0, +), label(totalsTable.organisation.counts, 1), open: false)
        system.addLine(parts: partEntries, total: partGrand)
        system.addLine(parts: restEntries, total: restGrand)
        system.addLine(parts: [partGrand, restGrand], total: grandEntry)
        // A part table shows the rest and the total from the totals; read as what it protects.
        let partTotal = totalsTable.organisation.counts.first ?? .suppressed(.complementary)
        for (body, table) in zip(parts, publishedParts) {
            let own = PublishedHierarchy(
                organisation: PublishedBreakdown(counts: Array(table.organisation.counts.dropLast()), total: partTotal),
                units: table.units.indices.map { row in
                    table.units[row].flatMap { unit in totalsTable.units[row].map { PublishedBreakdown(counts: Array(unit.counts.dropLast()), total: $0.counts[0]) } }
                })
            read(body.map { Array($0.dropLast()) }, own, rows: partEntries, grand: partGrand)
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
    /// Random families: a few units, each table a different split of the same per-unit totals;
    /// with parts, tables that split only the events "asked", the rest in their last column.
    func family(_ random: inout SeededGenerator, parts withParts: Bool = false) -> (bodies: [[[Int]]], parts: [[[Int]]], shown: [Bool]) {
        let units = Int.random(in: 2...4, using: &random)
        let totals = (0..<units).map { _ in smallAreaCount(&random) }
        let rests = totals.map { withParts ? Int.random(in: 0...min($0, 3), using: &random) : 0 }
        func split(_ total: Int, _ columns: Int) -> [Int] {
            var row = Array(repeating: 0, count: columns)
            for _ in 0..<total { row[Int.random(in: 0..<columns, using: &random)] += 1 }
            return row
        }
        let bodies = (0..<Int.random(in: withParts ? 1...2 : 2...3, using: &random)).map { _ in
            let columns = Int.random(in: 2...3, using: &random)
            return totals.map { split($0, columns) }
        }
        let parts: [[[Int]]] = withParts ? (0..<Int.random(in: 2...3, using: &random)).map { _ in
            let columns = Int.random(in: 2...3, using: &random)
            return zip(totals, rests).map { split($0 - $1, columns) + [$1] }
        } : []
        return (bodies, parts, (0..<units).map { _ in Int.random(in: 0..<4, using: &random) > 0 })
    }

    @Test("Random families, with and without parts: no withheld count is exact when what the tables share is published once",
          arguments: [SuppressionPolicy.standard, SuppressionPolicy(threshold: 10)!], [false, true])
    func randomFamilies(policy: SuppressionPolicy, withParts: Bool) throws {
        var random = SeededGenerator(seed: 17 + UInt64(policy.threshold) + (withParts ? 100 : 0))
        var checked = 0, shownCells = 0
        for round in 0..<160 {
            let (bodies, parts, shown) = family(&random, parts: withParts)
            let family = try #require(policy.publish(family: bodies, parts: parts, shownUnits: shown), "round \(round): \(bodies) \(parts)")
            // Every table that shows a unit shows the family's total (or part) for it, and the organisation's.
            for row in shown.indices {
                for table in family.tables { if let unit = table.units[row] { #expect(unit.total == family.unitTotal(row), "round \(round): unit \(row)") } }
                for table in family.parts {
                    if let unit = table.units[row] {
                        #expect(unit.total == family.unitTotal(row) && unit.counts.last == family.totals.units[row]?.counts.last, "round \(round): unit \(row)")
                    }
                }
            }
            #expect(family.tables.allSatisfy { $0.organisation.total == family.totals.organisation.total })
            #expect(family.totals.organisation.total == policy.eventTotal(bodies.first.map { $0.joined().reduce(0, +) } ?? parts[0].joined().reduce(0, +)))
            let reader = FamilyReader(bodies: bodies, published: family.tables, parts: parts, publishedParts: family.parts,
                                      totals: family.totals, policy: policy)
            let exact = reader.exactlyKnown()
            #expect(exact.isEmpty, "round \(round): \(bodies) \(parts) shown \(shown) gives away \(exact)")
            checked += reader.mustStayOpen.count
            shownCells += (family.tables + family.parts).flatMap { $0.units.compactMap { $0 }.flatMap(\.counts) }.filter { !$0.isSuppressed }.count
        }
        #expect(checked > 250)
        #expect(shownCells > (policy.threshold == 5 ? 400 : 150), "the family's protection withholds nearly everything: \(shownCells) cells shown")
    }

    @Test("Protected one table at a time, the same families give counts away: the test can fail")
    func oneAtATimeLeaks() throws {
        let policy = SuppressionPolicy.standard
        var random = SeededGenerator(seed: 22)
        var leaks = 0
        for _ in 0..<200 {
            let (bodies, _, shown) = family(&random)
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
        // In a family the units' totals are published once ("< 5" each, 10 in all), so the same
        // table has them to hide behind: its small units merge, and "< 5" and ".." of 10 leave a range.
        let family = try #require(SuppressionPolicy.standard.publish(family: [body, [[1, 0], [4, 0], [1, 0], [4, 0]]], shownUnits: [true, true, true, true]))
        #expect(family.totals.units.allSatisfy { $0?.total == .suppressed(.belowThreshold) })
        #expect(family.tables[0].organisation == PublishedBreakdown(counts: [.suppressed(.belowThreshold), .suppressed(.complementary)], total: .count(10)))
        #expect(family.tables.allSatisfy { $0.organisation.total == family.totals.organisation.total })
    }

    @Test("The rest the parts share is shown once, however small, and the part tables leave it out")
    func partsShareTheirRest() throws {
        // Two units: 12 follow-ups (2 asked with the earlier question) and 9 (1 of them).
        let parts = [[[6, 4, 2], [5, 3, 1]], [[9, 1, 2], [8, 0, 1]]]
        let family = try #require(SuppressionPolicy.standard.publish(family: [[[7, 5], [6, 3]]], parts: parts, shownUnits: [true, true]))
        #expect(family.totals.organisation.counts == [.count(18), .count(3)])
        // Each part table: its two categories, then the rest (3, shown however small), and the total of all 21.
        #expect(family.parts.allSatisfy { $0.organisation.counts.count == 3 && $0.organisation.counts.last == .count(3) && $0.organisation.total == .count(21) })
        #expect(family.unitPart(0) == .count(10) && family.unitTotal(0) == .count(12))
    }

    @Test("Three asked the questions beside twenty asked the earlier way: the part is shown as it is, its small counts withheld with true labels")
    func smallPart() throws {
        let family = try #require(SuppressionPolicy.standard.publish(family: [[[13, 10]]], parts: [[[2, 1, 20]]], shownUnits: [true]))
        #expect(family.totals.organisation.counts == [.count(3), .count(20)] && family.totals.organisation.total == .count(23))
        #expect(family.parts[0].organisation == PublishedBreakdown(counts: [.suppressed(.belowThreshold), .suppressed(.belowThreshold), .count(20)],
                                                                   total: .count(23)))
    }

    @Test("Tables whose units' totals differ, or whose parts' rests differ, are not one family")
    func notAFamily() {
        #expect(SuppressionPolicy.standard.publish(family: [[[5, 5]], [[9, 0]]], shownUnits: [true]) == nil)
        #expect(SuppressionPolicy.standard.publish(family: [[[5, 5]]], parts: [[[8, 2]], [[9, 1]]], shownUnits: [true]) == nil)
        #expect(SuppressionPolicy.standard.publish(family: [], shownUnits: []) == nil)
    }
}
