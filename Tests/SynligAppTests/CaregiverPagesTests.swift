import Fluent
import Foundation
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

/// The caregiver record's staff pages, driven as a browser would: forms, redirects, what a page
/// shows and hides, and what an auditor finds in the access log afterwards.
@Suite("Caregiver record pages")
struct CaregiverPagesTests {
    struct World {
        let organisation: Organisation
        let unitA: Unit
        let unitB: Unit
        let consultant: CurrentUser
    }

    func world(_ app: Application) async throws -> World {
        let organisation = try await makeOrganisation(app)
        let unitA = try await makeUnit(app, in: organisation, name: "Hemtjänst Norra")
        let unitB = try await makeUnit(app, in: organisation, name: "Socialpsykiatri", kind: .socialPsychiatry)
        let consultant = try await makeUser(app, in: organisation, email: "konsulent@test.se", roles: [.consultant])
        try await makeUser(app, in: organisation, email: "personal.a@test.se", roles: [.staff], units: [unitA])
        try await makeUser(app, in: organisation, email: "personal.b@test.se", roles: [.staff], units: [unitB])
        try await makeUser(app, in: organisation, email: "politiker@test.se", roles: [.viewer])
        return World(organisation: organisation, unitA: unitA, unitB: unitB, consultant: try await currentUser(app, consultant))
    }

    /// Registers a caregiver through the form and returns the record's path.
    func register(_ browser: Browser, name: String, pin: String = "", unit: Unit? = nil) async throws -> String {
        try await browser.get("/caregivers/new")
        let response = try await browser.post("/caregivers/new", form: [
            ("name", name), ("personalIdentityNumber", pin), ("preferredLanguage", "sv"), ("preferredChannel", "phone"),
            ("gender", "woman"), ("foreignBackground", "no"), ("minorityLanguage", "none"), ("occupation", "works"),
            ("unitId", try unit?.requireID().uuidString ?? ""), ("phone", "070-123 45 67")])
        #expect(response.status == .seeOther, "\(response.body.string.prefix(400))")
        return try #require(response.headers.first(name: .location))
    }

    func accessLog(_ app: Application, via: String) async throws -> Int {
        try await AccessLogEntry.query(on: app.db).filter(\.$via == via).count()
    }

    @Test("A personnummer already registered: the consultant gets a link to that person, staff of another unit are told whom to ask")
    func duplicatePersonnummerLeadsToTheRecord() async throws {
        try await withSynlig { app in
            let world = try await world(app)
            let consultant = Browser(app)
            try await consultant.signIn("konsulent@test.se")
            let existing = try await register(consultant, name: "Åsa Öberg", pin: "19121212-1212", unit: world.unitB)
            try await consultant.get("/caregivers/new")
            let again = try await consultant.post("/caregivers/new", form: [("name", "Åsa Öberg"), ("personalIdentityNumber", "191212121212"),
                                                                            ("preferredLanguage", "sv")])
            #expect(again.status == .unprocessableEntity)
            #expect(again.body.string.contains("En person med det numret finns redan i registret."))
            #expect(again.body.string.contains(#"<a href="\#(existing)">Öppna uppgifterna om den som redan har numret</a>"#))
            #expect(!again.body.string.contains("Kontakta en anhörigkonsulent"))

            let staff = Browser(app)
            try await staff.signIn("personal.a@test.se")
            try await staff.get("/caregivers/new")
            let elsewhere = try await staff.post("/caregivers/new", form: [("name", "Å Ö"), ("personalIdentityNumber", "191212121212"),
                                                                           ("preferredLanguage", "sv"), ("unitId", try world.unitA.requireID().uuidString)])
            #expect(elsewhere.status == .unprocessableEntity)
            #expect(elsewhere.body.string.contains("En anhörigkonsulent kan se hen"))
            #expect(!elsewhere.body.string.contains(existing))
            #expect(try await Caregiver.query(on: app.db).count() == 1)
        }
    }

    @Test("A consultant registers a caregiver; the personnummer is shown masked on the record and nowhere in the list")
    func registerAndMask() async throws {
        try await withSynlig { app in
            _ = try await world(app)
            let browser = Browser(app)
            try await browser.signIn("konsulent@test.se")
            try await browser.get("/caregivers/new")
            let refused = try await browser.post("/caregivers/new", form: [("name", "Åsa Öberg"), ("personalIdentityNumber", "19121212-1213"),
                                                                            ("preferredLanguage", "sv")])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("Kontrollsiffran"))
            // What was typed is still there to correct.
            #expect(refused.body.string.contains(#"value="Åsa Öberg""#))
            #expect(try await Caregiver.query(on: app.db).count() == 0)

            let path = try await register(browser, name: "Åsa Öberg", pin: "19121212-1212")
            let record = try await browser.get(path)
            #expect(record.status == .ok)
            #expect(record.body.string.contains("Åsa Öberg"))
            #expect(record.body.string.contains("1912XXXX-XXXX"))
            #expect(!record.body.string.contains("19121212"))
            #expect(record.headers.first(name: .cacheControl)?.contains("no-store") == true)
            let list = try await browser.get("/caregivers")
            #expect(list.body.string.contains("Åsa Öberg"))
            #expect(!list.body.string.contains("1912"))
            let edit = try await browser.get(path + "/edit")
            #expect(!edit.body.string.contains("19121212"), "the edit form never sends the number back")
            // Searching by the exact number finds her; the search is posted, so the number is never in an address.
            #expect(list.body.string.contains(#"<form method="post" action="/caregivers""#))
            let search = try await browser.post("/caregivers", form: [("q", "191212121212")])
            #expect(search.body.string.contains("Åsa Öberg"))
            let none = try await browser.post("/caregivers", form: [("q", "19121212-1213")])
            #expect(!none.body.string.contains("Åsa Öberg"))
        }
    }

    @Test("A stored personnummer stays when the edit form is sent untouched, and goes when the box to remove it is ticked")
    func removeStoredNumber() async throws {
        try await withSynlig { app in
            _ = try await world(app)
            let browser = Browser(app)
            try await browser.signIn("konsulent@test.se")
            let path = try await register(browser, name: "Åsa Öberg", pin: "19121212-1212")
            let stored = { try await Caregiver.query(on: app.db).first()?.personalIdentityNumber }

            // Untouched, as a browser sends it: the number, never shown in the form, is kept.
            #expect(try await browser.submitForm(on: path + "/edit").status == .seeOther)
            #expect(try await stored() == "191212121212")

            let html = try await browser.get(path + "/edit").body.string
            #expect(html.contains(#"name="removePersonalIdentityNumber""#))
            // Both a new number and the box: refused, nothing changed.
            var both = try BrowserForm(html: html, action: path + "/edit")
            try both.fill("personalIdentityNumber", "19121212-1212")
            let refused = try await browser.post(path + "/edit", form: both.fields.map { ($0.name, $0.value) } + [("removePersonalIdentityNumber", "on")],
                                                 includeCSRF: false)
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("inte båda"))
            #expect(try await stored() == "191212121212")

            let form = try BrowserForm(html: try await browser.get(path + "/edit").body.string, action: path + "/edit")
            let removed = try await browser.post(path + "/edit", form: form.fields.map { ($0.name, $0.value) } + [("removePersonalIdentityNumber", "on")],
                                                 includeCSRF: false)
            #expect(removed.status == .seeOther, "\(removed.body.string.prefix(300))")
            #expect(try await stored() == nil)
            #expect(try await browser.get(path).body.string.contains("1912XXXX") == false)
            #expect(!(try await browser.get(path + "/edit").body.string.contains("removePersonalIdentityNumber")), "nothing left to remove")
        }
    }

    @Test("Every read of a caregiver's or recipient's page is written to the access log with the route it came through")
    func readsAreLogged() async throws {
        try await withSynlig { app in
            let world = try await world(app)
            let browser = Browser(app)
            try await browser.signIn("konsulent@test.se")
            let path = try await register(browser, name: "Bo Ek", unit: world.unitA)
            try await browser.get(path + "/relationships/new")
            let linked = try await browser.post(path + "/relationships/new", form: [
                ("recipientName", "Sven Ek"), ("relation", "partner"), ("hoursBand", "from20to34"), ("tasks[]", "personalCare")])
            let relationshipPath = try #require(linked.headers.first(name: .location))
            let relationship = try #require(try await CareRelationship.query(on: app.db).first())

            try await browser.get(path)
            try await browser.get(path + "/edit")
            try await browser.get(path + "/plan")
            try await browser.get(relationshipPath)
            try await browser.get("/recipients/\(relationship.recipientID)")
            try await browser.get("/recipients/\(relationship.recipientID)/contacts.csv")

            #expect(try await accessLog(app, via: "GET /caregivers/:id") == 1)
            #expect(try await accessLog(app, via: "GET /caregivers/:id/edit") == 1)
            #expect(try await accessLog(app, via: "GET /caregivers/:id/plan") == 1)
            #expect(try await accessLog(app, via: "GET /caregivers/relationships/:id") == 2, "caregiver and recipient")
            #expect(try await accessLog(app, via: "GET /recipients/:id") == 1)
            #expect(try await accessLog(app, via: "GET /recipients/:id/contacts.csv") == 2)
            let rows = try await AccessLogEntry.query(on: app.db).filter(\.$userID == world.consultant.id).all()
            #expect(Set(rows.map(\.recordType)) == ["caregiver", "care_recipient"])
        }
    }

    @Test("Staff see caregivers of their own unit only; another unit's caregiver is not found and a viewer is refused")
    func unitScopedPages() async throws {
        try await withSynlig { app in
            let world = try await world(app)
            let consultant = Browser(app)
            try await consultant.signIn("konsulent@test.se")
            let inA = try await register(consultant, name: "Anna i A", unit: world.unitA)
            let inB = try await register(consultant, name: "Bengt i B", unit: world.unitB)

            let staff = Browser(app)
            try await staff.signIn("personal.a@test.se")
            #expect(try await staff.get(inA).status == .ok)
            #expect(try await staff.get(inB).status == .notFound)
            let list = try await staff.get("/caregivers")
            #expect(list.body.string.contains("Anna i A"))
            #expect(!list.body.string.contains("Bengt i B"))
            #expect(try await accessLog(app, via: "GET /caregivers/:id") == 1, "a refused read is not a read")

            let viewer = Browser(app)
            try await viewer.signIn("politiker@test.se")
            #expect(try await viewer.get("/caregivers").status == .forbidden)
            #expect(try await viewer.get(inA).status == .forbidden)
        }
    }

    @Test("Without consent the relationship page says what may still be done and refuses an invitation; with it the invitation is made")
    func consentDecidesInvitation() async throws {
        try await withSynlig { app in
            _ = try await world(app)
            let browser = Browser(app)
            try await browser.signIn("konsulent@test.se")
            let path = try await register(browser, name: "Carin Lund")
            try await browser.get(path + "/relationships/new")
            let linked = try await browser.post(path + "/relationships/new", form: [
                ("recipientName", "Maj Lund"), ("relation", "parent"), ("hoursBand", "from10to19"),
                ("coordinatedContacts", "Vårdcentralen\nHemtjänsten\nApoteket")])
            let relationshipPath = try #require(linked.headers.first(name: .location))
            let page = try await browser.get(relationshipPath)
            #expect(page.body.string.contains("medarbetare lyssnar och erbjuder stöd till anhöriga som själva tar kontakt"))
            #expect(page.body.string.contains("Överväg SIP eller en fast vårdkontakt"))

            try await browser.get(relationshipPath + "/invitations")
            let refused = try await browser.post(relationshipPath + "/invitations", form: [("meetingKind", "coordinatedPlan"), ("meetingOn", "2027-01-10")])
            #expect(refused.status == .conflict)
            #expect(refused.body.string.contains(#"value="2027-01-10""#), "the typed date is kept")
            #expect(try await MeetingInvitation.query(on: app.db).count() == 0)

            try await browser.get(relationshipPath + "/consents")
            let consent = try await browser.post(relationshipPath + "/consents", form: [
                ("kind", "consent"), ("categories[]", "planningAndMeetings"), ("categories[]", "careAndServices"), ("form", "oral"),
                ("date", CalendarDate.today().iso)])
            #expect(consent.status == .seeOther)
            try await browser.get(relationshipPath + "/invitations")
            let invited = try await browser.post(relationshipPath + "/invitations", form: [("meetingKind", "coordinatedPlan"), ("meetingOn", "2027-01-10")])
            #expect(invited.status == .seeOther)
            #expect(try await MeetingInvitation.query(on: app.db).count() == 1)
        }
    }

    @Test("A restricted caregiver is left out of the recipient's contact list, and comes back when the restriction is lifted")
    func restrictionBlocksContactExport() async throws {
        try await withSynlig { app in
            let world = try await world(app)
            let browser = Browser(app)
            try await browser.signIn("konsulent@test.se")
            let path = try await register(browser, name: "Dag Holm", unit: world.unitA)
            try await browser.get(path + "/relationships/new")
            let linked = try await browser.post(path + "/relationships/new", form: [
                ("recipientName", "Ebba Holm"), ("relation", "child"), ("hoursBand", "from50")])
            let relationshipPath = try #require(linked.headers.first(name: .location))
            let relationship = try #require(try await CareRelationship.query(on: app.db).first())
            let contactsPath = "/recipients/\(relationship.recipientID)/contacts.csv"
            #expect(try await browser.get(contactsPath).body.string.contains("Dag Holm"))

            try await browser.get(relationshipPath + "/restrictions")
            let restricted = try await browser.post(relationshipPath + "/restrictions", form: [
                ("reason", "threats"), ("decidedOn", CalendarDate.today().iso), ("reviewOn", CalendarDate.today().addingMonths(2).iso)])
            #expect(restricted.status == .seeOther)
            let page = try await browser.get(relationshipPath)
            #expect(page.body.string.contains("Olämpligt att involvera den anhörige"))
            let export = try await browser.get(contactsPath)
            #expect(export.status == .ok)
            #expect(!export.body.string.contains("Dag Holm"))

            let restriction = try #require(try await InvolvementRestriction.query(on: app.db).first())
            let lifted = try await browser.post("/caregivers/restrictions/\(try restriction.requireID())/lift", form: [("liftReason", "Utredningen avslutad")])
            #expect(lifted.status == .seeOther)
            #expect(try await browser.get(contactsPath).body.string.contains("Dag Holm"))
        }
    }

    @Test("A contact request from the public pages becomes a caregiver record in one step, and the request is closed")
    func contactRequestBecomesRecord() async throws {
        try await withSynlig { app in
            let world = try await world(app)
            let request = ContactRequest()
            request.organisationID = try world.organisation.requireID()
            request.name = "Fanny Berg"
            request.reach = "fanny@example.se"
            request.about = "Min man har demens"
            request.language = "fi"
            request.status = .open
            request.createdAt = Date()
            try await request.create(on: app.db)
            let requestID = try request.requireID()

            let browser = Browser(app)
            try await browser.signIn("konsulent@test.se")
            let inbox = try await browser.get("/support/requests/\(requestID)")
            #expect(inbox.body.string.contains("/caregivers/new?from=\(requestID)"))
            let form = try await browser.get("/caregivers/new?from=\(requestID)")
            #expect(form.body.string.contains(#"value="Fanny Berg""#))
            #expect(form.body.string.contains(#"value="fanny@example.se""#))
            #expect(form.body.string.contains(#"<option value="fi" selected>"#))
            let saved = try await browser.post("/caregivers/new", form: [
                ("name", "Fanny Berg"), ("email", "fanny@example.se"), ("preferredLanguage", "fi"), ("fromRequest", requestID.uuidString)])
            #expect(saved.status == .seeOther)
            let closed = try #require(try await ContactRequest.find(requestID, on: app.db))
            #expect(closed.status == .closed)
            #expect(closed.closedBy == world.consultant.id)
            #expect(try await Caregiver.query(on: app.db).filter(\.$name == "Fanny Berg").count() == 1)

            // A second try with the same request is refused and registers nobody twice.
            try await browser.get("/caregivers/new")
            let again = try await browser.post("/caregivers/new", form: [
                ("name", "Fanny Berg"), ("preferredLanguage", "fi"), ("fromRequest", requestID.uuidString)])
            #expect(again.status == .conflict)
            #expect(try await Caregiver.query(on: app.db).filter(\.$name == "Fanny Berg").count() == 1)
        }
    }

    @Test("An edit made from a page someone else has since saved is refused, and what was typed is shown again")
    func staleEditKeepsInput() async throws {
        try await withSynlig { app in
            let world = try await world(app)
            let browser = Browser(app)
            try await browser.signIn("konsulent@test.se")
            let path = try await register(browser, name: "Gun Ström")
            let caregiver = try #require(try await Caregiver.query(on: app.db).first())
            // A colleague saves first.
            _ = try await CaregiverService.save(try caregiver.requireID(), CaregiverInput(
                name: "Gun Ström", phone: "08-123", preferredLanguage: "sv", interpreterNeed: InterpreterNeed.no.rawValue, version: caregiver.version),
                by: world.consultant, on: app.db)
            try await browser.get(path + "/edit")
            let stale = try await browser.post(path + "/edit", form: [
                ("name", "Gun Ström-Ek"), ("preferredLanguage", "sv"), ("version", String(caregiver.version))])
            #expect(stale.status == .conflict)
            #expect(stale.body.string.contains(#"value="Gun Ström-Ek""#))
            #expect(try await Caregiver.find(caregiver.requireID(), on: app.db)?.name == "Gun Ström")
        }
    }

    @Test("The worklist shows the user's due follow-ups, and marking one done removes it")
    func worklist() async throws {
        try await withSynlig { app in
            _ = try await world(app)
            let browser = Browser(app)
            try await browser.signIn("konsulent@test.se")
            _ = try await register(browser, name: "Hans Vik")
            let page = try await browser.get("/caregivers/worklist")
            #expect(page.body.string.contains("Hans Vik"))
            #expect(page.body.string.contains("Fråga om frivillighet"))
            let home = try await browser.get("/")
            #expect(home.body.string.contains("1 uppföljning av en anhörig"), "one follow-up, in the singular")
            // The recurring question is done by asking it, not by ticking it off.
            let question = try #require(try await CaregiverTask.query(on: app.db).first())
            #expect(!page.body.string.contains("/caregivers/tasks/\(try question.requireID())/done"))
            let refused = try await browser.post("/caregivers/tasks/\(try question.requireID())/done", form: [])
            #expect(refused.status == .conflict)
            let caregiver = try #require(try await Caregiver.query(on: app.db).first())
            try await browser.get("/caregivers/\(try caregiver.requireID())")
            let asked = try await browser.post("/caregivers/\(try caregiver.requireID())/voluntariness", form: [("wantsToContinue", "no"), ("ableToContinue", "notStated"), ("shouldNotCarry", "notStated")])
            #expect(asked.status == .seeOther)
            // Not wanting to go on asks the services to talk about stepping in; that task is ticked off by hand.
            let discuss = try #require(try await CaregiverTask.query(on: app.db).filter(\.$kind == .discussVoluntariness).first())
            let doneAction = "/caregivers/tasks/\(try discuss.requireID())/done"
            let list = try await browser.get("/caregivers/worklist")
            #expect(list.body.string.contains(doneAction))
            let done = try await browser.post(doneAction, form: [])
            #expect(done.status == .seeOther)
            #expect(!(try await browser.get("/caregivers/worklist")).body.string.contains(doneAction))
        }
    }

    @Test("A refused memo note or voluntariness answer shows the record again with the reason and what was typed")
    func recordFormsKeepInput() async throws {
        try await withSynlig { app in
            _ = try await world(app)
            let browser = Browser(app)
            try await browser.signIn("konsulent@test.se")
            let path = try await register(browser, name: "Ida Lo")
            try await browser.get(path)
            let tooLong = String(repeating: "Ring henne på tisdag. ", count: 200)
            let memo = try await browser.post(path + "/memos", form: [("memo", tooLong)])
            #expect(memo.status == .unprocessableEntity)
            #expect(memo.body.string.contains("Ring henne på tisdag."))
            #expect(memo.body.string.contains(#"id="memo-error""#))
            #expect(try await MemoNote.query(on: app.db).count() == 0)

            let answer = try await browser.post(path + "/voluntariness", form: [("comment", "Orkar inte nätterna")])
            #expect(answer.status == .unprocessableEntity)
            #expect(answer.body.string.contains("Orkar inte nätterna"))
            #expect(answer.body.string.contains(##"href="#wantsToContinue""##))
            #expect(try await VoluntarinessCheck.query(on: app.db).count() == 0)

            let saved = try await browser.post(path + "/memos", form: [("memo", "Ring på tisdag")])
            #expect(saved.status == .seeOther)
            let record = try await browser.get(path)
            #expect(record.body.string.contains("Ring på tisdag"))
            #expect(record.body.string.contains("memo__label"))
        }
    }
}
