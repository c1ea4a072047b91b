import Foundation

/// Gallring of a caregiver's file in social services: the file is purged five years after its
/// last entry, and the purge is done by the end of the calendar year after that; files of people
/// born on the 5th, 15th or 25th of a month are kept for research. (The rule of the former
/// socialtjänstlag, 12 kap. 1–2 §§ SFS 2001:453, carried into SFS 2025:400 — see
/// `social_services_documentation` in LegalReferences.json.)
public enum FileRetention {
    public static let years = 5

    /// The first day the file may be purged: five years after its last entry.
    public static func purgeableFrom(lastEntry: CalendarDate) -> CalendarDate {
        lastEntry.addingMonths(12 * years)
    }

    /// The last day by which it must have been purged: the end of the following calendar year.
    public static func purgeBy(lastEntry: CalendarDate) -> CalendarDate {
        CalendarDate(year: purgeableFrom(lastEntry: lastEntry).year + 1, month: 12, day: 31)
    }

    /// The latest last entry whose file is due on `today`: five years before it.
    public static func latestDueEntry(today: CalendarDate) -> CalendarDate {
        today.addingMonths(-12 * years)
    }

    /// Whether a file is due for purging on `today`.
    public static func isDue(lastEntry: CalendarDate, today: CalendarDate) -> Bool {
        !(today < purgeableFrom(lastEntry: lastEntry))
    }

    /// Days of birth whose files are kept for research.
    public static let researchDays: Set<Int> = [5, 15, 25]

    /// Kept for research: the day of birth in the stored 12-digit number (a samordningsnummer's
    /// day has 60 added) is the 5th, 15th or 25th. Unknown identity numbers are not kept.
    public static func isKeptForResearch(personalIdentityNumber canonical: String?) -> Bool {
        guard let canonical, canonical.count == 12, let day = Int(canonical.dropFirst(6).prefix(2)) else { return false }
        return researchDays.contains(day > 60 ? day - 60 : day)
    }
}
