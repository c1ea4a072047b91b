import Foundation

/// Why a piece of text typed by a user is refused. The raw value is a localisation key.
public enum TextProblem: String, Sendable, Equatable {
    case required = "input.required"
    case tooLong = "input.too_long"
    case controlCharacters = "input.control_characters"
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
}

/// Normalises and checks free text before it reaches the database.
/// Single-line fields refuse every control character; multi-line fields keep line breaks and tabs.
public enum TextInput {
    public static func check(_ value: String?, required: Bool, maxLength: Int, multiline: Bool = false) -> (value: String, problem: TextProblem?) {
        let normalised = (value ?? "")
            .replacingOccurrences(of: "\r\n", with: "\n")
            .replacingOccurrences(of: "\r", with: "\n")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        if normalised.isEmpty {
            return (normalised, required ? .required : nil)
        }
        if normalised.count > maxLength { return (normalised, .tooLong) }
        let allowed: Set<Unicode.Scalar> = multiline ? ["\n", "\t"] : []
        let hasControl = normalised.unicodeScalars.contains {
            $0.properties.generalCategory == .control && !allowed.contains($0)
        }
        if hasControl { return (normalised, .controlCharacters) }
        return (normalised, nil)
    }

    /// A deliberately plain e-mail check: one @, a dot in the domain, no spaces.
    /// Deliverability is proven by use, not by a regular expression.
    public static func checkEmail(_ value: String?) -> (value: String, problem: TextProblem?) {
        let (text, problem) = check(value, required: true, maxLength: 254)
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
