import Fluent
import SQLKit
import SynligCore
import Vapor

/// Sign-in through the organisation's identity provider: the authorization code flow with PKCE
/// (S256), `state` bound to this browser and `nonce`; the ID token verified against the
/// provider's keys; the person matched to an existing account by the configured claim.
struct IdentityProviderSignInController: RouteCollection {
    /// Binds a sign-in in flight to the browser that started it, so a link with someone else's
    /// `state` cannot sign this browser in (login CSRF).
    static let flowCookie = "synlig_eid_flow"
    /// The provider chosen last time, preselected on the login page.
    static let lastChoiceCookie = "synlig_eid_provider"

    func boot(routes: any RoutesBuilder) throws {
        routes.browser.get(SiteURL.eidSignIn.pattern, use: start)
        routes.browser.get(SiteURL.eidCallback.pattern, use: callback)
        routes.get(SiteURL.eidClientKeys.pattern, use: clientKeys)
    }

    /// Sends the browser to the provider.
    @Sendable func start(req: Request) async throws -> Response {
        guard let providerID = req.query[UUID.self, at: "provider"],
              let provider = try await IdentityProvider.query(on: req.db)
                .filter(\.$id == providerID).filter(\.$active == true).first()
        else { throw SynligError(.badRequest, "eid.choose_provider") }
        let back = SiteURL.safeReturnPath(req.query[String.self, at: "return"]) ?? SiteURL.home.path
        let metadata = try await metadataOrUnavailable(provider, req)

        let state = SecretToken.generate(), nonce = SecretToken.generate(), browser = SecretToken.generate()
        let verifier = PKCE.makeVerifier()
        let login = IdentityProviderLogin()
        login.stateHash = SecretToken.hash(state)
        login.browserHash = SecretToken.hash(browser)
        login.$provider.id = try provider.requireID()
        login.nonce = nonce
        login.codeVerifierSealed = try req.application.secretBox.seal(verifier)
        login.returnPath = back
        login.createdAt = Date()
        try await login.create(on: req.db)

        var query: [(String, String)] = [
            ("response_type", "code"), ("client_id", provider.clientID),
            ("redirect_uri", Self.redirectURI(req)), ("scope", provider.scopes.joined(separator: " ")),
            ("state", state), ("nonce", nonce),
            ("code_challenge", PKCE.challenge(for: verifier)), ("code_challenge_method", "S256"),
            ("ui_locales", req.language.rawValue),
        ]
        if !provider.acceptedAssurance.isEmpty { query.append(("acr_values", provider.acceptedAssurance.joined(separator: " "))) }
        if let claims = provider.claimsRequest, !claims.isEmpty { query.append(("claims", claims)) }
        let separator = metadata.authorizationEndpoint.contains("?") ? "&" : "?"
        let response = req.redirect(to: metadata.authorizationEndpoint + separator + OpenIDConnect.formEncode(query))
        response.cookies[Self.flowCookie] = HTTPCookies.Value(
            string: browser, maxAge: Int(IdentityProviderLogin.lifetime), path: "/login/eid",
            isSecure: req.isSecure, isHTTPOnly: true, sameSite: .lax)
        response.cookies[Self.lastChoiceCookie] = HTTPCookies.Value(
            string: providerID.uuidString, maxAge: 365 * 24 * 3600, path: "/login",
            isSecure: req.isSecure, isHTTPOnly: true, sameSite: .lax)
        return response
    }

    /// The provider sends the browser back here with a code (or an error).
    @Sendable func callback(req: Request) async throws -> Response {
        guard let state = req.query[String.self, at: "state"], state.count < 200,
              let browser = req.cookies[Self.flowCookie]?.string,
              let login = try await takeLogin(stateHash: SecretToken.hash(state), browserHash: SecretToken.hash(browser), on: req.db),
              let provider = try await IdentityProvider.query(on: req.db)
                .filter(\.$id == login.$provider.id).filter(\.$active == true).first()
        else { throw SynligError(.badRequest, "eid.expired") }
        guard req.query[String.self, at: "error"] == nil, let code = req.query[String.self, at: "code"], code.count < 4096 else {
            throw SynligError(.unauthorized, "eid.cancelled")
        }

        let claims: [String: ClaimValue]
        do {
            let metadata = try await req.application.openIDConnectCache.metadata(issuer: provider.issuer, transport: req.application.identityProviderTransport)
            let idToken = try await exchange(code: code, verifier: req.application.secretBox.open(login.codeVerifierSealed),
                                             provider: provider, metadata: metadata, req: req)
            claims = try await OpenIDConnect.verify(
                idToken: idToken,
                expectations: IDTokenExpectations(issuer: provider.issuer, clientID: provider.clientID, nonce: login.nonce,
                                                  acceptedAssurance: provider.acceptedAssurance, now: Date()),
                cache: req.application.openIDConnectCache, transport: req.application.identityProviderTransport)
        } catch let failure as IdentityProviderFailure {
            try await refuse(provider, reason: failure.reason, req: req)
            switch failure {
            case .token(.assuranceTooLow): throw SynligError(.forbidden, "eid.assurance_too_low")
            case .unreachable, .badMetadata, .tokenExchangeFailed: throw SynligError(.badGateway, "eid.unavailable")
            case .token: throw SynligError(.unauthorized, "eid.token_refused")
            }
        }

        guard let user = try await IdentityMatching.user(for: claims, provider: provider, on: req.db) else {
            try await refuse(provider, reason: "unknown_identity", req: req)
            throw SynligError(.forbidden, "eid.unknown_identity")
        }
        let assurance = claims["acr"]?.text
        let proof = SignInProof(
            method: .identityProvider,
            isStrong: SignInStrength.isStrong(method: .identityProvider, requiredAssurance: provider.acceptedAssurance,
                                              presentedAssurance: assurance),
            assurance: assurance.map { String($0.prefix(200)) }, identityProviderID: try provider.requireID())
        let response = try await SignInCompletion.finish(user: user, proof: proof, returnPath: login.returnPath, request: req)
        response.cookies[Self.flowCookie] = HTTPCookies.Value(string: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0,
                                                              path: "/login/eid", isSecure: req.isSecure, isHTTPOnly: true, sameSite: .lax)
        return response
    }

    /// The public keys Synlig signs its `private_key_jwt` client assertions with, for the
    /// provider to register (or fetch).
    @Sendable func clientKeys(req: Request) async throws -> Response {
        let providers = try await IdentityProvider.query(on: req.db)
            .filter(\.$active == true).filter(\.$clientAuthentication == .privateKeyJWT).all()
        var keys: [[String: String]] = []
        for provider in providers {
            guard let sealed = provider.signingKeySealed, let key = try? ClientAssertion.SigningKey(sealed: sealed, box: req.application.secretBox) else { continue }
            keys.append(try key.publicJWK(kid: try provider.requireID().uuidString))
        }
        let response = Response(status: .ok)
        try response.content.encode(["keys": keys], as: .json)
        response.headers.replaceOrAdd(name: .contentType, value: "application/jwk-set+json")
        return response
    }

    /// The row for this state and browser, marked used in the same statement so it works once.
    private func takeLogin(stateHash: String, browserHash: String, on db: any Database) async throws -> IdentityProviderLogin? {
        guard let login = try await IdentityProviderLogin.query(on: db)
            .filter(\.$stateHash == stateHash).filter(\.$browserHash == browserHash).first(),
            Date().timeIntervalSince(login.createdAt) < IdentityProviderLogin.lifetime,
            let id = login.id
        else { return nil }
        let sql = db as! any SQLDatabase
        let taken = try await sql.raw("""
            UPDATE identity_provider_logins SET used_at = \(bind: Date())
            WHERE id = \(bind: id) AND used_at IS NULL RETURNING id
            """).all()
        return taken.isEmpty ? nil : login
    }

    private func exchange(code: String, verifier: String, provider: IdentityProvider, metadata: ProviderMetadata,
                          req: Request) async throws(IdentityProviderFailure) -> String {
        var form: [(String, String)] = [
            ("grant_type", "authorization_code"), ("code", code),
            ("redirect_uri", Self.redirectURI(req)), ("code_verifier", verifier),
        ]
        var headers = HTTPHeaders()
        switch provider.clientAuthentication {
        case .clientSecretBasic:
            guard let secret = try? IdentityProviderSecrets.clientSecret(of: provider, box: req.application.secretBox) else {
                throw .badMetadata
            }
            // RFC 6749 2.3.1: both parts form-encoded before Basic.
            let pair = URIText.percentEncoded(provider.clientID) + ":" + URIText.percentEncoded(secret)
            headers.replaceOrAdd(name: .authorization, value: "Basic " + Data(pair.utf8).base64EncodedString())
        case .privateKeyJWT:
            guard let sealed = provider.signingKeySealed,
                  let key = try? ClientAssertion.SigningKey(sealed: sealed, box: req.application.secretBox),
                  let assertion = try? await key.assertion(clientID: provider.clientID, audience: metadata.tokenEndpoint,
                                                           kid: provider.id?.uuidString ?? "", now: Date())
            else { throw .badMetadata }
            form += [("client_id", provider.clientID),
                     ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
                     ("client_assertion", assertion)]
        }
        let transport = req.application.identityProviderTransport
        guard let (status, body) = try? await transport.postForm(metadata.tokenEndpoint, form: form, headers: headers) else {
            throw .unreachable
        }
        guard status == .ok else { throw .tokenExchangeFailed(status: status.code) }
        struct TokenResponse: Decodable { var id_token: String }
        guard let token = try? JSONDecoder().decode(TokenResponse.self, from: body) else { throw .token(.malformed) }
        return token.id_token
    }

    private func metadataOrUnavailable(_ provider: IdentityProvider, _ req: Request) async throws -> ProviderMetadata {
        do {
            return try await req.application.openIDConnectCache.metadata(issuer: provider.issuer, transport: req.application.identityProviderTransport)
        } catch {
            req.logger.warning("identity provider unavailable", metadata: ["provider": .string(provider.id?.uuidString ?? ""), "reason": .string(error.reason)])
            throw SynligError(.badGateway, "eid.unavailable")
        }
    }

    /// A refused sign-in goes to the audit trail with the reason's name, and to the operator's
    /// log without anything that identifies the person.
    private func refuse(_ provider: IdentityProvider, reason: String, req: Request) async throws {
        req.logger.notice("identity provider sign-in refused", metadata: ["provider": .string(provider.id?.uuidString ?? ""), "reason": .string(reason)])
        try await AuditTrail.transaction(on: req.db, actor: .system) { _, audit in
            audit.record("session.sign_in_refused.\(reason)", "identity_provider", id: provider.id, organisation: provider.organisationID)
        }
    }

    /// The link that starts a sign-in with this provider and comes back to `returnPath`.
    static func startHref(provider id: UUID, returnPath: String?) -> String {
        var start = URLComponents()
        start.path = SiteURL.eidSignIn.path
        start.queryItems = [URLQueryItem(name: "provider", value: id.uuidString)]
            + (returnPath.map { [URLQueryItem(name: "return", value: $0)] } ?? [])
        return start.string ?? SiteURL.eidSignIn.path
    }

    /// Where the provider sends the browser back; registered with the provider as it is.
    static func redirectURI(_ req: Request) -> String {
        baseURL(req) + SiteURL.eidCallback.path
    }

    static func baseURL(_ req: Request) -> String {
        if let configured = req.application.synligConfig.publicURL { return configured }
        let host = req.headers.first(name: .host) ?? "127.0.0.1"
        return (req.isSecure ? "https://" : "http://") + host
    }
}
