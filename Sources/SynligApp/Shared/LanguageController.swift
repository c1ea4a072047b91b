import Vapor

/// The language switch: remembers the choice in a functional cookie and goes back.
struct LanguageController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.language(.sv).pattern, use: choose)
    }

    func choose(req: Request) async throws -> Response {
        guard let code = req.parameters.get("code"), let language = Language(rawValue: code) else {
            throw SynligError(.notFound, "error.not_found")
        }
        let back = SiteURL.safeReturnPath(req.query[String.self, at: "return"]) ?? "/"
        let response = req.redirect(to: back, redirectType: .normal)
        response.cookies[Language.cookieName] = HTTPCookies.Value(
            string: language.rawValue, maxAge: 365 * 24 * 3600, path: "/",
            isSecure: req.isSecure, isHTTPOnly: true, sameSite: .lax)
        return response
    }
}
