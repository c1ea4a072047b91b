import Fluent
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

@Suite("Support catalogue and public pages")
struct SupportCatalogueTests {
    func offering(_ name: String, kind: SupportKind, groups: [SupportTargetGroup] = [.all], languages: [String] = ["sv"],
                  published: Bool = true, checked: String = CalendarDate.today().iso) -> OfferingInput {
        OfferingInput(name: name, kind: kind.rawValue, provider: "municipality", providerName: "Testkommun", civilSocietyId: nil,
                      targetGroups: groups.map(\.rawValue), needsAssessment: false, cost: "Kostnadsfritt", languages: languages,
                      interpreter: false, accessibility: nil, address: nil, schedule: nil, phone: nil, email: nil, website: nil,
                      description: "Beskrivning av \(name)", eligibility: nil, lastChecked: checked, published: published, version: nil)
    }

    @Test("A consultant adds support in the catalogue; only published entries reach the public page, filtered by need, group and language")
    func catalogueToPublicPage() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "karin@test.se", roles: [.consultant])
            let browser = Browser(app)
            try await browser.signIn("karin@test.se")
            try await browser.get("/support/new")
            let invalid = try await browser.post("/support", form: [("name", ""), ("kind", "spaceship"), ("lastChecked", "igår"), ("website", "javascript:alert(1)")])
            #expect(invalid.status == .unprocessableEntity)
            #expect(invalid.body.string.contains("Välj en stödform."))
            #expect(invalid.body.string.contains("https://"))

            let created = try await browser.post("/support", form: [
                ("name", "Avlösning i hemmet"), ("kind", "respiteAtHome"), ("provider", "municipality"), ("description", "Någon tar över en stund"),
                ("targetGroups[]", "dementia"), ("languages[]", "sv"), ("languages[]", "fi"), ("lastChecked", CalendarDate.today().iso), ("published", "on"),
            ])
            #expect(created.status == .seeOther)
            let karin = try await currentUser(app, try #require(try await User.query(on: app.db).first()))
            _ = try await SupportService.save(nil, offering("Anhöriggrupp", kind: .supportGroup, groups: [.mentalIllness]), by: karin, on: app.db)
            _ = try await SupportService.save(nil, offering("Hemligt utkast", kind: .respiteAtHome, published: false), by: karin, on: app.db)

            let all = try await app.testing().sendRequest(.GET, "/stod/0180")
            #expect(all.status == .ok)
            #expect(all.body.string.contains("Avlösning i hemmet"))
            #expect(all.body.string.contains("Anhöriggrupp"))
            #expect(!all.body.string.contains("Hemligt utkast"))
            #expect(all.headers.first(name: .cacheControl) == "public, no-cache")
            #expect(all.headers[.setCookie].isEmpty)

            let aBreak = try await app.testing().sendRequest(.GET, "/stod/0180?need=aBreak&group=dementia&language=fi")
            #expect(aBreak.body.string.contains("Avlösning i hemmet"))
            #expect(!aBreak.body.string.contains("Anhöriggrupp</h3>"))
            let arabic = try await app.testing().sendRequest(.GET, "/stod/0180?language=ar")
            #expect(arabic.body.string.contains("Inget stöd passar dina val."))
            let bogus = try await app.testing().sendRequest(.GET, "/stod/0180?need=%3Cscript%3E&language=xx")
            #expect(bogus.status == .ok)

            let english = try await app.testing().sendRequest(.GET, "/en/support/0180?need=someoneToTalkTo")
            #expect(english.body.string.contains(#"<html lang="en">"#))
            #expect(english.body.string.contains("Support for family caregivers in Testkommun"))
            #expect(english.body.string.contains("Anhöriggrupp"))
            #expect(try await app.testing().sendRequest(.GET, "/stod/9998").status == .notFound)

            let start = try await app.testing().sendRequest(.GET, "/stod")
            #expect(start.body.string.contains("/stod/0180"))
            #expect(start.body.string.contains("0200-239 500"))
        }
    }

    @Test("A browser that keeps a public page asks again each time and sees an offering as soon as it is published")
    func publicPagesRevalidate() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            let karin = try await currentUser(app, try await makeUser(app, in: organisation, email: "karin@test.se", roles: [.consultant]))
            _ = try await SupportService.save(nil, offering("Anhöriggrupp", kind: .supportGroup), by: karin, on: app.db)
            func get(_ path: String, ifNoneMatch tag: String? = nil) async throws -> TestingHTTPResponse {
                var headers = HTTPHeaders()
                if let tag { headers.add(name: .ifNoneMatch, value: tag) }
                return try await app.testing().sendRequest(.GET, path, headers: headers)
            }

            let first = try await get("/stod/0180")
            let tag = try #require(first.headers.first(name: .eTag))
            #expect(first.headers.first(name: .cacheControl) == "public, no-cache")
            let unchanged = try await get("/stod/0180", ifNoneMatch: tag)
            #expect(unchanged.status == .notModified)
            #expect(unchanged.body.readableBytes == 0)
            #expect(unchanged.headers.first(name: .eTag) == tag)
            #expect(unchanged.headers.first(name: .cacheControl) == "public, no-cache")
            #expect(try await get("/en/support/0180").headers.first(name: .eTag) != tag, "the language is part of the tag")

            let draft = try await SupportService.save(nil, offering("Avlösning i hemmet", kind: .respiteAtHome, published: false), by: karin, on: app.db)
            let afterDraft = try await get("/stod/0180", ifNoneMatch: tag)
            #expect(afterDraft.status == .ok, "a new entry, even a draft, changes the catalogue's tag")
            #expect(!afterDraft.body.string.contains("Avlösning i hemmet"))
            let draftTag = try #require(afterDraft.headers.first(name: .eTag))

            var published = offering("Avlösning i hemmet", kind: .respiteAtHome)
            published.version = draft.version
            _ = try await SupportService.save(try draft.requireID(), published, by: karin, on: app.db)
            for path in ["/stod/0180", "/stod"] {
                let changed = try await get(path, ifNoneMatch: draftTag)
                #expect(changed.status == .ok, "\(path) after publishing")
                #expect(changed.headers.first(name: .eTag) != draftTag)
            }
            #expect(try await get("/stod/0180", ifNoneMatch: draftTag).body.string.contains("Avlösning i hemmet"))
        }
    }

    @Test("Entries unchecked for six months are flagged, text is rendered inert, and edits are audited and guarded")
    func staleInertAndGuarded() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            let user = try await makeUser(app, in: organisation, email: "karin@test.se", roles: [.consultant])
            let karin = try await currentUser(app, user)
            let old = try await SupportService.save(nil, offering("<script>alert(1)</script>", kind: .dayCare,
                                                                  checked: CalendarDate.today().addingMonths(-7).iso), by: karin, on: app.db)
            let browser = Browser(app)
            try await browser.signIn("karin@test.se")
            let list = try await browser.get("/support")
            #expect(list.body.string.contains("1 stödform har inte kontrollerats på över sex månader."))
            #expect(!list.body.string.contains("<script>alert(1)</script>"))
            let publicPage = try await app.testing().sendRequest(.GET, "/stod/0180")
            #expect(!publicPage.body.string.contains("<script>alert(1)</script>"))
            #expect(publicPage.body.string.contains("&lt;script&gt;"))

            var edit = offering("Dagverksamhet", kind: .dayCare)
            edit.version = 1
            _ = try await SupportService.save(try old.requireID(), edit, by: karin, on: app.db)
            await #expect(throws: SynligError.self) { try await SupportService.save(try old.requireID(), edit, by: karin, on: app.db) }
            #expect(Set(try await AuditEvent.query(on: app.db).all().map(\.action)).isSuperset(of: ["support.create", "support.update"]))
        }
    }

    @Test("Another organisation's catalogue entries are not found, and only catalogue keepers edit")
    func isolationAndRoles() async throws {
        try await withSynlig { app in
            let a = try await makeOrganisation(app, name: "A", code: "0101")
            let b = try await makeOrganisation(app, name: "B", code: "0202")
            let userB = try await makeUser(app, in: b, email: "b@b.se", roles: [.consultant])
            try await makeUser(app, in: a, email: "a@a.se", roles: [.consultant])
            try await makeUser(app, in: a, email: "staff@a.se", roles: [.staff])
            let entry = try await SupportService.save(nil, offering("B:s stöd", kind: .dayCare), by: try await currentUser(app, userB), on: app.db)
            let browser = Browser(app)
            try await browser.signIn("a@a.se")
            #expect(try await browser.get(SiteURL.supportOffering(try entry.requireID()).path).status == .notFound)
            #expect(!(try await browser.get("/support")).body.string.contains("B:s stöd"))
            #expect(!(try await app.testing().sendRequest(.GET, "/stod/0101")).body.string.contains("B:s stöd"))
            let staff = Browser(app)
            try await staff.signIn("staff@a.se")
            #expect(try await staff.get("/support").status == .forbidden)
        }
    }

    @Test("Civil-society organisations are kept with their state grant and cooperation, and can provide support")
    func civilSociety() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "karin@test.se", roles: [.consultant])
            let browser = Browser(app)
            try await browser.signIn("karin@test.se")
            try await browser.get("/support/organisations")
            let added = try await browser.post("/support/organisations", form: [("csoName", "Demensföreningen"), ("csoStateGrant", "on"), ("csoCooperation", "Avtal 2026")])
            #expect(added.status == .seeOther)
            let page = try await browser.get("/support/organisations")
            #expect(page.body.string.contains("Demensföreningen"))
            #expect(page.body.string.contains("Avtal 2026"))
            let cso = try #require(try await CivilSocietyOrganisation.query(on: app.db).first())
            #expect(cso.stateGrant)
            var input = offering("Anhöriggrupp", kind: .supportGroup)
            input.provider = "civilSociety"
            input.civilSocietyId = cso.id?.uuidString
            let entry = try await SupportService.save(nil, input, by: try await currentUser(app, try #require(try await User.query(on: app.db).first())), on: app.db)
            #expect(entry.civilSocietyID == cso.id)
        }
    }
}

@Suite("Self-check")
struct SelfCheckTests {
    func post(_ app: Application, _ path: String, _ form: String) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        headers.contentType = .urlEncodedForm
        return try await app.testing().sendRequest(.POST, path, headers: headers, body: ByteBuffer(string: form))
    }

    @Test("'Är du anhörig?' answers in the page itself, posted so the answers stay out of the address bar, and stores nothing")
    func selfCheck() async throws {
        try await withSynlig { app in
            let blank = try await app.testing().sendRequest(.GET, "/stod/sjalvtest")
            #expect(blank.status == .ok)
            #expect(blank.body.string.contains("Är du anhörig?"))
            #expect(blank.body.string.contains(#"<form method="post" action="/stod/sjalvtest">"#))
            #expect(!blank.body.string.contains("selfcheck-result"))
            let yes = try await post(app, "/stod/sjalvtest", "helps_regularly=on&contacts=on")
            #expect(yes.status == .ok)
            #expect(yes.body.string.contains("Du är anhörig – och stödet är till för dig"))
            #expect(yes.body.string.contains(#"id="contacts" name="contacts" type="checkbox" checked"#))
            #expect(yes.headers[.setCookie].isEmpty)
            #expect(yes.headers.first(name: .cacheControl) == "no-store")
            let none = try await post(app, "/en/support/self-check", "")
            #expect(none.body.string.contains("Perhaps not right now"))
            // Answers in a URL (an old bookmark) are not read back onto the page.
            let fromURL = try await app.testing().sendRequest(.GET, "/stod/sjalvtest?answered=1&contacts=on")
            #expect(!fromURL.body.string.contains("selfcheck-result"))
            #expect(try await AuditEvent.query(on: app.db).count() == 0)
        }
    }

    @Test("The contact form states how long a request is kept with the numbers the purge uses")
    func retentionStatedFromSettings() async throws {
        try await withSynlig { app in
            try await makeOrganisation(app)
            let unhandled = ContactRequestRetention.standard.unhandledDays, closed = ContactRequestRetention.standard.closedDays
            for (path, words) in [("/stod/0180/kontakt", ("raderas efter \(unhandled) dagar.", "raderas \(closed) dagar efter")),
                                  ("/en/support/0180/contact", ("is deleted after \(unhandled) days.", "is deleted \(closed) days after")),
                                  ("/fi/support/0180/contact", ("on kulunut \(unhandled) päivää.", "on kulunut \(closed) päivää."))] {
                let page = try await app.testing().sendRequest(.GET, path)
                #expect(page.status == .ok, "\(path)")
                let html = page.body.string
                #expect(html.contains(words.0) && html.contains(words.1), "\(path)")
            }
        }
    }
}

@Suite("Public pages in further languages")
struct PublicLanguageTests {
    @Test("A translation file adds a language to the public pages: Finnish at /fi/support, with every fixed text translated")
    func finnish() async throws {
        try await withSynlig { app in
            #expect(app.localizer.publicLanguages == ["sv", "en", "fi"])
            let finnish = try #require(app.localizer.tables["fi"])
            let views = app.directory.viewsDirectory + "public/"
            let pattern = try Regex(#"(?:#t[fp]?|\btp)\("([a-z_.0-9]+)""#)
            for file in try FileManager.default.contentsOfDirectory(atPath: views) where file.hasSuffix(".leaf") {
                let text = try String(contentsOfFile: views + file, encoding: .utf8)
                for match in text.matches(of: pattern) {
                    let key = String(match.output[1].substring ?? "")
                    let translated = finnish[key] != nil || (finnish[key + ".one"] != nil && finnish[key + ".other"] != nil)
                    #expect(translated, "public/\(file) uses \(key), missing in fi.json")
                }
            }
            try await makeOrganisation(app)
            let page = try await app.testing().sendRequest(.GET, "/fi/support/0180")
            #expect(page.status == .ok)
            #expect(page.body.string.contains(#"<html lang="fi">"#))
            #expect(page.body.string.contains("Tukea omaisille: Testkommun"))
            #expect(page.body.string.contains(#"href="/stod/0180""#))
            #expect(page.body.string.contains("keskiviikkona ja sunnuntaina klo 18–21"), "the helpline's hours, not just 'call now'")
            let form = try await app.testing().sendRequest(.GET, "/fi/support/0180/contact")
            #expect(form.body.string.contains("Nimesi"))
            let check = try await app.testing().sendRequest(.GET, "/fi/support/self-check")
            #expect(check.body.string.contains("Oletko omainen?"))
        }
    }

    @Test("An error under a public language's pages answers in that language, also where no page exists; every error text is translated")
    func errorsInThePagesLanguage() async throws {
        try await withSynlig { app in
            let swedish = try #require(app.localizer.tables["sv"])
            for code in app.localizer.publicLanguages {
                let table = try #require(app.localizer.tables[code])
                let untranslated = swedish.keys.filter { ($0.hasPrefix("error.") || $0.hasPrefix("input.")) && table[$0] == nil }
                #expect(untranslated.isEmpty, "\(code) lacks \(untranslated.sorted())")
            }
            try await makeOrganisation(app)
            for (path, language, heading) in [("/fi/support/9999", "fi", "Sivua ei löydy"), ("/fi/support/0180/no/such/page", "fi", "Sivua ei löydy"),
                                              ("/en/support/0180/no/such/page", "en", "Not found"), ("/stod/9999/x", "sv", "Sidan finns inte")] {
                let page = try await app.testing().sendRequest(.GET, path)
                #expect(page.status == .notFound, "\(path)")
                #expect(page.headers.first(name: .contentLanguage) == language, "\(path)")
                #expect(page.body.string.contains(#"<html lang="\#(language)">"#), "\(path)")
                #expect(page.body.string.contains("<h1>\(heading)</h1>"), "\(path): \(page.body.string.prefix(400))")
            }
            // Outside the public pages the visitor's own language still decides.
            let staff = try await app.testing().sendRequest(.GET, "/fisupport/x", headers: ["Accept-Language": "en"])
            #expect(staff.headers.first(name: .contentLanguage) == "en")
        }
    }

    @Test("On the Finnish page the catalogue's Swedish text is marked lang=\"sv\"; the page's own words are not")
    func catalogueTextMarkedSwedish() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            let karin = try await currentUser(app, try await makeUser(app, in: organisation, email: "karin@test.se", roles: [.consultant]))
            _ = try await SupportService.save(nil, OfferingInput(
                name: "Anhöriggrupp", kind: SupportKind.supportGroup.rawValue, provider: "municipality", providerName: "",
                civilSocietyId: nil, targetGroups: [SupportTargetGroup.all.rawValue], needsAssessment: false, cost: "Gratis",
                languages: ["sv", "fi"], interpreter: false, accessibility: nil, address: "Storgatan 1", schedule: "Tisdagar",
                phone: nil, email: nil, website: nil, description: "Vi träffas och pratar", eligibility: nil,
                lastChecked: CalendarDate.today().iso, published: true, version: nil), by: karin, on: app.db)
            let html = try await app.testing().sendRequest(.GET, "/fi/support/0180").body.string
            #expect(html.contains(#"<h3 lang="sv">Anhöriggrupp</h3>"#))
            #expect(html.contains(#"<p lang="sv">Vi träffas och pratar</p>"#))
            #expect(html.contains(#"<dd lang="sv">Storgatan 1</dd>"#))
            // No provider name given: the kind of provider is a Finnish word, marked as such.
            #expect(html.contains(#"<span lang="fi">"#))
        }
    }
}
