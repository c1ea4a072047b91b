import Testing
@testable import SynligCore

/// Everything a reader learns by asking for the organisation and then for each unit in turn:
/// the unit counts, the organisation's table and every unit table that is shown. Cells of units
/// that show no table are unknowns with no label at all.
struct HierarchyReader {
    var view = ReaderView()
    /// Unknowns that were shown as withheld, and hidden cells that are small: none may be exact.
    var mustStayOpen: [Int] = []
    /// The organisation's counts and total, for tables read beside this one (the quarters of a year).
    var organisationCounts: [ConsistentRanges.Entry] = []
    var organisationTotal: ConsistentRanges.Entry = .known(0)

    /// `restColumn`: a settled table's rest, which needs no protection of its own (it is still an unknown).
    init(body: [[Int]], unitTotals: PublishedBreakdown?, published: PublishedHierarchy, policy: SuppressionPolicy,
         restColumn: Int? = nil) {
        let rowSums = body.map { $0.reduce(0, +) }
        let columns = body[0].count
        let columnSums = (0..<columns).map { column in body.reduce(0) { $0 + $1[column] } }
        let grand = rowSums.reduce(0, +)
        let cap = grand + 1
        var view = ReaderView()
        var open: [Int] = []
        func labelled(_ item: PublishedCount, _ truth: Int, whole: Bool, column: Int? = nil) -> ConsistentRanges.Entry {
            let entry = view.entry(item, truth: truth, policy: policy, wholeTableWithheld: whole, cap: cap)
            if case .unknown(let index) = entry, column == nil || column != restColumn { open.append(index) }
            return entry
        }
        func unlabelled(_ truth: Int, column: Int? = nil, knownZero: Bool = false) -> ConsistentRanges.Entry {
            view.system.lower.append(0)
            view.system.upper.append(knownZero ? 0 : cap)
            view.truths.append(truth)
            if policy.isBelowThreshold(truth), column == nil || column != restColumn { open.append(view.truths.count - 1) }
            return .unknown(view.truths.count - 1)
        }
        let organisationWhole = published.organisation.total == .suppressed(.belowThreshold)
        let grandEntry = labelled(published.organisation.total, grand, whole: organisationWhole)
        let columnEntries = (0..<columns).map { labelled(published.organisation.counts[$0], columnSums[$0], whole: organisationWhole, column: $0) }
        var rowEntries: [ConsistentRanges.Entry] = []
        var cells: [[ConsistentRanges.Entry]] = []
        for (row, counts) in body.enumerated() {
            if let unit = published.units[row] {
                let whole = unit.total == .suppressed(.belowThreshold)
                if let unitTotals { #expect(unit.total == unitTotals.counts[row]) }
                rowEntries.append(labelled(unit.total, rowSums[row], whole: whole))
                cells.append(counts.indices.map { labelled(unit.counts[$0], counts[$0], whole: whole, column: $0) })
            } else {
                // A unit with no table of its own: its count is all a reader is told, if that.
                rowEntries.append(unitTotals.map { labelled($0.counts[row], rowSums[row], whole: false) } ?? unlabelled(rowSums[row]))
                // A reader who knows the settlement knows a small unit's categories are 0: a
                // settled category is 0 or at least the threshold. Its people are all in the rest.
                let small = restColumn != nil && unitTotals.map { policy.isBelowThreshold(rowSums[row]) && $0.counts[row].isSuppressed } == true
                cells.append(counts.indices.map { unlabelled(counts[$0], column: $0, knownZero: small && $0 != restColumn) })
            }
        }
        for row in body.indices { view.system.addLine(parts: cells[row], total: rowEntries[row]) }
        for column in 0..<columns { view.system.addLine(parts: cells.map { $0[column] }, total: columnEntries[column]) }
        view.system.addLine(parts: rowEntries, total: grandEntry)
        view.system.addLine(parts: columnEntries, total: grandEntry)
        self.view = view
        mustStayOpen = open
        (organisationCounts, organisationTotal) = (columnEntries, grandEntry)
    }

    /// The unknowns a reader can pin down to one value, with their true counts.
    func exactlyKnown() -> [(truth: Int, range: ClosedRange<Int>)] {
        let ranges = view.ranges()
        return mustStayOpen.compactMap { index in
            ranges[index].count > 1 ? nil : (view.truths[index], ranges[index])
        }
    }
}

private func randomCount(_ random: inout SeededGenerator) -> Int { smallAreaCount(&random) }

/// A count as a small organisation's tables have them: many zeros and small counts.
func smallAreaCount(_ random: inout SeededGenerator) -> Int {
    switch Int.random(in: 0..<10, using: &random) {
    case 0..<2: return 0
    case 2..<6: return Int.random(in: 1...4, using: &random)
    default: return Int.random(in: 5...25, using: &random)
    }
}

@Suite("Statistics: the organisation and its units read together give no one away")
struct HierarchySuppressionTests {
    @Test("The organisation minus the large unit no longer gives the small unit's withheld count")
    func organisationMinusUnit() throws {
        let policy = SuppressionPolicy.standard
        // Unit A: 20 women, 10 men. Unit B: 3 women, 7 men. Published one filter at a time, the
        // organisation shows 23 women and A shows 20, so B's withheld 3 is 23 − 20.
        let body = [[20, 10], [3, 7]]
        let oneAtATime = (organisation: policy.publish(breakdown: [23, 17])!, a: policy.publish(breakdown: [20, 10])!)
        #expect(oneAtATime.organisation.counts[0] == .count(23) && oneAtATime.a.counts[0] == .count(20))

        let totals = try #require(policy.publish(unitTotals: body.map { $0.reduce(0, +) }))
        let published = try #require(policy.publish(hierarchy: body, unitTotals: totals))
        #expect(published.units[1]?.counts[0] == .suppressed(.belowThreshold))
        let reader = HierarchyReader(body: body, unitTotals: totals, published: published, policy: policy)
        #expect(reader.exactlyKnown().isEmpty)
        #expect(published.organisation.total == .count(40))
    }

    @Test("A unit too small to show stays out, and its people cannot be worked out from the rest")
    func smallUnitIsMerged() throws {
        let policy = SuppressionPolicy.standard
        // Unit C has 3 people, all women: shown by itself it would say so.
        let body = [[20, 10], [12, 9], [3, 0]]
        let totals = try #require(policy.publish(unitTotals: body.map { $0.reduce(0, +) }))
        #expect(totals.counts[2] == .suppressed(.belowThreshold))
        let published = try #require(policy.publish(hierarchy: body, unitTotals: totals))
        #expect(published.units[2] == nil)
        let reader = HierarchyReader(body: body, unitTotals: totals, published: published, policy: policy)
        #expect(reader.exactlyKnown().isEmpty)
    }

    @Test("Random organisations, people by unit: no withheld or hidden small count is exact",
          arguments: [SuppressionPolicy.standard, SuppressionPolicy(threshold: 10)!])
    func randomPeople(policy: SuppressionPolicy) throws {
        var random = SeededGenerator(seed: 41 + UInt64(policy.threshold))
        var checked = 0
        for round in 0..<150 {
            let rows = Int.random(in: 1...4, using: &random), columns = Int.random(in: 2...3, using: &random)
            let table = (0..<rows).map { _ in (0..<columns).map { _ in randomCount(&random) } }
            let totals = try #require(policy.publish(unitTotals: table.map { $0.reduce(0, +) }))
            let published = try #require(policy.publish(hierarchy: table, unitTotals: totals), "round \(round): \(table)")
            let reader = HierarchyReader(body: table, unitTotals: totals, published: published, policy: policy)
            let exact = reader.exactlyKnown()
            #expect(exact.isEmpty, "round \(round): \(table) gives away \(exact)")
            checked += reader.mustStayOpen.count
        }
        #expect(checked > 300)
    }

    @Test("A small unit hidden with a large one: the organisation's rest does not give the small unit's count away")
    func restOfAHiddenSmallUnit() throws {
        let policy = SuppressionPolicy.standard
        // Settled: the small unit's one person is in the rest; the large units have none there.
        // Shown, an organisation's rest of 1 would say the small unit has exactly one person.
        let body = [[10, 0, 0], [10, 0, 0], [0, 0, 1]]
        let totals = try #require(policy.publish(unitTotals: body.map { $0.reduce(0, +) }))
        let published = try #require(policy.publish(hierarchy: body, unitTotals: totals, restColumn: 2))
        #expect(published.organisation.counts[2].isSuppressed)
        let reader = HierarchyReader(body: body, unitTotals: totals, published: published, policy: policy, restColumn: 2)
        #expect(reader.exactlyKnown().isEmpty)
    }

    @Test("Settled tables: the rest is shown however small, and nothing withheld or hidden is exact, to a reader who knows the settlement",
          arguments: [SuppressionPolicy.standard, SuppressionPolicy(threshold: 10)!])
    func settledRest(policy: SuppressionPolicy) throws {
        var random = SeededGenerator(seed: 7 + UInt64(policy.threshold))
        var checked = 0, wholeCategories = 0, smallRestsShown = 0
        for round in 0..<300 {
            let rows = Int.random(in: 1...5, using: &random), columns = Int.random(in: 2...4, using: &random)
            // As `StockSettlement` gives them: categories 0 or at least the threshold, the rest
            // (last) anything; a small unit has all its people in the rest.
            let table = (0..<rows).map { _ in
                Int.random(in: 0..<4, using: &random) == 0
                    ? Array(repeating: 0, count: columns - 1) + [Int.random(in: 1...4, using: &random)]
                    : (0..<columns - 1).map { _ in Bool.random(using: &random) ? 0 : Int.random(in: policy.threshold...30, using: &random) }
                        + [Int.random(in: 0...6, using: &random)]
            }
            let totals = try #require(policy.publish(unitTotals: table.map { $0.reduce(0, +) }))
            let published = try #require(policy.publish(hierarchy: table, unitTotals: totals, restColumn: columns - 1), "round \(round): \(table)")
            // A table withheld whole says nothing; its settled categories are 0 by construction.
            guard !published.organisation.total.isSuppressed else { continue }
            let reader = HierarchyReader(body: table, unitTotals: totals, published: published, policy: policy, restColumn: columns - 1)
            let exact = reader.exactlyKnown()
            #expect(exact.isEmpty, "round \(round): \(table) gives away \(exact)")
            checked += 1
            // What the rest buys: categories are withheld only as complements, and seldom.
            let shown = [published.organisation] + published.units.compactMap { $0 }
            if shown.allSatisfy({ $0.counts.dropLast().allSatisfy { !$0.isSuppressed } }) { wholeCategories += 1 }
            smallRestsShown += shown.filter { $0.counts.last?.value.map(policy.isBelowThreshold) == true }.count
        }
        #expect(checked > 200)
        #expect(wholeCategories * 10 > checked * 6, "\(wholeCategories) of \(checked) with every category shown")
        #expect(smallRestsShown > 50)
    }

    @Test("Random organisations, events by unit: no withheld or hidden small count is exact")
    func randomEvents() throws {
        let policy = SuppressionPolicy.standard
        var random = SeededGenerator(seed: 99)
        for round in 0..<150 {
            let rows = Int.random(in: 1...4, using: &random), columns = Int.random(in: 2...3, using: &random)
            let body = (0..<rows).map { _ in (0..<columns).map { _ in randomCount(&random) } }
            let shown = (0..<rows).map { _ in Int.random(in: 0..<3, using: &random) > 0 }
            let published = try #require(policy.publish(hierarchy: body, shownUnits: shown), "round \(round): \(body)")
            // A table withheld whole shows no unit: its zeros' "< 5" would be untrue of one.
            let whole = published.organisation.total == .suppressed(.belowThreshold)
            #expect(zip(published.units, shown).allSatisfy { ($0 != nil) == ($1 && !whole) })
            let reader = HierarchyReader(body: body, unitTotals: nil, published: published, policy: policy)
            let exact = reader.exactlyKnown()
            #expect(exact.isEmpty, "round \(round): \(body) \(shown) gives away \(exact)")
        }
    }
}

@Suite("Statistics: a split of a total published elsewhere")
struct SplitSuppressionTests {
    @Test("Random splits of a known total: no withheld count is exact, and the total is never withheld")
    func randomSplits() throws {
        let policy = SuppressionPolicy.standard
        var random = SeededGenerator(seed: 5)
        var shown = 0
        for round in 0..<400 {
            let counts = (0..<Int.random(in: 2...4, using: &random)).map { _ in randomCount(&random) }
            guard counts.reduce(0, +) >= policy.threshold else {
                #expect(policy.publish(split: counts) == nil || counts.allSatisfy { $0 == 0 })
                continue
            }
            guard let published = policy.publish(split: counts) else { continue }
            shown += 1
            let view = ReaderView.of(PublishedBreakdown(counts: published, total: .count(counts.reduce(0, +))), counts: counts, policy: policy)
            for (range, truth) in zip(view.ranges(), view.truths) {
                #expect(range.count > 1, "round \(round): \(counts): a withheld \(truth) is exactly \(range)")
            }
        }
        #expect(shown > 200)
    }

    @Test("'< 5' and '< 5' of a known 8 would both be 4: that split is not shown")
    func unprotectableSplit() {
        #expect(SuppressionPolicy.standard.publish(split: [4, 4]) == nil)
        #expect(SuppressionPolicy.standard.publish(split: [4, 4, 9]) == [.suppressed(.belowThreshold), .suppressed(.belowThreshold), .suppressed(.complementary)])
    }
}
