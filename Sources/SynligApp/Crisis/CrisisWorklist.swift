import Fluent
import SynligCore
import Vapor

/// The refresh reminder on a manager's start page: an offline copy of the whole organisation's
/// crisis list goes stale after `CrisisList.exportValidityDays`, so a week before the latest
/// copy is to be destroyed — or at once, when none was ever taken — administrators and
/// strategists are asked to take a new one.
enum CrisisWorklist {
    static let managers: Set<Role> = [.admin, .strategist]

    /// The latest copy of the whole organisation's list (printed or encrypted), if any.
    static func latestWholeList(organisationID: UUID, on db: any Database) -> QueryBuilder<CrisisExport> {
        CrisisExport.scoped(to: organisationID, on: db).filter(\.$unitID == nil).sort(\.$exportedAt, .descending).limit(1)
    }

    static func items(for user: CurrentUser, request req: Request) async throws -> [HomeController.WorklistItem] {
        guard user.hasAny(managers) else { return [] }
        let today = CalendarDate.today()
        let latest = try await latestWholeList(organisationID: user.organisationID, on: req.db).first()
        let takenOn = latest.map { CalendarDate.today(now: $0.exportedAt) }
        guard let due = CrisisList.refreshDue(latestWholeListTakenOn: takenOn, today: today) else { return [] }
        let label = takenOn.map { req.t("crisis.refresh", $0.iso) } ?? req.t("crisis.refresh_never")
        return [HomeController.WorklistItem(label: label, href: SiteURL.crisis.path, due: req.t("worklist.due", due.iso),
                                            overdue: due < today)]
    }
}
