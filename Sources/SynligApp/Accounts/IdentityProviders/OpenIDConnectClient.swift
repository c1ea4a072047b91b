import Foundation
import JWTKit
import SynligCore
import Vapor

/// What an identity provider says about itself at `/.well-known/openid-configuration`.
struct ProviderMetadata: Codable, Sendable {
    var issuer: String
    var authorizationEndpoint: String
    var tokenEndpoint: String
    var jwksURI: String
    var endSessionEndpoint: String?

    enum CodingKeys: String, CodingKey {
        case issuer
        case authorizationEndpoint = "authorization_endpoint"
        case tokenEndpoint = "token_endpoint"
        case jwksURI = "jwks_uri"
        case endSessionEndpoint = "end_session_endpoint"
    }
}

/// The HTTP calls Synlig makes to a provider. Tests put a provider of their own in its place.
protocol IdentityProviderTransport: Sendable {
    func get(_ url: String) async throws -> (status: HTTPStatus, body: Data)
    func postForm(_ url: String, form: [(String, String)], headers: HTTPHeaders) async throws -> (status: HTTPStatus, body: Data)
}

/// The real network, through Vapor's HTTP client.
struct HTTPClientTransport: IdentityProviderTransport {
    let client: any Client

    func get(_ url: String) async throws -> (status: HTTPStatus, body: Data) {
        let response = try await client.get(URI(string: url), headers: ["Accept": "application/json"])
        return (response.status, response.body.map { Data(buffer: $0) } ?? Data())
    }

    func postForm(_ url: String, form: [(String, String)], headers: HTTPHeaders) async throws -> (status: HTTPStatus, body: Data) {
        var headers = headers
        headers.replaceOrAdd(name: .contentType, value: "application/x-www-form-urlencoded")
        headers.replaceOrAdd(name: .accept, value: "application/json")
        let response = try await client.post(URI(string: url), headers: headers) { request in
            request.body = ByteBuffer(string: OpenIDConnect.formEncode(form))
        }
        return (response.status, response.body.map { Data(buffer: $0) } ?? Data())
    }
}

/// Why a sign-in through the provider failed, for the operator's log and the audit trail. No
/// token, code or claim value ever goes into one.
enum IdentityProviderFailure: Error, Sendable, Equatable {
    case unreachable
    case badMetadata
    case tokenExchangeFailed(status: UInt)
    case token(IDTokenProblem)

    var reason: String {
        switch self {
        case .unreachable: "provider_unreachable"
        case .badMetadata: "bad_metadata"
        case .tokenExchangeFailed(let status): "token_exchange_failed_\(status)"
        case .token(let problem): problem.rawValue
        }
    }
}

/// Discovery and key sets, cached per issuer: metadata for an hour, keys until a token names a
/// key the set does not have (the provider rotated its keys), then fetched again — at most once
/// every few seconds, so forged tokens with made-up key ids cannot make Synlig hammer the provider.
actor OpenIDConnectCache {
    private struct Entry {
        var metadata: ProviderMetadata
        var fetchedAt: Date
        var keys: [PublishedKey]?
        var lastFruitlessFetch: Date?
    }

    private var entries: [String: Entry] = [:]
    static let metadataLifetime: TimeInterval = 3600
    static let keyRefetchInterval: TimeInterval = 5

    func metadata(issuer: String, transport: any IdentityProviderTransport, now: Date = Date()) async throws(IdentityProviderFailure) -> ProviderMetadata {
        if let entry = entries[issuer], now.timeIntervalSince(entry.fetchedAt) < Self.metadataLifetime { return entry.metadata }
        let url = issuer.hasSuffix("/") ? issuer + ".well-known/openid-configuration" : issuer + "/.well-known/openid-configuration"
        guard let (status, body) = try? await transport.get(url) else { throw .unreachable }
        guard status == .ok, let metadata = try? JSONDecoder().decode(ProviderMetadata.self, from: body),
              // The document must speak for the issuer it was fetched from (Discovery 1.0, 4.3).
              metadata.issuer == issuer,
              OpenIDConnect.isAcceptableEndpoint(metadata.authorizationEndpoint),
              OpenIDConnect.isAcceptableEndpoint(metadata.tokenEndpoint),
              OpenIDConnect.isAcceptableEndpoint(metadata.jwksURI)
        else { throw .badMetadata }
        entries[issuer] = Entry(metadata: metadata, fetchedAt: now)
        return metadata
    }

    /// The key the token names, fetching the set anew once when it is not known.
    func key(issuer: String, kid: String?, transport: any IdentityProviderTransport, now: Date = Date()) async throws(IdentityProviderFailure) -> PublishedKey? {
        let metadata = try await metadata(issuer: issuer, transport: transport, now: now)
        if let keys = entries[issuer]?.keys, let key = Self.find(kid, in: keys) { return key }
        // A key id that a fresh fetch did not find a moment ago is not fetched for again.
        if let miss = entries[issuer]?.lastFruitlessFetch, now.timeIntervalSince(miss) < Self.keyRefetchInterval {
            return nil
        }
        guard let (status, body) = try? await transport.get(metadata.jwksURI) else { throw .unreachable }
        guard status == .ok, let json = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
              let list = json["keys"] as? [[String: Any]]
        else { throw .badMetadata }
        let keys = list.compactMap(PublishedKey.init(json:))
        let found = Self.find(kid, in: keys)
        entries[issuer]?.keys = keys
        entries[issuer]?.lastFruitlessFetch = found == nil ? now : nil
        return found
    }

    private static func find(_ kid: String?, in keys: [PublishedKey]) -> PublishedKey? {
        let signing = keys.filter { ($0.use ?? "sig") == "sig" }
        if let kid { return signing.first { $0.kid == kid } }
        // Without a key id a token can only name the provider's one signing key.
        return signing.count == 1 ? signing[0] : nil
    }

    func forget(issuer: String) { entries[issuer] = nil }
}

/// One key of a provider's published set, kept as the JSON it came in.
struct PublishedKey: Sendable {
    var kid: String?
    var use: String?
    var kty: String?
    var alg: String?
    var json: Data

    init?(json object: [String: Any]) {
        guard let json = try? JSONSerialization.data(withJSONObject: object) else { return nil }
        self.kid = object["kid"] as? String
        self.use = object["use"] as? String
        self.kty = object["kty"] as? String
        self.alg = object["alg"] as? String
        self.json = json
    }

    /// The key for jwt-kit, with the algorithm the token uses and a key id even if it had none.
    func jwk(algorithm: String) -> JWK? {
        guard var object = try? JSONSerialization.jsonObject(with: json) as? [String: Any] else { return nil }
        object["kid"] = kid ?? "provider-key"
        object["alg"] = algorithm
        guard let data = try? JSONSerialization.data(withJSONObject: object) else { return nil }
        return try? JWK(json: String(decoding: data, as: UTF8.self))
    }
}

/// The claims of an ID token whose signature jwt-kit has verified; the claim checks themselves
/// are `IDTokenRules`, in SynligCore.
struct IDTokenPayload: JWTPayload {
    var claims: [String: ClaimValue]

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        var claims: [String: ClaimValue] = [:]
        for key in container.allKeys { claims[key.stringValue] = try container.decode(ClaimValue.self, forKey: key) }
        self.claims = claims
    }

    func encode(to encoder: any Encoder) throws {}
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// The pieces of the authorization code flow that are not about Synlig's pages.
enum OpenIDConnect {
    /// HTTPS, or plain HTTP on this machine only (a provider under test, or a developer's own).
    static func isAcceptableEndpoint(_ url: String) -> Bool {
        guard let components = URLComponents(string: url), let host = components.host, !host.isEmpty else { return false }
        switch components.scheme?.lowercased() {
        case "https": return true
        case "http": return ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host.lowercased())
        default: return false
        }
    }

    static func formEncode(_ form: [(String, String)]) -> String {
        form.map { URIText.percentEncoded($0) + "=" + URIText.percentEncoded($1) }.joined(separator: "&")
    }

    /// Verifies the token's signature against the provider's published key and its claims against
    /// what this sign-in expects; returns the claims.
    static func verify(idToken: String, expectations: IDTokenExpectations, cache: OpenIDConnectCache,
                       transport: any IdentityProviderTransport) async throws(IdentityProviderFailure) -> [String: ClaimValue] {
        let parts = idToken.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerData = base64URLDecode(String(parts[0])),
              let header = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any],
              let algorithm = header["alg"] as? String
        else { throw .token(.malformed) }
        guard let keyType = IDTokenRules.keyType(for: algorithm) else { throw .token(.unsupportedAlgorithm) }
        let kid = header["kid"] as? String
        guard let published = try await cache.key(issuer: expectations.issuer, kid: kid, transport: transport) else {
            throw .token(.unknownKey)
        }
        // The key must be of the algorithm's kind, and say the same algorithm if it names one.
        guard published.kty == keyType, published.alg.map({ $0 == algorithm }) ?? true else {
            throw .token(.unsupportedAlgorithm)
        }
        let payload: IDTokenPayload
        do {
            guard let key = published.jwk(algorithm: algorithm) else { throw IdentityProviderFailure.token(.unknownKey) }
            let keys = JWTKeyCollection()
            try await keys.add(jwk: key)
            payload = try await keys.verify(idToken, as: IDTokenPayload.self)
        } catch let failure as IdentityProviderFailure {
            throw failure
        } catch let error as JWTError where error.errorType == .signatureVerificationFailed {
            throw .token(.badSignature)
        } catch {
            throw .token(.malformed)
        }
        do {
            try IDTokenRules.check(payload.claims, against: expectations)
        } catch {
            throw .token(error)
        }
        return payload.claims
    }

    static func base64URLDecode(_ text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}

extension Application {
    private struct TransportKey: StorageKey { typealias Value = any IdentityProviderTransport }
    private struct CacheKey: StorageKey { typealias Value = OpenIDConnectCache }

    /// How Synlig reaches identity providers; tests replace it with a provider of their own.
    var identityProviderTransport: any IdentityProviderTransport {
        get { storage[TransportKey.self] ?? HTTPClientTransport(client: client) }
        set { storage[TransportKey.self] = newValue }
    }

    var openIDConnectCache: OpenIDConnectCache {
        if let cache = storage[CacheKey.self] { return cache }
        let cache = OpenIDConnectCache()
        storage[CacheKey.self] = cache
        return cache
    }
}
