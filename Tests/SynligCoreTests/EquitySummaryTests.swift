import Testing
@testable import SynligCore

@Suite("Equity summary: the largest differences, from published counts only")
struct EquitySummaryTests {
    @Test("Women's share of those reached beside their share of the heaviest care, rounded")
    func womenInHeavyCare() {
        let statements = EquitySummary.statements(
            genderCounts: [.count(64), .count(36), .count(0)], heavyCareByGender: [39, 11, 0],
            foreignBackground: [.count(9), .count(91)])
        #expect(statements == [.womenInHeavyCare(reached: 64, heavyCare: 78), .foreignBackground(reached: 9, population: 27)])
    }

    @Test("No sentence from a withheld count, a small base, or a difference too small to name")
    func nothingFromWithheldOrSmall() {
        // A withheld gender count: no share can be stated.
        #expect(EquitySummary.statements(genderCounts: [.count(60), .suppressed(.belowThreshold), .count(0)], heavyCareByGender: [30, 10, 0],
                                         foreignBackground: [.suppressed(.belowThreshold), .count(40)]) == [])
        // A withheld heavy-care cell.
        #expect(EquitySummary.statements(genderCounts: [.count(60), .count(40), .count(0)], heavyCareByGender: [30, nil, 0],
                                         foreignBackground: []) == [])
        // 12 known answers are too few to speak of shares.
        #expect(EquitySummary.statements(genderCounts: [.count(7), .count(5), .count(0)], heavyCareByGender: [6, 0, 0],
                                         foreignBackground: [.count(5), .count(7)]) == [])
        // 60 % against 62 % is no difference worth a sentence.
        #expect(EquitySummary.statements(genderCounts: [.count(60), .count(40), .count(0)], heavyCareByGender: [31, 19, 0],
                                         foreignBackground: []) == [])
    }
}
