import Fluent
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

@Suite("Own question bank versions")
struct QuestionBankVersionTests {
    @Test("A strategist copies the official bank, rewords, leaves out and adds questions; a mapping uses the version; the official bank never changes")
    func ownVersionLifecycle() async throws {
        try await withSynlig { app in
            let world = try await MappingWorld.make(app)
            let official = try #require(try await QuestionBank.query(on: app.db).filter(\.$isOfficial == true).first())
            let officialJSON = official.contentJSON
            let browser = Browser(app)
            try await browser.signIn(world.strategist.email)
            let list = try await browser.get("/question-banks")
            #expect(list.status == .ok)

            let copied = try await browser.post("/question-banks", form: [("source", try official.requireID().uuidString), ("title", "Vår version 2027")])
            #expect(copied.status == .seeOther)
            let bankPath = try #require(copied.headers.first(name: .location))
            let bank = try #require(try await QuestionBank.query(on: app.db).filter(\.$isOfficial == false).first())
            #expect(bank.basedOnID == official.id)
            try await browser.get(bankPath)

            var form: [(String, String)] = [("version", "1")]
            for question in try bank.content.questions where question.key != "q6" {
                form.append(("include[\(question.key)]", "on"))
                form.append(("sv[\(question.key)]", question.key == "q1" ? "Finns mål med anhörigperspektiv i våra styrdokument?" : question.text.sv))
            }
            #expect(try await browser.post(bankPath, form: form).status == .seeOther)
            let added = try await browser.post(bankPath + "/questions", form: [("newArea", "collaboration"), ("newFormat", "yesNo"),
                                                                               ("newSv", "Har vi en anhörigråd?"), ("newEn", "")])
            #expect(added.status == .seeOther)
            let edited = try #require(try await QuestionBank.find(bank.id, on: app.db)).content
            #expect(edited.question("q6") == nil)
            #expect(edited.question("q1")?.text.sv == "Finns mål med anhörigperspektiv i våra styrdokument?")
            #expect(edited.question("q1")?.isCustom == true)
            let custom = try #require(edited.question("c1"))
            #expect(custom.number == "E1")
            #expect(custom.followUps.map(\.key) == ["c1.yes", "c1.no"])
            #expect(edited.questions.last?.key == "c1")
            #expect(try #require(try await QuestionBank.find(official.id, on: app.db)).contentJSON == officialJSON)

            // A mapping with the own version asks its questions; the version is then locked.
            let strategist = try await world.strategistUser(app)
            let mapping = try await MappingService.create(
                MappingInput(title: "Egen", periodStart: "2027-01-01", periodEnd: "2027-02-01", scope: "organisation", unitIDs: [],
                             bankID: bank.id?.uuidString, responsibleUserID: nil), by: strategist, on: app.db)
            #expect(mapping.bankID == bank.id)
            _ = try await MappingService.changeStatus(try mapping.requireID(), to: .open, by: strategist, on: app.db)
            let sheet = try await MappingService.addResponse(to: try mapping.requireID(), kind: .workshop, respondentID: nil, unitID: nil,
                                                             participants: "Ledningsgruppen", by: strategist, on: app.db)
            let page = try await browser.get(SiteURL.mappingResponse(try mapping.requireID(), try sheet.requireID()).path)
            #expect(page.body.string.contains("Har vi en anhörigråd?"))
            #expect(page.body.string.contains("Finns mål med anhörigperspektiv i våra styrdokument?"))
            #expect(!page.body.string.contains("I chefers kompetensutveckling"))
            _ = try await MappingService.saveAnswers(responseID: try sheet.requireID(), answers: ["c1": AnswerInput(choice: "no")], submit: true, by: strategist, on: app.db)
            await #expect(throws: SynligError.self) {
                try await MappingService.saveAnswers(responseID: try sheet.requireID(), answers: ["q6": AnswerInput(choice: "no")], submit: true, by: strategist, on: app.db)
            }

            try await browser.get(bankPath)
            let locked = try await browser.post(bankPath + "/questions", form: [("newArea", "collaboration"), ("newFormat", "open"), ("newSv", "För sent?")])
            #expect(locked.status == .conflict)
            #expect(locked.body.string.contains("har använts i en kartläggning"))
            let officialEdit = try await browser.post(SiteURL.bankQuestions(try official.requireID()).path, form: [("newArea", "collaboration"), ("newFormat", "open"), ("newSv", "X")])
            #expect(officialEdit.status == .conflict)

            let other = try await MappingWorld.make(app, code: "0202")
            let outsider = Browser(app)
            try await outsider.signIn(other.strategist.email)
            #expect(try await outsider.get(bankPath).status == .notFound)
        }
    }
}
