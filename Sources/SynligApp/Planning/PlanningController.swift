import Fluent
import SynligCore
import Vapor

/// The development plan's pages: overview, goals with actions and follow-ups, routine catalogue.
struct PlanningController: RouteCollection {
    typealias Option = SelectOption

    struct GoalRow: Encodable {
        var title: String
        var href: String
        var unit: String
        var targetDate: String
        var status: String
        var progress: String
        var nextFollowUp: String?
        var followUpDue: Bool
    }

    struct ActionRow: Encodable {
        var title: String
        var goal: String
        var goalHref: String
        var owner: String
        var dueDate: String
    }

    struct OpenGap: Encodable {
        var item: String
        var unit: String
        var answer: String
        var createHref: String
    }

    struct OverviewPage: Encodable {
        var page: PageContext
        var goals: [GoalRow]
        var overdue: [ActionRow]
        var gapsWithoutGoal: [OpenGap]
        var latestMapping: String?
        var mayManage: Bool
        var newGoalHref: String
        var routinesHref: String
    }

    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.signedIn
        staff.get(SiteURL.plan.pattern, use: overview)
        let goals = GoalPages()
        staff.get(SiteURL.goalNew.pattern, use: goals.new)
        staff.get(SiteURL.goal(SiteURL.anyID).pattern, use: goals.show)
        // Forms: the role, then the goal or action (404, or 403 for one the user may not
        // change), then the form (the services check again).
        let managers = routes.signedIn(as: PlanningService.managers)
        managers.post(SiteURL.goals.pattern, use: goals.create)
        let goal = managers.naming(Goal.self)
        goal.post(SiteURL.goalStatus(SiteURL.anyID).pattern, use: goals.changeStatus)
        goal.post(SiteURL.goalActions(SiteURL.anyID).pattern, use: goals.addAction)
        staff.naming { try await PlanningService.changeableAction($0, by: $1, on: $2) }
            .post(SiteURL.action(SiteURL.anyID).pattern, use: goals.updateAction)
        staff.naming { try await PlanningService.followedUpGoal($0, by: $1, on: $2) }
            .post(SiteURL.goalFollowUps(SiteURL.anyID).pattern, use: goals.addFollowUp)
        let catalogue = RoutineCataloguePage()
        staff.get(SiteURL.routineCatalogue.pattern, use: catalogue.show)
        managers.post(SiteURL.routineCatalogue.pattern, use: catalogue.mark)
    }

    static func requireReader(_ req: Request) throws -> CurrentUser {
        let user = try req.currentUser
        guard user.hasAny(PlanningService.readers) else { throw SynligError.forbidden }
        return user
    }

    @Sendable func overview(req: Request) async throws -> Response {
        let user = try Self.requireReader(req)
        let today = CalendarDate.today()
        let goals = try await Goal.scoped(to: user.organisationID, on: req.db).sort(\.$targetDate).all()
        let goalIDs = goals.compactMap(\.id)
        let actions = try await PlanAction.scoped(to: user.organisationID, on: req.db).filter(\.$goalID ~~ goalIDs).all()
        let unitNames = try await MappingNames.units(organisationID: user.organisationID, on: req.db)
        let userNames = try await MappingNames.users(organisationID: user.organisationID, on: req.db)
        let goalByID = Dictionary(uniqueKeysWithValues: goals.compactMap { g in g.id.map { ($0, g) } })
        let rows = try goals.map { goal -> GoalRow in
            let mine = actions.filter { $0.goalID == goal.id }
            let done = mine.filter { $0.status == .done }.count
            let due = goal.nextFollowUp.flatMap(CalendarDate.init).map { $0 <= today } ?? false
            return GoalRow(title: goal.title, href: SiteURL.goal(try goal.requireID()).path,
                           unit: goal.unitID.flatMap { unitNames[$0] } ?? req.t("mapping.whole_organisation"),
                           targetDate: goal.targetDate, status: req.t("plan.goal_status.\(goal.status.rawValue)"),
                           progress: req.t("plan.progress_actions", String(done), String(mine.count)),
                           nextFollowUp: goal.nextFollowUp, followUpDue: due && goal.status == .active)
        }
        let overdue = actions.filter { $0.status.isOpen && (CalendarDate($0.dueDate).map { $0 < today } ?? false) }
            .sorted { $0.dueDate < $1.dueDate }
            .compactMap { action -> ActionRow? in
                guard let goal = goalByID[action.goalID], let goalID = goal.id else { return nil }
                return ActionRow(title: action.title, goal: goal.title, goalHref: SiteURL.goal(goalID).path,
                                 owner: userNames[action.ownerUserID] ?? "–", dueDate: action.dueDate)
            }
        // Gaps of the latest closed mapping that no goal addresses yet, unit by unit.
        var openGaps: [OpenGap] = []
        var latestTitle: String?
        if let latest = try await Mapping.scoped(to: user.organisationID, on: req.db).filter(\.$status == .closed)
            .sort(\.$periodStart, .descending).sort(\.$closedAt, .descending).first(),
            let bank = try await QuestionBank.find(latest.bankID, on: req.db) {
            latestTitle = latest.title
            let content = try bank.content
            let links = try await GoalLink.query(on: req.db).filter(\.$goalID ~~ goalIDs).all()
            let covered = Set(links.compactMap { link in goalByID[link.goalID].map { "\(link.itemKey)|\($0.unitID?.uuidString ?? "")" } })
            let coveredAnywhere = Set(links.compactMap { link in goalByID[link.goalID].flatMap { $0.unitID == nil ? link.itemKey : nil } })
            let gaps = try await MappingGaps.load(mappingID: try latest.requireID(), bank: content, on: req.db)
            var seen = Set<String>()
            let texts = ItemTexts(content, language: req.language.rawValue)
            for gap in gaps {
                let key = "\(gap.itemKey)|\(gap.unitID?.uuidString ?? "")"
                guard !covered.contains(key), !coveredAnywhere.contains(gap.itemKey), seen.insert(key).inserted else { continue }
                openGaps.append(OpenGap(item: texts[gap.itemKey], unit: gap.unitID.flatMap { unitNames[$0] } ?? req.t("mapping.whole_organisation"),
                                        answer: req.t("mapping.choice_or_state.\(gap.choice)"),
                                        createHref: GoalPages.newGoalHref(mappingID: latest.id, itemKey: gap.itemKey, unitID: gap.unitID)))
            }
        }
        return try await req.renderPage("planning/overview", OverviewPage(
            page: .make(for: req, titleKey: "plan.title"), goals: rows, overdue: overdue, gapsWithoutGoal: openGaps,
            latestMapping: latestTitle, mayManage: user.hasAny(PlanningService.managers),
            newGoalHref: SiteURL.goalNew.path, routinesHref: SiteURL.routineCatalogue.path))
    }
}

/// The text of any item of a bank by key, with its number for questions.
struct ItemTexts {
    var byKey: [String: String] = [:]

    init(_ content: QuestionBankContent, language: String) {
        for question in content.questions {
            byKey[question.key] = "\(question.number). \(question.text.text(language))"
            for routine in question.routines { byKey[routine.key] = routine.text.text(language) }
            for followUp in question.followUps { byKey[followUp.key] = followUp.text.text(language) }
        }
    }

    subscript(key: String) -> String { byKey[key] ?? key }
}
