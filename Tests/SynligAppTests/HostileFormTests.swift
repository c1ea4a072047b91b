import Foundation
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp
@testable import SynligDemo

/// Suite 3 of issue 14, the page half: every form a role (or a visitor) reaches by following
/// links, every text field of it, every hostile input, submitted as a browser would. A control
/// character or bidi control is refused with a message on that field (a 4xx, or a search page
/// that says so); other text is kept and shown escaped; nothing answers 5xx; no page carries
/// markup a hostile text injected; every CSV export neutralises formulas. Every POST route of
/// the router must be the action of some form found, or be listed below with the reason.
@Suite("Hostile input in every form")
struct HostileFormTests {
    static let password = "demo-losenord-123"
    static let logins = ["admin@exempel.se", "konsulent@exempel.se", "strateg@exempel.se", "handlaggare@exempel.se",
                         "personal@exempel.se", "politiker@exempel.se", "sjukskoterska@region-exempel.se", "admin@region-exempel.se"]
    /// Where a visitor starts: the public pages link on from here.
    static let publicStarts = ["/", "/login", "/stod", "/stod/\(DemoSeeder.organisationCode)"]

    /// POST routes no form on a reachable page posts to, each with the reason. A test holds the
    /// list to the router and to what the crawl finds, so a stale entry fails.
    static let unreachedByForms: [String: String] = [
        "/setup/:token": "the first administrator's one-time setup link exists only on a database with no users",
        "/login/second-factor": "asked only of an account with a second factor; the demo's accounts have none",
        "/login/step-up": "e-ID step-up, offered only when an identity provider is set up; the demo has none",
        "/account/second-factor/remove": "shown only to an account with a second factor; the demo's accounts have none",
        "/admin/users/:id/second-factor/reset": "shown only on a user with a second factor; the demo's accounts have none",
        "/admin/users/:id/reactivate": "shown only on a deactivated user; the demo deactivates none",
        "/admin/identity-providers/:id": "the form of a set-up identity provider; the demo has none",
    ]

    struct Tally {
        var forms = 0, fields = 0, rateLimited = 0, submissions = 0, refused = 0, kept = 0, swedishShown = 0, pagesChecked = 0, csvCells = 0, csvFormulas = 0
        var failures: [String] = []
    }

    @Test("Every form's text fields: hostile text refused on the field or kept and shown escaped, never 5xx; CSV neutralised")
    func everyForm() async throws {
        try await withSynlig(adjust: { $0.demoMode = true }) { app in
            _ = try await DemoSeeder.seed(app, password: Self.password)
            var browsers: [(String, Browser)] = []
            for login in Self.logins {
                let browser = Browser(app)
                try await browser.signIn(login, password: Self.password)
                browsers.append((login, browser))
            }
            var forms: [DiscoveredForm] = []
            var pages: [(Browser, String)] = []
            for (_, browser) in browsers {
                let found = try await HostileCrawl.crawl(browser, from: ["/"], limit: 300)
                forms += found.forms
                pages += found.pages.map { (browser, $0) }
            }
            let visitor = Browser(app)
            let open = try await HostileCrawl.crawl(visitor, from: Self.publicStarts, limit: 100)
            forms += open.forms
            pages += open.pages.map { (visitor, $0) }

            // Every POST route of the pages is some form's action, or listed with its reason.
            let postRoutes = app.routes.all.filter { $0.method == .POST && $0.path.first?.description != "api" }
                .map { $0.path.map(\.description) }
            let actions = Set(forms.filter { $0.method == "POST" }.map(\.pattern))
            var unreached: [String] = []
            for route in postRoutes {
                let key = "/" + route.joined(separator: "/")
                let reached = actions.contains { HostileCrawl.route(route, serves: $0) }
                if reached, Self.unreachedByForms[key] != nil { Issue.record("\(key) is listed as unreached, but a form posts to it") }
                if !reached, Self.unreachedByForms[key] == nil { unreached.append(key) }
            }
            for key in Self.unreachedByForms.keys where !postRoutes.contains(where: { "/" + $0.joined(separator: "/") == key }) {
                Issue.record("\(key) is listed as unreached but is no POST route")
            }
            #expect(unreached.isEmpty, "\(unreached.count) POST routes no form reaches: \(unreached.sorted())")

            // One form per action pattern and method: the first role that reached it types into it.
            var tally = Tally()
            var tried: Set<String> = []
            // Forms that sign out or end something come last, so the others are tried signed in.
            let ending = { (form: DiscoveredForm) in ["logout", "deactivate", "delete", "remove", "sessions"].contains { form.action.contains($0) } }
            for form in forms.filter({ !ending($0) }) + forms.filter(ending) where !form.textFields.isEmpty {
                guard tried.insert("\(form.method) \(form.pattern)").inserted else { continue }
                tally.forms += 1
                try await Self.tryForm(form, app: app, tally: &tally)
            }

            // Every page again, now that the hostile texts are stored: nothing injected, CSVs neutralised.
            var csvLinks: Set<String> = []
            for (browser, page) in pages {
                let response = try await browser.get(page)
                guard response.status == .ok else { continue }
                tally.pagesChecked += 1
                let html = response.body.string
                Self.checkNothingInjected(html, where: page, tally: &tally)
                for match in html.matches(of: try Regex(#"href="(/[^"]*\.csv[^"]*)""#)) {
                    csvLinks.insert(String(match.output[1].substring ?? "").replacingOccurrences(of: "&amp;", with: "&"))
                }
            }
            for link in csvLinks.sorted() {
                for (_, browser) in browsers + [("visitor", visitor)] {
                    let response = try await browser.get(link)
                    guard response.status == .ok else { continue }
                    Self.checkCSV(response.body.string, where: link, tally: &tally)
                    break
                }
            }
            #expect(csvLinks.count >= 3, "CSV links found: \(csvLinks)")
            #expect(tally.failures.isEmpty, "\(tally.failures.count) failures: \(tally.failures.prefix(60))")
            #expect(tally.swedishShown > 10, "valid Swedish text was shown back on only \(tally.swedishShown) forms")
            try SuiteFigures.write("hostile-input-forms", [
                "postRoutes": postRoutes.count, "postRoutesReachedByForms": postRoutes.count - Self.unreachedByForms.count - unreached.count,
                "excluded": Self.unreachedByForms.keys.sorted(), "formsWithText": tally.forms, "textFields": tally.fields,
                "inputsPerField": HostileInput.all.count, "submissions": tally.submissions, "refusedOnTheField": tally.refused,
                "keptAndShownEscaped": tally.kept, "swedishShownExactly": tally.swedishShown, "rateLimited": tally.rateLimited, "pagesCheckedForMarkup": tally.pagesChecked,
                "csvExports": csvLinks.count, "csvCellsChecked": tally.csvCells, "csvFormulasNeutralised": tally.csvFormulas,
                "failures": tally.failures.count,
            ])
        }
    }

    /// What a person would type into a field of this kind, so the rest of the form is valid.
    static func plausible(_ kind: String, current: String) -> String {
        if !current.isEmpty { return current }
        switch kind {
        case "email": return "hostile.suite@exempel.se"
        case "tel": return "070-123 45 67"
        case "url": return "https://exempel.se/stod"
        default: return HostileInput.swedish.value
        }
    }

    static func tryForm(_ form: DiscoveredForm, app: Application, tally: inout Tally) async throws {
        let html = try await form.browser.get(form.page).body.string
        guard let blank = try? BrowserForm(html: html, action: form.action) else { return }
        let base = form.textFields.map { ($0, plausible(form.kinds[$0] ?? "text", current: blank.value($0) ?? "")) }
        for field in form.textFields {
            tally.fields += 1
            let id = form.ids[field] ?? field
            for input in HostileInput.all {
                let typing = base.filter { $0.0 != field } + [(field, input.value)]
                guard let response = try await HostileCrawl.submit(form, typing: typing) else { continue }
                tally.submissions += 1
                let label = "\(form.method) \(form.pattern) \(field) ← \(input.name)"
                let status = response.status.code
                if status >= 500 { tally.failures.append("\(label): \(status)"); continue }
                // The public contact form allows a few requests per visitor: what follows is not judged.
                if status == 429 { tally.rateLimited += 1; continue }
                var shown = response.body.string
                if status == 303 || status == 302, let location = response.headers.first(name: .location), location.hasPrefix("/") {
                    shown = try await form.browser.get(location).body.string
                }
                checkNothingInjected(shown, where: label, tally: &tally)
                let namesField = shown.contains(#"id="\#(id)-error""#) || shown.contains(##"href="#\##(id)""##)
                if HostileAPIBodyTests.refusesAlways(input) {
                    if namesField, status < 300 || (400..<500).contains(status) { tally.refused += 1 } else {
                        tally.failures.append("\(label): not refused on the field (\(status))")
                    }
                    continue
                }
                if input.expectation == .accepted, namesField, ruleRefusal(shown, app: app) {
                    tally.failures.append("\(label): refused by a text rule")
                }
                if (200..<400).contains(status), !namesField { tally.kept += 1 }
                if input.value == HostileInput.swedish.value {
                    let escaped = input.value.replacingOccurrences(of: "'", with: "&#39;")
                    if shown.contains(escaped) { tally.swedishShown += 1 } else if shown.contains("Åsa Öberg-Ärlig d") {
                        tally.failures.append("\(label): shown altered")
                    }
                }
            }
        }
    }

    static func ruleRefusal(_ html: String, app: Application) -> Bool {
        // Not the length: a field of 40 characters (a phone number) rightly refuses a longer formula.
        ["input.control_characters", "input.bidi_controls"].contains { key in
            html.contains(app.localizer.text(key, "sv").replacingOccurrences(of: "'", with: "&#39;"))
        }
    }

    static func checkNothingInjected(_ html: String, where label: String, tally: inout Tally) {
        for markup in HostileInput.injectedMarkup where html.contains(markup) {
            tally.failures.append("\(label): the page carries \(markup) unescaped")
        }
    }

    /// Every cell that would start a formula in a spreadsheet (= + - @, or a tab or carriage
    /// return before one) carries the apostrophe that makes it text. A number is data.
    static func checkCSV(_ text: String, where link: String, tally: inout Tally) {
        for cell in csvCells(text) {
            tally.csvCells += 1
            if cell.hasPrefix("'"), let second = cell.dropFirst().unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(second) { tally.csvFormulas += 1 }
            guard let first = cell.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { continue }
            if Double(cell) != nil || cell.range(of: #"^[+-]?[0-9 ()-]+$"#, options: .regularExpression) != nil { continue }
            tally.failures.append("\(link): a cell a spreadsheet would run: \(cell.prefix(40).debugDescription)")
        }
    }

    /// The cells of an RFC 4180 document, quotes undone.
    static func csvCells(_ text: String) -> [String] {
        var cells: [String] = [], cell = "", quoted = false, wasQuoted = false
        var characters = Array(text.unicodeScalars.drop { $0 == "\u{FEFF}" })
        characters.append(",")
        var index = 0
        while index < characters.count {
            let c = characters[index]
            if quoted {
                if c == "\"" {
                    if index + 1 < characters.count, characters[index + 1] == "\"" { cell.unicodeScalars.append("\""); index += 1 } else { quoted = false }
                } else { cell.unicodeScalars.append(c) }
            } else if c == "\"" {
                quoted = true; wasQuoted = true
            } else if c == "," || c == "\n" || c == "\r" {
                if !cell.isEmpty || wasQuoted { cells.append(cell) }
                cell = ""; wasQuoted = false
            } else { cell.unicodeScalars.append(c) }
            index += 1
        }
        return cells
    }
}
