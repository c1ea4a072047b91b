import Fluent
import SynligCore
import Vapor

/// What is due about caregivers and the people they care for, per user: follow-ups due and
/// overdue, reviews and signals, SIPs to draw up and their follow-ups. The user's own tasks,
/// and for consultants those nobody is responsible for, about people the user may see
/// (`WorklistQuery`: units change, and a task does not open a record to someone who no longer
/// works with the person).
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
        /// "12 uppgifter.", or "more than 1 000" when the list is longer than it is worth counting.
        var countText: String
        /// "Visar 51–100." when the list runs over more than one page.
        var showing: String?
        var previousPage: String?
        var nextPage: String?
        var action: String
    }

    static let perPage = 50
    /// Counting every one of a consultant's tasks would cost as much as the tasks are many, so
    /// the list counts to here and says "more than" beyond: the page stays as fast at any size.
    static let countCap = 1_000

    func boot(routes: any RoutesBuilder) throws {
        let readers = routes.recordReaders(.consultant, .caseOfficer, .staff)
        readers.get(SiteURL.caregiverWorklist.pattern, use: worklist)
        readers.post(SiteURL.caregiverTaskDone(SiteURL.anyID).pattern, use: done)
    }

    @Sendable func worklist(req: Request) async throws -> Response {
        let user = try req.currentUser
        let kindText = (try? req.query.get(String.self, at: "kind")) ?? ""
        let kind = CaregiverTaskKind(rawValue: kindText)
        let recipientKind = RecipientTaskKind(rawValue: kindText)
        let due = (try? req.query.get(String.self, at: "due")) ?? ""
        let sort = (try? req.query.get(String.self, at: "sort")) ?? "due"
        let pageNumber = Pagination.page(try? req.query.get(Int.self, at: "page"))
        let today = CalendarDate.today()
        let language = req.language.rawValue

        let query = try await WorklistQuery.make(for: user, caregiverKind: kind, recipientKind: recipientKind,
                                                 due: WorklistQuery.Due(rawValue: due) ?? .any, today: today, on: req.db)
        let offset = (pageNumber - 1) * Self.perPage
        // One row past the page says whether there is a next one, whatever the count's cap.
        let found = try await query.page(offset: offset, limit: Self.perPage + 1, order: sort == "kind" ? .kind : .due, on: req.db)
        let entries = Array(found.prefix(Self.perPage))
        let total = try await query.count(upTo: Self.countCap, on: req.db)
        let reasons = try await VoluntarinessText.reasons(of: entries, organisationID: user.organisationID, req: req)
        let stanceAges = try await ConsentText.stanceAges(of: entries, organisationID: user.organisationID, req: req)
        let rows = entries.map { entry in
            let dueDate = CalendarDate(entry.due_on) ?? today
            let state = DueState.of(dueDate, today: today)
            var row = Row(caregiver: entry.name, href: SiteURL.caregiver(entry.person_id).path, task: "", detail: nil,
                          due: SwedishTime.formatDate(dueDate, language: language),
                          state: req.t("task.due.\(state.rawValue)"), overdue: state == .overdue, action: nil)
            if entry.isAboutCaregiver, let kind = CaregiverTaskKind(rawValue: entry.kind) {
                row.task = req.t("task.kind.\(kind.rawValue)")
                row.detail = kind == .discussVoluntariness ? reasons[entry.person_id]?.text
                    : kind == .consentReview ? entry.subject_id.flatMap { stanceAges[$0] } : nil
                if CaregiverTaskService.doneByHand.contains(kind) { row.action = SiteURL.caregiverTaskDone(entry.id).path }
            } else if let kind = RecipientTaskKind(rawValue: entry.kind) {
                row.task = req.t("recipient_task.kind.\(kind.rawValue)")
                row.href = RecipientTaskService.href(kind: kind, recipientID: entry.person_id, subjectID: entry.subject_id)
                if RecipientTaskService.doneByHand.contains(kind) { row.action = SiteURL.recipientTaskDone(entry.id).path }
            }
            return row
        }

        func pageLink(_ number: Int) -> String {
            var items = [URLQueryItem]()
            if !kindText.isEmpty { items.append(.init(name: "kind", value: kindText)) }
            if !due.isEmpty { items.append(.init(name: "due", value: due)) }
            if sort != "due" { items.append(.init(name: "sort", value: sort)) }
            items.append(.init(name: "page", value: String(number)))
            var components = URLComponents()
            components.queryItems = items
            return SiteURL.caregiverWorklist.path + "?" + (components.percentEncodedQuery ?? "")
        }
        let hasNext = found.count > Self.perPage
        let kindOptions = CaregiverTaskKind.allCases.map { SelectOption(value: $0.rawValue, label: req.t("task.kind.\($0.rawValue)"), selected: $0 == kind) }
            + RecipientTaskKind.allCases.map { SelectOption(value: $0.rawValue, label: req.t("recipient_task.kind.\($0.rawValue)"), selected: $0 == recipientKind) }
        return try await req.renderPage("caregivers/worklist", Page(
            page: .make(for: req, titleKey: "worklist.caregivers_title"),
            rows: rows,
            kinds: [SelectOption(value: "", label: req.t("worklist.all_kinds"), selected: kind == nil && recipientKind == nil)] + kindOptions,
            dues: [("", "worklist.all_dates"), ("overdue", "task.due.overdue"), ("soon", "worklist.due_soon")].map {
                SelectOption(value: $0.0, label: req.t($0.1), selected: $0.0 == due)
            },
            sorts: [("due", "worklist.sort_due"), ("kind", "worklist.sort_kind")].map { SelectOption(value: $0.0, label: req.t($0.1), selected: $0.0 == sort) },
            countText: total > Self.countCap ? req.t("worklist.count_more", req.grouped(Self.countCap)) : req.tp("worklist.count", total),
            showing: rows.isEmpty || (pageNumber == 1 && !hasNext) ? nil
                : req.t("worklist.showing", String(offset + 1), String(offset + rows.count)),
            previousPage: pageNumber > 1 ? pageLink(pageNumber - 1) : nil,
            nextPage: hasNext ? pageLink(pageNumber + 1) : nil,
            action: SiteURL.caregiverWorklist.path))
    }

    @Sendable func done(req: Request) async throws -> Response {
        let user = try req.currentUser
        let id = try req.idParameter()
        try await CaregiverTaskService.markDone(id, by: user, on: req.db)
        let back = SiteURL.safeReturnPath(FormValues(request: req)["return"]) ?? SiteURL.caregiverWorklist.path
        return req.redirect(to: back)
    }

    /// The start page's summary of this list, counted to the same cap as the list.
    static func items(for user: CurrentUser, request req: Request) async throws -> [HomeController.WorklistItem] {
        guard user.hasAny(CaregiverAccess.readers) else { return [] }
        let overdue = try await WorklistQuery.make(for: user, due: .overdue, on: req.db).count(upTo: countCap, on: req.db)
        let dueSoon = try await WorklistQuery.make(for: user, due: .soon, on: req.db).count(upTo: countCap, on: req.db)
        func label(_ key: String, _ count: Int) -> String {
            count > countCap ? req.t(key + "_more", req.grouped(countCap)) : req.tp(key, count)
        }
        var items: [HomeController.WorklistItem] = []
        if overdue > 0 {
            items.append(.init(label: label("worklist.caregiver_overdue", overdue), href: SiteURL.caregiverWorklist.path + "?due=overdue",
                               due: req.t("task.due.overdue"), overdue: true))
        }
        if dueSoon > 0 {
            items.append(.init(label: label("worklist.caregiver_soon", dueSoon), href: SiteURL.caregiverWorklist.path + "?due=soon",
                               due: req.t("worklist.due_soon"), overdue: false))
        }
        return items
    }
}
