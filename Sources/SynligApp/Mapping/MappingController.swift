import Fluent
import SynligCore
import Vapor

/// The mapping pages: the list, starting a mapping, and its overview with respondents,
/// workshops, status and the reflections per area.
struct MappingController: RouteCollection {
    typealias Option = SelectOption

    struct MappingRow: Encodable {
        var title: String
        var href: String
        var period: String
        var status: String
        var scope: String
    }

    struct ListPage: Encodable {
        var page: PageContext
        var rows: [MappingRow]
        var mayCreate: Bool
        var newHref: String
    }

    struct NewPage: Encodable {
        var page: PageContext
        var values: [String: String]
        var scopeUnits: Bool
        var units: [Option]
        var banks: [Option]
        var users: [Option]
        var errors: FormErrors
    }

    struct SheetRow: Encodable {
        var who: String
        var unit: String
        var kind: String
        var status: String
        var href: String
        var historyHref: String
    }

    struct ReflectionForm: Encodable {
        var areaKey: String
        var title: String
        var text: String
    }

    struct ShowPage: Encodable {
        var page: PageContext
        var mappingTitle: String
        var period: String
        var status: String
        var statusKey: String
        var scope: String
        var scopeUnits: [String]
        var responsible: String
        var bankTitle: String
        var source: String
        var sheets: [SheetRow]
        var mayManage: Bool
        var isClosed: Bool
        var canOpen: Bool
        var canClose: Bool
        var statusAction: String
        var responsesAction: String
        var reflectionAction: String
        var users: [Option]
        var units: [Option]
        var unitRequired: Bool
        var reflections: [ReflectionForm]
        var resultsHref: String
        var gapsHref: String
        var reportHref: String
        var csvHref: String
        var jsonHref: String
        var errors: FormErrors
    }

    struct NewForm: Content {
        var title: String?
        var periodStart: String?
        var periodEnd: String?
        var scope: String?
        var units: [String]?
        var bank: String?
        var responsible: String?
    }

    struct StatusForm: Content { var status: String? }
    struct ResponseForm: Content {
        var kind: String?
        var respondent: String?
        var unit: String?
        var participants: String?
    }
    struct ReflectionSubmit: Content {
        var area: String?
        var text: String?
    }

    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.signedIn
        staff.get(SiteURL.mappings.pattern, use: list)
        staff.get(SiteURL.mappingNew.pattern, use: new)
        staff.get(SiteURL.mapping(SiteURL.anyID).pattern, use: show)
        // Forms: the role, then the mapping (404), then the form (the services check again).
        let managers = routes.signedIn(as: MappingService.managers)
        managers.post(SiteURL.mappings.pattern, use: create)
        let mapping = managers.naming(Mapping.self)
        mapping.post(SiteURL.mappingStatus(SiteURL.anyID).pattern, use: changeStatus)
        mapping.post(SiteURL.mappingResponses(SiteURL.anyID).pattern, use: addResponse)
        mapping.post(SiteURL.mappingReflection(SiteURL.anyID).pattern, use: saveReflection)
    }

    private func requireReader(_ req: Request) throws -> CurrentUser {
        let user = try req.currentUser
        guard user.hasAny(MappingService.readers) else { throw SynligError.forbidden }
        return user
    }

    @Sendable func list(req: Request) async throws -> Response {
        let user = try requireReader(req)
        let mappings = try await Mapping.scoped(to: user.organisationID, on: req.db).sort(\.$periodStart, .descending).all()
        let rows = try mappings.map {
            MappingRow(title: $0.title, href: SiteURL.mapping(try $0.requireID()).path,
                       period: "\($0.periodStart) – \($0.periodEnd)", status: req.t("mapping.status.\($0.status.rawValue)"),
                       scope: req.t("mapping.scope.\($0.scope.rawValue)"))
        }
        return try await req.renderPage("mapping/list", ListPage(
            page: .make(for: req, titleKey: "mapping.list_title"), rows: rows,
            mayCreate: user.hasAny(MappingService.managers), newHref: SiteURL.mappingNew.path))
    }

    private func newPage(_ req: Request, values: [String: String], selectedUnits: Set<String>, errors: FormErrors,
                         summary: [PageContext.FormError]) async throws -> NewPage {
        let user = try req.currentUser
        let units = try await Unit.scoped(to: user.organisationID, on: req.db).filter(\.$active == true).sort(\.$name).all()
        let banks = try await QuestionBank.available(to: user.organisationID, on: req.db).sort(\.$createdAt).all()
        let users = try await User.scoped(to: user.organisationID, on: req.db).filter(\.$active == true).sort(\.$displayName).all()
        let responsible = values["responsible"] ?? user.id.uuidString
        return NewPage(
            page: .make(for: req, titleKey: "mapping.new_title", errors: summary), values: values,
            scopeUnits: values["scope"] == MappingScope.units.rawValue,
            units: try units.map { Option(value: try $0.requireID().uuidString, label: $0.name, selected: selectedUnits.contains(try $0.requireID().uuidString)) },
            banks: try banks.map { Option(value: try $0.requireID().uuidString, label: $0.title, selected: values["bank"] == $0.id?.uuidString) },
            users: try users.map { Option(value: try $0.requireID().uuidString, label: $0.displayName, selected: $0.id?.uuidString == responsible) },
            errors: errors)
    }

    @Sendable func new(req: Request) async throws -> Response {
        guard try req.currentUser.hasAny(MappingService.managers) else { throw SynligError.forbidden }
        let today = CalendarDate.today()
        let values = ["periodStart": today.iso, "periodEnd": today.addingMonths(2).iso, "scope": MappingScope.units.rawValue]
        return try await req.renderPage("mapping/new", try await newPage(req, values: values, selectedUnits: [], errors: .none, summary: []))
    }

    @Sendable func create(req: Request) async throws -> Response {
        let user = try req.currentUser
        let form = try req.content.decode(NewForm.self)
        let input = MappingInput(title: form.title, periodStart: form.periodStart, periodEnd: form.periodEnd, scope: form.scope,
                                 unitIDs: form.scope == MappingScope.units.rawValue ? (form.units ?? []) : [],
                                 bankID: form.bank, responsibleUserID: form.responsible)
        do {
            let mapping = try await MappingService.create(input, by: user, on: req.db)
            return req.redirect(to: SiteURL.mapping(try mapping.requireID()).path)
        } catch let error as SynligError where !error.fieldProblems.isEmpty {
            let errors = FormErrors(error.fieldProblems, request: req)
            let values = ["title": String((form.title ?? "").prefix(MappingService.maxTitleLength)), "periodStart": form.periodStart ?? "",
                          "periodEnd": form.periodEnd ?? "", "scope": form.scope ?? "", "bank": form.bank ?? "", "responsible": form.responsible ?? ""]
            let summary = errors.summary([("title", "mapping.title"), ("periodStart", "mapping.period_start"), ("periodEnd", "mapping.period_end"),
                                          ("scope", "mapping.scope"), ("units", "mapping.units"), ("responsible", "mapping.responsible")], request: req)
            return try await req.renderPage("mapping/new", try await newPage(req, values: values, selectedUnits: Set(form.units ?? []),
                                                                            errors: errors, summary: summary), status: error.status)
        }
    }

    @Sendable func show(req: Request) async throws -> Response {
        try await renderShow(req, mappingID: try req.idParameter(), errors: .none, summary: [], status: .ok)
    }

    func renderShow(_ req: Request, mappingID: UUID, errors: FormErrors, summary: [PageContext.FormError], status: HTTPStatus) async throws -> Response {
        let user = try req.currentUser
        let mapping = try await Mapping.find(mappingID, in: user.organisationID, on: req.db)
        let isManager = user.hasAny(MappingService.managers)
        let sheets = try await MappingResponse.query(on: req.db).filter(\.$mappingID == mappingID).sort(\.$createdAt).all()
        // Respondents who are not readers may still open their own sheet, reached from their start page.
        guard user.hasAny(MappingService.readers) else { throw SynligError.forbidden }
        guard let bank = try await QuestionBank.find(mapping.bankID, on: req.db) else { throw SynligError.notFound }
        let content = try bank.content
        let unitNames = try await MappingNames.units(organisationID: user.organisationID, on: req.db)
        // One query for the organisation's users serves both the names and the invite list.
        let users = try await User.scoped(to: user.organisationID, on: req.db).sort(\.$displayName).all()
        let userNames = Dictionary(uniqueKeysWithValues: users.compactMap { u in u.id.map { ($0, u.displayName) } })
        let scopeUnitIDs = try await MappingUnit.query(on: req.db).filter(\.$mappingID == mappingID).all().map(\.unitID)
        let reflections = try await AreaReflection.query(on: req.db).filter(\.$mappingID == mappingID).all()
        let language = req.language.rawValue
        let sheetRows = try sheets.map { sheet in
            SheetRow(who: sheet.kind == .workshop ? req.t("mapping.workshop_with", sheet.participants) : (userNames[sheet.respondentUserID] ?? "–"),
                     unit: sheet.unitID.flatMap { unitNames[$0] } ?? req.t("mapping.whole_organisation"),
                     kind: req.t("mapping.kind.\(sheet.kind.rawValue)"), status: req.t("mapping.sheet_status.\(sheet.status.rawValue)"),
                     href: SiteURL.mappingResponse(mappingID, try sheet.requireID()).path,
                     historyHref: SiteURL.mappingResponseHistory(mappingID, try sheet.requireID()).path)
        }
        let activeUsers = users.filter(\.active)
        let page = ShowPage(
            page: .make(for: req, titleKey: "mapping.show_title", titleArguments: [mapping.title], errors: summary),
            mappingTitle: mapping.title, period: "\(mapping.periodStart) – \(mapping.periodEnd)",
            status: req.t("mapping.status.\(mapping.status.rawValue)"), statusKey: mapping.status.rawValue,
            scope: req.t("mapping.scope.\(mapping.scope.rawValue)"),
            scopeUnits: scopeUnitIDs.compactMap { unitNames[$0] }.sorted(),
            responsible: userNames[mapping.responsibleUserID] ?? "–",
            bankTitle: bank.title, source: MappingNames.sourceLine(content.source),
            sheets: sheetRows, mayManage: isManager, isClosed: mapping.status == .closed,
            canOpen: isManager && mapping.status == .draft, canClose: isManager && mapping.status == .open,
            statusAction: SiteURL.mappingStatus(mappingID).path, responsesAction: SiteURL.mappingResponses(mappingID).path,
            reflectionAction: SiteURL.mappingReflection(mappingID).path,
            users: try activeUsers.map { Option(value: try $0.requireID().uuidString, label: $0.displayName, selected: false) },
            units: scopeUnitIDs.compactMap { id in unitNames[id].map { Option(value: id.uuidString, label: $0, selected: false) } }
                .sorted { $0.label < $1.label },
            unitRequired: mapping.scope == .units,
            reflections: content.areas.map { area in
                ReflectionForm(areaKey: area.key, title: area.title.text(language),
                               text: reflections.first { $0.areaKey == area.key }?.text ?? "")
            },
            resultsHref: SiteURL.mappingResults(mappingID).path, gapsHref: SiteURL.mappingGaps(mappingID).path,
            reportHref: SiteURL.mappingReport(mappingID).path, csvHref: SiteURL.mappingExportCSV(mappingID).path,
            jsonHref: SiteURL.mappingExportJSON(mappingID).path, errors: errors)
        return try await req.renderPage("mapping/show", page, status: status)
    }

    @Sendable func changeStatus(req: Request) async throws -> Response {
        let id = try req.idParameter()
        let form = try req.content.decode(StatusForm.self)
        guard let status = form.status.flatMap(MappingStatus.init(rawValue:)) else {
            throw SynligError(.unprocessableEntity, "mapping.status_change_invalid")
        }
        _ = try await MappingService.changeStatus(id, to: status, by: try req.currentUser, on: req.db)
        return req.redirect(to: SiteURL.mapping(id).path)
    }

    @Sendable func addResponse(req: Request) async throws -> Response {
        let id = try req.idParameter()
        let form = try req.content.decode(ResponseForm.self)
        let kind = form.kind.flatMap(ResponseKind.init(rawValue:)) ?? .individual
        do {
            _ = try await MappingService.addResponse(
                to: id, kind: kind, respondentID: form.respondent.flatMap(UUID.init(uuidString:)),
                unitID: form.unit.flatMap { $0.isEmpty ? nil : UUID(uuidString: $0) }, participants: form.participants,
                by: try req.currentUser, on: req.db)
            return req.redirect(to: SiteURL.mapping(id).path)
        } catch let error as SynligError where !error.fieldProblems.isEmpty {
            let errors = FormErrors(error.fieldProblems, request: req)
            return try await renderShow(req, mappingID: id, errors: errors,
                                        summary: errors.summary([("respondent", "mapping.respondent"), ("unit", "mapping.unit"),
                                                                 ("participants", "mapping.participants")], request: req),
                                        status: error.status)
        }
    }

    @Sendable func saveReflection(req: Request) async throws -> Response {
        let id = try req.idParameter()
        let form = try req.content.decode(ReflectionSubmit.self)
        do {
            try await MappingService.saveReflection(mappingID: id, areaKey: form.area ?? "", text: form.text, by: try req.currentUser, on: req.db)
            return req.redirect(to: SiteURL.mapping(id).path + "#reflections")
        } catch let error as SynligError where !error.fieldProblems.isEmpty {
            let errors = FormErrors(error.fieldProblems, request: req)
            return try await renderShow(req, mappingID: id, errors: errors,
                                        summary: errors.fieldProblems(req), status: error.status)
        }
    }
}

extension FormErrors {
    /// A summary when the fields have no fixed labels (answers, reflections).
    func fieldProblems(_ req: Request) -> [PageContext.FormError] {
        byField.keys.sorted().map { PageContext.FormError(field: $0, message: byField[$0] ?? "") }
    }
}

/// Names for ids, loaded once per page rather than once per row.
enum MappingNames {
    static func units(organisationID: UUID, on db: any Database) async throws -> [UUID: String] {
        let units = try await Unit.scoped(to: organisationID, on: db).all()
        return Dictionary(uniqueKeysWithValues: units.compactMap { unit in unit.id.map { ($0, unit.name) } })
    }

    static func users(organisationID: UUID, on db: any Database) async throws -> [UUID: String] {
        let users = try await User.scoped(to: organisationID, on: db).all()
        return Dictionary(uniqueKeysWithValues: users.compactMap { user in user.id.map { ($0, user.displayName) } })
    }

    /// "Socialstyrelsen, <title>, <part>": the source is named wherever official text is shown.
    static func sourceLine(_ source: QuestionSource) -> String {
        "\(source.publisher), \(source.title), \(source.part)"
    }
}
