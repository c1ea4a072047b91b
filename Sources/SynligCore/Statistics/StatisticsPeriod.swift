/// The period a statistic covers: a calendar year or a quarter of one.
///
/// Bounds are a half-open range of days, `start` inclusive and `end` exclusive, so consecutive
/// periods meet without a gap or an overlap and a query needs no "last day of the month" rule:
/// `date >= start AND date < end`.
public struct StatisticsPeriod: Sendable, Hashable, Codable, CustomStringConvertible {
    public let year: Int
    /// 1–4, or nil for the whole year.
    public let quarter: Int?

    /// The years `CalendarDate` parses, so every period's bounds are valid dates.
    public static let years = 1900...2199

    public static func year(_ year: Int) -> StatisticsPeriod? {
        guard years.contains(year) else { return nil }
        return StatisticsPeriod(year: year, quarter: nil)
    }

    public static func quarter(_ quarter: Int, of year: Int) -> StatisticsPeriod? {
        guard years.contains(year), (1...4).contains(quarter) else { return nil }
        return StatisticsPeriod(year: year, quarter: quarter)
    }

    /// The quarter a day falls in.
    public static func quarter(containing date: CalendarDate) -> StatisticsPeriod {
        StatisticsPeriod(year: date.year, quarter: Self.quarterNumber(of: date))
    }

    /// 1 for January–March … 4 for October–December.
    public static func quarterNumber(of date: CalendarDate) -> Int { (date.month - 1) / 3 + 1 }

    private init(year: Int, quarter: Int?) {
        self.year = year
        self.quarter = quarter
    }

    /// Parses what `description` writes: "2026" or "2026-Q1" (as in query strings and open data).
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard let first = parts.first, first.count == 4, let year = Int(first) else { return nil }
        switch parts.count {
        case 1:
            guard let period = Self.year(year) else { return nil }
            self = period
        case 2:
            let tail = parts[1]
            guard tail.count == 2, tail.first == "Q", let number = Int(tail.dropFirst()),
                  let period = Self.quarter(number, of: year) else { return nil }
            self = period
        default:
            return nil
        }
    }

    /// The first day in the period.
    public var start: CalendarDate { CalendarDate(year: year, month: ((quarter ?? 1) - 1) * 3 + 1, day: 1) }

    /// The first day after the period.
    public var end: CalendarDate { start.addingMonths(quarter == nil ? 12 : 3) }

    public func contains(_ date: CalendarDate) -> Bool { start <= date && date < end }

    /// The period of the same length just before: for comparing with the previous quarter or year.
    public var previous: StatisticsPeriod {
        guard let quarter else { return StatisticsPeriod(year: year - 1, quarter: nil) }
        return quarter == 1 ? StatisticsPeriod(year: year - 1, quarter: 4) : StatisticsPeriod(year: year, quarter: quarter - 1)
    }

    /// The quarters of a year (a quarter's only quarter is itself).
    public var quarters: [StatisticsPeriod] {
        quarter == nil ? (1...4).map { StatisticsPeriod(year: year, quarter: $0) } : [self]
    }

    public var description: String { quarter.map { "\(year)-Q\($0)" } ?? String(year) }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let period = StatisticsPeriod(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "Expected YYYY or YYYY-Qn"))
        }
        self = period
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
