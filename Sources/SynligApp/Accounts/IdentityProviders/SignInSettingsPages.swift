import Fluent
import SynligCore
import Vapor

/// The administrator's sign-in settings: the organisation's rules (e-ID only, strong sign-in for
/// records) and its identity providers.
struct SignInSettingsPages: RouteCollection {
    typealias Option = SelectOption

    struct ProviderRow: Encodable {
        var name: String
        var issuer: String
        var userClaim: String
        var assurance: String
        var active: Bool
        var href: String
    }

    struct SettingsPage: Encodable {
        var page: PageContext
        var providers: [ProviderRow]
        var newHref: String
        var redirectURI: String
        var clientKeysURL: String
        var eidOnly: Bool
        var breakGlassOptions: [Option]
        var recordsNeedStrongSignIn: Bool
        var version: Int
        var errors: FormErrors
    }

    struct PolicyForm: Content {
        var passwordSignIn: String?
        var breakGlassUser: String?
        var recordsNeedStrongSignIn: String?
        var version: Int?
    }

    struct ProviderFormPage: Encodable {
        var page: PageContext
        var action: String
        var isNew: Bool
        var name: String
        var issuer: String
        var clientID: String
        var authentications: [Option]
        var hasStoredSecret: Bool
        var clientSecretFile: String
        var userClaim: String
        var extraScopes: String
        var claimsRequest: String
        var requiredAssurance: String
        var justInTimeRoles: [Option]
        var active: Bool
        var version: Int
        var errors: FormErrors
    }

    struct ProviderForm: Content {
        var name: String?
        var issuer: String?
        var clientID: String?
        var clientAuthentication: String?
        var clientSecret: String?
        var clientSecretFile: String?
        var userClaim: String?
        var extraScopes: String?
        var claimsRequest: String?
        var requiredAssurance: String?
        var justInTimeRole: String?
        var active: String?
        var version: Int?
    }

    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.signedIn(as: .admin)
        admin.get(SiteURL.adminSignInPolicy.pattern, use: settings)
        admin.post(SiteURL.adminSignInPolicy.pattern, use: savePolicy)
        admin.get(SiteURL.adminIdentityProviderNew.pattern, use: newProvider)
        admin.post(SiteURL.adminIdentityProviders.pattern, use: createProvider)
        admin.get(SiteURL.adminIdentityProvider(SiteURL.anyID).pattern, use: editProvider)
        admin.post(SiteURL.adminIdentityProvider(SiteURL.anyID).pattern, use: updateProvider)
    }

    // MARK: Rules

    @Sendable func settings(req: Request) async throws -> Response {
        let admin = try req.currentUser
        let policy = try await OrganisationSignInPolicy.forOrganisation(admin.organisationID, on: req.db)
        return try await renderSettings(req, policy: policy, breakGlass: policy.breakGlassUserID?.uuidString,
                                        errors: .none, status: .ok)
    }

    @Sendable func savePolicy(req: Request) async throws -> Response {
        let admin = try req.currentUser
        let form = try req.content.decode(PolicyForm.self)
        let eidOnly = form.passwordSignIn == PasswordSignIn.eidOnly.rawValue
        let breakGlass = form.breakGlassUser.flatMap { $0.isEmpty ? nil : UUID(uuidString: $0) }
        var problems: [SynligError.FieldProblem] = []
        if let raw = form.passwordSignIn, PasswordSignIn(rawValue: raw) == nil {
            problems.append(.init(field: "passwordSignIn", messageKey: "signin_settings.password_sign_in_invalid"))
        }
        let administrators = try await activeAdministrators(admin.organisationID, on: req.db)
        if let breakGlass, !administrators.contains(where: { $0.id == breakGlass }) {
            problems.append(.init(field: "breakGlassUser", messageKey: "signin_settings.break_glass_invalid"))
        }
        if eidOnly {
            // Turning passwords off without a way in would lock everyone out.
            let providers = try await IdentityProvider.scoped(to: admin.organisationID, on: req.db).filter(\.$active == true).count()
            if providers == 0 { problems.append(.init(field: "passwordSignIn", messageKey: "signin_settings.no_provider")) }
            if breakGlass == nil { problems.append(.init(field: "breakGlassUser", messageKey: "signin_settings.break_glass_required")) }
        }
        let policy = try await OrganisationSignInPolicy.forOrganisation(admin.organisationID, on: req.db)
        guard problems.isEmpty else {
            return try await renderSettings(req, policy: policy, breakGlass: form.breakGlassUser,
                                            errors: FormErrors(problems, request: req), status: .unprocessableEntity,
                                            eidOnly: eidOnly, strong: form.recordsNeedStrongSignIn != nil)
        }
        try await AuditTrail.transaction(on: req.db, actor: .user(admin.id)) { tx, audit in
            let current = try await OrganisationSignInPolicy.forOrganisation(admin.organisationID, on: tx)
            guard (form.version ?? 0) == (current.id == nil ? 0 : current.version) else { throw SynligError.staleEdit }
            current.passwordSignIn = eidOnly ? .eidOnly : .allowed
            current.breakGlassUserID = breakGlass
            current.recordsNeedStrongSignIn = form.recordsNeedStrongSignIn != nil
            if current.id == nil { try await current.create(on: tx) } else {
                current.version += 1
                try await current.update(on: tx)
            }
            audit.record("sign_in_policy.update", "organisation", id: admin.organisationID, organisation: admin.organisationID)
        }
        return req.redirect(to: SiteURL.adminSignInPolicy.path)
    }

    private func activeAdministrators(_ organisationID: UUID, on db: any Database) async throws -> [User] {
        try await User.scoped(to: organisationID, on: db).filter(\.$active == true).with(\.$roles).sort(\.$displayName).all()
            .filter { $0.roles.contains { $0.role == .admin } }
    }

    private func renderSettings(_ req: Request, policy: OrganisationSignInPolicy, breakGlass: String?, errors: FormErrors,
                                status: HTTPStatus, eidOnly: Bool? = nil, strong: Bool? = nil) async throws -> Response {
        let admin = try req.currentUser
        let providers = try await IdentityProvider.scoped(to: admin.organisationID, on: req.db).sort(\.$name).all()
        let rows = try providers.map { provider in
            ProviderRow(name: provider.name, issuer: provider.issuer, userClaim: provider.userClaim,
                        assurance: provider.requiredAssurance.isEmpty ? req.t("signin_settings.no_assurance") : provider.requiredAssurance,
                        active: provider.active, href: SiteURL.adminIdentityProvider(try provider.requireID()).path)
        }
        var options = [Option(value: "", label: req.t("signin_settings.break_glass_none"), selected: (breakGlass ?? "").isEmpty)]
        for user in try await activeAdministrators(admin.organisationID, on: req.db) {
            let id = try user.requireID().uuidString
            options.append(Option(value: id, label: "\(user.displayName) (\(user.email))", selected: id == breakGlass))
        }
        let base = IdentityProviderSignInController.baseURL(req)
        return try await req.renderPage("admin/sign-in", SettingsPage(
            page: .make(for: req, titleKey: "signin_settings.title",
                        errors: errors.summary([("passwordSignIn", "signin_settings.password_sign_in"),
                                                ("breakGlassUser", "signin_settings.break_glass")], request: req)),
            providers: rows, newHref: SiteURL.adminIdentityProviderNew.path,
            redirectURI: base + SiteURL.eidCallback.path, clientKeysURL: base + SiteURL.eidClientKeys.path,
            eidOnly: eidOnly ?? (policy.passwordSignIn == .eidOnly), breakGlassOptions: options,
            recordsNeedStrongSignIn: strong ?? policy.recordsNeedStrongSignIn,
            version: policy.id == nil ? 0 : policy.version, errors: errors), status: status)
    }

    // MARK: Providers

    @Sendable func newProvider(req: Request) async throws -> Response {
        try await renderProvider(req, form: ProviderForm(clientAuthentication: IdentityProvider.ClientAuthentication.clientSecretBasic.rawValue,
                                                         active: "on", version: 0),
                                 id: nil, hasStoredSecret: false, errors: .none, status: .ok)
    }

    @Sendable func createProvider(req: Request) async throws -> Response {
        try await saveProvider(req, id: nil)
    }

    @Sendable func editProvider(req: Request) async throws -> Response {
        let admin = try req.currentUser
        let provider = try await IdentityProvider.find(try req.idParameter(), in: admin.organisationID, on: req.db)
        let form = ProviderForm(name: provider.name, issuer: provider.issuer, clientID: provider.clientID,
                                clientAuthentication: provider.clientAuthentication.rawValue, clientSecret: nil,
                                clientSecretFile: provider.clientSecretFile, userClaim: provider.userClaim,
                                extraScopes: provider.extraScopes, claimsRequest: provider.claimsRequest,
                                requiredAssurance: provider.requiredAssurance, justInTimeRole: provider.justInTimeRole?.rawValue,
                                active: provider.active ? "on" : nil, version: provider.version)
        return try await renderProvider(req, form: form, id: provider.id, hasStoredSecret: provider.clientSecretSealed != nil,
                                        errors: .none, status: .ok)
    }

    @Sendable func updateProvider(req: Request) async throws -> Response {
        try await saveProvider(req, id: try req.idParameter())
    }

    private func saveProvider(_ req: Request, id: UUID?) async throws -> Response {
        let admin = try req.currentUser
        let form = try req.content.decode(ProviderForm.self)
        let input = IdentityProviderInput(
            name: form.name, issuer: form.issuer, clientID: form.clientID, clientAuthentication: form.clientAuthentication,
            clientSecret: form.clientSecret, clientSecretFile: form.clientSecretFile, userClaim: form.userClaim,
            extraScopes: form.extraScopes, claimsRequest: form.claimsRequest, requiredAssurance: form.requiredAssurance,
            justInTimeRole: form.justInTimeRole, active: id == nil || form.active != nil, version: form.version)
        do {
            _ = try await IdentityProviderService.save(input, id: id, organisationID: admin.organisationID, actor: .user(admin.id),
                                                       box: req.application.secretBox, on: req.db)
            return req.redirect(to: SiteURL.adminSignInPolicy.path)
        } catch let error as SynligError where !error.fieldProblems.isEmpty {
            var stored = false
            if let id { stored = try await IdentityProvider.find(id, in: admin.organisationID, on: req.db).clientSecretSealed != nil }
            var shown = form
            shown.clientSecret = nil   // a secret is never sent back to the browser
            return try await renderProvider(req, form: shown, id: id, hasStoredSecret: stored,
                                            errors: FormErrors(error.fieldProblems, request: req), status: error.status)
        }
    }

    private func renderProvider(_ req: Request, form: ProviderForm, id: UUID?, hasStoredSecret: Bool,
                                errors: FormErrors, status: HTTPStatus) async throws -> Response {
        let authentications = IdentityProvider.ClientAuthentication.allCases.map {
            Option(value: $0.rawValue, label: req.t("idp.client_authentication.\($0.rawValue)"), selected: $0.rawValue == form.clientAuthentication)
        }
        let roles = [Option(value: "", label: req.t("idp.just_in_time_off"), selected: (form.justInTimeRole ?? "").isEmpty)]
            + Role.allCases.map { Option(value: $0.rawValue, label: req.t("role.\($0.rawValue)"), selected: $0.rawValue == form.justInTimeRole) }
        let fields: [(String, String)] = [("name", "idp.name"), ("issuer", "idp.issuer"), ("clientID", "idp.client_id"),
                                          ("clientAuthentication", "idp.client_authentication"), ("clientSecret", "idp.client_secret"),
                                          ("clientSecretFile", "idp.client_secret_file"), ("userClaim", "idp.user_claim"),
                                          ("extraScopes", "idp.extra_scopes"), ("claimsRequest", "idp.claims_request"),
                                          ("requiredAssurance", "idp.required_assurance"), ("justInTimeRole", "idp.just_in_time_role")]
        return try await req.renderPage("admin/identity-provider-form", ProviderFormPage(
            page: .make(for: req, titleKey: id == nil ? "idp.new_title" : "idp.edit_title", errors: errors.summary(fields, request: req)),
            action: id.map { SiteURL.adminIdentityProvider($0).path } ?? SiteURL.adminIdentityProviders.path,
            isNew: id == nil, name: String((form.name ?? "").prefix(200)), issuer: String((form.issuer ?? "").prefix(600)),
            clientID: String((form.clientID ?? "").prefix(300)), authentications: authentications, hasStoredSecret: hasStoredSecret,
            clientSecretFile: String((form.clientSecretFile ?? "").prefix(600)), userClaim: String((form.userClaim ?? "").prefix(200)),
            extraScopes: String((form.extraScopes ?? "").prefix(600)), claimsRequest: String((form.claimsRequest ?? "").prefix(2100)),
            requiredAssurance: String((form.requiredAssurance ?? "").prefix(600)), justInTimeRoles: roles,
            active: form.active != nil, version: form.version ?? 0, errors: errors), status: status)
    }
}
