import _CryptoExtras
import Foundation
import JWTKit
import SynligCore

/// `private_key_jwt` (OpenID Connect Core 9): Synlig proves itself at the token endpoint with a
/// short-lived JWT signed by its own RSA key; the provider knows the public half.
enum ClientAssertion {
    struct SigningKey {
        let privateKey: JWTKit.Insecure.RSA.PrivateKey

        static func generate() throws -> (key: SigningKey, pem: String) {
            let fresh = try _RSA.Signing.PrivateKey(keySize: .bits2048)
            return (SigningKey(privateKey: try JWTKit.Insecure.RSA.PrivateKey(pem: fresh.pemRepresentation)), fresh.pemRepresentation)
        }

        init(privateKey: JWTKit.Insecure.RSA.PrivateKey) { self.privateKey = privateKey }

        init(sealed: String, box: SecretBox) throws {
            self.privateKey = try JWTKit.Insecure.RSA.PrivateKey(pem: box.open(sealed))
        }

        func publicJWK(kid: String) throws -> [String: String] {
            let (modulus, exponent) = try privateKey.publicKey.getKeyPrimitives()
            return ["kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid,
                    "n": URIText.base64URL(modulus), "e": URIText.base64URL(exponent)]
        }

        func assertion(clientID: String, audience: String, kid: String, now: Date) async throws -> String {
            let keys = JWTKeyCollection()
            await keys.add(rsa: privateKey, digestAlgorithm: .sha256, kid: JWKIdentifier(string: kid))
            return try await keys.sign(Claims(iss: clientID, sub: clientID, aud: audience, jti: UUID().uuidString,
                                              iat: Int(now.timeIntervalSince1970), exp: Int(now.timeIntervalSince1970) + 60),
                                       kid: JWKIdentifier(string: kid))
        }
    }

    struct Claims: JWTPayload, Equatable {
        var iss: String
        var sub: String
        var aud: String
        var jti: String
        var iat: Int
        var exp: Int

        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }
}
