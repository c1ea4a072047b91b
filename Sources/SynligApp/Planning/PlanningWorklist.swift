import Fluent
import SynligCore
import Vapor

/// The plan's items on a user's start page: their open actions due within two weeks or
/// overdue, and follow-ups of their goals that are due.
enum PlanningWorklist {
    /// The user's open actions due within the "soon" window or overdue.
    static func dueActions(for user: CurrentUser, today: CalendarDate, on db: any Database) -> QueryBuilder<PlanAction> {
        PlanAction.scoped(to: user.organisationID, on: db)
            .filter(\.$ownerUserID == user.id)
            .filter(\.$status ~~ [.planned, .inProgress])
            .filter(\.$dueDate <= DueState.soonWindow(today: today).through)
            .sort(\.$dueDate).limit(50)
    }

    /// Follow-ups of the user's active goals that are due.
    static func dueGoalFollowUps(for user: CurrentUser, today: CalendarDate, on db: any Database) -> QueryBuilder<Goal> {
        Goal.scoped(to: user.organisationID, on: db)
            .filter(\.$ownerUserID == user.id)
            .filter(\.$status == .active)
            .filter(\.$nextFollowUp <= today.iso)
            .sort(\.$nextFollowUp).limit(50)
    }

    static func items(for user: CurrentUser, request req: Request) async throws -> [HomeController.WorklistItem] {
        let today = CalendarDate.today()
        let actions = try await dueActions(for: user, today: today, on: req.db).all()
        let goals = try await dueGoalFollowUps(for: user, today: today, on: req.db).all()
        return try actions.map {
            HomeController.WorklistItem(label: req.t("worklist.action", $0.title), href: SiteURL.goal($0.goalID).path,
                                        due: req.t("worklist.due", $0.dueDate), overdue: $0.dueDate < today.iso)
        } + goals.map {
            HomeController.WorklistItem(label: req.t("worklist.follow_up", $0.title), href: SiteURL.goal(try $0.requireID()).path,
                                        due: req.t("worklist.due", $0.nextFollowUp ?? ""), overdue: ($0.nextFollowUp ?? "") < today.iso)
        }
    }
}
