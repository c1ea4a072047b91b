import Vapor

/// A signed-in user's own account: changing the password; it links to the second factor
/// (`SecondFactorController`).
struct AccountController: RouteCollection {
    struct PasswordPage: Encodable {
        var page: PageContext
        var errors: FormErrors
        var saved: Bool
        var secondFactorHref = SiteURL.accountSecondFactor.path
    }

    struct PasswordForm: Content {
        var current: String?
        var new: String?
        var confirm: String?
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.signedIn.get(SiteURL.accountPassword.pattern, use: show)
        routes.signedIn.post(SiteURL.accountPassword.pattern, use: change)
    }

    @Sendable func show(req: Request) async throws -> Response {
        let saved = req.query[String.self, at: "saved"] == "1"
        return try await req.renderPage("account/password", PasswordPage(
            page: .make(for: req, titleKey: "password.title"), errors: .none, saved: saved))
    }

    @Sendable func change(req: Request) async throws -> Response {
        let form = try req.content.decode(PasswordForm.self)
        do {
            try await UserService.changeOwnPassword(current: form.current ?? "", new: form.new ?? "",
                                                    confirmation: form.confirm ?? "", user: try req.currentUser, request: req)
            return req.redirect(to: SiteURL.accountPassword.path + "?saved=1")
        } catch let error as SynligError where !error.fieldProblems.isEmpty {
            let errors = FormErrors(error.fieldProblems, request: req)
            return try await req.renderPage("account/password", PasswordPage(
                page: .make(for: req, titleKey: "password.title", errors: errors.summary([("current", "password.current"), ("new", "password.new"), ("confirm", "password.confirm")], request: req)),
                errors: errors, saved: false), status: error.status)
        }
    }
}
