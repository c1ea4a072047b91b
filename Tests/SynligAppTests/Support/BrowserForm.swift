import Foundation
import VaporTesting
import Testing

/// A form as a browser submits it, read from the rendered HTML rather than written out by the
/// test: every select sends its selected option or, with none selected, its first; a checkbox or
/// radio sends its value only when ticked; text fields and text areas send what they hold. So a
/// test of an "untouched" form finds out what the page really offers, instead of assuming it.
struct BrowserForm {
    /// The fields in document order, as a browser would encode them.
    var fields: [(name: String, value: String)]
    /// Each select's options in order, for checking what a form offers first.
    var options: [String: [String]]

    /// The form with this `action` on the page.
    init(html: String, action: String) throws {
        let escaped = NSRegularExpression.escapedPattern(for: #"action=""# + action + #"""#)
        guard let formRange = Self.firstMatch(#"<form\b[^>]*"# + escaped + #"[^>]*>(.*?)</form>"#, in: html)?.range(at: 1),
              let range = Range(formRange, in: html) else {
            throw BrowserFormError.noForm(action)
        }
        let form = String(html[range])
        fields = []
        options = [:]
        let control = try NSRegularExpression(pattern: #"<input\b([^>]*)>|<select\b([^>]*)>(.*?)</select>|<textarea\b([^>]*)>(.*?)</textarea>"#,
                                              options: [.dotMatchesLineSeparators, .caseInsensitive])
        for match in control.matches(in: form, range: NSRange(form.startIndex..., in: form)) {
            func group(_ index: Int) -> String? {
                Range(match.range(at: index), in: form).map { String(form[$0]) }
            }
            if let attributes = group(1) {
                guard let name = Self.attribute("name", in: attributes) else { continue }
                let type = (Self.attribute("type", in: attributes) ?? "text").lowercased()
                switch type {
                case "checkbox", "radio":
                    if Self.flag("checked", in: attributes) { fields.append((name, Self.attribute("value", in: attributes) ?? "on")) }
                case "submit", "button", "reset", "image", "file":
                    continue
                default:
                    fields.append((name, Self.attribute("value", in: attributes) ?? ""))
                }
            } else if let attributes = group(2), let body = group(3) {
                guard let name = Self.attribute("name", in: attributes) else { continue }
                let optionPattern = try NSRegularExpression(pattern: #"<option\b([^>]*)>"#, options: [.caseInsensitive])
                let all = optionPattern.matches(in: body, range: NSRange(body.startIndex..., in: body)).compactMap {
                    Range($0.range(at: 1), in: body).map { String(body[$0]) }
                }
                let values = all.map { Self.attribute("value", in: $0) ?? "" }
                options[name] = values
                if let chosen = all.firstIndex(where: { Self.flag("selected", in: $0) }) {
                    fields.append((name, values[chosen]))
                } else if let first = values.first {
                    fields.append((name, first))
                }
            } else if let attributes = group(4), let body = group(5) {
                guard let name = Self.attribute("name", in: attributes) else { continue }
                // A browser drops one newline right after the opening tag.
                fields.append((name, Self.unescape(body.hasPrefix("\n") ? String(body.dropFirst()) : body)))
            }
        }
    }

    /// Types into a text field, as a person would; the field must be on the form.
    mutating func fill(_ name: String, _ value: String) throws {
        guard let index = fields.firstIndex(where: { $0.name == name }) else { throw BrowserFormError.noField(name) }
        fields[index].value = value
    }

    func value(_ name: String) -> String? { fields.first { $0.name == name }?.value }

    private static func firstMatch(_ pattern: String, in text: String) -> NSTextCheckingResult? {
        try? NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators, .caseInsensitive])
            .firstMatch(in: text, range: NSRange(text.startIndex..., in: text))
    }

    private static func attribute(_ name: String, in attributes: String) -> String? {
        guard let match = firstMatch(#"(?:^|\s)"# + name + #"="([^"]*)""#, in: attributes),
              let range = Range(match.range(at: 1), in: attributes) else { return nil }
        return unescape(String(attributes[range]))
    }

    private static func flag(_ name: String, in attributes: String) -> Bool {
        firstMatch(#"(?:^|\s)"# + name + #"(?:\s|=|$)"#, in: attributes) != nil
    }

    private static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&#x27;", with: "'").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
    }
}

enum BrowserFormError: Error {
    case noForm(String)
    case noField(String)
}

extension Browser {
    /// Opens `page`, reads the form that posts to `action` (the page itself unless told), fills
    /// in what `typing` says and submits everything else as it stood.
    @discardableResult
    func submitForm(on page: String, action: String? = nil, typing: [(String, String)] = []) async throws -> TestingHTTPResponse {
        let html = try await get(page).body.string
        var form = try BrowserForm(html: html, action: action ?? page)
        for (name, value) in typing { try form.fill(name, value) }
        // The form carries its own CSRF token, as a browser sends it.
        return try await post(action ?? page, form: form.fields.map { ($0.name, $0.value) }, includeCSRF: false)
    }
}
