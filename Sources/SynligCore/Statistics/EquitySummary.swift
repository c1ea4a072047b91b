/// The largest differences in who is reached, stated as plain sentences on the statistics page
/// and in the API — only from published counts, so a statement never reveals a withheld one.
public enum EquityStatement: Sendable, Equatable {
    /// Women's share of the caregivers reached whose gender is known, and of the care
    /// relationships with 20 hours or more a week (percent, rounded).
    case womenInHeavyCare(reached: Int, heavyCare: Int)
    /// The share with a foreign background among those reached whose background is known,
    /// beside the share in the whole population.
    case foreignBackground(reached: Int, population: Int)
}

public enum EquitySummary {
    /// Share of Sweden's population with a foreign background: "Mer än en fjärdedel av Sveriges
    /// befolkning, 27 procent, har utländsk bakgrund" (Socialstyrelsen, seed 003).
    public static let populationForeignBackgroundPercent = 27
    /// A difference smaller than this many percentage points is not called a difference.
    public static let notableDifference = 5
    /// Fewer known answers than this give no share worth a sentence.
    public static let minimumBase = 20

    /// - Parameters:
    ///   - genderCounts: published caregivers reached by gender, women, men, other (not stated left out).
    ///   - heavyCareByGender: published relationships with 20 hours or more a week, for women,
    ///     men and other; each the sum of its published cells, nil where one was withheld.
    ///   - foreignBackground: published caregivers with a foreign background (yes, no).
    public static func statements(genderCounts: [PublishedCount], heavyCareByGender: [Int?],
                                  foreignBackground: [PublishedCount]) -> [EquityStatement] {
        var statements: [EquityStatement] = []
        let known = genderCounts.compactMap(\.value)
        let heavy = heavyCareByGender.compactMap { $0 }
        if known.count == genderCounts.count, heavy.count == heavyCareByGender.count, let women = known.first, let heavyWomen = heavy.first,
           let reached = percent(women, of: known.reduce(0, +)), let heavyCare = percent(heavyWomen, of: heavy.reduce(0, +)),
           abs(reached - heavyCare) >= notableDifference {
            statements.append(.womenInHeavyCare(reached: reached, heavyCare: heavyCare))
        }
        let background = foreignBackground.compactMap(\.value)
        if background.count == foreignBackground.count, let yes = background.first,
           let reached = percent(yes, of: background.reduce(0, +)) {
            statements.append(.foreignBackground(reached: reached, population: populationForeignBackgroundPercent))
        }
        return statements
    }

    private static func percent(_ part: Int, of base: Int) -> Int? {
        guard base >= minimumBase else { return nil }
        return Int((Double(part) * 100 / Double(base)).rounded())
    }
}
