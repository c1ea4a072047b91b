import Fluent
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

@Suite("Rättelse: a caregiver's earlier details are kept when they are corrected")
struct CaregiverCorrectionTests {
    private func registerÅsa(_ app: Application, _ world: RecordWorld) async throws -> UUID {
        try await CaregiverService.save(nil, CaregiverInput(name: "Åsa Öberg", personalIdentityNumber: "19121212-1212", phone: "070-111 22 33",
                                                            preferredLanguage: "sv", interpreterNeed: InterpreterNeed.no.rawValue,
                                                            gender: Gender.woman.rawValue),
                                        by: world.consultant, on: app.db).requireID()
    }

    /// Saves Åsa's record again through the service with `name` and `phone`, the rest as registered.
    private func correct(_ app: Application, _ world: RecordWorld, _ id: UUID, name: String, phone: String) async throws {
        let caregiver = try #require(try await Caregiver.find(id, on: app.db))
        _ = try await CaregiverService.save(id, CaregiverInput(name: name, personalIdentityNumber: "19121212-1212", phone: phone,
                                                               preferredLanguage: "sv", interpreterNeed: InterpreterNeed.no.rawValue,
                                                               gender: Gender.woman.rawValue, version: caregiver.version),
                                            by: world.consultant, on: app.db)
    }

    @Test("A correction through the edit form keeps each earlier value, the number masked; an untouched form keeps nothing")
    func correctionThroughTheForm() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let id = try await registerÅsa(app, world)
            let path = "/caregivers/\(id)"
            let karin = Browser(app)
            try await karin.signIn(world.consultant.email)
            #expect(try await karin.get(path).body.string.contains("href=\"\(path)/corrections\""))

            // Sent untouched, as a browser sends it: nothing changed, nothing kept.
            #expect(try await karin.submitForm(on: path + "/edit").status == .seeOther)
            #expect(try await CaregiverCorrection.query(on: app.db).count() == 0)
            #expect(try await karin.get(path + "/corrections").body.string.contains("Inga uppgifter om den anhörige har ändrats"))

            // A correction of the name, the phone and the gender, and the number removed.
            var form = try BrowserForm(html: try await karin.get(path + "/edit").body.string, action: path + "/edit")
            try form.fill("name", "Åsa Öberg-Ärlig")
            try form.fill("phone", "070-999 88 77")
            try form.fill("gender", Gender.notStated.rawValue)
            let saved = try await karin.post(path + "/edit", form: form.fields.map { ($0.name, $0.value) } + [("removePersonalIdentityNumber", "on")],
                                             includeCSRF: false)
            #expect(saved.status == .seeOther, "\(saved.body.string.prefix(300))")
            let kept = try await CaregiverCorrection.query(on: app.db).all()
            #expect(Dictionary(uniqueKeysWithValues: kept.map { ($0.field, $0.previousValue) }) == [
                "name": "Åsa Öberg", "phone": "070-111 22 33", "gender": "woman", "personalIdentityNumber": "1912XXXX-XXXX",
            ])
            #expect(kept.allSatisfy { $0.changedBy == world.consultant.id && $0.caregiverID == id })

            // The page shows them as the record would, with who changed them; never the number itself.
            let page = try await karin.get(path + "/corrections")
            #expect(page.status == .ok)
            let html = page.body.string
            for shown in ["Åsa Öberg</td>", "070-111 22 33", "Kvinna", "1912XXXX-XXXX", "Telefon", "Test karin@0180.test.se"] {
                #expect(html.contains(shown), "\(shown) is not on the page")
            }
            #expect(!html.contains("1212-1212") && !html.contains("191212121212"))
            let read = try await AccessLogEntry.query(on: app.db).filter(\.$recordID == id).all()
            #expect(read.contains { $0.via.hasSuffix("/corrections") }, "the read is in the access log")
        }
    }

    @Test("The API gives the same history to those who read the file, 403 to a role that reads no files, 404 outside the reader's units")
    func throughTheAPI() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let id = try await registerÅsa(app, world)
            try await correct(app, world, id, name: "Åsa Öberg", phone: "")
            let api = try await APIClient.signedIn(app, world.consultant.email)
            let answer = try await api.send(.GET, "/api/v1/caregivers/\(id)/corrections")
            #expect(answer.status == .ok)
            struct Row: Decodable { var field: String; var previousValue: String; var changedBy: UUID; var changedAt: Date? }
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            let rows = try decoder.decode([Row].self, from: Data(answer.body.readableBytesView))
            #expect(rows.map(\.field) == ["phone"] && rows.first?.previousValue == "070-111 22 33")
            #expect(rows.first?.changedBy == world.consultant.id && rows.first?.changedAt != nil)

            #expect(try await AccessLogEntry.query(on: app.db).filter(\.$recordID == id).all().contains { $0.via.hasSuffix("/corrections") },
                    "the API's read is in the access log")
            // Children in the household are the caregiver's own details too.
            let current = try #require(try await Caregiver.find(id, on: app.db))
            _ = try await InformationService.saveChildren(caregiverID: id, ChildrenInput(situation: ChildrenInHousehold.caregiversChildren.rawValue,
                                                                                                    count: "2", version: current.version),
                                                                   by: world.consultant, on: app.db)
            let after = try await api.send(.GET, "/api/v1/caregivers/\(id)/corrections").body.string
            #expect(after.contains(#""field":"childrenInHousehold""#) && after.contains(#""previousValue":"notStated""#))
            #expect(after.range(of: "childrenInHousehold")!.lowerBound < after.range(of: #""phone""#)!.lowerBound, "the newest change first")

            let viewer = try await APIClient.signedIn(app, world.viewer.email)
            #expect(try await viewer.send(.GET, "/api/v1/caregivers/\(id)/corrections").status == .forbidden)
            // Hassan works in unit B; Åsa is in no unit of his.
            let hassan = try await APIClient.signedIn(app, world.caseOfficerB.email)
            #expect(try await hassan.send(.GET, "/api/v1/caregivers/\(id)/corrections").status == .notFound)
        }
    }

    @Test("The history is part of the file: in the register extract, and erased with it")
    func partOfTheFile() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let id = try await registerÅsa(app, world)
            try await correct(app, world, id, name: "Åsa Ärlig", phone: "070-111 22 33")
            let karin = Browser(app)
            try await karin.signIn(world.consultant.email)
            let extract = try await karin.get("/caregivers/\(id)/extract").body.string
            #expect(extract.contains("Tidigare uppgifter om den anhörige (rättelser)") && extract.contains("Åsa Öberg"))

            try await CaregiverErasure.erase(try #require(try await Caregiver.find(id, on: app.db)), reason: ErasureReason.registeredByMistake.rawValue,
                                             by: world.consultant, on: app.db)
            #expect(try await CaregiverCorrection.query(on: app.db).count() == 0)
        }
    }
}
