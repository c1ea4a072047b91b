import Fluent
import Foundation
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

/// Erasure of one caregiver's file on request (issue 12): by the consultant, with a reason the
/// audit trail keeps, never for a file the law requires to be kept.
@Suite("Erasing a caregiver's file on request")
struct CaregiverErasureTests {
    /// Every row the registry links to the caregiver, by table.
    func rows(of caregiver: UUID, _ relationship: UUID, on db: any Database) async throws -> Int {
        try await Caregiver.query(on: db).filter(\.$id == caregiver).count()
            + CareRelationship.query(on: db).filter(\.$id == relationship).count()
            + CaregiverSupport.query(on: db).filter(\.$caregiverID == caregiver).count()
    }

    @Test("Through the page: the reason is asked for and nothing happens untouched; then the file is gone, the audit trail keeps the reason and no name")
    func throughThePage() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let (anna, greta, link) = try await world.pair(app, "Anna Raderasson", caring: "Greta Raderasson", in: world.unitA)
            _ = try await FollowUpService.saveSupport(nil, caregiverID: try anna.requireID(), SupportInput(
                needKind: SupportNeedKind.supportGroup.rawValue, decision: SupportDecision.serviceSupport.rawValue,
                status: SupportStatus.given.rawValue, requestedOn: "2026-02-01", offeredOn: "2026-02-01", startedOn: "2026-02-01"),
                by: world.consultant, on: app.db)
            let id = try anna.requireID()
            let karin = Browser(app)
            try await karin.signIn(world.consultant.email)
            let record = try await karin.get("/caregivers/\(id)")
            #expect(record.body.string.contains("href=\"/caregivers/\(id)/erase\""))
            let form = try await karin.get("/caregivers/\(id)/erase")
            #expect(form.status == .ok && form.body.string.contains("Radera akten för Anna Raderasson på begäran"))
            // As a browser sends the untouched form: the blank reason, no confirmation.
            let untouched = try await karin.post("/caregivers/\(id)/erase", form: [("reason", "")])
            #expect(untouched.status == .unprocessableEntity)
            #expect(untouched.body.string.contains("Välj skälet till att akten raderas.") && untouched.body.string.contains("Bekräfta att akten ska raderas."))
            let unconfirmed = try await karin.post("/caregivers/\(id)/erase", form: [("reason", "registeredByMistake")])
            #expect(unconfirmed.status == .unprocessableEntity)
            #expect(try await rows(of: id, try link.requireID(), on: app.db) == 3)

            let erased = try await karin.post("/caregivers/\(id)/erase", form: [("reason", "registeredByMistake"), ("confirm", "on")])
            #expect(erased.status == .seeOther || erased.status == .found)
            #expect(erased.headers.first(name: .location) == "/caregivers?erased=1")
            #expect(try await karin.get("/caregivers?erased=1").body.string.contains("Akten är raderad."))
            #expect(try await rows(of: id, try link.requireID(), on: app.db) == 0)
            // The person cared for remains; the record answers 404 now.
            #expect(try await CareRecipient.find(try greta.requireID(), on: app.db) != nil)
            #expect(try await karin.get("/caregivers/\(id)").status == .notFound)
            let events = try await AuditEvent.query(on: app.db).filter(\.$action == "caregiver.erase.registeredByMistake").all()
            #expect(events.count == 1 && events.first?.recordID == id.uuidString && events.first?.actorUserID == world.consultant.id)
            #expect(try await AuditTrail.verify(on: app.db) == nil)
        }
    }

    @Test("Through the API: consultants only, a reason from the list, 404 for another organisation's, 409 for a file the law keeps")
    func throughTheAPI() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let other = try await RecordWorld.make(app, name: "Grannkommun", code: "0181")
            let (bo, _, _) = try await world.pair(app, "Bo Raderasson", caring: "Gun Raderasson", in: world.unitB)
            let (cia, _, _) = try await world.pair(app, "Cia Beslutsson", caring: "Dan Beslutsson", in: world.unitA)
            _ = try await FollowUpService.saveSupport(nil, caregiverID: try cia.requireID(), SupportInput(
                needKind: SupportNeedKind.respiteAtHome.rawValue, decision: SupportDecision.assessedSupport.rawValue,
                status: SupportStatus.given.rawValue, requestedOn: "2026-02-01", offeredOn: "2026-02-10", startedOn: "2026-03-01"),
                by: world.consultant, on: app.db)
            let karin = try await APIClient.signedIn(app, world.consultant.email)
            let path = "/api/v1/caregivers/\(try bo.requireID())/erasure"
            // Case officers and staff may read the record but not erase it.
            let hassan = try await APIClient.signedIn(app, world.caseOfficerB.email)
            #expect(try await hassan.send(.POST, path, json: #"{"reason": "registeredByMistake"}"#).status == .forbidden)
            let neighbour = try await APIClient.signedIn(app, other.consultant.email)
            #expect(try await neighbour.send(.POST, path, json: #"{"reason": "registeredByMistake"}"#).status == .notFound)
            let missing = try await karin.send(.POST, path, json: "{}")
            #expect(missing.status == .unprocessableEntity && missing.body.string.contains("reason"))
            #expect(try await karin.send(.POST, path, json: #"{"reason": "because"}"#).status == .unprocessableEntity)
            #expect(try await Caregiver.find(try bo.requireID(), on: app.db) != nil)

            let kept = try await karin.send(.POST, "/api/v1/caregivers/\(try cia.requireID())/erasure", json: #"{"reason": "objectionUpheld"}"#)
            #expect(kept.status == .conflict && kept.body.string.contains("ska bevaras tills akten gallras"))
            #expect(try await Caregiver.find(try cia.requireID(), on: app.db) != nil)

            #expect(try await karin.send(.POST, path, json: #"{"reason": "objectionUpheld"}"#).status == .noContent)
            #expect(try await Caregiver.find(try bo.requireID(), on: app.db) == nil)
            #expect(try await karin.send(.GET, "/api/v1/caregivers/\(try bo.requireID())").status == .notFound)
            let event = try #require(try await AuditEvent.query(on: app.db).filter(\.$action == "caregiver.erase.objectionUpheld").first())
            #expect(event.recordID == (try bo.requireID()).uuidString)
        }
    }
}
