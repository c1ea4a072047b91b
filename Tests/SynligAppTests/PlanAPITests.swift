import Fluent
import Foundation
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

@Suite("Development plan JSON API")
struct PlanAPITests {
    @Test("A plan through the API: a goal from a gap, an action its owner moves, stale versions refused, follow-ups scheduled")
    func planThroughAPI() async throws {
        try await withSynlig { app in
            let world = try await MappingWorld.make(app)
            let (mapping, invited, _) = try await makeOpenMapping(app, world)
            let respondentUser = try await currentUser(app, world.respondent)
            _ = try await MappingService.saveAnswers(responseID: try invited.requireID(), answers: [
                "q1": AnswerInput(choice: "no"), "q2.r5": AnswerInput(choice: "missing", text: "Saknas"),
            ], submit: true, by: respondentUser, on: app.db)
            _ = try await MappingService.changeStatus(try mapping.requireID(), to: .closed, by: try await world.strategistUser(app), on: app.db)
            let homeCare = try world.homeCare.requireID()
            let strategist = try await APIClient.signedIn(app, world.strategist.email)
            let owner = try await APIClient.signedIn(app, world.respondent.email)

            let gaps = try await strategist.send(.GET, "/api/v1/mappings/\(try mapping.requireID())/gaps").decoded([API.GapOut].self)
            let gap = try #require(gaps.first { $0.itemKey == "q2.r5" })
            #expect(gap.unitId == homeCare)

            let invalid = try await strategist.send(.POST, "/api/v1/goals", json: json([
                "title": "", "targetDate": "2027-02-30", "followUpMonths": 99,
            ]))
            #expect(invalid.status == .unprocessableEntity)
            #expect(Set(invalid.fieldProblems.keys) == ["title", "targetDate", "followUpMonths"])
            #expect(invalid.fieldProblems["followUpMonths"] == "Ange ett antal månader mellan 0 och 24.")
            let unknown = try await strategist.send(.POST, "/api/v1/goals", json: json(["title": "X", "targetDate": "2027-01-01", "links": ["q1"]]))
            #expect(unknown.status == .badRequest)
            #expect(unknown.problem?.detail == "Okända fält: links.")

            let created = try await strategist.send(.POST, "/api/v1/goals", json: json([
                "title": "Rutin för att inte engagera anhöriga där det är olämpligt", "description": "Ta fram rutinen",
                "unitId": homeCare.uuidString, "targetDate": "2027-06-30", "followUpMonths": 3,
                "itemKeys": [gap.itemKey], "sourceMappingId": try mapping.requireID().uuidString,
            ]))
            #expect(created.status == .created)
            #expect(created.eTag == "\"1\"")
            let goal = try created.decoded(API.GoalOut.self)
            #expect(goal.itemKeys == ["q2.r5"])
            #expect(goal.unitId == homeCare)
            #expect(goal.ownerUserId == world.strategist.id)
            #expect(goal.sourceMappingId == mapping.id)
            #expect(goal.nextFollowUp == CalendarDate.today().addingMonths(3).iso)
            let g = "/api/v1/goals/\(goal.id)"

            let added = try await strategist.send(.POST, g + "/actions", json: json([
                "title": "Skriv rutinen", "ownerUserId": try world.respondent.requireID().uuidString, "dueDate": "2026-01-15",
            ]))
            #expect(added.status == .created)
            #expect(added.eTag == "\"1\"")
            let action = try added.decoded(API.ActionOut.self)
            #expect(action.status == .planned)
            let a = "/api/v1/actions/\(action.id)"

            // The owner moves the status; their title is not theirs to change.
            let started = try await owner.send(.PUT, a, json: #"{"status":"inProgress","version":1,"title":"Annan titel"}"#)
            #expect(started.status == .ok)
            #expect(started.eTag == "\"2\"")
            let afterStart = try started.decoded(API.ActionOut.self)
            #expect(afterStart.status == .inProgress)
            #expect(afterStart.title == "Skriv rutinen")
            let stale = try await owner.send(.PUT, a, json: #"{"status":"done","version":1}"#)
            #expect(stale.status == .conflict)
            #expect(stale.problem?.detail.contains("Någon annan har ändrat posten") == true)
            let badStatus = try await owner.send(.PUT, a, json: #"{"status":"finished","version":2}"#)
            #expect(badStatus.status == .unprocessableEntity)
            #expect(badStatus.fieldProblems["status"] == "Välj en status i listan.")
            let done = try await owner.send(.PUT, a, json: #"{"status":"done","version":2,"dueDate":"2026-02-01"}"#)
            #expect(done.status == .ok)
            let afterDone = try done.decoded(API.ActionOut.self)
            #expect(afterDone.status == .done && afterDone.version == 3 && afterDone.dueDate == "2026-02-01")
            let routines = try await strategist.send(.GET, "/api/v1/routine-statuses").decoded([API.RoutineStatusOut].self)
            #expect(routines.contains { $0.unitId == homeCare && $0.routineKey == "q2.r5" && $0.state == .exists && $0.source == "action" })
            // A manager renames it.
            let renamed = try await strategist.send(.PUT, a, json: #"{"status":"done","version":3,"title":"Rutinen skriven"}"#)
            #expect(try renamed.decoded(API.ActionOut.self).title == "Rutinen skriven")

            // A follow-up moves the next one forward from its date.
            let followUp = try await strategist.send(.POST, g + "/follow-ups", json: json([
                "date": "2026-12-01", "progress": "onTrack", "note": "Rutinen är skriven", "actionId": action.id.uuidString,
            ]))
            #expect(followUp.status == .created)
            #expect(try followUp.decoded(API.FollowUpOut.self).actionId == action.id)
            let badFollowUp = try await strategist.send(.POST, g + "/follow-ups", json: json(["date": "i morgon", "progress": "fine", "note": ""]))
            #expect(badFollowUp.status == .unprocessableEntity)
            #expect(Set(badFollowUp.fieldProblems.keys) == ["date", "progress", "note"])
            let shown = try await strategist.send(.GET, g)
            #expect(shown.eTag == "\"2\"")
            let reloaded = try shown.decoded(API.GoalOut.self)
            #expect(reloaded.nextFollowUp == "2027-03-01")
            #expect(reloaded.followUps.map(\.note) == ["Rutinen är skriven"])
            #expect(reloaded.actions.map(\.title) == ["Rutinen skriven"])
            #expect(reloaded.version == 2)

            // The goal's status with a stale version, then the current one.
            let staleGoal = try await strategist.send(.POST, g + "/status", json: #"{"status":"achieved","version":1}"#)
            #expect(staleGoal.status == .conflict)
            let achieved = try await strategist.send(.POST, g + "/status", json: #"{"status":"achieved","version":2}"#)
            #expect(achieved.status == .ok)
            #expect(achieved.eTag == "\"3\"")
            let final = try achieved.decoded(API.GoalOut.self)
            #expect(final.status == .achieved)
            #expect(final.nextFollowUp == nil)
            let list = try await strategist.send(.GET, "/api/v1/goals").decoded([API.GoalSummary].self)
            #expect(list.map(\.id) == [goal.id])
            #expect(list.first?.status == .achieved)
        }
    }
}
