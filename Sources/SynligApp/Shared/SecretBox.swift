import Crypto
import Foundation
import Vapor

/// Seals secrets Synlig must keep but never show again (an identity provider's client secret,
/// an authenticator app's shared key) with AES-256-GCM, so a copy of the database alone gives
/// none of them away. The key lives outside the database: `SYNLIG_SECRET_KEY_FILE`, or a file
/// `secret.key` in the data folder created at first start. Instances that share one PostgreSQL
/// must be given the same key file.
struct SecretBox: Sendable {
    private static let prefix = "v1:"
    private let key: SymmetricKey

    init(key: SymmetricKey) { self.key = key }

    func seal(_ plaintext: String) throws -> String {
        let box = try AES.GCM.seal(Data(plaintext.utf8), using: key)
        guard let combined = box.combined else { throw SecretBoxError.unreadable }
        return Self.prefix + combined.base64EncodedString()
    }

    func open(_ sealed: String) throws -> String {
        guard sealed.hasPrefix(Self.prefix), let data = Data(base64Encoded: String(sealed.dropFirst(Self.prefix.count))),
              let box = try? AES.GCM.SealedBox(combined: data),
              let plain = try? AES.GCM.open(box, using: key),
              let text = String(data: plain, encoding: .utf8)
        else { throw SecretBoxError.unreadable }
        return text
    }

    /// A key of its own for one purpose (HKDF from the installation's key), so a use that only
    /// needs a keyed hash never holds the key that seals secrets.
    func derivedKey(for purpose: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: key, info: Data("synlig:\(purpose)".utf8), outputByteCount: 32)
    }

    /// Reads the key file, or creates it (readable by the owner only) when it does not exist yet.
    /// Creation links a finished file into place, so two processes starting together end up
    /// with the same key.
    static func load(path: String) throws -> SecretBox {
        let manager = FileManager.default
        if !manager.fileExists(atPath: path) {
            try manager.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let temporary = path + ".\(UUID().uuidString).tmp"
            let fresh = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString()
            guard manager.createFile(atPath: temporary, contents: Data((fresh + "\n").utf8),
                                     attributes: [.posixPermissions: 0o600]) else {
                throw AppConfig.Invalid(description: "cannot create the secret key file \(path)")
            }
            _ = link(temporary, path)   // fails harmlessly when another process got there first
            try? manager.removeItem(atPath: temporary)
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
              let bytes = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)),
              bytes.count == 32
        else {
            throw AppConfig.Invalid(description: "the secret key file \(path) must hold 32 random bytes in base64 (e.g. `openssl rand -base64 32`)")
        }
        return SecretBox(key: SymmetricKey(data: bytes))
    }
}

enum SecretBoxError: Error {
    case unreadable
}

extension Application {
    private struct SecretBoxKey: StorageKey { typealias Value = SecretBox }

    var secretBox: SecretBox {
        get {
            guard let box = storage[SecretBoxKey.self] else { fatalError("configure(_:config:) loads the secret key first") }
            return box
        }
        set { storage[SecretBoxKey.self] = newValue }
    }
}
