import Fluent
import Foundation
import SynligCore
import Testing
import Vapor
@testable import SynligApp

/// A unit's staff see the people their unit is responsible for, and a home-care unit of a large
/// municipality is responsible for thousands. Who may see whom is decided in SQL on each row
/// (`CaregiverAccess.visibleCaregiver`), not by loading every visible person's id first (issue 11).
@Suite("A large unit")
struct LargeUnitTests {
    @Test("Staff of a unit responsible for 3,000 people list, search and open them; another unit's staff see none of them")
    func staffOfALargeUnit() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let (caregiver, _, _) = try await world.pair(app, "Agnes Anhörigsson", caring: "Bertil Omsorgsson", in: world.unitA)
            let organisationID = try world.organisation.requireID(), unitID = try world.unitA.requireID()
            try await app.db.transaction { tx in
                for start in stride(from: 0, to: 3_000, by: 1_000) {
                    let recipients = (start..<start + 1_000).map { index in
                        let recipient = CareRecipient()
                        recipient.id = UUID()
                        recipient.organisationID = organisationID
                        recipient.name = "Mottagare \(index)"
                        recipient.nameFolded = "" // as before the folded column: the migration folds them
                        recipient.externalReference = ""
                        recipient.fixedCareContact = ""
                        recipient.fixedDoctorContact = ""
                        recipient.fixedCareHomeContact = ""
                        recipient.patientContract = false
                        recipient.careNeedArea = .notStated
                        recipient.version = 1
                        return recipient
                    }
                    try await recipients.create(on: tx)
                    try await recipients.map { CareRecipientUnit(organisationID: organisationID, recipientID: $0.id!, unitID: unitID) }.create(on: tx)
                }
            }

            try await FoldRecipientNamesForSearch.foldExisting(on: app.db)

            let staff = Browser(app)
            try await staff.signIn(world.staffA.email)
            let list = try await staff.get("/caregivers")
            #expect(list.status == .ok)
            #expect(list.body.string.contains("Agnes Anhörigsson"))
            #expect(try await staff.get("/caregivers/\(try caregiver.requireID())").status == .ok)
            #expect(try await staff.get("/caregivers/worklist").status == .ok)
            let recipients = try await staff.get("/recipients")
            #expect(recipients.status == .ok)
            #expect(recipients.body.string.contains("Mottagare 0"))
            #expect(recipients.body.string.contains("Fler än"), "counted to the cap")
            let found = try await staff.post("/recipients", form: [("q", "Mottagare 2999")])
            #expect(found.status == .ok)
            #expect(found.body.string.contains("Mottagare 2999"))

            let api = try await APIClient.signedIn(app, world.staffA.email)
            let listed = try await api.send(.GET, "/api/v1/caregivers")
            #expect(listed.status == .ok)
            let json = try JSONSerialization.jsonObject(with: Data(listed.body.string.utf8)) as? [String: Any]
            #expect(json?["total"] as? Int == 1, "the one caregiver of the unit's people")

            // Unit B's case officer sees none of unit A's people, however many there are.
            let other = Browser(app)
            try await other.signIn(world.caseOfficerB.email)
            #expect(try await other.get("/caregivers/\(try caregiver.requireID())").status == .notFound)
            #expect(try await other.get("/recipients").body.string.contains("Mottagare 0") == false)
        }
    }

    @Test("A search among the people cared for ignores case, keeps å, ä and ö apart, and stays within the user's units")
    func recipientSearchInSQL() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            _ = try await world.recipient(app, "Åsa Östlund", units: [world.unitA])
            _ = try await world.recipient(app, "Asa Ostlund", units: [world.unitA])
            _ = try await world.recipient(app, "Åsa Östberg", units: [world.unitB])
            let staff = Browser(app)
            try await staff.signIn(world.staffA.email)
            _ = try await staff.get("/recipients")
            let found = try await staff.post("/recipients", form: [("q", "åSA ÖST")])
            #expect(found.status == .ok)
            #expect(found.body.string.contains("Åsa Östlund"))
            #expect(!found.body.string.contains("Asa Ostlund"), "å is not a")
            #expect(!found.body.string.contains("Åsa Östberg"), "another unit's person")
            #expect(found.body.string.contains("1 närstående"))
            let wildcard = try await staff.post("/recipients", form: [("q", "%")])
            #expect(wildcard.status == .ok)
            #expect(wildcard.body.string.contains("Åsa Östlund"), "a typed wildcard is dropped, not matched as a pattern")
        }
    }
}
