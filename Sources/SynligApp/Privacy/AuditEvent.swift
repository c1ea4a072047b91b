import Fluent
import Vapor

/// One entry of the append-only audit trail: who did what to which record, when.
/// Never field values. Each row is chained to the one before by a hash.
final class AuditEvent: Model, @unchecked Sendable {
    static let schema = "audit_events"

    @ID(key: .id) var id: UUID?
    @Field(key: "seq") var sequence: Int64
    @Field(key: "occurred_at") var occurredAt: Date
    @OptionalField(key: "organisation_id") var organisationID: UUID?
    @OptionalField(key: "actor_user_id") var actorUserID: UUID?
    /// "user", "system" or "cli": who acted when there is no user.
    @Field(key: "actor_kind") var actorKind: String
    @Field(key: "action") var action: String
    @Field(key: "record_type") var recordType: String
    @OptionalField(key: "record_id") var recordID: String?
    @Field(key: "prev_hash") var previousHash: String
    @Field(key: "hash") var hash: String

    init() {}
}

/// The newest sequence number and hash of the chain. Kept apart from the events so that
/// deleting the newest events is detected, and locked first in every audited transaction
/// so that concurrent writers append one after the other.
final class AuditChainHead: Model, @unchecked Sendable {
    static let schema = "audit_chain_heads"

    @ID(custom: "id", generatedBy: .user) var id: Int?
    @Field(key: "seq") var sequence: Int64
    @Field(key: "hash") var hash: String
    @Field(key: "lock_count") var lockCount: Int64

    init() {}
}

/// One read of a person's record, for the administrator's access-log review (loggkontroll).
final class AccessLogEntry: Model, @unchecked Sendable {
    static let schema = "access_log"

    @ID(key: .id) var id: UUID?
    @Field(key: "occurred_at") var occurredAt: Date
    @Field(key: "organisation_id") var organisationID: UUID
    @Field(key: "user_id") var userID: UUID
    @Field(key: "record_type") var recordType: String
    @Field(key: "record_id") var recordID: UUID
    /// The page or API route the read came through, as a pattern (no ids, no query strings).
    @Field(key: "via") var via: String
    /// The sealed batch the row belongs to (`AccessLogSealing`); nil until it is sealed.
    @OptionalField(key: "seal_batch") var sealBatch: UUID?

    init() {}

    init(occurredAt: Date, organisationID: UUID, userID: UUID, recordType: String, recordID: UUID, via: String) {
        self.occurredAt = occurredAt
        self.organisationID = organisationID
        self.userID = userID
        self.recordType = recordType
        self.recordID = recordID
        self.via = via
    }
}
