import Fluent
import Foundation
import SQLKit
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

/// Erasure on request of the file of a person cared for (issue 12): refused while a caregiver's
/// file names the person, then everything the registry links to them goes, as at gallring.
@Suite("Erasing the file of a person cared for on request")
struct RecipientErasureTests {
    /// Rows the registry links to the person: the person and their units.
    func rows(of recipient: UUID, on db: any Database) async throws -> Int {
        try await CareRecipient.query(on: db).filter(\.$id == recipient).count()
            + CareRecipientUnit.query(on: db).filter(\.$recipientID == recipient).count()
    }

    /// The person's rows in every table the registry links to a person cared for, by table.
    func linkedRows(of recipient: UUID, on db: any Database) async throws -> [String: Int] {
        let sql = try #require(db as? any SQLDatabase)
        var found: [String: Int] = [:]
        for table in PersonalDataRegistry.aboutPeople {
            for case .recipient(let column) in table.links {
                let count = try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(table.name)
                    .where(SQLIdentifier(column), .equal, SQLBind(recipient)).first(decodingColumn: "n", as: Int.self) ?? 0
                if count > 0 { found[table.name, default: 0] += count }
            }
        }
        return found
    }

    @Test("Through the page: refused while a caregiver's file names the person, saying why; then untouched erases nothing, and confirmed the file is gone with the reason audited and no name")
    func throughThePage() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let (anna, greta, _) = try await world.pair(app, "Anna Närståendesson", caring: "Greta Raderasson", in: world.unitA)
            let id = try greta.requireID()
            let karin = Browser(app)
            try await karin.signIn(world.consultant.email)
            #expect(try await karin.get("/recipients/\(id)").body.string.contains(#"href="/recipients/\#(id)/erase""#))
            let form = try await karin.get("/recipients/\(id)/erase")
            #expect(form.status == .ok && form.body.string.contains("Radera akten för Greta Raderasson på begäran"))
            #expect(form.body.string.contains("En anhörigs akt nämner den närstående"), "the page says at once why it cannot succeed")
            let linked = try await karin.post("/recipients/\(id)/erase", form: [("reason", "registeredByMistake"), ("confirm", "on")])
            #expect(linked.status == .conflict)
            #expect(linked.body.string.contains("kan inte raderas förrän den anhöriges akt har raderats eller gallrats"))
            let reads = try await AccessLogEntry.query(on: app.db).filter(\.$recordID == id).all().filter { $0.via.hasSuffix("/erase") }
            #expect(reads.count == 2, "the form and the form shown again with the refusal are both reads of the person")
            #expect(try await rows(of: id, on: app.db) == 2)

            // The caregiver's file goes first; the relationship goes with it.
            try await CaregiverErasure.erase(anna, reason: "registeredByMistake", by: world.consultant, on: app.db)
            #expect(try await !karin.get("/recipients/\(id)/erase").body.string.contains("kan inte raderas nu"))
            let untouched = try await karin.post("/recipients/\(id)/erase", form: [("reason", "")])
            #expect(untouched.status == .unprocessableEntity)
            #expect(untouched.body.string.contains("Välj skälet till att akten raderas.") && untouched.body.string.contains("Bekräfta att akten ska raderas."))
            #expect(try await rows(of: id, on: app.db) == 2)

            let erased = try await karin.post("/recipients/\(id)/erase", form: [("reason", "objectionUpheld"), ("confirm", "on")])
            #expect(erased.headers.first(name: .location) == "/recipients?erased=1")
            #expect(try await karin.get("/recipients?erased=1").body.string.contains("Akten är raderad."))
            #expect(try await rows(of: id, on: app.db) == 0)
            #expect(try await karin.get("/recipients/\(id)").status == .notFound)
            let events = try await AuditEvent.query(on: app.db).filter(\.$action == "care_recipient.erase.objectionUpheld").all()
            #expect(events.count == 1 && events.first?.recordID == id.uuidString && events.first?.actorUserID == world.consultant.id)
            // The audit trail holds the id and the reason; no row of it carries the name.
            let sql = try #require(app.db as? any SQLDatabase)
            let trail = try await sql.raw("SELECT * FROM audit_events").all()
            #expect(!trail.isEmpty)
            for row in trail {
                for column in row.allColumns {
                    #expect(!((try? row.decode(column: column, as: String?.self)) ?? nil ?? "").contains("Greta"), "\(column) names the person")
                }
            }
            #expect(try await AuditTrail.verify(on: app.db) == nil)
        }
    }

    @Test("Through the API: consultants only, 404 for another organisation's, a reason from the list, 409 while linked or kept by decision, 204 when erased")
    func throughTheAPI() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let other = try await RecordWorld.make(app, name: "Grannkommun", code: "0181")
            let (_, linked, _) = try await world.pair(app, "Bo Länkad", caring: "Gun Länkad", in: world.unitB)
            let alone = try await world.recipient(app, "Ensam Person", units: [world.unitB])
            let karin = try await APIClient.signedIn(app, world.consultant.email)
            let path = "/api/v1/recipients/\(try alone.requireID())/erasure"
            let hassan = try await APIClient.signedIn(app, world.caseOfficerB.email)
            #expect(try await hassan.send(.POST, path, json: #"{"reason": "registeredByMistake"}"#).status == .forbidden)
            let neighbour = try await APIClient.signedIn(app, other.consultant.email)
            #expect(try await neighbour.send(.POST, path, json: #"{"reason": "registeredByMistake"}"#).status == .notFound)
            let missing = try await karin.send(.POST, path, json: "{}")
            #expect(missing.status == .unprocessableEntity && missing.body.string.contains("reason"))
            #expect(try await karin.send(.POST, path, json: #"{"reason": "because"}"#).status == .unprocessableEntity)
            let named = try await karin.send(.POST, "/api/v1/recipients/\(try linked.requireID())/erasure", json: #"{"reason": "registeredByMistake"}"#)
            #expect(named.status == .conflict)

            // While the organisation keeps every file by decision, not even an unlinked person's goes.
            try await FollowUpService.saveSettings(voluntarinessMonths: 6, memoRetentionDays: 30, contactRequestUnhandledDays: 90, contactRequestClosedDays: 30,
                                                   keepFilesDecision: "Arkivmyndighetens beslut dnr 12", version: 1, by: world.consultant, on: app.db)
            #expect(try await karin.send(.POST, path, json: #"{"reason": "registeredByMistake"}"#).status == .conflict)
            #expect(try await rows(of: try alone.requireID(), on: app.db) == 2)
            try await FollowUpService.saveSettings(voluntarinessMonths: 6, memoRetentionDays: 30, contactRequestUnhandledDays: 90, contactRequestClosedDays: 30,
                                                   keepFilesDecision: nil, version: 2, by: world.consultant, on: app.db)

            // The person's discharge, SIP with an outcome and a responsibility, patient contract and
            // tasks, through the API, so that every kind of row the registry links is there to go.
            let aloneID = try alone.requireID().uuidString
            let today = CalendarDate.today().iso
            let discharge = try await karin.send(.POST, "/api/v1/recipients/\(aloneID)/discharges", json: json(["dischargedOn": today, "dischargedFrom": "Avd 7"]))
            let offered = try await karin.send(.POST, "/api/v1/recipients/\(aloneID)/coordinated-plans",
                                               json: json(["offeredOn": today, "dischargeId": try discharge.decoded(API.DischargeOut.self).id.uuidString]))
            let planID = try offered.decoded(API.PlanOfferOut.self).id
            #expect(try await karin.send(.POST, "/api/v1/coordinated-plans/\(planID)/outcomes",
                                         json: json(["outcome": "accepted", "outcomeOn": today, "version": 1])).status == .created)
            #expect(try await karin.send(.POST, "/api/v1/coordinated-plans/\(planID)/responsibilities",
                                         json: json(["actor": "Hemtjänst Norra", "task": "Tillsyn", "dueOn": today, "followUpOn": today, "overall": true])).status == .created)
            #expect(try await karin.send(.POST, "/api/v1/recipients/\(aloneID)/patient-contracts",
                                         json: json(["agreed": "Promenad", "agreedOn": today, "followUpOn": CalendarDate.today().addingDays(7).iso])).status == .created)
            _ = try await CaregiverService.saveRecipient(try alone.requireID(), RecipientInput(
                name: "Ensam Persson", unitIds: [try world.unitB.requireID().uuidString], patientContract: false, version: 1), by: world.consultant, on: app.db)
            let before = try await linkedRows(of: try alone.requireID(), on: app.db)
            #expect(Set(before.keys).isSuperset(of: ["care_recipients", "care_recipient_units", "recipient_corrections", "inpatient_discharges", "coordinated_plan_offers",
                                                     "coordinated_plan_outcomes", "coordinated_plan_responsibilities", "patient_contracts", "recipient_tasks"]),
                    "\(before)")

            #expect(try await karin.send(.POST, path, json: #"{"reason": "unlawfullyProcessed"}"#).status == .noContent)
            #expect(try await linkedRows(of: try alone.requireID(), on: app.db) == [:], "every row the registry links to the person is gone")
            #expect(try await karin.send(.POST, path, json: #"{"reason": "unlawfullyProcessed"}"#).status == .notFound, "a second request finds nothing")
            // A request that looked the person up before the erasure finds nothing inside its change.
            let stale = await #expect(throws: SynligError.self) {
                try await RecipientErasure.erase(alone, reason: "unlawfullyProcessed", by: world.consultant, on: app.db)
            }
            #expect(stale?.status == .notFound)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "care_recipient.erase.unlawfullyProcessed").count() == 1, "erased and audited once")
            #expect(try await rows(of: try linked.requireID(), on: app.db) == 2)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "care_recipient.erase.unlawfullyProcessed").count() == 1)
        }
    }

    @Test("A caregiver's file exempt from gallring (a pending matter, the archive authority) is not erased on request either")
    func exemptCaregiverFileIsKept() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let (cia, _, _) = try await world.pair(app, "Cia Undantagen", caring: "Dan Undantagen", in: world.unitA)
            let id = try cia.requireID()
            try await RetentionExemptionService.set(id, exemption: RetentionExemption.pendingMatter.rawValue, by: world.consultant, on: app.db)
            let karin = try await APIClient.signedIn(app, world.consultant.email)
            let refused = try await karin.send(.POST, "/api/v1/caregivers/\(id)/erasure", json: #"{"reason": "registeredByMistake"}"#)
            #expect(refused.status == .conflict && refused.body.string.contains("undantagen från gallring"))
            #expect(try await Caregiver.find(id, on: app.db) != nil)
            try await RetentionExemptionService.set(id, exemption: nil, by: world.consultant, on: app.db)
            #expect(try await karin.send(.POST, "/api/v1/caregivers/\(id)/erasure", json: #"{"reason": "registeredByMistake"}"#).status == .noContent)
        }
    }

    @Test("Gallring's erase leaves a person a caregiver's file named after the plan was made, and says it erased none")
    func eraseSkipsTheLinked() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let (_, named, _) = try await world.pair(app, "Bo Nämnd", caring: "Gun Nämnd", in: world.unitA)
            let alone = try await world.recipient(app, "Ensam Igen", units: [world.unitA])
            let sql = try #require(app.db as? any SQLDatabase)
            let erased = try await FileRetentionService.erase(recipients: [try named.requireID(), try alone.requireID()], on: sql)
            #expect(erased == 1)
            #expect(try await linkedRows(of: try named.requireID(), on: app.db)["care_relationships"] == 1, "the relationship stays in the caregiver's file")
            #expect(try await CareRecipient.find(try named.requireID(), on: app.db) != nil)
            #expect(try await CareRecipient.find(try alone.requireID(), on: app.db) == nil)
        }
    }
}
