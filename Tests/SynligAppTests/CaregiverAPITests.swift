import Fluent
import Foundation
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

/// A municipality with two units, a consultant who sees everyone, a staff member of the first
/// unit, and an administrator, who sees no person at all.
private struct CaregiverWorld {
    let organisation: Organisation
    let unitA: Unit
    let unitB: Unit
    let consultant: APIClient
    let staffA: APIClient
    let admin: APIClient

    static func make(_ app: Application) async throws -> CaregiverWorld {
        let organisation = try await makeOrganisation(app)
        let unitA = try await makeUnit(app, in: organisation, name: "Hemtjänst Norra")
        let unitB = try await makeUnit(app, in: organisation, name: "Hemtjänst Södra")
        try await makeUser(app, in: organisation, email: "karin@test.se", roles: [.consultant])
        try await makeUser(app, in: organisation, email: "ali@test.se", roles: [.staff], units: [unitA])
        try await makeUser(app, in: organisation, email: "admin@test.se", roles: [.admin])
        return CaregiverWorld(organisation: organisation, unitA: unitA, unitB: unitB,
                              consultant: try await APIClient.signedIn(app, "karin@test.se"),
                              staffA: try await APIClient.signedIn(app, "ali@test.se"),
                              admin: try await APIClient.signedIn(app, "admin@test.se"))
    }
}

private let today = CalendarDate.today().iso

private extension APIClient {
    func createCaregiver(_ name: String, extra: [String: Any] = [:]) async throws -> API.CaregiverOut {
        var body: [String: Any] = ["name": name, "phone": "070-123 45 67", "gender": "woman", "preferredLanguage": "sv"]
        body.merge(extra) { _, new in new }
        let response = try await send(.POST, "/api/v1/caregivers", json: json(body))
        #expect(response.status == .created)
        return try response.decoded(API.CaregiverOut.self)
    }

    func createRecipient(_ name: String, units: [Unit]) async throws -> API.RecipientOut {
        let response = try await send(.POST, "/api/v1/recipients", json: json([
            "name": name, "unitIds": try units.map { try $0.requireID().uuidString }, "fixedCareContact": "Distriktssköterska Eva",
        ]))
        #expect(response.status == .created)
        return try response.decoded(API.RecipientOut.self)
    }

    func link(_ caregiver: API.CaregiverOut, to recipient: API.RecipientOut, extra: [String: Any] = [:]) async throws -> API.RelationshipOut {
        var body: [String: Any] = ["recipientId": recipient.id.uuidString, "relation": "child", "hoursBand": "from10to19",
                                   "tasks": ["practicalHelp"], "livesTogether": false]
        body.merge(extra) { _, new in new }
        let response = try await send(.POST, "/api/v1/caregivers/\(caregiver.id)/relationships", json: json(body))
        #expect(response.status == .created)
        return try response.decoded(API.RelationshipOut.self)
    }

    func consent(_ relationship: API.RelationshipOut, _ body: [String: Any]) async throws -> TestingHTTPResponse {
        try await send(.POST, "/api/v1/relationships/\(relationship.id)/consents", json: json(body))
    }

    func invite(_ relationship: API.RelationshipOut) async throws -> TestingHTTPResponse {
        try await send(.POST, "/api/v1/relationships/\(relationship.id)/invitations",
                       json: json(["kind": "coordinatedPlan", "meetingOn": CalendarDate.today().addingDays(10).iso]))
    }

    func relationship(_ id: UUID, of caregiver: UUID) async throws -> API.RelationshipOut? {
        try await send(.GET, "/api/v1/caregivers/\(caregiver)").decoded(API.CaregiverOut.self).relationships.first { $0.id == id }
    }
}

@Suite("Caregiver record JSON API")
struct CaregiverAPITests {
    @Test("A personnummer is checked, searched exactly in the body, shown masked in the record and never in lists")
    func personalIdentityNumber() async throws {
        try await withSynlig { app in
            let world = try await CaregiverWorld.make(app)
            let karin = world.consultant

            let wrong = try await karin.send(.POST, "/api/v1/caregivers", json: json(["name": "Anna Andersson",
                                                                                      "personalIdentityNumber": "19121212-1213"]))
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.fieldProblems == ["personalIdentityNumber": "Kontrollsiffran stämmer inte – kontrollera numret."])
            let badChoice = try await karin.send(.POST, "/api/v1/caregivers", json: json(["name": "X", "gender": "alien", "birthYear": 1800]))
            #expect(Set(badChoice.fieldProblems.keys) == ["gender", "birthYear"])
            let foreignUnit = try await karin.send(.POST, "/api/v1/caregivers", json: json(["name": "X", "unitId": UUID().uuidString]))
            #expect(Set(foreignUnit.fieldProblems.keys) == ["unitId"])

            let anna = try await karin.createCaregiver("Anna Andersson", extra: ["personalIdentityNumber": "19121212-1212", "birthYear": 1956])
            #expect(anna.personalIdentityNumber == "1912XXXX-XXXX")
            #expect(anna.personalIdentityNumberKind == "personnummer")
            #expect(anna.version == 1)
            _ = try await karin.createCaregiver("Bengt Berg")

            let read = try await karin.send(.GET, "/api/v1/caregivers/\(anna.id)")
            #expect(read.status == .ok)
            #expect(read.eTag == "\"1\"")
            #expect(try read.decoded(API.CaregiverOut.self).personalIdentityNumber == "1912XXXX-XXXX")
            #expect(!read.body.string.contains("1212121212"))

            let list = try await karin.send(.GET, "/api/v1/caregivers?per=1")
            let page = try list.decoded(API.Page<API.CaregiverSummary>.self)
            #expect(page.items.map(\.name) == ["Anna Andersson"])
            #expect((page.page, page.per, page.total) == (1, 1, 2))
            #expect(!list.body.string.contains("personalIdentityNumber"))
            #expect(!list.body.string.contains("XXXX"))
            #expect(try await karin.send(.POST, "/api/v1/caregivers/search", json: json(["q": "BERG"]))
                .decoded(API.Page<API.CaregiverSummary>.self).items.map(\.name) == ["Bengt Berg"])
            #expect(try await karin.send(.GET, "/api/v1/caregivers?q=Berg").status == .badRequest, "names stay out of URLs too")

            // The number is searched in the body, in any accepted form, never in a URL.
            for form in ["191212121212", "121212+1212"] {
                let found = try await karin.send(.POST, "/api/v1/caregivers/search", json: json(["q": form]))
                #expect(try found.decoded(API.Page<API.CaregiverSummary>.self).items.map(\.id) == [anna.id])
                #expect(!found.body.string.contains("1212121212"))
            }
            #expect(try await karin.send(.POST, "/api/v1/caregivers/search", json: json(["q": "19121212-1213"]))
                .decoded(API.Page<API.CaregiverSummary>.self).items.isEmpty)
            #expect(try await karin.send(.GET, "/api/v1/caregivers?q=19121212-1212").status == .badRequest)
        }
    }

    @Test("A stale edit is refused with 409 (or 412 for If-Match) and nothing is overwritten; an edit keeps the hidden personnummer")
    func staleEdits() async throws {
        try await withSynlig { app in
            let world = try await CaregiverWorld.make(app)
            let karin = world.consultant
            let anna = try await karin.createCaregiver("Anna Andersson", extra: ["personalIdentityNumber": "19121212-1212"])
            let path = "/api/v1/caregivers/\(anna.id)"

            let edited = try await karin.send(.PUT, path, json: json(["name": "Anna Ek", "version": 1, "gender": "woman"]))
            #expect(edited.status == .ok)
            #expect(edited.eTag == "\"2\"")
            let after = try edited.decoded(API.CaregiverOut.self)
            #expect(after.name == "Anna Ek")
            #expect(after.personalIdentityNumber == "1912XXXX-XXXX")

            let stale = try await karin.send(.PUT, path, json: json(["name": "Gammal kopia", "version": 1]))
            #expect(stale.status == .conflict)
            #expect(stale.problem?.detail ==
                "Någon annan har ändrat posten sedan du öppnade den. Ladda om och gör din ändring igen – inget har skrivits över.")
            let staleTag = try await karin.send(.PUT, path, json: json(["name": "Etikett"]), headers: ["If-Match": "\"1\""])
            #expect(staleTag.status == .preconditionFailed)
            #expect(try await karin.send(.PUT, path, json: json(["name": "Utan version"])).status == .preconditionRequired)
            #expect(try await karin.send(.GET, path).decoded(API.CaregiverOut.self).name == "Anna Ek")

            let tagged = try await karin.send(.PUT, path, json: json(["name": "Anna Ek", "personalIdentityNumber": ""]),
                                              headers: ["If-Match": "\"2\""])
            #expect(tagged.status == .ok)
            #expect(try tagged.decoded(API.CaregiverOut.self).personalIdentityNumber == nil)
        }
    }

    @Test("Another organisation's caregiver is not found; staff see only people linked to their units; other roles are refused")
    func visibility() async throws {
        try await withSynlig { app in
            let world = try await CaregiverWorld.make(app)
            let karin = world.consultant
            let mother = try await karin.createRecipient("Maja Norra", units: [world.unitA])
            let father = try await karin.createRecipient("Sven Södra", units: [world.unitB])
            let north = try await karin.createCaregiver("Nora Norr")
            let south = try await karin.createCaregiver("Sara Söder")
            _ = try await karin.link(north, to: mother)
            _ = try await karin.link(south, to: father)

            let ali = world.staffA
            #expect(try await ali.send(.GET, "/api/v1/caregivers/\(north.id)").status == .ok)
            #expect(try await ali.send(.GET, "/api/v1/caregivers/\(south.id)").status == .notFound)
            #expect(try await ali.send(.GET, "/api/v1/caregivers/\(south.id)/fhir").status == .notFound)
            #expect(try await ali.send(.GET, "/api/v1/caregivers/\(south.id)/voluntariness").status == .notFound)
            #expect(try await ali.send(.GET, "/api/v1/recipients/\(father.id)").status == .notFound)
            #expect(try await ali.send(.GET, "/api/v1/caregivers").decoded(API.Page<API.CaregiverSummary>.self).items.map(\.id) == [north.id])
            #expect(try await ali.send(.GET, "/api/v1/recipients").decoded(API.Page<API.RecipientSummary>.self).items.map(\.id) == [mother.id])
            // Once the mother is also cared for by Sara, Ali sees her, but not Sara's other person.
            _ = try await karin.link(south, to: mother, extra: ["relation": "other"])
            let seen = try await ali.send(.GET, "/api/v1/caregivers/\(south.id)").decoded(API.CaregiverOut.self)
            #expect(seen.relationships.map(\.recipientId) == [mother.id])

            #expect(try await world.admin.send(.GET, "/api/v1/caregivers").status == .forbidden)
            #expect(try await world.admin.send(.GET, "/api/v1/worklist").status == .forbidden)

            let elsewhere = try await makeOrganisation(app, name: "Grannkommun", code: "0181")
            try await makeUser(app, in: elsewhere, email: "olle@granne.se", roles: [.consultant])
            let olle = try await APIClient.signedIn(app, "olle@granne.se")
            #expect(try await olle.send(.GET, "/api/v1/caregivers/\(north.id)").status == .notFound)
            #expect(try await olle.send(.PUT, "/api/v1/caregivers/\(north.id)", json: json(["name": "X", "version": 1])).status == .notFound)
            #expect(try await olle.send(.GET, "/api/v1/caregivers/\(north.id)/fhir").status == .notFound)
            #expect(try await olle.send(.GET, "/api/v1/recipients/\(mother.id)").status == .notFound)
            #expect(try await olle.send(.GET, "/api/v1/caregivers").decoded(API.Page<API.CaregiverSummary>.self).total == 0)
            #expect(try await karin.send(.GET, "/api/v1/caregivers/\(north.id)").decoded(API.CaregiverOut.self).name == "Nora Norr")
        }
    }

    @Test("Consent decides what may be shared; withdrawal and restrictions block invitations; only consultants lift")
    func consentAndRestrictions() async throws {
        try await withSynlig { app in
            let world = try await CaregiverWorld.make(app)
            let karin = world.consultant
            let ali = world.staffA
            let mother = try await karin.createRecipient("Maja Norra", units: [world.unitA])
            let nora = try await karin.createCaregiver("Nora Norr")
            let link = try await karin.link(nora, to: mother)
            #expect(link.consent.basis == "none")
            #expect(!link.mayInvite)
            #expect(try await ali.invite(link).status == .conflict)

            let partial = try await ali.consent(link, ["kind": "consent", "categories": ["planningAndMeetings", "healthCondition"],
                                                       "form": "oral", "date": today])
            #expect(partial.status == .created)
            var current = try #require(try await ali.relationship(link.id, of: nora.id))
            #expect(current.consent.basis == "consent")
            #expect(current.consent.categories == [.healthCondition, .planningAndMeetings])
            #expect(current.mayInvite)
            #expect(!current.mayInformAboutCare)
            let invited = try await ali.invite(link)
            #expect(invited.status == .created)
            let invitation = try invited.decoded(API.InvitationOut.self)
            let attended = try await ali.send(.POST, "/api/v1/invitations/\(invitation.id)/attendance", json: json(["attendance": "tookPart"]))
            #expect(try attended.decoded(API.InvitationOut.self).attendance == .tookPart)

            #expect(try await ali.consent(link, ["kind": "withdrawal", "date": today]).status == .created)
            current = try #require(try await ali.relationship(link.id, of: nora.id))
            #expect(current.consent.basis == "withdrawn")
            #expect(!current.mayInvite)
            let refused = try await ali.invite(link)
            #expect(refused.status == .conflict)
            #expect(refused.problem?.detail ==
                "Den anhörige kan inte bjudas in utan samtycke till planering och möten (eller en menprövning som tillåter det).")
            let written = try await ali.consent(link, ["kind": "consent", "categories": ["planningAndMeetings"], "form": "written", "date": today])
            #expect(written.fieldProblems.keys.contains("documentReference"))
            #expect(try await ali.consent(link, ["kind": "consent", "categories": ["planningAndMeetings", "careAndServices", "healthCondition"],
                                                 "form": "oral", "date": today]).status == .created)

            let history = try await ali.send(.GET, "/api/v1/relationships/\(link.id)/consents").decoded(API.ConsentHistoryOut.self)
            #expect(history.entries.map(\.kind) == [.consent, .withdrawal, .consent])
            #expect(history.consent.categories.count == 3)

            let restricted = try await ali.send(.POST, "/api/v1/relationships/\(link.id)/restrictions", json: json([
                "reason": "suspectedViolence", "decidedOn": today, "reviewOn": CalendarDate.today().addingDays(30).iso,
                "note": "Oro för våld",
            ]))
            #expect(restricted.status == .created)
            let restriction = try restricted.decoded(API.RestrictionOut.self)
            current = try #require(try await ali.relationship(link.id, of: nora.id))
            #expect(current.restricted)
            #expect(current.activeRestriction?.id == restriction.id)
            #expect(!current.mayInvite)
            let blocked = try await ali.invite(link)
            #expect(blocked.status == .conflict)
            #expect(blocked.problem?.detail == "Den anhörige kan inte bjudas in: det finns en begränsning om olämplig delaktighet.")

            let byStaff = try await ali.send(.POST, "/api/v1/restrictions/\(restriction.id)/lift", json: json(["reason": "Utrett"]))
            #expect(byStaff.status == .forbidden)
            #expect(byStaff.problem?.detail == "Bara en anhörigkonsulent eller handläggare kan häva en begränsning.")
            // Kept at its review: a new review date, and staff cannot do it.
            let later = CalendarDate.today().addingMonths(4).iso
            #expect(try await ali.send(.POST, "/api/v1/restrictions/\(restriction.id)/review", json: json(["reviewOn": later])).status == .forbidden)
            let reviewed = try await karin.send(.POST, "/api/v1/restrictions/\(restriction.id)/review", json: json(["reviewOn": later]))
            #expect(reviewed.status == .ok)
            #expect(try reviewed.decoded(API.RestrictionOut.self).reviewOn == later)
            #expect(try reviewed.decoded(API.RestrictionOut.self).active)
            let noReason = try await karin.send(.POST, "/api/v1/restrictions/\(restriction.id)/lift", json: json(["reason": ""]))
            #expect(Set(noReason.fieldProblems.keys) == ["reason"])
            let lifted = try await karin.send(.POST, "/api/v1/restrictions/\(restriction.id)/lift", json: json(["reason": "Utrett, ingen grund"]))
            #expect(lifted.status == .ok)
            #expect(try lifted.decoded(API.RestrictionOut.self).active == false)
            #expect(try await ali.invite(link).status == .created)
        }
    }

    @Test("Every read of a caregiver's or recipient's record is in the access log; lists and searches are not")
    func accessLog() async throws {
        try await withSynlig { app in
            let world = try await CaregiverWorld.make(app)
            let karin = world.consultant
            let mother = try await karin.createRecipient("Maja Norra", units: [world.unitA])
            let nora = try await karin.createCaregiver("Nora Norr")
            let link = try await karin.link(nora, to: mother)
            _ = try await karin.send(.GET, "/api/v1/caregivers")
            _ = try await karin.send(.POST, "/api/v1/caregivers/search", json: json(["q": "nora"]))
            _ = try await karin.send(.GET, "/api/v1/recipients")
            _ = try await karin.send(.GET, "/api/v1/worklist")
            #expect(try await AccessLogEntry.query(on: app.db).count() == 0)

            for path in ["/caregivers/\(nora.id)", "/recipients/\(mother.id)", "/caregivers/\(nora.id)/fhir",
                         "/caregivers/\(nora.id)/voluntariness", "/caregivers/\(nora.id)/memo-notes", "/relationships/\(link.id)/consents"] {
                #expect(try await karin.send(.GET, "/api/v1" + path).status == .ok, "\(path)")
            }
            // An edit answers with the whole record, more than was sent: read, and logged as read.
            let current = try await karin.send(.GET, "/api/v1/caregivers/\(nora.id)")
            let edited = try await karin.send(.PUT, "/api/v1/caregivers/\(nora.id)", json: json(["name": "Nora Norr", "version": 1]),
                                              headers: ["If-Match": current.headers.first(name: .eTag) ?? ""])
            #expect(edited.status == .ok, "\(edited.body.string)")
            let entries = try await AccessLogEntry.query(on: app.db).all()
            #expect(entries.count == 9)
            #expect(entries.filter { $0.recordType == "care_recipient" }.map(\.recordID) == [mother.id])
            // The person's page lists Nora: she is read there too.
            #expect(entries.filter { $0.recordType == "caregiver" }.map(\.recordID) == Array(repeating: nora.id, count: 8))
            #expect(Set(entries.map(\.via)) == [
                "GET /api/v1/caregivers/:id", "GET /api/v1/recipients/:id", "GET /api/v1/caregivers/:id/fhir",
                "GET /api/v1/caregivers/:id/voluntariness", "GET /api/v1/caregivers/:id/memo-notes", "GET /api/v1/relationships/:id/consents",
                "PUT /api/v1/caregivers/:id",
            ])
            #expect(entries.allSatisfy { $0.organisationID == world.organisation.id && $0.userID == entries[0].userID })
        }
    }

    @Test("The FHIR export is a Bundle of RelatedPerson, Patient, Consent and Flag resources with the required elements")
    func fhirExport() async throws {
        try await withSynlig { app in
            let world = try await CaregiverWorld.make(app)
            let karin = world.consultant
            let mother = try await karin.createRecipient("Maja Norra", units: [world.unitA])
            let anna = try await karin.createCaregiver("Anna Andersson", extra: [
                "personalIdentityNumber": "19121212-1212", "email": "anna@example.se", "preferredChannel": "email",
                "preferredLanguage": "fi", "birthYear": 1956,
            ])
            let link = try await karin.link(anna, to: mother, extra: [
                "relation": "partner", "coordinatedContacts": ["Vårdcentralen", "Hemtjänsten", "Minnesmottagningen"],
            ])
            #expect(link.coordinationSignal)
            #expect(try await karin.consent(link, ["kind": "consent", "categories": ["healthCondition"], "form": "oral",
                                                   "date": CalendarDate.today().addingDays(-3).iso]).status == .created)
            #expect(try await karin.consent(link, ["kind": "consent", "categories": ["healthCondition", "planningAndMeetings"],
                                                   "form": "written", "documentReference": "Akt 12", "date": today]).status == .created)
            let restricted = try await karin.send(.POST, "/api/v1/relationships/\(link.id)/restrictions", json: json([
                "reason": "threats", "decidedOn": today, "reviewOn": CalendarDate.today().addingDays(60).iso,
            ]))
            #expect(restricted.status == .created)

            let response = try await karin.send(.GET, "/api/v1/caregivers/\(anna.id)/fhir")
            #expect(response.status == .ok)
            #expect(response.headers.contentType?.description.hasPrefix("application/fhir+json") == true)
            let bundle = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
            #expect(bundle["resourceType"] as? String == "Bundle")
            #expect(bundle["type"] as? String == "collection")
            #expect(bundle["id"] is String)
            #expect(bundle["timestamp"] is String)
            let entries = try #require(bundle["entry"] as? [[String: Any]])
            #expect(noNullsOrEmpties(bundle))
            var byType: [String: [[String: Any]]] = [:]
            var fullUrls = Set<String>()
            for entry in entries {
                let fullUrl = try #require(entry["fullUrl"] as? String)
                let resource = try #require(entry["resource"] as? [String: Any])
                let id = try #require(resource["id"] as? String)
                #expect(fullUrl == "urn:uuid:" + id)
                fullUrls.insert(fullUrl)
                byType[resource["resourceType"] as? String ?? "?", default: []].append(resource)
            }
            #expect(fullUrls.count == entries.count)
            #expect(byType.mapValues(\.count) == ["Patient": 1, "RelatedPerson": 1, "Consent": 2, "Flag": 2])

            let patient = try #require(byType["Patient"]?.first)
            #expect((patient["name"] as? [[String: Any]])?.first?["text"] as? String == "Maja Norra")
            #expect(patient.keys.sorted() == ["id", "name", "resourceType", "text"])
            let patientURL = "urn:uuid:" + (patient["id"] as? String ?? "")

            let person = try #require(byType["RelatedPerson"]?.first)
            let personURL = "urn:uuid:" + (person["id"] as? String ?? "")
            #expect((person["patient"] as? [String: Any])?["reference"] as? String == patientURL)
            let identifier = try #require((person["identifier"] as? [[String: Any]])?.first)
            #expect(identifier["system"] as? String == "http://electronichealth.se/identifier/personnummer")
            #expect(identifier["value"] as? String == "191212121212")
            let relationship = try #require((person["relationship"] as? [[String: Any]])?.first)
            let roleCoding = try #require((relationship["coding"] as? [[String: Any]])?.first)
            #expect(roleCoding["system"] as? String == "http://terminology.hl7.org/CodeSystem/v3-RoleCode")
            #expect(roleCoding["code"] as? String == "SIGOTHR")
            #expect(relationship["text"] is String)
            #expect((person["name"] as? [[String: Any]])?.first?["text"] as? String == "Anna Andersson")
            #expect(person["gender"] as? String == "female")
            #expect(person["birthDate"] as? String == "1956")
            // The pair is restricted: the caregiver's contact details stay out of the export.
            #expect(person["telecom"] == nil)
            #expect(person["address"] == nil)
            let language = ((person["communication"] as? [[String: Any]])?.first?["language"] as? [String: Any])?["coding"] as? [[String: Any]]
            #expect(language?.first?["code"] as? String == "fi")
            #expect(language?.first?["system"] as? String == "urn:ietf:bcp:47")

            let consents = try #require(byType["Consent"])
            #expect(consents.compactMap { $0["status"] as? String }.sorted() == ["active", "inactive"])
            let active = try #require(consents.first { $0["status"] as? String == "active" })
            #expect(codes(active["scope"]) == ["http://terminology.hl7.org/CodeSystem/consentscope|patient-privacy"])
            #expect(codes((active["category"] as? [Any])?.first) == ["http://loinc.org|59284-0"])
            #expect((active["patient"] as? [String: Any])?["reference"] as? String == patientURL)
            #expect(active["dateTime"] as? String == today)
            #expect(active["policyRule"] != nil)
            let provision = try #require(active["provision"] as? [String: Any])
            #expect(provision["type"] as? String == "permit")
            #expect((provision["code"] as? [Any])?.flatMap { codes($0) } == [
                "https://synlig.se/fhir/CodeSystem/consent-category|healthCondition",
                "https://synlig.se/fhir/CodeSystem/consent-category|planningAndMeetings",
            ])
            let actor = try #require((provision["actor"] as? [[String: Any]])?.first)
            #expect((actor["reference"] as? [String: Any])?["reference"] as? String == personURL)
            #expect(actor["role"] != nil)

            let flags = try #require(byType["Flag"])
            #expect(flags.allSatisfy { $0["status"] as? String == "active" })
            #expect(flags.allSatisfy { ($0["subject"] as? [String: Any])?["reference"] as? String == patientURL })
            #expect(flags.allSatisfy { (($0["code"] as? [String: Any])?["text"] as? String)?.isEmpty == false })
            let safety = try #require(flags.first { codes(($0["category"] as? [Any])?.first).contains { $0.hasSuffix("|safety") } })
            #expect((safety["period"] as? [String: Any])?["start"] as? String == today)
            let detail = (safety["extension"] as? [[String: Any]])?.first
            #expect(detail?["url"] as? String == "http://hl7.org/fhir/StructureDefinition/flag-detail")
            #expect((detail?["valueReference"] as? [String: Any])?["reference"] as? String == personURL)
            #expect(flags.contains { codes(($0["category"] as? [Any])?.first).contains { $0.hasSuffix("|admin") } })
        }
    }

    @Test("A contact request becomes a caregiver record in one API call, and the request is closed; a second call registers nobody")
    func contactRequestToRecord() async throws {
        try await withSynlig { app in
            let world = try await CaregiverWorld.make(app)
            let request = ContactRequest()
            request.organisationID = try world.organisation.requireID()
            request.name = "Lisa Berg"
            request.reach = "070-321 54 76"
            request.about = "Min mamma har demens"
            request.language = "sv"
            request.status = .open
            request.createdAt = Date()
            try await request.create(on: app.db)
            let path = "/api/v1/contact-requests/\(try request.requireID())/caregiver"
            let body = json(["name": "Lisa Berg", "phone": "070-321 54 76", "preferredLanguage": "sv"])
            #expect(try await world.staffA.send(.POST, path, json: body).status == .forbidden)
            let created = try await world.consultant.send(.POST, path, json: body)
            #expect(created.status == .created)
            #expect(try await ContactRequest.find(request.requireID(), on: app.db)?.status == .closed)
            #expect(try await world.consultant.send(.POST, path, json: body).status == .conflict)
            #expect(try await Caregiver.query(on: app.db).filter(\.$name == "Lisa Berg").count() == 1)
        }
    }

    @Test("The worklist holds the voluntariness question asked at registration, filtered and sorted, and a task can be marked done")
    func worklist() async throws {
        try await withSynlig { app in
            let world = try await CaregiverWorld.make(app)
            let karin = world.consultant
            let nora = try await karin.createCaregiver("Nora Norr")

            let list = try await karin.send(.GET, "/api/v1/worklist").decoded(API.Page<API.CaregiverTaskOut>.self)
            let task = try #require(list.items.first)
            #expect(list.total == 1)
            #expect(task.kind == .voluntarinessFollowUp)
            #expect(task.caregiverId == nora.id)
            #expect(task.caregiverName == "Nora Norr")
            #expect(task.dueOn == today)
            #expect(task.dueState == "dueSoon")
            #expect(try await karin.send(.GET, "/api/v1/worklist?kind=screening").decoded(API.Page<API.CaregiverTaskOut>.self).items.isEmpty)
            #expect(try await karin.send(.GET, "/api/v1/worklist?due=overdue").decoded(API.Page<API.CaregiverTaskOut>.self).items.isEmpty)
            #expect(try await karin.send(.GET, "/api/v1/worklist?kind=voluntarinessFollowUp&due=dueSoon")
                .decoded(API.Page<API.CaregiverTaskOut>.self).items.map(\.id) == [task.id])
            let bad = try await karin.send(.GET, "/api/v1/worklist?kind=nap&due=someday")
            #expect(Set(bad.fieldProblems.keys) == ["kind", "due"])
            #expect(try await world.staffA.send(.GET, "/api/v1/worklist").decoded(API.Page<API.CaregiverTaskOut>.self).total == 0)

            // "Partly" asks the services to discuss stepping in, and schedules the next question.
            let answered = try await karin.send(.POST, "/api/v1/caregivers/\(nora.id)/voluntariness", json: json([
                "answer": "partly", "comment": "Orkar inte nätterna",
            ]))
            #expect(answered.status == .created)
            let after = try await karin.send(.GET, "/api/v1/worklist").decoded(API.Page<API.CaregiverTaskOut>.self).items
            #expect(after.map(\.kind) == [.discussVoluntariness, .voluntarinessFollowUp])
            #expect(after.map(\.dueOn) == after.map(\.dueOn).sorted())

            let discuss = try #require(after.first)
            let done = try await karin.send(.POST, "/api/v1/tasks/\(discuss.id)/done")
            #expect(done.status == .ok)
            #expect(try done.decoded(API.CaregiverTaskOut.self).open == false)
            #expect(try await karin.send(.POST, "/api/v1/tasks/\(discuss.id)/done").status == .conflict)
            #expect(try await karin.send(.GET, "/api/v1/worklist").decoded(API.Page<API.CaregiverTaskOut>.self).items.map(\.kind)
                == [.voluntarinessFollowUp])
        }
    }

    @Test("Follow-up through the API: conversation, screening, support plan with versions, support needs, feedback, memo notes")
    func followUps() async throws {
        try await withSynlig { app in
            let world = try await CaregiverWorld.make(app)
            let karin = world.consultant
            let nora = try await karin.createCaregiver("Nora Norr")
            let base = "/api/v1/caregivers/\(nora.id)"

            let empty = try await karin.send(.POST, base + "/conversations", json: json(["heldOn": today]))
            #expect(empty.status == .unprocessableEntity)
            #expect(try await karin.send(.POST, base + "/conversations", json: json([
                "heldOn": today, "ownLife": "Vill börja träna igen", "agreedActions": "Erbjuda anhöriggrupp",
            ])).status == .created)
            #expect(try await karin.send(.GET, base + "/conversations").decoded([API.ConversationOut].self).map(\.ownLife)
                == ["Vill börja träna igen"])

            let instruments = try await karin.send(.GET, "/api/v1/screening-instruments").decoded([API.ScreeningInstrumentOut].self)
            let instrument = try #require(instruments.first)
            #expect(!instrument.validated)
            let incomplete = try await karin.send(.POST, base + "/screenings", json: json(["instrumentId": instrument.id, "answers": [String: String]()]))
            #expect(incomplete.status == .unprocessableEntity)
            #expect(incomplete.fieldProblems.keys.allSatisfy { $0.hasPrefix("answers.") })
            #expect(try await karin.send(.POST, base + "/screenings", json: json(["instrumentId": "nope", "answers": [String: String]()]))
                .fieldProblems.keys.contains("instrumentId"))
            var answers: [String: String] = [:]
            for item in instrument.items { answers[item.id] = item.options.max { $0.points < $1.points }?.value }
            let screened = try await karin.send(.POST, base + "/screenings", json: json(["instrumentId": instrument.id, "answers": answers]))
            #expect(screened.status == .created)
            let result = try screened.decoded(API.ScreeningOut.self)
            #expect(result.score == instrument.maxScore)
            #expect(result.level == .high)
            #expect(result.answers == answers)
            #expect(try await karin.send(.GET, base + "/screenings").decoded([API.ScreeningOut].self).count == 1)
            #expect(try await karin.send(.GET, "/api/v1/worklist?kind=strainFollowUp").decoded(API.Page<API.CaregiverTaskOut>.self).total == 1)

            #expect(try await karin.send(.GET, base + "/support-plan").status == .notFound)
            let plan = ["outcomes": "Kunna sova en hel natt", "emergencyPlan": "Ring dottern", "reviewOn": CalendarDate.today().addingMonths(6).iso]
            let created = try await karin.send(.PUT, base + "/support-plan", json: json(plan))
            #expect(created.status == .created)
            #expect(created.eTag == "\"1\"")
            #expect(try await karin.send(.PUT, base + "/support-plan", json: json(plan)).status == .preconditionRequired)
            var changed: [String: Any] = plan
            changed["version"] = 1
            changed["agreedSupport"] = "Avlösning varannan vecka"
            let replaced = try await karin.send(.PUT, base + "/support-plan", json: json(changed))
            #expect(replaced.status == .ok)
            #expect(replaced.eTag == "\"2\"")
            #expect(try await karin.send(.PUT, base + "/support-plan", json: json(changed)).status == .conflict)
            #expect(try await karin.send(.GET, base + "/support-plan").decoded(API.SupportPlanOut.self).agreedSupport == "Avlösning varannan vecka")

            let need = try await karin.send(.POST, base + "/support-needs", json: json(["needKind": "respiteAtHome", "requestedOn": today]))
            #expect(need.status == .created)
            let needOut = try need.decoded(API.SupportNeedOut.self)
            #expect(needOut.status == .requested)
            let badOffering = try await karin.send(.PUT, "/api/v1/support-needs/\(needOut.id)", json: json([
                "needKind": "respiteAtHome", "requestedOn": today, "offeringId": UUID().uuidString, "version": 1,
            ]))
            #expect(Set(badOffering.fieldProblems.keys) == ["offeringId"])
            let notOffered = try await karin.send(.PUT, "/api/v1/support-needs/\(needOut.id)", json: json([
                "needKind": "respiteAtHome", "requestedOn": today, "status": "notOffered", "version": 1,
            ]))
            #expect(try notOffered.decoded(API.SupportNeedOut.self).status == .notOffered)
            #expect(try await karin.send(.GET, base + "/support-needs").decoded([API.SupportNeedOut].self).map(\.version) == [2])

            let feedback = try await karin.send(.POST, base + "/feedback", json: json(["kind": "complaint", "summary": "Avlösaren kom inte"]))
            #expect(feedback.status == .created)
            let feedbackOut = try feedback.decoded(API.FeedbackOut.self)
            let unanswered = try await karin.send(.PUT, "/api/v1/feedback/\(feedbackOut.id)", json: json([
                "kind": "complaint", "summary": "Avlösaren kom inte", "status": "closed", "version": 1,
            ]))
            #expect(Set(unanswered.fieldProblems.keys) == ["response"])
            #expect(try await karin.send(.PUT, "/api/v1/feedback/\(feedbackOut.id)", json: json([
                "kind": "complaint", "summary": "Avlösaren kom inte", "status": "closed", "response": "Vi ber om ursäkt", "version": 1,
            ])).status == .ok)

            let memo = try await karin.send(.POST, base + "/memo-notes", json: json(["text": "Ring tillbaka på fredag"]))
            #expect(memo.status == .created)
            #expect(try memo.decoded(API.MemoOut.self).purgeAfter > Date().addingTimeInterval(29 * 86400))
            #expect(try await karin.send(.POST, base + "/memo-notes", json: json(["text": ""])).fieldProblems.keys.sorted() == ["text"])
            #expect(try await karin.send(.GET, base + "/memo-notes").decoded([API.MemoOut].self).map(\.text) == ["Ring tillbaka på fredag"])
        }
    }
}

/// "system|code" for each coding of a CodeableConcept in parsed JSON.
private func codes(_ concept: Any?) -> [String] {
    ((concept as? [String: Any])?["coding"] as? [[String: Any]] ?? []).map {
        "\($0["system"] as? String ?? "")|\($0["code"] as? String ?? "")"
    }
}

/// FHIR JSON has no nulls, no empty strings, no empty arrays or objects.
private func noNullsOrEmpties(_ value: Any) -> Bool {
    switch value {
    case is NSNull: return false
    case let text as String: return !text.isEmpty
    case let array as [Any]: return !array.isEmpty && array.allSatisfy(noNullsOrEmpties)
    case let object as [String: Any]: return !object.isEmpty && object.values.allSatisfy(noNullsOrEmpties)
    default: return true
    }
}
