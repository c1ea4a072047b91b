/// What a careful reader can tell about one cell of a published table from its label alone.
///
/// Protection is judged against this reader, not against one who only sees "withheld": a "< 5"
/// says the count is 1–4 (zeros are shown), and ".." says it is at least the threshold (small
/// counts are withheld on their own account, and zeros are never chosen to hide others). Two
/// "< 5" cells that add up to 8 are therefore both 4, even though neither is shown.
struct KnownRange: Sendable, Equatable {
    var lower: Int
    /// Nil: no upper bound follows from the label.
    var upper: Int?

    /// Whether a cell holding `value` could, for all the reader knows, hold one more.
    func allowsIncrease(from value: Int) -> Bool { upper.map { value < $0 } ?? true }
    /// Whether it could hold one less.
    func allowsDecrease(from value: Int) -> Bool { value > lower }
}

extension SuppressionPolicy {
    /// The reader's knowledge of a cell labelled `published`. `wholeTableWithheld`: the whole
    /// population was below the threshold and every cell was withheld, zeros included, so a
    /// "< 5" there may also be 0.
    func knownRange(of published: PublishedCount, wholeTableWithheld: Bool) -> KnownRange {
        switch published {
        case .count(let value): return KnownRange(lower: value, upper: value)
        case .suppressed(.belowThreshold): return KnownRange(lower: wholeTableWithheld ? 0 : 1, upper: threshold - 1)
        case .suppressed(.complementary): return KnownRange(lower: threshold, upper: nil)
        }
    }
}
