import Fluent
import Foundation
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

/// The voluntariness follow-up asks what the seed asks — whether the family caregiver wants to go
/// on, is able to, and what they should not have to carry — and keeps the earlier single
/// answers readable.
@Suite("Voluntariness in three dimensions: form, record, worklist and API")
struct CaregiverVoluntarinessTests {
    @Test("Posted as a browser sends the record's form: untouched, nothing is recorded; answered, each dimension is stored and shown")
    func webForm() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let caregiver = try await world.register(app, "Gerd Ek")
            let browser = Browser(app)
            try await browser.signIn("karin@0180.test.se")
            let page = SiteURL.caregiver(try caregiver.requireID()).path
            let action = SiteURL.caregiverPart(try caregiver.requireID(), .voluntariness).path

            let offered = try BrowserForm(html: try await browser.get(page).body.string, action: action)
            for select in ["wantsToContinue", "ableToContinue", "shouldNotCarry"] {
                #expect(offered.options[select]?.first == "notStated", "\(select) offers \(offered.options[select] ?? []) first")
                #expect(offered.value(select) == "notStated")
            }
            #expect(offered.value("answer") == nil, "the form does not ask the earlier single question")

            // Untouched: every question "not stated", so there is nothing to record.
            let untouched = try await browser.submitForm(on: page, action: action)
            #expect(untouched.status == .unprocessableEntity)
            #expect(untouched.body.string.contains("Ange om den anhörige vill eller kan fortsätta"))
            #expect(untouched.body.string.contains(##"href="#wantsToContinue""##))
            #expect(try await VoluntarinessCheck.query(on: app.db).count() == 0)

            // A "what" beside "not stated" would make up an amount: refused, the text kept.
            let whatAlone = try await browser.submitForm(on: page, action: action, typing: [("wantsToContinue", "yes"), ("shouldNotCarryWhat", "Nätterna")])
            #expect(whatAlone.status == .unprocessableEntity)
            #expect(whatAlone.body.string.contains("Nätterna"))
            #expect(try await VoluntarinessCheck.query(on: app.db).count() == 0)

            let saved = try await browser.submitForm(on: page, action: action, typing: [
                ("ableToContinue", "no"), ("shouldNotCarry", "much"), ("shouldNotCarryWhat", "Nätterna"), ("comment", "Orkar inte längre"),
            ])
            #expect(saved.status == .seeOther, "\(saved.body.string.prefix(600))")
            let check = try #require(try await VoluntarinessCheck.query(on: app.db).first())
            #expect(check.wantsToContinue == .notStated)
            #expect(check.ableToContinue == ContinuationAnswer.no)
            #expect(check.shouldNotCarry == .much)
            #expect(check.shouldNotCarryWhat == "Nätterna")
            #expect(check.answer == .no, "not able to go on is the earlier single question's no")
            #expect(try await CaregiverTask.query(on: app.db).filter(\.$kind == .discussVoluntariness).filter(\.$open == true).count() == 1)

            let record = try await browser.get(page).body.string
            #expect(record.contains("<td>Ej angivet</td><td>Nej</td><td>Ja, mycket: Nätterna</td><td>Orkar inte längre</td>"))
            // The worklist says which answers asked for the talk.
            let worklist = try await browser.get(SiteURL.caregiverWorklist.path).body.string
            #expect(worklist.contains("kan inte fortsätta, bär mycket som inte borde vara den anhöriges ansvar"))
        }
    }

    @Test("A check stored before the dimensions shows its single answer labelled as the earlier question, on the page and in the API")
    func earlierSingleAnswers() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let caregiver = try await world.register(app, "Sture Ek")
            // As the migration leaves a check it finds: the answer, and no dimensions.
            let earlier = VoluntarinessCheck()
            earlier.organisationID = try world.organisation.requireID()
            earlier.caregiverID = try caregiver.requireID()
            earlier.askedOn = "2025-05-02"
            earlier.answer = .partly
            earlier.comment = "Behöver avlösning"
            earlier.authorID = world.consultant.id
            try await earlier.create(on: app.db)
            #expect(try await VoluntarinessCheck.find(earlier.id, on: app.db)?.dimensions == nil)

            let browser = Browser(app)
            try await browser.signIn("karin@0180.test.se")
            let record = try await browser.get(SiteURL.caregiver(try caregiver.requireID()).path).body.string
            #expect(record.contains(#"<td colspan="3">Delvis – svar på den tidigare frågan ”Vill du och kan du fortsätta med den omsorg du ger nu?”</td>"#))

            let api = try await APIClient.signedIn(app, "karin@0180.test.se")
            let listed = try await api.send(.GET, "/api/v1/caregivers/\(try caregiver.requireID())/voluntariness")
            #expect(listed.status == .ok)
            let items = try #require(try JSONSerialization.jsonObject(with: Data(buffer: listed.body)) as? [[String: Any]])
            #expect(items.count == 1)
            #expect(items.first?["answer"] as? String == "partly")
            #expect(items.first?["wantsToContinue"] == nil)
            #expect(items.first?["shouldNotCarry"] == nil)
        }
    }

    @Test("The API records and returns the dimensions, refuses unknown keys (400) and bad or missing answers (422), and still takes the earlier single answer")
    func api() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let caregiver = try await world.register(app, "Nora Norr")
            var api = try await APIClient.signedIn(app, "karin@0180.test.se")
            let path = "/api/v1/caregivers/\(try caregiver.requireID())/voluntariness"

            let created = try await api.send(.POST, path, json: json([
                "wantsToContinue": "yes", "ableToContinue": "partly", "shouldNotCarry": "some", "shouldNotCarryWhat": "Mammas ekonomi",
            ]))
            #expect(created.status == .created, "\(created.body.string)")
            let out = try created.decoded(API.VoluntarinessOut.self)
            #expect(out.wantsToContinue == .yes)
            #expect(out.ableToContinue == .partly)
            #expect(out.shouldNotCarry == .some)
            #expect(out.shouldNotCarryWhat == "Mammas ekonomi")
            #expect(out.answer == .partly)
            let listed = try await api.send(.GET, path).decoded([API.VoluntarinessOut].self)
            #expect(listed.map(\.id) == [out.id])
            #expect(listed.first?.ableToContinue == .partly)
            // The worklist says which answers asked for the talk, as codes and as words.
            let talk = try await api.send(.GET, "/api/v1/worklist?kind=discussVoluntariness").decoded(API.Page<API.CaregiverTaskOut>.self).items
            #expect(talk.map(\.reasons) == [["ableToContinue.partly", "shouldNotCarry.some"]])
            #expect(talk.first?.reasonText == "kan bara delvis fortsätta, bär en del som inte borde vara den anhöriges ansvar")
            let otherTasks = try await api.send(.GET, "/api/v1/worklist?kind=voluntarinessFollowUp").decoded(API.Page<API.CaregiverTaskOut>.self).items
            #expect(!otherTasks.isEmpty && otherTasks.allSatisfy { $0.reasons == nil && $0.reasonText == nil })

            let unknown = try await api.send(.POST, path, json: json(["wants": "yes"]))
            #expect(unknown.status == .badRequest)
            #expect(unknown.problem?.detail.contains("wants") == true)
            let bad = try await api.send(.POST, path, json: json(["wantsToContinue": "kanske", "shouldNotCarry": "lite"]))
            #expect(bad.status == .unprocessableEntity)
            #expect(Set(bad.fieldProblems.keys) == ["wantsToContinue", "shouldNotCarry"])
            let nothing = try await api.send(.POST, path, json: "{}")
            #expect(nothing.fieldProblems == ["wantsToContinue": "Ange om den anhörige vill eller kan fortsätta – minst ett av svaren."])
            let both = try await api.send(.POST, path, json: json(["answer": "yes", "ableToContinue": "yes"]))
            #expect(Set(both.fieldProblems.keys) == ["answer"])
            #expect(try await VoluntarinessCheck.query(on: app.db).count() == 1)

            // A client of the earlier question still records it, as that question.
            let single = try await api.send(.POST, path, json: json(["answer": "no"]))
            #expect(single.status == .created)
            let earlier = try single.decoded(API.VoluntarinessOut.self)
            #expect(earlier.answer == .no)
            #expect(earlier.wantsToContinue == nil && earlier.ableToContinue == nil && earlier.shouldNotCarry == nil)
            api.language = "en"
            let newest = try await api.send(.GET, "/api/v1/worklist?kind=discussVoluntariness").decoded(API.Page<API.CaregiverTaskOut>.self).items
            #expect(newest.map(\.reasons) == [["answer.no"]], "the latest check's reasons, here the earlier question's")
            #expect(newest.first?.reasonText?.hasPrefix("No – answer to the earlier single question") == true, "\(newest.first?.reasonText ?? "")")
        }
    }
}
