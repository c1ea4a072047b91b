import Testing
@testable import SynligCore

@Suite("Gallring of a caregiver's file")
struct FileRetentionTests {
    @Test("A file may be purged five years after its last entry, and must be by the end of the following year")
    func fiveYearsAfterTheLastEntry() {
        let last = CalendarDate(year: 2020, month: 3, day: 14)
        #expect(FileRetention.purgeableFrom(lastEntry: last) == CalendarDate(year: 2025, month: 3, day: 14))
        #expect(FileRetention.purgeBy(lastEntry: last) == CalendarDate(year: 2026, month: 12, day: 31))
        #expect(!FileRetention.isDue(lastEntry: last, today: CalendarDate(year: 2025, month: 3, day: 13)))
        #expect(FileRetention.isDue(lastEntry: last, today: CalendarDate(year: 2025, month: 3, day: 14)))
        // A leap day's file: five years on there is no 29 February.
        let leap = CalendarDate(year: 2020, month: 2, day: 29)
        #expect(FileRetention.isDue(lastEntry: leap, today: CalendarDate(year: 2025, month: 3, day: 1)))
        #expect(!FileRetention.isDue(lastEntry: leap, today: CalendarDate(year: 2025, month: 2, day: 27)))
    }

    @Test("Files of people born on the 5th, 15th or 25th are kept for research, also with a samordningsnummer")
    func researchDays() {
        #expect(FileRetention.isKeptForResearch(personalIdentityNumber: "194005159876"))
        #expect(FileRetention.isKeptForResearch(personalIdentityNumber: "194001059876"))
        #expect(FileRetention.isKeptForResearch(personalIdentityNumber: "194001259876"))
        #expect(FileRetention.isKeptForResearch(personalIdentityNumber: "194001759876"), "samordningsnummer: 75 is the 15th")
        #expect(!FileRetention.isKeptForResearch(personalIdentityNumber: "194001169876"))
        #expect(FileRetention.isKeptForResearch(personalIdentityNumber: "194001659876"), "samordningsnummer: 65 is the 5th")
        #expect(!FileRetention.isKeptForResearch(personalIdentityNumber: nil))
        #expect(!FileRetention.isKeptForResearch(personalIdentityNumber: "1940"))
    }
}

@Suite("Gallring: the day a file falls due, read both ways")
struct FileRetentionCutoffTests {
    @Test("A file is due exactly when its last entry is on or before the latest due day")
    func cutoffAgreesWithDue() {
        var today = CalendarDate(year: 2027, month: 1, day: 1)
        while today < CalendarDate(year: 2029, month: 1, day: 1) {
            let latest = FileRetention.latestDueEntry(today: today)
            for offset in [-1, 0, 1] {
                let entry = latest.addingDays(offset)
                // Leap days aside (29 February has no twin five years on), the two readings agree.
                if entry.month == 2 && entry.day == 29 || latest.month == 2 && latest.day >= 28 { continue }
                #expect(FileRetention.isDue(lastEntry: entry, today: today) == !(latest < entry), "\(entry) on \(today)")
            }
            today = today.addingDays(1)
        }
    }
}
