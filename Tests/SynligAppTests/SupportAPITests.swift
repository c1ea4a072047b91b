import Fluent
import Foundation
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

private extension TestingHTTPResponse {
    var problemFields: Set<String> { Set((problem?.errors ?? []).map(\.field)) }
}

private func offeringBody(_ name: String, published: Bool = true, checked: String = CalendarDate.today().iso,
                          extra: [String: Any] = [:]) -> [String: Any] {
    var body: [String: Any] = [
        "name": name, "kind": "respiteAtHome", "provider": "municipality", "providerName": "Testkommun",
        "targetGroups": ["dementia"], "languages": ["sv", "fi"], "description": "Någon tar över en stund",
        "lastChecked": checked, "published": published, "website": "https://example.se/stod",
    ]
    body.merge(extra) { _, new in new }
    return body
}

private func makeContactRequest(_ app: Application, in organisation: Organisation, name: String = "Anna Andersson",
                                receivedAt: Date = Date()) async throws -> ContactRequest {
    let request = ContactRequest()
    request.organisationID = try organisation.requireID()
    request.name = name
    request.reach = "070-123 45 67"
    request.about = "Min mamma har demens och jag orkar inte."
    request.language = "sv"
    request.status = .open
    request.createdAt = receivedAt
    try await request.create(on: app.db)
    return request
}

@Suite("Support catalogue JSON API")
struct SupportAPITests {
    @Test("A consultant keeps the catalogue through the API: create, read, edit with versions, drafts stay out of open data")
    func offeringLifecycle() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "karin@test.se", roles: [.consultant])
            let karin = try await APIClient.signedIn(app, "karin@test.se")

            #expect(try await karin.send(.GET, "/api/v1/support-offerings").decoded([API.OfferingOut].self).isEmpty)
            let cso = try await karin.send(.POST, "/api/v1/civil-society-organisations", json: json([
                "name": "Anhörigas Riksförbund, lokalavdelningen", "stateGrant": true, "contact": "info@example.se",
            ]))
            #expect(cso.status == .created)
            let civil = try cso.decoded(API.CivilSocietyOut.self)
            #expect(civil.stateGrant)
            #expect(try await karin.send(.GET, "/api/v1/civil-society-organisations").decoded([API.CivilSocietyOut].self).map(\.id) == [civil.id])

            let created = try await karin.send(.POST, "/api/v1/support-offerings", json: json(offeringBody("Avlösning i hemmet")))
            #expect(created.status == .created)
            #expect(created.eTag == "\"1\"")
            let offering = try created.decoded(API.OfferingOut.self)
            #expect(offering.kind == .respiteAtHome)
            #expect(offering.languages == ["fi", "sv"])
            #expect(offering.targetGroups == ["dementia"])
            #expect(offering.published)
            #expect(!offering.stale)
            #expect(offering.version == 1)

            let draft = try await karin.send(.POST, "/api/v1/support-offerings", json: json(offeringBody(
                "Samtalsgrupp (utkast)", published: false, checked: CalendarDate.today().addingMonths(-7).iso,
                extra: ["kind": "supportGroup", "provider": "civilSociety", "civilSocietyId": civil.id.uuidString])))
            #expect(draft.status == .created)
            let draftOut = try draft.decoded(API.OfferingOut.self)
            #expect(draftOut.civilSocietyId == civil.id)
            #expect(draftOut.stale)

            // Editors see drafts; the public open data does not.
            let list = try await karin.send(.GET, "/api/v1/support-offerings").decoded([API.OfferingOut].self)
            #expect(list.map(\.name) == ["Avlösning i hemmet", "Samtalsgrupp (utkast)"])
            #expect(list.map(\.stale) == [false, true])
            let open = try await APIClient(app: app).send(.GET, "/api/v1/open-data/0180/services")
            #expect(open.status == .ok)
            let services = try open.content.decode(HSDS.Page.self).contents
            #expect(services.map(\.name) == ["Avlösning i hemmet"])

            let base = "/api/v1/support-offerings/\(offering.id)"
            let read = try await karin.send(.GET, base)
            #expect(read.status == .ok)
            #expect(read.eTag == "\"1\"")
            #expect(try read.decoded(API.OfferingOut.self).website == "https://example.se/stod")

            let edited = try await karin.send(.PUT, base, json: json(offeringBody("Avlösning i hemmet, dagtid", extra: ["version": 1])))
            #expect(edited.status == .ok)
            #expect(edited.eTag == "\"2\"")
            #expect(try edited.decoded(API.OfferingOut.self).name == "Avlösning i hemmet, dagtid")

            // Someone else's older copy is refused, not silently overwritten.
            let stale = try await karin.send(.PUT, base, json: json(offeringBody("Gammal kopia", extra: ["version": 1])))
            #expect(stale.status == .conflict)
            // An edit that does not say which version it changes is refused; If-Match names it too.
            let missingVersion = try await karin.send(.PUT, base, json: json(offeringBody("Utan version")))
            #expect(missingVersion.status == .preconditionRequired)
            let staleTag = try await karin.send(.PUT, base, json: json(offeringBody("Gammal kopia")), headers: ["If-Match": "\"1\""])
            #expect(staleTag.status == .preconditionFailed)
            #expect(try await karin.send(.GET, base).decoded(API.OfferingOut.self).name == "Avlösning i hemmet, dagtid")

            // Publishing the draft brings it to open data.
            let published = try await karin.send(.PUT, "/api/v1/support-offerings/\(draftOut.id)", json: json(offeringBody(
                "Samtalsgrupp", extra: ["kind": "supportGroup", "version": 1])))
            #expect(published.status == .ok)
            let after = try await APIClient(app: app).send(.GET, "/api/v1/open-data/0180/services")
            #expect(try after.content.decode(HSDS.Page.self).contents.count == 2)

            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "support.update").count() == 2)
        }
    }

    @Test("Invalid offerings are 422 naming the JSON fields; a mistyped id names its field; unknown fields are 400")
    func validation() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "karin@test.se", roles: [.strategist])
            let karin = try await APIClient.signedIn(app, "karin@test.se")

            let invalid = try await karin.send(.POST, "/api/v1/support-offerings", json: json(offeringBody("Fel", extra: [
                "kind": "spaceship", "languages": [String](), "website": "javascript:alert(1)", "lastChecked": "igår",
            ])))
            #expect(invalid.status == .unprocessableEntity)
            #expect(invalid.problemFields == ["kind", "languages", "website", "lastChecked"])

            let badLanguage = try await karin.send(.POST, "/api/v1/support-offerings", json: json(offeringBody("Fel", extra: [
                "languages": ["klingon"], "targetGroups": ["everyone"], "lastChecked": "2026-02-30",
            ])))
            #expect(badLanguage.problemFields == ["languages", "targetGroups", "lastChecked"])

            let empty = try await karin.send(.POST, "/api/v1/support-offerings", json: "{}")
            #expect(empty.status == .unprocessableEntity)
            #expect(empty.problemFields.isSuperset(of: ["name", "kind", "provider", "targetGroups", "languages", "description", "lastChecked"]))

            // A civil-society organisation that is not ours is named by its JSON field.
            let foreignCSO = try await karin.send(.POST, "/api/v1/support-offerings", json: json(offeringBody("Fel", extra: [
                "provider": "civilSociety", "civilSocietyId": UUID().uuidString,
            ])))
            #expect(foreignCSO.status == .unprocessableEntity)
            #expect(foreignCSO.problemFields == ["civilSocietyId"])

            let unknown = try await karin.send(.POST, "/api/v1/support-offerings", json: json(offeringBody("Fel", extra: ["colour": "red"])))
            #expect(unknown.status == .badRequest)
            #expect(unknown.problem?.detail.contains("colour") == true)
            let versionOnCreate = try await karin.send(.POST, "/api/v1/support-offerings", json: json(offeringBody("Fel", extra: ["version": 1])))
            #expect(versionOnCreate.status == .badRequest)
            // A malformed id is a problem with that field, as on the staff form.
            let badID = try await karin.send(.POST, "/api/v1/support-offerings", json: json(offeringBody("Fel", extra: ["civilSocietyId": "nope"])))
            #expect(badID.status == .unprocessableEntity)
            #expect(badID.problemFields == ["civilSocietyId"])
            let badType = try await karin.send(.POST, "/api/v1/support-offerings", json: json(offeringBody("Fel", extra: ["published": "yes"])))
            #expect(badType.status == .badRequest)
            let form = try await karin.send(.POST, "/api/v1/support-offerings", json: "name=x", contentType: .urlEncodedForm)
            #expect(form.status == .unsupportedMediaType)

            let unnamed = try await karin.send(.POST, "/api/v1/civil-society-organisations", json: json(["description": "Utan namn"]))
            #expect(unnamed.status == .unprocessableEntity)
            #expect(unnamed.problemFields == ["name"])
            let csoUnknown = try await karin.send(.POST, "/api/v1/civil-society-organisations", json: json(["name": "X", "csoName": "X"]))
            #expect(csoUnknown.status == .badRequest)
            #expect(try await SupportOffering.query(on: app.db).count() == 0)
        }
    }

    @Test("The contact-request inbox lists no personal data, opening one is logged, and a request is closed once")
    func contactRequests() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "karin@test.se", roles: [.consultant])
            let older = try await makeContactRequest(app, in: organisation, name: "Bertil Berg", receivedAt: Date().addingTimeInterval(-3600))
            let newer = try await makeContactRequest(app, in: organisation)
            let karin = try await APIClient.signedIn(app, "karin@test.se")

            let list = try await karin.send(.GET, "/api/v1/contact-requests")
            #expect(list.status == .ok)
            let body = list.body.string
            for personal in ["Anna", "Bertil", "070-123", "demens", "\"name\"", "\"reach\"", "\"about\""] {
                #expect(!body.contains(personal), "the inbox list shows \(personal)")
            }
            let rows = try list.decoded([API.ContactRequestSummary].self)
            #expect(rows.map(\.id) == [try newer.requireID(), try older.requireID()])
            #expect(rows.allSatisfy { $0.status == .open && $0.language == "sv" })
            let objects = try #require(try JSONSerialization.jsonObject(with: Data(buffer: list.body)) as? [[String: Any]])
            #expect(objects.allSatisfy { Set($0.keys) == ["id", "status", "receivedAt", "language"] })
            #expect(try await AccessLogEntry.query(on: app.db).count() == 0)

            let id = try newer.requireID()
            let read = try await karin.send(.GET, "/api/v1/contact-requests/\(id)")
            #expect(read.status == .ok)
            let full = try read.decoded(API.ContactRequestOut.self)
            #expect(full.name == "Anna Andersson")
            #expect(full.reach == "070-123 45 67")
            let logged = try await AccessLogEntry.query(on: app.db).all()
            #expect(logged.count == 1)
            #expect(logged.first?.recordType == "contact_request")
            #expect(logged.first?.recordID == id)
            #expect(logged.first?.via == "GET /api/v1/contact-requests/:id")

            let noReason = try await karin.send(.POST, "/api/v1/contact-requests/\(id)/close", json: json(["reason": "  "]))
            #expect(noReason.status == .unprocessableEntity)
            #expect(noReason.problemFields == ["reason"])
            let unknown = try await karin.send(.POST, "/api/v1/contact-requests/\(id)/close", json: json(["reason": "x", "note": "y"]))
            #expect(unknown.status == .badRequest)

            let closed = try await karin.send(.POST, "/api/v1/contact-requests/\(id)/close", json: json(["reason": "Ringt upp, bokat samtal."]))
            #expect(closed.status == .ok)
            #expect(try closed.decoded(API.ContactRequestSummary.self).status == .closed)
            #expect(!closed.body.string.contains("Anna"))
            let again = try await karin.send(.POST, "/api/v1/contact-requests/\(id)/close", json: json(["reason": "Igen"]))
            #expect(again.status == .conflict)
            let stored = try #require(try await ContactRequest.find(id, on: app.db))
            #expect(stored.closedReason == "Ringt upp, bokat samtal.")
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "contact_request.close").count() == 1)
        }
    }

    @Test("Another organisation's records are not found, and staff and viewers are refused")
    func isolationAndRoles() async throws {
        try await withSynlig { app in
            let home = try await makeOrganisation(app)
            let other = try await makeOrganisation(app, name: "Annan kommun", code: "0181")
            try await makeUser(app, in: home, email: "karin@test.se", roles: [.admin])
            let outsiderUser = try await makeUser(app, in: other, email: "olle@annan.se", roles: [.consultant])
            try await makeUser(app, in: home, email: "staff@test.se", roles: [.staff])
            try await makeUser(app, in: home, email: "viewer@test.se", roles: [.viewer])
            let outsider = try await currentUser(app, outsiderUser)
            let foreign = try await SupportService.save(nil, OfferingInput(
                name: "Deras stöd", kind: "dayCare", provider: "municipality", providerName: nil, civilSocietyId: nil, targetGroups: ["all"],
                needsAssessment: false, cost: nil, languages: ["sv"], interpreter: false, accessibility: nil, address: nil, schedule: nil,
                phone: nil, email: nil, website: nil, description: "Deras", eligibility: nil, lastChecked: CalendarDate.today().iso,
                published: false, version: nil), by: outsider, on: app.db)
            let foreignCSO = try await SupportService.addCivilSociety(name: "Deras förening", description: nil, contact: nil, stateGrant: false,
                                                                      cooperation: nil, by: outsider, on: app.db)
            let foreignRequest = try await makeContactRequest(app, in: other)
            let offeringID = try foreign.requireID(), requestID = try foreignRequest.requireID()

            let karin = try await APIClient.signedIn(app, "karin@test.se")
            #expect(try await karin.send(.GET, "/api/v1/support-offerings").decoded([API.OfferingOut].self).isEmpty)
            #expect(try await karin.send(.GET, "/api/v1/civil-society-organisations").decoded([API.CivilSocietyOut].self).isEmpty)
            #expect(try await karin.send(.GET, "/api/v1/contact-requests").decoded([API.ContactRequestSummary].self).isEmpty)
            #expect(try await karin.send(.GET, "/api/v1/support-offerings/\(offeringID)").status == .notFound)
            #expect(try await karin.send(.PUT, "/api/v1/support-offerings/\(offeringID)",
                                         json: json(offeringBody("Kapat", extra: ["version": 1]))).status == .notFound)
            #expect(try await karin.send(.GET, "/api/v1/contact-requests/\(requestID)").status == .notFound)
            #expect(try await karin.send(.POST, "/api/v1/contact-requests/\(requestID)/close",
                                         json: json(["reason": "Kapat"])).status == .notFound)
            #expect(try await karin.send(.GET, "/api/v1/support-offerings/not-a-uuid").status == .notFound)
            let linked = try await karin.send(.POST, "/api/v1/support-offerings", json: json(offeringBody("Länkat", extra: [
                "provider": "civilSociety", "civilSocietyId": try foreignCSO.requireID().uuidString,
            ])))
            #expect(linked.status == .unprocessableEntity)
            #expect(linked.problemFields == ["civilSocietyId"])
            #expect(try await AccessLogEntry.query(on: app.db).count() == 0)
            let untouched = try #require(try await SupportOffering.find(offeringID, on: app.db))
            #expect(untouched.name == "Deras stöd")
            #expect(try #require(try await ContactRequest.find(requestID, on: app.db)).status == .open)

            let ownRequest = try await makeContactRequest(app, in: home)
            let ownID = try ownRequest.requireID()
            for email in ["staff@test.se", "viewer@test.se"] {
                let client = try await APIClient.signedIn(app, email)
                let attempts: [(HTTPMethod, String, String?)] = [
                    (.GET, "/api/v1/support-offerings", nil),
                    (.POST, "/api/v1/support-offerings", json(offeringBody("Nej"))),
                    (.GET, "/api/v1/support-offerings/\(offeringID)", nil),
                    (.PUT, "/api/v1/support-offerings/\(offeringID)", json(offeringBody("Nej", extra: ["version": 1]))),
                    (.GET, "/api/v1/civil-society-organisations", nil),
                    (.POST, "/api/v1/civil-society-organisations", json(["name": "Nej"])),
                    (.GET, "/api/v1/contact-requests", nil),
                    (.GET, "/api/v1/contact-requests/\(ownID)", nil),
                    (.POST, "/api/v1/contact-requests/\(ownID)/close", json(["reason": "Nej"])),
                ]
                for (method, path, body) in attempts {
                    #expect(try await client.send(method, path, json: body).status == .forbidden, "\(email) \(method) \(path)")
                }
            }
            #expect(try await APIClient(app: app).send(.GET, "/api/v1/support-offerings").status == .unauthorized)
            #expect(try await AccessLogEntry.query(on: app.db).count() == 0)
            #expect(try await SupportOffering.query(on: app.db).count() == 1)
        }
    }
}
