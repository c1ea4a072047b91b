import SynligCore
import Testing

@Suite("A count takes the noun form its language asks for")
struct PluralRulesTests {
    @Test("In Swedish, English and Finnish exactly one takes the singular; zero and many the plural")
    func oneAndOther() {
        for language in ["sv", "en", "fi"] {
            #expect(PluralRules.category(of: 1, language: language) == .one, "\(language)")
            for count in [0, 2, 5, 11, 21, 100, -1] {
                #expect(PluralRules.category(of: count, language: language) == .other, "\(language) \(count)")
            }
            #expect(PluralRules.categories(language: language) == [.one, .other])
        }
        #expect(PluralRules.key("public.results_count", count: 1, language: "fi") == "public.results_count.one")
        #expect(PluralRules.key("public.results_count", count: 3, language: "sv") == "public.results_count.other")
    }

    @Test("A plural key with a form missing is found, named by the missing key")
    func missingForms() {
        let swedish = ["a.one": "1 stödform", "a.other": "{0} stödformer", "b.one": "1 träff", "kind.other": "Annat"]
        let english = ["a.one": "1 form of support", "a.other": "{0} forms of support", "b.other": "{0} matches", "kind.other": "Other"]
        let bases = PluralRules.bases(in: [swedish, english])
        #expect(bases == ["a", "b"], "an enum value named other is not a plural key")
        #expect(PluralRules.missingForms(of: bases, in: swedish, language: "sv", complete: true) == ["b.other"])
        #expect(PluralRules.missingForms(of: bases, in: english, language: "en", complete: true) == ["b.one"])
        #expect(PluralRules.missingForms(of: bases, in: ["a.one": "1 tukimuoto"], language: "fi", complete: false) == ["a.other"])
        #expect(PluralRules.missingForms(of: bases, in: [:], language: "fi", complete: false).isEmpty)
    }
}
