import Fluent
import SynligCore
import Vapor

/// What is due about caregivers and the people they care for, per user: follow-ups due and
/// overdue, reviews and signals, SIPs to draw up and their follow-ups.
struct WorklistController: RouteCollection {
    struct Row: Encodable {
        var caregiver: String
        var href: String
        var task: String
        /// For a talk about voluntariness: which answers asked for it; for a consent review, how old the stance is.
        var detail: String?
        var due: String
        var state: String
        var overdue: Bool
        /// Only tasks that are done by hand get a button; the others are done on the record.
        var action: String?
    }

    struct Page: Encodable {
        var page: PageContext
        var rows: [Row]
        var kinds: [SelectOption]
        var dues: [SelectOption]
        var sorts: [SelectOption]
        var total: Int
        var action: String
    }

    static let limit = 200

    func boot(routes: any RoutesBuilder) throws {
        let readers = routes.recordReaders(.consultant, .caseOfficer, .staff)
        readers.get(SiteURL.caregiverWorklist.pattern, use: worklist)
        readers.post(SiteURL.caregiverTaskDone(SiteURL.anyID).pattern, use: done)
    }

    /// The user's open tasks: their own, and for consultants those of caregivers nobody is
    /// responsible for — about caregivers the user may see (units change; a task does not
    /// open a record to someone who no longer works with the person).
    static func openTasks(for user: CurrentUser, on db: any Database) async throws -> QueryBuilder<CaregiverTask> {
        let query = CaregiverTask.scoped(to: user.organisationID, on: db).filter(\.$open == true).group(.or) { group in
            group.filter(\.$assigneeID == user.id)
            if user.has(.consultant) { group.filter(\.$assigneeID == nil) }
        }
        if !CaregiverAccess.seesWholeOrganisation(user) {
            query.filter(\.$caregiverID ~~ (try await CaregiverAccess.caregivers(for: user, on: db).all(\.$id)))
        }
        return query
    }

    @Sendable func worklist(req: Request) async throws -> Response {
        let user = try req.currentUser
        let kindText = (try? req.query.get(String.self, at: "kind")) ?? ""
        let kind = CaregiverTaskKind(rawValue: kindText)
        let recipientKind = RecipientTaskKind(rawValue: kindText)
        let due = (try? req.query.get(String.self, at: "due")) ?? ""
        let sort = (try? req.query.get(String.self, at: "sort")) ?? "due"
        let today = CalendarDate.today()
        let language = req.language.rawValue
        func row(name: String, href: String, task: String, detail: String? = nil, dueOn: String, action: String?) -> (due: String, kind: String, row: Row) {
            let dueDate = CalendarDate(dueOn) ?? today
            let state = DueState.of(dueDate, today: today)
            return (dueOn, task, Row(caregiver: name, href: href, task: task, detail: detail, due: SwedishTime.formatDate(dueDate, language: language),
                                     state: req.t("task.due.\(state.rawValue)"), overdue: state == .overdue, action: action))
        }
        var rows: [(due: String, kind: String, row: Row)] = []
        var total = 0
        if recipientKind == nil {
            let query = try await Self.openTasks(for: user, on: req.db)
            if let kind { query.filter(\.$kind == kind) }
            Self.filterDue(query, \.$dueOn, due, today: today)
            total += try await query.copy().count()
            let tasks = try await query.sort(\.$dueOn).sort(\.$id).limit(Self.limit).all()
            let caregiverIDs = Array(Set(tasks.map(\.caregiverID)))
            let names = caregiverIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await Caregiver.scoped(to: user.organisationID, on: req.db)
                .filter(\.$id ~~ caregiverIDs).all().map { (try $0.requireID(), $0.name) })
            let reasons = try await VoluntarinessText.reasons(of: tasks, organisationID: user.organisationID, req: req)
            let stanceAges = try await ConsentText.stanceAges(of: tasks, organisationID: user.organisationID, req: req)
            rows += try tasks.map { task in
                row(name: names[task.caregiverID] ?? "–", href: SiteURL.caregiver(task.caregiverID).path, task: req.t("task.kind.\(task.kind.rawValue)"),
                    detail: task.kind == .discussVoluntariness ? reasons[task.caregiverID]?.text
                        : task.kind == .consentReview ? task.subjectID.flatMap { stanceAges[$0] } : nil, dueOn: task.dueOn,
                    action: CaregiverTaskService.doneByHand.contains(task.kind) ? SiteURL.caregiverTaskDone(try task.requireID()).path : nil)
            }
        }
        if kind == nil {
            // Tasks about the person cared for (a SIP to draw up, a follow-up) on the same list.
            let query = try await RecipientTaskService.openTasks(for: user, on: req.db)
            if let recipientKind { query.filter(\.$kind == recipientKind) }
            Self.filterDue(query, \.$dueOn, due, today: today)
            total += try await query.copy().count()
            let tasks = try await query.sort(\.$dueOn).sort(\.$id).limit(Self.limit).all()
            let recipientIDs = Array(Set(tasks.map(\.recipientID)))
            let names = recipientIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await CareRecipient.scoped(to: user.organisationID, on: req.db)
                .filter(\.$id ~~ recipientIDs).all().map { (try $0.requireID(), $0.name) })
            rows += try tasks.map { task in
                row(name: names[task.recipientID] ?? "–", href: RecipientTaskService.href(of: task),
                    task: req.t("recipient_task.kind.\(task.kind.rawValue)"), dueOn: task.dueOn,
                    action: RecipientTaskService.doneByHand.contains(task.kind) ? SiteURL.recipientTaskDone(try task.requireID()).path : nil)
            }
        }
        rows.sort { sort == "kind" && $0.kind != $1.kind ? $0.kind < $1.kind : $0.due < $1.due }
        let kindOptions = CaregiverTaskKind.allCases.map { SelectOption(value: $0.rawValue, label: req.t("task.kind.\($0.rawValue)"), selected: $0 == kind) }
            + RecipientTaskKind.allCases.map { SelectOption(value: $0.rawValue, label: req.t("recipient_task.kind.\($0.rawValue)"), selected: $0 == recipientKind) }
        return try await req.renderPage("caregivers/worklist", Page(
            page: .make(for: req, titleKey: "worklist.caregivers_title"),
            rows: rows.prefix(Self.limit).map(\.row),
            kinds: [SelectOption(value: "", label: req.t("worklist.all_kinds"), selected: kind == nil && recipientKind == nil)] + kindOptions,
            dues: [("", "worklist.all_dates"), ("overdue", "task.due.overdue"), ("soon", "worklist.due_soon")].map {
                SelectOption(value: $0.0, label: req.t($0.1), selected: $0.0 == due)
            },
            sorts: [("due", "worklist.sort_due"), ("kind", "worklist.sort_kind")].map { SelectOption(value: $0.0, label: req.t($0.1), selected: $0.0 == sort) },
            total: total, action: SiteURL.caregiverWorklist.path))
    }

    /// "overdue" or "soon" (within the window, not overdue), on either kind of task.
    private static func filterDue<M: Model>(_ query: QueryBuilder<M>, _ field: KeyPath<M, FieldProperty<M, String>>, _ due: String,
                                            today: CalendarDate) {
        if due == "overdue" { query.filter(field < today.iso) }
        if due == "soon" {
            let soon = DueState.soonWindow(today: today)
            query.filter(field >= soon.from).filter(field <= soon.through)
        }
    }

    @Sendable func done(req: Request) async throws -> Response {
        let user = try req.currentUser
        let id = try req.idParameter()
        try await CaregiverTaskService.markDone(id, by: user, on: req.db)
        let back = SiteURL.safeReturnPath(FormValues(request: req)["return"]) ?? SiteURL.caregiverWorklist.path
        return req.redirect(to: back)
    }

    /// The start page's summary of this list.
    static func items(for user: CurrentUser, request req: Request) async throws -> [HomeController.WorklistItem] {
        guard user.hasAny(CaregiverAccess.readers) else { return [] }
        let soon = DueState.soonWindow(today: .today())
        let overdue = try await openTasks(for: user, on: req.db).filter(\.$dueOn < soon.from).count()
            + RecipientTaskService.openTasks(for: user, on: req.db).filter(\.$dueOn < soon.from).count()
        let dueSoon = try await openTasks(for: user, on: req.db).filter(\.$dueOn >= soon.from)
            .filter(\.$dueOn <= soon.through).count()
            + RecipientTaskService.openTasks(for: user, on: req.db).filter(\.$dueOn >= soon.from).filter(\.$dueOn <= soon.through).count()
        var items: [HomeController.WorklistItem] = []
        if overdue > 0 {
            items.append(.init(label: req.tp("worklist.caregiver_overdue", overdue), href: SiteURL.caregiverWorklist.path + "?due=overdue",
                               due: req.t("task.due.overdue"), overdue: true))
        }
        if dueSoon > 0 {
            items.append(.init(label: req.tp("worklist.caregiver_soon", dueSoon), href: SiteURL.caregiverWorklist.path + "?due=soon",
                               due: req.t("worklist.due_soon"), overdue: false))
        }
        return items
    }
}
