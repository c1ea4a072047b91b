import Crypto
import Foundation

/// Sealing the access log into the audit trail. Reads are too many to chain one by one (every
/// page view would queue on the chain head), so rows are sealed in batches: a batch's digest is
/// written into the audit trail's hash chain as an event, and each row names its batch. A row
/// changed or deleted after sealing no longer matches its batch's digest; a seal removed breaks
/// the audit chain itself.
public enum AccessLogSeal {
    /// One access-log row as it is sealed.
    public struct Row: Sendable, Equatable {
        public var occurredAtMillis: Int64
        public var id: String
        public var organisationID: String
        public var userID: String
        public var recordType: String
        public var recordID: String
        public var via: String

        public init(occurredAtMillis: Int64, id: String, organisationID: String, userID: String,
                    recordType: String, recordID: String, via: String) {
            self.occurredAtMillis = occurredAtMillis
            self.id = id
            self.organisationID = organisationID
            self.userID = userID
            self.recordType = recordType
            self.recordID = recordID
            self.via = via
        }

        /// Each field length-prefixed, as the audit chain's entries, so no two rows collide.
        var canonical: String {
            [String(occurredAtMillis), id, organisationID, userID, recordType, recordID, via]
                .map { "\($0.utf8.count):\($0)" }.joined(separator: "|")
        }
    }

    /// What the audit event records about a batch: which batch, how many rows, their digest.
    public struct Reference: Sendable, Equatable {
        public var batch: String
        public var count: Int
        public var digest: String

        public init(batch: String, count: Int, digest: String) {
            self.batch = batch
            self.count = count
            self.digest = digest
        }

        /// `batch:count:digest`, kept in the audit event's record id.
        public var text: String { "\(batch):\(count):\(digest)" }

        public init?(text: String) {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3, let count = Int(parts[1]), count >= 0 else { return nil }
            self.init(batch: parts[0], count: count, digest: parts[2])
        }
    }

    /// The digest of a batch's rows, in the order they are always read (time, then id).
    public static func digest(_ rows: [Row]) -> String {
        var hash = SHA256()
        for row in rows {
            hash.update(data: Data(row.canonical.utf8))
            hash.update(data: Data([0x0A]))
        }
        return hash.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// What verification found wrong.
    public enum Break: Sendable, Equatable, CustomStringConvertible {
        /// A batch's rows no longer match what was sealed: one was changed, deleted or added.
        case batchAltered(batch: String, sealedCount: Int, foundCount: Int)
        /// Rows name a batch no seal event records.
        case unknownBatch(batch: String, rows: Int)

        public var description: String {
            switch self {
            case .batchAltered(let batch, let sealed, let found):
                "access-log batch \(batch) was altered: \(sealed) rows sealed, \(found) found, digest differs or rows changed"
            case .unknownBatch(let batch, let rows): "\(rows) access-log rows name batch \(batch), which no seal records"
            }
        }
    }
}
