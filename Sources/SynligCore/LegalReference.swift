import Foundation

/// One act or provision the product cites, as recorded in `Resources/LegalReferences.json`:
/// the only place a law's name, SFS number or paragraph is written. Texts name a reference by
/// its id; a change of law (the socialtjänstlag of 2001 gave way to SFS 2025:400 on
/// 1 July 2025) is then one edit, with the date it was checked beside it.
public struct LegalReference: Codable, Sendable, Equatable {
    /// Stable id that texts and code use: `caregiver_support`.
    public var id: String
    /// The act's name as it is written in running text, per language code (`sv`, `en`, `fi`).
    public var name: [String: String]
    /// The SFS number, `2025:400`.
    public var sfs: String
    /// Chapter, when the act has chapters and the provision was verified.
    public var chapter: String?
    /// Paragraph (§), when the provision was verified.
    public var paragraph: String?
    /// True only when chapter and paragraph were checked against a source that can be cited.
    /// An unverified reference is shown by the act's name and SFS number alone.
    public var verified: Bool
    /// The day the reference was last checked against the act in force, `YYYY-MM-DD`.
    public var checked: String
    /// Where it was checked: a citable address or document.
    public var source: String
    /// Why the reference is as it is: what was checked, what is still open.
    public var note: String
    /// The id of the reference that replaced this one, for an act no longer in force that a
    /// seed quotes; such a reference is kept for history and never cited as current law.
    public var replacedBy: String?

    public init(id: String, name: [String: String], sfs: String, chapter: String? = nil, paragraph: String? = nil,
                verified: Bool, checked: String, source: String, note: String, replacedBy: String? = nil) {
        self.id = id
        self.name = name
        self.sfs = sfs
        self.chapter = chapter
        self.paragraph = paragraph
        self.verified = verified
        self.checked = checked
        self.source = source
        self.note = note
        self.replacedBy = replacedBy
    }

    /// How a text cites the reference in `language` (falling back to Swedish): the act by name
    /// and SFS number, with chapter and paragraph only when they were verified.
    public func citation(language: String) -> String {
        let act = "\(name[language] ?? name["sv"] ?? id) (\(sfs))"
        guard verified, let paragraph else { return act }
        switch language {
        case "en":
            return chapter.map { "chapter \($0), section \(paragraph) of \(act)" } ?? "section \(paragraph) of \(act)"
        case "fi":
            return chapter.map { "\(act) \($0) luku \(paragraph) §" } ?? "\(act) \(paragraph) §"
        default:
            return chapter.map { "\($0) kap. \(paragraph) § \(act)" } ?? "\(paragraph) § \(act)"
        }
    }

    /// What is wrong with the record, if anything: a reader of the data file must be able to
    /// trust that a shown paragraph was checked, and when.
    public func problems(languages: [String], today: CalendarDate) -> [String] {
        var found: [String] = []
        for language in languages where (name[language] ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            found.append("\(id): no name in \(language)")
        }
        if sfs.wholeMatch(of: /(1[89]|20)[0-9]{2}:[0-9]{1,4}/) == nil { found.append("\(id): SFS number \(sfs) is not YYYY:N") }
        if let date = CalendarDate(checked) {
            if date > today { found.append("\(id): checked on a future day \(checked)") }
        } else {
            found.append("\(id): checked date \(checked) is not YYYY-MM-DD")
        }
        if verified && paragraph == nil { found.append("\(id): verified but no paragraph") }
        if !verified && (chapter != nil || paragraph != nil) {
            found.append("\(id): chapter or paragraph recorded without being verified")
        }
        if source.trimmingCharacters(in: .whitespaces).isEmpty { found.append("\(id): no source") }
        return found
    }
}

/// All references, by id.
public struct LegalReferences: Sendable {
    public let all: [LegalReference]

    public init(_ all: [LegalReference]) { self.all = all }

    public init(json: Data) throws { self.init(try JSONDecoder().decode([LegalReference].self, from: json)) }

    /// The reference with this id, if it exists and is current law.
    public func current(_ id: String) -> LegalReference? {
        all.first { $0.id == id && $0.replacedBy == nil }
    }

    /// Every problem in the file: duplicate ids, replacements that point nowhere, and each
    /// record's own problems.
    public func problems(languages: [String], today: CalendarDate) -> [String] {
        var found = all.flatMap { $0.problems(languages: languages, today: today) }
        let ids = all.map(\.id)
        for id in Set(ids) where ids.filter({ $0 == id }).count > 1 { found.append("\(id): listed twice") }
        for reference in all {
            if let next = reference.replacedBy, current(next) == nil {
                found.append("\(reference.id): replaced by \(next), which is not a current reference")
            }
        }
        return found
    }
}
