import Fluent
import SQLKit
import SynligCore
import Vapor

/// The code step of a sign-in (`/login/second-factor`), and stepping up a password session to
/// a strong one (`/login/step-up`). Both end in `SignInCompletion`, so the session that follows
/// is new and remembers that it was signed in with password and app.
struct SecondFactorSignInController: RouteCollection {
    static let cookieName = "synlig_second_factor"
    static let challengeLifetime: TimeInterval = 5 * 60

    struct CodePage: Encodable {
        var page: PageContext
        var message: String?
        var action = SiteURL.loginSecondFactor.path
        var submitKey = "second_factor.sign_in_submit"
    }

    /// A way to sign in strongly other than the app's code: the organisation's identity providers
    /// that are asked for an assurance level (e-legitimation, SITHS), each a button.
    struct StepUpProvider: Encodable {
        var label: String
        var href: String
    }

    struct StepUpPage: Encodable {
        var page: PageContext
        var enrolled: Bool
        var returnPath: String
        var enrolHref: String
        var identityProviders: [StepUpProvider]
        var message: String?
        var action = SiteURL.stepUp.path
        var submitKey = "step_up.submit"
    }

    struct CodeForm: Content {
        var code: String?
        var returnPath: String?

        enum CodingKeys: String, CodingKey {
            case code
            case returnPath = "return"
        }
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.browser.get(SiteURL.loginSecondFactor.pattern, use: showCode)
        routes.browser.post(SiteURL.loginSecondFactor.pattern, use: checkCode)
        routes.signedIn.get(SiteURL.stepUp.pattern, use: showStepUp)
        routes.signedIn.post(SiteURL.stepUp.pattern, use: stepUp)
    }

    // MARK: - The code step of a sign-in

    /// Called once the password was right for an account with a second factor: remembers that
    /// for five minutes, for this browser only, and asks for the code.
    static func begin(user: User, returnPath: String, request req: Request) async throws -> Response {
        let token = SecretToken.generate()
        let now = Date()
        try await SecondFactorChallenge.query(on: req.db).filter(\.$expiresAt < now).delete()
        try await SecondFactorChallenge(tokenHash: SecretToken.hash(token), userID: try user.requireID(), returnPath: returnPath,
                                        expiresAt: now.addingTimeInterval(challengeLifetime)).create(on: req.db)
        let response = req.redirect(to: SiteURL.loginSecondFactor.path)
        response.cookies[cookieName] = HTTPCookies.Value(string: token, maxAge: Int(challengeLifetime), path: SiteURL.login.path,
                                                         isSecure: req.isSecure, isHTTPOnly: true, sameSite: .strict)
        return response
    }

    private func challenge(_ req: Request) async throws -> (SecondFactorChallenge, User, UserSecondFactor)? {
        guard let token = req.cookies[Self.cookieName]?.string, !token.isEmpty, token.count < 200,
              let challenge = try await SecondFactorChallenge.query(on: req.db)
                .filter(\.$tokenHash == SecretToken.hash(token)).filter(\.$expiresAt > Date()).first(),
              let user = try await User.find(challenge.$user.id, on: req.db), user.active,
              let factor = try await SecondFactorService.confirmedFactor(userID: try user.requireID(), on: req.db)
        else { return nil }
        return (challenge, user, factor)
    }

    /// Back to the password, saying why, when the five minutes are gone or the link was opened directly.
    private func startAgain(_ req: Request) -> Response {
        let response = req.redirect(to: SiteURL.login.path + "?expired=1")
        clearCookie(response)
        return response
    }

    private func clearCookie(_ response: Response) {
        response.cookies[Self.cookieName] = HTTPCookies.Value(string: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0,
                                                              path: SiteURL.login.path, isHTTPOnly: true, sameSite: .strict)
    }

    @Sendable func showCode(req: Request) async throws -> Response {
        guard try await challenge(req) != nil else { return startAgain(req) }
        return try await req.renderPage("account/sign-in-code", CodePage(page: .make(for: req, titleKey: "second_factor.sign_in_title")))
    }

    @Sendable func checkCode(req: Request) async throws -> Response {
        let form = try req.content.decode(CodeForm.self)
        guard let (challenge, user, factor) = try await challenge(req) else { return startAgain(req) }
        do {
            let used = try await SecondFactorService.check(form.code ?? "", factor: factor, request: req)
            // Used once: of two requests racing with the same challenge, one deletes it.
            let deleted = try await (req.db as! any SQLDatabase)
                .raw("DELETE FROM second_factor_challenges WHERE id = \(bind: try challenge.requireID()) RETURNING id").all()
            guard !deleted.isEmpty else { return startAgain(req) }
            try await SecondFactorService.auditRecoveryCodeUse(used, user: user, on: req.db)
            let response = try await SignInCompletion.finish(user: user, proof: .passwordAndTOTP,
                                                             returnPath: challenge.returnPath, request: req)
            clearCookie(response)
            return response
        } catch let error as SynligError where error.status == .unauthorized || error.status == .tooManyRequests {
            let message = error.message(req.application.localizer, req.textLanguage)
            return try await errorPage(req, "account/sign-in-code", error: error) { errors in
                CodePage(page: .make(for: req, titleKey: "second_factor.sign_in_title", errors: errors), message: message)
            }
        }
    }

    // MARK: - Step-up

    @Sendable func showStepUp(req: Request) async throws -> Response {
        let back = SiteURL.safeReturnPath(req.query[String.self, at: "return"]) ?? SiteURL.home.path
        let user = try req.currentUser
        if user.signIn.isStrong { return req.redirect(to: back) }
        return try await req.renderPage("account/step-up", try await stepUpPage(req, back: back, errors: [], message: nil))
    }

    @Sendable func stepUp(req: Request) async throws -> Response {
        let form = try req.content.decode(CodeForm.self)
        let back = SiteURL.safeReturnPath(form.returnPath) ?? SiteURL.home.path
        let current = try req.currentUser
        guard let factor = try await SecondFactorService.confirmedFactor(userID: current.id, on: req.db),
              let user = try await User.find(current.id, on: req.db)
        else { return req.redirect(to: SiteURL.stepUp.path) }
        do {
            let used = try await SecondFactorService.check(form.code ?? "", factor: factor, request: req)
            try await SecondFactorService.auditRecoveryCodeUse(used, user: user, on: req.db)
            // A fresh session rather than an upgraded one: an id that was known before the step-up is worth nothing after it.
            return try await SignInCompletion.finish(user: user, proof: .passwordAndTOTP, returnPath: back, request: req)
        } catch let error as SynligError where error.status == .unauthorized || error.status == .tooManyRequests {
            let message = error.message(req.application.localizer, req.textLanguage)
            return try await errorPage(req, "account/step-up", error: error) { errors in
                try await stepUpPage(req, back: back, errors: errors, message: message)
            }
        }
    }

    private func stepUpPage(_ req: Request, back: String, errors: [PageContext.FormError], message: String?) async throws -> StepUpPage {
        let user = try req.currentUser
        let enrolled = try await SecondFactorService.confirmedFactor(userID: user.id, on: req.db) != nil
        // Only a provider asked for an assurance level can make the session strong.
        let providers = try await IdentityProvider.scoped(to: user.organisationID, on: req.db)
            .filter(\.$active == true).filter(\.$requiredAssurance != "").sort(\.$name).all()
        let buttons = try providers.map { provider in
            StepUpProvider(label: req.t("login.eid.submit") + " – " + provider.name,
                           href: IdentityProviderSignInController.startHref(provider: try provider.requireID(), returnPath: back))
        }
        return StepUpPage(page: .make(for: req, titleKey: "step_up.title", errors: errors), enrolled: enrolled, returnPath: back,
                          enrolHref: SiteURL.accountSecondFactor.path, identityProviders: buttons, message: message)
    }

    private func errorPage<Page: Encodable>(_ req: Request, _ template: String, error: SynligError,
                                            _ make: ([PageContext.FormError]) async throws -> Page) async throws -> Response {
        try await req.renderCodePage(template, error: error) { errors in try await make(errors) }
    }
}

extension Request {
    /// A page with a one-time code field: with `error`, its message in the error summary
    /// (linked to the field) and the status it deserves (401, or 429 with `Retry-After`).
    func renderCodePage<Page: Encodable>(_ template: String, error: SynligError?,
                                         _ make: ([PageContext.FormError]) async throws -> Page) async throws -> Response {
        let summary = error.map { [PageContext.FormError(field: "code", message: t("second_factor.code") + ": "
                                                             + $0.message(application.localizer, textLanguage))] } ?? []
        let response = try await renderPage(template, try await make(summary), status: error?.status ?? .ok)
        for (name, value) in error?.headers ?? [:] { response.headers.replaceOrAdd(name: name, value: value) }
        return response
    }
}
