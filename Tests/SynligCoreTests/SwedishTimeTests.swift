import Foundation
import Testing
@testable import SynligCore

@Suite("SwedishTime")
struct SwedishTimeTests {
    /// A moment given in UTC, so the expected local hour is worked out by hand, not by the code under test.
    func utc(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int) throws -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        return try #require(calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute)))
    }

    @Test func usesStockholmTimeZone() {
        #expect(SwedishTime.timeZone.identifier == "Europe/Stockholm")
    }

    @Test func summerDateIsCESTUTCPlusTwo() throws {
        let date = try utc(2026, 7, 15, 12, 30)
        #expect(SwedishTime.format(date, language: "sv") == "2026-07-15 14:30")
    }

    @Test func winterDateIsCETUTCPlusOne() throws {
        let date = try utc(2026, 11, 23, 6, 5)
        #expect(SwedishTime.format(date, language: "sv") == "2026-11-23 07:05")
    }

    @Test func englishForm() throws {
        let date = try utc(2026, 11, 23, 6, 5)
        #expect(SwedishTime.format(date, language: "en") == "23 Nov 2026, 07:05")
        #expect(SwedishTime.format(try utc(2027, 1, 5, 13, 45), language: "en") == "5 Jan 2027, 14:45")
    }

    @Test func withoutTime() throws {
        let date = try utc(2026, 11, 23, 6, 5)
        #expect(SwedishTime.format(date, language: "sv", includeTime: false) == "2026-11-23")
        #expect(SwedishTime.format(date, language: "en", includeTime: false) == "23 Nov 2026")
    }

    @Test func localDateIsUsedNearMidnight() throws {
        // 23:30 UTC on New Year's Eve is already the new year in Stockholm.
        let date = try utc(2026, 12, 31, 23, 30)
        #expect(SwedishTime.format(date, language: "sv") == "2027-01-01 00:30")
        #expect(SwedishTime.format(date, language: "en", includeTime: false) == "1 Jan 2027")
    }

    @Test func daylightSavingTransitions() throws {
        // Summer time starts 29 March 2026 at 01:00 UTC: 01:59 CET is followed by 03:00 CEST.
        #expect(SwedishTime.format(try utc(2026, 3, 29, 0, 59), language: "sv") == "2026-03-29 01:59")
        #expect(SwedishTime.format(try utc(2026, 3, 29, 1, 0), language: "sv") == "2026-03-29 03:00")
        // Summer time ends 25 October 2026 at 01:00 UTC: 02:30 local happens twice.
        #expect(SwedishTime.format(try utc(2026, 10, 25, 0, 30), language: "sv") == "2026-10-25 02:30")
        #expect(SwedishTime.format(try utc(2026, 10, 25, 1, 30), language: "sv") == "2026-10-25 02:30")
    }

    @Test func everyEnglishMonthAbbreviation() throws {
        let expected = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        for (index, month) in expected.enumerated() {
            let date = try utc(2026, index + 1, 15, 10, 0)
            #expect(SwedishTime.format(date, language: "en", includeTime: false) == "15 \(month) 2026")
        }
    }

    @Test func unknownLanguageFallsBackToSwedishForm() throws {
        let date = try utc(2026, 11, 23, 6, 5)
        #expect(SwedishTime.format(date, language: "de") == "2026-11-23 07:05")
    }
}
