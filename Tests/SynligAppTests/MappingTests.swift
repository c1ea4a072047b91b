import Fluent
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

@Suite("Mapping and reflection")
struct MappingTests {
    @Test("The official bank is installed with its 14 questions and its source named on the answer sheet")
    func officialBankOnSheet() async throws {
        try await withSynlig { app in
            let bank = try #require(try await QuestionBank.query(on: app.db).filter(\.$isOfficial == true).first())
            let content = try bank.content
            #expect(content.questions.count == 14)
            #expect(content.source.publisher == "Socialstyrelsen")
            let world = try await MappingWorld.make(app)
            let (mapping, invited, _) = try await makeOpenMapping(app, world)
            let browser = Browser(app)
            try await browser.signIn(world.respondent.email)
            let sheet = try await browser.get(SiteURL.mappingResponse(try mapping.requireID(), try invited.requireID()).path)
            #expect(sheet.status == .ok)
            let html = sheet.body.string
            #expect(html.contains("Uttrycks målsättningar med ett anhörigperspektiv i olika styrdokument?"))
            #expect(html.contains("Bilaga 1. Frågor för kartläggning och reflektion"))
            #expect(html.contains("efterfråga och hantera synpunkter och klagomål från anhöriga."))
            #expect(html.contains("Om nej, delvis eller vet inte:"))
            for number in 1...14 { #expect(html.contains(#"<span class="number">\#(number).</span>"#), "question \(number)") }
        }
    }

    @Test("A strategist starts, opens and closes a mapping in the pages; a respondent answers from the worklist")
    func fullMappingThroughPages() async throws {
        try await withSynlig { app in
            let world = try await MappingWorld.make(app)
            let strategist = Browser(app)
            try await strategist.signIn(world.strategist.email)
            try await strategist.get("/mappings/new")
            let invalid = try await strategist.post("/mappings", form: [("title", ""), ("periodStart", "2026-13-01"), ("periodEnd", "2026-01-01"), ("scope", "units")])
            #expect(invalid.status == .unprocessableEntity)
            #expect(invalid.body.string.contains("Välj minst en verksamhet."))
            #expect(invalid.body.string.contains("Ange ett datum som ÅÅÅÅ-MM-DD."))

            let created = try await strategist.post("/mappings", form: [
                ("title", "Hösten 2026"), ("periodStart", "2026-09-01"), ("periodEnd", "2026-10-31"), ("scope", "units"),
                ("units[]", try world.homeCare.requireID().uuidString), ("units[]", try world.palliative.requireID().uuidString),
            ])
            #expect(created.status == .seeOther)
            let mappingPath = try #require(created.headers.first(name: .location))
            let mapping = try #require(try await Mapping.query(on: app.db).first())
            #expect(mapping.status == .draft)

            let page = try await strategist.get(mappingPath)
            #expect(page.body.string.contains("Hösten 2026"))
            #expect(try await strategist.post(mappingPath + "/status", form: [("status", "open")]).status == .seeOther)
            let invite = try await strategist.post(mappingPath + "/responses", form: [
                ("kind", "individual"), ("respondent", try world.respondent.requireID().uuidString), ("unit", try world.homeCare.requireID().uuidString),
            ])
            #expect(invite.status == .seeOther)

            // The respondent finds the sheet on their start page.
            let respondent = Browser(app)
            try await respondent.signIn(world.respondent.email)
            let home = try await respondent.get("/")
            #expect(home.body.string.contains("Besvara kartläggningen: Hösten 2026"))
            let sheet = try #require(try await MappingResponse.query(on: app.db).first())
            let sheetPath = SiteURL.mappingResponse(try mapping.requireID(), try sheet.requireID()).path
            #expect(home.body.string.contains(sheetPath))
            try await respondent.get(sheetPath)
            let draft = try await respondent.post(sheetPath, form: [("choice[q1]", "no"), ("text[q1.no]", "Ingen har fått i uppdrag"), ("submit", "0")])
            #expect(draft.status == .seeOther)
            let reopened = try await respondent.get(sheetPath)
            #expect(reopened.body.string.contains("Ingen har fått i uppdrag"))
            #expect(reopened.body.string.contains(#"value="no" checked"#))

            let submitted = try await respondent.post(sheetPath, form: [
                ("choice[q1]", "no"), ("text[q1.no]", "Ingen har fått i uppdrag"), ("choice[q2]", "partly"),
                ("choice[q2.r1]", "exists"), ("choice[q2.r5]", "missing"), ("text[q2.r5]", "Saknas helt"),
                ("text[q7]", "Introduktion för nya medarbetare"), ("submit", "1"),
            ])
            #expect(submitted.status == .seeOther)
            #expect(!(try await respondent.get("/")).body.string.contains("Besvara kartläggningen"))

            // Results, gaps and report for the strategist.
            let results = try await strategist.get(mappingPath + "/results")
            #expect(results.status == .ok)
            #expect(results.body.string.contains("Resultaten bygger på 1 inskickat svarsblad."))
            #expect(results.body.string.contains("Nej 1 (100 %)"))
            #expect(results.body.string.contains("Palliativa teamet"))
            let gaps = try await strategist.get(mappingPath + "/gaps")
            #expect(gaps.body.string.contains("Ingen har fått i uppdrag"))
            #expect(gaps.body.string.contains("Saknas helt"))
            #expect(gaps.body.string.contains("Hemtjänst Norra"))
            let report = try await strategist.get(mappingPath + "/report")
            #expect(report.status == .ok)
            #expect(report.body.string.contains("Vilka som deltog"))
            // On paper nothing can be unfolded: the free-text answers are printed, not hidden in <details>.
            #expect(report.body.string.contains("<h4>Fritextsvar (1)</h4><ul><li>Introduktion för nya medarbetare</li></ul>"))
            #expect(!report.body.string.contains("<details"))
            #expect(results.body.string.contains("<details class=\"open-answers\"><summary>Visa fritextsvar (1)</summary>"))
            // No reflection was written: no empty reflection box.
            #expect(!report.body.string.contains("reflection-text"))

            // Closing locks everything: the sheet and the reflections answer 409 with a clear message.
            try await strategist.get(mappingPath)
            #expect(try await strategist.post(mappingPath + "/status", form: [("status", "closed")]).status == .seeOther)
            try await respondent.get(sheetPath)
            let late = try await respondent.post(sheetPath, form: [("choice[q1]", "yes"), ("submit", "1")])
            #expect(late.status == .conflict)
            #expect(late.body.string.contains("Kartläggningen är avslutad och kan inte ändras."))
            let reflection = try await strategist.post(mappingPath + "/reflections", form: [("area", "leadership"), ("text", "För sent")])
            #expect(reflection.status == .conflict)
            let reopen = try await strategist.post(mappingPath + "/status", form: [("status", "open")])
            #expect(reopen.status == .conflict)
            let answer = try #require(try await MappingAnswer.query(on: app.db).filter(\.$itemKey == "q1").first())
            #expect(answer.choice == "no")
        }
    }

    @Test("Changing an answer keeps what it was before, with who and when")
    func answerHistory() async throws {
        try await withSynlig { app in
            let world = try await MappingWorld.make(app)
            let (mapping, invited, _) = try await makeOpenMapping(app, world)
            let respondent = try await currentUser(app, world.respondent)
            let responseID = try invited.requireID()
            _ = try await MappingService.saveAnswers(responseID: responseID, answers: ["q3": AnswerInput(choice: "unknown", text: nil)],
                                                     submit: false, by: respondent, on: app.db)
            _ = try await MappingService.saveAnswers(responseID: responseID, answers: ["q3": AnswerInput(choice: "yes", text: nil),
                                                                                        "q3.yes": AnswerInput(choice: nil, text: "I IBIC-arbetet")],
                                                     submit: true, by: respondent, on: app.db)
            let history = try await MappingAnswerHistory.query(on: app.db).all()
            #expect(history.count == 1)
            #expect(history.first?.choice == "unknown")
            #expect(history.first?.changedBy == world.respondent.id)

            let browser = Browser(app)
            try await browser.signIn(world.strategist.email)
            let page = try await browser.get(SiteURL.mappingResponseHistory(try mapping.requireID(), responseID).path)
            #expect(page.status == .ok)
            #expect(page.body.string.contains("Vet inte"))
        }
    }

    @Test("The gap list shows the follow-up that matches the answer, not text left from an earlier answer")
    func gapsUseMatchingFollowUps() async throws {
        try await withSynlig { app in
            let world = try await MappingWorld.make(app)
            let (mapping, invited, _) = try await makeOpenMapping(app, world)
            let respondent = try await currentUser(app, world.respondent)
            _ = try await MappingService.saveAnswers(responseID: try invited.requireID(), answers: [
                "q1": AnswerInput(choice: "no", text: nil),
                "q1.yes": AnswerInput(choice: nil, text: "Skrivet när svaret var ja"),
                "q1.no": AnswerInput(choice: nil, text: "Ingen har haft uppdraget"),
            ], submit: true, by: respondent, on: app.db)
            guard let bank = try await QuestionBank.query(on: app.db).filter(\.$isOfficial == true).first() else { throw SynligError.notFound }
            let gaps = try await MappingGaps.load(mappingID: try mapping.requireID(), bank: try bank.content, on: app.db)
            let q1 = try #require(gaps.first { $0.itemKey == "q1" })
            #expect(q1.followUpTexts == ["Ingen har haft uppdraget"])
        }
    }

    @Test("Answers that do not fit the bank are refused and nothing is saved")
    func invalidAnswers() async throws {
        try await withSynlig { app in
            let world = try await MappingWorld.make(app)
            let (_, invited, _) = try await makeOpenMapping(app, world)
            let respondent = try await currentUser(app, world.respondent)
            let cases: [[String: AnswerInput]] = [
                ["q99": AnswerInput(choice: "yes", text: nil)],
                ["q1": AnswerInput(choice: "maybe", text: nil)],
                ["q2.r1": AnswerInput(choice: "yes", text: nil)],
                ["q7": AnswerInput(choice: "yes", text: nil)],
                ["q7": AnswerInput(choice: nil, text: "bell\u{0007}")],
                ["q7": AnswerInput(choice: nil, text: String(repeating: "å", count: 4001))],
            ]
            for answers in cases {
                await #expect(throws: SynligError.self) {
                    try await MappingService.saveAnswers(responseID: try invited.requireID(), answers: answers, submit: true, by: respondent, on: app.db)
                }
            }
            #expect(try await MappingAnswer.query(on: app.db).count() == 0)
        }
    }

    @Test("Only the respondent, or managers for a workshop, may write on a sheet")
    func whoMayAnswer() async throws {
        try await withSynlig { app in
            let world = try await MappingWorld.make(app)
            let (_, invited, workshop) = try await makeOpenMapping(app, world)
            let other = try await makeUser(app, in: world.organisation, email: "annan@test.se", roles: [.staff])
            let otherUser = try await currentUser(app, other)
            await #expect(throws: SynligError.self) {
                try await MappingService.saveAnswers(responseID: try invited.requireID(), answers: ["q1": AnswerInput(choice: "yes")], submit: false, by: otherUser, on: app.db)
            }
            let strategist = try await world.strategistUser(app)
            await #expect(throws: SynligError.self) {
                try await MappingService.saveAnswers(responseID: try invited.requireID(), answers: ["q1": AnswerInput(choice: "yes")], submit: false, by: strategist, on: app.db)
            }
            _ = try await MappingService.saveAnswers(responseID: try workshop.requireID(), answers: ["q1": AnswerInput(choice: "yes")], submit: true, by: strategist, on: app.db)
            #expect(try await MappingAnswer.query(on: app.db).count() == 1)
        }
    }

    @Test("Results count per unit, partial answers as unanswered, and show the change since the previous closed mapping")
    func resultsAndChange() async throws {
        try await withSynlig { app in
            let world = try await MappingWorld.make(app)
            let strategist = try await world.strategistUser(app)
            let respondent = try await currentUser(app, world.respondent)
            // Last year: home care answered no to question 1.
            let (before, beforeInvited, _) = try await makeOpenMapping(app, world, title: "2025", start: "2025-09-01", end: "2025-10-31")
            _ = try await MappingService.saveAnswers(responseID: try beforeInvited.requireID(), answers: ["q1": AnswerInput(choice: "no")], submit: true, by: respondent, on: app.db)
            _ = try await MappingService.changeStatus(try before.requireID(), to: .closed, by: strategist, on: app.db)
            // This year: home care yes, palliative workshop leaves question 1 blank.
            let (now, invited, workshop) = try await makeOpenMapping(app, world, title: "2026")
            _ = try await MappingService.saveAnswers(responseID: try invited.requireID(), answers: ["q1": AnswerInput(choice: "yes")], submit: true, by: respondent, on: app.db)
            _ = try await MappingService.saveAnswers(responseID: try workshop.requireID(), answers: ["q3": AnswerInput(choice: "partly")], submit: true, by: strategist, on: app.db)

            let results = try await MappingResultSet.load(mappingID: try now.requireID(), on: app.db)
            #expect(results.sheets[MappingResultSet.overall] == 2)
            let overall = results.distribution("q1")
            #expect(overall.count("yes") == 1)
            #expect(overall.unanswered == 1)
            #expect(overall.percentages(order: MappingResultsView.questionOrder)["yes"] == 50)
            #expect(results.distribution("q1", unit: try world.homeCare.requireID().uuidString).count("yes") == 1)
            #expect(results.distribution("q1", unit: try world.palliative.requireID().uuidString).unanswered == 1)
            #expect(try await MappingResultSet.previous(of: now, on: app.db)?.id == before.id)

            let browser = Browser(app)
            try await browser.signIn(world.strategist.email)
            let page = try await browser.get(SiteURL.mappingResults(try now.requireID()).path)
            #expect(page.body.string.contains("Andelen ja har ändrats med +50 procentenheter sedan förra kartläggningen (då 0 %)."))
        }
    }

    @Test("The answer export escapes spreadsheet formulas, quotes and line breaks, and opens in Excel with å, ä, ö")
    func csvExport() async throws {
        try await withSynlig { app in
            let world = try await MappingWorld.make(app)
            let (mapping, invited, _) = try await makeOpenMapping(app, world)
            let respondent = try await currentUser(app, world.respondent)
            _ = try await MappingService.saveAnswers(responseID: try invited.requireID(), answers: [
                "q7": AnswerInput(choice: nil, text: "=HYPERLINK(\"http://evil\")"),
                "q8": AnswerInput(choice: nil, text: "Rad ett\nrad \"två\", med komma"),
                "q9": AnswerInput(choice: nil, text: "@SUM(1)"),
                "q12": AnswerInput(choice: nil, text: "+46 och -1 och åäö"),
            ], submit: true, by: respondent, on: app.db)
            let browser = Browser(app)
            try await browser.signIn(world.strategist.email)
            let csv = try await browser.get(SiteURL.mappingExportCSV(try mapping.requireID()).path)
            #expect(csv.status == .ok)
            #expect(csv.headers.contentType?.description.hasPrefix("text/csv") == true)
            let text = csv.body.string
            #expect(text.hasPrefix("\u{FEFF}"))
            #expect(text.contains(#""'=HYPERLINK(""http://evil"")""#))
            #expect(text.contains("\"Rad ett\nrad \"\"två\"\", med komma\""))
            #expect(text.contains(#""'@SUM(1)""#))
            #expect(text.contains(#""'+46 och -1 och åäö""#))
            let json = try await browser.get(SiteURL.mappingExportJSON(try mapping.requireID()).path)
            let rows = try json.content.decode([MappingResultsController.ExportRow].self)
            #expect(rows.contains { $0.item == "q7" && $0.text == "=HYPERLINK(\"http://evil\")" })
        }
    }

    @Test("Another organisation's mapping is not found, and roles decide who reads and who manages")
    func isolationAndRoles() async throws {
        try await withSynlig { app in
            let world = try await MappingWorld.make(app)
            let (mapping, invited, _) = try await makeOpenMapping(app, world)
            let other = try await MappingWorld.make(app, code: "0202")
            let id = try mapping.requireID()
            let outsider = Browser(app)
            try await outsider.signIn(other.strategist.email)
            for url in [SiteURL.mapping(id), .mappingResults(id), .mappingGaps(id), .mappingReport(id), .mappingExportCSV(id),
                        .mappingExportJSON(id), .mappingResponse(id, try invited.requireID())] {
                #expect(try await outsider.get(url.path).status == .notFound, "\(url.path)")
            }
            try await outsider.get("/mappings")
            #expect(try await outsider.post(SiteURL.mappingStatus(id).path, form: [("status", "closed")]).status == .notFound)

            let viewer = Browser(app)
            try await viewer.signIn("politiker0180@test.se")
            #expect(try await viewer.get(SiteURL.mappingResults(id).path).status == .ok)
            #expect(try await viewer.get("/mappings/new").status == .forbidden)
            try await viewer.get("/mappings")
            #expect(try await viewer.post(SiteURL.mappingStatus(id).path, form: [("status", "closed")]).status == .forbidden)

            let staff = Browser(app)
            try await staff.signIn(world.respondent.email)
            #expect(try await staff.get("/mappings").status == .forbidden)
            #expect(try await staff.get(SiteURL.mappingResults(id).path).status == .forbidden)
            #expect(try await Mapping.find(id, on: app.db)?.status == .open)
        }
    }
}
