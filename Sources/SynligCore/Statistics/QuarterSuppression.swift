/// A year's events published quarter by quarter, beside the year's own table.
///
/// A year's events are the sum of its quarters'. Published each on its own, a quarter's withheld
/// count would be the year's minus the other three quarters'. So the quarters are published as one
/// grid: categories (rows) by quarter (columns), each row adding up to the year's count as the
/// year's table shows it, and every quarter's total beneath.
///
/// Categories the year's table withholds are not broken down by quarter: they are shown together
/// as one row, "other", whose year count the year's table gives (its total minus the categories it
/// shows). Every row total of the grid is then a number the year's table already publishes, so the
/// grid adds nothing to what a reader knows of the year's withheld counts, and the two tables are
/// safe together when each is safe on its own, which `MarginGrid` checks exactly.
///
/// The "other" row's cells are withheld where small but need no protection of their own: each is
/// a sum of categories the year withholds, and any such sums that add up to the year's known
/// rest fit any counts the year's table allows for those categories (a transport problem with equal
/// supply and demand always has a solution), so they tell nothing of any one category.
///
/// Zeros are never withheld, as everywhere, so a zero a reader knows from elsewhere (a quarter yet
/// to come) hides nothing. Where a small count can then not be hidden in its row (1, 0, 0 and 5 of
/// a known 6), that category joins "other"; where a quarter's total cannot be hidden, the
/// quarters are not shown.
public struct PublishedQuarters: Sendable, Equatable {
    /// The categories broken down by quarter (indices into the year's categories), in order.
    public let categories: [Int]
    /// Whether the other categories are shown together as one row, after `categories`.
    public let hasOther: Bool
    /// Per quarter: its counts for `categories` (and "other" last when `hasOther`), and its total.
    public let quarters: [PublishedBreakdown]

    public init(categories: [Int], hasOther: Bool, quarters: [PublishedBreakdown]) {
        self.categories = categories
        self.hasOther = hasOther
        self.quarters = quarters
    }
}

extension SuppressionPolicy {
    /// `body[quarter][category]`: the events of each quarter of a year. `year` is the year's table
    /// as published, its counts the column sums of `body`.
    ///
    /// - `begun`: the quarters that have begun; a later one with nothing in it is known to be empty
    ///   and shown as 0 (never taken to hide a count).
    /// - `totalsKnown`: each quarter's total is shown as it is, because other tables count the
    ///   same events (the voluntariness follow-up by each of its questions) and a total withheld in
    ///   one would be a total given in another. Nil if one of them is small.
    ///
    /// A year whose total is withheld below the threshold withholds every quarter whole. Nil where
    /// the quarters cannot be shown safely beside the year: a ragged or negative body, a year that
    /// does not belong to it, a year whose total is withheld only to protect another count (the
    /// rows would then not add up to anything known), or no way to hide a small count; show such
    /// a table per year only.
    public func publish(quarters body: [[Int]], year: PublishedBreakdown, begun: Int = 4, totalsKnown: Bool = false) -> PublishedQuarters? {
        let columns = year.counts.count
        guard !body.isEmpty, body.allSatisfy({ $0.count == columns && $0.allSatisfy { $0 >= 0 } }) else { return nil }
        let sums = (0..<columns).map { column in body.reduce(0) { $0 + $1[column] } }
        guard zip(year.counts, sums).allSatisfy({ $0.value == nil || $0.value == $1 }),
              year.total.value == nil || year.total.value == sums.reduce(0, +) else { return nil }
        // Quarters yet to come with nothing in them (nothing dated ahead): a reader knows they are empty.
        let known = Set((max(0, begun)..<body.count).filter { body[$0].allSatisfy { $0 == 0 } })
        switch year.total {
        case .suppressed(.belowThreshold):
            let withheld = PublishedBreakdown(counts: year.counts.map { _ in .suppressed(.belowThreshold) }, total: .suppressed(.belowThreshold))
            return PublishedQuarters(categories: Array(0..<columns), hasOther: false, quarters: body.map { _ in withheld })
        case .suppressed(.complementary):
            return nil
        case .count:
            break
        }
        if totalsKnown, body.contains(where: { isBelowThreshold($0.reduce(0, +)) }) { return nil }
        var shown = (0..<columns).filter { !year.counts[$0].isSuppressed }
        while true {
            let other = (0..<columns).filter { !shown.contains($0) }
            var rows = shown.map { column in body.map { $0[column] } }
            if !other.isEmpty {
                rows.append(body.map { quarter in other.reduce(0) { $0 + quarter[$1] } })
            }
            // Rows are categories, their totals the year's published counts: known, never withheld here.
            guard let grid = publishedGrid(rows, rowTotalsKnown: true, hiddenRows: [], knownColumns: known, columnTotalsKnown: totalsKnown,
                                           unprotectedRows: other.isEmpty ? [] : [shown.count], lastResort: false)
            else { return nil }
            // A count nothing could hide: its category joins "other", or, if it is a total, nothing is shown.
            if let failed = grid.firstExposedCell() {
                guard failed.row < shown.count else { return nil }
                shown.remove(at: failed.row)
                continue
            }
            let table = PublishedCrossTable(grid: grid)
            let quarters = body.indices.map { quarter in
                PublishedBreakdown(counts: table.cells.map { $0[quarter] }, total: table.columnTotals[quarter])
            }
            return PublishedQuarters(categories: shown, hasOther: !other.isEmpty, quarters: quarters)
        }
    }
}
