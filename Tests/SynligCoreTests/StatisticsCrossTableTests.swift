import Testing
@testable import SynligCore

private func suppressedCells(_ table: PublishedCrossTable) -> Set<[Int]> {
    var cells = Set<[Int]>()
    for (row, line) in table.cells.enumerated() {
        for (column, cell) in line.enumerated() where cell.isSuppressed { cells.insert([row, column]) }
    }
    return cells
}

/// Every withheld entry's range as a reader works it out, in the order rows, then margins.
private func readerRanges(_ published: PublishedCrossTable, _ body: [[Int]]) -> [ClosedRange<Int>] {
    ReaderView.of(published, body: body, policy: .standard).ranges()
}

/// Two withheld 2 × 2 rectangles, rows 0–1 × columns 0–1 and rows 2–3 × columns 2–3, joined by
/// the single small cell (1, 2). Every other count, and every margin, is at least 5.
private let twoRectangles = [
    [2, 3, 20, 30],
    [4, 1, 2, 25],
    [20, 30, 3, 4],
    [25, 20, 1, 2],
]

@Suite("Statistics: withholding in a cross table with margins")
struct CrossTableSuppressionTests {
    @Test("A table with no small counts is published as it is")
    func nothingSmall() throws {
        let published = try #require(SuppressionPolicy.standard.publish(crossTable: [[5, 10], [0, 7]]))
        #expect(published.cells == [[.count(5), .count(10)], [.count(0), .count(7)]])
        #expect(published.rowTotals == [.count(15), .count(7)])
        #expect(published.columnTotals == [.count(5), .count(17)])
        #expect(published.grandTotal == .count(22))
    }

    @Test("A table of nobody shows its zeros; a table of fewer than five shows nothing")
    func tinyTables() throws {
        let empty = try #require(SuppressionPolicy.standard.publish(crossTable: [[0, 0], [0, 0]]))
        #expect(empty.allEntries.allSatisfy { $0 == .count(0) })
        let tiny = try #require(SuppressionPolicy.standard.publish(crossTable: [[3, 0], [0, 1]]))
        #expect(tiny.allEntries.allSatisfy { $0 == .suppressed(.belowThreshold) })
        #expect(tiny.cells[0][1].text(under: .standard) == "< 5")
    }

    @Test("One small count is hidden in the cheapest rectangle, and the margins stay")
    func oneSmallCount() throws {
        let body = [[3, 10, 12], [8, 9, 11], [7, 6, 20]]
        let published = try #require(SuppressionPolicy.standard.publish(crossTable: body))
        // 3 + 10 + 7 + 6 = 26 is the smallest sum over the rectangles through the 3.
        #expect(suppressedCells(published) == [[0, 0], [0, 1], [2, 0], [2, 1]])
        #expect(published.cells[0][0] == .suppressed(.belowThreshold))
        #expect(published.cells[2][1] == .suppressed(.complementary))
        #expect(published.cells[2][1].text(under: .standard) == "..")
        #expect(!(published.rowTotals + published.columnTotals + [published.grandTotal]).contains { $0.isSuppressed })
        #expect(readerRanges(published, body).allSatisfy { $0.count > 1 })
    }

    @Test("A small margin is withheld like a cell, and hidden like one")
    func smallMargin() throws {
        // Row 1 has 3 people in all, so its total is withheld, and so are its small cells.
        let body = [[10, 12, 9], [1, 2, 0], [8, 6, 7]]
        let published = try #require(SuppressionPolicy.standard.publish(crossTable: body))
        #expect(published.rowTotals[1] == .suppressed(.belowThreshold))
        #expect(published.cells[1][0] == .suppressed(.belowThreshold))
        #expect(published.cells[1][2] == .count(0))
        #expect(readerRanges(published, body).allSatisfy { $0.count > 1 })
    }

    @Test("Two withheld in every row and column is not enough: a rectangle-joining cell is worked out")
    func twoRectanglesJoinedByOneCell() throws {
        let policy = SuppressionPolicy.standard
        // Only the primary suppression: the nine counts below 5.
        var grid = MarginGrid(body: twoRectangles, columns: 4, policy: policy)
        for cell in grid.allCells where policy.isBelowThreshold(grid.value(cell)) {
            grid[cell] = .suppressed(.belowThreshold)
        }
        let primaryOnly = PublishedCrossTable(
            cells: (0..<4).map { Array(grid.published[$0].prefix(4)) },
            rowTotals: (0..<4).map { grid.published[$0][4] }, columnTotals: Array(grid.published[4].prefix(4)),
            grandTotal: grid.published[4][4])
        let pattern = suppressedCells(primaryOnly)
        for line in 0..<4 {
            #expect(pattern.filter { $0[0] == line }.count >= 2, "row \(line)")
            #expect(pattern.filter { $0[1] == line }.count >= 2, "column \(line)")
        }
        // The reader: rows 0–1 miss 5 + 7 = 12, columns 0–1 miss 6 + 4 = 10, so the joining
        // cell is 12 − 10 = 2.
        let ranges = ReaderView.of(primaryOnly, body: twoRectangles, policy: policy).ranges()
        let joining = pattern.sorted { $0.lexicographicallyPrecedes($1) }.firstIndex(of: [1, 2])!
        #expect(ranges[joining] == 2...2)
        #expect(!grid.isProtected(GridCell(row: 1, column: 2)))
        #expect(grid.isProtected(GridCell(row: 0, column: 0)))

        let published = try #require(policy.publish(crossTable: twoRectangles))
        #expect(suppressedCells(published).isSuperset(of: pattern))
        #expect(suppressedCells(published).count > pattern.count)
        #expect(readerRanges(published, twoRectangles).allSatisfy { $0.count > 1 })
    }

    @Test("A ragged table or a negative count is refused")
    func invalidInput() {
        #expect(SuppressionPolicy.standard.publish(crossTable: [[1, 2], [3]]) == nil)
        #expect(SuppressionPolicy.standard.publish(crossTable: [[1, -2], [3, 4]]) == nil)
    }
}
