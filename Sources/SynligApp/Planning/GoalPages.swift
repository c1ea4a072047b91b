import Fluent
import SynligCore
import Vapor

/// A goal's pages: creating it (often straight from a gap), its actions and its follow-ups.
struct GoalPages: Sendable {
    typealias Option = SelectOption

    struct LinkOption: Encodable {
        var id: String
        var value: String
        var label: String
        var selected: Bool
    }

    struct NewPage: Encodable {
        var page: PageContext
        var values: [String: String]
        var units: [Option]
        var users: [Option]
        var links: [LinkOption]
        var indicators: [Option]
        var errors: FormErrors
    }

    struct ActionView: Encodable {
        var id: String
        var title: String
        var description: String
        var owner: String
        var dueDate: String
        var status: String
        var overdue: Bool
        var action: String
        var version: Int
        var statuses: [Option]
        var mayUpdate: Bool
    }

    struct FollowUpView: Encodable {
        var date: String
        var progress: String
        var note: String
        var author: String
        var action: String?
    }

    struct ShowPage: Encodable {
        var page: PageContext
        /// Owners of an action who are not plan readers see the goal, not the rest of the plan.
        var planHref: String?
        var goalTitle: String
        var description: String
        var unit: String
        var owner: String
        var targetDate: String
        var status: String
        var nextFollowUp: String?
        var followUpMonths: Int
        var links: [String]
        var sourceMapping: String?
        var sourceMappingHref: String?
        var actions: [ActionView]
        var followUps: [FollowUpView]
        /// The register's measure the goal is followed by, year by year.
        var indicator: GoalIndicator.View?
        var mayManage: Bool
        var mayFollowUp: Bool
        var statusAction: String
        var goalStatuses: [Option]
        var version: Int
        var actionsAction: String
        var followUpAction: String
        var users: [Option]
        var actionOptions: [Option]
        var progressOptions: [Option]
        var today: String
        var errors: FormErrors
        /// What was typed into the action or follow-up form before a refusal.
        var values: [String: String] = [:]
    }

    struct GoalForm: Content {
        var title: String?
        var description: String?
        var unit: String?
        var targetDate: String?
        var owner: String?
        var followUpMonths: String?
        var links: [String]?
        var mapping: String?
        var indicator: String?
    }

    struct StatusForm: Content {
        var status: String?
        var version: Int?
    }

    struct ActionForm: Content {
        var actionTitle: String?
        var actionDescription: String?
        var actionOwner: String?
        var dueDate: String?
        var actionStatus: String?
        var version: Int?
    }

    struct FollowUpForm: Content {
        var followUpDate: String?
        var progress: String?
        var note: String?
        var action: String?
    }

    /// The goal page's forms, in page order, for the error summary.
    static let goalPageFields: [(id: String, labelKey: String)] = [
        ("status", "plan.goal_status_label"), ("actionTitle", "plan.action_title"), ("actionDescription", "plan.description"),
        ("actionOwner", "plan.owner"), ("dueDate", "plan.due_date"), ("actionStatus", "unit.status"),
        ("followUpDate", "plan.follow_up_date"), ("progress", "plan.progress_heading"), ("note", "plan.note"),
    ]

    static func newGoalHref(mappingID: UUID?, itemKey: String, unitID: UUID?) -> String {
        var components = URLComponents()
        components.path = SiteURL.goalNew.path
        components.queryItems = [URLQueryItem(name: "item", value: itemKey)]
            + (mappingID.map { [URLQueryItem(name: "mapping", value: $0.uuidString)] } ?? [])
            + (unitID.map { [URLQueryItem(name: "unit", value: $0.uuidString)] } ?? [])
        return components.string ?? SiteURL.goalNew.path
    }

    private func requireManager(_ req: Request) throws -> CurrentUser {
        let user = try req.currentUser
        guard user.hasAny(PlanningService.managers) else { throw SynligError.forbidden }
        return user
    }

    /// The questions and routines a goal can be linked to: those of the official bank.
    private func linkOptions(_ req: Request, selected: Set<String>) async throws -> [LinkOption] {
        guard let bank = try await QuestionBank.query(on: req.db).filter(\.$isOfficial == true).sort(\.$createdAt, .descending).first() else { return [] }
        let content = try bank.content
        let language = req.language.rawValue
        return content.questions.flatMap { question in
            [LinkOption(id: "link-" + question.key, value: question.key, label: "\(question.number). \(question.text.text(language))",
                        selected: selected.contains(question.key))]
            + question.routines.map { routine in
                LinkOption(id: "link-" + routine.key.replacingOccurrences(of: ".", with: "-"), value: routine.key,
                           label: "\(question.number) – \(routine.text.text(language))", selected: selected.contains(routine.key))
            }
        }
    }

    private func page(_ req: Request, values: [String: String], links: Set<String>, errors: FormErrors,
                      summary: [PageContext.FormError]) async throws -> NewPage {
        let user = try req.currentUser
        let units = try await Unit.scoped(to: user.organisationID, on: req.db).filter(\.$active == true).sort(\.$name).all()
        let users = try await User.scoped(to: user.organisationID, on: req.db).filter(\.$active == true).sort(\.$displayName).all()
        let owner = values["owner"] ?? user.id.uuidString
        return NewPage(
            page: .make(for: req, titleKey: "plan.new_goal_title", errors: summary), values: values,
            units: [Option(value: "", label: req.t("mapping.whole_organisation"), selected: (values["unit"] ?? "").isEmpty)]
                + (try units.map { Option(value: try $0.requireID().uuidString, label: $0.name, selected: values["unit"] == $0.id?.uuidString) }),
            users: try users.map { Option(value: try $0.requireID().uuidString, label: $0.displayName, selected: $0.id?.uuidString == owner) },
            links: try await linkOptions(req, selected: links), indicators: GoalIndicator.options(selected: values["indicator"], req),
            errors: errors)
    }

    @Sendable func new(req: Request) async throws -> Response {
        _ = try requireManager(req)
        let item = req.query[String.self, at: "item"] ?? ""
        var values = ["targetDate": CalendarDate.today().addingMonths(12).iso, "followUpMonths": "3",
                      "unit": req.query[String.self, at: "unit"] ?? "", "mapping": req.query[String.self, at: "mapping"] ?? ""]
        if !item.isEmpty, let bank = try await QuestionBank.query(on: req.db).filter(\.$isOfficial == true).first() {
            let texts = ItemTexts(try bank.content, language: req.language.rawValue)
            values["description"] = req.t("plan.goal_from_gap", texts[item])
        }
        return try await req.renderPage("planning/goal-new", try await page(req, values: values, links: item.isEmpty ? [] : [item],
                                                                            errors: .none, summary: []))
    }

    @Sendable func create(req: Request) async throws -> Response {
        let user = try requireManager(req)
        let form = try req.content.decode(GoalForm.self)
        let input = GoalInput(title: form.title, description: form.description, unitID: form.unit, targetDate: form.targetDate,
                              ownerUserID: form.owner, followUpMonths: form.followUpMonths, itemKeys: form.links ?? [],
                              sourceMappingID: form.mapping, status: nil, version: nil, indicator: form.indicator)
        do {
            let goal = try await PlanningService.createGoal(input, by: user, on: req.db)
            return req.redirect(to: SiteURL.goal(try goal.requireID()).path)
        } catch let error as SynligError where !error.fieldProblems.isEmpty {
            let errors = FormErrors(error.fieldProblems, request: req)
            let values = ["title": form.title ?? "", "description": form.description ?? "", "unit": form.unit ?? "",
                          "targetDate": form.targetDate ?? "", "owner": form.owner ?? "", "followUpMonths": form.followUpMonths ?? "",
                          "mapping": form.mapping ?? "", "indicator": form.indicator ?? ""].mapValues { String($0.prefix(PlanningService.maxText)) }
            let summary = errors.summary([("title", "plan.goal_title"), ("description", "plan.description"), ("unit", "mapping.unit"),
                                          ("targetDate", "plan.target_date"), ("owner", "plan.owner"), ("followUpMonths", "plan.follow_up_months"),
                                          ("links", "plan.links"), ("indicator", "plan.indicator")], request: req)
            return try await req.renderPage("planning/goal-new", try await page(req, values: values, links: Set(form.links ?? []),
                                                                                errors: errors, summary: summary), status: error.status)
        }
    }

    @Sendable func show(req: Request) async throws -> Response {
        try await render(req, goalID: try req.idParameter(), errors: .none, summary: [], status: .ok)
    }

    private func render(_ req: Request, goalID: UUID, errors: FormErrors, summary: [PageContext.FormError], status: HTTPStatus,
                        typed: [String: String] = [:]) async throws -> Response {
        let user = try req.currentUser
        let goal = try await Goal.find(goalID, in: user.organisationID, on: req.db)
        let actions = try await PlanAction.scoped(to: user.organisationID, on: req.db).filter(\.$goalID == goalID).sort(\.$dueDate).all()
        // The start page sends the owner of a goal or of one of its actions here, whatever their
        // role: they may see the goal they work on, and update what is theirs.
        guard user.hasAny(PlanningService.readers) || goal.ownerUserID == user.id || actions.contains(where: { $0.ownerUserID == user.id })
        else { throw SynligError.forbidden }
        let followUps = try await PlanFollowUp.query(on: req.db).filter(\.$goalID == goalID).sort(\.$date, .descending).all()
        let links = try await GoalLink.query(on: req.db).filter(\.$goalID == goalID).all()
        let unitNames = try await MappingNames.units(organisationID: user.organisationID, on: req.db)
        let userNames = try await MappingNames.users(organisationID: user.organisationID, on: req.db)
        let texts = try await QuestionBank.query(on: req.db).filter(\.$isOfficial == true).first()
            .map { ItemTexts(try $0.content, language: req.language.rawValue) }
        let source = try await goal.sourceMappingID.asyncMap { try await Mapping.find($0, in: user.organisationID, on: req.db) }
        let today = CalendarDate.today()
        let isManager = user.hasAny(PlanningService.managers)
        let activeUsers = try await User.scoped(to: user.organisationID, on: req.db).filter(\.$active == true).sort(\.$displayName).all()
        let actionTitles = Dictionary(uniqueKeysWithValues: actions.compactMap { a in a.id.map { ($0, a.title) } })
        let page = ShowPage(
            page: .make(for: req, titleKey: "plan.goal_page_title", titleArguments: [goal.title], errors: summary),
            planHref: user.hasAny(PlanningService.readers) ? SiteURL.plan.path : nil,
            goalTitle: goal.title, description: goal.description,
            unit: goal.unitID.flatMap { unitNames[$0] } ?? req.t("mapping.whole_organisation"),
            owner: userNames[goal.ownerUserID] ?? "–", targetDate: goal.targetDate,
            status: req.t("plan.goal_status.\(goal.status.rawValue)"), nextFollowUp: goal.nextFollowUp, followUpMonths: goal.followUpMonths,
            links: links.map { texts?[$0.itemKey] ?? $0.itemKey }.sorted(),
            sourceMapping: source?.title, sourceMappingHref: user.hasAny(MappingService.readers) ? try source.map { SiteURL.mapping(try $0.requireID()).path } : nil,
            actions: try actions.map { action in
                let id = try action.requireID()
                return ActionView(id: id.uuidString, title: action.title, description: action.description,
                                  owner: userNames[action.ownerUserID] ?? "–", dueDate: action.dueDate,
                                  status: req.t("plan.action_status.\(action.status.rawValue)"),
                                  overdue: action.status.isOpen && (CalendarDate(action.dueDate).map { $0 < today } ?? false),
                                  action: SiteURL.action(id).path, version: action.version,
                                  statuses: ActionStatus.allCases.map { Option(value: $0.rawValue, label: req.t("plan.action_status.\($0.rawValue)"), selected: $0 == action.status) },
                                  mayUpdate: isManager || action.ownerUserID == user.id)
            },
            followUps: followUps.map {
                FollowUpView(date: $0.date, progress: req.t("plan.progress.\($0.progress.rawValue)"), note: $0.note,
                             author: userNames[$0.authorUserID] ?? "–", action: $0.actionID.flatMap { actionTitles[$0] })
            },
            indicator: try await GoalIndicator.view(of: goal, req),
            mayManage: isManager, mayFollowUp: isManager || goal.ownerUserID == user.id,
            statusAction: SiteURL.goalStatus(goalID).path,
            goalStatuses: GoalStatus.allCases.map { Option(value: $0.rawValue, label: req.t("plan.goal_status.\($0.rawValue)"), selected: $0 == goal.status) },
            version: goal.version, actionsAction: SiteURL.goalActions(goalID).path, followUpAction: SiteURL.goalFollowUps(goalID).path,
            users: try activeUsers.map { Option(value: try $0.requireID().uuidString, label: $0.displayName, selected: $0.id == user.id) },
            actionOptions: [Option(value: "", label: req.t("plan.whole_goal"), selected: true)]
                + (try actions.map { Option(value: try $0.requireID().uuidString, label: $0.title, selected: false) }),
            progressOptions: FollowUpProgress.allCases.map { Option(value: $0.rawValue, label: req.t("plan.progress.\($0.rawValue)"), selected: $0 == .onTrack) },
            today: today.iso, errors: errors, values: typed)
        return try await req.renderPage("planning/goal", page, status: status)
    }

    private func withFormErrors(_ req: Request, goalID: UUID, _ work: () async throws -> Void) async throws -> Response {
        do {
            try await work()
            return req.redirect(to: SiteURL.goal(goalID).path)
        } catch let error as SynligError where !error.fieldProblems.isEmpty {
            let errors = FormErrors(error.fieldProblems, request: req)
            // What was typed stays in the form, so only the refused field needs mending.
            return try await render(req, goalID: goalID, errors: errors, summary: errors.summary(Self.goalPageFields, request: req),
                                    status: error.status, typed: FormValues(request: req).dictionary)
        }
    }

    @Sendable func changeStatus(req: Request) async throws -> Response {
        let goalID = try req.idParameter()
        let form = try req.content.decode(StatusForm.self)
        return try await withFormErrors(req, goalID: goalID) {
            _ = try await PlanningService.updateGoalStatus(goalID, status: form.status, version: form.version, by: try req.currentUser, on: req.db)
        }
    }

    @Sendable func addAction(req: Request) async throws -> Response {
        let goalID = try req.idParameter()
        let form = try req.content.decode(ActionForm.self)
        return try await withFormErrors(req, goalID: goalID) {
            _ = try await PlanningService.addAction(to: goalID, ActionInput(
                title: form.actionTitle, description: form.actionDescription, ownerUserID: form.actionOwner,
                dueDate: form.dueDate, status: form.actionStatus, version: nil), by: try req.currentUser, on: req.db)
        }
    }

    @Sendable func updateAction(req: Request) async throws -> Response {
        let user = try req.currentUser
        let action = try await PlanAction.find(try req.idParameter(), in: user.organisationID, on: req.db)
        let form = try req.content.decode(ActionForm.self)
        return try await withFormErrors(req, goalID: action.goalID) {
            _ = try await PlanningService.updateAction(try action.requireID(), ActionInput(
                title: form.actionTitle ?? action.title, description: form.actionDescription ?? action.description,
                ownerUserID: form.actionOwner, dueDate: form.dueDate ?? action.dueDate, status: form.actionStatus,
                version: form.version), by: user, on: req.db)
        }
    }

    @Sendable func addFollowUp(req: Request) async throws -> Response {
        let goalID = try req.idParameter()
        let form = try req.content.decode(FollowUpForm.self)
        return try await withFormErrors(req, goalID: goalID) {
            _ = try await PlanningService.addFollowUp(to: goalID, FollowUpInput(
                date: form.followUpDate, progress: form.progress, note: form.note, actionID: form.action),
                by: try req.currentUser, on: req.db)
        }
    }
}

/// Per unit, which of question 2's routines exist, are planned or are missing.
struct RoutineCataloguePage: Sendable {
    struct Cell: Encodable {
        var state: String
        var label: String
        var source: String
    }

    struct Row: Encodable {
        var key: String
        var text: String
        var cells: [Cell]
    }

    struct Page: Encodable {
        var page: PageContext
        var units: [String]
        var rows: [Row]
        var mayManage: Bool
        var unitOptions: [SelectOption]
        var routineOptions: [SelectOption]
        var stateOptions: [SelectOption]
        var source: String
    }

    struct MarkForm: Content {
        var unit: String?
        var routine: String?
        var state: String?
    }

    @Sendable func show(req: Request) async throws -> Response {
        let user = try PlanningController.requireReader(req)
        guard let bank = try await QuestionBank.query(on: req.db).filter(\.$isOfficial == true).first() else { throw SynligError.notFound }
        let content = try bank.content
        let units = try await Unit.scoped(to: user.organisationID, on: req.db).filter(\.$active == true).sort(\.$name).all()
        let statuses = try await RoutineStatus.query(on: req.db).filter(\.$organisationID == user.organisationID).all()
        var byCell: [String: RoutineStatus] = [:]
        for status in statuses { byCell["\(status.unitID.uuidString)|\(status.routineKey)"] = status }
        let language = req.language.rawValue
        let rows = content.routines.map { _, routine in
            Row(key: routine.key, text: routine.text.text(language), cells: units.map { unit in
                guard let status = byCell["\(unit.id?.uuidString ?? "")|\(routine.key)"] else {
                    return Cell(state: "unknown", label: req.t("plan.routine_not_mapped"), source: "")
                }
                return Cell(state: status.state.rawValue, label: req.t("mapping.routine.\(status.state.rawValue)"),
                            source: req.t("plan.routine_source.\(status.source)"))
            })
        }
        return try await req.renderPage("planning/routines", Page(
            page: .make(for: req, titleKey: "plan.routines_title"), units: units.map(\.name), rows: rows,
            mayManage: user.hasAny(PlanningService.managers),
            unitOptions: try units.map { .init(value: try $0.requireID().uuidString, label: $0.name, selected: false) },
            routineOptions: content.routines.map { .init(value: $0.routine.key, label: $0.routine.text.text(language), selected: false) },
            stateOptions: RoutineState.allCases.map { .init(value: $0.rawValue, label: req.t("mapping.routine.\($0.rawValue)"), selected: false) },
            source: MappingNames.sourceLine(content.source)))
    }

    @Sendable func mark(req: Request) async throws -> Response {
        let user = try req.currentUser
        guard user.hasAny(PlanningService.managers) else { throw SynligError.forbidden }
        let form = try req.content.decode(MarkForm.self)
        guard let state = form.state.flatMap(RoutineState.init(rawValue:)), let routine = form.routine,
              QuestionBankContent.isRoutineKey(routine) else {
            throw SynligError(.unprocessableEntity, "mapping.choice_invalid")
        }
        let unit = try await Unit.find(form.unit.flatMap(UUID.init(uuidString:)), in: user.organisationID, on: req.db)
        try await AuditTrail.transaction(on: req.db, actor: .user(user.id)) { tx, audit in
            try await RoutineCatalogue.set(unitID: try unit.requireID(), routineKey: routine, state: state, source: "manual", reference: nil,
                                           organisationID: user.organisationID, by: user.id, on: tx)
            audit.record("routine.mark", "unit", id: unit.id, organisation: user.organisationID)
        }
        return req.redirect(to: SiteURL.routineCatalogue.path)
    }
}
