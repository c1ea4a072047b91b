import Fluent
import SQLKit
import SynligCore
import Vapor

/// Who is asking, in one indexed query: the live session with its user, organisation, roles
/// and units (issue 11: this was five queries on every signed-in request). Nothing is cached,
/// so a sign-out, a deactivation or a role change on any instance counts from the next request.
enum SessionIdentity {
    /// The signed-in user behind a token, or nil when the token is unknown, the session ended or
    /// ran past its limits, or the account is inactive.
    static func user(token: String, kind: AuthSession.Kind, request: Request) async throws -> CurrentUser? {
        guard !token.isEmpty, token.count < 200, let sql = request.db as? any SQLDatabase else { return nil }
        // One row per role × unit (a handful); a user with neither still gets one row.
        let rows = try await sql.raw("""
            SELECT s.id AS session_id, s.user_id, s.csrf_token, s.created_at, s.last_seen_at, s.sign_in_method,
                   s.strong, s.assurance, s.identity_provider_id, u.organisation_id, u.display_name, u.email,
                   o.name AS organisation_name, o.is_demo, r.role, m.unit_id
            FROM auth_sessions s
            JOIN users u ON u.id = s.user_id
            JOIN organisations o ON o.id = u.organisation_id
            LEFT JOIN user_roles r ON r.user_id = u.id
            LEFT JOIN unit_memberships m ON m.user_id = u.id
            WHERE s.token_hash = \(bind: SecretToken.hash(token)) AND s.kind = \(bind: kind.rawValue)
              AND s.ended_at IS NULL AND u.active = \(bind: true)
            """).all()
        guard let first = rows.first else { return nil }
        let sessionID = try first.decode(column: "session_id", as: UUID.self)
        let createdAt = try first.decode(column: "created_at", as: Date.self)
        let lastSeenAt = try first.decode(column: "last_seen_at", as: Date.self)
        let now = Date()
        let policy = Sessions.policy(request.application)
        guard policy.isValid(createdAt: createdAt, lastSeenAt: lastSeenAt, now: now) else {
            try await AuthSession.query(on: request.db).filter(\.$id == sessionID).set(\.$endedAt, to: now).update()
            return nil
        }
        if policy.needsTouch(lastSeenAt: lastSeenAt, now: now) {
            try await AuthSession.query(on: request.db).filter(\.$id == sessionID).set(\.$lastSeenAt, to: now).update()
        }
        var roles: Set<Role> = []
        var units: Set<UUID> = []
        for row in rows {
            if let raw = try row.decode(column: "role", as: String?.self), let role = Role(rawValue: raw) {
                roles.insert(role)
            }
            if let unit = try row.decode(column: "unit_id", as: UUID?.self) { units.insert(unit) }
        }
        let method = SignInMethod(rawValue: try first.decode(column: "sign_in_method", as: String.self)) ?? .password
        return CurrentUser(
            id: try first.decode(column: "user_id", as: UUID.self),
            organisationID: try first.decode(column: "organisation_id", as: UUID.self),
            organisationName: try first.decode(column: "organisation_name", as: String.self),
            organisationIsDemo: try first.decode(column: "is_demo", as: Bool.self),
            displayName: try first.decode(column: "display_name", as: String.self),
            email: try first.decode(column: "email", as: String.self),
            roles: roles, unitIDs: units, sessionID: sessionID,
            csrfToken: try first.decode(column: "csrf_token", as: String.self))
            .with(signIn: SignInProof(method: method, isStrong: try first.decode(column: "strong", as: Bool.self),
                                      assurance: try first.decode(column: "assurance", as: String?.self),
                                      identityProviderID: try first.decode(column: "identity_provider_id", as: UUID?.self)))
    }
}
