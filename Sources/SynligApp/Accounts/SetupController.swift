import Fluent
import SynligCore
import Vapor

/// First start of an empty installation: a one-time link creates the organisation and its
/// first administrator. No default password ever exists outside demo mode.
struct SetupController: RouteCollection {
    static let validity: TimeInterval = 3600

    struct SetupPage: Encodable {
        var page: PageContext
        var action: String
        var values: [String: String]
        var errors: FormErrors
        var kinds: [Option]
    }

    typealias Option = SelectOption

    struct SetupForm: Content {
        var organisationName: String?
        var organisationKind: String?
        var organisationCode: String?
        var displayName: String?
        var email: String?
        var password: String?
    }

    func boot(routes: any RoutesBuilder) throws {
        let pattern = SiteURL.setup(token: ":token").pattern
        routes.browser.get(pattern, use: show)
        routes.browser.post(pattern, use: complete)
    }

    /// Creates a setup link if the installation has no users yet; returns the token to print.
    static func issueTokenIfEmpty(on db: any Database) async throws -> String? {
        guard try await User.query(on: db).count() == 0 else { return nil }
        let token = SecretToken.generate()
        let now = Date()
        try await SetupToken(tokenHash: SecretToken.hash(token), createdAt: now, expiresAt: now.addingTimeInterval(validity)).create(on: db)
        return token
    }

    private func validToken(_ req: Request) async throws -> SetupToken {
        let token = req.parameters.get("token") ?? ""
        guard let setup = try await SetupToken.query(on: req.db)
            .filter(\.$tokenHash == SecretToken.hash(token))
            .filter(\.$usedAt == nil)
            .first(),
            setup.expiresAt > Date(),
            try await User.query(on: req.db).count() == 0
        else { throw SynligError(.notFound, "setup.invalid") }
        return setup
    }

    private func kindOptions(_ req: Request, selected: String?) -> [Option] {
        OrganisationKind.allCases.map {
            Option(value: $0.rawValue, label: req.t("organisation.kind.\($0.rawValue)"), selected: $0.rawValue == selected)
        }
    }

    @Sendable func show(req: Request) async throws -> Response {
        _ = try await validToken(req)
        return try await req.renderPage("setup", SetupPage(
            page: .make(for: req, titleKey: "setup.title"), action: req.url.path, values: [:],
            errors: .none, kinds: kindOptions(req, selected: OrganisationKind.municipality.rawValue)))
    }

    @Sendable func complete(req: Request) async throws -> Response {
        let setup = try await validToken(req)
        let form = try req.content.decode(SetupForm.self)
        var problems: [SynligError.FieldProblem] = []
        let (orgName, orgNameProblem) = TextInput.check(form.organisationName, required: true, maxLength: 120)
        if let orgNameProblem { problems.append(.init(field: "organisationName", messageKey: orgNameProblem.rawValue)) }
        let kind = form.organisationKind.flatMap(OrganisationKind.init(rawValue:))
        if kind == nil { problems.append(.init(field: "organisationKind", messageKey: "organisation.kind_invalid")) }
        let code = (form.organisationCode ?? "").trimmingCharacters(in: .whitespaces)
        if let kind, !OrganisationCode.isValid(code, kind: kind) {
            problems.append(.init(field: "organisationCode", messageKey: "organisation.code_invalid"))
        }
        let userInput = UserInput(email: form.email, displayName: form.displayName, password: form.password, roles: [Role.admin.rawValue])
        let (validUser, userProblems) = UserService.validate(userInput, creating: true)
        problems += userProblems
        guard problems.isEmpty, let kind, let validUser, let password = validUser.password else {
            let errors = FormErrors(problems, request: req)
            var values = ["organisationName": form.organisationName ?? "", "organisationCode": code,
                          "displayName": form.displayName ?? "", "email": form.email ?? ""]
            values = values.mapValues { String($0.prefix(254)) }
            return try await req.renderPage("setup", SetupPage(
                page: .make(for: req, titleKey: "setup.title", errors: errors.summary(
                    [("organisationName", "setup.organisation_name"), ("organisationKind", "setup.organisation_kind"),
                     ("organisationCode", "setup.organisation_code"), ("displayName", "user.display_name"),
                     ("email", "user.email"), ("password", "user.password")], request: req)),
                action: req.url.path, values: values, errors: errors, kinds: kindOptions(req, selected: form.organisationKind)),
                status: .unprocessableEntity)
        }
        let hash = try await req.password.async.hash(password)
        // Organisation, administrator and the used link commit together or not at all.
        let admin = try await AuditTrail.transaction(on: req.db, actor: .system) { tx, audit in
            guard try await SetupToken.query(on: tx).filter(\.$id == setup.requireID()).filter(\.$usedAt == nil)
                .count() == 1 else { throw SynligError(.notFound, "setup.invalid") }
            let organisation = Organisation(name: orgName, code: code, kind: kind)
            try await organisation.create(on: tx)
            setup.usedAt = Date()
            try await setup.update(on: tx)
            audit.record("organisation.create", "organisation", id: organisation.id, organisation: organisation.id)
            return try await UserService.insert(validUser, passwordHash: hash, organisationID: organisation.requireID(),
                                                on: tx, audit: audit)
        }
        let (token, _) = try await Sessions.start(for: admin, kind: .browser, on: req.db)
        let response = req.redirect(to: SiteURL.home.path)
        let cookie = Sessions.sessionCookie(token: token, request: req)
        response.cookies[cookie.name] = cookie.value
        return response
    }
}
