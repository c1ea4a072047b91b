import Crypto
import Foundation

/// Time-based one-time passwords (RFC 6238), the codes any authenticator app shows: an HMAC
/// (RFC 4226) of the number of 30-second steps since 1970, truncated to a few digits.
public struct TOTP: Sendable, Equatable {
    public enum Algorithm: String, Sendable, CaseIterable {
        case sha1 = "SHA1"
        case sha256 = "SHA256"
        case sha512 = "SHA512"
    }

    /// The shared secret. Apps expect 20 bytes for SHA-1 (RFC 4226 recommends 160 bits).
    public var secret: [UInt8]
    public var algorithm: Algorithm
    public var digits: Int
    public var period: TimeInterval

    public init(secret: [UInt8], algorithm: Algorithm = .sha1, digits: Int = 6, period: TimeInterval = 30) {
        self.secret = secret
        self.algorithm = algorithm
        self.digits = digits
        self.period = period
    }

    /// A fresh random secret of 20 bytes.
    public static func generateSecret() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<20).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// The step a moment falls in: whole periods since the Unix epoch.
    public func step(at date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / period).rounded(.down))
    }

    /// The code for one step, zero-padded to `digits`.
    public func code(step: Int64) -> String {
        var counter = UInt64(bitPattern: step).bigEndian
        let message = withUnsafeBytes(of: &counter) { Data($0) }
        let key = SymmetricKey(data: secret)
        let mac: [UInt8] = switch algorithm {
        case .sha1: Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: key))
        case .sha256: Array(HMAC<SHA256>.authenticationCode(for: message, using: key))
        case .sha512: Array(HMAC<SHA512>.authenticationCode(for: message, using: key))
        }
        // Dynamic truncation (RFC 4226 §5.3): the last nibble picks four bytes, top bit cleared.
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let binary = (UInt32(mac[offset] & 0x7F) << 24) | (UInt32(mac[offset + 1]) << 16)
            | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus = modulus &* 10 }
        let value = digits >= 10 ? binary : binary % modulus
        let text = String(value)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    public func code(at date: Date) -> String { code(step: step(at: date)) }

    /// The step whose code `input` is, looking `window` steps either side of now for a clock
    /// that runs a little fast or slow; nil when none matches. A step at or before
    /// `lastUsedStep` never matches, so a code seen once (over a shoulder, in a log) cannot
    /// sign in again.
    public func verify(_ input: String, at date: Date, window: Int = 1, after lastUsedStep: Int64? = nil) -> Int64? {
        let typed = input.filter { !$0.isWhitespace && $0 != "-" }
        guard typed.count == digits, typed.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let now = step(at: date)
        var matched: Int64?
        // Every candidate is computed and compared in full, so timing does not tell which one matched.
        for candidate in (now - Int64(window))...(now + Int64(window)) {
            let same = Self.constantTimeEqual(Array(code(step: candidate).utf8), Array(typed.utf8))
            if same, matched == nil, lastUsedStep.map({ candidate > $0 }) ?? true { matched = candidate }
        }
        return matched
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    /// The `otpauth://` URI an authenticator app reads from the QR code. The label names the
    /// organisation and the account so a person with several accounts can tell them apart.
    public func provisioningURI(issuer: String = "Synlig", accountName: String) -> String {
        let label = URIText.percentEncoded(issuer) + ":" + URIText.percentEncoded(accountName)
        var query = ["secret=" + Base32.encode(secret, padding: false), "issuer=" + URIText.percentEncoded(issuer)]
        if algorithm != .sha1 { query.append("algorithm=" + algorithm.rawValue) }
        if digits != 6 { query.append("digits=\(digits)") }
        if period != 30 { query.append("period=\(Int(period))") }
        return "otpauth://totp/" + label + "?" + query.joined(separator: "&")
    }

}

/// Base32 (RFC 4648 §6), the alphabet authenticator apps use for secrets.
public enum Base32 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    public static func encode(_ bytes: [UInt8], padding: Bool = true) -> String {
        var output: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                output.append(alphabet[Int((buffer >> UInt32(bits - 5)) & 31)])
                bits -= 5
            }
        }
        if bits > 0 { output.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
        if padding { while output.count % 8 != 0 { output.append(UInt8(ascii: "=")) } }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes ignoring case, spaces, dashes and padding (people type secrets by hand);
    /// nil for any other character or an impossible length.
    public static func decode(_ text: String) -> [UInt8]? {
        var output: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        var count = 0
        for scalar in text.uppercased().unicodeScalars {
            if scalar == " " || scalar == "-" || scalar == "=" { continue }
            guard scalar.isASCII, let value = alphabet.firstIndex(of: UInt8(scalar.value)) else { return nil }
            buffer = (buffer << 5) | UInt32(value)
            bits += 5
            count += 1
            if bits >= 8 {
                output.append(UInt8((buffer >> UInt32(bits - 8)) & 0xFF))
                bits -= 8
            }
        }
        // A group of 8 characters carries 5 bytes; 1, 3 and 6 leftover characters carry none whole.
        guard ![1, 3, 6].contains(count % 8) else { return nil }
        return output
    }

    /// The secret in groups of four, for typing into an app by hand.
    public static func grouped(_ bytes: [UInt8]) -> String {
        let text = Array(encode(bytes, padding: false))
        return stride(from: 0, to: text.count, by: 4).map { String(text[$0..<min($0 + 4, text.count)]) }
            .joined(separator: " ")
    }
}

/// Reserve codes (reservkoder): one-time codes for when the phone is lost. Ten are shown once;
/// each works once.
public enum RecoveryCodes {
    /// No 0/O, 1/I/L: the codes are read from paper.
    static let alphabet = Array("abcdefghjkmnpqrstuvwxyz23456789")
    /// Ten characters of a 31-letter alphabet: about 49 bits, too many to guess within the
    /// throttle, and costly to find from a stolen hash.
    public static let length = 10
    public static let count = 10

    /// `count` new codes, written `xxxxx-xxxxx`.
    public static func generate(count: Int = count) -> [String] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in
            let characters = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
            return String(characters[0..<length / 2]) + "-" + String(characters[(length / 2)...])
        }
    }

    /// The code as stored (lower case, no spaces or dashes), or nil when it cannot be one.
    public static func normalise(_ input: String) -> String? {
        let compact = input.lowercased().filter { !$0.isWhitespace && $0 != "-" }
        guard compact.count == length, compact.allSatisfy(alphabet.contains) else { return nil }
        return compact
    }
}
