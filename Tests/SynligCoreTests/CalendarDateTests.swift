import Foundation
import Testing
@testable import SynligCore

private func date(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> CalendarDate {
    try #require(CalendarDate(text), "could not parse \(text)", sourceLocation: sourceLocation)
}

@Suite("CalendarDate parsing")
struct CalendarDateParsingTests {
    @Test func parsesAPlainDate() throws {
        let parsed = try date("2026-01-05")
        #expect(parsed.year == 2026)
        #expect(parsed.month == 1)
        #expect(parsed.day == 5)
        #expect(parsed == CalendarDate(year: 2026, month: 1, day: 5))
    }

    @Test(arguments: ["2028-02-29", "2000-02-29", "2024-02-29", "2026-02-28", "2026-12-31", "2026-04-30",
                      "2026-01-31", "1900-01-01", "2200-12-31"])
    func validDates(text: String) throws {
        let parsed = try date(text)
        #expect(parsed.iso == text)
    }

    @Test(arguments: ["2026-02-29", "1900-02-29", "2100-02-29", "2026-02-30", "2026-04-31", "2026-06-31",
                      "2026-1-05", "26-01-05", "2026-13-01", "2026-00-10", "2026-01-00", "2026-01-32",
                      "", "   ", "2026/01/05", "20260105", "2026-01-05T00:00", "05-01-2026", "abcd-ef-gh",
                      "1899-12-31", "2201-01-01", "2026-01-5 ", "2026--01-05", "2026-01-050"])
    func invalidDates(text: String) {
        #expect(CalendarDate(text) == nil, "\"\(text)\" should not parse")
    }

    @Test func nilTextIsNil() {
        #expect(CalendarDate(nil as String?) == nil)
    }

    @Test func surroundingSpacesAreTrimmed() throws {
        #expect(try date(" 2026-01-05 ") == CalendarDate(year: 2026, month: 1, day: 5))
        #expect(try date("\t2026-01-05") == CalendarDate(year: 2026, month: 1, day: 5))
    }
}

@Suite("CalendarDate ordering and formatting")
struct CalendarDateOrderingTests {
    @Test func ordersByYearThenMonthThenDay() throws {
        #expect(try date("2025-12-31") < date("2026-01-01"))
        #expect(try date("2026-01-31") < date("2026-02-01"))
        #expect(try date("2026-02-01") < date("2026-02-02"))
        #expect(try !(date("2026-02-02") < date("2026-02-02")))
        #expect(try date("2026-10-01") > date("2026-09-30"))
    }

    @Test func sortingMatchesIsoStringOrder() throws {
        let texts = ["2026-10-01", "2026-02-15", "2025-12-31", "2026-02-01", "2027-01-01", "2026-09-30"]
        let dates = try texts.map { try date($0) }
        #expect(dates.sorted().map(\.iso) == texts.sorted())
    }

    @Test func equalAndHashable() throws {
        let set: Set<CalendarDate> = [try date("2026-01-05"), CalendarDate(year: 2026, month: 1, day: 5)]
        #expect(set.count == 1)
    }

    @Test func isoIsZeroPadded() {
        #expect(CalendarDate(year: 2026, month: 1, day: 5).iso == "2026-01-05")
        #expect(CalendarDate(year: 2026, month: 1, day: 5).description == "2026-01-05")
    }

    @Test func isoRoundTripsForEveryDayOfALeapAndACommonYear() throws {
        var count = 0
        for year in [2026, 2028] {
            for month in 1...12 {
                for day in 1...CalendarDate.daysIn(month: month, year: year) {
                    let original = CalendarDate(year: year, month: month, day: day)
                    #expect(CalendarDate(original.iso) == original)
                    count += 1
                }
            }
        }
        #expect(count == 365 + 366)
    }

    @Test func daysInMonth() {
        #expect(CalendarDate.daysIn(month: 2, year: 2026) == 28)
        #expect(CalendarDate.daysIn(month: 2, year: 2028) == 29)
        #expect(CalendarDate.daysIn(month: 2, year: 1900) == 28)
        #expect(CalendarDate.daysIn(month: 2, year: 2000) == 29)
        #expect(CalendarDate.daysIn(month: 4, year: 2026) == 30)
        #expect(CalendarDate.daysIn(month: 12, year: 2026) == 31)
    }
}

@Suite("CalendarDate.addingMonths")
struct CalendarDateAddingMonthsTests {
    @Test(arguments: [
        ("2026-01-31", 1, "2026-02-28"),
        ("2028-01-31", 1, "2028-02-29"),
        ("2026-11-30", 3, "2027-02-28"),
        ("2026-03-31", -1, "2026-02-28"),
        ("2026-01-15", 1, "2026-02-15"),
        ("2026-01-15", 0, "2026-01-15"),
        ("2026-12-15", 1, "2027-01-15"),
        ("2026-01-15", -1, "2025-12-15"),
        ("2026-01-31", -2, "2025-11-30"),
        ("2026-05-31", 1, "2026-06-30"),
        ("2026-08-31", 12, "2027-08-31"),
        ("2028-02-29", 12, "2029-02-28"),
        ("2028-02-29", 48, "2032-02-29"),
        ("2026-06-30", 6, "2026-12-30"),
        ("2026-06-15", -18, "2024-12-15"),
        ("2026-06-15", 24, "2028-06-15"),
    ])
    func addsAndClamps(start: String, months: Int, expected: String) throws {
        #expect(try date(start).addingMonths(months).iso == expected)
    }

    @Test func resultIsAlwaysAValidDate() {
        for year in [2026, 2027, 2028] {
            for month in 1...12 {
                for day in [1, 15, 28, 29, 30, 31] where day <= CalendarDate.daysIn(month: month, year: year) {
                    let start = CalendarDate(year: year, month: month, day: day)
                    for months in -25...25 {
                        let result = start.addingMonths(months)
                        #expect(CalendarDate(result.iso) == result, "\(start) + \(months) → invalid \(result.iso)")
                        // Month arithmetic is exact; only the day may be clamped, never raised.
                        let monthIndex = result.year * 12 + result.month - 1
                        #expect(monthIndex == year * 12 + month - 1 + months)
                        #expect(result.day <= day)
                    }
                }
            }
        }
    }
}

@Suite("CalendarDate Codable")
struct CalendarDateCodableTests {
    private struct Wrapper: Codable, Equatable {
        var due: CalendarDate
    }

    @Test func encodesAsIsoString() throws {
        let data = try JSONEncoder().encode(Wrapper(due: CalendarDate(year: 2026, month: 3, day: 7)))
        #expect(String(decoding: data, as: UTF8.self) == #"{"due":"2026-03-07"}"#)
    }

    @Test func decodesIsoString() throws {
        let decoded = try JSONDecoder().decode(Wrapper.self, from: Data(#"{"due":"2028-02-29"}"#.utf8))
        #expect(decoded.due == CalendarDate(year: 2028, month: 2, day: 29))
    }

    @Test func roundTrips() throws {
        let original = [CalendarDate(year: 2026, month: 1, day: 5), CalendarDate(year: 2000, month: 2, day: 29)]
        let decoded = try JSONDecoder().decode([CalendarDate].self, from: JSONEncoder().encode(original))
        #expect(decoded == original)
    }

    @Test(arguments: [#"{"due":"2026-02-29"}"#, #"{"due":"2026-1-05"}"#, #"{"due":""}"#, #"{"due":"not a date"}"#])
    func badStringThrows(json: String) {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Wrapper.self, from: Data(json.utf8))
        }
    }

    @Test func nonStringThrows() {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Wrapper.self, from: Data(#"{"due":20260105}"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Wrapper.self, from: Data(#"{"due":{"year":2026,"month":1,"day":5}}"#.utf8))
        }
    }
}

@Suite("CalendarDate.today")
struct CalendarDateTodayTests {
    /// A moment given in UTC, so the expected Swedish day is worked out by hand, not by the code under test.
    func utc(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int) throws -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        return try #require(calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute)))
    }

    @Test func summerLateEveningUTCIsAlreadyTomorrowInStockholm() throws {
        // 22:30 UTC is 00:30 CEST (UTC+2).
        #expect(CalendarDate.today(now: try utc(2026, 6, 30, 22, 30)) == CalendarDate(year: 2026, month: 7, day: 1))
    }

    @Test func summerJustBeforeSwedishMidnight() throws {
        // 21:59 UTC is 23:59 CEST.
        #expect(CalendarDate.today(now: try utc(2026, 6, 30, 21, 59)) == CalendarDate(year: 2026, month: 6, day: 30))
    }

    @Test func winterNewYear() throws {
        // 23:30 UTC on 31 Dec is 00:30 CET (UTC+1) on 1 Jan.
        #expect(CalendarDate.today(now: try utc(2026, 12, 31, 23, 30)) == CalendarDate(year: 2027, month: 1, day: 1))
        // 22:59 UTC is 23:59 CET, still the old year.
        #expect(CalendarDate.today(now: try utc(2026, 12, 31, 22, 59)) == CalendarDate(year: 2026, month: 12, day: 31))
    }

    @Test func middayIsTheSameDay() throws {
        #expect(CalendarDate.today(now: try utc(2026, 3, 15, 12, 0)) == CalendarDate(year: 2026, month: 3, day: 15))
    }
}

@Suite("CalendarDate: only digits")
struct CalendarDateDigitsOnlyTests {
    @Test("Signs and other characters inside the numbers are refused", arguments: ["2026-+1-05", "2026-01-+5", "+026-01-05", "2026-0x-05"])
    func signsRefused(_ text: String) {
        #expect(CalendarDate(text) == nil)
    }
}

@Suite("Working hours for the log review")
struct WorkingHoursTests {
    func swedish(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int = 0) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = SwedishTime.timeZone
        return calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute))!
    }

    @Test("Weekdays 07–19 Swedish time are working hours; evenings, nights and weekends are not, also in summer time")
    func outside() {
        #expect(!WorkingHours.isOutside(swedish(2026, 11, 24, 7)))
        #expect(!WorkingHours.isOutside(swedish(2026, 11, 24, 18, 59)))
        #expect(WorkingHours.isOutside(swedish(2026, 11, 24, 19)))
        #expect(WorkingHours.isOutside(swedish(2026, 11, 24, 6, 59)))
        #expect(WorkingHours.isOutside(swedish(2026, 11, 28, 12)), "Saturday")
        #expect(WorkingHours.isOutside(swedish(2026, 11, 29, 12)), "Sunday")
        #expect(!WorkingHours.isOutside(swedish(2026, 6, 16, 8)), "08:00 in June is 06:00 UTC")
    }

    @Test("A day starts at midnight in Sweden, not in UTC")
    func startOfDay() {
        #expect(CalendarDate(year: 2026, month: 6, day: 16).startInSweden == swedish(2026, 6, 16, 0))
    }
}
