import Fluent
import SynligCore
import Vapor

/// The plan's items on a user's start page: their open actions due within two weeks or
/// overdue, and follow-ups of their goals that are due.
enum PlanningWorklist {
    static func items(for user: CurrentUser, request req: Request) async throws -> [HomeController.WorklistItem] {
        let today = CalendarDate.today()
        let horizon = today.iso
        let soon = CalendarDate.today(now: Date().addingTimeInterval(14 * 86400)).iso
        let actions = try await PlanAction.scoped(to: user.organisationID, on: req.db)
            .filter(\.$ownerUserID == user.id)
            .filter(\.$status ~~ [.planned, .inProgress])
            .filter(\.$dueDate <= soon)
            .sort(\.$dueDate).limit(50).all()
        let goals = try await Goal.scoped(to: user.organisationID, on: req.db)
            .filter(\.$ownerUserID == user.id)
            .filter(\.$status == .active)
            .filter(\.$nextFollowUp <= horizon)
            .sort(\.$nextFollowUp).limit(50).all()
        return try actions.map {
            HomeController.WorklistItem(label: req.t("worklist.action", $0.title), href: SiteURL.goal($0.goalID).path,
                                        due: req.t("worklist.due", $0.dueDate), overdue: $0.dueDate < today.iso)
        } + goals.map {
            HomeController.WorklistItem(label: req.t("worklist.follow_up", $0.title), href: SiteURL.goal(try $0.requireID()).path,
                                        due: req.t("worklist.due", $0.nextFollowUp ?? ""), overdue: ($0.nextFollowUp ?? "") < today.iso)
        }
    }
}
