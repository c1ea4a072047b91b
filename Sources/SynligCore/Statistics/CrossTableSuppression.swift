/// A two-way table as it may be published, with its margins: e.g. caregivers by age band (rows)
/// and relation (columns), each row's and column's total, and the grand total.
public struct PublishedCrossTable: Sendable, Equatable {
    /// `cells[row][column]`.
    public let cells: [[PublishedCount]]
    public let rowTotals: [PublishedCount]
    public let columnTotals: [PublishedCount]
    public let grandTotal: PublishedCount

    public init(cells: [[PublishedCount]], rowTotals: [PublishedCount], columnTotals: [PublishedCount],
                grandTotal: PublishedCount) {
        self.cells = cells
        self.rowTotals = rowTotals
        self.columnTotals = columnTotals
        self.grandTotal = grandTotal
    }

    /// Every entry, margins included: what suppression has to protect.
    public var allEntries: [PublishedCount] { cells.flatMap { $0 } + rowTotals + columnTotals + [grandTotal] }

    init(grid: MarginGrid) {
        self.init(cells: (0..<grid.rows - 1).map { Array(grid.published[$0].dropLast()) },
                  rowTotals: (0..<grid.rows - 1).map { grid.published[$0][grid.columns - 1] },
                  columnTotals: Array(grid.published[grid.rows - 1].dropLast()),
                  grandTotal: grid[grid.grandTotal])
    }
}

extension SuppressionPolicy {
    /// Withholds what would single someone out in a cross table with row, column and grand
    /// totals. The margins are counts too and are withheld by the same rules.
    ///
    /// - The grand total below the threshold: everything is withheld, zeros too.
    /// - Otherwise counts 1 up to the threshold are withheld, margins included.
    /// - Then, while some withheld count could be worked out exactly from what is published
    ///   (see `MarginGrid`), further counts are withheld: the smallest one that hides it; else
    ///   the smallest pair that does; else the smallest in its row or column, and the loop
    ///   looks again. Each round withholds at least one more count, so it ends, and it only ends
    ///   when no withheld count can be worked out. Zeros are never chosen, so ".." keeps
    ///   meaning "at least the threshold" to a reader.
    ///
    /// Greedy, so not always the fewest cells; for tables of a few rows and columns it withholds
    /// little, and "safe" is checked exactly, which a minimal but approximate method would not give.
    ///
    /// Nil for a table that is not rectangular or has a negative count.
    public func publish(crossTable body: [[Int]]) -> PublishedCrossTable? {
        publishedGrid(body, rowTotalsKnown: false, hiddenRows: []).map(PublishedCrossTable.init(grid:))
    }

    /// The grid behind `publish(crossTable:)`, for tables that are read together with others:
    /// - `rowTotalsKnown`: the row totals and the grand total are published by another table (each
    ///   unit's count of caregivers), so they are shown as they are and never withheld here;
    /// - `hiddenRows`: rows that are never shown (units too small to show on their own, merged into
    ///   one). A reader can still work their cells out from the totals, so those cells are in the
    ///   grid, withheld and unlabelled, and protected like any other when they are small;
    /// - `exemptColumns`: columns whose counts describe no characteristic of anyone (a settled
    ///   table's rest, `StockSettlement`), so they are not withheld for being small; where hidden
    ///   they are protected as `MarginGrid.exemptColumns` says; they may be withheld as complements.
    /// - `unprotectedRows`: see `MarginGrid.unprotectedRows`;
    /// - `lastResort`: false to leave a count that nothing can hide exposed (`firstExposedCell`)
    ///   for the caller to deal with, rather than withhold everything;
    /// - `knownColumns`: columns the reader already knows whole (quarters yet to come, all zero)
    ///   and, with `columnTotalsKnown`, every column total: published as they are, never withheld.
    func publishedGrid(_ body: [[Int]], rowTotalsKnown: Bool, hiddenRows: Set<Int>, exemptColumns: Set<Int> = [],
                       knownColumns: Set<Int> = [], columnTotalsKnown: Bool = false, unprotectedRows: Set<Int> = [],
                       grandTotalKnown: Bool = false, lastResort: Bool = true) -> MarginGrid? {
        let columns = body.first?.count ?? 0
        guard body.allSatisfy({ $0.count == columns }), body.allSatisfy({ $0.allSatisfy { $0 >= 0 } }) else {
            return nil
        }
        var grid = MarginGrid(body: body, columns: columns, policy: self)
        grid.exemptColumns = exemptColumns
        grid.unprotectedRows = unprotectedRows
        if rowTotalsKnown {
            grid.fixed = Set((0..<grid.rows).map { GridCell(row: $0, column: grid.columns - 1) })
        }
        for column in knownColumns { grid.fixed.formUnion((0..<grid.rows).map { GridCell(row: $0, column: column) }) }
        if columnTotalsKnown { grid.fixed.formUnion((0..<grid.columns).map { GridCell(row: grid.rows - 1, column: $0) }) }
        if grandTotalKnown, grid.value(grid.grandTotal) >= threshold { grid.fixed.insert(grid.grandTotal) }
        for row in hiddenRows {
            for column in 0..<grid.columns where !grid.fixed.contains(GridCell(row: row, column: column)) {
                grid.hidden.insert(GridCell(row: row, column: column))
            }
        }
        let grandTotal = grid.value(grid.grandTotal)
        if grandTotal > 0 && grandTotal < threshold && !rowTotalsKnown {
            grid.wholeTableWithheld = true
            for cell in grid.allCells { grid[cell] = .suppressed(.belowThreshold) }
        } else if grandTotal >= threshold || rowTotalsKnown {
            for cell in grid.hidden { grid[cell] = .suppressed(.complementary) }
            for cell in grid.allCells where isBelowThreshold(grid.value(cell)) && !grid.fixed.contains(cell) && !grid.hidden.contains(cell)
                && !grid.exemptColumns.contains(cell.column) {
                grid[cell] = .suppressed(.belowThreshold)
            }
            withholdComplements(in: &grid, lastResort: lastResort)
        }
        return grid
    }

    private func withholdComplements(in grid: inout MarginGrid, lastResort: Bool) {
        while let exposed = grid.firstExposedCell() {
            let candidates = grid.allCells
                .filter { !grid[$0].isSuppressed && grid.value($0) > 0 && !grid.fixed.contains($0) }
                // Smallest count first; among equals, one in the exposed cell's row or column,
                // since that is where a cycle through it has to start.
                .sorted { a, b in
                    (grid.value(a), grid.shareLine(a, exposed) ? 0 : 1, a.row, a.column)
                        < (grid.value(b), grid.shareLine(b, exposed) ? 0 : 1, b.row, b.column)
                }
            guard !candidates.isEmpty else {
                guard lastResort else { return }
                // Not reached in the property test; kept so that the loop is safe by construction.
                for cell in grid.allCells where !grid[cell].isSuppressed && !grid.fixed.contains(cell) {
                    grid[cell] = withheldAsComplement(grid.value(cell))
                }
                return
            }
            for cell in chooseComplement(for: exposed, from: candidates, in: grid) {
                grid[cell] = withheldAsComplement(grid.value(cell))
            }
        }
    }

    private func chooseComplement(for exposed: GridCell, from candidates: [GridCell], in grid: MarginGrid)
        -> [GridCell] {
        if let single = candidates.first(where: { grid.wouldProtect(exposed, byWithholding: [$0]) }) {
            return [single]
        }
        var bestPair: (cost: Int, cells: [GridCell])?
        for (index, first) in candidates.enumerated() {
            for second in candidates[(index + 1)...] {
                let cost = grid.value(first) + grid.value(second)
                if let best = bestPair, best.cost <= cost { continue }
                if grid.wouldProtect(exposed, byWithholding: [first, second]) { bestPair = (cost, [first, second]) }
            }
        }
        if let pair = bestPair { return pair.cells }
        return [candidates.first { grid.shareLine($0, exposed) } ?? candidates[0]]
    }
}
