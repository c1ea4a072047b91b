import Crypto
import Foundation
import Vapor

/// Cross-site request forgery protection for every state-changing form. A signed-in user's
/// token lives in their server-side session; before sign-in (login, first-time setup) a
/// random token is set in a cookie and must come back in the form (double submit).
struct CSRFMiddleware: AsyncMiddleware {
    static let fieldName = "_csrf"
    static let cookieName = "synlig_csrf"

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if [.POST, .PUT, .PATCH, .DELETE].contains(request.method) {
            // Middleware runs before the route collects the body; the token is in it.
            _ = try await request.body.collect(max: request.application.routes.defaultMaxBodySize.value).get()
            let sent = (try? request.content.get(String.self, at: Self.fieldName))
                ?? request.headers.first(name: "X-CSRF-Token") ?? ""
            let expected = request.auth.get(CurrentUser.self)?.csrfToken ?? request.cookies[Self.cookieName]?.string ?? ""
            guard !expected.isEmpty, Self.constantTimeEquals(sent, expected) else {
                throw SynligError(.forbidden, "error.csrf")
            }
        }
        let response = try await next.respond(to: request)
        if let fresh = request.storage[FreshTokenKey.self] {
            response.cookies[Self.cookieName] = HTTPCookies.Value(
                string: fresh, path: "/", isSecure: request.isSecure, isHTTPOnly: true, sameSite: .strict)
        }
        return response
    }

    struct FreshTokenKey: StorageKey { typealias Value = String }

    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

extension Request {
    /// The token to put in this page's forms.
    var csrfToken: String {
        if let user = auth.get(CurrentUser.self) { return user.csrfToken }
        if let existing = cookies[CSRFMiddleware.cookieName]?.string, !existing.isEmpty { return existing }
        if let fresh = storage[CSRFMiddleware.FreshTokenKey.self] { return fresh }
        let fresh = SecretToken.generate()
        storage[CSRFMiddleware.FreshTokenKey.self] = fresh
        return fresh
    }
}

