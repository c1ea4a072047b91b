import Foundation

/// Dates as people in Sweden read them: Europe/Stockholm, and the Swedish numeric form
/// (2026-11-23 14:05) by default, or an English form on request.
public enum SwedishTime {
    public static let timeZone = TimeZone(identifier: "Europe/Stockholm")!

    public static func format(_ date: Date, language: String, includeTime: Bool = true) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let day = String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
        let time = String(format: "%02d:%02d", c.hour!, c.minute!)
        if language == "en" {
            let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
            let english = "\(c.day!) \(months[c.month! - 1]) \(c.year!)"
            return includeTime ? "\(english), \(time)" : english
        }
        return includeTime ? "\(day) \(time)" : day
    }

    /// A month: "november 2026" in Swedish, "November 2026" in English.
    public static func formatMonth(_ date: CalendarDate, language: String) -> String {
        let swedish = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november", "december"]
        let english = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
        return "\((language == "en" ? english : swedish)[date.month - 1]) \(date.year)"
    }

    /// A calendar day: 2026-11-23 in Swedish, 23 Nov 2026 in English.
    public static func formatDate(_ date: CalendarDate, language: String) -> String {
        guard language == "en" else { return date.iso }
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(date.day) \(months[date.month - 1]) \(date.year)"
    }
}
