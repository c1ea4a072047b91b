import Fluent
import SynligCore
import Vapor

/// The administrator's user pages: list, create, edit, deactivate.
struct UserPages: Sendable {
    typealias Option = SelectOption

    struct UserRow: Encodable {
        var displayName: String
        var email: String
        var roles: String
        var active: Bool
        var href: String
    }

    struct UsersPage: Encodable {
        var page: PageContext
        var users: [UserRow]
        var newHref: String
    }

    struct UserFormPage: Encodable {
        var page: PageContext
        var action: String
        var isNew: Bool
        var email: String
        var displayName: String
        var signInIdentity: String
        var roles: [Option]
        var units: [Option]
        var version: Int
        var active: Bool
        var deactivateAction: String?
        var reactivateAction: String?
        var errors: FormErrors
        /// For a colleague who lost both the authenticator app and the reserve codes.
        var secondFactorResetAction: String? = nil
    }

    struct UserForm: Content {
        var email: String?
        var displayName: String?
        var password: String?
        var roles: [String]?
        var units: [String]?
        var version: Int?
        var signInIdentity: String?
    }

    @Sendable func list(req: Request) async throws -> Response {
        let admin = try req.currentUser
        let users = try await User.scoped(to: admin.organisationID, on: req.db).with(\.$roles).sort(\.$displayName).all()
        let rows = try users.map { user in
            UserRow(displayName: user.displayName, email: user.email,
                    roles: user.roles.map(\.role).sorted().map { req.t("role.\($0.rawValue)") }.joined(separator: ", "),
                    active: user.active, href: SiteURL.adminUser(try user.requireID()).path)
        }
        return try await req.renderPage("admin/users", UsersPage(
            page: .make(for: req, titleKey: "users.title"), users: rows, newHref: SiteURL.adminUserNew.path))
    }

    private func options(_ req: Request, organisationID: UUID, roles: Set<String>, units: Set<String>) async throws -> ([Option], [Option]) {
        let roleOptions = Role.allCases.map { Option(value: $0.rawValue, label: req.t("role.\($0.rawValue)"), selected: roles.contains($0.rawValue)) }
        let unitOptions = try await Unit.scoped(to: organisationID, on: req.db).sort(\.$name).all().map {
            let id = try $0.requireID().uuidString
            return Option(value: id, label: $0.name, selected: units.contains(id))
        }
        return (roleOptions, unitOptions)
    }

    @Sendable func new(req: Request) async throws -> Response {
        let admin = try req.currentUser
        let (roles, units) = try await options(req, organisationID: admin.organisationID, roles: [], units: [])
        return try await req.renderPage("admin/user-form", UserFormPage(
            page: .make(for: req, titleKey: "users.new_title"), action: SiteURL.adminUsers.path, isNew: true,
            email: "", displayName: "", signInIdentity: "", roles: roles, units: units, version: 0, active: true,
            deactivateAction: nil, reactivateAction: nil, errors: .none))
    }

    @Sendable func create(req: Request) async throws -> Response {
        let admin = try req.currentUser
        let form = try req.content.decode(UserForm.self)
        do {
            _ = try await UserService.create(input(form), organisationID: admin.organisationID, actor: .user(admin.id), request: req)
            return req.redirect(to: SiteURL.adminUsers.path)
        } catch let error as SynligError where !error.fieldProblems.isEmpty {
            return try await formWithErrors(req, error: error, form: form, action: SiteURL.adminUsers.path, userID: nil, active: true)
        }
    }

    /// Reading a colleague's account is reading personal data: it goes to the access log.
    @Sendable func edit(req: Request) async throws -> Response {
        let admin = try req.currentUser
        let user = try await User.find(try req.idParameter(), in: admin.organisationID, on: req.db)
        let id = try user.requireID()
        try await req.logAccess(recordType: .user, recordID: id)
        let roleValues = Set(try await user.$roles.get(on: req.db).map(\.role.rawValue))
        let unitValues = Set(try await user.$unitMemberships.get(on: req.db).map { $0.$unit.id.uuidString })
        let (roles, units) = try await options(req, organisationID: admin.organisationID, roles: roleValues, units: unitValues)
        let hasSecondFactor = try await SecondFactorService.confirmedFactor(userID: id, on: req.db) != nil
        return try await req.renderPage("admin/user-form", UserFormPage(
            page: .make(for: req, titleKey: "users.edit_title"), action: SiteURL.adminUser(id).path, isNew: false,
            email: user.email, displayName: user.displayName, signInIdentity: user.signInIdentity ?? "", roles: roles, units: units, version: user.version,
            active: user.active,
            deactivateAction: user.active && id != admin.id ? SiteURL.adminUserDeactivate(id).path : nil,
            reactivateAction: user.active ? nil : SiteURL.adminUserReactivate(id).path, errors: .none,
            // One's own app is removed on one's own account page, with a code.
            secondFactorResetAction: hasSecondFactor && id != admin.id ? SiteURL.adminUserSecondFactorReset(id).path : nil))
    }

    @Sendable func update(req: Request) async throws -> Response {
        let id = try req.idParameter()
        let form = try req.content.decode(UserForm.self)
        do {
            _ = try await UserService.update(id, input(form), by: try req.currentUser, request: req)
            return req.redirect(to: SiteURL.adminUsers.path)
        } catch let error as SynligError where !error.fieldProblems.isEmpty {
            return try await formWithErrors(req, error: error, form: form, action: SiteURL.adminUser(id).path, userID: id, active: true)
        }
    }

    @Sendable func deactivate(req: Request) async throws -> Response {
        _ = try await UserService.setActive(false, userID: try req.idParameter(), by: try req.currentUser, on: req.db)
        return req.redirect(to: SiteURL.adminUsers.path)
    }

    @Sendable func resetSecondFactor(req: Request) async throws -> Response {
        let id = try req.idParameter()
        try await SecondFactorService.reset(userID: id, by: try req.currentUser, on: req.db)
        return req.redirect(to: SiteURL.adminUser(id).path)
    }

    @Sendable func reactivate(req: Request) async throws -> Response {
        _ = try await UserService.setActive(true, userID: try req.idParameter(), by: try req.currentUser, on: req.db)
        return req.redirect(to: SiteURL.adminUsers.path)
    }

    private func input(_ form: UserForm) -> UserInput {
        UserInput(email: form.email, displayName: form.displayName, password: form.password,
                  roles: form.roles ?? [], unitIDs: form.units ?? [], version: form.version,
                  signInIdentity: form.signInIdentity ?? "")
    }

    private func formWithErrors(_ req: Request, error: SynligError, form: UserForm, action: String, userID: UUID?, active: Bool) async throws -> Response {
        let admin = try req.currentUser
        let errors = FormErrors(error.fieldProblems, request: req)
        let (roles, units) = try await options(req, organisationID: admin.organisationID,
                                               roles: Set(form.roles ?? []), units: Set(form.units ?? []))
        return try await req.renderPage("admin/user-form", UserFormPage(
            page: .make(for: req, titleKey: userID == nil ? "users.new_title" : "users.edit_title",
                        errors: errors.summary([("displayName", "user.display_name"), ("email", "user.email"), ("signInIdentity", "user.sign_in_identity"), ("password", "user.password"), ("roles", "user.roles"), ("units", "user.units")], request: req)),
            action: action, isNew: userID == nil, email: String((form.email ?? "").prefix(254)),
            displayName: String((form.displayName ?? "").prefix(200)),
            signInIdentity: String((form.signInIdentity ?? "").prefix(300)), roles: roles, units: units,
            version: form.version ?? 0, active: active, deactivateAction: nil, reactivateAction: nil, errors: errors),
            status: error.status)
    }
}
