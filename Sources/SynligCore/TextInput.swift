import Foundation

/// Why a piece of text typed by a user is refused. The raw value is a localisation key.
public enum TextProblem: String, Sendable, Equatable {
    case required = "input.required"
    case tooLong = "input.too_long"
    case controlCharacters = "input.control_characters"
    case bidiControls = "input.bidi_controls"
    case invalidEmail = "input.invalid_email"
}

/// How long a text may be, by kind of field. One place, so the form's `maxlength`, the
/// service's check and the API's refusal cannot disagree.
public enum TextLimit {
    /// Free text: notes, answers, descriptions, summaries.
    public static let longText = 4000
}

/// A name as search compares it: case folded, so "åsa" finds "Åsa". Stored beside the name, so
/// the search is an indexed comparison and every writer folds the same way.
public enum SearchText {
    public static func folded(_ name: String) -> String { name.lowercased() }

    /// A search term as typed: like any text a person types, one with a control character or a
    /// bidi control is refused (so it is not passed on to a query or shown back disguised).
    /// Its length is not: a search compares a capped prefix.
    public static func check(_ raw: String?) -> (value: String, problem: TextProblem?) {
        TextInput.check(raw, required: false, maxLength: .max)
    }
}

/// Normalises and checks free text before it reaches the database.
/// Single-line fields refuse every control character; multi-line fields keep line breaks and tabs.
/// Every form and API body reads its text through here, so each rule holds for every field.
public enum TextInput {
    /// Limits count Unicode scalar values (code points), as JSON Schema's `maxLength` does and as
    /// openapi.yaml documents — never grapheme clusters, or one letter carrying 100,000
    /// combining marks would pass as one character.
    public static func length(_ text: String) -> Int { text.unicodeScalars.count }

    /// The explicit bidirectional embeddings, overrides and isolates (U+202A–U+202E,
    /// U+2066–U+2069): invisible, they reorder what follows, so "Anna\u{202E}nossrep" shows as
    /// another name on every page that lists it.
    public static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
        (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
    }

    public static func check(_ value: String?, required: Bool, maxLength: Int, multiline: Bool = false) -> (value: String, problem: TextProblem?) {
        let lines = (value ?? "")
            .replacingOccurrences(of: "\r\n", with: "\n")
            .replacingOccurrences(of: "\r", with: "\n")
        let normalised = lines.trimmingCharacters(in: .whitespacesAndNewlines)
        // Checked as sent, before trimming: a trailing NEL or line break in a one-line field is
        // refused, not quietly cut, just as openapi.yaml's patterns say.
        // C0 and C1 controls (U+0000–U+001F, U+007F–U+009F) are the general category `control`.
        let allowed: Set<Unicode.Scalar> = multiline ? ["\n", "\t"] : []
        let hasControl = lines.unicodeScalars.contains { $0.properties.generalCategory == .control && !allowed.contains($0) }
        let refusal: TextProblem? = hasControl ? .controlCharacters
            : lines.unicodeScalars.contains(where: isBidiControl) ? .bidiControls : nil
        if normalised.isEmpty {
            return (normalised, refusal ?? (required ? .required : nil))
        }
        // Counted as sent, like a form's maxlength, so the limit openapi.yaml states is the one applied.
        if length(lines) > maxLength { return (normalised, .tooLong) }
        return (normalised, refusal)
    }

    /// C0 and C1 controls, and the bidirectional embeddings, overrides and isolates that can
    /// make a name read as another. openapi.yaml's `TextLine` and `Text` patterns state the same set.
    static func refused(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .control || isBidiControl(scalar)
    }

    /// A deliberately plain e-mail check: one @, a dot in the domain, no spaces.
    /// Deliverability is proven by use, not by a regular expression.
    public static func checkEmail(_ value: String?) -> (value: String, problem: TextProblem?) {
        // An address pasted with a line break after it is still the address.
        let (text, problem) = check(value?.trimmingCharacters(in: .whitespacesAndNewlines), required: true, maxLength: 254)
        if let problem { return (text.lowercased(), problem) }
        let lowered = text.lowercased()
        let parts = lowered.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
              !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
              !lowered.contains(where: { $0.isWhitespace })
        else { return (lowered, .invalidEmail) }
        return (lowered, nil)
    }
}
