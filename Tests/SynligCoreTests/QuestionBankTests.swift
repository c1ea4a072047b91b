import Foundation
import Testing
@testable import SynligCore

/// Paths relative to the package root, found from this file's location
/// (Tests/SynligCoreTests/QuestionBankTests.swift → package root).
private enum BankFixture {
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent() // SynligCoreTests
        .deletingLastPathComponent() // Tests
        .deletingLastPathComponent() // package root

    static let bankURL = packageRoot.appendingPathComponent("Resources/QuestionBanks/official-v1.json")

    /// The seed in `shared/` beside the package, as CI checks it out.
    static let sharedSeedURL = packageRoot
        .appendingPathComponent("..")
        .appendingPathComponent("shared/seeds/003_8f6e70672cea0072.txt")
        .standardizedFileURL

    /// A verbatim copy kept with the tests, so the comparison also runs in a clone without
    /// `shared/` beside it; where both exist a test checks they are identical.
    static let fixtureSeedURL = packageRoot.appendingPathComponent("Tests/Fixtures/seeds/003_8f6e70672cea0072.txt")

    static var seedURL: URL {
        FileManager.default.fileExists(atPath: sharedSeedURL.path) ? sharedSeedURL : fixtureSeedURL
    }

    static func loadBank() throws -> QuestionBankContent {
        let data = try Data(contentsOf: bankURL)
        return try JSONDecoder().decode(QuestionBankContent.self, from: data)
    }

    struct MissingSeed: Error, CustomStringConvertible {
        let path: String
        var description: String {
            "Seed file for the official question bank is missing at \(path). "
                + "The comparison with Socialstyrelsen's text cannot run; check out shared/ beside the package."
        }
    }

    struct MissingSection: Error, CustomStringConvertible {
        let marker: String
        var description: String { "Could not find \"\(marker)\" in the seed file." }
    }

    static let sectionStart = "Bilaga 1. Frågor för kartläggning"
    static let sectionEnd = "Bilaga 2."
    static let heading = "Bilaga 1. Frågor för kartläggning och reflektion"

    /// Bilaga 1 of the seed, from its heading up to "Bilaga 2.", normalised with `SourceText.normalise`.
    static func normalisedSection() throws -> String {
        guard FileManager.default.fileExists(atPath: seedURL.path) else {
            throw MissingSeed(path: seedURL.path)
        }
        let seed = try String(contentsOf: seedURL, encoding: .utf8)
        guard let start = seed.range(of: sectionStart) else { throw MissingSection(marker: sectionStart) }
        guard let end = seed.range(of: sectionEnd, range: start.upperBound..<seed.endIndex) else {
            throw MissingSection(marker: sectionEnd)
        }
        return SourceText.normalise(String(seed[start.lowerBound..<end.lowerBound]))
    }
}

@Suite("Official question bank")
struct OfficialQuestionBankTests {
    @Test func decodesAndValidates() throws {
        let bank = try BankFixture.loadBank()
        #expect(bank.validate().isEmpty, "validate() reported \(bank.validate())")
        #expect(bank.questions.count == 14)
        #expect(bank.areas.map(\.key) == ["leadership", "knowledge", "collaboration"])
        #expect(bank.areas.map(\.title.sv) == ["Ledning och styrning", "Kunskap och kompetens", "Samverkan och samordning"])
        #expect(bank.questions(in: "leadership").count == 6)
        #expect(bank.questions(in: "knowledge").count == 5)
        #expect(bank.questions(in: "collaboration").count == 3)
        #expect(bank.questions.map(\.number) == (1...14).map(String.init))
        #expect(bank.questions.map(\.key) == (1...14).map { "q\($0)" })
        #expect(bank.questions.allSatisfy { !$0.isCustom })
        #expect(bank.source.publisher == "Socialstyrelsen")
        #expect(bank.source.part == "Bilaga 1. Frågor för kartläggning och reflektion")
    }

    @Test func formatsAndFollowUps() throws {
        let bank = try BankFixture.loadBank()
        let yesNo: Set = ["q1", "q2", "q3", "q4", "q5", "q6", "q10", "q14"]
        for question in bank.questions {
            #expect(question.format == (yesNo.contains(question.key) ? .yesNo : .open), "format of \(question.key)")
            #expect(!question.text.en.isEmpty, "English text of \(question.key)")
            for followUp in question.followUps {
                #expect(followUp.key.hasPrefix(question.key + "."), "follow-up key \(followUp.key)")
                #expect(!followUp.text.sv.isEmpty && !followUp.text.en.isEmpty, "texts of \(followUp.key)")
                if followUp.text.sv.hasPrefix("Om ja") { #expect(followUp.condition == .ifYes, "\(followUp.key)") }
                if followUp.text.sv.hasPrefix("Om nej") { #expect(followUp.condition == .ifNo, "\(followUp.key)") }
            }
        }

        let q2 = try #require(bank.question("q2"))
        #expect(q2.routines.count == 11)
        #expect(q2.routines.map(\.key) == (1...11).map { "q2.r\($0)" })
        #expect(q2.routines.allSatisfy { !$0.text.en.isEmpty })
        #expect(bank.routines.count == 11)

        let q11 = try #require(bank.question("q11"))
        #expect(q11.followUps.count == 3)
        #expect(q11.followUps.allSatisfy { $0.condition == .always })
        #expect(q11.followUps.map(\.key) == ["q11.holistic", "q11.gender", "q11.cultural"])

        let q13 = try #require(bank.question("q13"))
        #expect(q13.followUps.map(\.condition) == [.always])
        #expect(try #require(bank.question("q6")).followUps.isEmpty)
    }

    @Test func swedishTextIsVerbatimFromBilaga1() throws {
        let bank = try BankFixture.loadBank()
        let section = try BankFixture.normalisedSection()

        // A missing or extra question in the source would change this count.
        let heading = try #require(section.range(of: BankFixture.heading), "heading of Bilaga 1 not found")
        let body = String(section[heading.upperBound...])
        let numberPattern = try NSRegularExpression(pattern: #"(?:^|\s)(\d{1,2})\. [A-ZÅÄÖ]"#)
        let matches = numberPattern.matches(in: body, range: NSRange(body.startIndex..., in: body))
        let detected = matches.compactMap { Range($0.range(at: 1), in: body).map { String(body[$0]) } }
        #expect(detected.count == 14, "questions detected in Bilaga 1: \(detected)")
        #expect(detected == (1...14).map(String.init))

        // Every Swedish text appears in the section, exactly (after whitespace normalisation).
        var compared = 0
        func check(_ text: LocalizedText, _ key: String) {
            compared += 1
            #expect(text.sv == SourceText.normalise(text.sv), "\(key) is not whitespace-normalised")
            let normalised = SourceText.normalise(text.sv)
            let found = section.contains(normalised)
            #expect(found, "\(key) not found verbatim in Bilaga 1: \(text.sv)")
            // Also catch a dropped trailing "?" or "," (which `contains` alone would accept):
            // the text must stand between white space or the ends of the section.
            #expect(!found || occursAsWholeText(normalised, in: section),
                    "\(key) is only part of a longer text in Bilaga 1 (punctuation missing?): \(text.sv)")
        }
        for question in bank.questions {
            check(question.text, question.key)
            question.followUps.forEach { check($0.text, $0.key) }
            question.routines.forEach { check($0.text, $0.key) }
        }
        for area in bank.areas { check(area.title, area.key) }
        #expect(compared == 14 + 17 + 11 + 3)

        // Questions appear in order, and each follow-up and routine between its question and the next.
        var previousEnd = section.startIndex
        var starts: [(Question, Range<String.Index>)] = []
        for question in bank.questions {
            let needle = "\(question.number). " + SourceText.normalise(question.text.sv)
            guard let found = section.range(of: needle, range: previousEnd..<section.endIndex) else {
                Issue.record("\(question.key) not found after the previous question in Bilaga 1")
                continue
            }
            starts.append((question, found))
            previousEnd = found.upperBound
        }
        for (index, (question, found)) in starts.enumerated() {
            let limit = index + 1 < starts.count ? starts[index + 1].1.lowerBound : section.endIndex
            var cursor = found.upperBound
            let parts = question.followUps.map { ($0.key, $0.text.sv) } + question.routines.map { ($0.key, $0.text.sv) }
            for (key, sv) in parts {
                guard let hit = section.range(of: SourceText.normalise(sv), range: cursor..<limit) else {
                    Issue.record("\(key) not found, in order, under \(question.key) in Bilaga 1")
                    continue
                }
                cursor = hit.upperBound
            }
        }
    }
}

/// True if `text` occurs in `section` with white space (or the start/end of the section) on both sides.
private func occursAsWholeText(_ text: String, in section: String) -> Bool {
    var searchStart = section.startIndex
    while let hit = section.range(of: text, range: searchStart..<section.endIndex) {
        let before = hit.lowerBound == section.startIndex || section[section.index(before: hit.lowerBound)].isWhitespace
        let after = hit.upperBound == section.endIndex || section[hit.upperBound].isWhitespace
        if before && after { return true }
        searchStart = section.index(after: hit.lowerBound)
    }
    return false
}

@Suite("FollowUpCondition.applies")
struct FollowUpConditionTests {
    @Test func ifYesAppliesToYesAndPartly() {
        #expect(FollowUpCondition.ifYes.applies(to: .yes))
        #expect(FollowUpCondition.ifYes.applies(to: .partly))
        #expect(!FollowUpCondition.ifYes.applies(to: .no))
        #expect(!FollowUpCondition.ifYes.applies(to: .unknown))
        #expect(!FollowUpCondition.ifYes.applies(to: nil))
    }

    @Test func ifNoAppliesToNoPartlyAndUnknown() {
        #expect(!FollowUpCondition.ifNo.applies(to: .yes))
        #expect(FollowUpCondition.ifNo.applies(to: .partly))
        #expect(FollowUpCondition.ifNo.applies(to: .no))
        #expect(FollowUpCondition.ifNo.applies(to: .unknown))
        #expect(!FollowUpCondition.ifNo.applies(to: nil))
    }

    @Test func alwaysAppliesToEverything() {
        for choice in YesNoChoice.allCases {
            #expect(FollowUpCondition.always.applies(to: choice))
        }
        #expect(FollowUpCondition.always.applies(to: nil))
    }
}

@Suite("Seed copy")
struct SeedCopyTests {
    @Test("The seed copy kept with the tests is identical to shared/seeds where both exist")
    func copyMatchesShared() throws {
        let fixture = try Data(contentsOf: BankFixture.fixtureSeedURL)
        #expect(fixture.count > 10_000)
        guard FileManager.default.fileExists(atPath: BankFixture.sharedSeedURL.path) else { return }
        #expect(try Data(contentsOf: BankFixture.sharedSeedURL) == fixture)
    }
}
