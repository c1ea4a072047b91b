import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

/// The defects issue 14 found by trying Synlig as a new user would, each held down by name.
/// (The hostile-input suite tries every form and body; these say plainly what came back.)
@Suite("Hostile input: the defects issue 14 found")
struct HostileRegressionTests {
    @Test("A path too long for the file system is 404, not a 500 from the static-file lookup")
    func longPathsAre404() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "anna@test.se", roles: [.consultant])
            let api = try await APIClient.signedIn(app, "anna@test.se")
            let page = try await app.testing().sendRequest(.GET, "/" + String(repeating: "a", count: 256))
            #expect(page.status == .notFound)
            let file = try await app.testing().sendRequest(.GET, "/css/" + String(repeating: "a", count: 300) + ".css")
            #expect(file.status == .notFound)
            let record = try await app.testing().sendRequest(.GET, "/api/v1/caregivers/" + String(repeating: "a", count: 4_100),
                                                             headers: ["Authorization": "Bearer \(api.token ?? "")"])
            #expect(record.status == .notFound)
        }
    }

    @Test("A search for one letter under a flood of combining marks answers, page and API, instead of a 500")
    func searchWithCombiningFlood() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "anna@test.se", roles: [.consultant])
            let flood = "x" + String(repeating: "\u{0301}", count: 100_000)
            let api = try await APIClient.signedIn(app, "anna@test.se")
            let body = String(data: try JSONEncoder().encode(["q": flood]), encoding: .utf8) ?? ""
            let found = try await api.send(.POST, "/api/v1/caregivers/search", json: body)
            #expect(found.status == .ok)
            let browser = Browser(app)
            try await browser.signIn("anna@test.se")
            let page = try await browser.post("/caregivers", form: [("q", flood)])
            #expect(page.status.code < 500)
        }
    }

    @Test("A search term with a control character or a bidi control is refused on the field, page and API, never passed on")
    func searchRefusesControls() async throws {
        try await withSynlig { app in
            let (api, browser) = try await Self.signedInConsultant(app)
            for (term, key) in [("Anna\u{0000}", "input.control_characters"), ("An\u{001B}na", "input.control_characters"),
                                ("An\u{0085}na", "input.control_characters"), ("\u{202E}anna", "input.bidi_controls")] {
                let found = try await api.send(.POST, "/api/v1/caregivers/search", json: json(["q": term]))
                #expect(found.status == .unprocessableEntity)
                #expect(found.fieldProblems["q"] == app.localizer.text(key, "sv"))
                for path in ["/caregivers", "/recipients"] {
                    try await browser.get(path)
                    let page = try await browser.post(path, form: [("q", term)])
                    #expect(page.status == .unprocessableEntity, "\(path)")
                    #expect(page.body.string.contains(#"<p class="field-error" id="q-error">"#), "\(path)")
                    #expect(page.body.string.contains(##"href="#q""##), "\(path): the error summary leads to the field")
                    // Nothing was searched, so the page counts nothing rather than "0 träffar".
                    #expect(!page.body.string.contains(#"<p role="status">"#), "\(path)")
                }
            }
            let swedish = try await api.send(.POST, "/api/v1/caregivers/search", json: json(["q": "Åsa Öberg-Ärlig d'Été"]))
            #expect(swedish.status == .ok)
        }
    }

    @Test("A NUL in the path never cuts a static file's name short: /css/synlig.css%00.html is 404")
    func nulInStaticPath() async throws {
        try await withSynlig { app in
            for path in ["/css/synlig.css%00.html", "/css/synlig.css%00", "/favicon.svg%00.html", "/css/..%2f..%2fPackage.swift"] {
                let response = try await app.testing().sendRequest(.GET, path)
                #expect(response.status == .notFound, "\(path)")
                #expect(!response.body.string.contains(":focus-visible"), "\(path) served the stylesheet")
            }
            let stylesheet = try await app.testing().sendRequest(.GET, "/css/synlig.css")
            #expect(stylesheet.status == .ok)
            #expect(stylesheet.headers.contentType?.subType == "css")
        }
    }

    @Test("A JSON body with a duplicate key, a trailing comma or a byte order mark is refused with 400 and says why")
    func strictJSON() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "admin@test.se", roles: [.admin])
            var api = try await APIClient.signedIn(app, "admin@test.se")
            api.language = "en"
            let cases: [(String, String)] = [
                (#"{"name":"Hemtjänst Öst","name":"Hemtjänst Väst","kind":"homeCare"}"#, "The field name appears twice"),
                (#"{"name":"Hemtjänst Öst","kind":"homeCare",}"#, "comma before a closing bracket"),
                ("\u{FEFF}" + #"{"name":"Hemtjänst Öst","kind":"homeCare"}"#, "byte order mark"),
            ]
            for (body, message) in cases {
                let response = try await api.send(.POST, "/api/v1/units", json: body)
                #expect(response.status == .badRequest, "\(body)")
                #expect(response.problem?.detail.contains(message) == true, "\(response.problem?.detail ?? "no problem document")")
            }
            #expect(try await Unit.query(on: app.db).count() == 0)
            let fine = try await api.send(.POST, "/api/v1/units", json: #"{"name":"Hemtjänst Öst","kind":"homeCare"}"#)
            #expect(fine.status == .created)
        }
    }

    @Test("A name flooded with combining marks, or disguised with bidi controls, is refused in the form and the API")
    func lengthAndBidiInNames() async throws {
        try await withSynlig { app in
            let (api, browser) = try await Self.signedInConsultant(app)
            let flood = "x" + String(repeating: "\u{0301}", count: 100_000)
            for (name, message) in [(flood, "input.too_long"), ("Anna \u{202E}greB", "input.bidi_controls"),
                                    ("\u{2066}Anna\u{2069}", "input.bidi_controls"), ("An\u{0085}na", "input.control_characters")] {
                let response = try await api.send(.POST, "/api/v1/caregivers", json: json(["name": name]))
                #expect(response.status == .unprocessableEntity)
                #expect(response.fieldProblems["name"] == app.localizer.text(message, "sv"))
                let form = try await browser.submitForm(on: "/caregivers/new", typing: [("name", String(String.UnicodeScalarView(name.unicodeScalars.prefix(2_000))))])
                #expect(form.status == .unprocessableEntity)
                #expect(form.body.string.contains(app.localizer.text(message, "sv").replacingOccurrences(of: "'", with: "&#39;")))
            }
            #expect(try await Caregiver.query(on: app.db).count() == 0)
        }
    }

    @Test("Editing another organisation's support offering is 404 even when the form is invalid")
    func offeringLookedUpFirst() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "anna@test.se", roles: [.consultant])
            let other = try await makeOrganisation(app, name: "Annankommun", code: "0181")
            try await makeUser(app, in: other, email: "olle@test.se", roles: [.consultant])
            let browser = Browser(app)
            try await browser.signIn("olle@test.se")
            try await browser.submitForm(on: "/support/new", action: "/support", typing: [("name", "Avlösning"), ("description", "Hemma")])
            let offering = try #require(try await SupportOffering.query(on: app.db).first())
            let anna = Browser(app)
            try await anna.signIn("anna@test.se")
            try await anna.get("/support")
            let response = try await anna.post("/support/\(try offering.requireID())", form: [("name", ""), ("version", "1")])
            #expect(response.status == .notFound)
        }
    }

    /// A consultant of a fresh organisation, signed in to the API and in a browser.
    static func signedInConsultant(_ app: Application) async throws -> (APIClient, Browser) {
        let organisation = try await makeOrganisation(app)
        try await makeUser(app, in: organisation, email: "anna@test.se", roles: [.consultant])
        let api = try await APIClient.signedIn(app, "anna@test.se")
        let browser = Browser(app)
        try await browser.signIn("anna@test.se")
        return (api, browser)
    }
}
