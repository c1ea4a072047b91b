/// A cell of a cross table extended by its margins: row `rows` holds the column totals, column
/// `columns` the row totals, and their corner the grand total.
struct GridCell: Sendable, Hashable {
    var row: Int
    var column: Int
}

/// A cross table and its margins as one (rows + 1) × (columns + 1) grid, with what is published
/// of each cell, and the exact test whether a withheld cell could be worked out.
///
/// With the margins negated (and the grand total negated twice) every row and column of the grid
/// sums to zero, so a margin is constrained exactly like a body cell. What a reader can change
/// without contradicting anything published is then a circulation: +1 on a cell, −1 on another
/// in its row, +1 on another in that one's column, and so on around a cycle of withheld cells
/// in the graph whose nodes are the rows and columns and whose edges are the withheld cells.
/// A withheld cell that lies on no such cycle (a bridge) is fixed by the others: the classic
/// "two withheld rectangles joined by one cell" leaves that cell recoverable, although every
/// row and column has two withheld cells.
///
/// The reader also knows each withheld cell's range (`KnownRange`), so a cycle only counts if
/// every step on it stays in range. A cell that may only go down is an edge one way only; the
/// test is then reachability in a directed graph, which is exact: any other consistent table
/// differs from the true one by a sum of such cycles, each of them consistent on its own.
struct MarginGrid {
    let rows: Int
    let columns: Int
    var values: [[Int]]
    var published: [[PublishedCount]]
    let policy: SuppressionPolicy
    var wholeTableWithheld = false
    /// Entries the reader already knows from another table (a unit's total): published as they
    /// are, never withheld here, and so never part of a cycle.
    var fixed: Set<GridCell> = []
    /// Entries never shown (a merged row of small units): the reader knows nothing of them but
    /// what the totals give, and only a small one needs protecting.
    var hidden: Set<GridCell> = []
    /// Columns that need no protection of their own (a settled table's rest): they are never
    /// withheld for being small, and only matter as unknowns that protect others. Where hidden,
    /// such a cell is protected like any hidden cell unless it is its whole row (a merge of small
    /// units, all of whose people are in the rest): then it says no more than the row's known total.
    var exemptColumns: Set<Int> = []
    /// Rows whose cells need no protection of their own, though small ones are withheld and all
    /// are unknowns that protect others: a year's quarters' "other" row, whose cells are sums of
    /// categories the year withholds and tell nothing of any one of them (`publish(quarters:year:)`).
    var unprotectedRows: Set<Int> = []

    init(body: [[Int]], columns: Int, policy: SuppressionPolicy) {
        let rowTotals = body.map { $0.reduce(0, +) }
        let columnTotals = (0..<columns).map { column in body.reduce(0) { $0 + $1[column] } }
        values = zip(body, rowTotals).map { $0 + [$1] } + [columnTotals + [rowTotals.reduce(0, +)]]
        published = values.map { $0.map { .count($0) } }
        self.rows = body.count + 1
        self.columns = columns + 1
        self.policy = policy
    }

    var allCells: [GridCell] {
        (0..<rows).flatMap { row in (0..<columns).map { GridCell(row: row, column: $0) } }
    }

    subscript(cell: GridCell) -> PublishedCount {
        get { published[cell.row][cell.column] }
        set { published[cell.row][cell.column] = newValue }
    }

    func value(_ cell: GridCell) -> Int { values[cell.row][cell.column] }

    var grandTotal: GridCell { GridCell(row: rows - 1, column: columns - 1) }

    /// Whether two cells share a row or a column of the grid.
    func shareLine(_ a: GridCell, _ b: GridCell) -> Bool { a.row == b.row || a.column == b.column }

    /// −1 for a margin, +1 for a body cell and the grand total.
    private func sign(_ cell: GridCell) -> Int {
        (cell.row == rows - 1) == (cell.column == columns - 1) ? 1 : -1
    }

    /// Graph nodes: rows are 0..<rows, columns follow.
    private func rowNode(_ cell: GridCell) -> Int { cell.row }
    private func columnNode(_ cell: GridCell) -> Int { rows + cell.column }

    /// The directed steps the reader could take along withheld cells other than `excluded`: a
    /// step row → column raises the signed cell by one, column → row lowers it.
    private func steps(excluding excluded: GridCell) -> [[Int]] {
        var next = Array(repeating: [Int](), count: rows + columns)
        for cell in allCells where cell != excluded && self[cell].isSuppressed {
            let range = knownRange(cell)
            let value = value(cell)
            // Raising the count raises the signed entry for a body cell and lowers it for a margin.
            if range.allowsIncrease(from: value) { addStep(&next, cell, signedDelta: sign(cell)) }
            if range.allowsDecrease(from: value) { addStep(&next, cell, signedDelta: -sign(cell)) }
        }
        return next
    }

    private func addStep(_ next: inout [[Int]], _ cell: GridCell, signedDelta: Int) {
        if signedDelta > 0 { next[rowNode(cell)].append(columnNode(cell)) }
        else { next[columnNode(cell)].append(rowNode(cell)) }
    }

    private func reaches(_ next: [[Int]], from start: Int, to goal: Int) -> Bool {
        var seen = Set([start])
        var queue = [start]
        while let node = queue.popLast() {
            if node == goal { return true }
            for neighbour in next[node] where seen.insert(neighbour).inserted { queue.append(neighbour) }
        }
        return false
    }

    /// Whether another value of this withheld cell fits everything published: a step along it
    /// closes into a cycle through the other withheld cells.
    func isProtected(_ cell: GridCell) -> Bool {
        let range = knownRange(cell)
        let next = steps(excluding: cell)
        let value = value(cell)
        for (allowed, delta) in [(range.allowsIncrease(from: value), 1), (range.allowsDecrease(from: value), -1)]
        where allowed {
            // A raising step goes row → column; the cycle must come back column → row.
            let closes = delta * sign(cell) > 0
                ? reaches(next, from: columnNode(cell), to: rowNode(cell))
                : reaches(next, from: rowNode(cell), to: columnNode(cell))
            if closes { return true }
        }
        return false
    }

    /// What the reader can tell of a withheld cell from its label; nothing, for a hidden one.
    private func knownRange(_ cell: GridCell) -> KnownRange {
        hidden.contains(cell) ? KnownRange(lower: 0, upper: nil)
            : policy.knownRange(of: self[cell], wholeTableWithheld: wholeTableWithheld)
    }

    /// A hidden cell only needs protecting when it is small: a count of the threshold or more,
    /// or none, may be known of the small units together.
    func firstExposedCell() -> GridCell? {
        allCells.first { cell in
            self[cell].isSuppressed && !needsNoProtection(cell) && !unprotectedRows.contains(cell.row)
                && (!hidden.contains(cell) || policy.isBelowThreshold(value(cell))) && !isProtected(cell)
        }
    }

    /// An exempt column's cell, shown, or hidden but equal to its row's known total.
    private func needsNoProtection(_ cell: GridCell) -> Bool {
        guard exemptColumns.contains(cell.column) else { return false }
        return !hidden.contains(cell) || (fixed.contains(GridCell(row: cell.row, column: columns - 1)) && value(cell) == values[cell.row][columns - 1])
    }

    /// Whether withholding `extra` as well would protect `exposed`.
    func wouldProtect(_ exposed: GridCell, byWithholding extra: [GridCell]) -> Bool {
        var trial = self
        for cell in extra { trial[cell] = policy.withheldAsComplement(value(cell)) }
        return trial.isProtected(exposed)
    }
}
