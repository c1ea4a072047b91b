import Foundation

/// Ordinary working hours in Sweden, for the access-log review: a read on a weekend or outside
/// 07–19 Swedish time is worth a second look (it may be on-call work, or it may not).
public enum WorkingHours {
    public static let opens = 7
    public static let closes = 19

    public static func isOutside(_ date: Date) -> Bool {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = SwedishTime.timeZone
        let parts = calendar.dateComponents([.weekday, .hour], from: date)
        // Gregorian weekdays: 1 is Sunday, 7 Saturday.
        if parts.weekday == 1 || parts.weekday == 7 { return true }
        guard let hour = parts.hour else { return false }
        return hour < opens || hour >= closes
    }
}
