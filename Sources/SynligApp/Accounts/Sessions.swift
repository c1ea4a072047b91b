import Fluent
import SynligCore
import Vapor

/// Issues, finds and ends server-side sessions, for the browser (cookie) and the API (bearer).
enum Sessions {
    static let cookieName = "synlig_session"
    /// Over TLS the `__Host-` prefix binds the cookie to this host, path `/` and Secure.
    static let secureCookieName = "__Host-synlig_session"

    static func policy(_ app: Application) -> SessionPolicy {
        SessionPolicy(idleTimeout: app.synligConfig.sessionIdleTimeout,
                      absoluteLimit: app.synligConfig.sessionAbsoluteLimit)
    }

    /// Starts a new session and returns the token to hand out. A fresh id at every sign-in
    /// means a session id planted before sign-in is worthless afterwards.
    static func start(for user: User, kind: AuthSession.Kind, signIn: SignInProof = .password,
                      on db: any Database) async throws -> (token: String, session: AuthSession) {
        let token = SecretToken.generate()
        let session = AuthSession(tokenHash: SecretToken.hash(token), userID: try user.requireID(),
                                  organisationID: user.organisationID, kind: kind,
                                  csrfToken: SecretToken.generate(), now: Date(), signIn: signIn)
        try await session.create(on: db)
        return (token, session)
    }

    static func end(sessionID: UUID, on db: any Database) async throws {
        try await AuthSession.query(on: db)
            .filter(\.$id == sessionID)
            .set(\.$endedAt, to: Date())
            .update()
    }

    /// Ends every session of a user, e.g. when deactivated or after a password change.
    static func endAll(userID: UUID, except keep: UUID? = nil, on db: any Database) async throws {
        var query = AuthSession.query(on: db)
            .filter(\.$user.$id == userID)
            .filter(\.$endedAt == nil)
        if let keep { query = query.filter(\.$id != keep) }
        try await query.set(\.$endedAt, to: Date()).update()
    }

    static func sessionCookie(token: String, request: Request) -> (name: String, value: HTTPCookies.Value) {
        let secure = request.isSecure
        return (secure ? secureCookieName : cookieName,
                HTTPCookies.Value(string: token, expires: nil, maxAge: nil, domain: nil, path: "/",
                                  isSecure: secure, isHTTPOnly: true, sameSite: .lax))
    }

    static func clearCookies(on response: Response) {
        for name in [cookieName, secureCookieName] {
            response.cookies[name] = HTTPCookies.Value(string: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0,
                                                       path: "/", isSecure: name == secureCookieName, isHTTPOnly: true, sameSite: .lax)
        }
    }
}

/// Signs in the browser user from the session cookie, if there is a live session.
struct SessionAuthenticator: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let token = request.cookies[Sessions.secureCookieName]?.string ?? request.cookies[Sessions.cookieName]?.string
        var hadStaleCookie = false
        if let token {
            if let user = try await SessionIdentity.user(token: token, kind: .browser, request: request) {
                request.auth.login(user)
            } else {
                hadStaleCookie = true
            }
        }
        let response = try await next.respond(to: request)
        if hadStaleCookie && response.cookies[Sessions.cookieName] == nil && response.cookies[Sessions.secureCookieName] == nil {
            Sessions.clearCookies(on: response)
        }
        return response
    }
}

/// Pages need a signed-in user: others are sent to the login page and come back afterwards.
struct RequireSignIn: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.auth.has(CurrentUser.self) else {
            if request.method == .GET, let back = SiteURL.safeReturnPath(request.url.path), back != "/" {
                var components = URLComponents()
                components.path = SiteURL.login.path
                components.queryItems = [URLQueryItem(name: "return", value: back)]
                return request.redirect(to: components.string ?? SiteURL.login.path)
            }
            return request.redirect(to: SiteURL.login.path)
        }
        return try await next.respond(to: request)
    }
}

/// Only users holding one of these roles pass.
struct RequireRole: AsyncMiddleware {
    let roles: Set<Role>

    init(roles: Set<Role>) { self.roles = roles }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard try request.currentUser.hasAny(roles) else { throw SynligError.forbidden }
        return try await next.respond(to: request)
    }
}
