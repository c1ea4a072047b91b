import Fluent
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

@Suite("Referrals between organisations")
struct ReferralTests {
    @Test("A referral carries only what the consent covers: without contact details the receiver sees no name or phone, page or API")
    func carriesOnlyWhatConsentCovers() async throws {
        try await withSynlig { app in
            let world = try await ReferralWorld.make(app)
            let (_, situationOnly) = try await world.refer(app, [.careSituation])
            let karin = try await APIClient.signedIn(app, ReferralWorld.consultantEmail)
            let response = try await karin.send(.GET, "/api/v1/referrals/received/\(try situationOnly.requireID())")
            #expect(response.status == .ok)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
            for absent in ["name", "phone", "email", "preferredLanguage", "ownNeeds", "createdCaregiverId"] {
                #expect(object[absent] == nil, "\(absent) crossed without consent")
            }
            #expect(object["reason"] as? String == "Mycket trött, vill prata med en anhörigkonsulent.")
            let situation = try #require(object["careSituation"] as? [[String: Any]])
            #expect(situation.count == 1)
            #expect(situation.first?["relation"] as? String == "partner")
            #expect(situation.first?["hoursBand"] as? String == "from20to34")
            #expect(situation.first?["livesTogether"] as? Bool == true)

            let browser = Browser(app)
            try await browser.signIn(ReferralWorld.consultantEmail)
            let page = try await browser.get(SiteURL.referral(try situationOnly.requireID()).path)
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("Region Test"))
            // Nothing of the record outside the consent, and never the person cared for or the number.
            for secret in ["Lena", "Lindqvist", "070-174", "lena@example.se", "Storgatan", "Gösta", "hjärtsjukdom", "19121212", "121212-1212"] {
                #expect(!html.contains(secret), "\(secret) crossed to the receiver's page")
                #expect(!response.body.string.contains(secret), "\(secret) crossed to the receiver's API")
            }
            #expect(html.contains("sa inte ja till att lämna över: namn och kontaktuppgifter"), "the page says what was not passed on")

            // With consent to contact details and needs, those cross — and still nothing else.
            let (_, full) = try await world.refer(app, [.contactDetails, .ownNeeds], needs: "Vill ha avlösning en dag i veckan.")
            let fullResponse = try await karin.send(.GET, "/api/v1/referrals/received/\(try full.requireID())")
            let out = try fullResponse.decoded(API.ReceivedReferralOut.self)
            #expect(out.name == "Lena Lindqvist")
            #expect(out.phone == "070-174 06 12")
            #expect(out.email == "lena@example.se")
            #expect(out.ownNeeds == "Vill ha avlösning en dag i veckan.")
            #expect(out.careSituation == nil)
            for secret in ["Storgatan", "Gösta", "hjärtsjukdom", "19121212", "121212-1212"] {
                #expect(!fullResponse.body.string.contains(secret), "\(secret) crossed to the receiver's API")
            }
            // The copy was made when sent: a later change in the region does not reach the municipality.
            let lena = try #require(try await Caregiver.find(world.lena.requireID(), on: app.db))
            lena.phone = "070-174 06 99"
            try await lena.update(on: app.db)
            #expect(try await karin.send(.GET, "/api/v1/referrals/received/\(try full.requireID())").decoded(API.ReceivedReferralOut.self).phone
                    == "070-174 06 12")
        }
    }

    @Test("The receiver opens, contacts and closes; the sender sees that status with its times and nothing else")
    func statusGoesBack() async throws {
        try await withSynlig { app in
            let world = try await ReferralWorld.make(app)
            let (sent, referral) = try await world.refer(app, [.contactDetails])
            let nora = try await APIClient.signedIn(app, ReferralWorld.nurseEmail)
            func sentStatus() async throws -> API.SentReferralOut {
                let list = try await nora.send(.GET, "/api/v1/referrals/sent").decoded([API.SentReferralOut].self)
                return try #require(list.first { $0.id == sent.id })
            }
            #expect(try await sentStatus().status.status == .sent)

            // Karin's worklist shows it; opening it marks it received on both sides.
            let browser = Browser(app)
            try await browser.signIn(ReferralWorld.consultantEmail)
            #expect(try await browser.get("/").body.string.contains("1 ny remiss"))
            #expect(try await browser.get(SiteURL.referrals.path).body.string.contains("Region Test"))
            #expect(try await browser.get(SiteURL.referral(try referral.requireID()).path).status == .ok)
            let received = try await sentStatus()
            #expect(received.status.status == .received)
            #expect(received.status.receivedAt != nil)
            #expect(!(try await browser.get("/").body.string.contains("ny remiss")))

            // Contacted through the API, with the version; a stale version is refused.
            let karin = try await APIClient.signedIn(app, ReferralWorld.consultantEmail)
            let id = try referral.requireID()
            let current = try await karin.send(.GET, "/api/v1/referrals/received/\(id)").decoded(API.ReceivedReferralOut.self)
            let contacted = try await karin.send(.POST, "/api/v1/referrals/received/\(id)/status",
                                                 json: json(["status": "contacted", "version": current.version]))
            #expect(contacted.status == .ok)
            #expect(try await karin.send(.POST, "/api/v1/referrals/received/\(id)/status",
                                         json: json(["status": "closed", "version": current.version])).status == .conflict)
            #expect(try await sentStatus().status.contactedAt != nil)

            // Closed from the page, as a browser posts the form; then nothing more can be set.
            let version = try contacted.decoded(API.ReceivedReferralOut.self).version
            let closed = try await browser.post(SiteURL.referral(id).path, form: [("status", "closed"), ("version", String(version))])
            #expect(closed.status == .seeOther)
            #expect(try await karin.send(.POST, "/api/v1/referrals/received/\(id)/status",
                                         json: json(["status": "contacted", "version": version + 1])).status == .conflict)
            let back = try await sentStatus()
            #expect(back.status.status == .closed)
            #expect(back.status.closedAt != nil)

            // The sender's side: the status on the record and in the list, and no more keys than its note.
            let noraBrowser = Browser(app)
            try await noraBrowser.signIn(ReferralWorld.nurseEmail)
            let record = try await noraBrowser.get(SiteURL.caregiver(try world.lena.requireID()).path).body.string
            #expect(record.contains("Testkommun"))
            #expect(record.contains("Avslutad"))
            #expect(try await noraBrowser.get(SiteURL.referralsSent.path).body.string.contains("Avslutad"))
            let raw = try await nora.send(.GET, "/api/v1/referrals/sent")
            let first = try #require((try JSONSerialization.jsonObject(with: Data(buffer: raw.body)) as? [[String: Any]])?.first)
            #expect(Set(first.keys) == ["id", "caregiverId", "receivingOrganisationId", "receivingOrganisationName", "consentCategories",
                                        "consentForm", "reason", "status"])
        }
    }

    @Test("A received referral becomes a caregiver record in one step, prefilled, with the classifications not stated")
    func oneStepRecord() async throws {
        try await withSynlig { app in
            let world = try await ReferralWorld.make(app)
            let (sent, referral) = try await world.refer(app, [.contactDetails])
            let id = try referral.requireID()
            let browser = Browser(app)
            try await browser.signIn(ReferralWorld.consultantEmail)
            let form = try await browser.get(SiteURL.referralCaregiver(id).path)
            #expect(form.status == .ok)
            #expect(form.body.string.contains("value=\"Lena Lindqvist\""))
            // The form as a browser submits it untouched: every select sends its first option.
            let posted = try await browser.submitForm(on: SiteURL.referralCaregiver(id).path)
            #expect(posted.status == .seeOther)
            let created = try #require(try await Caregiver.query(on: app.db).filter(\.$organisationID == (try world.municipalityID))
                .filter(\.$name == "Lena Lindqvist").first())
            #expect(created.phone == "070-174 06 12")
            #expect(created.gender == .notStated)
            #expect(created.foreignBackground == .notStated)
            #expect(created.personalIdentityNumber == nil)
            let stored = try #require(try await Referral.find(id, on: app.db))
            #expect(stored.createdCaregiverID == created.id)
            #expect(try await browser.get(SiteURL.caregiver(try created.requireID()).path).body.string.contains("Registrerad från en remiss från Region Test"))
            // Once is enough: a second try registers nobody.
            let karin = try await APIClient.signedIn(app, ReferralWorld.consultantEmail)
            #expect(try await karin.send(.POST, "/api/v1/referrals/received/\(id)/caregiver", json: "{}").status == .conflict)
            // The sender learns the status (received), not that a record was made.
            let note = try #require(try await SentReferral.find(sent.requireID(), on: app.db))
            #expect(note.status == .received)

            // Through the API with an empty body: everything from the referral.
            let (_, second) = try await world.refer(app, [.contactDetails])
            let response = try await karin.send(.POST, "/api/v1/referrals/received/\(try second.requireID())/caregiver", json: "{}")
            #expect(response.status == .created)
            let out = try response.decoded(API.CaregiverOut.self)
            #expect(out.name == "Lena Lindqvist")
            // Without contact details there is no name to carry: the API asks for one.
            let (_, nameless) = try await world.refer(app, [.careSituation])
            let refused = try await karin.send(.POST, "/api/v1/referrals/received/\(try nameless.requireID())/caregiver", json: "{}")
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.fieldProblems["name"] != nil)
        }
    }

    @Test("Both audit trails record sending, opening, status and registration; the receiver's reads are in its access log")
    func auditAndAccessLog() async throws {
        try await withSynlig { app in
            let world = try await ReferralWorld.make(app)
            let (sent, referral) = try await world.refer(app, [.contactDetails])
            let karin = try await APIClient.signedIn(app, ReferralWorld.consultantEmail)
            let id = try referral.requireID()
            let out = try await karin.send(.GET, "/api/v1/referrals/received/\(id)").decoded(API.ReceivedReferralOut.self)
            #expect(try await karin.send(.POST, "/api/v1/referrals/received/\(id)/status",
                                         json: json(["status": "contacted", "version": out.version])).status == .ok)
            #expect(try await karin.send(.POST, "/api/v1/referrals/received/\(id)/caregiver", json: "{}").status == .created)

            func actions(_ organisation: UUID, _ record: UUID) async throws -> [String] {
                try await AuditEvent.query(on: app.db).filter(\.$organisationID == organisation).filter(\.$recordID == record.uuidString)
                    .sort(\.$sequence).all().map(\.action)
            }
            let regionID = try world.region.requireID()
            let municipalityID = try world.municipalityID
            #expect(try await actions(regionID, try sent.requireID()) == ["referral.send", "referral.status_returned.received",
                                                                            "referral.status_returned.contacted"])
            #expect(try await actions(municipalityID, id) == ["referral.receive", "referral.open", "referral.status.contacted", "referral.take_up"])
            // No event of one organisation names the other's row.
            #expect(try await actions(municipalityID, try sent.requireID()).isEmpty)
            #expect(try await actions(regionID, id).isEmpty)

            let reads = try await AccessLogEntry.query(on: app.db).filter(\.$recordType == "referral").filter(\.$recordID == id).all()
            #expect(reads.count == 1)
            #expect(reads.allSatisfy { $0.organisationID == municipalityID && $0.userID == world.municipality.consultant.id })
        }
    }

    @Test("The sender's register extract shows the referral sent; the receiver's new record's extract shows where it came from")
    func extractShowsIt() async throws {
        try await withSynlig { app in
            let world = try await ReferralWorld.make(app)
            let (sent, referral) = try await world.refer(app, [.contactDetails])
            let karin = try await APIClient.signedIn(app, ReferralWorld.consultantEmail)
            let created = try await karin.send(.POST, "/api/v1/referrals/received/\(try referral.requireID())/caregiver", json: "{}")
                .decoded(API.CaregiverOut.self)

            func rows(_ client: APIClient, _ caregiverID: UUID, _ table: String) async throws -> [[String: Any]] {
                let response = try await client.send(.GET, "/api/v1/caregivers/\(caregiverID.uuidString)/extract")
                #expect(response.status == .ok)
                let object = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                let sections = try #require(object?["sections"] as? [[String: Any]])
                return sections.first { $0["table"] as? String == table }?["rows"] as? [[String: Any]] ?? []
            }
            let rita = try await APIClient.signedIn(app, ReferralWorld.regionConsultantEmail)
            let sentRows = try await rows(rita, try world.lena.requireID(), "sent_referrals")
            #expect(sentRows.count == 1)
            #expect(sentRows.first?["id"] as? String == sent.id?.uuidString)
            #expect(sentRows.first?["receiving_organisation_name"] as? String == "Testkommun")
            #expect(try await rows(rita, try world.lena.requireID(), "referrals").isEmpty)

            let receivedRows = try await rows(karin, created.id, "referrals")
            #expect(receivedRows.count == 1)
            #expect(receivedRows.first?["sending_organisation_name"] as? String == "Region Test")
            #expect(receivedRows.first?["name"] as? String == "Lena Lindqvist")
            #expect(try await rows(karin, created.id, "sent_referrals").isEmpty)
            // The page extract names the table in plain words.
            let browser = Browser(app)
            try await browser.signIn(ReferralWorld.consultantEmail)
            #expect(try await browser.get(SiteURL.caregiverPart(created.id, .extract).path).body.string
                .contains("Remiss som den anhörige registrerades från"))
        }
    }

    @Test("Refused with 422 and the reason: unknown or own organisation, no consent, no form of consent, no reason, needs without consent")
    func badInput() async throws {
        try await withSynlig { app in
            let world = try await ReferralWorld.make(app)
            let nora = try await APIClient.signedIn(app, ReferralWorld.nurseEmail)
            let path = "/api/v1/caregivers/\(try world.lena.requireID())/referrals"
            let good: [String: Any] = ["receivingOrganisationId": try world.municipalityID.uuidString, "consentCategories": ["contactDetails"],
                                       "consentForm": "written", "reason": "Behöver stöd."]
            func refused(_ change: [String: Any], field: String) async throws {
                let body = good.merging(change) { _, new in new }
                let response = try await nora.send(.POST, path, json: json(body))
                #expect(response.status == .unprocessableEntity, "\(change)")
                #expect(response.fieldProblems[field] != nil, "\(change) → \(response.fieldProblems)")
            }
            try await refused(["receivingOrganisationId": UUID().uuidString], field: "receivingOrganisationId")
            try await refused(["receivingOrganisationId": try world.region.requireID().uuidString], field: "receivingOrganisationId")
            try await refused(["receivingOrganisationId": "not-an-id"], field: "receivingOrganisationId")
            try await refused(["consentCategories": [String]()], field: "consentCategories")
            try await refused(["consentCategories": ["everything"]], field: "consentCategories")
            try await refused(["consentForm": ""], field: "consentForm")
            try await refused(["consentForm": "telepathy"], field: "consentForm")
            try await refused(["reason": "   "], field: "reason")
            try await refused(["ownNeeds": "Avlösning"], field: "ownNeeds")
            #expect(try await nora.send(.POST, path, json: #"{"reason":"x","extra":1}"#).status == .badRequest)
            #expect(try await Referral.query(on: app.db).count() == 0)
            #expect(try await SentReferral.query(on: app.db).count() == 0)

            // The page: the form again with the reasons, as an untouched browser form sends it.
            let browser = Browser(app)
            try await browser.signIn(ReferralWorld.nurseEmail)
            let form = try await browser.get(SiteURL.caregiverPart(try world.lena.requireID(), .referralNew).path)
            #expect(form.status == .ok)
            #expect(form.body.string.contains("Testkommun"))
            #expect(!form.body.string.contains("Region Test (Region)"), "one's own organisation is not offered")
            let page = try await browser.post(SiteURL.caregiverPart(try world.lena.requireID(), .referralNew).path,
                                              form: [("receivingOrganisationId", ""), ("reason", "")])
            #expect(page.status == .unprocessableEntity)
            #expect(page.body.string.contains("Kryssa i vad den anhörige har sagt ja till att lämna över."))
            #expect(page.body.string.contains("Välj hur den anhörige gav sitt samtycke."))

            // A sent referral from the page lands on the record.
            let sent = try await browser.post(SiteURL.caregiverPart(try world.lena.requireID(), .referralNew).path, form: [
                ("receivingOrganisationId", try world.municipalityID.uuidString), ("consentCategories", "contactDetails"),
                ("consentCategories", "ownNeeds"), ("consentForm", "digital"), ("reason", "Behöver stöd."), ("ownNeeds", "Avlösning")])
            #expect(sent.status == .seeOther)
            #expect(try await Referral.query(on: app.db).first()?.ownNeeds == "Avlösning")
        }
    }

    @Test("A referral nobody took up is purged after 90 days, a closed one 30 days after closing; one made a record stays")
    func purge() async throws {
        try await withSynlig { app in
            let world = try await ReferralWorld.make(app)
            let (sent, untaken) = try await world.refer(app, [.contactDetails])
            let (_, takenUp) = try await world.refer(app, [.contactDetails])
            _ = try await CaregiverService.save(nil, ReferralService.prefill(takenUp), by: world.municipality.consultant, on: app.db,
                                                takingUpReferral: try takenUp.requireID())
            #expect(try await ReferralService.purge(now: Date().addingTimeInterval(89 * 86400), on: app.db) == 0)
            #expect(try await ReferralService.purge(now: Date().addingTimeInterval(91 * 86400), on: app.db) == 1)
            #expect(try await Referral.find(untaken.requireID(), on: app.db) == nil)
            #expect(try await Referral.find(takenUp.requireID(), on: app.db) != nil)
            // The sender's note stays with its record, at the last status it was given.
            #expect(try await SentReferral.find(sent.requireID(), on: app.db)?.status == .sent)
        }
    }
}
