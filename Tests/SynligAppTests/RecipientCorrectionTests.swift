import Fluent
import SQLKit
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

@Suite("Rättelse: the earlier details of a person cared for are kept when they are corrected")
struct RecipientCorrectionTests {
    @Test("A correction through the person's page keeps each earlier value; untouched keeps nothing; the page and the API show them, each read logged")
    func throughThePageAndTheAPI() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let greta = try await world.recipient(app, "Greta Rättad", units: [world.unitA], careContact: "Sköterska Lund, 010-111 11 11")
            let id = try greta.requireID()
            let path = "/recipients/\(id)"
            let karin = Browser(app)
            try await karin.signIn(world.consultant.email)
            #expect(try await karin.get(path).body.string.contains(#"href="\#(path)/corrections""#))

            // Sent untouched, as a browser sends it: nothing changed, nothing kept.
            #expect(try await karin.submitForm(on: path).status == .seeOther)
            #expect(try await RecipientCorrection.query(on: app.db).count() == 0)
            #expect(try await karin.get(path + "/corrections").body.string.contains("Inga uppgifter om den närstående har ändrats"))

            var form = try BrowserForm(html: try await karin.get(path).body.string, action: path)
            try form.fill("fixedCareContact", "Sköterska Berg, 010-222 22 22")
            try form.fill("careNeedArea", CareNeedArea.dementia.rawValue)
            // The checkbox ticked, as a browser then sends it.
            let saved = try await karin.post(path, form: form.fields.map { ($0.name, $0.value) } + [("patientContract", "on")], includeCSRF: false)
            #expect(saved.status == .seeOther, "\(saved.body.string.prefix(300))")
            let kept = try await RecipientCorrection.query(on: app.db).all()
            #expect(Dictionary(uniqueKeysWithValues: kept.map { ($0.field, $0.previousValue) }) == [
                "fixedCareContact": "Sköterska Lund, 010-111 11 11", "careNeedArea": "notStated", "patientContract": "unchecked",
            ])
            #expect(kept.allSatisfy { $0.changedBy == world.consultant.id && $0.recipientID == id && $0.version == 3 }, "the untouched save made version 2")

            let html = try await karin.get(path + "/corrections").body.string
            for shown in ["Sköterska Lund, 010-111 11 11", "Fast vårdkontakt", "Ej angivet", "Har patientkontrakt", "Nej</td>",
                          "Test karin@0180.test.se", "Tillbaka till den närstående"] {
                #expect(html.contains(shown), "\(shown) is not on the page")
            }
            #expect(html.range(of: "Fast vårdkontakt")!.lowerBound < html.range(of: "Har patientkontrakt")!.lowerBound, "the form's order")

            let api = try await APIClient.signedIn(app, world.staffA.email)
            let answer = try await api.send(.GET, "/api/v1/recipients/\(id)/corrections")
            #expect(answer.status == .ok)
            #expect(answer.body.string.contains(#""field":"fixedCareContact""#) && answer.body.string.contains(#""previousValue":"Sköterska Lund, 010-111 11 11""#))
            let reads = try await AccessLogEntry.query(on: app.db).filter(\.$recordID == id).all().filter { $0.via.hasSuffix("/corrections") }
            #expect(reads.count == 3, "the two page reads and the API read are in the access log")
            // Hassan works in unit B; Greta is in no unit of his. A viewer reads no files.
            let hassan = try await APIClient.signedIn(app, world.caseOfficerB.email)
            #expect(try await hassan.send(.GET, "/api/v1/recipients/\(id)/corrections").status == .notFound)
            let viewer = try await APIClient.signedIn(app, world.viewer.email)
            #expect(try await viewer.send(.GET, "/api/v1/recipients/\(id)/corrections").status == .forbidden)
        }
    }

    @Test("The history is part of the person's file: sealed at rest, in the register extract, and erased with the file")
    func partOfTheFile() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let greta = try await world.recipient(app, "Greta Hemlig", units: [world.unitA], careContact: "Distriktssköterska Hemlig-Ek")
            let id = try greta.requireID()
            _ = try await CaregiverService.saveRecipient(id, RecipientInput(name: "Greta Hemlig", unitIds: [try world.unitA.requireID().uuidString],
                                                                            fixedCareContact: "Ny kontakt", patientContract: false, version: 1),
                                                         by: world.consultant, on: app.db)
            let sql = try #require(app.db as? any SQLDatabase)
            let stored = try await sql.select().column("previous_value").from(RecipientCorrection.schema).all()
                .map { try $0.decode(column: "previous_value", as: String.self) }
            #expect(stored.count == 1 && stored.allSatisfy { TextKeyring.keyID(of: $0) != nil && !$0.contains("Hemlig-Ek") })

            let api = try await APIClient.signedIn(app, world.consultant.email)
            #expect(try await api.send(.GET, "/api/v1/recipients/\(id)/extract").body.string.contains("Distriktssköterska Hemlig-Ek"))
            #expect(try await api.send(.POST, "/api/v1/recipients/\(id)/erasure", json: #"{"reason":"registeredByMistake"}"#).status == .noContent)
            #expect(try await RecipientCorrection.query(on: app.db).count() == 0)
        }
    }
}
