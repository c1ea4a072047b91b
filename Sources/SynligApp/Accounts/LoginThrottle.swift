import Fluent
import SQLKit
import SynligCore
import Vapor

/// The sign-in throttle's bookkeeping. An attempt takes a slot — a failure row, written before
/// the password is checked — in one transaction that counts and inserts together, so however
/// many attempts arrive at once, on one instance or many, at most the limit reach the password
/// check. A successful sign-in gives its slots back afterwards.
enum LoginThrottle {
    struct Key: Sendable {
        var hash: String
        var policy: LoginThrottlePolicy
    }

    /// Separates these advisory locks from any others on a shared PostgreSQL.
    private static let lockNamespace: Int32 = 0x5359_4C54   // "SYLT"

    private struct Full: Error {
        var key: Key
    }

    /// Takes one slot per key, all or none; the ids of the rows taken, in the order of `keys`.
    /// Throws 429 with the time left when any key has no slot left.
    static func takeSlots(for keys: [Key], now: Date, on db: any Database) async throws -> [UUID] {
        do {
            return try await WriteTransaction.run(on: db) { tx in
                let sql = tx as! any SQLDatabase
                try await DialectSQL.lockForTransaction(keys: keys.map(\.hash), namespace: lockNamespace, on: sql)
                var taken: [UUID] = []
                for key in keys {
                    let id = UUID()
                    let cutoff = now.addingTimeInterval(-key.policy.window)
                    let inserted = try await sql.raw("""
                        INSERT INTO login_attempts (id, key_hash, occurred_at, succeeded)
                        SELECT \(bind: id), \(bind: key.hash), \(bind: now), \(bind: false)
                        WHERE (SELECT count(*) FROM login_attempts
                               WHERE key_hash = \(bind: key.hash) AND succeeded = \(bind: false)
                                 AND occurred_at > \(bind: cutoff)) < \(bind: key.policy.maxFailures)
                        RETURNING id
                        """).all()
                    // Throwing rolls back the slots this attempt already took for other keys.
                    guard !inserted.isEmpty else { throw Full(key: key) }
                    taken.append(id)
                }
                return taken
            }
        } catch let full as Full {
            throw try await lockedError(full.key, now: now, on: db)
        }
    }

    /// Gives back the slots of a successful sign-in: the account's failures are cleared, as they
    /// always were, while the address keeps its earlier failures and loses only this slot.
    static func release(accountKey: String, slots: [UUID], on db: any Database) async throws {
        try await LoginAttempt.query(on: db)
            .group(.or) { $0.filter(\.$keyHash == accountKey).filter(\.$id ~~ slots) }
            .delete()
    }

    /// 429 with how long the lock lasts, in minutes for people and seconds for `Retry-After`.
    private static func lockedError(_ key: Key, now: Date, on db: any Database) async throws -> SynligError {
        let failures = try await LoginAttempt.query(on: db)
            .filter(\.$keyHash == key.hash)
            .filter(\.$succeeded == false)
            .filter(\.$occurredAt > now.addingTimeInterval(-key.policy.window))
            .all(\.$occurredAt)
        // A slot can be given back between the refusal and this read; the refusal still stands.
        let until = key.policy.lockedUntil(failures: failures, now: now) ?? now.addingTimeInterval(60)
        let seconds = max(1, until.timeIntervalSince(now))
        return SynligError(.tooManyRequests, "login.locked", count: max(1, Int((seconds / 60).rounded(.up))),
                           headers: ["Retry-After": String(Int(seconds.rounded(.up)))])
    }
}
