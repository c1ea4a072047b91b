import Crypto
import Foundation

/// Encryption at rest of the most sensitive free texts (conversation notes, memo notes,
/// restriction reasons, notes on a caregiver's own health): each is sealed with AES-256-GCM
/// before it is stored, so a copy of the database or of a backup shows none of them.
///
/// A stored value is `"\u{1}v1:" + key id + ":" + base64(nonce ‖ ciphertext ‖ tag)`. The
/// leading U+0001 is a control character every text field refuses (`TextField.check`), so no
/// text anyone typed can look sealed. A value without the prefix is a text stored before
/// sealing was introduced: it reads as it is, and `synlig reseal-texts` seals it.
/// The text is padded to a multiple of 32 bytes before sealing, so the stored length tells
/// roughly how long a note is, not whether it is empty or its exact length.
public struct TextSealingKey: Sendable {
    /// Eight hex digits naming the key in each value it sealed, so a value sealed under an
    /// earlier key finds that key during a rotation. A hash, never the key itself.
    public let id: String
    let key: SymmetricKey

    public init(_ key: SymmetricKey) {
        self.key = key
        let digest = key.withUnsafeBytes { SHA256.hash(data: Data("synlig-text-key-id:".utf8) + Data($0)) }
        id = digest.prefix(4).map { String(format: "%02x", $0) }.joined()
    }

    /// A key written as 32 random bytes in base64 (`openssl rand -base64 32`).
    public init?(base64: String) {
        guard let bytes = Data(base64Encoded: base64.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count == 32
        else { return nil }
        self.init(SymmetricKey(data: bytes))
    }
}

public enum TextSealingError: Error, CustomStringConvertible, Equatable {
    /// The value was sealed under a key this process was not given.
    case unknownKey(String)
    /// The value is damaged or was altered: authentication failed.
    case unreadable

    public var description: String {
        switch self {
        case .unknownKey(let id):
            "a stored text is sealed under key \(id), which is neither SYNLIG_ENCRYPTION_KEY nor one of SYNLIG_ENCRYPTION_OPENING_KEYS"
        case .unreadable:
            "a stored text could not be opened: it is damaged or was altered"
        }
    }
}

/// The key that seals new texts and every key that may open stored ones.
public struct TextKeyring: Sendable {
    public static let prefix = "\u{1}v1:"
    /// Binds each sealed value to this use, so a value sealed for another purpose never opens here.
    private static let context = Data("synlig:sealed-text:v1".utf8)

    public private(set) var current: TextSealingKey
    private var known: [String: TextSealingKey]

    public init(current: TextSealingKey, earlier: [TextSealingKey] = []) {
        self.current = current
        known = Dictionary((earlier + [current]).map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
    }

    public var keyIDs: Set<String> { Set(known.keys) }

    /// This keyring, also able to open what `other`'s keys sealed (its current key unchanged).
    public func opening(alsoWith other: TextKeyring) -> TextKeyring {
        var merged = self
        merged.known.merge(other.known) { mine, _ in mine }
        return merged
    }

    /// Padding (ISO/IEC 7816-4): a 0x80 byte, then zeros up to the next multiple of `block`.
    private static let block = 32

    static func padded(_ text: String) -> Data {
        var bytes = Data(text.utf8)
        bytes.append(0x80)
        bytes.append(contentsOf: repeatElement(0, count: (block - bytes.count % block) % block))
        return bytes
    }

    static func unpadded(_ bytes: Data) -> String? {
        guard let marker = bytes.lastIndex(where: { $0 != 0 }), bytes[marker] == 0x80 else { return nil }
        return String(data: bytes[bytes.startIndex..<marker], encoding: .utf8)
    }

    public func seal(_ text: String) -> String {
        // AES-GCM with a random 96-bit nonce fails only on a broken random source; there is no
        // way to store the text safely then, so the process stops rather than write it in clear.
        guard let box = try? AES.GCM.seal(Self.padded(text), using: current.key, authenticating: Self.context),
              let combined = box.combined
        else { fatalError("AES-GCM sealing failed") }
        return Self.prefix + current.id + ":" + combined.base64EncodedString()
    }

    public func open(_ stored: String) throws -> String {
        guard let keyID = Self.keyID(of: stored) else { return stored }
        guard !keyID.isEmpty else { throw TextSealingError.unreadable }
        guard let key = known[keyID] else { throw TextSealingError.unknownKey(keyID) }
        let body = stored.dropFirst(Self.prefix.count + keyID.count + 1)
        guard let data = Data(base64Encoded: String(body)),
              let box = try? AES.GCM.SealedBox(combined: data),
              let plain = try? AES.GCM.open(box, using: key.key, authenticating: Self.context),
              let text = Self.unpadded(plain)
        else { throw TextSealingError.unreadable }
        return text
    }

    /// The id of the key a stored value was sealed under; nil for a text stored in clear, ""
    /// for a value marked sealed whose key cannot be read (damaged).
    public static func keyID(of stored: String) -> String? {
        guard stored.hasPrefix(prefix) else { return nil }
        let rest = stored.dropFirst(prefix.count)
        guard let colon = rest.firstIndex(of: ":") else { return "" }
        return String(rest[..<colon])
    }

    /// True when a stored value needs sealing again: stored in clear, or under an earlier key.
    public func needsResealing(_ stored: String) -> Bool {
        Self.keyID(of: stored) != current.id
    }
}

/// The keyring of this process. Fluent turns stored values into models without any request or
/// application at hand, so the keyring `configure` was given is kept here. A process serves one
/// installation, so one keyring; keys given to later configurations are added for opening, so
/// values sealed under any of them still open.
public enum TextSealing {
    private final class Box: @unchecked Sendable {
        let lock = NSLock()
        var keyring: TextKeyring?
    }
    private static let box = Box()

    public static func install(_ keyring: TextKeyring) {
        box.lock.lock()
        defer { box.lock.unlock() }
        box.keyring = box.keyring.map { keyring.opening(alsoWith: $0) } ?? keyring
    }

    public static var keyring: TextKeyring? {
        box.lock.lock()
        defer { box.lock.unlock() }
        return box.keyring
    }

    static func seal(_ text: String) -> String {
        // Never fail open: a text is not stored in clear because nothing installed a keyring.
        guard let keyring else { preconditionFailure("configure(_:config:) installs the keyring before anything is stored") }
        return keyring.seal(text)
    }

    static func open(_ stored: String) throws -> String {
        guard let keyID = TextKeyring.keyID(of: stored) else { return stored }
        guard let keyring else { throw TextSealingError.unknownKey(keyID) }
        return try keyring.open(stored)
    }
}

/// A free text stored sealed: the model's field holds this, and the model exposes the text.
public struct SealedText: Codable, Sendable, Equatable, ExpressibleByStringLiteral {
    public var text: String

    public init(_ text: String) { self.text = text }
    public init(stringLiteral text: String) { self.text = text }

    public init(from decoder: any Decoder) throws {
        let stored = try decoder.singleValueContainer().decode(String.self)
        text = try TextSealing.open(stored)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(TextSealing.seal(text))
    }

    /// For values read with SQL rather than through a model (the register extract).
    public static func opened(_ stored: String) throws -> String { try TextSealing.open(stored) }
    /// For values written with SQL rather than through a model (generated data).
    public static func sealed(_ text: String) -> String { TextSealing.seal(text) }
}
