import Fluent
import Foundation
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

@Suite("Crisis events: a checklist several staff work through at once")
struct CrisisEventTests {
    /// Starts an event as `browser`'s user and returns its path.
    private func start(_ browser: Browser, kind: String = "powerCut", unit: String = "", title: String = "Strömavbrott Norrby") async throws -> String {
        try await browser.get("/crisis/events")
        let started = try await browser.post("/crisis/events", form: [("kind", kind), ("unit", unit), ("title", title)])
        #expect(started.status == .seeOther)
        return try #require(started.headers.first(name: .location))
    }

    private func rows(_ app: Application) async throws -> [CrisisEventContact] {
        try await CrisisEventContact.query(on: app.db).all()
    }

    @Test("Starting an event lists everyone on the crisis list; the checklist shows phones only where the list may, and reads are logged")
    func start() async throws {
        try await withSynlig { app in
            let crisis = try await CrisisWorld.make(app)
            let browser = Browser(app)
            try await browser.signIn("karin@0180.test.se")
            let path = try await start(browser)
            let page = try await browser.get(path)
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("Krisläge: Strömavbrott Norrby"))
            #expect(html.contains("Anna Åberg") && html.contains(#"href="tel:+46701111111""#) && html.contains("Bo Ek") && html.contains("Cia Lund"))
            #expect(!html.contains("Eva Papper") && !html.contains("Frida"))
            for secret in CrisisWorld.boPhoneForms + CrisisWorld.ciaPhoneForms { #expect(!html.contains(secret), "\(secret)") }
            #expect(try await rows(app).count == 3)
            #expect(try await rows(app).allSatisfy { $0.status == .notYetContacted && $0.version == 1 })
            #expect(try await auditActions(app).contains("crisis_event.start"))
            let logged = try await AccessLogEntry.query(on: app.db).filter(\.$via == "GET /crisis/events/:id").all()
            #expect(Set(logged.filter { $0.recordType == "caregiver" }.map(\.recordID)) == Set([try crisis.anna.requireID(), try crisis.bo.requireID(), try crisis.cia.requireID()]))
            #expect(!html.contains(" style=") && !html.contains("<script"))
        }
    }

    @Test("Two staff saving two rows from the same page both keep their result; a stale save of the same row is refused and the typed note is shown, not lost")
    func concurrentStaff() async throws {
        try await withSynlig { app in
            let crisis = try await CrisisWorld.make(app)
            let karin = Browser(app), sara = Browser(app)
            try await karin.signIn("karin@0180.test.se")
            try await sara.signIn("sara@0180.test.se")
            let path = try await start(karin)
            try await karin.get(path)
            try await sara.get(path)
            let all = try await rows(app)
            let anna = try #require(all.first { $0.caregiverID == crisis.anna.id })
            let cia = try #require(all.first { $0.caregiverID == crisis.cia.id })

            let first = try await karin.post(path + "/contacts/\(try anna.requireID())", form: [("status", "reached"), ("note", "Mår bra, har vatten"), ("version", "1")])
            #expect(first.status == .seeOther)
            let second = try await sara.post(path + "/contacts/\(try cia.requireID())", form: [("status", "needsHelp"), ("note", "Behöver mat"), ("version", "1")])
            #expect(second.status == .seeOther)
            let stale = try await sara.post(path + "/contacts/\(try anna.requireID())", form: [("status", "notReached"), ("note", "Inget svar"), ("version", "1")])
            #expect(stale.status == .conflict)
            #expect(stale.body.string.contains("Någon annan sparade den här raden") && stale.body.string.contains("Inget svar"))

            let saved = try await rows(app)
            let annaNow = try #require(saved.first { $0.id == anna.id })
            #expect(annaNow.status == .reached && annaNow.note == "Mår bra, har vatten" && annaNow.version == 2 && annaNow.updatedBy == crisis.world.consultant.id)
            let ciaNow = try #require(saved.first { $0.id == cia.id })
            #expect(ciaNow.status == .needsHelp && ciaNow.updatedBy == crisis.world.strategist.id)

            let page = try await karin.get(path).body.string
            #expect(page.contains("Cia Lund (Dan Lund)"), "the summary names who needs help")
            #expect(page.contains("Sparat") && page.contains("Test sara@0180.test.se"))
        }
    }

    @Test("Bad input is a clear 4xx: an unknown outcome, a long note, an unknown kind or unit, another event's row, another organisation's event")
    func badInput() async throws {
        try await withSynlig { app in
            let crisis = try await CrisisWorld.make(app)
            let browser = Browser(app)
            try await browser.signIn("karin@0180.test.se")
            let path = try await start(browser)
            try await browser.get(path)
            let row = try #require(try await rows(app).first)
            let rowPath = path + "/contacts/\(try row.requireID())"
            let unknown = try await browser.post(rowPath, form: [("status", "maybe"), ("note", ""), ("version", "1")])
            #expect(unknown.status == .unprocessableEntity && unknown.body.string.contains("Välj ett utfall i listan."))
            let long = try await browser.post(rowPath, form: [("status", "reached"), ("note", String(repeating: "x", count: 501)), ("version", "1")])
            #expect(long.status == .unprocessableEntity && long.body.string.contains("högst 500 tecken"))
            #expect(try await browser.post(rowPath, form: [("status", "reached"), ("note", "")]).status == .badRequest)
            #expect(try await browser.post(path + "/contacts/\(UUID())", form: [("status", "reached"), ("note", ""), ("version", "1")]).status == .notFound)
            try await browser.get("/crisis/events")
            #expect(try await browser.post("/crisis/events", form: [("kind", "flood"), ("unit", ""), ("title", "")]).status == .badRequest)
            #expect(try await browser.post("/crisis/events", form: [("kind", "other"), ("unit", try crisis.other.unitA.requireID().uuidString), ("title", "")]).status == .badRequest)
            #expect(try await browser.post("/crisis/events", form: [("kind", "other"), ("unit", ""), ("title", String(repeating: "a", count: 101))]).status == .unprocessableEntity)
            #expect(try await rows(app).allSatisfy { $0.version == 1 }, "nothing saved")

            let neighbour = Browser(app)
            try await neighbour.signIn("karin@0181.test.se")
            #expect(try await neighbour.get(path).status == .notFound)
            try await neighbour.get("/")
            #expect(try await neighbour.post(rowPath, form: [("status", "reached"), ("note", ""), ("version", "1")]).status == .notFound)
            let viewer = Browser(app)
            try await viewer.signIn("per@0180.test.se")
            #expect(try await viewer.get(path).status == .forbidden)
            #expect(try await viewer.get("/crisis/events").status == .forbidden)
        }
    }

    @Test("A unit's event covers that unit's people; closing keeps the checklist as it is, refuses later saves and shows the summary")
    func closeAndSummary() async throws {
        try await withSynlig { app in
            let crisis = try await CrisisWorld.make(app)
            let browser = Browser(app)
            try await browser.signIn("admin@0180.test.se")
            let path = try await start(browser, kind: "heatWave", unit: try crisis.world.unitA.requireID().uuidString, title: "")
            #expect(try await rows(app).count == 2)
            try await browser.get(path)
            let row = try #require(try await rows(app).first { $0.caregiverID == crisis.anna.id })
            _ = try await browser.post(path + "/contacts/\(try row.requireID())", form: [("status", "needsHelp"), ("note", "Fläkt behövs"), ("version", "1")])
            let closed = try await browser.post(path + "/close", form: [])
            #expect(closed.status == .seeOther)
            let page = try await browser.get(path).body.string
            #expect(page.contains("Avslutat") && page.contains("Anna Åberg (Sven Åberg)") && page.contains("Fläkt behövs"))
            #expect(!page.contains(#"name="status""#), "a closed checklist has no forms")
            let late = try await browser.post(path + "/contacts/\(try row.requireID())", form: [("status", "reached"), ("note", ""), ("version", "2")])
            #expect(late.status == .conflict && late.body.string.contains("redan avslutat"))
            #expect(try await browser.post(path + "/close", form: []).status == .conflict)
            let list = try await browser.get("/crisis/events").body.string
            #expect(list.contains("Värmebölja") && list.contains("1 av 2 kontaktade, 1 behöver hjälp"))
            #expect(try await auditActions(app).filter { $0.hasPrefix("crisis_event.") } == ["crisis_event.start", "crisis_event.contact_update", "crisis_event.close"])
            #expect(try await AuditTrail.verify(on: app.db) == nil)
        }
    }
}
