import Fluent
import Foundation
import JWTKit
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

@Suite("Signing in with e-ID through the organisation's identity provider (OpenID Connect)")
struct IdentityProviderSignInTests {
    @Test("A user with a recorded HSA-id signs in: PKCE, state and nonce sent, the secret in Basic, a strong session")
    func knownIdentitySignsIn() async throws {
        try await withSynlig { app in
            let world = try await EIDWorld.make(app)
            let login = try await Browser(app).get("/login")
            #expect(login.body.string.contains("Logga in med e-legitimation"))
            let browser = Browser(app)
            let (callback, authorize) = try await world.signIn(browser, returnPath: "/caregivers")
            #expect(callback.status == .seeOther)
            #expect(callback.headers.first(name: .location) == "/caregivers")
            #expect(browser.sessionToken != nil)

            let query = Dictionary((authorize.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { a, _ in a })
            #expect(authorize.host == "idp.test" && authorize.path == "/authorize")
            #expect(query["response_type"] == "code")
            #expect(query["client_id"] == "synlig-test")
            #expect(query["scope"] == "openid profile")
            #expect(query["code_challenge_method"] == "S256")
            #expect(query["acr_values"] == FakeIdentityProvider.loa3)
            #expect((query["state"] ?? "").count >= 32 && (query["nonce"] ?? "").count >= 32)
            #expect(query["redirect_uri"]?.hasSuffix("/login/eid/callback") == true)

            let request = try #require(world.provider.tokenRequests.first)
            #expect(request.form["grant_type"] == "authorization_code")
            #expect(request.form["code"] == "code-123")
            // The verifier Synlig kept is the one whose hash went to the provider.
            #expect(PKCE.challenge(for: request.form["code_verifier"] ?? "") == query["code_challenge"])
            #expect(request.form["redirect_uri"] == query["redirect_uri"])
            let basic = request.headers.first(name: .authorization) ?? ""
            #expect(basic == "Basic " + Data("synlig-test:s3cret%3A%26%3D".utf8).base64EncodedString())

            let session = try #require(try await world.sessions().first)
            #expect(session.signInMethod == .identityProvider)
            #expect(session.isStrong)
            #expect(session.assurance == FakeIdentityProvider.loa3)
            #expect(session.identityProviderID == world.idp.id)
            #expect(session.$user.id == world.consultant.id)
            let actions = try await world.auditActions()
            #expect(actions.contains("session.sign_in"))
            // The trail keeps how, after the session row itself is purged.
            #expect(actions.contains("session.sign_in_method.identity_provider.loa3"))
            #expect(try await browser.get("/caregivers").status == .ok)
        }
    }

    @Test("An identity with no account is refused with a clear page and an audit entry; no account is made")
    func unknownIdentityRefused() async throws {
        try await withSynlig { app in
            let world = try await EIDWorld.make(app)
            world.provider.claims = ["employeeHsaId": "SE2321000016-ZZZZ"]
            let usersBefore = try await User.query(on: app.db).count()
            let browser = Browser(app)
            let (callback, _) = try await world.signIn(browser)
            #expect(callback.status == .forbidden)
            #expect(callback.body.string.contains("finns inget konto i Synlig"))
            #expect(browser.sessionToken == nil)
            #expect(try await world.sessions().isEmpty)
            #expect(try await User.query(on: app.db).count() == usersBefore)
            #expect(try await world.auditActions().contains("session.sign_in_refused.unknown_identity"))
        }
    }

    @Test("Forged and broken tokens are refused, each for its own reason, and nobody is signed in",
          arguments: [
            ("wrong issuer", ["iss": "https://evil.test"], [:], "wrong_issuer"),
            ("wrong audience", ["aud": "another-client"], [:], "wrong_audience"),
            ("several audiences without azp", ["aud": ["synlig-test", "other"]], [:], "wrong_authorized_party"),
            ("expired", ["exp": Int(Date().timeIntervalSince1970) - 600], [:], "expired"),
            ("issued in the future", ["iat": Int(Date().timeIntervalSince1970) + 900], [:], "issued_in_the_future"),
            ("another sign-in's nonce", ["nonce": "replayed-nonce"], [:], "wrong_nonce"),
            ("no assurance level", ["acr": FakeIdentityProvider.absent], [:], "assurance_too_low"),
            ("too low assurance level", ["acr": "http://id.elegnamnden.se/loa/1.0/loa2"], [:], "assurance_too_low"),
            ("alg none", [:], ["alg": "none"], "unsupported_algorithm"),
            ("HS256 with the public key as secret", [:], ["alg": "HS256"], "unsupported_algorithm"),
            ("RSA algorithm on an EC key", [:], ["alg": "RS256"], "unsupported_algorithm"),
            ("a key the provider never published", [:], ["kid": "made-up"], "unknown_key"),
          ] as [(String, [String: any Sendable], [String: String], String)])
    func forgedTokensRefused(_ name: String, _ claims: [String: any Sendable], _ header: [String: String], _ reason: String) async throws {
        try await withSynlig { app in
            let world = try await EIDWorld.make(app)
            for (key, value) in claims { world.provider.claims[key] = value }
            if !header.isEmpty {
                // The token endpoint hands out the token with the forged header.
                world.provider.rawIDToken = "pending"
            }
            let browser = Browser(app)
            if header.isEmpty {
                let (callback, _) = try await world.signIn(browser)
                #expect(callback.status.code >= 400 && callback.status.code < 500, "\(name)")
            } else {
                let start = try await browser.get("/login/eid?provider=\(try world.idp.requireID())")
                let authorize = URLComponents(string: start.headers.first(name: .location) ?? "")!
                let query = Dictionary((authorize.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { a, _ in a })
                world.provider.nonce = query["nonce"] ?? ""
                world.provider.rawIDToken = try await world.provider.idToken(header: header)
                let callback = try await browser.get("/login/eid/callback?code=c&state=\(Browser.encode(query["state"] ?? ""))")
                #expect(callback.status.code >= 400 && callback.status.code < 500, "\(name)")
            }
            #expect(browser.sessionToken == nil, "\(name)")
            #expect(try await world.sessions().isEmpty, "\(name)")
            let actions = try await world.auditActions()
            #expect(actions.contains("session.sign_in_refused.\(reason)"), "\(name): \(actions)")
        }
    }

    @Test("A token signed by another key under a published key id fails its signature check")
    func badSignatureRefused() async throws {
        try await withSynlig { app in
            let world = try await EIDWorld.make(app)
            world.provider.signWith = FakeIdentityProvider.SigningKey(kid: "key-1", key: ES256PrivateKey())
            let (callback, _) = try await world.signIn(Browser(app))
            #expect(callback.status == .unauthorized)
            #expect(try await world.auditActions().contains("session.sign_in_refused.bad_signature"))
        }
    }

    @Test("When the provider rotates its keys, a token under the new key id makes Synlig fetch the key set again")
    func keyRotation() async throws {
        try await withSynlig { app in
            let world = try await EIDWorld.make(app)
            #expect(try await world.signIn(Browser(app)).callback.status == .seeOther)
            #expect(world.provider.jwksFetches == 1)
            let rotated = FakeIdentityProvider.SigningKey.fresh("key-2")
            world.provider.published = [rotated]
            world.provider.signWith = rotated
            #expect(try await world.signIn(Browser(app)).callback.status == .seeOther)
            #expect(world.provider.jwksFetches == 2)
        }
    }

    @Test("A callback works once, only in the browser that started it")
    func stateIsSingleUseAndBound() async throws {
        try await withSynlig { app in
            let world = try await EIDWorld.make(app)
            let browser = Browser(app)
            let start = try await browser.get("/login/eid?provider=\(try world.idp.requireID())")
            let authorize = URLComponents(string: start.headers.first(name: .location) ?? "")!
            let state = authorize.queryItems?.first { $0.name == "state" }?.value ?? ""
            world.provider.nonce = authorize.queryItems?.first { $0.name == "nonce" }?.value ?? ""
            // Someone else's browser with the same link is not signed in.
            let other = try await Browser(app).get("/login/eid/callback?code=c&state=\(Browser.encode(state))")
            #expect(other.status == .badRequest)
            #expect(try await browser.get("/login/eid/callback?code=c&state=\(Browser.encode(state))").status == .seeOther)
            let again = Browser(app)
            again.cookies = browser.cookies
            #expect(try await again.get("/login/eid/callback?code=c&state=\(Browser.encode(state))").status == .badRequest)
            #expect(try await Browser(app).get("/login/eid/callback?error=access_denied&state=x").status == .badRequest)
        }
    }

    @Test("A provider that was not asked for an assurance level gives a session that is not strong")
    func noAssuranceAskedIsWeak() async throws {
        try await withSynlig { app in
            let world = try await EIDWorld.make(app, acr: "")
            #expect(try await world.signIn(Browser(app)).callback.status == .seeOther)
            let session = try #require(try await world.sessions().first)
            #expect(session.signInMethod == .identityProvider)
            #expect(!session.isStrong)
        }
    }

    @Test("private_key_jwt: Synlig signs a client assertion the provider verifies with Synlig's published key")
    func privateKeyJWT() async throws {
        try await withSynlig { app in
            let world = try await EIDWorld.make(app, authentication: "private_key_jwt")
            #expect(try await world.signIn(Browser(app)).callback.status == .seeOther)
            let request = try #require(world.provider.tokenRequests.first)
            #expect(request.headers.first(name: .authorization) == nil)
            #expect(request.form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
            let assertion = try #require(request.form["client_assertion"])
            let published = try await Browser(app).get("/login/eid/jwks.json")
            #expect(published.status == .ok)
            let keys = JWTKeyCollection()
            try await keys.add(jwksJSON: published.body.string)
            let claims = try await keys.verify(assertion, as: ClientAssertion.Claims.self)
            #expect(claims.iss == "synlig-test" && claims.sub == "synlig-test")
            #expect(claims.aud == FakeIdentityProvider.issuer + "/token")
            #expect(claims.exp > Int(Date().timeIntervalSince1970) && claims.exp <= Int(Date().timeIntervalSince1970) + 60)
            #expect(!published.body.string.contains("\"d\""))   // the private part never leaves
        }
    }

    @Test("Signing out after e-ID ends the Synlig session and sends the browser to the provider's end-session endpoint")
    func signOutThroughProvider() async throws {
        try await withSynlig { app in
            let world = try await EIDWorld.make(app)
            let browser = Browser(app)
            _ = try await world.signIn(browser)
            _ = try await browser.get("/")
            let out = try await browser.post("/logout", form: [])
            // A page that moves on to the provider: a redirect after the form would break form-action 'self'.
            #expect(out.status == .ok)
            let html = out.body.string
            let marker = "<meta http-equiv=\"refresh\" content=\"0; url="
            let start = try #require(html.range(of: marker))
            let url = String(html[start.upperBound...].prefix { $0 != "\"" }).replacingOccurrences(of: "&amp;", with: "&")
            #expect(html.contains("Du är utloggad från Synlig"))
            let location = URLComponents(string: url)!
            #expect(location.host == "idp.test" && location.path == "/logout")
            #expect(location.queryItems?.first { $0.name == "client_id" }?.value == "synlig-test")
            #expect(location.queryItems?.first { $0.name == "post_logout_redirect_uri" }?.value?.hasSuffix("/login") == true)
            #expect(try await world.sessions().isEmpty)
        }
    }

    @Test("Creation at first sign-in, when the administrator turned it on: an account with the chosen role, no units")
    func justInTimeAccount() async throws {
        try await withSynlig { app in
            let world = try await EIDWorld.make(app)
            world.idp.justInTimeRole = .staff
            try await world.idp.update(on: app.db)
            // Without an e-mail address the provider vouches for, no account can be made.
            world.provider.claims = ["employeeHsaId": "SE2321000016-NEW1"]
            #expect(try await world.signIn(Browser(app)).callback.status == .forbidden)

            world.provider.claims = ["employeeHsaId": "SE2321000016-NEW1", "email": "Ny.Person@Test.se", "name": "Ny Person"]
            let browser = Browser(app)
            #expect(try await world.signIn(browser).callback.status == .seeOther)
            let created = try #require(try await User.query(on: app.db).filter(\.$signInIdentity == "SE2321000016-NEW1").with(\.$roles).first())
            #expect(created.email == "ny.person@test.se" && created.displayName == "Ny Person")
            #expect(created.roles.map(\.role) == [.staff])
            #expect(created.organisationID == world.organisation.id)
            #expect(try await world.auditActions().contains("user.create_at_first_sign_in"))
            // The account has no password anyone knows.
            #expect(try await Browser(app).signIn("ny.person@test.se").status == .unauthorized)
            // The second sign-in finds the same account.
            #expect(try await world.signIn(Browser(app)).callback.status == .seeOther)
            #expect(try await User.query(on: app.db).filter(\.$signInIdentity == "SE2321000016-NEW1").count() == 1)
        }
    }

    @Test("The client secret is stored sealed, never in clear")
    func secretSealed() async throws {
        try await withSynlig { app in
            let world = try await EIDWorld.make(app)
            let stored = try #require(try await IdentityProvider.find(world.idp.id, on: app.db))
            #expect(stored.clientSecretSealed?.contains("s3cret") == false)
            #expect(try app.secretBox.open(stored.clientSecretSealed ?? "") == "s3cret:&=")
        }
    }
}
