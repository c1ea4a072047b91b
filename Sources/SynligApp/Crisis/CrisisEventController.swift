import Fluent
import SynligCore
import Vapor

/// Crisis events: start one over the crisis list, call round with a checklist several staff work
/// through at once (each row saved on its own), close it and read the summary.
struct CrisisEventController: RouteCollection {
    struct EventRow: Encodable {
        var href: String
        var title: String
        var kind: String
        var scope: String
        var started: String
        var open: Bool
        var counts: String
    }

    struct EventsPage: Encodable {
        var page: PageContext
        var backHref: String
        var action: String
        var kinds: [SelectOption]
        var units: [SelectOption]
        var title: String
        var titleError: String?
        var events: [EventRow]
    }

    struct Summary: Encodable {
        var notYetContacted: Int
        var reached: Int
        var notReached: Int
        var needsHelp: Int
        var needingHelp: [String]
    }

    struct ContactRow: Encodable {
        var id: String
        var action: String
        var priority: Int?
        var caregiver: String
        var throughUnit: Bool
        var offList: Bool
        var phone: String?
        var telHref: String?
        var units: String
        var recipient: String
        var relation: String?
        var address: String?
        var status: String
        var statusLabel: String
        var statuses: [SelectOption]
        var note: String
        var version: Int
        var updated: String?
        var error: String?
        /// A refused note, shown at the note field (which then holds what was typed).
        var noteError: String?
    }

    struct EventPage: Encodable {
        var page: PageContext
        var backHref: String
        var kind: String
        var scope: String
        var started: String
        var open: Bool
        var closeAction: String
        var summary: Summary
        var rows: [ContactRow]
        var notice: String?
        var typedNote: String?
    }

    func boot(routes: any RoutesBuilder) throws {
        let readers = routes.recordReaders(CrisisAccess.readers)
        readers.get(SiteURL.crisisEvents.pattern, use: list)
        readers.post(SiteURL.crisisEvents.pattern, use: start)
        readers.get(SiteURL.crisisEvent(SiteURL.anyID).pattern, use: show)
        readers.post(SiteURL.crisisEventContact(SiteURL.anyID, SiteURL.anyID).pattern, use: update)
        readers.post(SiteURL.crisisEventClose(SiteURL.anyID).pattern, use: close)
    }

    // MARK: - The list of events and the form that starts one

    private func renderList(_ req: Request, values: FormValues = FormValues(), titleError: String? = nil,
                            status: HTTPResponseStatus = .ok) async throws -> Response {
        let user = try req.currentUser
        let units = try await Unit.scoped(to: user.organisationID, on: req.db).sort(\.$name).all()
        let unitNames = Dictionary(units.compactMap { unit in unit.id.map { ($0, unit.name) } }, uniquingKeysWith: { first, _ in first })
        let events = try await CrisisEvent.scoped(to: user.organisationID, on: req.db).sort(\.$createdAt, .descending).limit(50).all()
        var rows: [EventRow] = []
        for event in events {
            let statuses = try await CrisisEventContact.scoped(to: user.organisationID, on: req.db)
                .filter(\.$eventID == event.requireID()).all(\.$status)
            rows.append(EventRow(
                href: SiteURL.crisisEvent(try event.requireID()).path, title: event.title, kind: req.t("crisis_event.kind.\(event.kind.rawValue)"),
                scope: event.unitID.flatMap { unitNames[$0] } ?? req.t("crisis.all_units"), started: event.startedOn, open: event.closedAt == nil,
                counts: req.t("crisis_event.counts", String(statuses.filter { $0 != .notYetContacted }.count), String(statuses.count),
                              String(statuses.filter { $0 == .needsHelp }.count))))
        }
        var errors: [PageContext.FormError] = []
        if let titleError { errors.append(.init(field: "title", message: titleError)) }
        let chosenKind = values["kind"] ?? CrisisEvent.Kind.heatWave.rawValue
        return try await req.renderPage("crisis/events", EventsPage(
            page: .make(for: req, titleKey: "crisis_event.list_title", errors: errors), backHref: SiteURL.crisis.path,
            action: SiteURL.crisisEvents.path,
            kinds: CrisisEvent.Kind.allCases.map { SelectOption(value: $0.rawValue, label: req.t("crisis_event.kind.\($0.rawValue)"), selected: $0.rawValue == chosenKind) },
            units: CrisisScope.options(units, selected: values["unit"].flatMap(UUID.init(uuidString:)), req),
            title: values["title"] ?? "", titleError: titleError, events: rows), status: status)
    }

    @Sendable func list(req: Request) async throws -> Response { try await renderList(req) }

    @Sendable func start(req: Request) async throws -> Response {
        let user = try req.currentUser
        let values = FormValues(request: req)
        guard let kind = CrisisEvent.Kind(rawValue: values["kind"] ?? "") else { throw SynligError(.badRequest, "crisis_event.kind_unknown") }
        let unitID = try CrisisScope.unit(values["unit"], among: try await Unit.scoped(to: user.organisationID, on: req.db).all())?.id
        let (title, titleProblem) = TextInput.check(values["title"], required: false, maxLength: 100)
        if let titleProblem {
            let message = titleProblem == .tooLong ? "crisis_event.title_long" : titleProblem.rawValue
            return try await renderList(req, values: values, titleError: req.t(message), status: .unprocessableEntity)
        }
        let event = try await CrisisEventService.start(kind: kind, title: title, unitID: unitID, by: user, on: req.db)
        return req.redirect(to: SiteURL.crisisEvent(try event.requireID()).path)
    }

    // MARK: - One event's checklist

    private func renderEvent(_ req: Request, _ event: CrisisEvent, notice: String? = nil, typedNote: String? = nil,
                             problem: (contactID: UUID, message: String)? = nil, noteProblem: String? = nil,
                             status: HTTPResponseStatus = .ok) async throws -> Response {
        let user = try req.currentUser
        let eventID = try event.requireID()
        let contacts = try await CrisisEventContact.scoped(to: user.organisationID, on: req.db).filter(\.$eventID == eventID).all()
        let entries = try await CrisisListQuery.load(organisationID: user.organisationID, unitID: event.unitID, on: req.db)
        var order: [String: Int] = [:]
        var byPair: [String: CrisisEntry] = [:]
        for (index, entry) in entries.enumerated() {
            let key = "\(entry.caregiverID)/\(entry.recipientID)"
            order[key] = index
            byPair[key] = entry
        }
        // People no longer on the crisis list keep their row, by name only.
        let missing = contacts.filter { byPair["\($0.caregiverID)/\($0.recipientID)"] == nil }
        var names: [UUID: String] = [:]
        if !missing.isEmpty {
            for caregiver in try await Caregiver.scoped(to: user.organisationID, on: req.db).filter(\.$id ~~ missing.map(\.caregiverID)).all() {
                names[try caregiver.requireID()] = caregiver.name
            }
            for recipient in try await CareRecipient.scoped(to: user.organisationID, on: req.db).filter(\.$id ~~ missing.map(\.recipientID)).all() {
                names[try recipient.requireID()] = recipient.name
            }
        }
        let updaters = Set(contacts.compactMap(\.updatedBy))
        var updaterNames: [UUID: String] = [:]
        if !updaters.isEmpty {
            for staff in try await User.scoped(to: user.organisationID, on: req.db).filter(\.$id ~~ Array(updaters)).all() {
                updaterNames[try staff.requireID()] = staff.displayName
            }
        }
        try await req.logAccess(recordType: .caregiver, recordIDs: Array(Set(contacts.map(\.caregiverID))))
        try await req.logAccess(recordType: .careRecipient, recordIDs: Array(Set(contacts.map(\.recipientID))))

        let t = { (key: String, arguments: [String]) in req.application.localizer.text(key, req.textLanguage, arguments) }
        let sorted = contacts.sorted {
            (order["\($0.caregiverID)/\($0.recipientID)"] ?? Int.max) < (order["\($1.caregiverID)/\($1.recipientID)"] ?? Int.max)
        }
        let rows: [ContactRow] = try sorted.map { contact in
            let id = try contact.requireID()
            let entry = byPair["\(contact.caregiverID)/\(contact.recipientID)"]
            let text = entry.map { CrisisListText.row($0, t) }
            return ContactRow(
                id: id.uuidString, action: SiteURL.crisisEventContact(eventID, id).path, priority: text?.priority,
                caregiver: text?.caregiver ?? names[contact.caregiverID] ?? "–", throughUnit: text?.throughUnit ?? true,
                offList: entry == nil, phone: text?.phone, telHref: text?.telHref, units: text?.units ?? "",
                recipient: text?.recipient ?? names[contact.recipientID] ?? "–", relation: text?.relation, address: text?.address,
                status: contact.status.rawValue, statusLabel: req.t("crisis_event.status.\(contact.status.rawValue)"),
                statuses: CrisisEventContact.Status.allCases.map {
                    SelectOption(value: $0.rawValue, label: req.t("crisis_event.status.\($0.rawValue)"), selected: $0 == contact.status)
                },
                note: noteProblem != nil && problem?.contactID == id ? typedNote ?? "" : contact.note, version: contact.version,
                updated: contact.updatedAt.map { req.t("crisis_event.updated", SwedishTime.format($0, language: req.textLanguage),
                                                       contact.updatedBy.flatMap { updaterNames[$0] } ?? "–") },
                error: problem?.contactID == id && noteProblem == nil ? problem?.message : nil,
                noteError: problem?.contactID == id ? noteProblem : nil)
        }
        let statuses = contacts.map(\.status)
        let needingHelp = rows.filter { $0.status == CrisisEventContact.Status.needsHelp.rawValue }.map { "\($0.caregiver) (\($0.recipient))" }
        var errors: [PageContext.FormError] = []
        if let problem { errors.append(.init(field: (noteProblem == nil ? "status-" : "note-") + problem.contactID.uuidString, message: problem.message)) }
        let scope: String = if let unitID = event.unitID {
            try await Unit.scoped(to: user.organisationID, on: req.db).filter(\.$id == unitID).first()?.name ?? "–"
        } else { req.t("crisis.all_units") }
        let kind = req.t("crisis_event.kind.\(event.kind.rawValue)")
        return try await req.renderPage("crisis/event", EventPage(
            page: .make(for: req, titleKey: "crisis_event.title", titleArguments: [event.title.isEmpty ? kind : event.title, event.startedOn], errors: errors),
            backHref: SiteURL.crisisEvents.path, kind: kind, scope: scope, started: event.startedOn, open: event.closedAt == nil,
            closeAction: SiteURL.crisisEventClose(eventID).path,
            summary: Summary(notYetContacted: statuses.filter { $0 == .notYetContacted }.count, reached: statuses.filter { $0 == .reached }.count,
                             notReached: statuses.filter { $0 == .notReached }.count, needsHelp: statuses.filter { $0 == .needsHelp }.count,
                             needingHelp: needingHelp),
            rows: rows, notice: notice, typedNote: typedNote), status: status)
    }

    private func event(_ req: Request) async throws -> CrisisEvent {
        try await CrisisEvent.find(try req.idParameter(), in: try req.currentUser.organisationID, on: req.db)
    }

    @Sendable func show(req: Request) async throws -> Response { try await renderEvent(req, try await event(req)) }

    @Sendable func update(req: Request) async throws -> Response {
        let user = try req.currentUser
        let event = try await event(req)
        let contactID = try req.idParameter("contactID")
        let values = FormValues(request: req)
        let (note, noteProblem) = TextInput.check(values["note"], required: false, maxLength: CrisisEventService.noteLimit, multiline: true)
        guard let status = CrisisEventContact.Status(rawValue: values["status"] ?? "") else {
            return try await renderEvent(req, event, problem: (contactID, req.t("crisis_event.status_unknown")), status: .unprocessableEntity)
        }
        if let noteProblem {
            let message = noteProblem == .tooLong ? "crisis_event.note_long" : noteProblem.rawValue
            // At the note field, holding what was typed, so only the note needs mending.
            return try await renderEvent(req, event, typedNote: values["note"] ?? note, problem: (contactID, req.t(message)),
                                         noteProblem: req.t(message), status: .unprocessableEntity)
        }
        guard let version = values.int("version") else { throw SynligError(.badRequest, "error.invalid_input") }
        do {
            _ = try await CrisisEventService.update(contactID: contactID, in: event, status: status, note: note, version: version, by: user, on: req.db)
        } catch let error as SynligError where error.status == .conflict {
            // Someone saved this row first (or the event was closed): show theirs, keep what this user typed.
            return try await renderEvent(req, event, notice: req.t(error.messageKey), typedNote: note.isEmpty ? nil : note,
                                         problem: (contactID, req.t(error.messageKey)), status: .conflict)
        }
        return req.redirect(to: SiteURL.crisisEvent(try event.requireID()).path + "#row-\(contactID.uuidString)")
    }

    @Sendable func close(req: Request) async throws -> Response {
        let event = try await event(req)
        do {
            try await CrisisEventService.close(event, by: try req.currentUser, on: req.db)
        } catch let error as SynligError where error.status == .conflict {
            return try await renderEvent(req, event, notice: req.t(error.messageKey), status: .conflict)
        }
        return req.redirect(to: SiteURL.crisisEvent(try event.requireID()).path)
    }
}
