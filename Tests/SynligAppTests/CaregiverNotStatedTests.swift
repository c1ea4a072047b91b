import Fluent
import Foundation
import SQLKit
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

/// Statistics built on the record must count what was recorded, never what a default made up:
/// every optional classification starts at "not stated", in every form and every API create.
@Suite("Honest data: what nobody stated is stored as not stated")
struct CaregiverNotStatedTests {
    @Test("A caregiver, a person cared for and their relationship registered through untouched web forms store every classification as not stated")
    func untouchedWebForms() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let browser = Browser(app)
            try await browser.signIn("karin@0180.test.se")

            // The caregiver: only the name typed in, everything else as the page offered it.
            let newPage = SiteURL.caregiverNew.path
            let offered = try BrowserForm(html: try await browser.get(newPage).body.string, action: newPage)
            for select in ["gender", "foreignBackground", "minorityLanguage", "occupation", "interpreterNeed"] {
                #expect(offered.options[select]?.first == "notStated", "\(select) offers \(offered.options[select] ?? []) first")
            }
            let created = try await browser.submitForm(on: newPage, typing: [("name", "Gerd Ek")])
            #expect(created.status == .seeOther, "\(created.body.string.prefix(600))")
            let caregiver = try #require(try await Caregiver.query(on: app.db).filter(\.$name == "Gerd Ek").first())
            #expect(caregiver.gender == .notStated)
            #expect(caregiver.foreignBackground == .notStated)
            #expect(caregiver.minorityLanguage == .notStated)
            #expect(caregiver.occupation == .notStated)
            #expect(caregiver.interpreterNeed == .notStated)
            #expect(caregiver.birthYear == nil)

            // The person cared for, registered by name on the relationship form.
            let id = try caregiver.requireID()
            let relationshipPage = SiteURL.caregiverPart(id, .relationshipNew).path
            let relationshipForm = try BrowserForm(html: try await browser.get(relationshipPage).body.string, action: relationshipPage)
            #expect(relationshipForm.options["relation"]?.first == "notStated")
            #expect(relationshipForm.options["hoursBand"]?.first == "notStated")
            let linked = try await browser.submitForm(on: relationshipPage, typing: [("recipientName", "Sture Ek")])
            #expect(linked.status == .seeOther, "\(linked.body.string.prefix(600))")
            let relationship = try #require(try await CareRelationship.query(on: app.db).filter(\.$caregiverID == id).first())
            #expect(relationship.relation == .notStated)
            #expect(relationship.hoursBand == .notStated)
            #expect(!relationship.livesTogether)
            #expect(relationship.tasks.isEmpty)
            let recipient = try #require(try await CareRecipient.find(relationship.recipientID, on: app.db))
            #expect(recipient.careNeedArea == .notStated)

            // The person's own page, saved as it stands: still nothing made up.
            let recipientPage = SiteURL.recipient(try recipient.requireID()).path
            let recipientForm = try BrowserForm(html: try await browser.get(recipientPage).body.string, action: recipientPage)
            #expect(recipientForm.options["careNeedArea"]?.first == "notStated")
            let saved = try await browser.submitForm(on: recipientPage)
            #expect(saved.status == .seeOther, "\(saved.body.string.prefix(600))")
            let savedRecipient = try #require(try await CareRecipient.find(recipient.id, on: app.db))
            #expect(savedRecipient.version == 2)
            #expect(savedRecipient.careNeedArea == .notStated)

            // Editing the caregiver and the relationship without touching a classification keeps them not stated.
            #expect(try await browser.submitForm(on: SiteURL.caregiverPart(id, .edit).path).status == .seeOther)
            let relationshipEdit = SiteURL.relationshipPart(try relationship.requireID(), .edit).path
            #expect(try await browser.submitForm(on: relationshipEdit).status == .seeOther)
            let edited = try #require(try await Caregiver.find(id, on: app.db))
            #expect(edited.version == 2)
            #expect([edited.gender.rawValue, edited.foreignBackground.rawValue, edited.minorityLanguage.rawValue,
                     edited.occupation.rawValue, edited.interpreterNeed.rawValue].allSatisfy { $0 == "notStated" })
            let editedRelationship = try #require(try await CareRelationship.find(relationship.id, on: app.db))
            #expect(editedRelationship.version == 2)
            #expect(editedRelationship.relation == .notStated && editedRelationship.hoursBand == .notStated)

            // The record says so in words, not with a guess.
            let record = try await browser.get(SiteURL.caregiver(id).path).body.string
            #expect(record.contains("Ej angivet"))
            #expect(record.contains("relation ej angiven"))
            #expect(record.contains("timmar ej angivna"))
            _ = world
        }
    }

    @Test("A stated answer is kept, and an answer the vocabulary does not know is refused at its field")
    func statedAnswersThroughTheForm() async throws {
        try await withSynlig { app in
            _ = try await RecordWorld.make(app)
            let browser = Browser(app)
            try await browser.signIn("karin@0180.test.se")
            let newPage = SiteURL.caregiverNew.path
            let created = try await browser.submitForm(on: newPage, typing: [
                ("name", "Ulla Berg"), ("gender", "woman"), ("minorityLanguage", "none"), ("interpreterNeed", "no"), ("birthYear", "1950"),
            ])
            #expect(created.status == .seeOther)
            let caregiver = try #require(try await Caregiver.query(on: app.db).filter(\.$name == "Ulla Berg").first())
            #expect(caregiver.gender == .woman)
            #expect(caregiver.minorityLanguage == MinorityLanguage.none)
            #expect(caregiver.interpreterNeed == .no)
            #expect(caregiver.birthYear == 1950)
            #expect(caregiver.occupation == .notStated)

            let refused = try await browser.submitForm(on: newPage, typing: [("name", "Nils Berg"), ("gender", "unknown")])
            #expect(refused.status == .unprocessableEntity)
            #expect(try BrowserForm(html: refused.body.string, action: newPage).value("gender") == "notStated")
        }
    }

    @Test("Through the API, a caregiver, a person and a relationship created with only the required fields are not stated throughout")
    func apiCreatesWithRequiredFieldsOnly() async throws {
        try await withSynlig { app in
            _ = try await RecordWorld.make(app)
            let client = try await APIClient.signedIn(app, "karin@0180.test.se")

            let caregiverResponse = try await client.send(.POST, "/api/v1/caregivers", json: json(["name": "Gerd Ek"]))
            #expect(caregiverResponse.status == .created)
            let caregiver = try caregiverResponse.decoded(API.CaregiverOut.self)
            #expect(caregiver.gender == .notStated)
            #expect(caregiver.foreignBackground == .notStated)
            #expect(caregiver.minorityLanguage == .notStated)
            #expect(caregiver.occupation == .notStated)
            #expect(caregiver.interpreterNeed == .notStated)
            #expect(!caregiver.interpreterNeeded)
            #expect(caregiver.birthYear == nil)

            let recipientResponse = try await client.send(.POST, "/api/v1/recipients", json: json(["name": "Sture Ek"]))
            #expect(recipientResponse.status == .created)
            let recipient = try recipientResponse.decoded(API.RecipientOut.self)
            #expect(recipient.careNeedArea == .notStated)

            let linkResponse = try await client.send(.POST, "/api/v1/caregivers/\(caregiver.id)/relationships",
                                                     json: json(["recipientId": recipient.id.uuidString]))
            #expect(linkResponse.status == .created, "\(linkResponse.body.string)")
            let relationship = try linkResponse.decoded(API.RelationshipOut.self)
            #expect(relationship.relation == .notStated)
            #expect(relationship.hoursBand == .notStated)

            // What is stored is what the API said.
            let stored = try #require(try await Caregiver.find(caregiver.id, on: app.db))
            #expect(stored.gender == .notStated && stored.interpreterNeed == .notStated && stored.minorityLanguage == .notStated)
            #expect(try await CareRecipient.find(recipient.id, on: app.db)?.careNeedArea == .notStated)
        }
    }

    @Test("The API accepts notStated by name, reads the older interpreterNeeded boolean as yes or no, and refuses the two when they disagree")
    func apiSpellings() async throws {
        try await withSynlig { app in
            _ = try await RecordWorld.make(app)
            let client = try await APIClient.signedIn(app, "karin@0180.test.se")
            let explicit = try await client.send(.POST, "/api/v1/caregivers", json: json([
                "name": "Alva Ek", "gender": "notStated", "minorityLanguage": "notStated", "interpreterNeed": "notStated",
                "occupation": "notStated", "foreignBackground": "notStated",
            ]))
            #expect(explicit.status == .created)
            #expect(try explicit.decoded(API.CaregiverOut.self).interpreterNeed == .notStated)

            let older = try await client.send(.POST, "/api/v1/caregivers", json: json(["name": "Bo Ek", "interpreterNeeded": false]))
            #expect(older.status == .created)
            #expect(try older.decoded(API.CaregiverOut.self).interpreterNeed == .no)
            let olderYes = try await client.send(.POST, "/api/v1/caregivers", json: json(["name": "Cai Ek", "interpreterNeeded": true]))
            let yes = try olderYes.decoded(API.CaregiverOut.self)
            #expect(yes.interpreterNeed == .yes && yes.interpreterNeeded)

            let clash = try await client.send(.POST, "/api/v1/caregivers", json: json([
                "name": "Dan Ek", "interpreterNeeded": true, "interpreterNeed": "no",
            ]))
            #expect(clash.status == .unprocessableEntity)
            #expect(Set(clash.fieldProblems.keys) == ["interpreterNeed"])
            let unknown = try await client.send(.POST, "/api/v1/recipients", json: json(["name": "Eva Ek", "careNeedArea": "grief"]))
            #expect(Set(unknown.fieldProblems.keys) == ["careNeedArea"])
        }
    }

    @Test("The interpreter column moves to yes, no or not stated on this database: a ticked box is yes, an unticked one is not stated")
    func interpreterMigration() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            func register(_ name: String, _ need: InterpreterNeed) async throws -> UUID {
                try await CaregiverService.save(nil, CaregiverInput(name: name, preferredLanguage: "sv", interpreterNeed: need.rawValue),
                                                by: world.consultant, on: app.db).requireID()
            }
            let ticked = try await register("Tolk Ja", .yes)
            let unticked = try await register("Tolk Nej", .no)
            let neverAsked = try await register("Tolk Okänd", .notStated)
            let recipient = try await world.recipient(app, "Sture Ek", units: [world.unitA])

            // Back to the shipped schema, where the need was a checkbox, and forward again, all on
            // one connection, as the migrator runs: SQLite checks "duplicate column" against the
            // schema its connection last read, and another pooled connection may not have re-read it.
            let migration = RecordWhatWasNotStated()
            struct OldRow: Decodable { var name: String; var interpreter_needed: Bool }
            try await app.db.withConnection { connection in
                let sql = connection as! any SQLDatabase
                try await migration.revert(on: connection)
                let old = try await sql.select().column("name").column("interpreter_needed").from("caregivers").all(decoding: OldRow.self)
                #expect(Dictionary(uniqueKeysWithValues: old.map { ($0.name, $0.interpreter_needed) })
                    == ["Tolk Ja": true, "Tolk Nej": false, "Tolk Okänd": false])
                #expect(await refusal(sqlError: { try await sql.raw("SELECT care_need_area FROM care_recipients").run() }))
                // … and forward: only the ticked box is an answer.
                try await migration.prepare(on: connection)
            }
            let sql = app.db as! any SQLDatabase
            #expect(try await Caregiver.find(ticked, on: app.db)?.interpreterNeed == .yes)
            #expect(try await Caregiver.find(unticked, on: app.db)?.interpreterNeed == .notStated)
            #expect(try await Caregiver.find(neverAsked, on: app.db)?.interpreterNeed == .notStated)
            #expect(try await CareRecipient.find(recipient.id, on: app.db)?.careNeedArea == .notStated)
            // One field, one truth: the checkbox column is gone.
            #expect(await refusal(sqlError: { try await sql.raw("SELECT interpreter_needed FROM caregivers").run() }))
            // And the service writes the new column.
            #expect(try await Caregiver.find(try await register("Tolk Ny", .no), on: app.db)?.interpreterNeed == .no)
        }
    }

    @Test("The FHIR export says unknown for a gender not stated and leaves out a relation not stated")
    func fhirNotStated() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let caregiver = try await world.register(app, "Gerd Ek")
            let recipient = try await world.recipient(app, "Sture Ek", units: [world.unitA])
            _ = try await CaregiverService.saveRelationship(nil, caregiverID: caregiver.id, recipientID: recipient.id,
                                                            RelationshipInput(livesTogether: false, tasks: [], carriesCoordination: false),
                                                            by: world.consultant, on: app.db)
            let record = try await CaregiverFHIRExport.load(caregiverID: try caregiver.requireID(), for: world.consultant, on: app.db)
            let bundle = try CaregiverFHIRExport.bundle(record, today: .today()) { key, _ in key }
            let data = try JSONEncoder().encode(bundle)
            let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            let resources = (object["entry"] as? [[String: Any]] ?? []).compactMap { $0["resource"] as? [String: Any] }
            let related = try #require(resources.first { $0["resourceType"] as? String == "RelatedPerson" })
            #expect(related["gender"] as? String == "unknown")
            #expect(related["relationship"] == nil)
            #expect(related["birthDate"] == nil)
        }
    }
}

/// Whether the SQL was refused by the database (a column that is not there).
private func refusal(sqlError work: () async throws -> Void) async -> Bool {
    do {
        try await work()
        return false
    } catch {
        return true
    }
}
