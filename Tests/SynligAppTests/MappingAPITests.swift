import Fluent
import Foundation
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

@Suite("Mapping and plan JSON API")
struct MappingAPITests {
    @Test("A strategist goes from an empty organisation to a closed mapping with results, through the API only")
    func mappingLifecycle() async throws {
        try await withSynlig { app in
            let world = try await MappingWorld.make(app)
            let homeCare = try world.homeCare.requireID(), palliative = try world.palliative.requireID()
            let strategist = try await APIClient.signedIn(app, world.strategist.email)
            var respondent = try await APIClient.signedIn(app, world.respondent.email)

            #expect(try await strategist.send(.GET, "/api/v1/mappings").decoded([API.MappingSummary].self).isEmpty)
            let banks = try await strategist.send(.GET, "/api/v1/question-banks").decoded([API.QuestionBankSummary].self)
            #expect(banks.count == 1)
            let bankID = try #require(banks.first { $0.isOfficial }?.id)
            let bankResponse = try await respondent.send(.GET, "/api/v1/question-banks/\(bankID)")
            #expect(bankResponse.status == .ok)
            let bank = try bankResponse.decoded(API.QuestionBankOut.self)
            #expect(bank.questions.count == 14)
            #expect(bank.source.publisher == "Socialstyrelsen")
            #expect(bank.questions.first { $0.key == "q2" }?.routines.contains { $0.key == "q2.r5" } == true)
            #expect(bank.questions.first { $0.key == "q1" }?.followUps.contains { $0.key == "q1.no" } == true)

            // Create and open.
            let created = try await strategist.send(.POST, "/api/v1/mappings", json: json([
                "title": "Hösten 2026", "periodStart": "2026-09-01", "periodEnd": "2026-10-31", "scope": "units",
                "unitIds": [homeCare.uuidString, palliative.uuidString],
            ]))
            #expect(created.status == .created)
            #expect(created.eTag == "\"1\"")
            let mapping = try created.decoded(API.MappingOut.self)
            #expect(mapping.status == .draft)
            #expect(mapping.bankId == bankID)
            #expect(mapping.responsibleUserId == world.strategist.id)
            #expect(mapping.units.map(\.name) == ["Hemtjänst Norra", "Palliativa teamet"])
            let base = "/api/v1/mappings/\(mapping.id)"
            let opened = try await strategist.send(.POST, base + "/status", json: #"{"status":"open"}"#)
            #expect(opened.status == .ok)
            #expect(opened.eTag == "\"2\"")
            #expect(try opened.decoded(API.MappingOut.self).status == .open)

            // Invite the respondent for home care; a workshop for the palliative team.
            let invite = try await strategist.send(.POST, base + "/responses", json: json([
                "kind": "individual", "respondentUserId": try world.respondent.requireID().uuidString, "unitId": homeCare.uuidString,
            ]))
            #expect(invite.status == .created)
            let invited = try invite.decoded(API.ResponseOut.self)
            #expect(invited.respondentName == world.respondent.displayName)
            let workshopResponse = try await strategist.send(.POST, base + "/responses", json: json([
                "kind": "workshop", "unitId": palliative.uuidString, "participants": "Eva (sjuksköterska), Olle (läkare)",
            ]))
            #expect(workshopResponse.status == .created)
            let workshop = try workshopResponse.decoded(API.ResponseOut.self)
            #expect(workshop.respondentUserId == world.strategist.id)
            let sheets = try await strategist.send(.GET, base + "/responses").decoded([API.ResponseOut].self)
            #expect(Set(sheets.map(\.id)) == [invited.id, workshop.id])

            // The respondent saves a draft, then submits.
            let sheetPath = base + "/responses/\(invited.id)"
            let empty = try await respondent.send(.GET, sheetPath).decoded(API.SheetOut.self)
            #expect(empty.mayAnswer)
            #expect(empty.answers.isEmpty)
            #expect(empty.bankId == bankID)
            let draft = try await respondent.send(.PUT, sheetPath + "/answers", json: json([
                "answers": ["q1": ["choice": "no"], "q1.no": ["text": "Ingen har fått i uppdrag"]], "submit": false,
            ]))
            #expect(draft.status == .ok)
            let draftSheet = try draft.decoded(API.SheetOut.self)
            #expect(draftSheet.status == .draft)
            #expect(draftSheet.answers.map(\.itemKey) == ["q1", "q1.no"])
            #expect(draftSheet.answers.first?.choice == "no")
            #expect(try await strategist.send(.GET, base + "/results").decoded(API.ResultsOut.self).sheets == 0)

            let submitted = try await respondent.send(.PUT, sheetPath + "/answers", json: json([
                "answers": ["q2": ["choice": "partly"], "q2.r1": ["choice": "exists", "text": "Rutin 2024:3"],
                            "q2.r5": ["choice": "missing", "text": "Saknas helt"]],
                "submit": true,
            ]))
            #expect(submitted.status == .ok)
            let submittedSheet = try submitted.decoded(API.SheetOut.self)
            #expect(submittedSheet.status == .submitted)
            #expect(submittedSheet.answers.count == 5)
            #expect(submittedSheet.answers.first { $0.itemKey == "q1.no" }?.text == "Ingen har fått i uppdrag")

            // The strategist keeps the workshop's record and writes a reflection.
            let workshopSaved = try await strategist.send(.PUT, base + "/responses/\(workshop.id)/answers", json: json([
                "answers": ["q1": ["choice": "yes"], "q2.r5": ["choice": "exists"]], "submit": true,
            ]))
            #expect(workshopSaved.status == .ok)
            let reflection = try await strategist.send(.PUT, base + "/reflections/leadership", json: #"{"text":"Ansvaret behöver bli tydligt."}"#)
            #expect(reflection.status == .ok)
            #expect(try reflection.decoded(API.ReflectionOut.self).text == "Ansvaret behöver bli tydligt.")
            let overview = try await strategist.send(.GET, base).decoded(API.MappingOut.self)
            #expect(overview.counts.responses == 2)
            #expect(overview.counts.submitted == 2)
            #expect(overview.reflections.map(\.areaKey) == ["leadership"])

            // Results per unit.
            let results = try await strategist.send(.GET, base + "/results").decoded(API.ResultsOut.self)
            #expect(results.sheets == 2)
            #expect(results.previousMappingId == nil)
            #expect(results.unitIds == [homeCare, palliative])
            let q1 = try #require(results.items.first { $0.itemKey == "q1" })
            #expect(q1.kind == "yesNo")
            #expect(q1.choices == ["yes", "partly", "no", "unknown"])
            #expect(q1.overall.counts["yes"] == 1 && q1.overall.counts["no"] == 1)
            #expect(q1.overall.percentages == ["yes": 50, "partly": 0, "no": 50, "unknown": 0, "unanswered": 0])
            #expect(q1.change == nil)
            let q1Home = try #require(q1.units.first { $0.unitId == homeCare })
            #expect(q1Home.sheets == 1)
            #expect(q1Home.counts["no"] == 1)
            #expect(q1Home.percentages["no"] == 100)
            #expect(q1.units.first { $0.unitId == palliative }?.percentages["yes"] == 100)
            let q2 = try #require(results.items.first { $0.itemKey == "q2" })
            #expect(q2.overall.counts["partly"] == 1)
            #expect(q2.overall.unanswered == 1)
            #expect(q2.overall.percentages["partly"] == 50 && q2.overall.percentages["unanswered"] == 50)
            let r5 = try #require(results.items.first { $0.itemKey == "q2.r5" })
            #expect(r5.kind == "routine")
            #expect(r5.questionKey == "q2")
            #expect(r5.choices == ["exists", "planned", "missing"])
            #expect(r5.units.first { $0.unitId == homeCare }?.counts["missing"] == 1)
            #expect(r5.units.first { $0.unitId == palliative }?.counts["exists"] == 1)
            #expect(!results.items.contains { $0.itemKey == "q7" }, "open questions have no counts")

            // Gaps.
            let gaps = try await strategist.send(.GET, base + "/gaps").decoded([API.GapOut].self)
            #expect(gaps.contains { $0.itemKey == "q1" && $0.unitId == homeCare && $0.choice == "no" && $0.followUpTexts == ["Ingen har fått i uppdrag"] })
            #expect(gaps.contains { $0.itemKey == "q2.r5" && $0.questionKey == "q2" && $0.unitId == homeCare && $0.followUpTexts == ["Saknas helt"] })
            #expect(!gaps.contains { $0.unitId == palliative })

            // Close: the routine catalogue is filled, and nothing changes any more.
            let closed = try await strategist.send(.POST, base + "/status", json: #"{"status":"closed"}"#)
            #expect(closed.status == .ok)
            #expect(try closed.decoded(API.MappingOut.self).status == .closed)
            let routines = try await strategist.send(.GET, "/api/v1/routine-statuses").decoded([API.RoutineStatusOut].self)
            #expect(routines.contains { $0.unitId == homeCare && $0.routineKey == "q2.r5" && $0.state == .missing && $0.source == "mapping" })
            #expect(routines.contains { $0.unitId == homeCare && $0.routineKey == "q2.r1" && $0.reference == "Rutin 2024:3" })
            #expect(routines.contains { $0.unitId == palliative && $0.routineKey == "q2.r5" && $0.state == .exists })

            let late = try await respondent.send(.PUT, sheetPath + "/answers", json: #"{"answers":{"q1":{"choice":"yes"}},"submit":true}"#)
            #expect(late.status == .conflict)
            #expect(late.problem?.detail == "Kartläggningen är avslutad och kan inte ändras.")
            respondent.language = "en"
            let lateEnglish = try await respondent.send(.PUT, sheetPath + "/answers", json: #"{"answers":{"q1":{"choice":"yes"}},"submit":true}"#)
            #expect(lateEnglish.status == .conflict)
            #expect(lateEnglish.problem?.detail == "The self-assessment is closed and cannot be changed.")
            #expect(try await respondent.send(.GET, sheetPath).decoded(API.SheetOut.self).mayAnswer == false)
            #expect(try await strategist.send(.PUT, base + "/reflections/leadership", json: #"{"text":"För sent"}"#).status == .conflict)
            #expect(try await strategist.send(.POST, base + "/status", json: #"{"status":"open"}"#).status == .conflict)
            #expect(try await MappingAnswer.query(on: app.db).filter(\.$itemKey == "q1").filter(\.$choice == "no").count() == 1)
        }
    }

    @Test("Results name the previous closed mapping and the change in percentage points")
    func resultsComparedWithPrevious() async throws {
        try await withSynlig { app in
            let world = try await MappingWorld.make(app)
            let strategist = try await world.strategistUser(app)
            let respondent = try await currentUser(app, world.respondent)
            let (before, beforeInvited, _) = try await makeOpenMapping(app, world, title: "2025", start: "2025-09-01", end: "2025-10-31")
            _ = try await MappingService.saveAnswers(responseID: try beforeInvited.requireID(), answers: ["q1": AnswerInput(choice: "no"),
                                                     "q2.r5": AnswerInput(choice: "missing")], submit: true, by: respondent, on: app.db)
            _ = try await MappingService.changeStatus(try before.requireID(), to: .closed, by: strategist, on: app.db)
            let (now, invited, workshop) = try await makeOpenMapping(app, world, title: "2026")
            _ = try await MappingService.saveAnswers(responseID: try invited.requireID(), answers: ["q1": AnswerInput(choice: "yes"),
                                                     "q2.r5": AnswerInput(choice: "exists")], submit: true, by: respondent, on: app.db)
            _ = try await MappingService.saveAnswers(responseID: try workshop.requireID(), answers: ["q3": AnswerInput(choice: "partly")],
                                                     submit: true, by: strategist, on: app.db)

            let api = try await APIClient.signedIn(app, "politiker0180@test.se")
            let response = try await api.send(.GET, "/api/v1/mappings/\(try now.requireID())/results")
            #expect(response.status == .ok)
            let results = try response.decoded(API.ResultsOut.self)
            #expect(results.previousMappingId == before.id)
            let q1 = try #require(results.items.first { $0.itemKey == "q1" })
            #expect(q1.overall.percentages == ["yes": 50, "partly": 0, "no": 0, "unknown": 0, "unanswered": 50])
            #expect(q1.change?.choice == "yes")
            #expect(q1.change?.percentagePoints == 50)
            #expect(q1.change?.previousPercent == 0)
            let r5 = try #require(results.items.first { $0.itemKey == "q2.r5" })
            #expect(r5.change?.choice == "exists")
            #expect(r5.change?.percentagePoints == 50)
            let older = try await api.send(.GET, "/api/v1/mappings/\(try before.requireID())/results").decoded(API.ResultsOut.self)
            #expect(older.previousMappingId == nil)
            #expect(older.items.allSatisfy { $0.change == nil })
        }
    }

    @Test("Answers and bodies that do not fit are refused with the field named, and nothing is saved")
    func validation() async throws {
        try await withSynlig { app in
            let world = try await MappingWorld.make(app)
            let (mapping, invited, _) = try await makeOpenMapping(app, world)
            let path = "/api/v1/mappings/\(try mapping.requireID())/responses/\(try invited.requireID())/answers"
            var respondent = try await APIClient.signedIn(app, world.respondent.email)

            let unknownItem = try await respondent.send(.PUT, path, json: #"{"answers":{"q99":{"choice":"yes"},"q1":{"choice":"yes"}},"submit":true}"#)
            #expect(unknownItem.status == .unprocessableEntity)
            #expect(unknownItem.fieldProblems == ["q99": "Okänd fråga."])
            let badChoice = try await respondent.send(.PUT, path, json: #"{"answers":{"q1":{"choice":"maybe"},"q2.r1":{"choice":"yes"},"q7":{"choice":"no"}}}"#)
            #expect(badChoice.status == .unprocessableEntity)
            #expect(badChoice.fieldProblems == ["q1": "Svaret passar inte frågan.", "q2.r1": "Svaret passar inte frågan.", "q7": "Svaret passar inte frågan."])
            let tooLong = try await respondent.send(.PUT, path, json: json(["answers": ["q7": ["text": String(repeating: "å", count: 4001)]]]))
            #expect(tooLong.status == .unprocessableEntity)
            #expect(tooLong.fieldProblems["q7"] == "Texten är för lång.")

            let unknownField = try await respondent.send(.PUT, path, json: #"{"answers":{"q1":{"choice":"yes"}},"submit":true,"colour":"red"}"#)
            #expect(unknownField.status == .badRequest)
            #expect(unknownField.problem?.detail == "Okända fält: colour.")
            let unknownNested = try await respondent.send(.PUT, path, json: #"{"answers":{"q1":{"choice":"yes","comment":"x"}}}"#)
            #expect(unknownNested.status == .badRequest)
            #expect(unknownNested.problem?.detail == "Okända fält: answers.q1.comment.")
            let wrongType = try await respondent.send(.PUT, path, json: #"{"answers":{"q1":"yes"}}"#)
            #expect(wrongType.status == .badRequest)
            #expect(wrongType.problem?.detail.contains("answers") == true)
            let missing = try await respondent.send(.PUT, path, json: #"{"submit":true}"#)
            #expect(missing.status == .badRequest)
            #expect(missing.problem?.detail == "Fältet answers saknas eller har fel typ.")
            respondent.language = "en"
            let english = try await respondent.send(.PUT, path, json: #"{"answers":{"q99":{"choice":"yes"}}}"#)
            #expect(english.status == .unprocessableEntity)
            #expect(english.problem?.errors?.first?.field == "q99")
            #expect(try await MappingAnswer.query(on: app.db).count() == 0)
            #expect(try await MappingResponse.find(invited.id, on: app.db)?.status == .draft)

            // A sheet of one mapping is not found under another mapping's id.
            let (second, _, _) = try await makeOpenMapping(app, world, title: "Andra", start: "2027-01-01", end: "2027-02-01")
            let mixed = "/api/v1/mappings/\(try second.requireID())/responses/\(try invited.requireID())"
            respondent.language = nil
            #expect(try await respondent.send(.GET, mixed).status == .notFound)
            #expect(try await respondent.send(.PUT, mixed + "/answers", json: #"{"answers":{"q1":{"choice":"yes"}}}"#).status == .notFound)
            #expect(try await respondent.send(.GET, "/api/v1/mappings/\(try mapping.requireID())/responses/not-a-uuid").status == .notFound)

            // Starting a mapping: the problems are named by the JSON fields.
            let strategist = try await APIClient.signedIn(app, world.strategist.email)
            let invalid = try await strategist.send(.POST, "/api/v1/mappings", json: json([
                "title": "", "periodStart": "2026-13-01", "periodEnd": "2026-01-01", "scope": "units",
            ]))
            #expect(invalid.status == .unprocessableEntity)
            #expect(invalid.fieldProblems == ["title": "Fältet måste fyllas i.", "periodStart": "Ange ett datum som ÅÅÅÅ-MM-DD.",
                                              "unitIds": "Välj minst en verksamhet."])
            let extra = try await strategist.send(.POST, "/api/v1/mappings", json: json([
                "title": "X", "periodStart": "2026-01-01", "periodEnd": "2026-02-01", "scope": "organisation", "units": [],
            ]))
            #expect(extra.status == .badRequest)
            #expect(extra.problem?.detail == "Okända fält: units.")
            let badID = try await strategist.send(.POST, "/api/v1/mappings", json: json([
                "title": "X", "periodStart": "2026-01-01", "periodEnd": "2026-02-01", "scope": "units", "unitIds": ["not-a-uuid"],
            ]))
            #expect(badID.status == .badRequest)
            #expect(badID.problem?.detail.contains("unitIds") == true)
            let badStatus = try await strategist.send(.POST, "/api/v1/mappings/\(try mapping.requireID())/status", json: #"{"status":"archived"}"#)
            #expect(badStatus.status == .unprocessableEntity)
            #expect(badStatus.fieldProblems["status"] != nil)
            let backToDraft = try await strategist.send(.POST, "/api/v1/mappings/\(try mapping.requireID())/status", json: #"{"status":"draft"}"#)
            #expect(backToDraft.status == .conflict)
            #expect(backToDraft.problem?.detail == "Kartläggningen kan inte byta till den statusen.")
            let workshopWithoutParticipants = try await strategist.send(.POST, "/api/v1/mappings/\(try mapping.requireID())/responses",
                                                                       json: json(["kind": "workshop", "unitId": try world.homeCare.requireID().uuidString]))
            #expect(workshopWithoutParticipants.status == .unprocessableEntity)
            #expect(workshopWithoutParticipants.fieldProblems["participants"] != nil)
            let unitOutOfScope = try await strategist.send(.POST, "/api/v1/mappings/\(try mapping.requireID())/responses",
                                                          json: json(["kind": "individual", "unitId": UUID().uuidString]))
            #expect(unitOutOfScope.fieldProblems["unitId"] == "Välj en av kartläggningens verksamheter.")
            #expect(try await strategist.send(.PUT, "/api/v1/mappings/\(try mapping.requireID())/reflections/nowhere",
                                              json: #"{"text":"x"}"#).status == .notFound)
            #expect(try await Mapping.query(on: app.db).count() == 2)
            #expect(try await MappingResponse.query(on: app.db).count() == 4)
        }
    }

    @Test("Another organisation's ids are not found on every endpoint that takes one, and its records are not listed")
    func otherOrganisationIsNotFound() async throws {
        try await withSynlig { app in
            let world = try await MappingWorld.make(app)
            let (mapping, invited, _) = try await makeOpenMapping(app, world)
            let strategistUser = try await world.strategistUser(app)
            let official = try #require(try await QuestionBank.query(on: app.db).filter(\.$isOfficial == true).first())
            let ownBank = try QuestionBank(organisationID: try world.organisation.requireID(), title: "Vår version", isOfficial: false,
                                           basedOnID: official.id, content: try official.content)
            try await ownBank.create(on: app.db)
            try await MappingService.saveReflection(mappingID: try mapping.requireID(), areaKey: "leadership", text: "Vår reflektion",
                                                    by: strategistUser, on: app.db)
            let goal = try await PlanningService.createGoal(GoalInput(
                title: "Mål", description: nil, unitID: nil, targetDate: "2027-01-01", ownerUserID: nil, followUpMonths: "3",
                itemKeys: ["q1"], sourceMappingID: nil, status: nil, version: nil), by: strategistUser, on: app.db)
            let action = try await PlanningService.addAction(to: try goal.requireID(), ActionInput(
                title: "Åtgärd", description: nil, ownerUserID: try world.strategist.requireID().uuidString, dueDate: "2026-12-01",
                status: nil, version: nil), by: strategistUser, on: app.db)
            try await RoutineCatalogue.set(unitID: try world.homeCare.requireID(), routineKey: "q2.r5", state: .planned, source: "manual",
                                           reference: nil, organisationID: try world.organisation.requireID(), by: strategistUser.id, on: app.db)

            let other = try await MappingWorld.make(app, code: "0202")
            let outsider = try await APIClient.signedIn(app, other.strategist.email)
            let m = "/api/v1/mappings/\(try mapping.requireID())"
            let r = m + "/responses/\(try invited.requireID())"
            let g = "/api/v1/goals/\(try goal.requireID())"
            let otherUnit = try other.homeCare.requireID().uuidString
            let otherUser = try other.strategist.requireID().uuidString
            let calls: [(HTTPMethod, String, String?)] = [
                (.GET, "/api/v1/question-banks/\(try ownBank.requireID())", nil),
                (.GET, m, nil),
                (.POST, m + "/status", #"{"status":"closed"}"#),
                (.GET, m + "/responses", nil),
                (.POST, m + "/responses", json(["kind": "individual", "respondentUserId": otherUser])),
                (.GET, r, nil),
                (.PUT, r + "/answers", #"{"answers":{"q1":{"choice":"yes"}},"submit":true}"#),
                (.PUT, m + "/reflections/leadership", #"{"text":"Inbrott"}"#),
                (.GET, m + "/results", nil),
                (.GET, m + "/gaps", nil),
                (.GET, g, nil),
                (.POST, g + "/status", #"{"status":"dropped","version":1}"#),
                (.POST, g + "/actions", json(["title": "Inbrott", "ownerUserId": otherUser, "dueDate": "2026-12-01"])),
                (.POST, g + "/follow-ups", json(["date": "2026-11-01", "progress": "onTrack", "note": "Inbrott"])),
                (.PUT, "/api/v1/actions/\(try action.requireID())", #"{"status":"done","version":1}"#),
            ]
            for (method, path, body) in calls {
                let response = try await outsider.send(method, path, json: body)
                #expect(response.status == .notFound, "\(method) \(path)")
                #expect(response.problem?.status == 404, "\(method) \(path)")
            }
            // Our mapping named as the source of their goal is refused as a field, the same as an id that does not exist.
            let copy = try await outsider.send(.POST, "/api/v1/goals", json: json(["title": "Kopia", "targetDate": "2027-01-01",
                                                                                     "sourceMappingId": try mapping.requireID().uuidString]))
            #expect(copy.status == .unprocessableEntity)
            #expect(copy.problem?.errors?.map(\.field) == ["sourceMappingId"])
            // Their own unit in our goal's place is refused as a field, not accepted.
            let foreignUnit = try await APIClient.signedIn(app, world.strategist.email).send(.POST, "/api/v1/goals", json: json([
                "title": "Fel enhet", "targetDate": "2027-01-01", "unitId": otherUnit,
            ]))
            #expect(foreignUnit.status == .unprocessableEntity)
            #expect(foreignUnit.fieldProblems["unitId"] != nil)

            #expect(try await outsider.send(.GET, "/api/v1/mappings").decoded([API.MappingSummary].self).isEmpty)
            #expect(try await outsider.send(.GET, "/api/v1/goals").decoded([API.GoalSummary].self).isEmpty)
            #expect(try await outsider.send(.GET, "/api/v1/routine-statuses").decoded([API.RoutineStatusOut].self).isEmpty)
            #expect(try await outsider.send(.GET, "/api/v1/question-banks").decoded([API.QuestionBankSummary].self).map(\.isOfficial) == [true])
            let ours = try await APIClient.signedIn(app, world.strategist.email)
            #expect(try await ours.send(.GET, "/api/v1/routine-statuses").decoded([API.RoutineStatusOut].self).map(\.routineKey) == ["q2.r5"])
            #expect(Set(try await ours.send(.GET, "/api/v1/question-banks").decoded([API.QuestionBankSummary].self).map(\.title))
                    == [official.title, "Vår version"])

            // Nothing of ours changed.
            #expect(try await Mapping.find(mapping.id, on: app.db)?.status == .open)
            #expect(try await MappingAnswer.query(on: app.db).count() == 0)
            #expect(try await AreaReflection.query(on: app.db).first()?.text == "Vår reflektion")
            #expect(try await Goal.query(on: app.db).count() == 1)
            #expect(try await Goal.find(goal.id, on: app.db)?.status == .active)
            #expect(try await PlanAction.query(on: app.db).count() == 1)
            #expect(try await PlanAction.find(action.id, on: app.db)?.status == .planned)
            #expect(try await PlanFollowUp.query(on: app.db).count() == 0)
            #expect(try await MappingResponse.query(on: app.db).count() == 2)
        }
    }

    @Test("Staff may not read the organisation's mappings and plan; viewers read but may not manage")
    func roles() async throws {
        try await withSynlig { app in
            let world = try await MappingWorld.make(app)
            let (mapping, invited, workshop) = try await makeOpenMapping(app, world)
            let strategistUser = try await world.strategistUser(app)
            let goal = try await PlanningService.createGoal(GoalInput(
                title: "Mål", description: nil, unitID: nil, targetDate: "2027-01-01", ownerUserID: nil, followUpMonths: "3",
                itemKeys: [], sourceMappingID: nil, status: nil, version: nil), by: strategistUser, on: app.db)
            let action = try await PlanningService.addAction(to: try goal.requireID(), ActionInput(
                title: "Åtgärd", description: nil, ownerUserID: try world.strategist.requireID().uuidString, dueDate: "2026-12-01",
                status: nil, version: nil), by: strategistUser, on: app.db)
            let m = "/api/v1/mappings/\(try mapping.requireID())"
            let g = "/api/v1/goals/\(try goal.requireID())"

            let staff = try await APIClient.signedIn(app, world.respondent.email)
            for path in ["/api/v1/mappings", m, m + "/responses", m + "/results", m + "/gaps", "/api/v1/goals", g, "/api/v1/routine-statuses",
                         m + "/responses/\(try workshop.requireID())"] {
                let response = try await staff.send(.GET, path)
                #expect(response.status == .forbidden, "GET \(path)")
                #expect(response.problem?.detail == "Din roll ger inte tillgång till det här.", "GET \(path)")
            }
            // Their own sheet and the questions are open to them.
            #expect(try await staff.send(.GET, m + "/responses/\(try invited.requireID())").status == .ok)
            #expect(try await staff.send(.GET, "/api/v1/question-banks").status == .ok)
            #expect(try await staff.send(.PUT, m + "/responses/\(try workshop.requireID())/answers",
                                         json: #"{"answers":{"q1":{"choice":"yes"}}}"#).status == .forbidden)

            let viewer = try await APIClient.signedIn(app, "politiker0180@test.se")
            for path in ["/api/v1/mappings", m, m + "/responses", m + "/results", m + "/gaps", "/api/v1/goals", g, "/api/v1/routine-statuses",
                         m + "/responses/\(try invited.requireID())"] {
                #expect(try await viewer.send(.GET, path).status == .ok, "GET \(path)")
            }
            let viewerID = try #require(try await User.query(on: app.db).filter(\.$email == "politiker0180@test.se").first()?.requireID())
            let calls: [(HTTPMethod, String, String)] = [
                (.POST, "/api/v1/mappings", json(["title": "X", "periodStart": "2026-01-01", "periodEnd": "2026-02-01", "scope": "organisation"])),
                (.POST, m + "/status", #"{"status":"closed"}"#),
                (.POST, m + "/responses", json(["kind": "individual", "respondentUserId": viewerID.uuidString,
                                               "unitId": try world.homeCare.requireID().uuidString])),
                (.PUT, m + "/reflections/leadership", #"{"text":"x"}"#),
                (.PUT, m + "/responses/\(try workshop.requireID())/answers", #"{"answers":{"q1":{"choice":"yes"}}}"#),
                (.POST, "/api/v1/goals", json(["title": "X", "targetDate": "2027-01-01"])),
                (.POST, g + "/status", #"{"status":"dropped","version":1}"#),
                (.POST, g + "/actions", json(["title": "X", "ownerUserId": viewerID.uuidString, "dueDate": "2026-12-01"])),
                (.PUT, "/api/v1/actions/\(try action.requireID())", #"{"status":"done","version":1}"#),
                (.POST, g + "/follow-ups", json(["date": "2026-11-01", "progress": "onTrack", "note": "x"])),
            ]
            for (method, path, body) in calls {
                #expect(try await viewer.send(method, path, json: body).status == .forbidden, "\(method) \(path)")
            }
            #expect(try await APIClient(app: app).send(.GET, "/api/v1/mappings").status == .unauthorized)
            #expect(try await Mapping.query(on: app.db).count() == 1)
            #expect(try await Mapping.find(mapping.id, on: app.db)?.status == .open)
            #expect(try await MappingResponse.query(on: app.db).count() == 2)
            #expect(try await Goal.query(on: app.db).count() == 1)
            #expect(try await PlanAction.find(action.id, on: app.db)?.status == .planned)
            #expect(try await PlanFollowUp.query(on: app.db).count() == 0)
        }
    }
}
