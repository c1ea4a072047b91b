import Fluent
import SynligCore
import Vapor

/// The signed-in person for the length of one request, with what they may do.
package struct CurrentUser: Authenticatable, Sendable {
    package var id: UUID
    var organisationID: UUID
    var organisationName: String
    var organisationIsDemo: Bool
    var displayName: String
    var email: String
    var roles: Set<Role>
    package var unitIDs: Set<UUID>
    var sessionID: UUID
    var csrfToken: String
    /// How this session was signed in; reading people's records may ask for a strong one.
    var signIn: SignInProof = .password

    package init(id: UUID, organisationID: UUID, organisationName: String, organisationIsDemo: Bool, displayName: String,
                 email: String, roles: Set<Role>, unitIDs: Set<UUID>, sessionID: UUID, csrfToken: String) {
        self.id = id
        self.organisationID = organisationID
        self.organisationName = organisationName
        self.organisationIsDemo = organisationIsDemo
        self.displayName = displayName
        self.email = email
        self.roles = roles
        self.unitIDs = unitIDs
        self.sessionID = sessionID
        self.csrfToken = csrfToken
    }

    func has(_ role: Role) -> Bool { roles.contains(role) }
    package func hasAny(_ wanted: Set<Role>) -> Bool { !roles.isDisjoint(with: wanted) }

    /// Loads the user behind a session with roles and units, or nil if the account is gone or inactive.
    static func load(session: AuthSession, on db: any Database) async throws -> CurrentUser? {
        guard let user = try await User.query(on: db)
            .filter(\.$id == session.$user.id)
            .filter(\.$active == true)
            .with(\.$roles).with(\.$unitMemberships)
            .first(),
            let organisation = try await Organisation.find(user.organisationID, on: db),
            let userID = user.id, let sessionID = session.id
        else { return nil }
        return CurrentUser(
            id: userID, organisationID: user.organisationID, organisationName: organisation.name,
            organisationIsDemo: organisation.isDemo, displayName: user.displayName, email: user.email,
            roles: Set(user.roles.map(\.role)), unitIDs: Set(user.unitMemberships.map { $0.$unit.id }),
            sessionID: sessionID, csrfToken: session.csrfToken)
            .with(signIn: SignInProof(method: session.signInMethod, isStrong: session.isStrong,
                                      assurance: session.assurance, identityProviderID: session.identityProviderID))
    }

    func with(signIn: SignInProof) -> CurrentUser {
        var copy = self
        copy.signIn = signIn
        return copy
    }
}

extension Request {
    /// The signed-in user; only call behind `RequireSignIn`.
    var currentUser: CurrentUser {
        get throws {
            guard let user = auth.get(CurrentUser.self) else { throw SynligError(.unauthorized, "error.unauthorized") }
            return user
        }
    }

    /// True when the request reached Synlig over TLS, directly or through a trusted proxy that says so.
    var isSecure: Bool {
        if application.http.server.configuration.tlsConfiguration != nil { return true }
        return application.synligConfig.trustedProxies.trusts(remoteAddress?.ipAddress)
            && headers.first(name: "X-Forwarded-Proto")?.lowercased() == "https"
    }

    /// The client's address, for throttling only; never logged. `X-Forwarded-For` counts only
    /// as far as trusted proxies wrote it (see `TrustedProxies.clientAddress`).
    var clientAddress: String {
        application.synligConfig.trustedProxies.clientAddress(peer: remoteAddress?.ipAddress,
                                                              forwardedFor: headers[.xForwardedFor]) ?? "unknown"
    }
}
