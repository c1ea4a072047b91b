import Fluent
import SQLKit
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

/// Striking a value that should never have been recorded from a correction history (issue 12):
/// by the consultant, with a reason the audit trail keeps beside the row's id, never the value.
@Suite("Rättelse: striking a value that should never have been recorded")
struct CorrectionStrikeTests {
    @Test("Through the page: only consultants see the link; untouched strikes nothing; confirmed, the value is gone from the history and the audit trail never held it")
    func throughThePage() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let wrong = "Annan persons hjärtsvikt"
            let unit = try world.unitA.requireID().uuidString
            let caregiver = try await CaregiverService.save(nil, CaregiverInput(name: "Åsa Strykesson", preferredLanguage: "sv",
                                                                                interpreterNeed: InterpreterNeed.no.rawValue, ownHealthNote: wrong, unitId: unit),
                                                            by: world.consultant, on: app.db)
            let id = try caregiver.requireID()
            _ = try await CaregiverService.save(id, CaregiverInput(name: "Åsa Strykesson", preferredLanguage: "sv", interpreterNeed: InterpreterNeed.no.rawValue,
                                                                   ownHealthNote: "", unitId: unit, version: caregiver.version), by: world.consultant, on: app.db)
            let row = try #require(try await CaregiverCorrection.query(on: app.db).filter(\.$caregiverID == id).first())
            let entry = try row.requireID()
            let strike = "/caregivers/\(id)/corrections/\(entry)/strike"

            let karin = Browser(app)
            try await karin.signIn(world.consultant.email)
            let history = try await karin.get("/caregivers/\(id)/corrections").body.string
            #expect(history.contains(wrong) && history.contains(#"href="\#(strike)""#))
            let form = try await karin.get(strike)
            #expect(form.status == .ok && form.body.string.contains(wrong), "the form shows the value to be struck")
            // As a browser sends it untouched: no reason, no confirmation; nothing is struck.
            let untouched = try await karin.submitForm(on: strike)
            #expect(untouched.status == .unprocessableEntity)
            #expect(untouched.body.string.contains("Välj skälet till att värdet stryks.") && untouched.body.string.contains("Bekräfta att värdet ska strykas."))
            #expect(try await CaregiverCorrection.find(entry, on: app.db) != nil)

            let struck = try await karin.post(strike, form: [("reason", ErasureReason.unlawfullyProcessed.rawValue), ("confirm", "on")])
            #expect(struck.headers.first(name: .location) == "/caregivers/\(id)/corrections?struck=1")
            #expect(try await CaregiverCorrection.find(entry, on: app.db) == nil)
            let after = try await karin.get("/caregivers/\(id)/corrections?struck=1").body.string
            #expect(after.contains("Värdet är struket") && !after.contains(wrong))
            #expect(try await karin.get(strike).status == .notFound, "a struck row is gone")
            let events = try await AuditEvent.query(on: app.db).filter(\.$action == "correction.strike.unlawfullyProcessed").all()
            #expect(events.count == 1 && events.first?.recordID == id.uuidString && events.first?.recordType == "caregiver",
                    "the strike is on the person's file, so an auditor sees whose history changed")
            let reads = try await AccessLogEntry.query(on: app.db).filter(\.$recordID == id).all().filter { $0.via.hasSuffix("/strike") }
            #expect(reads.count >= 3, "the form, shown first, when read to be sent and again when refused, is a read of the file")
            let sql = try #require(app.db as? any SQLDatabase)
            for auditRow in try await sql.raw("SELECT * FROM audit_events").all() {
                for column in auditRow.allColumns {
                    #expect(!((try? auditRow.decode(column: column, as: String?.self)) ?? nil ?? "").contains("hjärtsvikt"), "\(column) holds the value")
                }
            }

            // Staff who read the file see the history but no link, and may not strike.
            _ = try await CaregiverService.save(id, CaregiverInput(name: "Åsa Ny", preferredLanguage: "sv", interpreterNeed: InterpreterNeed.no.rawValue,
                                                                   unitId: unit, version: caregiver.version + 1), by: world.consultant, on: app.db)
            let staff = Browser(app)
            try await staff.signIn(world.staffA.email)
            let seen = try await staff.get("/caregivers/\(id)/corrections")
            #expect(seen.status == .ok && seen.body.string.contains("Åsa Strykesson") && !seen.body.string.contains("/strike"))
            let refused = try await staff.get(strike.replacingOccurrences(of: entry.uuidString, with: UUID().uuidString))
            #expect(refused.status == .forbidden)
            let another = try #require(try await CaregiverCorrection.query(on: app.db).filter(\.$caregiverID == id).first())
            let posted = try await staff.post("/caregivers/\(id)/corrections/\(try another.requireID())/strike",
                                              form: [("reason", ErasureReason.unlawfullyProcessed.rawValue), ("confirm", "on")])
            #expect(posted.status == .forbidden)
            #expect(try await CaregiverCorrection.find(try another.requireID(), on: app.db) != nil, "staff strike nothing")
        }
    }

    @Test("Through the API: consultants only, 404 for another person's row or another organisation, a reason from the list, 204, then 404")
    func throughTheAPI() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let other = try await RecordWorld.make(app, name: "Grannkommun", code: "0181")
            let greta = try await world.recipient(app, "Greta Stryk", units: [world.unitA], careContact: "Fel kontakt")
            let olle = try await world.recipient(app, "Olle Annan", units: [world.unitA])
            _ = try await CaregiverService.saveRecipient(try greta.requireID(), RecipientInput(
                name: "Greta Stryk", unitIds: [try world.unitA.requireID().uuidString], fixedCareContact: "Rätt kontakt", patientContract: false,
                version: 1), by: world.consultant, on: app.db)
            let entry = try #require(try await RecipientCorrection.query(on: app.db).first()?.requireID())
            let path = "/api/v1/recipients/\(try greta.requireID())/corrections/\(entry)/strike"
            let reason = #"{"reason":"registeredByMistake"}"#

            let staff = try await APIClient.signedIn(app, world.staffA.email)
            #expect(try await staff.send(.POST, path, json: reason).status == .forbidden)
            let neighbour = try await APIClient.signedIn(app, other.consultant.email)
            #expect(try await neighbour.send(.POST, path, json: reason).status == .notFound)
            let karin = try await APIClient.signedIn(app, world.consultant.email)
            #expect(try await karin.send(.POST, "/api/v1/recipients/\(try olle.requireID())/corrections/\(entry)/strike", json: reason).status == .notFound,
                    "a row of another person's history")
            #expect(try await karin.send(.POST, path, json: "{}").status == .unprocessableEntity)
            #expect(try await RecipientCorrection.find(entry, on: app.db) != nil, "nothing refused is struck")
            #expect(try await karin.send(.POST, path, json: reason).status == .noContent)
            #expect(try await RecipientCorrection.find(entry, on: app.db) == nil)
            #expect(try await karin.send(.POST, path, json: reason).status == .notFound)
            #expect(try await karin.send(.GET, "/api/v1/recipients/\(try greta.requireID())/corrections").body.string == "[]")
        }
    }

    @Test("Nothing is struck from a file exempt from gallring or kept by the archive authority's decision (409)")
    func notFromAKeptFile() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let (cia, greta, _) = try await world.pair(app, "Cia Bevarad", caring: "Greta Bevarad", in: world.unitA)
            let id = try cia.requireID()
            let current = try #require(try await Caregiver.find(id, on: app.db))
            _ = try await CaregiverService.save(id, CaregiverInput(name: "Cia Bevarad-Ny", preferredLanguage: "sv", interpreterNeed: InterpreterNeed.no.rawValue,
                                                                   version: current.version), by: world.consultant, on: app.db)
            _ = try await CaregiverService.saveRecipient(try greta.requireID(), RecipientInput(
                name: "Greta Bevarad-Ny", unitIds: [try world.unitA.requireID().uuidString], patientContract: false, version: 1), by: world.consultant, on: app.db)
            let caregiverEntry = try #require(try await CaregiverCorrection.query(on: app.db).filter(\.$caregiverID == id).first()).requireID()
            let recipientEntry = try #require(try await RecipientCorrection.query(on: app.db).first()).requireID()
            let karin = try await APIClient.signedIn(app, world.consultant.email)
            let reason = #"{"reason":"unlawfullyProcessed"}"#
            let caregiverPath = "/api/v1/caregivers/\(id)/corrections/\(caregiverEntry)/strike"
            let recipientPath = "/api/v1/recipients/\(try greta.requireID())/corrections/\(recipientEntry)/strike"

            // Cia's file is exempt for a pending matter: nothing in it, nor in the file of Greta, whom
            // it names, is struck.
            try await RetentionExemptionService.set(id, exemption: RetentionExemption.pendingMatter.rawValue, by: world.consultant, on: app.db)
            #expect(try await karin.send(.POST, caregiverPath, json: reason).status == .conflict)
            #expect(try await karin.send(.POST, recipientPath, json: reason).status == .conflict)
            try await RetentionExemptionService.set(id, exemption: nil, by: world.consultant, on: app.db)
            try await FollowUpService.saveSettings(voluntarinessMonths: 6, memoRetentionDays: 30, contactRequestUnhandledDays: 90, contactRequestClosedDays: 30,
                                                   keepFilesDecision: "Arkivmyndighetens beslut dnr 7", version: 1, by: world.consultant, on: app.db)
            #expect(try await karin.send(.POST, caregiverPath, json: reason).status == .conflict)
            #expect(try await karin.send(.POST, recipientPath, json: reason).status == .conflict)
            #expect(try await CaregiverCorrection.find(caregiverEntry, on: app.db) != nil)
            #expect(try await RecipientCorrection.find(recipientEntry, on: app.db) != nil)
            try await FollowUpService.saveSettings(voluntarinessMonths: 6, memoRetentionDays: 30, contactRequestUnhandledDays: 90, contactRequestClosedDays: 30,
                                                   keepFilesDecision: nil, version: 2, by: world.consultant, on: app.db)
            #expect(try await karin.send(.POST, caregiverPath, json: reason).status == .noContent)
            #expect(try await karin.send(.POST, recipientPath, json: reason).status == .noContent)
        }
    }
}
