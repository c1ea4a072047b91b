import Fluent
import Foundation
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

/// A municipality whose staff sign in through their identity provider.
struct EIDWorld {
    let app: Application
    let provider: FakeIdentityProvider
    let organisation: Organisation
    let idp: IdentityProvider
    let consultant: User

    static let hsaID = "SE2321000016-A1B2"

    static func make(_ app: Application, acr: String = FakeIdentityProvider.loa3,
                     authentication: String = "client_secret_basic", claim: String = "employeeHsaId") async throws -> EIDWorld {
        let provider = FakeIdentityProvider()
        app.identityProviderTransport = provider
        let organisation = try await makeOrganisation(app)
        let consultant = try await makeUser(app, in: organisation, email: "kim@test.se", roles: [.consultant])
        consultant.signInIdentity = hsaID
        try await consultant.update(on: app.db)
        let idp = try await IdentityProviderService.save(
            IdentityProviderInput(name: "SITHS eID", issuer: FakeIdentityProvider.issuer, clientID: "synlig-test",
                                  clientAuthentication: authentication, clientSecret: "s3cret:&=", userClaim: claim,
                                  extraScopes: "profile", requiredAssurance: acr),
            id: nil, organisationID: try organisation.requireID(), actor: .commandLine, box: app.secretBox, on: app.db)
        provider.claims = [claim: hsaID]
        return EIDWorld(app: app, provider: provider, organisation: organisation, idp: idp, consultant: consultant)
    }

    /// Clicks "Logga in med e-legitimation", lets the provider authenticate, and follows the
    /// browser back to Synlig's callback. Returns the callback's answer and the authorization URL.
    func signIn(_ browser: Browser, returnPath: String = "/") async throws -> (callback: TestingHTTPResponse, authorize: URLComponents) {
        let start = try await browser.get("/login/eid?provider=\(try idp.requireID())&return=\(returnPath)")
        #expect(start.status == .seeOther)
        let authorize = URLComponents(string: start.headers.first(name: .location) ?? "")!
        let query = Dictionary((authorize.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { a, _ in a })
        provider.nonce = query["nonce"] ?? ""
        let callback = try await browser.get("/login/eid/callback?code=code-123&state=\(Browser.encode(query["state"] ?? ""))")
        return (callback, authorize)
    }

    func sessions() async throws -> [AuthSession] {
        try await AuthSession.query(on: app.db).filter(\.$endedAt == nil).all()
    }

    func auditActions() async throws -> [String] {
        try await AuditEvent.query(on: app.db).sort(\.$sequence).all().map(\.action)
    }
}
