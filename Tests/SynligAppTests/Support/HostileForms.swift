import Foundation
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

/// The forms a signed-in role (or a visitor) can reach by following links from the start page:
/// found in the rendered HTML, so a new form linked from any page is tried without being listed.
struct DiscoveredForm {
    let browser: Browser
    /// The page the form is on, and where it posts.
    let page: String
    let action: String
    let method: String
    /// The fields a person types into (text, e-mail, phone, search, url, text areas).
    let textFields: [String]
    /// Each text field's kind (`textarea`, or the input's `type`) and its element id, which an
    /// error message points at.
    var kinds: [String: String] = [:]
    var ids: [String: String] = [:]
    /// Date fields, which a person fills in when they start empty, and radio groups by name.
    var dates: [String] = []
    var radios: [String: [String]] = [:]
    /// The action with ids replaced, to compare with the router's patterns.
    var pattern: String { HostileCrawl.pattern(of: action) }
}

enum HostileCrawl {
    static var uuid: Regex<AnyRegexOutput> { try! Regex("[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}") }
    private static var href: Regex<AnyRegexOutput> { try! Regex(##"href="(/[^"#]*)""##) }
    private static var formTag: Regex<AnyRegexOutput> { try! Regex(#"<form\b([^>]*)>"#) }
    private static var textControl: Regex<AnyRegexOutput> { try! Regex(#"<(input|textarea)\b([^>]*)>"#) }

    static func pattern(of path: String) -> String {
        (path.split(separator: "?").first.map(String.init) ?? path).replacing(uuid, with: ":id")
    }

    static func attribute(_ name: String, in tag: String) -> String? {
        guard let match = tag.firstMatch(of: try! Regex(#"(?:^|\s)"# + name + #"="([^"]*)""#)) else { return nil }
        return String(match.output[1].substring ?? "").replacingOccurrences(of: "&amp;", with: "&")
    }

    /// Walks the pages `browser` can open from `start`, one page per pattern, and returns every
    /// form found with the pages seen (for CSV links and the like).
    /// `known`: page patterns an earlier crawl opened, whose links are not followed again.
    static func crawl(_ browser: Browser, from start: [String], limit: Int = 600, known: Set<String> = []) async throws -> (forms: [DiscoveredForm], pages: [String]) {
        var queue = start
        var seen = Set(start)
        var perPattern = Dictionary(uniqueKeysWithValues: known.map { ($0, 1) })
        var forms: [DiscoveredForm] = []
        var pages: [String] = []
        while !queue.isEmpty, pages.count < limit {
            let path = queue.removeFirst()
            let response = try await browser.get(path)
            guard response.status == .ok, response.headers.contentType?.subType == "html" else { continue }
            pages.append(path)
            let html = response.body.string
            forms += self.forms(in: html, page: path, browser: browser)
            for match in html.matches(of: href) {
                let next = String(match.output[1].substring ?? "").replacingOccurrences(of: "&amp;", with: "&")
                guard !seen.contains(next), !next.hasPrefix("/logout"), !next.hasPrefix("/language/"), !next.hasPrefix("/css/"),
                      !next.hasPrefix("/js/"), !next.hasSuffix(".svg"), !next.hasSuffix(".pdf"), !next.hasSuffix(".csv") else { continue }
                seen.insert(next)
                let key = pattern(of: next)
                guard perPattern[key, default: 0] < 1 else { continue }
                perPattern[key, default: 0] += 1
                queue.append(next)
            }
        }
        return (forms, pages)
    }

    static func forms(in html: String, page: String, browser: Browser) -> [DiscoveredForm] {
        var found: [DiscoveredForm] = []
        for match in html.matches(of: formTag) {
            let tag = String(match.output[1].substring ?? "")
            let method = (attribute("method", in: tag) ?? "get").uppercased()
            let action = attribute("action", in: tag) ?? page.split(separator: "?").first.map(String.init) ?? page
            guard action.hasPrefix("/") else { continue }
            // The form's own markup, up to its end tag, for the names of its text fields.
            let rest = html[match.range.upperBound...]
            let body = rest[..<(rest.range(of: "</form>")?.lowerBound ?? rest.endIndex)]
            var fields: [String] = []
            var kinds: [String: String] = [:]
            var ids: [String: String] = [:]
            var dates: [String] = []
            var radios: [String: [String]] = [:]
            for control in body.matches(of: textControl) {
                let kind = String(control.output[1].substring ?? "")
                let attributes = String(control.output[2].substring ?? "")
                // A honeypot (tabindex -1), and a read-only or disabled field, are left as a person leaves them.
                guard let name = attribute("name", in: attributes), name != "_csrf", attribute("tabindex", in: attributes) != "-1",
                      attributes.firstMatch(of: try! Regex(#"\s(readonly|disabled)(\s|=|$)"#)) == nil else { continue }
                let type = (attribute("type", in: attributes) ?? "text").lowercased()
                if type == "date" { dates.append(name) }
                if type == "radio", let value = attribute("value", in: attributes) { radios[name, default: []].append(value) }
                if kind == "textarea" || ["text", "email", "tel", "search", "url"].contains(type) {
                    if !fields.contains(name) { fields.append(name) }
                    kinds[name] = kind == "textarea" ? "textarea" : type
                    ids[name] = attribute("id", in: attributes) ?? name
                }
            }
            found.append(DiscoveredForm(browser: browser, page: page, action: action, method: method, textFields: fields, kinds: kinds, ids: ids, dates: dates, radios: radios))
        }
        return found
    }

    /// Reads the form fresh from its page (a new CSRF token, the current version), types
    /// `value` into `field`, and submits it as a browser would.
    static func submit(_ form: DiscoveredForm, field: String, value: String) async throws -> TestingHTTPResponse? {
        try await submit(form, typing: [(field, value)])
    }

    /// `submit`, typing into several fields; nil when the page no longer offers the form or a field.
    /// `choosing`: what a person must fill in besides the text (a select that starts blank, an
    /// empty date) gets its first real option and today, so the text can be kept.
    static func submit(_ form: DiscoveredForm, typing: [(String, String)], choosing: Bool = false) async throws -> TestingHTTPResponse? {
        let html = try await form.browser.get(form.page).body.string
        guard var browserForm = try? BrowserForm(html: html, action: form.action) else { return nil }
        if choosing {
            for (name, values) in browserForm.options where browserForm.value(name) == "" {
                if let first = values.first(where: { !$0.isEmpty }) { try? browserForm.fill(name, first) }
            }
            for name in form.dates where browserForm.value(name) == "" { try? browserForm.fill(name, CalendarDate.today().iso) }
            for (name, values) in form.radios where browserForm.value(name) == nil {
                if let first = values.first { browserForm.fields.append((name, first)) }
            }
        }
        for (field, value) in typing {
            do { try browserForm.fill(field, value) } catch { return nil }
        }
        // The public contact form takes a submission sooner than a person types as a robot's:
        // typed here in no time, it is stamped as shown half a minute ago.
        if browserForm.value("started") != nil, browserForm.value("stamp") != nil {
            let started = Int(Date().timeIntervalSince1970) - 30
            try? browserForm.fill("started", String(started))
            try? browserForm.fill("stamp", ContactRequestService.stamp(startedAt: started, token: browserForm.value("_csrf") ?? ""))
        }
        if form.method == "GET" {
            let query = browserForm.fields.map { "\(Browser.encode($0.name))=\(Browser.encode($0.value))" }.joined(separator: "&")
            return try await form.browser.get(form.action + (form.action.contains("?") ? "&" : "?") + query)
        }
        return try await form.browser.post(form.action, form: browserForm.fields.map { ($0.name, $0.value) }, includeCSRF: false)
    }

    /// Whether a route pattern of the router (`/caregivers/:id/notes`) serves `action`'s pattern.
    static func route(_ route: [String], serves action: String) -> Bool {
        let segments = action.split(separator: "/").map(String.init)
        guard segments.count == route.count else { return false }
        return zip(route, segments).allSatisfy { $0.hasPrefix(":") || $0 == $1 }
    }
}
