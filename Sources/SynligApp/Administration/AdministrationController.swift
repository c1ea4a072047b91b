import Fluent
import SynligCore
import Vapor

/// The administrator's pages for units and users.
struct AdministrationController: RouteCollection {
    typealias Option = SelectOption

    struct UnitRow: Encodable {
        var name: String
        var kind: String
        var active: Bool
        var href: String
    }

    struct UnitsPage: Encodable {
        var page: PageContext
        var units: [UnitRow]
        var newHref: String
    }

    struct UnitFormPage: Encodable {
        var page: PageContext
        var action: String
        var name: String
        var kinds: [Option]
        var active: Bool
        var version: Int
        var isNew: Bool
        var errors: FormErrors
    }

    struct UnitForm: Content {
        var name: String?
        var kind: String?
        var active: String?
        var version: Int?
    }

    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.signedIn(as: .admin)
        admin.get(SiteURL.adminUnits.pattern, use: listUnits)
        admin.get(SiteURL.adminUnitNew.pattern, use: newUnit)
        admin.post(SiteURL.adminUnits.pattern, use: createUnit)
        admin.get(SiteURL.adminUnit(SiteURL.anyID).pattern, use: editUnit)
        admin.post(SiteURL.adminUnit(SiteURL.anyID).pattern, use: updateUnit)

        let users = UserPages()
        admin.get(SiteURL.adminUsers.pattern, use: users.list)
        admin.get(SiteURL.adminUserNew.pattern, use: users.new)
        admin.post(SiteURL.adminUsers.pattern, use: users.create)
        admin.get(SiteURL.adminUser(SiteURL.anyID).pattern, use: users.edit)
        admin.post(SiteURL.adminUser(SiteURL.anyID).pattern, use: users.update)
        admin.post(SiteURL.adminUserDeactivate(SiteURL.anyID).pattern, use: users.deactivate)
        admin.post(SiteURL.adminUserReactivate(SiteURL.anyID).pattern, use: users.reactivate)
        admin.post(SiteURL.adminUserSecondFactorReset(SiteURL.anyID).pattern, use: users.resetSecondFactor)
    }

    static func kindOptions(_ req: Request, selected: String?) -> [Option] {
        UnitKind.allCases.map { Option(value: $0.rawValue, label: req.t("unit.kind.\($0.rawValue)"), selected: $0.rawValue == selected) }
    }

    @Sendable func listUnits(req: Request) async throws -> Response {
        let user = try req.currentUser
        let units = try await Unit.scoped(to: user.organisationID, on: req.db).sort(\.$name).all()
        let rows = try units.map {
            UnitRow(name: $0.name, kind: req.t("unit.kind.\($0.kind.rawValue)"), active: $0.active, href: SiteURL.adminUnit(try $0.requireID()).path)
        }
        return try await req.renderPage("admin/units", UnitsPage(
            page: .make(for: req, titleKey: "units.title"), units: rows, newHref: SiteURL.adminUnitNew.path))
    }

    @Sendable func newUnit(req: Request) async throws -> Response {
        try await req.renderPage("admin/unit-form", UnitFormPage(
            page: .make(for: req, titleKey: "units.new_title"), action: SiteURL.adminUnits.path, name: "",
            kinds: Self.kindOptions(req, selected: nil), active: true, version: 0, isNew: true, errors: .none))
    }

    @Sendable func createUnit(req: Request) async throws -> Response {
        let form = try req.content.decode(UnitForm.self)
        let input = UnitInput(name: form.name, kind: form.kind, active: true, version: nil)
        do {
            _ = try await UnitService.create(input, by: try req.currentUser, on: req.db)
            return req.redirect(to: SiteURL.adminUnits.path)
        } catch let error as SynligError where !error.fieldProblems.isEmpty {
            return try await unitFormWithErrors(req, error: error, form: form, action: SiteURL.adminUnits.path, isNew: true)
        }
    }

    @Sendable func editUnit(req: Request) async throws -> Response {
        let user = try req.currentUser
        let unit = try await Unit.find(try req.idParameter(), in: user.organisationID, on: req.db)
        return try await req.renderPage("admin/unit-form", UnitFormPage(
            page: .make(for: req, titleKey: "units.edit_title"), action: SiteURL.adminUnit(try unit.requireID()).path,
            name: unit.name, kinds: Self.kindOptions(req, selected: unit.kind.rawValue), active: unit.active,
            version: unit.version, isNew: false, errors: .none))
    }

    @Sendable func updateUnit(req: Request) async throws -> Response {
        let id = try req.idParameter()
        let form = try req.content.decode(UnitForm.self)
        let input = UnitInput(name: form.name, kind: form.kind, active: form.active == "on", version: form.version)
        do {
            _ = try await UnitService.update(id, input, by: try req.currentUser, on: req.db)
            return req.redirect(to: SiteURL.adminUnits.path)
        } catch let error as SynligError where !error.fieldProblems.isEmpty {
            return try await unitFormWithErrors(req, error: error, form: form, action: SiteURL.adminUnit(id).path, isNew: false)
        }
    }

    private func unitFormWithErrors(_ req: Request, error: SynligError, form: UnitForm, action: String, isNew: Bool) async throws -> Response {
        let errors = FormErrors(error.fieldProblems, request: req)
        return try await req.renderPage("admin/unit-form", UnitFormPage(
            page: .make(for: req, titleKey: isNew ? "units.new_title" : "units.edit_title",
                        errors: errors.summary([("name", "unit.name"), ("kind", "unit.kind")], request: req)),
            action: action, name: String((form.name ?? "").prefix(200)), kinds: Self.kindOptions(req, selected: form.kind),
            active: isNew || form.active == "on", version: form.version ?? 0, isNew: isNew, errors: errors),
            status: error.status)
    }
}
