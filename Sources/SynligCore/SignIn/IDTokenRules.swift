import Crypto
import Foundation

/// One claim of an ID token, as JSON gave it.
public enum ClaimValue: Decodable, Sendable, Equatable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case array([ClaimValue])
    case other

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) { self = .string(text) }
        else if let flag = try? container.decode(Bool.self) { self = .bool(flag) }
        else if let number = try? container.decode(Double.self) { self = .number(number) }
        else if let list = try? container.decode([ClaimValue].self) { self = .array(list) }
        else { self = .other }
    }

    /// The claim as one text: a string as it is, a whole number without decimals.
    public var text: String? {
        switch self {
        case .string(let text): text
        case .number(let number) where number == number.rounded() && abs(number) < 1e15: String(Int64(number))
        default: nil
        }
    }

    var strings: [String] {
        switch self {
        case .string(let text): [text]
        case .array(let list): list.compactMap(\.text)
        default: []
        }
    }

    var seconds: Double? {
        if case .number(let number) = self { return number }
        return nil
    }
}

/// What Synlig expects of an ID token from one sign-in (OpenID Connect Core 1.0, 3.1.3.7).
public struct IDTokenExpectations: Sendable {
    public var issuer: String
    public var clientID: String
    public var nonce: String
    /// The assurance levels (`acr`) the organisation accepts; empty when it asks for none.
    public var acceptedAssurance: [String]
    public var now: Date
    /// How far the provider's clock may differ from ours.
    public var clockSkew: TimeInterval = 120
    /// An ID token older than this is not accepted, however long it says it is valid.
    public var maximumAge: TimeInterval = 10 * 60

    public init(issuer: String, clientID: String, nonce: String, acceptedAssurance: [String], now: Date) {
        self.issuer = issuer
        self.clientID = clientID
        self.nonce = nonce
        self.acceptedAssurance = acceptedAssurance
        self.now = now
    }
}

/// Why an ID token was refused. The names go to the audit trail and the operator's log,
/// never the token or its claims.
public enum IDTokenProblem: String, Error, Sendable, Equatable {
    case wrongIssuer = "wrong_issuer"
    case wrongAudience = "wrong_audience"
    case wrongAuthorizedParty = "wrong_authorized_party"
    case expired
    case issuedInTheFuture = "issued_in_the_future"
    case tooOld = "too_old"
    case wrongNonce = "wrong_nonce"
    case missingSubject = "missing_subject"
    case assuranceTooLow = "assurance_too_low"
    case unsupportedAlgorithm = "unsupported_algorithm"
    case unknownKey = "unknown_key"
    case badSignature = "bad_signature"
    case malformed
}

/// The claim checks of an ID token whose signature has been verified.
public enum IDTokenRules {
    /// Algorithms an identity provider may sign with: public-key signatures only. `none` and the
    /// HMAC family are refused, so a token cannot be "signed" with a key everybody can read.
    public static let acceptedAlgorithms: Set<String> = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
                                                         "ES256", "ES384", "ES512"]

    /// The key type an algorithm needs, so an RSA key is never used for an EC token or the reverse.
    public static func keyType(for algorithm: String) -> String? {
        guard acceptedAlgorithms.contains(algorithm) else { return nil }
        return algorithm.hasPrefix("ES") ? "EC" : "RSA"
    }

    public static func check(_ claims: [String: ClaimValue], against expected: IDTokenExpectations) throws(IDTokenProblem) {
        guard claims["iss"]?.text == expected.issuer else { throw .wrongIssuer }
        let audiences = claims["aud"]?.strings ?? []
        guard audiences.contains(expected.clientID) else { throw .wrongAudience }
        let authorizedParty = claims["azp"]?.text
        if audiences.count > 1 || authorizedParty != nil {
            guard authorizedParty == expected.clientID else { throw .wrongAuthorizedParty }
        }
        let now = expected.now.timeIntervalSince1970
        guard let expires = claims["exp"]?.seconds, now < expires + expected.clockSkew else { throw .expired }
        guard let issued = claims["iat"]?.seconds else { throw .malformed }
        guard issued <= now + expected.clockSkew else { throw .issuedInTheFuture }
        guard now - issued <= expected.maximumAge + expected.clockSkew else { throw .tooOld }
        guard let nonce = claims["nonce"]?.text, constantTimeEqual(nonce, expected.nonce) else { throw .wrongNonce }
        guard let subject = claims["sub"]?.text, !subject.isEmpty else { throw .missingSubject }
        if !expected.acceptedAssurance.isEmpty {
            guard let level = claims["acr"]?.text, expected.acceptedAssurance.contains(level) else { throw .assuranceTooLow }
        }
    }

    private static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// Proof Key for Code Exchange (RFC 7636) with the S256 method: the verifier stays with Synlig,
/// the provider sees only its hash, so a stolen authorization code cannot be redeemed.
public enum PKCE {
    /// 32 random bytes, base64url without padding: 43 characters, within RFC 7636's 43–128.
    public static func makeVerifier() -> String {
        var generator = SystemRandomNumberGenerator()
        return URIText.base64URL((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    public static func challenge(for verifier: String) -> String {
        URIText.base64URL(Array(SHA256.hash(data: Data(verifier.utf8))))
    }
}
