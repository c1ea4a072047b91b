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
            audit.record("session.sign_in", "auth_session", id: session.id, organisation: user.organisationID)
            // Sessions are purged after a while; the trail keeps how the sign-in was made.
            audit.record(methodAction(proof), proof.identityProviderID == nil ? "user" : "identity_provider",
                         id: proof.identityProviderID ?? user.id, organisation: user.organisationID)
        }
        let response = req.redirect(to: returnPath)
        let cookie = Sessions.sessionCookie(token: token, request: req)
        response.cookies[cookie.name] = cookie.value
        return response
    }

    /// `session.sign_in_method.<method>[.<level>]`, e.g. `…identity_provider.loa3`: the level is the
    /// last part of the `acr` the provider vouched for, letters and digits only.
    static func methodAction(_ proof: SignInProof) -> String {
        var action = "session.sign_in_method." + proof.method.rawValue
        if proof.method == .identityProvider, let assurance = proof.assurance {
            let level = String((assurance.split(separator: "/").last ?? "").lowercased()
                .filter { $0.isASCII && ($0.isLetter || $0.isNumber) }.prefix(20))
            if !level.isEmpty { action += "." + level }
        }
        return action
    }
}
