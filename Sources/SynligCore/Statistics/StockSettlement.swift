/// Counts of people known by a period's end ("stocks") settled so that two periods cannot be set
/// against each other.
///
/// A breakdown of everyone known by the end of one quarter, set beside the same breakdown a
/// quarter later, gives the quarter's newcomers by category as the difference, even though each
/// table on its own withholds every count below the threshold: "Romani 7" then "Romani 8" with
/// one newcomer in all says who the newcomer is. Withholding the changed cell does not help
/// either: a cell withheld in one quarter and shown with the same value before and after gives
/// itself away, and rounding or noise give away the cell that changed.
///
/// So a category's published count moves only once it has moved by at least the threshold since
/// it last moved ("settled"); the people not yet settled into a category are counted in the
/// absorbing category ("not stated, or not yet counted by category"), so every table still adds
/// up to the exact number of people. Between any two quarter ends, a category's published count
/// is then either the same or different by at least the threshold, whatever the periods chosen,
/// and a count settled is decided by the quarters up to it alone.
///
/// When a count moves also says something: someone who came in since the last chance to move
/// is in that category (four known, one newcomer, and the count goes 0 → 5 beside a total one
/// higher). So counts move only at an eligible quarter end (`eligible`): a whole quarter, not the
/// one still running, in which at least the threshold came in. Whoever made a count move is then
/// one of at least that many.
///
/// Not covered: the history is rebuilt from the records as they are, so a record corrected after
/// the fact (an answer, a relationship added to an earlier caregiver, a purge) rewrites earlier
/// quarters, and age and hours band are taken as at the period's end; either can show as a
/// smaller move between two periods asked for at different times. Keeping each quarter's
/// settled counts once it has ended would close that.
///
/// A settled count is 0 or at least the threshold: it moves into the band 1–4 only where a loss
/// forces it (below), so the category counts of a stock table need no withholding of their own.
/// The absorbing category describes nobody's characteristic (it mixes "not stated" with people
/// not yet settled); each table is then withheld as any other, where the rest is small too.
public struct StockSettlement: Sendable {
    public let policy: SuppressionPolicy

    public init(policy: SuppressionPolicy) {
        self.policy = policy
    }

    /// One count's settled value at each quarter end, from its true value there; it moves only
    /// at quarter ends marked eligible (all, when `eligible` is nil).
    public func settle(series: [Int], eligible: [Bool]? = nil) -> [Int] {
        var cell = Cell()
        return series.indices.map { quarter in
            if eligible.map({ $0.indices.contains(quarter) && $0[quarter] }) ?? true {
                cell.step(to: series[quarter], threshold: policy.threshold)
            }
            return cell.settled
        }
    }

    /// The quarter ends at which counts may move: whole quarters in which at least the threshold
    /// came in. `arrivals[q]` is how many came in during quarter `q`; `complete[q]` whether it has ended.
    public func eligibleQuarters(arrivals: [Int], complete: [Bool]) -> [Bool] {
        zip(arrivals, complete).map { $1 && $0 >= policy.threshold }
    }

    /// A breakdown's settled rows at each quarter end.
    ///
    /// `history[q][c]` is the true count of category `c` at quarter end `q`; `absorber` is the
    /// category that takes up the people not yet settled (the "not stated" one). Each row adds up to
    /// `totals[q]`, by default the true row total, so the count of people stays exact. Categories
    /// move only at quarter ends marked `eligible` (all, when nil).
    ///
    /// Where a category has lost people (a file purged, an answer corrected) and the absorber
    /// would fall below zero, the categories that lost most are settled at once, as few as keep it
    /// at zero or above: the one case where a move smaller than the threshold is shown. Where the
    /// row must add up to a total settled elsewhere (a cross table's column, `totals` given) and
    /// even that leaves it below zero, the row is nil: it cannot be shown at that quarter end.
    public func settle(rows history: [[Int]], absorber: Int, totals: [Int]? = nil, eligible: [Bool]? = nil) -> [[Int]?] {
        guard let width = history.first?.count, absorber >= 0, absorber < width,
              history.allSatisfy({ $0.count == width }), totals.map({ $0.count == history.count }) ?? true,
              eligible.map({ $0.count == history.count }) ?? true
        else { return history.map { _ in nil } }
        var cells = Array(repeating: Cell(), count: width)
        return history.indices.map { quarter in
            let values = history[quarter]
            let total = totals?[quarter] ?? values.reduce(0, +)
            for index in values.indices where index != absorber && (eligible?[quarter] ?? true) {
                cells[index].step(to: values[index], threshold: policy.threshold)
            }
            func rest() -> Int { total - cells.indices.filter { $0 != absorber }.reduce(0) { $0 + cells[$1].settled } }
            if rest() < 0 {
                let losing = values.indices
                    .filter { $0 != absorber && cells[$0].settled > values[$0] }
                    .sorted { (cells[$1].settled - values[$1], $0) < (cells[$0].settled - values[$0], $1) }
                for index in losing where rest() < 0 {
                    cells[index].settle(at: values[index])
                }
            }
            guard rest() >= 0 else { return nil }
            var row = cells.map(\.settled)
            row[absorber] = rest()
            return row
        }
    }

    /// One category's count as published, and what it last settled at.
    private struct Cell {
        /// The true count when the cell last moved; 0 before anyone is known.
        private(set) var settled = 0

        mutating func step(to value: Int, threshold: Int) {
            // Moves of at least the threshold, and never into the band 1 … threshold − 1: a
            // category falling there keeps its count until it reaches 0 or a loss forces it.
            guard abs(value - settled) >= threshold, value == 0 || value >= threshold else { return }
            settled = value
        }

        /// Settles at the true count whatever the move (the absorber must not fall below zero).
        mutating func settle(at value: Int) {
            settled = value
        }
    }
}
