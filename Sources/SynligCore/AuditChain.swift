import Crypto
import Foundation

/// The content of one audit event, as it enters the hash chain. Field values of personal
/// data never appear here: only who did what to which record.
public struct AuditEntryContent: Sendable, Equatable {
    public var sequence: Int64
    public var occurredAtMillis: Int64
    public var organisationID: String
    public var actorID: String
    public var action: String
    public var recordType: String
    public var recordID: String

    public init(sequence: Int64, occurredAtMillis: Int64, organisationID: String, actorID: String,
                action: String, recordType: String, recordID: String) {
        self.sequence = sequence
        self.occurredAtMillis = occurredAtMillis
        self.organisationID = organisationID
        self.actorID = actorID
        self.action = action
        self.recordType = recordType
        self.recordID = recordID
    }

    /// A canonical, unambiguous encoding: each field length-prefixed so no two contents collide.
    var canonical: String {
        [String(sequence), String(occurredAtMillis), organisationID, actorID, action, recordType, recordID]
            .map { "\($0.utf8.count):\($0)" }
            .joined(separator: "|")
    }
}

public enum AuditChain {
    /// The hash before the first event.
    public static let genesis = String(repeating: "0", count: 64)

    public static func hash(previous: String, content: AuditEntryContent) -> String {
        let digest = SHA256.hash(data: Data((previous + "|" + content.canonical).utf8))
        return digest.map { String(format: "%02x", $0) }.joined()
    }

    public enum Break: Equatable, Sendable {
        case sequenceGap(expected: Int64, found: Int64)
        case previousHashMismatch(sequence: Int64)
        case contentHashMismatch(sequence: Int64)
    }

    public struct StoredEntry: Sendable {
        public var content: AuditEntryContent
        public var previousHash: String
        public var hash: String
        public init(content: AuditEntryContent, previousHash: String, hash: String) {
            self.content = content
            self.previousHash = previousHash
            self.hash = hash
        }
    }

    /// Checks entries one at a time, in sequence order, so a long trail can be streamed.
    /// `finish` compares the end of the walk with the head kept beside the chain, so that
    /// deleting the newest rows is detected too.
    public struct Verifier: Sendable {
        public private(set) var previous = AuditChain.genesis
        public private(set) var expectedSequence: Int64 = 1

        public init() {}

        public mutating func check(_ entry: StoredEntry) -> Break? {
            if entry.content.sequence != expectedSequence {
                return .sequenceGap(expected: expectedSequence, found: entry.content.sequence)
            }
            if entry.previousHash != previous { return .previousHashMismatch(sequence: expectedSequence) }
            if AuditChain.hash(previous: previous, content: entry.content) != entry.hash {
                return .contentHashMismatch(sequence: expectedSequence)
            }
            previous = entry.hash
            expectedSequence += 1
            return nil
        }

        public func finish(headSequence: Int64, headHash: String) -> Break? {
            if expectedSequence - 1 != headSequence {
                return .sequenceGap(expected: headSequence, found: expectedSequence - 1)
            }
            if previous != headHash { return .previousHashMismatch(sequence: headSequence) }
            return nil
        }
    }
}
