import Foundation
import SynligCore
import Testing

@Suite("A legal citation shows only what was verified")
struct LegalReferenceCoreTests {
    func reference(verified: Bool, chapter: String? = "5", paragraph: String? = "10") -> LegalReference {
        LegalReference(id: "caregiver_support", name: ["sv": "socialtjänstlagen", "en": "the Social Services Act", "fi": "sosiaalipalvelulaki"],
                       sfs: "2025:400", chapter: chapter, paragraph: paragraph, verified: verified, checked: "2026-01-15",
                       source: "the act", note: "", replacedBy: nil)
    }

    @Test("A verified provision is cited with chapter and paragraph in each language's own form")
    func verifiedCitation() {
        let cited = reference(verified: true)
        #expect(cited.citation(language: "sv") == "5 kap. 10 § socialtjänstlagen (2025:400)")
        #expect(cited.citation(language: "en") == "chapter 5, section 10 of the Social Services Act (2025:400)")
        #expect(cited.citation(language: "fi") == "sosiaalipalvelulaki (2025:400) 5 luku 10 §")
        #expect(cited.citation(language: "de") == "5 kap. 10 § socialtjänstlagen (2025:400)", "an unknown language falls back to Swedish")
    }

    @Test("An unverified provision is cited by the act's name and SFS number only, and may not carry a paragraph")
    func unverifiedCitation() {
        let act = reference(verified: false, chapter: nil, paragraph: nil)
        #expect(act.citation(language: "sv") == "socialtjänstlagen (2025:400)")
        #expect(act.problems(languages: ["sv", "en", "fi"], today: CalendarDate(year: 2026, month: 2, day: 1)).isEmpty)
        let guessed = reference(verified: false)
        #expect(guessed.citation(language: "sv") == "socialtjänstlagen (2025:400)")
        #expect(!guessed.problems(languages: ["sv"], today: CalendarDate(year: 2026, month: 2, day: 1)).isEmpty)
    }

    @Test("A check dated in the future, a malformed SFS number or a replacement that points nowhere is reported")
    func problemsFound() {
        var wrong = reference(verified: true)
        wrong.sfs = "2025-400"
        #expect(wrong.problems(languages: ["sv"], today: CalendarDate(year: 2025, month: 12, day: 31)).count == 2)
        var old = reference(verified: true)
        old.id = "old"
        old.replacedBy = "missing"
        let file = LegalReferences([reference(verified: true), old, reference(verified: true)])
        let problems = file.problems(languages: ["sv"], today: CalendarDate(year: 2026, month: 2, day: 1))
        #expect(problems.contains("old: replaced by missing, which is not a current reference"))
        #expect(problems.contains("caregiver_support: listed twice"))
        #expect(file.current("old") == nil)
    }
}
