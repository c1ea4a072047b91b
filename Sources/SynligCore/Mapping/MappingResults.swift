import Foundation

/// How the submitted sheets answered one item (a question or a routine), as counts per choice.
public struct AnswerDistribution: Sendable, Equatable {
    /// Choice raw value → number of sheets that chose it.
    public var counts: [String: Int]
    /// Sheets that could have answered (submitted sheets in scope).
    public var sheets: Int

    public init(counts: [String: Int], sheets: Int) {
        self.counts = counts
        self.sheets = sheets
    }

    public var answered: Int { counts.values.reduce(0, +) }
    /// Sheets that left the item blank: a partial answer is still a result, not an error.
    public var unanswered: Int { max(0, sheets - answered) }

    public func count(_ choice: String) -> Int { counts[choice] ?? 0 }

    /// Whole-number percentages for the given choices plus "unanswered", summing to exactly 100
    /// (largest remainder), so a table and its chart never disagree by rounding.
    public func percentages(order: [String]) -> [String: Int] {
        let keys = order + [Self.unansweredKey]
        let values = order.map { count($0) } + [unanswered]
        // The parts shown are the whole: on consistent data this is the number of sheets, and
        // on inconsistent data (more answers than sheets) the shares still add up to 100.
        let total = values.reduce(0, +)
        guard sheets > 0, total > 0 else { return Dictionary(uniqueKeysWithValues: keys.map { ($0, 0) }) }
        let exact = values.map { Double($0) * 100 / Double(total) }
        var floors = exact.map { Int($0.rounded(.down)) }
        var remaining = 100 - floors.reduce(0, +)
        // Largest remainder first; ties go to the earlier choice, so the result is stable.
        let byRemainder = exact.indices.sorted {
            let a = exact[$0] - Double(floors[$0]), b = exact[$1] - Double(floors[$1])
            return a != b ? a > b : $0 < $1
        }
        for index in byRemainder where remaining > 0 {
            floors[index] += 1
            remaining -= 1
        }
        return Dictionary(uniqueKeysWithValues: zip(keys, floors))
    }

    public static let unansweredKey = "unanswered"

    /// Share of sheets answering `choice`, 0…1; nil when there were no sheets.
    public func share(_ choice: String) -> Double? {
        sheets > 0 ? Double(count(choice)) / Double(sheets) : nil
    }
}

/// The change in one item between two mappings, in percentage points of the "good" answer
/// (ja for questions, finns for routines).
public struct MappingChange: Sendable, Equatable {
    public var previousShare: Double
    public var currentShare: Double

    public init(previousShare: Double, currentShare: Double) {
        self.previousShare = previousShare
        self.currentShare = currentShare
    }

    public var percentagePoints: Int { Int(((currentShare - previousShare) * 100).rounded()) }

    public static func between(previous: AnswerDistribution?, current: AnswerDistribution?, goodChoice: String) -> MappingChange? {
        guard let before = previous?.share(goodChoice), let now = current?.share(goodChoice) else { return nil }
        return MappingChange(previousShare: before, currentShare: now)
    }
}

/// Text cells for spreadsheets. A cell that starts with `=`, `+`, `-`, `@`, tab or carriage
/// return would run as a formula in Excel or LibreOffice; it is prefixed with `'` (OWASP's
/// advice). Quotes are doubled and every cell is quoted so commas and line breaks stay inside.
public enum CSVText {
    public static func cell(_ value: String) -> String {
        var text = value
        if let first = text.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) {
            text = "'" + text
        }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    public static func row(_ values: [String]) -> String {
        values.map(cell).joined(separator: ",")
    }

    /// UTF-8 with a byte-order mark, so Excel opens å, ä and ö correctly; CRLF between rows.
    public static func document(header: [String], rows: [[String]]) -> String {
        "\u{FEFF}" + ([row(header)] + rows.map(row)).joined(separator: "\r\n") + "\r\n"
    }
}
