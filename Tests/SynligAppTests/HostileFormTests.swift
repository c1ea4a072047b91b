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
        "/caregivers/:id/corrections/:entryId/strike": "shown only on a row of a correction history; the crawl opens one history page per route, and the demo's caregivers record no corrections. Its form has no text field either, only a reason from a list and a confirmation",
        "/recipients/:id/corrections/:entryId/strike": "shown only on a row of a correction history; the crawl opens one history page per route, and the person it opens has no corrections in the demo. Its form has no text field either, only a reason from a list and a confirmation",
        "/caregivers/invitations/:id/attendance": "shown on a relationship with an invitation; inviting needs a recorded consent, whose form asks for categories (check boxes) the suite does not tick",
    ]

    struct Tally {
        var passes = 0, forms = 0, fields = 0, inputsTyped = 0, rateLimited = 0, submissions = 0, refused = 0, keptAfterRefusal = 0, kept = 0
        var roundTrips = 0, swedishShown = 0, pagesChecked = 0, csvCells = 0, csvFormulas = 0
        var failures: [String] = []
        /// Where each browser's submissions led: the next crawl starts there too.
        var landed: [ObjectIdentifier: Set<String>] = [:]
        var neverKept: Set<String> = []
        var used = 0
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
            let visitor = Browser(app)
            var tally = Tally()
            var forms: [DiscoveredForm] = []
            var pages: [String: (Browser, String)] = [:]
            var tried: Set<String> = []
            var ending: [DiscoveredForm] = []
            // Crawl, type, crawl again: what the suite's own submissions add (a restriction, an
            // invitation, a crisis event, a plan) is what shows the forms that act on it, so
            // passes go on until one finds no form it has not seen.
            for pass in 1...4 {
                let found = try await Self.crawlPass(pass, browsers: browsers + [("visitor", visitor)], pages: &pages, tally: &tally)
                let known = Set(forms.map { "\($0.method) \($0.pattern)" })
                let new = found.filter { !known.contains("\($0.method) \($0.pattern)") }
                forms += found
                tally.passes = pass
                if new.isEmpty { break }
                // Forms that sign out or end something wait until the end, so the others are tried signed in.
                for form in new where !form.textFields.isEmpty {
                    guard tried.insert("\(form.method) \(form.pattern)").inserted else { continue }
                    if Self.ends(form) { ending.append(form); continue }
                    tally.forms += 1
                    try await Self.tryForm(form, index: tally.forms, app: app, tally: &tally)
                }
                // A form with nothing to type (invite to a meeting, offer a plan) is used once, as a
                // person would, so the forms that act on what it adds show up in the next pass.
                var textless: [DiscoveredForm] = []
                for form in new where form.textFields.isEmpty && form.method == "POST" && !Self.ends(form) {
                    if tried.insert("\(form.method) \(form.pattern)").inserted { textless.append(form) }
                }
                try await Self.use(textless, tally: &tally)
            }
            for form in ending {
                tally.forms += 1
                try await Self.tryForm(form, index: tally.forms, app: app, tally: &tally)
            }

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
            #expect(unreached.isEmpty, "\(unreached.count) POST routes no form reaches: \(unreached.sorted()); forms that kept nothing typed: \(tally.neverKept.sorted())")

            // Every page once more, now that the hostile texts are stored: nothing injected, CSVs neutralised.
            var csvLinks: Set<String> = []
            for (browser, page) in pages.values {
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
                    HostileCSV.check(response.body.string, where: link, tally: &tally)
                    break
                }
            }
            #expect(csvLinks.count >= 3, "CSV links found: \(csvLinks)")
            #expect(tally.failures.isEmpty, "\(tally.failures.count) failures: \(tally.failures.prefix(60))")
            #expect(tally.swedishShown > 10, "valid Swedish text was shown back on only \(tally.swedishShown) forms")
            #expect(tally.roundTrips > 20, "kept text read back from only \(tally.roundTrips) fields")
            try AssuranceFigures.write(HostileInput.figuresFile, part: "forms", [
                "postRoutes": postRoutes.count, "postRoutesReachedByForms": postRoutes.count - Self.unreachedByForms.count - unreached.count,
                "excluded": Self.unreachedByForms.keys.sorted(), "crawlPasses": tally.passes, "forms": tally.forms, "formsWithoutTextUsed": tally.used, "fields": tally.fields,
                "inputsTried": HostileInput.all.count, "inputsTyped": tally.inputsTyped, "submissions": tally.submissions,
                "refusedOnTheField": tally.refused, "keptAfterRefusal": tally.keptAfterRefusal, "keptAndShownEscaped": tally.kept,
                "readBackExactly": tally.roundTrips, "swedishShownExactly": tally.swedishShown, "rateLimited": tally.rateLimited,
                "pagesCheckedForMarkup": tally.pagesChecked, "csvExports": csvLinks.count, "csvCellsChecked": tally.csvCells,
                "csvFormulasNeutralised": tally.csvFormulas, "failures": tally.failures.count,
            ])
        }
    }

    /// One pass of every role's crawl. The first starts at the start page (a visitor at the public
    /// pages); later ones open only what is new: the pages submissions led to (the record a form
    /// added to), and links to page patterns not opened yet.
    static func crawlPass(_ pass: Int, browsers: [(String, Browser)], pages: inout [String: (Browser, String)],
                          tally: inout Tally) async throws -> [DiscoveredForm] {
        var found: [DiscoveredForm] = []
        for (login, browser) in browsers {
            let landed = tally.landed.removeValue(forKey: ObjectIdentifier(browser)) ?? []
            let starts = pass > 1 ? landed.sorted() : login == "visitor" ? publicStarts : ["/"]
            let known = Set(pages.keys.filter { $0.hasPrefix(login + " ") }.map { String($0.dropFirst(login.count + 1)) })
            let crawl = try await HostileCrawl.crawl(browser, from: starts, limit: login == "visitor" ? 100 : 300, known: known)
            found += crawl.forms
            for page in crawl.pages { pages["\(login) \(HostileCrawl.pattern(of: page))"] = (browser, page) }
        }
        return found
    }

    static func use(_ forms: [DiscoveredForm], tally: inout Tally) async throws {
        for form in forms {
            guard let response = try await HostileCrawl.submit(form, typing: [], choosing: true) else { continue }
            tally.used += 1
            if response.status.code >= 500 { tally.failures.append("\(form.method) \(form.pattern): \(response.status.code)") }
            if let location = response.headers.first(name: .location), location.hasPrefix("/") {
                tally.landed[ObjectIdentifier(form.browser), default: []].insert(String(location.prefix { $0 != "#" }))
            }
        }
    }

    static func ends(_ form: DiscoveredForm) -> Bool {
        ["logout", "deactivate", "delete", "remove", "sessions"].contains { form.action.contains($0) }
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

    /// A round: one submission of the form, a value in every text field.
    struct Round {
        enum Kind { case kept, everyFieldRefused, oneFieldRefused, flood }
        let kind: Kind
        let typing: [(field: String, input: HostileInput)]
    }

    /// A handful of submissions per form instead of every input in every field: each field gets a
    /// different input in each round, and the offset moves on from form to form, so over the
    /// forms every input meets every kind of field. Free-text fields take the hostile text;
    /// e-mail, phone and web fields keep a valid value in the rounds meant to be kept.
    static func rounds(_ form: DiscoveredForm, index: Int, current: BrowserForm) -> [Round] {
        let free = form.textFields.filter { ["text", "textarea", "search"].contains(form.kinds[$0] ?? "text") }
        let typed = form.textFields.filter { !free.contains($0) }
        let base = typed.map { ($0, HostileInput(name: "valid", value: plausible(form.kinds[$0] ?? "text", current: current.value($0) ?? ""),
                                                 expectation: .accepted)) }
        let accepted = HostileInput.accepted, refused = HostileInput.alwaysRefused, floods = HostileInput.floods
        func spread(_ inputs: [HostileInput], _ offset: Int) -> [(String, HostileInput)] {
            free.enumerated().map { ($1, inputs[($0 + index + offset) % inputs.count]) }
        }
        var rounds = [Round(kind: .kept, typing: base + free.map { ($0, HostileInput.swedish) }),
                      Round(kind: .kept, typing: base + spread(accepted, 1)),
                      Round(kind: .kept, typing: base + spread(accepted, 1 + free.count)),
                      Round(kind: .everyFieldRefused, typing: form.textFields.enumerated().map { ($1, refused[($0 + index) % refused.count]) })]
        if free.count > 1 || !typed.isEmpty, !free.isEmpty {
            let target = free[index % free.count]
            rounds.append(Round(kind: .oneFieldRefused, typing: base + free.map { ($0, $0 == target ? refused[index % refused.count] : HostileInput.swedish) }))
        }
        if !free.isEmpty { rounds.append(Round(kind: .flood, typing: base + spread(floods, 0))) }
        return rounds
    }

    static func tryForm(_ form: DiscoveredForm, index: Int, app: Application, tally: inout Tally) async throws {
        let html = try await form.browser.get(form.page).body.string
        guard let blank = try? BrowserForm(html: html, action: form.action) else { return }
        tally.fields += form.textFields.count
        let keptBefore = tally.kept
        defer { if tally.kept == keptBefore { tally.neverKept.insert("\(form.method) \(form.pattern)") } }
        for round in rounds(form, index: index, current: blank) {
            guard let response = try await HostileCrawl.submit(form, typing: round.typing.map { ($0.field, $0.input.value) },
                                                               choosing: round.kind == .kept) else { continue }
            tally.submissions += 1
            tally.inputsTyped += round.typing.count
            let label = "\(form.method) \(form.pattern) [\(round.typing.map { "\($0.field) ← \($0.input.name)" }.joined(separator: ", "))]"
            let status = response.status.code
            if status >= 500 { tally.failures.append("\(label): \(status)"); continue }
            // The public contact form allows a few requests per visitor: what follows is not judged.
            if status == 429 { tally.rateLimited += 1; continue }
            var shown = response.body.string
            if status == 303 || status == 302, let location = response.headers.first(name: .location), location.hasPrefix("/") {
                shown = try await form.browser.get(location).body.string
                tally.landed[ObjectIdentifier(form.browser), default: []].insert(String(location.prefix { $0 != "#" }))
            }
            checkNothingInjected(shown, where: label, tally: &tally)
            func namesField(_ field: String) -> Bool {
                let id = form.ids[field] ?? field
                return shown.contains(#"id="\#(id)-error""#) || shown.contains(##"href="#\##(id)""##)
            }
            switch round.kind {
            case .everyFieldRefused, .oneFieldRefused:
                let refused = round.typing.filter { HostileAPIBodyTests.refusesAlways($0.input) }
                for (field, input) in refused {
                    if namesField(field), status < 300 || (400..<500).contains(status) { tally.refused += 1 } else {
                        tally.failures.append("\(form.method) \(form.pattern) \(field) ← \(input.name): not refused on the field (\(status))")
                    }
                }
                // What was typed in the other fields is still there, so the person corrects one field only.
                guard round.kind == .oneFieldRefused, form.method == "POST" else { continue }
                guard let again = try? BrowserForm(html: shown, action: form.action) else {
                    tally.failures.append("\(label): the refusal does not show the form again (\(status))"); continue
                }
                for (field, input) in round.typing where !HostileAPIBodyTests.refusesAlways(input) {
                    if again.value(field) == input.value { tally.keptAfterRefusal += 1 } else {
                        tally.failures.append("\(form.method) \(form.pattern) \(field): typed text lost after a refusal (now \((again.value(field) ?? "no field").prefix(40).debugDescription))")
                    }
                }
            case .kept, .flood:
                let refusedByRule = round.typing.filter { $0.input.expectation == .accepted && namesField($0.field) && ruleRefusal(shown, app: app) }
                for (field, input) in refusedByRule { tally.failures.append("\(form.method) \(form.pattern) \(field) ← \(input.name): refused by a text rule") }
                guard (200..<400).contains(status), !round.typing.contains(where: { namesField($0.field) }) else { continue }
                tally.kept += round.typing.count
                if round.typing.contains(where: { $0.input.value == HostileInput.swedish.value }) {
                    if shown.contains(escaped(HostileInput.swedish.value)) { tally.swedishShown += 1 } else if shown.contains("Åsa Öberg-Ärlig d") {
                        tally.failures.append("\(label): Swedish text shown altered")
                    }
                }
                guard round.kind == .kept else { continue }
                try await readBack(form, round: round, label: label, tally: &tally)
            }
        }
    }

    /// A form that shows what is stored (an edit form, a search) shows the kept text byte for byte.
    static func readBack(_ form: DiscoveredForm, round: Round, label: String, tally: inout Tally) async throws {
        let page = try await form.browser.get(form.page)
        guard page.status == .ok, let again = try? BrowserForm(html: page.body.string, action: form.action) else { return }
        for (field, input) in round.typing where input.name != "valid" {
            guard let back = again.value(field), !back.isEmpty else { continue }
            if back.unicodeScalars.elementsEqual(input.value.unicodeScalars) { tally.roundTrips += 1 } else if back.hasPrefix(String(input.value.prefix(3))) {
                tally.failures.append("\(form.method) \(form.pattern) \(field) ← \(input.name): read back as \(back.prefix(40).debugDescription)")
            }
        }
    }

    /// Text as Leaf escapes it into a page.
    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "'", with: "&#39;")
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
}
