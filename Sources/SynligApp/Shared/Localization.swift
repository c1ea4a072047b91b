import Foundation
import Leaf
import NIOConcurrencyHelpers
import SynligCore
import Vapor

/// The languages every page and API answer is available in. Swedish is the default.
enum Language: String, CaseIterable, Sendable {
    case sv, en

    static let cookieName = "synlig_lang"

    /// Picks from `Accept-Language` by quality, falling back to Swedish.
    static func preferred(acceptLanguage: String?) -> Language {
        guard let header = acceptLanguage, !header.isEmpty else { return .sv }
        let ranked = header.split(separator: ",").compactMap { part -> (String, Double)? in
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first?.lowercased(), !tag.isEmpty else { return nil }
            let quality = pieces.dropFirst().first { $0.hasPrefix("q=") }
                .flatMap { Double($0.dropFirst(2)) } ?? 1
            return (tag, quality)
        }
        for (tag, _) in ranked.sorted(by: { $0.1 > $1.1 }) {
            let primary = String(tag.split(separator: "-").first ?? "")
            if let language = Language(rawValue: primary) { return language }
        }
        return .sv
    }
}

/// All user-facing text, loaded once from `Resources/Localization/{sv,en}.json` (complete), and
/// `Resources/Localization/public/<code>.json` for further languages of the caregivers' public
/// pages: adding a language there needs a translation file, not a code change.
struct Localizer: Sendable {
    let tables: [String: [String: String]]
    /// The public pages' languages: Swedish and English first, then the extra files by code.
    let publicLanguages: [String]
    /// Keys asked for that no table has: a page would show the raw key. Tests read this after
    /// rendering pages, so a key built at run time (`record.\(kind)`) cannot go missing unseen.
    let missingKeys = MissingKeys()

    static func load(into app: Application) throws {
        let directory = app.directory.resourcesDirectory + "Localization/"
        var tables: [String: [String: String]] = [:]
        for language in Language.allCases {
            tables[language.rawValue] = try decode(directory + language.rawValue + ".json")
        }
        let publicDirectory = directory + "public/"
        let extra = ((try? FileManager.default.contentsOfDirectory(atPath: publicDirectory)) ?? [])
            .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }
            .filter { $0.count <= 3 && $0.allSatisfy(\.isLetter) && tables[$0] == nil }
            .sorted()
        for code in extra { tables[code] = try decode(publicDirectory + code + ".json") }
        app.localizer = Localizer(tables: tables, publicLanguages: Language.allCases.map(\.rawValue) + extra)
    }

    private static func decode(_ path: String) throws -> [String: String] {
        try JSONDecoder().decode([String: String].self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// The text in `code`, else Swedish, else the key itself (and noted as missing).
    func text(_ key: String, _ code: String) -> String {
        if let text = tables[code]?[key] ?? tables[Language.sv.rawValue]?[key] { return text }
        missingKeys.note(key)
        return key
    }

    func text(_ key: String, _ language: Language) -> String { text(key, language.rawValue) }

    /// Replaces `{0}`, `{1}` … with the arguments.
    func text(_ key: String, _ code: String, _ arguments: [String]) -> String {
        var result = text(key, code)
        for (index, argument) in arguments.enumerated() {
            result = result.replacingOccurrences(of: "{\(index)}", with: argument)
        }
        return result
    }

    func text(_ key: String, _ language: Language, _ arguments: [String]) -> String { text(key, language.rawValue, arguments) }

    /// A text with a count in it: `key.one` or `key.other` by the language's plural rule, the
    /// count as `{0}` and further arguments as `{1}` …. Every count shown beside a noun goes
    /// through here, so "1 stödformer" cannot be written.
    func plural(_ key: String, _ code: String, count: Int, _ arguments: [String] = []) -> String {
        // A language without its own forms for this key falls back to Swedish words and rules.
        let language = tables[code]?[key + ".other"] == nil ? Language.sv.rawValue : code
        return text(PluralRules.key(key, count: count, language: language), language, [String(count)] + arguments)
    }
}

/// The set of keys no translation table had, shared by every copy of the `Localizer`.
final class MissingKeys: Sendable {
    private let keys = NIOLockedValueBox<Set<String>>([])

    func note(_ key: String) { _ = keys.withLockedValue { $0.insert(key) } }

    var all: Set<String> { keys.withLockedValue { $0 } }
}

extension Application {
    private struct LocalizerKey: StorageKey { typealias Value = Localizer }
    var localizer: Localizer {
        get { storage[LocalizerKey.self] ?? Localizer(tables: [:], publicLanguages: ["sv", "en"]) }
        set { storage[LocalizerKey.self] = newValue }
    }
}

extension Request {
    private struct LanguageKey: StorageKey { typealias Value = Language }

    /// The language of this answer: the visitor's own choice (a cookie set by the language
    /// switch), else `Accept-Language`, else Swedish.
    var language: Language {
        if let cached = storage[LanguageKey.self] { return cached }
        let chosen = cookies[Language.cookieName].flatMap { Language(rawValue: $0.string) }
            ?? Language.preferred(acceptLanguage: headers.first(name: .acceptLanguage))
        storage[LanguageKey.self] = chosen
        return chosen
    }

    private struct TextLanguageKey: StorageKey { typealias Value = String }

    /// The language the words of this answer are in: usually `language`, but a public page
    /// may be in a further language (Finnish, say) that only the public pages have.
    var textLanguage: String { storage[TextLanguageKey.self] ?? language.rawValue }

    /// Pins the language of this answer, e.g. for `/en/support`, whose path says it.
    func useLanguage(_ language: Language) {
        storage[LanguageKey.self] = language
        storage[TextLanguageKey.self] = language.rawValue
    }

    private struct PublicLanguageKey: StorageKey { typealias Value = PublicLanguage }

    /// Set on the caregivers' public pages.
    var publicLanguage: PublicLanguage? { storage[PublicLanguageKey.self] }

    /// Pins a public page's language by code; staff-only words fall back to Swedish.
    func usePublicLanguage(_ language: PublicLanguage) {
        storage[PublicLanguageKey.self] = language
        storage[LanguageKey.self] = Language(rawValue: language.code) ?? .sv
        storage[TextLanguageKey.self] = language.code
    }

    func t(_ key: String, _ arguments: String...) -> String {
        application.localizer.text(key, textLanguage, arguments)
    }

    /// `t` for a text with a count: "1 träff", "3 träffar".
    func tp(_ key: String, _ count: Int, _ arguments: String...) -> String {
        application.localizer.plural(key, textLanguage, count: count, arguments)
    }

    /// 16 000 in Swedish, 16,000 in English.
    func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var groups: [String] = []
        var rest = Substring(digits)
        while rest.count > 3 {
            groups.insert(String(rest.suffix(3)), at: 0)
            rest = rest.dropLast(3)
        }
        groups.insert(String(rest), at: 0)
        return (value < 0 ? "-" : "") + groups.joined(separator: language == .sv ? "\u{00A0}" : ",")
    }
}

/// `#t("key")` in a template.
struct TranslateTag: LeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        guard let key = ctx.parameters.first?.string else { throw "t needs a key" }
        guard let request = ctx.request else { return .string(key) }
        return .string(request.t(key))
    }
}

/// `#tf("key", value, …)` in a template: text with placeholders filled in.
struct TranslateFormatTag: LeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        guard let key = ctx.parameters.first?.string else { throw "tf needs a key" }
        guard let request = ctx.request else { return .string(key) }
        let arguments = ctx.parameters.dropFirst().map { $0.string ?? "" }
        return .string(request.application.localizer.text(key, request.textLanguage, Array(arguments)))
    }
}

/// `#tp("key", count, …)` in a template: `key.one` or `key.other` by the language's plural
/// rule, with the count as `{0}`. Also inside a text: `#tf("contact.privacy", tp("count.days", n))`.
struct TranslatePluralTag: LeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        guard let key = ctx.parameters.first?.string else { throw "tp needs a key" }
        guard let request = ctx.request else { return .string(key) }
        // A count that is not a whole number is a template error; show the "other" form of 0.
        let count = ctx.parameters.dropFirst().first.flatMap { $0.int ?? $0.string.flatMap { Int($0) } } ?? 0
        let arguments = ctx.parameters.dropFirst(2).map { $0.string ?? "" }
        return .string(request.application.localizer.plural(key, request.textLanguage, count: count, Array(arguments)))
    }
}

/// A language of the caregivers' public pages: `/stod` (Swedish), `/en/support` (English), and
/// `/<code>/support` for every further translation file.
struct PublicLanguage: Sendable, Equatable, Hashable {
    let code: String

    static let sv = PublicLanguage(code: "sv")
    static let en = PublicLanguage(code: "en")
}
