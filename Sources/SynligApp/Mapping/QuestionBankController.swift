import Fluent
import SynligCore
import Vapor

/// The question bank pages: the official bank to read, own versions to copy and edit.
struct QuestionBankController: RouteCollection {
    typealias Option = SelectOption

    struct BankRow: Encodable {
        var title: String
        var href: String
        var isOfficial: Bool
        var inUse: Bool
    }

    struct ListPage: Encodable {
        var page: PageContext
        var banks: [BankRow]
        var mayManage: Bool
        var copyAction: String
        var sources: [Option]
        var errors: FormErrors
    }

    struct QuestionRow: Encodable {
        var key: String
        var number: String
        var area: String
        var sv: String
        var en: String
        var isCustom: Bool
        var followUps: [String]
        var routines: [String]
        var svError: String?
        var enError: String?
    }

    struct ShowPage: Encodable {
        var page: PageContext
        var title: String
        var source: String
        var translationNote: String
        var isOfficial: Bool
        var editable: Bool
        var lockedReason: String?
        var questions: [QuestionRow]
        var action: String
        var addAction: String
        var version: Int
        var areas: [Option]
        var errors: FormErrors
        /// What was typed into the new-question form before a refusal.
        var newSv = "", newEn = ""
    }

    struct CopyForm: Content {
        var source: String?
        var title: String?
    }

    struct EditForm: Content {
        var include: [String: String]?
        var sv: [String: String]?
        var en: [String: String]?
        var version: Int?
    }

    struct AddForm: Content {
        var newArea: String?
        var newFormat: String?
        var newSv: String?
        var newEn: String?
    }

    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.signedIn
        staff.get(SiteURL.banks.pattern, use: list)
        staff.get(SiteURL.bank(SiteURL.anyID).pattern, use: show)
        // Forms: the role, then the bank (404), then the form (the service checks again).
        let managers = routes.signedIn(as: MappingService.managers)
        managers.post(SiteURL.banks.pattern, use: copy)
        let bank = managers.naming { try await QuestionBank.find($0, availableTo: $1.organisationID, on: $2) }
        bank.post(SiteURL.bank(SiteURL.anyID).pattern, use: edit)
        bank.post(SiteURL.bankQuestions(SiteURL.anyID).pattern, use: addQuestion)
    }

    private func reader(_ req: Request) throws -> CurrentUser {
        let user = try req.currentUser
        guard user.hasAny(MappingService.readers) else { throw SynligError.forbidden }
        return user
    }

    @Sendable func list(req: Request) async throws -> Response {
        try await renderList(req, errors: .none, summary: [], status: .ok)
    }

    private func renderList(_ req: Request, errors: FormErrors, summary: [PageContext.FormError], status: HTTPStatus) async throws -> Response {
        let user = try reader(req)
        let banks = try await QuestionBank.available(to: user.organisationID, on: req.db).sort(\.$createdAt).all()
        let used = Set(try await Mapping.scoped(to: user.organisationID, on: req.db).all().map(\.bankID))
        return try await req.renderPage("mapping/banks", ListPage(
            page: .make(for: req, titleKey: "bank.list_title", errors: summary),
            banks: try banks.map { BankRow(title: $0.title, href: SiteURL.bank(try $0.requireID()).path, isOfficial: $0.isOfficial,
                                           inUse: $0.id.map(used.contains) ?? false) },
            mayManage: user.hasAny(MappingService.managers), copyAction: SiteURL.banks.path,
            sources: try banks.map { Option(value: try $0.requireID().uuidString, label: $0.title, selected: $0.isOfficial) },
            errors: errors), status: status)
    }

    @Sendable func copy(req: Request) async throws -> Response {
        let form = try req.content.decode(CopyForm.self)
        guard let source = form.source.flatMap(UUID.init(uuidString:)) else { throw SynligError.notFound }
        do {
            let bank = try await QuestionBankService.copy(source, title: form.title, by: try req.currentUser, on: req.db)
            return req.redirect(to: SiteURL.bank(try bank.requireID()).path)
        } catch let error as SynligError where !error.fieldProblems.isEmpty {
            let errors = FormErrors(error.fieldProblems, request: req)
            return try await renderList(req, errors: errors, summary: errors.summary([("title", "bank.title")], request: req), status: error.status)
        }
    }

    @Sendable func show(req: Request) async throws -> Response {
        try await render(req, bankID: try req.idParameter(), errors: .none, summary: [], status: .ok)
    }

    /// The bank page; after a refusal `typed` holds the texts as typed, so nothing is lost.
    private func render(_ req: Request, bankID: UUID, errors: FormErrors, summary: [PageContext.FormError], status: HTTPStatus,
                        typed: EditForm? = nil, added: AddForm? = nil) async throws -> Response {
        let user = try reader(req)
        let bank = try await QuestionBank.find(bankID, availableTo: user.organisationID, on: req.db)
        let content = try bank.content
        let inUse = try await QuestionBankService.isInUse(bankID, on: req.db)
        let editable = !bank.isOfficial && !inUse && user.hasAny(MappingService.managers)
        let language = req.language.rawValue
        let areaTitles = Dictionary(uniqueKeysWithValues: content.areas.map { ($0.key, $0.title.text(language)) })
        let lockedReason: String? = bank.isOfficial ? req.t("bank.official_read_only") : inUse ? req.t("bank.in_use") : nil
        return try await req.renderPage("mapping/bank", ShowPage(
            page: .make(for: req, titleKey: "bank.show_title", titleArguments: [bank.title], errors: summary),
            title: bank.title, source: MappingNames.sourceLine(content.source), translationNote: content.source.translationNote.text(language),
            isOfficial: bank.isOfficial, editable: editable, lockedReason: lockedReason,
            questions: content.questions.map { question in
                QuestionRow(key: question.key, number: question.number, area: areaTitles[question.area] ?? question.area,
                            sv: typed?.sv?[question.key] ?? question.text.sv, en: typed?.en?[question.key] ?? question.text.en,
                            isCustom: question.isCustom,
                            followUps: question.followUps.map { $0.text.text(language) },
                            routines: question.routines.map { $0.text.text(language) },
                            svError: errors.byField["sv-" + question.key], enError: errors.byField["en-" + question.key])
            },
            action: SiteURL.bank(bankID).path, addAction: SiteURL.bankQuestions(bankID).path, version: bank.version,
            areas: content.areas.map { Option(value: $0.key, label: $0.title.text(language), selected: false) },
            errors: errors, newSv: added?.newSv ?? "", newEn: added?.newEn ?? ""), status: status)
    }

    @Sendable func edit(req: Request) async throws -> Response {
        let bankID = try req.idParameter()
        let form = try req.content.decode(EditForm.self)
        let bank = try await QuestionBank.find(bankID, availableTo: try req.currentUser.organisationID, on: req.db)
        var edits: [String: QuestionEdit] = [:]
        for question in try bank.content.questions {
            edits[question.key] = QuestionEdit(include: form.include?[question.key] == "on",
                                               sv: form.sv?[question.key], en: form.en?[question.key])
        }
        do {
            _ = try await QuestionBankService.edit(bankID, edits: edits, version: form.version, by: try req.currentUser, on: req.db)
            return req.redirect(to: SiteURL.bank(bankID).path)
        } catch let error as SynligError where !error.fieldProblems.isEmpty {
            let errors = FormErrors(error.fieldProblems, request: req)
            return try await render(req, bankID: bankID, errors: errors, summary: Self.editSummary(errors, req), status: error.status, typed: form)
        }
    }

    /// Each problem names its question, so the summary's links say where they lead.
    static func editSummary(_ errors: FormErrors, _ req: Request) -> [PageContext.FormError] {
        errors.byField.keys.sorted().map { field in
            let label: String
            if field == "questions" { label = req.t("bank.questions") }
            else if field.hasPrefix("sv-") { label = req.t("bank.text_sv") + " " + field.dropFirst(3) }
            else if field.hasPrefix("en-") { label = req.t("bank.text_en") + " " + field.dropFirst(3) }
            else { label = field }
            return PageContext.FormError(field: field, message: label + ": " + (errors.byField[field] ?? ""))
        }
    }

    @Sendable func addQuestion(req: Request) async throws -> Response {
        let bankID = try req.idParameter()
        let form = try req.content.decode(AddForm.self)
        do {
            _ = try await QuestionBankService.addQuestion(bankID, NewQuestionInput(area: form.newArea, format: form.newFormat, sv: form.newSv, en: form.newEn),
                                                          by: try req.currentUser, on: req.db)
            return req.redirect(to: SiteURL.bank(bankID).path)
        } catch let error as SynligError where !error.fieldProblems.isEmpty {
            let errors = FormErrors(error.fieldProblems, request: req)
            return try await render(req, bankID: bankID, errors: errors, summary: errors.summary(
                [("newArea", "bank.area"), ("newFormat", "bank.format"), ("newSv", "bank.text_sv"), ("newEn", "bank.text_en")], request: req),
                status: error.status, added: form)
        }
    }
}
