import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

/// What the hostile-input form suite found, held down by name: a refused form names the field
/// it refuses, at that field, and keeps everything else that was typed.
@Suite("A refused form names its field and keeps what was typed")
struct FormRefusalTests {
    static func consultant(_ app: Application) async throws -> Browser {
        let organisation = try await makeOrganisation(app)
        try await makeUser(app, in: organisation, email: "karin@test.se", roles: [.consultant])
        let browser = Browser(app)
        try await browser.signIn("karin@test.se")
        return browser
    }

    @Test("A new person's name with a control character is refused at recipientName, and the rest of the relationship stays")
    func relationshipRecipientName() async throws {
        try await withSynlig { app in
            let browser = try await Self.consultant(app)
            try await browser.get("/caregivers/new")
            let created = try await browser.post("/caregivers/new", form: [
                ("name", "Bo Ek"), ("preferredLanguage", "sv"), ("preferredChannel", "phone"), ("gender", "man"), ("foreignBackground", "no"),
                ("minorityLanguage", "none"), ("occupation", "works"), ("phone", "070-123 45 67")])
            let path = try #require(created.headers.first(name: .location))
            try await browser.get(path + "/relationships/new")
            let refused = try await browser.post(path + "/relationships/new", form: [
                ("recipientName", "Sven\u{0000}Ek"), ("relation", "partner"), ("hoursBand", "from20to34"),
                ("coordinatedContacts", "Distriktssköterskan Åsa")])
            #expect(refused.status == .unprocessableEntity)
            let html = refused.body.string
            #expect(html.contains(#"id="recipientName-error""#), "the refusal is shown at the name typed")
            #expect(html.contains(##"href="#recipientName""##), "the error summary leads to it")
            let form = try BrowserForm(html: html, action: path + "/relationships/new")
            #expect(form.value("coordinatedContacts") == "Distriktssköterskan Åsa")
            #expect(try await CareRelationship.query(on: app.db).count() == 0)
        }
    }

    @Test("The civil-society form shows what was typed again after a refusal")
    func civilSocietyKeepsTyping() async throws {
        try await withSynlig { app in
            let browser = try await Self.consultant(app)
            try await browser.get("/support/organisations")
            let refused = try await browser.post("/support/organisations", form: [
                ("csoName", "Anhörigföreningen\u{202E}"), ("csoDescription", "Träffar varje tisdag"),
                ("csoContact", "info@exempel.se"), ("csoStateGrant", "on"), ("csoCooperation", "Gemensamma cirklar")])
            #expect(refused.status == .unprocessableEntity)
            let html = refused.body.string
            #expect(html.contains(#"id="csoName-error""#))
            let form = try BrowserForm(html: html, action: "/support/organisations")
            #expect(form.value("csoDescription") == "Träffar varje tisdag")
            #expect(form.value("csoContact") == "info@exempel.se")
            #expect(form.value("csoCooperation") == "Gemensamma cirklar")
            #expect(form.value("csoStateGrant") == "on", "the ticked box stays ticked")
        }
    }

    @Test("The procurement forms keep what was typed and show a refused reference at its field")
    func procurementKeepsTyping() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "sara@test.se", roles: [.strategist])
            let browser = Browser(app)
            try await browser.signIn("sara@test.se")
            try await browser.get("/decisions")
            let refused = try await browser.post("/decisions/procurement/records", form: [
                ("procurementTitle", "Avlösning i hemmet"), ("procurementReference", "DNR\u{001B}12"), ("procurementDate", "2026-03-01")])
            #expect(refused.status == .unprocessableEntity)
            let html = refused.body.string
            #expect(html.contains(#"id="procurementReference-error""#))
            let form = try BrowserForm(html: html, action: "/decisions/procurement/records")
            #expect(form.value("procurementTitle") == "Avlösning i hemmet")
            #expect(form.value("procurementDate") == "2026-03-01")
        }
    }
}
