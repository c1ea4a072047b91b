/// How small a count may be before publishing it could single out a person (röjandekontroll).
///
/// Statistics leave Synlig only as aggregates, and an aggregate of one, two or three people in a
/// small municipality points at people the reader may know. Counts from 1 up to `threshold - 1`
/// are therefore withheld, and further cells are withheld where the published ones would let a
/// reader work a withheld count out again (sekundärröjning).
public struct SuppressionPolicy: Sendable, Equatable, Hashable {
    /// The smallest count that may be shown as a number.
    public let threshold: Int

    /// The floor no configuration may go below. A municipality may protect more (10 is common in
    /// health statistics) but never less: a lower threshold would only ever reveal more.
    public static let minimumThreshold = 5

    /// Counts 1–4 withheld, as Socialstyrelsen and SCB do for small areas.
    public static let standard = SuppressionPolicy(uncheckedThreshold: minimumThreshold)

    /// Nil for a threshold below `minimumThreshold`: "configurable upwards only" means a wrong
    /// setting must be refused where it is read, not quietly publish smaller counts.
    public init?(threshold: Int) {
        guard threshold >= Self.minimumThreshold else { return nil }
        self.threshold = threshold
    }

    private init(uncheckedThreshold: Int) {
        threshold = uncheckedThreshold
    }

    /// Whether a count must be withheld on its own account (primary suppression).
    ///
    /// Zero is shown. A zero says that nobody in the group has the property, which points at no
    /// one; SCB and Socialstyrelsen treat 1 up to the threshold as sensitive and show 0. Where
    /// the whole group is smaller than the threshold, the table functions withhold every cell,
    /// zeros included, because there "none of them" would describe a handful of known people.
    public func isBelowThreshold(_ count: Int) -> Bool {
        count > 0 && count < threshold
    }

    /// A count withheld only so that another cannot be worked out: "..", which says it is at
    /// least the threshold, or "< 5" for a small one that was not withheld on its own account (a
    /// settled table's rest, `StockSettlement`), so that the label stays true.
    func withheldAsComplement(_ count: Int) -> PublishedCount {
        .suppressed(isBelowThreshold(count) ? .belowThreshold : .complementary)
    }

    /// The label for a count withheld below the threshold: "< 5" for the standard policy.
    public var belowThresholdLabel: String { "< \(threshold)" }

    /// The label for a count withheld only so that a small one cannot be worked out. It claims no
    /// value, because the count behind it may be large: "< 5" would be untrue there.
    public static let complementaryLabel = ".."
}

/// Why a count is not shown.
public enum Suppression: String, Sendable, Equatable, Hashable, Codable {
    /// The count is below the threshold (primary suppression), or the whole table's population is.
    case belowThreshold
    /// The count could be shown, but together with the published cells it would reveal a
    /// withheld one (complementary suppression, sekundärröjning).
    case complementary
}

/// One count as it may be published: the number, or the reason it is withheld.
public enum PublishedCount: Sendable, Equatable, Hashable {
    case count(Int)
    case suppressed(Suppression)

    /// The number, when it may be shown.
    public var value: Int? {
        if case .count(let value) = self { return value }
        return nil
    }

    public var isSuppressed: Bool { value == nil }

    /// What a reader sees: the number, "< 5" below the threshold, ".." for a complementary cell.
    public func text(under policy: SuppressionPolicy) -> String {
        switch self {
        case .count(let value): return String(value)
        case .suppressed(.belowThreshold): return policy.belowThresholdLabel
        case .suppressed(.complementary): return SuppressionPolicy.complementaryLabel
        }
    }

    /// The share `part / base` in percent, or nil where it would reveal a withheld count or
    /// divide by nothing. A percentage of a withheld count is the count in disguise (3 of a
    /// published 60 is 5 %), and one over a withheld base lets the base be worked back.
    public static func percentage(_ part: PublishedCount, of base: PublishedCount) -> Double? {
        guard let part = part.value, let base = base.value, base > 0 else { return nil }
        return Double(part) * 100 / Double(base)
    }
}
