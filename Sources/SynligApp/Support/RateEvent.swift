import Fluent
import Vapor

/// Events counted per hashed key for rate limits (no addresses in clear).
final class RateEvent: Model, @unchecked Sendable {
    static let schema = "rate_events"

    @ID(key: .id) var id: UUID?
    @Field(key: "key_hash") var keyHash: String
    @Field(key: "occurred_at") var occurredAt: Date

    init() {}

    init(keyHash: String, occurredAt: Date) {
        self.keyHash = keyHash
        self.occurredAt = occurredAt
    }
}
