import Foundation
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

/// One term for each thing: `Resources/Localization/terminology.json` lists the preferred term
/// and the words not to use, per language. Every text follows it.
@Suite("Every text follows the terminology list")
struct TerminologyTests {
    struct Terminology: Decodable {
        struct Usage: Decodable {
            var preferred: String
            var not: [String]?
            var staffNot: [String]?
            var publicNot: [String]?
            /// Words refused on their own but allowed inside one of `allowedCompounds`.
            var notBare: [String]?
            var allowedCompounds: [String]?
        }
        struct Term: Decodable {
            var concept: String
            var sv: Usage
            var en: Usage
            var fi: Usage
            func usage(_ language: String) -> Usage? { ["sv": sv, "en": en, "fi": fi][language] }
        }
        struct Exemption: Decodable { var keys: String; var reason: String }
        var terms: [Term]
        var exempt: [Exemption]
    }

    static func load() throws -> Terminology {
        let url = LocalizationCoverageTests.root.appendingPathComponent("Resources/Localization/terminology.json")
        return try JSONDecoder().decode(Terminology.self, from: Data(contentsOf: url))
    }

    /// A pattern that finds `term` as a whole word, ignoring case.
    static func wholeWord(_ term: String) throws -> NSRegularExpression {
        let escaped = NSRegularExpression.escapedPattern(for: term)
        return try NSRegularExpression(pattern: "(?<![\\p{L}\\p{N}-])" + escaped + "(?![\\p{L}\\p{N}-])", options: [.caseInsensitive])
    }

    static func contains(_ text: String, _ term: String) -> Bool {
        (try? wholeWord(term))?.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    /// A word refused on its own but allowed inside a compound: "caregiver" in "Register a
    /// caregiver", but not in "a family caregiver" or "a caregiver consultant".
    struct BareRule {
        var words: [(word: String, pattern: NSRegularExpression)]
        var compounds: [NSRegularExpression]

        init(_ usage: Terminology.Usage) throws {
            words = try (usage.notBare ?? []).map { ($0, try wholeWord($0)) }
            compounds = try (usage.allowedCompounds ?? []).map(wholeWord)
        }

        /// The refused words `text` uses outside every occurrence of an allowed compound.
        func uses(in text: String) -> [String] {
            let range = NSRange(text.startIndex..., in: text)
            let allowed = compounds.flatMap { $0.matches(in: text, range: range).map(\.range) }
            return words.filter { rule in
                rule.pattern.matches(in: text, range: range).contains { match in
                    !allowed.contains { NSLocationInRange(match.range.location, $0) && NSMaxRange(match.range) <= NSMaxRange($0) }
                }
            }.map(\.word)
        }
    }

    @Test("No text uses a word from the list's 'not' column: staff texts say närstående, the public pages may say 'den du hjälper'")
    func noAvoidedTerm() async throws {
        let terminology = try Self.load()
        #expect(terminology.terms.count >= 9)
        try await withSynlig { app in
            let publicKeys = Set(app.localizer.tables["fi"]?.keys.map { $0 } ?? [])
            #expect(publicKeys.count > 100, "public/fi.json no longer lists the public pages' texts")
            var found: [String] = []
            for language in ["sv", "en", "fi"] {
                // Each avoided word compiled once, with where it applies.
                var rules: [(word: String, pattern: NSRegularExpression, scope: String?, term: Terminology.Term, usage: Terminology.Usage)] = []
                var bareRules: [(rule: BareRule, term: Terminology.Term, usage: Terminology.Usage)] = []
                for term in terminology.terms {
                    guard let usage = term.usage(language) else { continue }
                    if usage.notBare != nil { bareRules.append((try BareRule(usage), term, usage)) }
                    for (words, scope) in [(usage.not, nil), (usage.staffNot, "staff"), (usage.publicNot, "public")] as [([String]?, String?)] {
                        for word in words ?? [] { rules.append((word, try Self.wholeWord(word), scope, term, usage)) }
                    }
                }
                for (key, text) in app.localizer.tables[language] ?? [:] {
                    if terminology.exempt.contains(where: { key.hasPrefix($0.keys) }) { continue }
                    let scope = publicKeys.contains(key) ? "public" : "staff"
                    let range = NSRange(text.startIndex..., in: text)
                    for rule in rules where (rule.scope == nil || rule.scope == scope) && rule.pattern.firstMatch(in: text, range: range) != nil {
                        found.append("\(language) \(key): '\(rule.word)' – use '\(rule.usage.preferred)' (\(rule.term.concept))")
                    }
                    for bare in bareRules {
                        for word in bare.rule.uses(in: text) {
                            found.append("\(language) \(key): bare '\(word)' – use '\(bare.usage.preferred)' or one of \(bare.usage.allowedCompounds ?? []) (\(bare.term.concept))")
                        }
                    }
                }
            }
            #expect(found.isEmpty, "\(found.sorted().joined(separator: "\n"))")
        }
    }

    @Test("Support that needs an application says the caregiver or the person helped applies, and that the decision can be appealed")
    func applicationAndAppeal() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            let karin = try await currentUser(app, try await makeUser(app, in: organisation, email: "karin@test.se", roles: [.consultant]))
            var shortStay = SupportCatalogueTests().offering("Växelvård på Solgården", kind: .shortStay)
            shortStay.needsAssessment = true
            _ = try await SupportService.save(nil, shortStay, by: karin, on: app.db)
            for (path, who, appeal) in [("/stod/0180", "Du eller den du hjälper ansöker", "Beslutet går att överklaga."),
                                        ("/en/support/0180", "You or the person you help apply", "The decision can be appealed."),
                                        ("/fi/support/0180", "Sen voi tehdä sinä tai läheisesi.", "Päätökseen voi hakea muutosta.")] {
                let html = try await app.testing().sendRequest(.GET, path).body.string
                #expect(html.contains("Växelvård på Solgården"), "\(path)")
                #expect(html.contains(who) && html.contains(appeal), "\(path)")
            }
        }
    }

    @Test("English refuses a bare 'caregiver': only 'family caregiver' and the listed compounds pass")
    func bareCaregiver() throws {
        let terminology = try Self.load()
        let rule = try #require(terminology.terms.map(\.en).first { $0.notBare?.contains("caregiver") == true })
        #expect(rule.allowedCompounds?.contains("family caregiver") == true)
        let check = try BareRule(rule)
        func bare(_ text: String) -> [String] { check.uses(in: text) }
        #expect(bare("Register a caregiver") == ["caregiver"])
        #expect(bare("Back to the caregiver's record") == ["caregiver"])
        #expect(bare("Caregivers under a restriction are left out.") == ["caregivers"])
        #expect(bare("Family caregivers and a caregiver consultant, but also caregivers") == ["caregivers"])
        #expect(bare("Register a family caregiver").isEmpty)
        #expect(bare("The family caregiver's own life").isEmpty)
        #expect(bare("A caregiver consultant will contact you.").isEmpty)
        #expect(bare("Consequence analyses with the caregiver perspective").isEmpty)
        #expect(bare("Search with POST /api/v1/caregivers/search").isEmpty)
        #expect(bare("The caregivers' own words") == ["caregivers"])
    }

    @Test("The check finds a word only as a whole word: 'läge' in a text, not inside 'krisläge'")
    func wholeWords() {
        #expect(Self.contains("Välj ett läge i listan.", "läge"))
        #expect(!Self.contains("Vid ett krisläge", "läge"))
        #expect(Self.contains("Personen registreras", "personen"))
        #expect(!Self.contains("demenssjukdom", "demens"))
        #expect(Self.contains("Stöd till dig som vårdar den enskilde.", "den enskilde"))
    }
}
