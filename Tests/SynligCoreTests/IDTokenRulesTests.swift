import Foundation
import SynligCore
import Testing

@Suite("ID token claims and PKCE (OpenID Connect Core 3.1.3.7, RFC 7636)")
struct IDTokenRulesTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    var expected: IDTokenExpectations {
        IDTokenExpectations(issuer: "https://idp.example.se", clientID: "synlig", nonce: "n-123",
                            acceptedAssurance: ["http://id.elegnamnden.se/loa/1.0/loa3"], now: now)
    }

    func claims(_ changes: [String: ClaimValue?] = [:]) -> [String: ClaimValue] {
        var claims: [String: ClaimValue] = [
            "iss": .string("https://idp.example.se"), "aud": .string("synlig"), "sub": .string("u1"),
            "exp": .number(now.timeIntervalSince1970 + 300), "iat": .number(now.timeIntervalSince1970 - 5),
            "nonce": .string("n-123"), "acr": .string("http://id.elegnamnden.se/loa/1.0/loa3"),
        ]
        for (key, value) in changes { claims[key] = value }
        return claims
    }

    func problem(_ claims: [String: ClaimValue], _ expected: IDTokenExpectations? = nil) -> IDTokenProblem? {
        do { try IDTokenRules.check(claims, against: expected ?? self.expected); return nil } catch { return error }
    }

    @Test("A token from the provider, for Synlig, fresh, with our nonce and the level asked for passes")
    func accepted() {
        #expect(problem(claims()) == nil)
        #expect(problem(claims(["aud": .array([.string("synlig"), .string("other")]), "azp": .string("synlig")])) == nil)
    }

    @Test("Each broken claim is refused with its own reason")
    func refused() {
        #expect(problem(claims(["iss": .string("https://idp.example.se/")])) == .wrongIssuer)
        #expect(problem(claims(["aud": .string("someone-else")])) == .wrongAudience)
        #expect(problem(claims(["aud": nil])) == .wrongAudience)
        #expect(problem(claims(["aud": .array([.string("synlig"), .string("other")])])) == .wrongAuthorizedParty)
        #expect(problem(claims(["azp": .string("other")])) == .wrongAuthorizedParty)
        #expect(problem(claims(["exp": .number(now.timeIntervalSince1970 - 121)])) == .expired)
        #expect(problem(claims(["iat": .number(now.timeIntervalSince1970 + 600)])) == .issuedInTheFuture)
        #expect(problem(claims(["iat": .number(now.timeIntervalSince1970 - 3600), "exp": .number(now.timeIntervalSince1970 + 3600)])) == .tooOld)
        #expect(problem(claims(["nonce": .string("n-124")])) == .wrongNonce)
        #expect(problem(claims(["nonce": nil])) == .wrongNonce)
        #expect(problem(claims(["sub": nil])) == .missingSubject)
        #expect(problem(claims(["acr": nil])) == .assuranceTooLow)
        #expect(problem(claims(["acr": .string("http://id.elegnamnden.se/loa/1.0/loa2")])) == .assuranceTooLow)
    }

    @Test("A small clock difference is tolerated; no assurance asked means none checked")
    func skewAndNoAssurance() {
        #expect(problem(claims(["exp": .number(now.timeIntervalSince1970 - 60), "iat": .number(now.timeIntervalSince1970 - 200)])) == nil)
        #expect(problem(claims(["iat": .number(now.timeIntervalSince1970 + 60)])) == nil)
        var open = expected
        open.acceptedAssurance = []
        #expect(problem(claims(["acr": nil]), open) == nil)
    }

    @Test("Only public-key algorithms are accepted, each with its own key type")
    func algorithms() {
        for refused in ["none", "HS256", "HS384", "HS512", "", "rs256"] {
            #expect(IDTokenRules.keyType(for: refused) == nil)
        }
        #expect(IDTokenRules.keyType(for: "RS256") == "RSA")
        #expect(IDTokenRules.keyType(for: "PS256") == "RSA")
        #expect(IDTokenRules.keyType(for: "ES256") == "EC")
    }

    @Test("PKCE S256: the RFC 7636 Appendix B example, and fresh verifiers of the right length")
    func pkce() {
        #expect(PKCE.challenge(for: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
        let verifier = PKCE.makeVerifier()
        #expect(verifier.count == 43)
        #expect(verifier != PKCE.makeVerifier())
        #expect(verifier.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
    }

    @Test("Strong sign-in: a second factor, or the provider's level when one is asked for")
    func strength() {
        let loa3 = "http://id.elegnamnden.se/loa/1.0/loa3"
        #expect(!SignInStrength.isStrong(method: .password, requiredAssurance: [loa3], presentedAssurance: loa3))
        #expect(SignInStrength.isStrong(method: .passwordAndTOTP, requiredAssurance: [], presentedAssurance: nil))
        #expect(SignInStrength.isStrong(method: .identityProvider, requiredAssurance: [loa3], presentedAssurance: loa3))
        #expect(!SignInStrength.isStrong(method: .identityProvider, requiredAssurance: [], presentedAssurance: loa3))
        #expect(!SignInStrength.isStrong(method: .identityProvider, requiredAssurance: [loa3], presentedAssurance: nil))
    }
}
