import Foundation
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

/// The register's measures beside the self-assessment's routines, on known answers.
@Suite("Self-assessment beside measured practice")
struct PracticeMeasureTests {
    @Test("Shares of caregivers with a conversation, a follow-up or support in the year; a small unit is not shown")
    func arithmetic() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let tests = StatisticsTests()
            try await tests.register(app, world)
            let caregivers = try await Caregiver.query(on: app.db).sort(\.$name).all()
            // Five of 2025's women have a conversation in 2026; one of them twice.
            for (index, caregiver) in caregivers.filter({ $0.name.hasPrefix("Statistikperson K") }).prefix(5).enumerated() {
                for day in index == 0 ? ["2026-02-01", "2026-05-01"] : ["2026-03-01"] {
                    _ = try await FollowUpService.addConversation(caregiverID: try caregiver.requireID(),
                                                                  ConversationInput(heldOn: day, helpToCare: "Samtal om läget"),
                                                                  by: world.consultant, on: app.db, today: try #require(CalendarDate(day)))
                }
            }
            let organisationID = try world.organisation.requireID()
            let year = try await PracticeMeasures.load(organisationID: organisationID, year: 2026, on: app.db)
            let asked = year.value(.experienceAsked, unit: nil)
            #expect(asked.done == .count(5) && asked.of == .count(20))
            #expect(asked.share.map { abs($0 - 0.25) < 0.0001 } == true)
            #expect(year.value(.followedUp, unit: nil).done == .count(5))
            #expect(year.value(.voluntarinessFollowedUp, unit: nil).done == .count(0))
            // Unit B has three caregivers: too few to show a share of.
            let small = year.value(.experienceAsked, unit: try world.unitB.requireID())
            #expect(small.done == nil && small.of == .suppressed(.belowThreshold))
            // In 2025 nobody had a conversation yet, of the 12 known then.
            let earlier = try await PracticeMeasures.load(organisationID: organisationID, year: 2025, on: app.db)
            #expect(earlier.value(.experienceAsked, unit: nil).done == .count(0))
            #expect(earlier.value(.experienceAsked, unit: nil).of == .count(12))
            // Each measure names the routine it stands beside.
            #expect(PracticeIndicator.measuring("q2.r8") == [.voluntarinessFollowedUp])
            #expect(PracticeIndicator.measuring("q14") == [.civilSocietySupport])

            // The mapping's results in the API carry the same measures beside the routine, for the
            // organisation and each unit in scope.
            let strategist = try await APIClient.signedIn(app, world.strategist.email)
            let (unitA, unitB) = (try world.unitA.requireID(), try world.unitB.requireID())
            let created = try await strategist.send(.POST, "/api/v1/mappings", json: json([
                "title": "Året 2026", "periodStart": "2026-01-01", "periodEnd": "2026-12-31", "scope": "units",
                "unitIds": [unitA.uuidString, unitB.uuidString],
            ]))
            let mapping = try created.decoded(API.MappingOut.self)
            let results = try await strategist.send(.GET, "/api/v1/mappings/\(mapping.id)/results").decoded(API.ResultsOut.self)
            let routine = try #require(results.items.first { $0.itemKey == "q2.r6" })
            let measured = try #require(routine.practice.first)
            #expect(routine.practice.count == 1 && measured.indicator == .experienceAsked && measured.year == 2026)
            #expect(measured.overall.done?.count == 5 && measured.overall.of.count == 20 && measured.overall.unitId == nil)
            let smallUnit = try #require(measured.units.first { $0.unitId == unitB })
            #expect(smallUnit.done == nil && smallUnit.of.count == nil && smallUnit.share == nil)
            #expect(results.items.first { $0.itemKey == "q1" }?.practice.isEmpty == true)
        }
    }

    @Test("A goal followed by a measure: chosen on the form, shown year by year on its page and in the API")
    func goalIndicator() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            try await StatisticsTests().register(app, world)
            let strategist = Browser(app)
            try await strategist.signIn(world.strategist.email)
            let form = try await strategist.get("/plan/goals/new")
            // The form starts at "no measure": an untouched select sends its first option.
            #expect(form.body.string.contains(#"<option value="" selected>Inget mått</option>"#))
            let untouched = try await strategist.post("/plan/goals", form: [
                ("title", "Fler anhöriga följs upp"), ("targetDate", "2027-12-31"), ("followUpMonths", "3"), ("indicator", ""),
            ])
            #expect(untouched.status == .seeOther)
            #expect(try await Goal.query(on: app.db).first()?.indicator == nil)
            let refused = try await strategist.post("/plan/goals", form: [
                ("title", "Ett mått som inte finns"), ("targetDate", "2027-12-31"), ("followUpMonths", "3"), ("indicator", "happiness"),
            ])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("Välj ett av måtten i listan."))
            let created = try await strategist.post("/plan/goals", form: [
                ("title", "Samtal med fler anhöriga"), ("targetDate", "2027-12-31"), ("followUpMonths", "3"),
                ("indicator", PracticeIndicator.experienceAsked.rawValue),
            ])
            #expect(created.status == .seeOther)
            let goal = try #require(try await Goal.query(on: app.db).all().first { $0.indicator == PracticeIndicator.experienceAsked.rawValue })
            let page = try await strategist.get(SiteURL.goal(try goal.requireID()).path).body.string
            #expect(page.contains("Anhöriga som haft samtal om sin situation under året"))
            let year = CalendarDate.today().year
            #expect(page.contains("<th scope=\"row\">\(year)</th>"))
            #expect(page.contains("<th scope=\"row\">\(year - 2)</th>"))

            let api = try await APIClient.signedIn(app, world.strategist.email)
            let body = try await api.send(.GET, "/api/v1/goals/\(try goal.requireID())")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(body.body.string.utf8)) as? [String: Any])
            #expect(json["indicator"] as? String == "experienceAsked")
            #expect((json["measured"] as? [[String: Any]])?.compactMap { $0["year"] as? Int } == [year - 2, year - 1, year])
            let bad = try await api.send(.POST, "/api/v1/goals", json: #"{"title":"Fel mått","targetDate":"2027-12-31","indicator":"happiness"}"#)
            #expect(bad.status == .unprocessableEntity)
        }
    }
}
