import _CryptoExtras
import Crypto
import Foundation

/// The PDF standard security handler, revision 6 (ISO 32000-2 §7.6.4.3.3–4; V 5, R 6, AESV3):
/// AES-256 with a random file key, opened by a password through the hash of algorithm 2.B
/// (SHA-256/384/512 over rounds of AES-128). Every PDF reader of the last decade opens such a
/// file with its password and nothing else installed.
struct PDFStandardSecurity: Sendable {
    /// All permissions (print, copy, …): the password keeps out strangers, not the reader.
    static let permissions: Int32 = -4

    let fileKey: [UInt8]
    let u: [UInt8]
    let ue: [UInt8]
    let o: [UInt8]
    let oe: [UInt8]
    let perms: [UInt8]

    enum Failure: Error { case passwordEmpty }

    /// A new handler for a file opened with `userPassword`. The owner password is random and
    /// forgotten at once: no one can lift the encryption without the user password.
    init(userPassword: String, random: (Int) -> [UInt8] = { [UInt8].random(count: $0) }) throws {
        let user = Self.prepared(userPassword)
        guard !user.isEmpty else { throw Failure.passwordEmpty }
        let owner = Self.prepared(random(32).map { String(format: "%02x", $0) }.joined())
        fileKey = random(32)

        // Algorithm 8: U = hash(password, validation salt) + validation salt + key salt; UE wraps the key.
        let userValidationSalt = random(8), userKeySalt = random(8)
        u = try Self.hash(password: user, salt: userValidationSalt, userKey: []) + userValidationSalt + userKeySalt
        ue = try Self.wrap(fileKey, with: Self.hash(password: user, salt: userKeySalt, userKey: []))

        // Algorithm 9: the same for the owner, with U mixed into every hash.
        let ownerValidationSalt = random(8), ownerKeySalt = random(8)
        o = try Self.hash(password: owner, salt: ownerValidationSalt, userKey: u) + ownerValidationSalt + ownerKeySalt
        oe = try Self.wrap(fileKey, with: Self.hash(password: owner, salt: ownerKeySalt, userKey: u))

        // Algorithm 10: the permissions, little-endian, sealed with the file key in one AES block.
        let p = UInt32(bitPattern: Self.permissions)
        var block: [UInt8] = [UInt8(p & 0xFF), UInt8((p >> 8) & 0xFF), UInt8((p >> 16) & 0xFF), UInt8(p >> 24), 0xFF, 0xFF, 0xFF, 0xFF]
        block += Array("Tadb".utf8) + random(4)
        perms = try Self.aes(block, key: fileKey, iv: [UInt8](repeating: 0, count: 16))
    }

    /// A password as the standard asks for it: SASLprep's normalisation (NFKC), UTF-8, at most 127 bytes.
    static func prepared(_ password: String) -> [UInt8] {
        var bytes = Array(password.precomposedStringWithCompatibilityMapping.utf8)
        if bytes.count > 127 {
            // Cut on a character boundary, so a long passphrase of å and ä stays valid UTF-8.
            var cut = 127
            while cut > 0 && (bytes[cut] & 0xC0) == 0x80 { cut -= 1 }
            bytes = Array(bytes[..<cut])
        }
        return bytes
    }

    /// Algorithm 2.B: the hash that makes each password guess cost at least 64 rounds of AES and SHA-2.
    static func hash(password: [UInt8], salt: [UInt8], userKey: [UInt8]) throws -> [UInt8] {
        var k = Array(SHA256.hash(data: password + salt + userKey))
        var round = 0
        while true {
            let unit = password + k + userKey
            var k1: [UInt8] = []
            k1.reserveCapacity(unit.count * 64)
            for _ in 0..<64 { k1 += unit }
            let e = try aes(k1, key: Array(k[0..<16]), iv: Array(k[16..<32]))
            // The first 16 bytes as a big number, mod 3, equal their sum mod 3 (256 ≡ 1 mod 3).
            switch e[0..<16].reduce(0, { $0 + Int($1) }) % 3 {
            case 0: k = Array(SHA256.hash(data: e))
            case 1: k = Array(SHA384.hash(data: e))
            default: k = Array(SHA512.hash(data: e))
            }
            round += 1
            if round >= 64 && Int(e[e.count - 1]) <= round - 32 { break }
        }
        return Array(k[0..<32])
    }

    /// The encryption dictionary for the file's trailer.
    var dictionary: String {
        "<< /Filter /Standard /V 5 /R 6 /Length 256 /CF << /StdCF << /AuthEvent /DocOpen /CFM /AESV3 /Length 32 >> >> "
            + "/StmF /StdCF /StrF /StdCF /P \(Self.permissions) /EncryptMetadata true "
            + "/O <\(o.pdfHex)> /U <\(u.pdfHex)> /OE <\(oe.pdfHex)> /UE <\(ue.pdfHex)> /Perms <\(perms.pdfHex)> >>"
    }

    /// A stream's or a string's bytes as stored: a random IV, then AES-256-CBC with PKCS#7 padding.
    func encrypt(_ data: [UInt8], random: (Int) -> [UInt8] = { [UInt8].random(count: $0) }) throws -> [UInt8] {
        let iv = random(16)
        return iv + Array(try AES._CBC.encrypt(data, using: SymmetricKey(data: fileKey), iv: AES._CBC.IV(ivBytes: iv)))
    }

    /// The file key under an intermediate key: AES-256, no IV, no padding (UE and OE).
    private static func wrap(_ key: [UInt8], with intermediate: [UInt8]) throws -> [UInt8] {
        try aes(key, key: intermediate, iv: [UInt8](repeating: 0, count: 16))
    }

    /// AES-CBC without padding over whole blocks; with a zero IV over one block it is ECB.
    private static func aes(_ data: [UInt8], key: [UInt8], iv: [UInt8]) throws -> [UInt8] {
        Array(try AES._CBC.encrypt(data, using: SymmetricKey(data: key), iv: AES._CBC.IV(ivBytes: iv), noPadding: true))
    }
}

extension Array where Element == UInt8 {
    /// The bytes as a PDF hexadecimal string's contents.
    var pdfHex: String { map { String(format: "%02x", $0) }.joined() }
}
