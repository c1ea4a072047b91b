import Fluent
import Vapor

/// The last step of every browser sign-in, whatever proved who the user is (password, a second
/// factor, the identity provider): the old session ends, a new one starts with a fresh id, the
/// audit trail records it, and the browser gets its cookie and goes where it was going.
enum SignInCompletion {
    static func finish(user: User, proof: SignInProof, returnPath: String, request req: Request) async throws -> Response {
        if let previous = req.auth.get(CurrentUser.self) {
            try await Sessions.end(sessionID: previous.sessionID, on: req.db)
        }
        let (token, session) = try await Sessions.start(for: user, kind: .browser, signIn: proof, on: req.db)
        try await AuditTrail.transaction(on: req.db, actor: .user(try user.requireID())) { _, audit in
            // The session row keeps the method, provider and assurance level the action names.
            audit.record("session.sign_in", "auth_session", id: session.id, organisation: user.organisationID)
        }
        let response = req.redirect(to: returnPath)
        let cookie = Sessions.sessionCookie(token: token, request: req)
        response.cookies[cookie.name] = cookie.value
        return response
    }
}
