import Foundation
import Testing
@testable import SynligCore

@Suite("One-time codes (RFC 6238), base32 (RFC 4648) and reserve codes")
struct TOTPTests {
    static let sha1Seed = Array("12345678901234567890".utf8)
    static let sha256Seed = Array("12345678901234567890123456789012".utf8)
    static let sha512Seed = Array("1234567890123456789012345678901234567890123456789012345678901234".utf8)

    /// RFC 6238 appendix B: every time with its 8-digit code for SHA-1, SHA-256 and SHA-512.
    static let appendixB: [(time: TimeInterval, sha1: String, sha256: String, sha512: String)] = [
        (59, "94287082", "46119246", "90693936"),
        (1_111_111_109, "07081804", "68084774", "25091201"),
        (1_111_111_111, "14050471", "67062674", "99943326"),
        (1_234_567_890, "89005924", "91819424", "93441116"),
        (2_000_000_000, "69279037", "90698825", "38618901"),
        (20_000_000_000, "65353130", "77737706", "47863826"),
    ]

    @Test("Every RFC 6238 appendix B vector, for all three hash functions")
    func rfc6238Vectors() {
        for vector in Self.appendixB {
            let date = Date(timeIntervalSince1970: vector.time)
            #expect(TOTP(secret: Self.sha1Seed, algorithm: .sha1, digits: 8).code(at: date) == vector.sha1, "SHA1 at \(vector.time)")
            #expect(TOTP(secret: Self.sha256Seed, algorithm: .sha256, digits: 8).code(at: date) == vector.sha256, "SHA256 at \(vector.time)")
            #expect(TOTP(secret: Self.sha512Seed, algorithm: .sha512, digits: 8).code(at: date) == vector.sha512, "SHA512 at \(vector.time)")
        }
    }

    @Test("Six digits are the last six of the eight, zero-padded")
    func sixDigits() {
        let totp = TOTP(secret: Self.sha1Seed)
        #expect(totp.code(at: Date(timeIntervalSince1970: 59)) == "287082")
        #expect(totp.code(at: Date(timeIntervalSince1970: 1_111_111_109)) == "081804")
        #expect(totp.step(at: Date(timeIntervalSince1970: 59)) == 1)
        #expect(totp.step(at: Date(timeIntervalSince1970: 60)) == 2)
    }

    @Test("A code is accepted one step either side, and the step it matched is returned")
    func window() {
        let totp = TOTP(secret: Self.sha1Seed)
        let now = Date(timeIntervalSince1970: 1_111_111_111)
        let step = totp.step(at: now)
        #expect(totp.verify(totp.code(step: step), at: now) == step)
        #expect(totp.verify(totp.code(step: step - 1), at: now) == step - 1)
        #expect(totp.verify(totp.code(step: step + 1), at: now) == step + 1)
        #expect(totp.verify(totp.code(step: step - 2), at: now) == nil)
        #expect(totp.verify(totp.code(step: step + 2), at: now) == nil)
        // Typed with a space or a dash, as people copy it.
        let code = totp.code(step: step)
        #expect(totp.verify(String(code.prefix(3)) + " " + String(code.suffix(3)), at: now) == step)
        #expect(totp.verify("12345", at: now) == nil)
        #expect(totp.verify("abcdef", at: now) == nil)
        #expect(totp.verify("", at: now) == nil)
    }

    @Test("A step already used, or an earlier one, is refused: the same code cannot sign in twice")
    func replay() {
        let totp = TOTP(secret: Self.sha1Seed)
        let now = Date(timeIntervalSince1970: 1_234_567_890)
        let step = totp.step(at: now)
        #expect(totp.verify(totp.code(step: step), at: now, after: step) == nil)
        #expect(totp.verify(totp.code(step: step - 1), at: now, after: step - 1) == nil)
        #expect(totp.verify(totp.code(step: step), at: now, after: step - 1) == step)
    }

    @Test("RFC 4648 base32 vectors, both ways")
    func base32Vectors() {
        let vectors = [("", ""), ("f", "MY======"), ("fo", "MZXQ===="), ("foo", "MZXW6==="),
                       ("foob", "MZXW6YQ="), ("fooba", "MZXW6YTB"), ("foobar", "MZXW6YTBOI======")]
        for (plain, encoded) in vectors {
            #expect(Base32.encode(Array(plain.utf8)) == encoded)
            #expect(Base32.decode(encoded) == Array(plain.utf8))
            #expect(Base32.decode(encoded.lowercased().replacingOccurrences(of: "=", with: "")) == Array(plain.utf8))
        }
        #expect(Base32.decode("MZXW6YT1") == nil, "1 is not in the alphabet")
        #expect(Base32.decode("M") == nil, "one character cannot carry a byte")
        #expect(Base32.grouped(Array("foobar".utf8)) == "MZXW 6YTB OI")
        let secret = TOTP.generateSecret()
        #expect(secret.count == 20)
        #expect(Base32.decode(Base32.grouped(secret)) == secret)
    }

    @Test("The otpauth URI names the issuer, the organisation and the account, percent-encoded")
    func provisioningURI() {
        let totp = TOTP(secret: Array("12345678901234567890".utf8))
        let uri = totp.provisioningURI(accountName: "Exempelkommun:anna.berg+test@example.se")
        #expect(uri == "otpauth://totp/Synlig:Exempelkommun%3Aanna.berg%2Btest%40example.se?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Synlig")
        let other = TOTP(secret: [1, 2, 3], algorithm: .sha256, digits: 8, period: 60)
        #expect(other.provisioningURI(issuer: "Å kommun", accountName: "a b").hasSuffix("&issuer=%C3%85%20kommun&algorithm=SHA256&digits=8&period=60"))
    }

    @Test("Ten reserve codes, all different, that normalise from how people type them")
    func recoveryCodes() throws {
        let codes = RecoveryCodes.generate()
        #expect(codes.count == 10)
        #expect(Set(codes).count == 10)
        for code in codes {
            #expect(code.count == 11)
            #expect(code.dropFirst(5).first == "-")
            let normal = try #require(RecoveryCodes.normalise(code))
            #expect(RecoveryCodes.normalise(" " + code.uppercased().replacingOccurrences(of: "-", with: " ") + " ") == normal)
        }
        #expect(RecoveryCodes.normalise("abcde-fghjk") == "abcdefghjk")
        #expect(RecoveryCodes.normalise("abcde-fghj") == nil)
        #expect(RecoveryCodes.normalise("abcde-fghj0") == nil, "0 is not used")
        #expect(RecoveryCodes.normalise("123456") == nil)
    }
}
