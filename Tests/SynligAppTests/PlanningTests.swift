import Fluent
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

@Suite("Development plan")
struct PlanningTests {
    /// A closed mapping where home care answered no to question 1 and marked routine 5 missing.
    func closedMappingWithGaps(_ app: Application, _ world: MappingWorld) async throws -> Mapping {
        let (mapping, invited, _) = try await makeOpenMapping(app, world)
        let respondent = try await currentUser(app, world.respondent)
        _ = try await MappingService.saveAnswers(responseID: try invited.requireID(), answers: [
            "q1": AnswerInput(choice: "no", text: nil), "q1.no": AnswerInput(choice: nil, text: "Ingen ansvarig"),
            "q2.r5": AnswerInput(choice: "missing", text: nil), "q2.r1": AnswerInput(choice: "exists", text: "Rutin 2024:3"),
        ], submit: true, by: respondent, on: app.db)
        _ = try await MappingService.changeStatus(try mapping.requireID(), to: .closed, by: try await world.strategistUser(app), on: app.db)
        return mapping
    }

    @Test("From a gap to a goal in one step, with actions, follow-ups, the overview and the worklist")
    func gapToFollowedUpPlan() async throws {
        try await withSynlig { app in
            let world = try await MappingWorld.make(app)
            let mapping = try await closedMappingWithGaps(app, world)
            let browser = Browser(app)
            try await browser.signIn(world.strategist.email)

            // The overview lists the gaps that have no goal yet.
            let overview = try await browser.get("/plan")
            #expect(overview.status == .ok)
            #expect(overview.body.string.contains("Uttrycks målsättningar med ett anhörigperspektiv"))
            let unitID = try world.homeCare.requireID()
            let createHref = GoalPages.newGoalHref(mappingID: mapping.id, itemKey: "q2.r5", unitID: unitID)
            #expect(overview.body.string.contains(createHref.replacingOccurrences(of: "&", with: "&amp;")))

            let form = try await browser.get(createHref)
            #expect(form.status == .ok)
            #expect(form.body.string.contains(#"value="q2.r5" checked"#))
            let created = try await browser.post("/plan/goals", form: [
                ("title", "Rutin för att inte engagera anhöriga där det är olämpligt"), ("description", "Ta fram rutinen"),
                ("unit", unitID.uuidString), ("targetDate", "2027-06-30"), ("owner", try world.strategist.requireID().uuidString),
                ("followUpMonths", "3"), ("links[]", "q2.r5"), ("mapping", try mapping.requireID().uuidString),
            ])
            #expect(created.status == .seeOther)
            let goal = try #require(try await Goal.query(on: app.db).first())
            let goalPath = try #require(created.headers.first(name: .location))
            #expect(goal.nextFollowUp == CalendarDate.today().addingMonths(3).iso)
            #expect(goal.sourceMappingID == mapping.id)

            // The gap is no longer listed as without a goal.
            let after = try await browser.get("/plan")
            #expect(!after.body.string.contains(createHref.replacingOccurrences(of: "&", with: "&amp;")))

            // An action for the respondent, overdue.
            try await browser.get(goalPath)
            let action = try await browser.post(goalPath + "/actions", form: [
                ("actionTitle", "Skriv rutinen"), ("actionOwner", try world.respondent.requireID().uuidString), ("dueDate", "2026-01-15"),
            ])
            #expect(action.status == .seeOther)
            let overdue = try await browser.get("/plan")
            #expect(overdue.body.string.contains("Skriv rutinen"))
            #expect(overdue.body.string.contains("Försenade åtgärder"))

            // The owner sees it on the start page and marks it done; the routine now exists in the unit.
            let owner = Browser(app)
            try await owner.signIn(world.respondent.email)
            let home = try await owner.get("/")
            #expect(home.body.string.contains("Åtgärd: Skriv rutinen"))
            let planAction = try #require(try await PlanAction.query(on: app.db).first())
            try await owner.get("/")
            let done = try await owner.post(SiteURL.action(try planAction.requireID()).path, form: [("actionStatus", "done"), ("version", "1")])
            #expect(done.status == .seeOther)
            let stale = try await owner.post(SiteURL.action(try planAction.requireID()).path, form: [("actionStatus", "stopped"), ("version", "1")])
            #expect(stale.status == .conflict)
            let routine = try #require(try await RoutineStatus.query(on: app.db).filter(\.$unitID == unitID).filter(\.$routineKey == "q2.r5").first())
            #expect(routine.state == .exists)
            #expect(routine.source == "action")

            // A follow-up moves the next one forward by the interval.
            let followUp = try await browser.post(goalPath + "/follow-ups", form: [("followUpDate", "2026-12-01"), ("progress", "onTrack"), ("note", "Rutinen är skriven")])
            #expect(followUp.status == .seeOther)
            let reloaded = try #require(try await Goal.find(goal.id, on: app.db))
            #expect(reloaded.nextFollowUp == "2027-03-01")
            let page = try await browser.get(goalPath)
            #expect(page.body.string.contains("Rutinen är skriven"))

            // The report shows the goal and its action.
            let report = try await browser.get(SiteURL.mappingReport(try mapping.requireID()).path)
            #expect(report.body.string.contains("Rutin för att inte engagera anhöriga där det är olämpligt"))
            #expect(report.body.string.contains("Skriv rutinen"))

            // Every change is in the audit trail.
            let actions = Set(try await AuditEvent.query(on: app.db).all().map(\.action))
            #expect(actions.isSuperset(of: ["goal.create", "action.create", "action.update", "follow_up.create", "mapping.close"]))
        }
    }

    @Test("Closing a mapping fills the routine catalogue; the most cautious answer of a unit wins")
    func routineCatalogueFromMapping() async throws {
        try await withSynlig { app in
            let world = try await MappingWorld.make(app)
            _ = try await closedMappingWithGaps(app, world)
            let unitID = try world.homeCare.requireID()
            let statuses = try await RoutineStatus.query(on: app.db).filter(\.$unitID == unitID).all()
            #expect(Dictionary(uniqueKeysWithValues: statuses.map { ($0.routineKey, $0.state) }) == ["q2.r1": .exists, "q2.r5": .missing])
            #expect(statuses.first { $0.routineKey == "q2.r1" }?.reference == "Rutin 2024:3")

            let browser = Browser(app)
            try await browser.signIn(world.strategist.email)
            let page = try await browser.get("/plan/routines")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("state-missing"))
            let marked = try await browser.post("/plan/routines", form: [("unit", unitID.uuidString), ("routine", "q2.r5"), ("state", "planned")])
            #expect(marked.status == .seeOther)
            #expect(try await RoutineStatus.query(on: app.db).filter(\.$routineKey == "q2.r5").first()?.state == .planned)
            let bad = try await browser.post("/plan/routines", form: [("unit", unitID.uuidString), ("routine", "q1"), ("state", "planned")])
            #expect(bad.status == .unprocessableEntity)
        }
    }

    @Test("Bad plan input gets a clear message and nothing is saved; others are refused")
    func validationAndRoles() async throws {
        try await withSynlig { app in
            let world = try await MappingWorld.make(app)
            let browser = Browser(app)
            try await browser.signIn(world.strategist.email)
            try await browser.get("/plan/goals/new")
            let invalid = try await browser.post("/plan/goals", form: [("title", ""), ("targetDate", "2027-02-30"), ("followUpMonths", "99")])
            #expect(invalid.status == .unprocessableEntity)
            #expect(invalid.body.string.contains("Ange ett datum som ÅÅÅÅ-MM-DD."))
            #expect(invalid.body.string.contains("mellan 0 och 24"))
            #expect(try await Goal.query(on: app.db).count() == 0)

            let staff = Browser(app)
            try await staff.signIn(world.respondent.email)
            #expect(try await staff.get("/plan").status == .forbidden)
            #expect(try await staff.get("/plan/goals/new").status == .forbidden)

            let viewer = Browser(app)
            try await viewer.signIn("politiker0180@test.se")
            #expect(try await viewer.get("/plan").status == .ok)
            #expect(try await viewer.get("/plan/goals/new").status == .forbidden)

            let goal = try await PlanningService.createGoal(GoalInput(title: "Mål", description: nil, unitID: nil, targetDate: "2027-01-01",
                                                                      ownerUserID: nil, followUpMonths: "0", itemKeys: [], sourceMappingID: nil,
                                                                      status: nil, version: nil),
                                                            by: try await world.strategistUser(app), on: app.db)
            let goalPath = SiteURL.goal(try goal.requireID()).path
            #expect(try await staff.get(goalPath).status == .forbidden, "staff read no plan of their own accord")
            // Given an action, they reach the goal from their start page and may update what is theirs.
            _ = try await PlanningService.addAction(to: try goal.requireID(), ActionInput(
                title: "Skriv rutinen för hemtjänsten", ownerUserID: try world.respondent.requireID().uuidString, dueDate: CalendarDate.today().iso),
                by: try await world.strategistUser(app), on: app.db)
            let start = try await staff.get("/")
            #expect(start.body.string.contains(goalPath))
            let page = try await staff.get(goalPath)
            #expect(page.status == .ok)
            #expect(page.body.string.contains("Skriv rutinen för hemtjänsten"))

            let other = try await MappingWorld.make(app, code: "0202")
            let outsider = Browser(app)
            try await outsider.signIn(other.strategist.email)
            #expect(try await outsider.get(SiteURL.goal(try goal.requireID()).path).status == .notFound)
        }
    }
}

@Suite("Development plan: what the services refuse")
struct PlanningValidationTests {
    @Test("Links must name real questions or routines, and ids must be ids")
    func unknownLinksAndMalformedIDs() async throws {
        try await withSynlig { app in
            let world = try await MappingWorld.make(app)
            let strategist = try await world.strategistUser(app)
            func goal(_ keys: [String], source: String? = nil, responsible: String? = nil) -> GoalInput {
                GoalInput(title: "Mål", description: nil, unitID: nil, targetDate: "2027-01-01", ownerUserID: responsible,
                          followUpMonths: "3", itemKeys: keys, sourceMappingID: source, status: nil, version: nil)
            }
            for input in [goal(["q99"]), goal(["q2.r99"]), goal([], source: "inte-ett-id"), goal([], responsible: UUID().uuidString)] {
                await #expect(throws: SynligError.self) { try await PlanningService.createGoal(input, by: strategist, on: app.db) }
            }
            #expect(try await Goal.query(on: app.db).count() == 0)
            let created = try await PlanningService.createGoal(goal(["q1", "q2.r5"]), by: strategist, on: app.db)
            #expect(try await GoalLink.query(on: app.db).filter(\.$goalID == created.requireID()).count() == 2)
        }
    }

    @Test("A goal taken up again goes back on its owner's worklist")
    func reactivatedGoalIsFollowedUpAgain() async throws {
        try await withSynlig { app in
            let world = try await MappingWorld.make(app)
            let strategist = try await world.strategistUser(app)
            let goal = try await PlanningService.createGoal(
                GoalInput(title: "Mål", description: nil, unitID: nil, targetDate: "2027-01-01", ownerUserID: nil, followUpMonths: "6",
                          itemKeys: [], sourceMappingID: nil, status: nil, version: nil), by: strategist, on: app.db)
            let dropped = try await PlanningService.updateGoalStatus(try goal.requireID(), status: "dropped", version: 1, by: strategist, on: app.db)
            #expect(dropped.nextFollowUp == nil)
            let again = try await PlanningService.updateGoalStatus(try goal.requireID(), status: "active", version: 2, by: strategist, on: app.db)
            #expect(again.nextFollowUp == CalendarDate.today().addingMonths(6).iso)
        }
    }

    @Test("A mapping's responsible person and bank must be real: a typo is refused, not replaced")
    func mappingIDsChecked() async throws {
        try await withSynlig { app in
            let world = try await MappingWorld.make(app)
            let strategist = try await world.strategistUser(app)
            let former = try await makeUser(app, in: world.organisation, email: "slutat@test.se", roles: [.strategist])
            _ = try await UserService.setActive(false, userID: try former.requireID(), by: try await currentUser(app, try await makeUser(app, in: world.organisation, email: "admin@test.se", roles: [.admin])), on: app.db)
            for (bank, responsible) in [("inte-ett-id", nil), (nil, "inte-ett-id"), (nil, try former.requireID().uuidString)] as [(String?, String?)] {
                await #expect(throws: SynligError.self) {
                    try await MappingService.create(MappingInput(title: "K", periodStart: "2027-01-01", periodEnd: "2027-02-01", scope: "organisation",
                                                                 unitIDs: [], bankID: bank, responsibleUserID: responsible), by: strategist, on: app.db)
                }
            }
            #expect(try await Mapping.query(on: app.db).count() == 0)
        }
    }
}

@Suite("Respondents through the API")
struct RespondentAPITests {
    @Test("A respondent lists their own sheets in open mappings and nobody else's")
    func mySheets() async throws {
        try await withSynlig { app in
            let world = try await MappingWorld.make(app)
            let (_, invited, _) = try await makeOpenMapping(app, world)
            let respondent = try await APIClient.signedIn(app, world.respondent.email)
            let mine = try await respondent.send(.GET, "/api/v1/me/mapping-responses")
            #expect(mine.status == .ok)
            let sheets = try mine.content.decode([API.ResponseOut].self)
            #expect(sheets.map(\.id) == [try invited.requireID()])
            let strategist = try await APIClient.signedIn(app, world.strategist.email)
            let theirs = try await strategist.send(.GET, "/api/v1/me/mapping-responses")
            #expect(try theirs.content.decode([API.ResponseOut].self).map(\.kind) == [.workshop])
        }
    }
}
