import SynligCore
import Vapor

/// The three kinds of web route: any visitor's page with forms, a signed-in staff page,
/// and one limited to certain roles. Each adds the middleware its kind needs.
extension RoutesBuilder {
    /// Browser pages: session (if any) and CSRF on every form.
    var browser: any RoutesBuilder { grouped(SessionAuthenticator(), CSRFMiddleware()) }

    /// Pages for signed-in staff.
    var signedIn: any RoutesBuilder { browser.grouped(RequireSignIn()) }

    func signedIn(as roles: Role...) -> any RoutesBuilder { signedIn(as: Set(roles)) }

    func signedIn(as roles: Set<Role>) -> any RoutesBuilder {
        browser.grouped(RequireSignIn(), RequireRole(roles: roles))
    }
}
