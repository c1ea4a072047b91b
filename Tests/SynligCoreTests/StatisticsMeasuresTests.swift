import Testing
@testable import SynligCore

private func day(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> CalendarDate {
    try #require(CalendarDate(text), "could not parse \(text)", sourceLocation: sourceLocation)
}

@Suite("Statistics: age bands from the birth year")
struct AgeBandTests {
    @Test("The age reached in the reference year decides the band, at each band's edges")
    func edges() throws {
        let reference = try day("2026-03-15")
        let expected: [(Int, AgeBand)] = [
            (2026, .under18), (2009, .under18), (2008, .from18to24), (2002, .from18to24), (2001, .from25to44),
            (1982, .from25to44), (1981, .from45to64), (1962, .from45to64), (1961, .from65to79),
            (1947, .from65to79), (1946, .from80), (1906, .from80),
        ]
        for (birthYear, band) in expected {
            #expect(AgeBand.of(birthYear: birthYear, on: reference) == band, "born \(birthYear)")
        }
    }

    @Test("No year, a year in the future or an implausible age is 'not stated'")
    func notStated() throws {
        let reference = try day("2026-03-15")
        #expect(AgeBand.of(birthYear: nil, on: reference) == .notStated)
        #expect(AgeBand.of(birthYear: 2027, on: reference) == .notStated)
        #expect(AgeBand.of(birthYear: 1905, on: reference) == .notStated)
    }

    @Test("Bands sort youngest first, 'not stated' last")
    func order() {
        #expect(AgeBand.allCases.sorted() == AgeBand.allCases)
        #expect(AgeBand.from80 < .notStated)
    }
}

@Suite("Statistics: periods as half-open ranges of days")
struct StatisticsPeriodTests {
    @Test("A quarter starts on its first day and ends on the next quarter's first day")
    func quarterBounds() throws {
        let q1 = try #require(StatisticsPeriod.quarter(1, of: 2026))
        #expect(q1.start == (try day("2026-01-01")))
        #expect(q1.end == (try day("2026-04-01")))
        let q4 = try #require(StatisticsPeriod.quarter(4, of: 2026))
        #expect(q4.start == (try day("2026-10-01")))
        #expect(q4.end == (try day("2027-01-01")))
        #expect(q4.contains(try day("2026-12-31")))
        #expect(!q4.contains(try day("2027-01-01")))
        #expect(!q4.contains(try day("2026-09-30")))
    }

    @Test("A year is 1 January up to the next 1 January, and is its four quarters")
    func yearBounds() throws {
        let year = try #require(StatisticsPeriod.year(2024))
        #expect(year.start == (try day("2024-01-01")))
        #expect(year.end == (try day("2025-01-01")))
        #expect(year.quarters.map(\.description) == ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"])
        #expect(year.quarters.first?.start == year.start)
        #expect(year.quarters.last?.end == year.end)
        // Consecutive quarters meet without a gap.
        for (a, b) in zip(year.quarters, year.quarters.dropFirst()) { #expect(a.end == b.start) }
    }

    @Test("The quarter a day falls in")
    func quarterOfDate() throws {
        #expect(StatisticsPeriod.quarterNumber(of: try day("2026-03-31")) == 1)
        #expect(StatisticsPeriod.quarterNumber(of: try day("2026-04-01")) == 2)
        #expect(StatisticsPeriod.quarterNumber(of: try day("2026-09-30")) == 3)
        #expect(StatisticsPeriod.quarter(containing: try day("2026-11-02")) == StatisticsPeriod.quarter(4, of: 2026))
    }

    @Test("The previous period, across a year's turn")
    func previous() {
        #expect(StatisticsPeriod.quarter(1, of: 2026)?.previous == StatisticsPeriod.quarter(4, of: 2025))
        #expect(StatisticsPeriod.quarter(3, of: 2026)?.previous == StatisticsPeriod.quarter(2, of: 2026))
        #expect(StatisticsPeriod.year(2026)?.previous == StatisticsPeriod.year(2025))
    }

    @Test("Written and read as '2026' and '2026-Q1'; anything else is refused")
    func text() {
        #expect(StatisticsPeriod("2026") == StatisticsPeriod.year(2026))
        #expect(StatisticsPeriod("2026-Q3") == StatisticsPeriod.quarter(3, of: 2026))
        #expect(StatisticsPeriod.quarter(2, of: 2026)?.description == "2026-Q2")
        for bad in ["2026-Q5", "2026-Q0", "2026-3", "26", "2026-Q1-x", "", "1800", "abcd"] {
            #expect(StatisticsPeriod(bad) == nil, "\(bad)")
        }
        #expect(StatisticsPeriod.quarter(0, of: 2026) == nil)
    }
}

@Suite("Statistics: rates and the estimated reach")
struct CaregiverReachTests {
    @Test("Caregivers per 1,000 adults, none for a withheld count or no population")
    func ratePerThousand() {
        #expect(CaregiverRate.perThousandAdults(.count(50), adults: 20_000) == 2.5)
        #expect(CaregiverRate.perThousandAdults(.suppressed(.belowThreshold), adults: 20_000) == nil)
        #expect(CaregiverRate.perThousandAdults(.count(50), adults: 0) == nil)
    }

    @Test("15 % of adults are expected caregivers, a third of them above ten hours a week")
    func nationalShares() throws {
        let reach = CaregiverReach(identified: .count(300), identifiedMoreThanTenHours: .count(150), adults: 10_000)
        #expect(reach.estimatedCaregivers == 1_500)
        #expect(reach.estimatedMoreThanTenHours == 500)
        #expect(abs(try #require(reach.identifiedShare) - 0.2) < 1e-12)
        #expect(abs(try #require(reach.moreThanTenHoursShare) - 0.3) < 1e-12)
    }

    @Test("A municipality may set its own shares")
    func ownShares() throws {
        let reach = CaregiverReach(identified: .count(300), identifiedMoreThanTenHours: .count(100), adults: 10_000,
                                   caregiverShare: 0.2, moreThanTenHoursShare: 0.5)
        #expect(reach.estimatedCaregivers == 2_000)
        #expect(reach.estimatedMoreThanTenHours == 1_000)
        #expect(abs(try #require(reach.moreThanTenHoursShare) - 0.1) < 1e-12)
    }

    @Test("No share of a withheld count, nor of nobody")
    func withheld() {
        let reach = CaregiverReach(identified: .suppressed(.belowThreshold), identifiedMoreThanTenHours: .count(7), adults: 0)
        #expect(reach.identifiedShare == nil)
        #expect(reach.moreThanTenHoursShare == nil)
        #expect(reach.estimatedCaregivers == 0)
    }
}
