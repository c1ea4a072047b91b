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
                                                           email: "", returnPath: back, message: nil, notice: notice))
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
        } catch let error as SynligError where error.status == .unauthorized || error.status == .tooManyRequests {
            let message = error.message(req.application.localizer, req.textLanguage)
            let email = String((form.email ?? "").prefix(254))
            let page = LoginPage(
                page: .make(for: req, titleKey: "login.title", errors: [.init(field: "email", message: message)]),
                email: email, returnPath: form.returnPath.flatMap(SiteURL.safeReturnPath) ?? "", message: message, notice: nil)
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
        let response = req.redirect(to: SiteURL.login.path)
        Sessions.clearCookies(on: response)
        return response
    }
}
