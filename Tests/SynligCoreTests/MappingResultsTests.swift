import Testing
@testable import SynligCore


private let yesNoOrder = ["yes", "partly", "no", "unknown"]
private let unanswered = AnswerDistribution.unansweredKey

/// The exact share in percent, worked out independently of the code under test.
private func exactPercent(_ count: Int, of sheets: Int) -> Double {
    Double(count) * 100 / Double(sheets)
}

/// Each rounded percentage is the floor or the ceiling of its exact value (never further than 1 away).
private func expectWithinOne(_ percentages: [String: Int], _ distribution: AnswerDistribution, order: [String],
                             sourceLocation: SourceLocation = #_sourceLocation) {
    for key in order + [unanswered] {
        let count = key == unanswered ? distribution.unanswered : distribution.count(key)
        let exact = exactPercent(count, of: distribution.sheets)
        let rounded = percentages[key] ?? -1
        #expect(Double(rounded) >= exact.rounded(.down) && Double(rounded) <= exact.rounded(.up),
                "\(key): \(rounded)% is not floor/ceil of \(exact)% (\(distribution))", sourceLocation: sourceLocation)
    }
}

@Suite("AnswerDistribution")
struct AnswerDistributionTests {
    @Test func partialAnswersLeaveTheRestUnanswered() {
        let distribution = AnswerDistribution(counts: ["yes": 2, "no": 1], sheets: 5)
        #expect(distribution.answered == 3)
        #expect(distribution.unanswered == 2)
        #expect(distribution.count("yes") == 2)
        #expect(distribution.count("no") == 1)
        #expect(distribution.count("partly") == 0)
    }

    @Test func everySheetAnsweredMeansNoneUnanswered() {
        let distribution = AnswerDistribution(counts: ["yes": 3, "partly": 1, "no": 1], sheets: 5)
        #expect(distribution.answered == 5)
        #expect(distribution.unanswered == 0)
    }

    @Test func unansweredIsNeverNegativeWhenCountsExceedSheets() {
        let distribution = AnswerDistribution(counts: ["yes": 4, "no": 3], sheets: 5)
        #expect(distribution.answered == 7)
        #expect(distribution.unanswered == 0)
    }

    @Test func emptyDistribution() {
        let distribution = AnswerDistribution(counts: [:], sheets: 0)
        #expect(distribution.answered == 0)
        #expect(distribution.unanswered == 0)
    }

    // MARK: percentages

    @Test func noSheetsGivesAllZerosWithoutDividingByZero() {
        let distribution = AnswerDistribution(counts: [:], sheets: 0)
        let percentages = distribution.percentages(order: yesNoOrder)
        #expect(percentages == ["yes": 0, "partly": 0, "no": 0, "unknown": 0, unanswered: 0])
    }

    @Test func noSheetsGivesZerosEvenWithStrayCounts() {
        let distribution = AnswerDistribution(counts: ["yes": 2], sheets: 0)
        let percentages = distribution.percentages(order: ["yes", "no"])
        #expect(percentages == ["yes": 0, "no": 0, unanswered: 0])
    }

    @Test func containsEveryChoiceInOrderPlusUnanswered() {
        let distribution = AnswerDistribution(counts: ["yes": 1], sheets: 4)
        let percentages = distribution.percentages(order: yesNoOrder)
        #expect(Set(percentages.keys) == Set(yesNoOrder + [unanswered]))
    }

    @Test func exactSplitsNeedNoRounding() {
        let distribution = AnswerDistribution(counts: ["yes": 2, "partly": 1, "no": 1], sheets: 4)
        #expect(distribution.percentages(order: yesNoOrder)
            == ["yes": 50, "partly": 25, "no": 25, "unknown": 0, unanswered: 0])
    }

    @Test func partialAnswersShowUnansweredShare() {
        // 5 sheets, yes 2 and no 1: 40 % yes, 20 % no, 40 % blank.
        let distribution = AnswerDistribution(counts: ["yes": 2, "no": 1], sheets: 5)
        #expect(distribution.percentages(order: yesNoOrder)
            == ["yes": 40, "partly": 0, "no": 20, "unknown": 0, unanswered: 40])
    }

    @Test func allUnanswered() {
        let distribution = AnswerDistribution(counts: [:], sheets: 3)
        #expect(distribution.percentages(order: ["yes", "no"]) == ["yes": 0, "no": 0, unanswered: 100])
    }

    @Test func thirdsSumToHundredWithOneRoundedUp() {
        // 1, 1, 1 of 3: exact 33.33… each; one of them must carry the extra point.
        let distribution = AnswerDistribution(counts: ["yes": 1, "no": 1], sheets: 3)
        let order = ["yes", "no"]
        let percentages = distribution.percentages(order: order)
        #expect(percentages.values.reduce(0, +) == 100)
        #expect(percentages.values.sorted() == [33, 33, 34])
        expectWithinOne(percentages, distribution, order: order)
    }

    @Test func largestRemainderGetsTheExtraPoint() {
        // 2 and 1 of 3: exact 66.67 and 33.33; 66.67 has the larger remainder → 67 / 33.
        let distribution = AnswerDistribution(counts: ["yes": 2, "no": 1], sheets: 3)
        #expect(distribution.percentages(order: ["yes", "no"]) == ["yes": 67, "no": 33, unanswered: 0])
    }

    @Test func largestRemaindersWinOverSmallerOnes() {
        // 7 sheets: yes 1 (14.29), partly 2 (28.57), no 4 (57.14). Floors 14+28+57 = 99; the one
        // missing point goes to partly (remainder .57), not yes (.29) or no (.14).
        let distribution = AnswerDistribution(counts: ["yes": 1, "partly": 2, "no": 4], sheets: 7)
        #expect(distribution.percentages(order: ["yes", "partly", "no"])
            == ["yes": 14, "partly": 29, "no": 57, unanswered: 0])
    }

    @Test func twoPointsGoToTheTwoLargestRemainders() {
        // 6 sheets: yes 1 (16.67), no 1 (16.67), unanswered 4 (66.67). Floors 16+16+66 = 98 and all
        // remainders are .67, so two of the three get a point; which two is a tie-break.
        let distribution = AnswerDistribution(counts: ["yes": 1, "no": 1], sheets: 6)
        let order = ["yes", "no"]
        let percentages = distribution.percentages(order: order)
        #expect(percentages.values.reduce(0, +) == 100)
        #expect(percentages.values.sorted() == [16, 17, 67] || percentages.values.sorted() == [17, 17, 66])
        expectWithinOne(percentages, distribution, order: order)
    }

    @Test(arguments: [
        (["yes": 1], 7),
        (["yes": 1, "no": 1], 7),
        (["yes": 1, "partly": 1, "no": 1, "unknown": 1], 7),
        (["yes": 1, "partly": 1, "no": 1], 3),
        (["yes": 1, "partly": 1, "no": 1, "unknown": 1], 6),
        (["yes": 2, "partly": 2, "no": 2], 9),
        (["yes": 1, "partly": 1, "no": 1, "unknown": 1], 11),
        (["yes": 5, "partly": 5, "no": 5, "unknown": 5], 23),
        (["yes": 1], 3),
        (["yes": 1], 1),
        (["yes": 33, "partly": 33, "no": 33], 100),
        (["yes": 1, "partly": 1, "no": 1, "unknown": 1], 997),
    ] as [([String: Int], Int)])
    func awkwardSplitsSumToExactlyHundred(counts: [String: Int], sheets: Int) {
        let distribution = AnswerDistribution(counts: counts, sheets: sheets)
        let percentages = distribution.percentages(order: yesNoOrder)
        #expect(percentages.values.reduce(0, +) == 100, "\(counts) of \(sheets) → \(percentages)")
        #expect(percentages.values.allSatisfy { $0 >= 0 })
        expectWithinOne(percentages, distribution, order: yesNoOrder)
    }

    @Test func isDeterministic() {
        let distribution = AnswerDistribution(counts: ["yes": 1, "partly": 1, "no": 1, "unknown": 1], sheets: 6)
        let first = distribution.percentages(order: yesNoOrder)
        for _ in 0..<50 {
            #expect(distribution.percentages(order: yesNoOrder) == first)
        }
    }

    @Test func randomCountsAlwaysSumToHundred() {
        var generator = SeededGenerator(seed: 0x5EED_2026)
        for _ in 0..<2_000 {
            let sheets = Int.random(in: 1...400, using: &generator)
            var remaining = sheets
            var counts: [String: Int] = [:]
            for choice in yesNoOrder.shuffled(using: &generator) {
                // Sometimes a choice nobody picked is absent from the counts, sometimes present as 0.
                let count = Int.random(in: 0...remaining, using: &generator)
                if count > 0 || Bool.random(using: &generator) { counts[choice] = count }
                remaining -= count
            }
            let distribution = AnswerDistribution(counts: counts, sheets: sheets)
            let percentages = distribution.percentages(order: yesNoOrder)
            #expect(percentages.values.reduce(0, +) == 100, "\(counts) of \(sheets) → \(percentages)")
            #expect(Set(percentages.keys) == Set(yesNoOrder + [unanswered]))
            expectWithinOne(percentages, distribution, order: yesNoOrder)
            // A choice nobody picked is never shown as more than 0 %.
            for key in yesNoOrder where distribution.count(key) == 0 {
                #expect(percentages[key] == 0, "\(key) chosen by nobody but got \(percentages[key] ?? -1)%")
            }
        }
    }

    @Test func randomRoutineCountsAlwaysSumToHundred() {
        var generator = SeededGenerator(seed: 42)
        let order = ["exists", "planned", "missing"]
        for _ in 0..<1_000 {
            let sheets = Int.random(in: 1...60, using: &generator)
            let exists = Int.random(in: 0...sheets, using: &generator)
            let planned = Int.random(in: 0...(sheets - exists), using: &generator)
            let missing = Int.random(in: 0...(sheets - exists - planned), using: &generator)
            let distribution = AnswerDistribution(counts: ["exists": exists, "planned": planned, "missing": missing],
                                                  sheets: sheets)
            let percentages = distribution.percentages(order: order)
            #expect(percentages.values.reduce(0, +) == 100, "\(distribution) → \(percentages)")
            expectWithinOne(percentages, distribution, order: order)
        }
    }

    // MARK: share

    @Test func shareIsNilWithoutSheets() {
        #expect(AnswerDistribution(counts: [:], sheets: 0).share("yes") == nil)
        #expect(AnswerDistribution(counts: ["yes": 1], sheets: 0).share("yes") == nil)
    }

    @Test func shareIsFractionOfAllSheetsIncludingBlank() {
        let distribution = AnswerDistribution(counts: ["yes": 2, "no": 1], sheets: 5)
        #expect(distribution.share("yes") == 0.4)
        #expect(distribution.share("no") == 0.2)
        #expect(distribution.share("partly") == 0)
    }
}

@Suite("MappingChange")
struct MappingChangeTests {
    @Test func nilWhenPreviousIsMissing() {
        let current = AnswerDistribution(counts: ["yes": 1], sheets: 2)
        #expect(MappingChange.between(previous: nil, current: current, goodChoice: "yes") == nil)
    }

    @Test func nilWhenCurrentIsMissing() {
        let previous = AnswerDistribution(counts: ["yes": 1], sheets: 2)
        #expect(MappingChange.between(previous: previous, current: nil, goodChoice: "yes") == nil)
    }

    @Test func nilWhenEitherSideHadNoSheets() {
        let some = AnswerDistribution(counts: ["yes": 1], sheets: 2)
        let none = AnswerDistribution(counts: [:], sheets: 0)
        #expect(MappingChange.between(previous: none, current: some, goodChoice: "yes") == nil)
        #expect(MappingChange.between(previous: some, current: none, goodChoice: "yes") == nil)
        #expect(MappingChange.between(previous: nil, current: nil, goodChoice: "yes") == nil)
    }

    @Test func riseFromHalfToThreeQuartersIsPlus25() throws {
        let previous = AnswerDistribution(counts: ["yes": 2, "no": 2], sheets: 4)
        let current = AnswerDistribution(counts: ["yes": 3, "no": 1], sheets: 4)
        let change = try #require(MappingChange.between(previous: previous, current: current, goodChoice: "yes"))
        #expect(change.previousShare == 0.5)
        #expect(change.currentShare == 0.75)
        #expect(change.percentagePoints == 25)
    }

    @Test func fallFromSixtyToFiftyFiveIsMinus5() throws {
        // 3 of 5 → 11 of 20: 0.55 − 0.6 is −0.0499999… in binary; must still round to −5.
        let previous = AnswerDistribution(counts: ["yes": 3], sheets: 5)
        let current = AnswerDistribution(counts: ["yes": 11], sheets: 20)
        let change = try #require(MappingChange.between(previous: previous, current: current, goodChoice: "yes"))
        #expect(change.percentagePoints == -5)
    }

    @Test func usesTheGoodChoiceForRoutines() throws {
        let previous = AnswerDistribution(counts: ["exists": 1, "missing": 3], sheets: 4)
        let current = AnswerDistribution(counts: ["exists": 3, "missing": 1], sheets: 4)
        let change = try #require(MappingChange.between(previous: previous, current: current, goodChoice: "exists"))
        #expect(change.percentagePoints == 50)
    }

    @Test func noChangeIsZero() throws {
        let previous = AnswerDistribution(counts: ["yes": 1], sheets: 3)
        let current = AnswerDistribution(counts: ["yes": 2], sheets: 6)
        let change = try #require(MappingChange.between(previous: previous, current: current, goodChoice: "yes"))
        #expect(change.percentagePoints == 0)
    }

    @Test func goodChoiceNobodyPickedCountsAsZeroShare() throws {
        // Sheets existed on both sides, so a comparison is possible even if nobody answered ja.
        let previous = AnswerDistribution(counts: ["no": 2], sheets: 2)
        let current = AnswerDistribution(counts: ["yes": 1, "no": 1], sheets: 2)
        let change = try #require(MappingChange.between(previous: previous, current: current, goodChoice: "yes"))
        #expect(change.previousShare == 0)
        #expect(change.percentagePoints == 50)
    }

    @Test(arguments: [
        (0.0, 1.0, 100),
        (1.0, 0.0, -100),
        (1.0 / 3.0, 2.0 / 3.0, 33),
        (2.0 / 3.0, 1.0 / 3.0, -33),
        (0.1, 0.2, 10),
        (0.2, 0.1, -10),
        (0.7, 0.3, -40),
    ])
    func percentagePointsRoundToNearest(previous: Double, current: Double, expected: Int) {
        #expect(MappingChange(previousShare: previous, currentShare: current).percentagePoints == expected)
    }
}

@Suite("AnswerDistribution on inconsistent data")
struct AnswerDistributionInconsistentTests {
    @Test("More answers than sheets still add up to 100 %")
    func moreAnswersThanSheets() {
        let percents = AnswerDistribution(counts: ["yes": 3, "no": 2], sheets: 3).percentages(order: ["yes", "partly", "no", "unknown"])
        #expect(percents.values.reduce(0, +) == 100)
        #expect(percents["yes"] == 60)
        #expect(percents["no"] == 40)
    }

    @Test("A choice outside the order is left out and no unpicked choice gets a share")
    func unknownChoiceIgnored() {
        let percents = AnswerDistribution(counts: ["yes": 2, "maybe": 1], sheets: 3).percentages(order: ["yes", "no"])
        #expect(percents.values.reduce(0, +) == 100)
        #expect(percents["no"] == 0)
        #expect(percents["unanswered"] == 0)
        #expect(percents["yes"] == 100)
    }
}
