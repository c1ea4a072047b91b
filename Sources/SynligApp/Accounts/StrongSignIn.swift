import Fluent
import SynligCore
import Vapor

/// Reading people's records can ask for a strong sign-in (HSLF-FS 2016:40): e-ID at the level
/// the organisation asks of its identity provider, or a password with a one-time code. A weak
/// browser session is sent to step up and comes back; an API client gets 403 and must sign in
/// with a code. Organisations that have not turned the rule on are not asked.
struct RequireStrongSignIn: AsyncMiddleware {
    enum Answer: Sendable { case browser, api }
    let answer: Answer

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let user = try request.currentUser
        guard !user.signIn.isStrong else { return try await next.respond(to: request) }
        let policy = try await OrganisationSignInPolicy.forOrganisation(user.organisationID, on: request.db)
        guard policy.recordsNeedStrongSignIn else { return try await next.respond(to: request) }
        if answer == .browser, request.method == .GET {
            var components = URLComponents()
            components.path = SiteURL.stepUp.path
            if let back = SiteURL.safeReturnPath(request.url.path) {
                components.queryItems = [URLQueryItem(name: "return", value: back)]
            }
            return request.redirect(to: components.string ?? SiteURL.stepUp.path)
        }
        throw SynligError(.forbidden, "signin.strong_required")
    }
}

extension RoutesBuilder {
    /// Pages that show people's records: signed in, one of these roles, and strongly when the
    /// organisation asks for it.
    func recordReaders(_ roles: Set<Role>) -> any RoutesBuilder {
        browser.grouped(RequireSignIn(), RequireRole(roles: roles), RequireStrongSignIn(answer: .browser))
    }

    func recordReaders(_ roles: Role...) -> any RoutesBuilder { recordReaders(Set(roles)) }
}
