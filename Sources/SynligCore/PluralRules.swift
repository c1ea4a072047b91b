/// Which form of a noun a count takes, per language, so no page says "1 stödformer",
/// "1 matches" or "1 tukimuotoa". The categories follow Unicode CLDR's plural rules; Swedish,
/// English and Finnish all have two for whole numbers: `one` (exactly 1) and `other`.
public enum PluralCategory: String, CaseIterable, Sendable {
    case one, other
}

public enum PluralRules {
    /// The categories a language's texts must provide for each plural key. A language not
    /// listed falls back to Swedish texts, and so to Swedish rules.
    public static func categories(language: String) -> [PluralCategory] {
        switch language {
        default: return [.one, .other]   // sv, en, fi (CLDR: one for i = 1 and v = 0)
        }
    }

    /// The category of a whole-number count in `language`.
    public static func category(of count: Int, language: String) -> PluralCategory {
        switch language {
        default: return count == 1 ? .one : .other   // sv, en, fi: "1 stödform", "0 stödformer", "2 stödformer"
        }
    }

    /// The key that holds the text for `count`: `public.results_count.one`.
    public static func key(_ base: String, count: Int, language: String) -> String {
        base + "." + category(of: count, language: language).rawValue
    }

    /// The plural keys of some tables of texts: those with a `.one` form. (`.other` alone does
    /// not mark one: `support.kind.other` is the kind of support called "other".)
    public static func bases(in tables: [[String: String]]) -> Set<String> {
        Set(tables.flatMap { $0.keys.filter { $0.hasSuffix(".one") }.map { String($0.dropLast(4)) } })
    }

    /// The forms of the plural keys `bases` that `table` lacks, as `key.form`: a count the page
    /// would otherwise show with the wrong noun. A partial table (a public page's extra
    /// language) is held only to the keys it translates; a complete one to all of them.
    public static func missingForms(of bases: Set<String>, in table: [String: String], language: String, complete: Bool) -> [String] {
        bases.filter { base in complete || PluralCategory.allCases.contains { table[base + "." + $0.rawValue] != nil } }
            .flatMap { base in categories(language: language).map { base + "." + $0.rawValue }.filter { table[$0] == nil } }
            .sorted()
    }
}
