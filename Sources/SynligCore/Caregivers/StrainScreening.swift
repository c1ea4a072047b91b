import Foundation

/// A screening instrument as a data file: items, response options with points, thresholds,
/// and where it comes from. An organisation with a licence for a validated scale loads it as
/// another file; Synlig's own risk-factor screen is one such file, marked as not validated.
public struct ScreeningInstrument: Sendable, Codable, Equatable {
    public struct Text: Sendable, Codable, Equatable {
        public var sv: String
        public var en: String

        public init(sv: String, en: String) {
            self.sv = sv
            self.en = en
        }

        public func text(_ language: String) -> String { language == "en" ? en : sv }
    }

    public struct Option: Sendable, Codable, Equatable {
        public var value: String
        public var label: Text
        public var points: Int
    }

    public struct Item: Sendable, Codable, Equatable {
        public var id: String
        public var text: Text
        public var options: [Option]
    }

    /// From `minScore` up the level applies; the highest matching threshold wins.
    public struct Threshold: Sendable, Codable, Equatable {
        public var minScore: Int
        public var level: ScreeningLevel
    }

    public var id: String
    public var version: Int
    public var name: Text
    public var source: Text
    public var licence: Text
    /// False for an indicator like Synlig's own screen; the page says so.
    public var validated: Bool
    public var items: [Item]
    public var thresholds: [Threshold]

    public enum Problem: Error, Equatable, Sendable {
        case missingAnswer(item: String)
        case unknownOption(item: String)
        case unknownItem(String)
    }

    /// Checks an instrument file: ids unique, options present, thresholds sorted from zero.
    public func validate() -> [String] {
        var problems: [String] = []
        if Set(items.map(\.id)).count != items.count { problems.append("duplicate item ids") }
        for item in items where item.options.isEmpty || Set(item.options.map(\.value)).count != item.options.count {
            problems.append("item \(item.id) has no or duplicate options")
        }
        if thresholds.first?.minScore != 0 { problems.append("the first threshold must start at 0") }
        if thresholds.map(\.minScore) != thresholds.map(\.minScore).sorted() { problems.append("thresholds must be sorted") }
        return problems
    }

    public var maxScore: Int { items.reduce(0) { $0 + ($1.options.map(\.points).max() ?? 0) } }

    /// Scores a complete set of answers (item id → option value).
    public func score(_ answers: [String: String]) -> Result<ScreeningScore, Problem> {
        if let unknown = answers.keys.first(where: { key in !items.contains { $0.id == key } }) {
            return .failure(.unknownItem(unknown))
        }
        var total = 0
        for item in items {
            guard let value = answers[item.id] else { return .failure(.missingAnswer(item: item.id)) }
            guard let option = item.options.first(where: { $0.value == value }) else { return .failure(.unknownOption(item: item.id)) }
            total += option.points
        }
        return .success(ScreeningScore(score: total, level: level(for: total)))
    }

    public func level(for score: Int) -> ScreeningLevel {
        thresholds.last { score >= $0.minScore }?.level ?? .low
    }
}

public enum ScreeningLevel: String, Sendable, Codable, CaseIterable, Comparable {
    case low, raised, high

    public static func < (lhs: ScreeningLevel, rhs: ScreeningLevel) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

public struct ScreeningScore: Sendable, Equatable {
    public var score: Int
    public var level: ScreeningLevel

    public init(score: Int, level: ScreeningLevel) {
        self.score = score
        self.level = level
    }
}

/// When a new screening result asks for a follow-up: it reaches the highest level, it moves
/// up a level, or the score has risen in each of the last two screenings (a rising trend).
public enum StrainTrend {
    public static func needsFollowUp(previous: [ScreeningScore], latest: ScreeningScore) -> Bool {
        if latest.level == .high { return true }
        guard let last = previous.last else { return false }
        if latest.level > last.level { return true }
        if previous.count >= 2 {
            let beforeLast = previous[previous.count - 2]
            return latest.score > last.score && last.score > beforeLast.score
        }
        return false
    }
}
