import Fluent
import Vapor

/// Sign-in and sign-out for the browser.
struct LoginController: RouteCollection {
    struct LoginPage: Encodable {
        var page: PageContext
        var email: String
        var returnPath: String
        var message: String?
        /// Why the user is back at the password: the code step took longer than five minutes.
        var notice: String?
        /// The identity providers to sign in with, the last one chosen first.
        var providers: [ProviderChoice]
    }

    struct SignedOutPage: Encodable {
        var page: PageContext
        var providerSignOut: String
    }

    struct ProviderChoice: Encodable {
        var href: String
        var label: String
    }

    struct LoginForm: Content {
        var email: String?
        var password: String?
        var returnPath: String?

        enum CodingKeys: String, CodingKey {
            case email, password
            case returnPath = "return"
        }
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.browser.get(SiteURL.login.pattern, use: show)
        routes.browser.post(SiteURL.login.pattern, use: signIn)
        routes.signedIn.post(SiteURL.logout.pattern, use: signOut)
    }

    @Sendable func show(req: Request) async throws -> Response {
        if req.auth.has(CurrentUser.self) { return req.redirect(to: SiteURL.home.path) }
        let back = SiteURL.safeReturnPath(req.query[String.self, at: "return"]) ?? ""
        let notice = req.query[String.self, at: "expired"] == "1" ? req.t("second_factor.expired") : nil
        return try await req.renderPage("login", LoginPage(page: .make(for: req, titleKey: "login.title"),
                                                           email: "", returnPath: back, message: nil, notice: notice,
                                                           providers: try await providerChoices(req)))
    }

    @Sendable func signIn(req: Request) async throws -> Response {
        let form = try req.content.decode(LoginForm.self)
        let back = SiteURL.safeReturnPath(form.returnPath) ?? SiteURL.home.path
        do {
            let user = try await SignInService.authenticate(email: form.email ?? "", password: form.password ?? "", request: req)
            if try await SecondFactorService.confirmedFactor(userID: try user.requireID(), on: req.db) != nil {
                return try await SecondFactorSignInController.begin(user: user, returnPath: back, request: req)
            }
            return try await SignInCompletion.finish(user: user, proof: .password, returnPath: back, request: req)
        } catch let error as SynligError where [.unauthorized, .tooManyRequests, .forbidden].contains(error.status) {
            let message = error.message(req.application.localizer, req.textLanguage)
            let email = String((form.email ?? "").prefix(254))
            let page = LoginPage(
                page: .make(for: req, titleKey: "login.title", errors: [.init(field: "email", message: message)]),
                email: email, returnPath: form.returnPath.flatMap(SiteURL.safeReturnPath) ?? "", message: message, notice: nil,
                providers: try await providerChoices(req))
            let response = try await req.renderPage("login", page, status: error.status)
            for (name, value) in error.headers { response.headers.replaceOrAdd(name: name, value: value) }
            return response
        }
    }

    @Sendable func signOut(req: Request) async throws -> Response {
        let user = try req.currentUser
        try await Sessions.end(sessionID: user.sessionID, on: req.db)
        try await AuditTrail.transaction(on: req.db, actor: .user(user.id)) { _, audit in
            audit.record("session.sign_out", "auth_session", id: user.sessionID, organisation: user.organisationID)
        }
        req.auth.logout(CurrentUser.self)
        let response: Response
        if let providerSignOut = try await providerSignOut(user, req) {
            var page = PageContext.make(for: req, titleKey: "logout.provider_title")
            page.continueTo = providerSignOut
            response = try await req.renderPage("signed-out", SignedOutPage(page: page, providerSignOut: providerSignOut))
        } else {
            response = req.redirect(to: SiteURL.login.path)
        }
        Sessions.clearCookies(on: response)
        return response
    }

    /// A link per active identity provider, labelled with its organisation's name. Links, not a
    /// form: `form-action 'self'` would stop a form's redirect on to the provider.
    private func providerChoices(_ req: Request) async throws -> [ProviderChoice] {
        let providers = try await IdentityProvider.query(on: req.db).filter(\.$active == true).all()
        guard !providers.isEmpty else { return [] }
        let organisations = try await Organisation.query(on: req.db)
            .filter(\.$id ~~ Set(providers.map(\.organisationID))).all()
        let names = Dictionary(uniqueKeysWithValues: organisations.compactMap { org in org.id.map { ($0, org.name) } })
        let last = req.cookies[IdentityProviderSignInController.lastChoiceCookie].flatMap { UUID(uuidString: $0.string) }
        let back = SiteURL.safeReturnPath(req.query[String.self, at: "return"])
        return providers.compactMap { provider -> (choice: ProviderChoice, last: Bool)? in
            guard let id = provider.id else { return nil }
            let label = providers.count == 1 ? provider.name : "\(names[provider.organisationID] ?? "") – \(provider.name)"
            return (ProviderChoice(href: IdentityProviderSignInController.startHref(provider: id, returnPath: back), label: label), id == last)
        }
        // The one chosen last time first, so a returning user finds their own at the top.
        .sorted { ($0.last ? 0 : 1, $0.choice.label) < ($1.last ? 0 : 1, $1.choice.label) }
        .map(\.choice)
    }

    /// After an e-ID sign-in, signing out of Synlig also asks the provider to end its session
    /// (RP-initiated logout), when it offers that; the provider then sends the browser back here.
    private func providerSignOut(_ user: CurrentUser, _ req: Request) async throws -> String? {
        guard let providerID = user.signIn.identityProviderID,
              let provider = try await IdentityProvider.find(providerID, on: req.db),
              let metadata = try? await req.application.openIDConnectCache.metadata(
                issuer: provider.issuer, transport: req.application.identityProviderTransport),
              let endpoint = metadata.endSessionEndpoint
        else { return nil }
        let query = OpenIDConnect.formEncode([
            ("client_id", provider.clientID),
            ("post_logout_redirect_uri", IdentityProviderSignInController.baseURL(req) + SiteURL.login.path),
        ])
        return endpoint + (endpoint.contains("?") ? "&" : "?") + query
    }
}
