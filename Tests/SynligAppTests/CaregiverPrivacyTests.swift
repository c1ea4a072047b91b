import Fluent
import Foundation
import Logging
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

/// What the caregiver record must never let slip: people of other units, personal data in the
/// server log, contact details of a restricted caregiver, and a read without a log row.
@Suite("CaregiverRecord privacy")
struct CaregiverPrivacyTests {
    /// Staff of unit A (Pia) and a caregiver only unit B works with, caring for a person both units share.
    struct SharedPerson {
        let world: RecordWorld
        let shared: CareRecipient
        let ownCaregiver: Caregiver
        let otherCaregiver: Caregiver
        let otherRelationship: CareRelationship
    }

    func sharedPerson(_ app: Application) async throws -> SharedPerson {
        let world = try await RecordWorld.make(app)
        let shared = try await world.recipient(app, "Sture Delad", units: [world.unitB])
        // Pia's unit registered one caregiver of Sture; unit B works with the other.
        let own = try await world.register(app, "Anna Egen", by: world.staffA)
        _ = try await world.link(app, own, shared)
        let other = try await world.register(app, "Bosse Annan")
        let otherLink = try await world.link(app, other, shared)
        return SharedPerson(world: world, shared: shared, ownCaregiver: own, otherCaregiver: other, otherRelationship: otherLink)
    }

    @Test("Staff see a shared person's caregivers of their own unit only, on the page and in the contact list")
    func recipientPageHidesOtherUnitsCaregivers() async throws {
        try await withSynlig { app in
            let setup = try await sharedPerson(app)
            let browser = Browser(app)
            try await browser.signIn("pia@0180.test.se")
            let page = try await browser.get("/recipients/\(try setup.shared.requireID())")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("Anna Egen"))
            #expect(!page.body.string.contains("Bosse Annan"))
            let contacts = try await browser.get("/recipients/\(try setup.shared.requireID())/contacts.csv")
            #expect(contacts.body.string.contains("Anna Egen"))
            #expect(!contacts.body.string.contains("Bosse Annan"))
            let logged = try await AccessLogEntry.query(on: app.db).filter(\.$recordID == setup.otherCaregiver.requireID()).count()
            #expect(logged == 0, "no read of a record the user may not see")
        }
    }

    @Test("Editing a shared person does not widen staff's sight: their unit is not added by a save")
    func editingDoesNotWidenSight() async throws {
        try await withSynlig { app in
            let setup = try await sharedPerson(app)
            _ = try await CaregiverService.saveRecipient(setup.shared.id, RecipientInput(name: "Sture Delad-Ek", unitIds: [], patientContract: false,
                                                                                         version: setup.shared.version),
                                                         by: setup.world.staffA, on: app.db)
            let units = try await CareRecipientUnit.query(on: app.db).filter(\.$recipientID == setup.shared.requireID()).all(\.$unitID)
            #expect(units == [try setup.world.unitB.requireID()])
            let error = await refusal { try await CaregiverAccess.caregiver(setup.otherCaregiver.id, for: setup.world.staffA, on: app.db) }
            #expect(error?.status == .notFound)
        }
    }

    @Test("A task about a caregiver the user can no longer see stays off their worklist")
    func worklistFollowsVisibility() async throws {
        try await withSynlig { app in
            let setup = try await sharedPerson(app)
            let pia = try #require(try await User.query(on: app.db).filter(\.$email == "pia@0180.test.se").first())
            // Tasks assigned to Pia: one about a caregiver of her unit, one about a caregiver she cannot see.
            for caregiver in [setup.ownCaregiver, setup.otherCaregiver] {
                let task = CaregiverTask()
                task.organisationID = try setup.world.organisation.requireID()
                task.caregiverID = try caregiver.requireID()
                task.kind = .coordinationSignal
                task.dueOn = CalendarDate.today().iso
                task.assigneeID = try pia.requireID()
                task.open = true
                try await task.create(on: app.db)
            }
            let browser = Browser(app)
            try await browser.signIn("pia@0180.test.se")
            let page = try await browser.get("/caregivers/worklist")
            #expect(!page.body.string.contains("Bosse Annan"))
            #expect(page.body.string.contains("Anna Egen"))
        }
    }

    @Test("Only those who keep the inbox can read a contact request through the registration form")
    func contactRequestNeedsInboxRole() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let request = ContactRequest()
            request.organisationID = try world.organisation.requireID()
            request.name = "Hemlig Frågare"
            request.reach = "070-555 66 77"
            request.about = "Vill ha stöd"
            request.language = "sv"
            request.status = .open
            request.createdAt = Date()
            try await request.create(on: app.db)
            let browser = Browser(app)
            try await browser.signIn("pia@0180.test.se")
            let form = try await browser.get("/caregivers/new?from=\(try request.requireID())")
            #expect(form.status == .ok)
            #expect(!form.body.string.contains("Hemlig Frågare"))
            #expect(!form.body.string.contains("070-555"))
        }
    }

    @Test("A huge page number is an empty page on screen and a clear 422 in the API, never a crash")
    func hugePageNumber() async throws {
        try await withSynlig { app in
            _ = try await RecordWorld.make(app)
            let browser = Browser(app)
            try await browser.signIn("karin@0180.test.se")
            #expect(try await browser.get("/caregivers?page=9223372036854775807").status == .ok)
            let api = try await APIClient.signedIn(app, "karin@0180.test.se")
            // openapi.yaml states the range (1–100000); outside it the API refuses rather than guesses.
            #expect(try await api.send(.GET, "/api/v1/caregivers?page=9223372036854775807").status == .unprocessableEntity)
            #expect(try await api.send(.GET, "/api/v1/recipients?page=9223372036854775807").status == .unprocessableEntity)
            #expect(try await api.send(.GET, "/api/v1/caregivers?page=100000").status == .ok)
        }
    }

    @Test("A restriction cancels invitations not yet held, closes inform-tasks, and the FHIR export carries no contact details")
    func restrictionWithdrawsInvolvement() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let (caregiver, recipient, relationship) = try await world.pair(app, "Cecilia Berg", caring: "Dan Berg", in: world.unitA)
            _ = try await CaregiverService.save(caregiver.id, CaregiverInput(name: "Cecilia Berg", phone: "070-222 33 44", email: "cecilia@example.se",
                                                                             preferredLanguage: "sv", interpreterNeed: InterpreterNeed.no.rawValue, version: caregiver.version),
                                                by: world.consultant, on: app.db)
            try await world.consent(app, relationship, ConsentCategory.allCases)
            let invitation = try await world.invite(app, relationship)
            _ = try await CaregiverService.saveRecipient(recipient.id, RecipientInput(
                name: "Dan Berg", unitIds: [try world.unitA.requireID().uuidString], fixedCareContact: "Ny sjuksköterska",
                patientContract: false, version: recipient.version), by: world.consultant, on: app.db)
            #expect(try await openTasks(app, .informFixedContactChange, of: caregiver).count == 1)
            let browser = Browser(app)
            try await browser.signIn("karin@0180.test.se")
            let before = try await browser.get("/caregivers/\(try caregiver.requireID())/fhir.json")
            #expect(before.body.string.contains("070-222 33 44"), "without a restriction the contact details travel")

            _ = try await world.restrict(app, relationship, by: world.consultant)
            #expect(try await MeetingInvitation.find(invitation.id, on: app.db)?.attendance == .cancelled)
            #expect(try await openTasks(app, .informFixedContactChange, of: caregiver).isEmpty)

            let export = try await browser.get("/caregivers/\(try caregiver.requireID())/fhir.json")
            #expect(export.status == .ok)
            #expect(export.headers.contentType?.description.contains("fhir+json") == true)
            let text = export.body.string
            #expect(text.contains(#""resourceType":"Bundle""#))
            #expect(text.contains(#""resourceType":"Flag""#))
            #expect(!text.contains("070-222"))
            #expect(!text.contains("cecilia@example.se"))
            #expect(try await AccessLogEntry.query(on: app.db).filter(\.$via == "GET /caregivers/:id/fhir.json").count() == 2)
        }
    }

    @Test("Opening the forms that show a support need, a complaint or a relationship is logged as a read")
    func editFormsAreLogged() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let (caregiver, _, relationship) = try await world.pair(app, "Eva Lind", caring: "Frans Lind", in: world.unitA)
            let caregiverID = try caregiver.requireID()
            let need = try await FollowUpService.saveSupport(nil, caregiverID: caregiverID, SupportInput(needKind: "respiteAtHome", requestedOn: CalendarDate.today().iso),
                                                             by: world.consultant, on: app.db)
            let feedback = try await FollowUpService.saveFeedback(nil, caregiverID: caregiverID, FeedbackInput(kind: "complaint", summary: "Sen hemtjänst"),
                                                                  by: world.consultant, on: app.db)
            let browser = Browser(app)
            try await browser.signIn("karin@0180.test.se")
            try await browser.get("/caregivers/support/\(try need.requireID())")
            try await browser.get("/caregivers/feedback/\(try feedback.requireID())")
            try await browser.get("/caregivers/relationships/\(try relationship.requireID())/edit")
            // Forms with the caregiver's name in the heading, and the consent form of a relationship.
            try await browser.get(SiteURL.caregiverPart(caregiverID, .conversationNew).path)
            try await browser.get(SiteURL.relationshipPart(try relationship.requireID(), .consents).path)
            for via in ["GET /caregivers/support/:id", "GET /caregivers/feedback/:id", "GET /caregivers/relationships/:id/edit",
                        "GET /caregivers/:id/conversations/new", "GET /caregivers/relationships/:id/consents"] {
                #expect(try await AccessLogEntry.query(on: app.db).filter(\.$via == via).filter(\.$recordID == caregiverID).count() >= 1, "\(via)")
            }
        }
    }

    @Test("Registering, searching and a refused form leave no name, personnummer or phone in the server log")
    func noPersonalDataInLog() async throws {
        let capture = LogCapture()
        try await withSynlig(prepare: { app in
            app.logger = Logger(label: "synlig-test") { capture.handler(label: $0) }
            app.logger.logLevel = .trace
        }) { app in
            _ = try await RecordWorld.make(app)
            let browser = Browser(app)
            try await browser.signIn("karin@0180.test.se")
            try await browser.get("/caregivers/new")
            try await browser.post("/caregivers/new", form: [("name", "Hemliga Hulda"), ("personalIdentityNumber", "19121212-1213"), ("preferredLanguage", "sv")])
            let saved = try await browser.post("/caregivers/new", form: [("name", "Hemliga Hulda"), ("personalIdentityNumber", "19121212-1212"),
                                                                          ("phone", "070-987 65 43"), ("preferredLanguage", "sv")])
            let path = try #require(saved.headers.first(name: .location))
            try await browser.get(path)
            try await browser.post("/caregivers", form: [("q", "19121212-1212")])
            try await browser.post("/caregivers", form: [("q", "Hulda")])
            try await browser.post(path + "/memos", form: [("memo", "Hulda berättade om sin oro")])
        }
        let log = capture.all.joined(separator: "\n")
        #expect(log.contains("Running query"), "the capture should see the database's debug log")
        for secret in ["Hulda", "19121212", "121212", "070-987", "oro"] {
            #expect(!log.contains(secret), "the server log contains \(secret)")
        }
    }
}
