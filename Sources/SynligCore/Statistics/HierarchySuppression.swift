/// A table published for an organisation and for each of its units, protected as one.
///
/// Published one filter at a time, the organisation's table and a unit's table each look safe,
/// yet the organisation's count of women minus a large unit's leaves the small unit's women, which
/// its own table withheld. So every table is protected as the unit × category table it really is:
/// the organisation sees the column totals, a unit sees its row, and everything a reader can
/// gather from all filters together is that one protected table.
public struct PublishedHierarchy: Sendable, Equatable {
    /// The whole organisation's table.
    public let organisation: PublishedBreakdown
    /// Each unit's table, in the order of the rows given; nil for a unit too small to be broken
    /// down on its own (its count of people is withheld, or would give its small counts away),
    /// which then shows at most its count.
    public let units: [PublishedBreakdown?]

    public init(organisation: PublishedBreakdown, units: [PublishedBreakdown?]) {
        self.organisation = organisation
        self.units = units
    }

    /// A table shown by its total alone: no categories, and no unit's row (`unitCount` rows).
    public static func totalAlone(_ total: PublishedCount, unitCount: Int) -> PublishedHierarchy {
        PublishedHierarchy(organisation: PublishedBreakdown(counts: [], total: total), units: Array(repeating: nil, count: unitCount))
    }
}

extension SuppressionPolicy {
    /// Counts of people per unit (caregivers, or care relationships), published as a one-way table
    /// over the units with the organisation's total. Every table of the same people uses these as
    /// its row totals (`publish(hierarchy:unitTotals:)`), so all of them show the same unit counts.
    public func publish(unitTotals counts: [Int]) -> PublishedBreakdown? {
        publish(breakdown: counts)
    }

    /// People in each unit (rows) by category (columns); `unitTotals` is how each unit's count of
    /// those people is published, from `publish(unitTotals:)` over the rows' sums.
    ///
    /// Units whose count is withheld are merged into one row that is never shown; the rest are
    /// shown with their count as published. Nil for a ragged table, a negative count, or unit
    /// totals that do not belong to the rows.
    ///
    /// `restColumn` is a settled table's "not stated or not yet shown" (`StockSettlement`): it
    /// mixes those who did not say with those not yet counted by category, so it describes no
    /// characteristic of anyone and is not withheld for being small. It may still be withheld so
    /// that another count cannot be worked out. Small units' people are all in it (their
    /// categories cannot settle), so without this a table with two small units would be withheld whole.
    public func publish(hierarchy body: [[Int]], unitTotals: PublishedBreakdown, restColumn: Int? = nil) -> PublishedHierarchy? {
        guard unitTotals.counts.count == body.count,
              zip(unitTotals.counts, body).allSatisfy({ $0.value == nil || $0.value == $1.reduce(0, +) })
        else { return nil }
        return publish(hierarchy: body, shown: unitTotals.counts.map { !$0.isSuppressed }, rowTotalsKnown: true,
                       organisationTotal: unitTotals.total, restColumn: restColumn)
    }

    /// Events in each unit (rows) by category (columns), such as support begun: the units' own
    /// totals are protected here. `shownUnits` names the units shown on their own (those whose
    /// count of people is published); the others are merged into one row that is never shown.
    public func publish(hierarchy body: [[Int]], shownUnits: [Bool]) -> PublishedHierarchy? {
        guard shownUnits.count == body.count else { return nil }
        return publish(hierarchy: body, shown: shownUnits, rowTotalsKnown: false, organisationTotal: nil, totalAloneWhenExposed: true)
    }

    /// A table of events that no withholding can protect (four units of 1 and 0 or 3: "< 5" in
    /// each of four cells that add up to a "< 5" makes each of them 1, and no true label hides
    /// that) shows its total alone and no categories, as does a family's table against its known
    /// totals. A label is never bent to protect a count: ".." on a zero would be untrue.
    ///
    /// `grandTotalKnown`: the organisation's total is shown as it is (a family's totals, which the
    /// open indicators publish too), so it is never withheld to protect another count.
    /// `exemptColumns`: columns that, like a settled rest, describe no one and are never withheld for being small.
    func publish(hierarchy body: [[Int]], shown: [Bool], rowTotalsKnown: Bool, organisationTotal: PublishedCount?,
                 restColumn: Int? = nil, exemptColumns: Set<Int> = [], totalAloneWhenExposed: Bool = false,
                 grandTotalKnown: Bool = false) -> PublishedHierarchy? {
        let columns = body.first?.count ?? 0
        guard body.allSatisfy({ $0.count == columns }) else { return nil }
        let withheldWhole = PublishedBreakdown(counts: Array(repeating: .suppressed(.belowThreshold), count: columns),
                                               total: .suppressed(.belowThreshold))
        // The organisation's own count withheld: it is below the threshold, and so is everything.
        if let total = organisationTotal, total.isSuppressed {
            return PublishedHierarchy(organisation: withheldWhole, units: body.map { _ in nil })
        }
        // A unit whose count is shown, but whose small counts its own count would give away even
        // with every other count of the unit withheld ("< 5" and "< 5" of 8 are both 4), shows its
        // count alone; its row stays in the grid, unlabelled.
        let shownRows = body.indices.filter { shown[$0] && (!rowTotalsKnown || canShow(row: body[$0], restColumn: restColumn)) }
        let countOnly = rowTotalsKnown ? body.indices.filter { shown[$0] && !shownRows.contains($0) } : []
        let merged = body.indices.filter { !shown[$0] }
        var rows = (shownRows + countOnly).map { body[$0] }
        if !merged.isEmpty {
            rows.append((0..<columns).map { column in merged.reduce(0) { $0 + body[$1][column] } })
        }
        let hidden = Set(shownRows.count..<rows.count)
        guard !rows.isEmpty, columns > 0,
              let grid = publishedGrid(rows, rowTotalsKnown: rowTotalsKnown, hiddenRows: hidden,
                                       exemptColumns: exemptColumns.union(restColumn.map { [$0] } ?? []),
                                       grandTotalKnown: grandTotalKnown, lastResort: !totalAloneWhenExposed)
        else {
            return columns == 0 || body.isEmpty ? nil : PublishedHierarchy(organisation: withheldWhole, units: body.map { _ in nil })
        }
        if totalAloneWhenExposed, grid.firstExposedCell() != nil {
            let total = organisationTotal ?? eventTotal(body.joined().reduce(0, +))
            return .totalAlone(total, unitCount: body.count)
        }
        let table = PublishedCrossTable(grid: grid)
        var units = [PublishedBreakdown?](repeating: nil, count: body.count)
        // A table withheld whole labels its zeros "< 5" too: true of the organisation's handful,
        // untrue of a unit page that would show a unit's zero so. Its units show nothing.
        for (index, row) in shownRows.enumerated() where !grid.wholeTableWithheld {
            units[row] = PublishedBreakdown(counts: table.cells[index], total: table.rowTotals[index])
        }
        return PublishedHierarchy(organisation: PublishedBreakdown(counts: table.columnTotals, total: table.grandTotal),
                                  units: units)
    }

    /// Whether a unit's row, with its total known, keeps every small count open when all its
    /// counts are withheld: the most any protection of the whole table could withhold of it.
    private func canShow(row counts: [Int], restColumn: Int?) -> Bool {
        // A settled row with nothing small outside its rest has nothing to protect.
        if restColumn != nil, !counts.indices.contains(where: { $0 != restColumn && isBelowThreshold(counts[$0]) }) { return true }
        var line = BreakdownLine(values: counts + [counts.reduce(0, +)], policy: self)
        line.exempt = restColumn
        for (index, count) in counts.enumerated() where count > 0 {
            line.published[index] = .suppressed(isBelowThreshold(count) ? .belowThreshold : .complementary)
        }
        return line.firstExposedEntry() == nil
    }
}
