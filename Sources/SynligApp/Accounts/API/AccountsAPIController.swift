import Fluent
import SynligCore
import Vapor

/// Bearer tokens and who the signed-in API client is.
struct AccountsAPIController: APIRouteCollection {
    func boot(api: APIRoutes) throws {
        api.open.post("auth", "token", use: issueToken)
        api.signedIn.delete("auth", "token", use: revokeToken)
        api.signedIn.get("me", use: me)
        api.signedIn.get("organisation", use: organisation)
    }

    @Sendable func issueToken(req: Request) async throws -> Response {
        let body = try req.decodeStrict(API.TokenRequest.self)
        let user = try await SignInService.authenticate(email: body.email, password: body.password, request: req)
        var proof = SignInProof.password
        if let factor = try await SecondFactorService.confirmedFactor(userID: try user.requireID(), on: req.db) {
            guard let code = body.code, !code.isEmpty else { throw SynligError(.unauthorized, "second_factor.code_required") }
            let used = try await SecondFactorService.check(code, factor: factor, request: req)
            try await SecondFactorService.auditRecoveryCodeUse(used, user: user, on: req.db)
            proof = .passwordAndTOTP
        }
        let (token, session) = try await Sessions.start(for: user, kind: .api, signIn: proof, on: req.db)
        try await AuditTrail.transaction(on: req.db, actor: .user(try user.requireID())) { _, audit in
            audit.record("session.sign_in", "auth_session", id: session.id, organisation: user.organisationID)
        }
        let config = req.application.synligConfig
        return try await API.TokenResponse(
            token: token, tokenType: "Bearer", expiresAt: session.createdAt.addingTimeInterval(config.sessionAbsoluteLimit),
            idleTimeoutSeconds: Int(config.sessionIdleTimeout)
        ).encodeResponse(status: .created, for: req)
    }

    @Sendable func revokeToken(req: Request) async throws -> HTTPStatus {
        let user = try req.currentUser
        try await Sessions.end(sessionID: user.sessionID, on: req.db)
        return .noContent
    }

    @Sendable func me(req: Request) async throws -> API.Me {
        let user = try req.currentUser
        return API.Me(id: user.id, email: user.email, displayName: user.displayName,
                      organisation: try await organisationOut(user, on: req.db),
                      roles: user.roles.sorted(), unitIds: user.unitIDs.sorted { $0.uuidString < $1.uuidString })
    }

    @Sendable func organisation(req: Request) async throws -> API.OrganisationOut {
        try await organisationOut(try req.currentUser, on: req.db)
    }

    private func organisationOut(_ user: CurrentUser, on db: any Database) async throws -> API.OrganisationOut {
        guard let organisation = try await Organisation.find(user.organisationID, on: db) else { throw SynligError.notFound }
        return API.OrganisationOut(id: user.organisationID, name: organisation.name, code: organisation.code, kind: organisation.kind)
    }
}
