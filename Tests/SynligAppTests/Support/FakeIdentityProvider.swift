import Foundation
import JWTKit
import NIOConcurrencyHelpers
import SynligCore
import Vapor
@testable import SynligApp

/// An OpenID Connect provider inside the test: discovery, a key set it can rotate, and a token
/// endpoint that signs whatever ID token the test describes. Synlig reaches it through its
/// transport seam, so the sign-in flow runs exactly as against a real provider.
final class FakeIdentityProvider: IdentityProviderTransport, @unchecked Sendable {
    static let issuer = "https://idp.test"
    static let loa3 = "http://id.elegnamnden.se/loa/1.0/loa3"
    /// A claim value that leaves the claim out of the token.
    static let absent = "<absent>"

    struct TokenRequest {
        var form: [String: String]
        var headers: HTTPHeaders
    }

    /// A signing key the provider holds, with the id it publishes it under.
    struct SigningKey: Sendable {
        var kid: String
        var key: ES256PrivateKey

        static func fresh(_ kid: String) -> SigningKey { SigningKey(kid: kid, key: ES256PrivateKey()) }

        var publicJWK: [String: String] {
            let parameters = key.publicKey.parameters!
            return ["kty": "EC", "crv": "P-256", "use": "sig", "kid": kid, "x": parameters.x, "y": parameters.y]
        }
    }

    private let lock = NIOLock()
    private var _published: [SigningKey]
    private var _signWith: SigningKey
    private var _claims: [String: any Sendable] = [:]
    private var _tokenRequests: [TokenRequest] = []
    private var _jwksFetches = 0
    /// The token endpoint's answer, when a test wants to hand out something else.
    private var _rawIDToken: String?

    init() {
        let key = SigningKey.fresh("key-1")
        _published = [key]
        _signWith = key
    }

    var published: [SigningKey] {
        get { lock.withLock { _published } }
        set { lock.withLock { _published = newValue } }
    }
    var signWith: SigningKey {
        get { lock.withLock { _signWith } }
        set { lock.withLock { _signWith = newValue } }
    }
    /// Claims to put into the next ID token, over the defaults (`nonce` comes from the sign-in).
    var claims: [String: any Sendable] {
        get { lock.withLock { _claims } }
        set { lock.withLock { _claims = newValue } }
    }
    var rawIDToken: String? {
        get { lock.withLock { _rawIDToken } }
        set { lock.withLock { _rawIDToken = newValue } }
    }
    var tokenRequests: [TokenRequest] { lock.withLock { _tokenRequests } }
    var jwksFetches: Int { lock.withLock { _jwksFetches } }
    /// The nonce of the sign-in in flight, read off the authorization request.
    var nonce = ""

    func get(_ url: String) async throws -> (status: HTTPStatus, body: Data) {
        switch url {
        case Self.issuer + "/.well-known/openid-configuration":
            return (.ok, try JSONSerialization.data(withJSONObject: [
                "issuer": Self.issuer, "authorization_endpoint": Self.issuer + "/authorize",
                "token_endpoint": Self.issuer + "/token", "jwks_uri": Self.issuer + "/jwks",
                "end_session_endpoint": Self.issuer + "/logout",
            ]))
        case Self.issuer + "/jwks":
            let keys = lock.withLock { _jwksFetches += 1; return _published.map(\.publicJWK) }
            return (.ok, try JSONSerialization.data(withJSONObject: ["keys": keys]))
        default:
            return (.notFound, Data())
        }
    }

    func postForm(_ url: String, form: [(String, String)], headers: HTTPHeaders) async throws -> (status: HTTPStatus, body: Data) {
        guard url == Self.issuer + "/token" else { return (.notFound, Data()) }
        lock.withLock { _tokenRequests.append(TokenRequest(form: Dictionary(form, uniquingKeysWith: { a, _ in a }), headers: headers)) }
        let token: String
        if let raw = rawIDToken { token = raw } else { token = try await idToken() }
        return (.ok, try JSONSerialization.data(withJSONObject: ["access_token": "at", "token_type": "Bearer", "id_token": token]))
    }

    /// An ID token as the provider would sign it, with the test's claims over sensible defaults.
    func idToken(header extra: [String: String] = [:]) async throws -> String {
        let now = Int(Date().timeIntervalSince1970)
        var claims: [String: any Sendable] = ["iss": Self.issuer, "aud": "synlig-test", "sub": "subject-1",
                                     "iat": now, "exp": now + 300, "nonce": nonce, "acr": Self.loa3]
        for (key, value) in self.claims { claims[key] = value }
        claims = claims.filter { ($0.value as? String) != FakeIdentityProvider.absent }
        let key = signWith
        let keys = JWTKeyCollection()
        await keys.add(ecdsa: key.key, kid: JWKIdentifier(string: key.kid))
        let signed = try await keys.sign(RawClaims(json: claims), kid: JWKIdentifier(string: key.kid))
        guard !extra.isEmpty else { return signed }
        // Replace the header (e.g. a different alg) and keep the signature: what a forger sends.
        let parts = signed.split(separator: ".").map(String.init)
        var header: [String: String] = ["alg": "ES256", "typ": "JWT", "kid": key.kid]
        for (name, value) in extra { header[name] = value }
        let encoded = URIText.base64URL(try JSONSerialization.data(withJSONObject: header))
        return [encoded, parts[1], parts[2]].joined(separator: ".")
    }
}

/// Claims given as JSON, signed as they are.
struct RawClaims: JWTPayload {
    var json: [String: any Sendable]
    init(json: [String: any Sendable]) { self.json = json }
    init(from decoder: any Decoder) throws { json = [:] }
    func encode(to encoder: any Encoder) throws {
        try AnyCodable(value: json).encode(to: encoder)
    }
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

struct AnyCodable: Codable {
    var value: Any
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let int = try? container.decode(Int.self) { value = int }
        else if let double = try? container.decode(Double.self) { value = double }
        else if let bool = try? container.decode(Bool.self) { value = bool }
        else if let text = try? container.decode(String.self) { value = text }
        else if let list = try? container.decode([AnyCodable].self) { value = list.map(\.value) }
        else { value = try container.decode([String: AnyCodable].self).mapValues(\.value) }
    }
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch value {
        case let bool as Bool: try container.encode(bool)
        case let int as Int: try container.encode(int)
        case let double as Double: try container.encode(double)
        case let text as String: try container.encode(text)
        case let list as [Any]: try container.encode(list.map { AnyCodable(value: $0) })
        case let object as [String: Any]: try container.encode(object.mapValues { AnyCodable(value: $0) })
        default: try container.encodeNil()
        }
    }
    init(value: Any) { self.value = value }
}
