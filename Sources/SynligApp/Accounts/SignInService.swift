import Fluent
import SynligCore
import Vapor

/// Checks e-mail and password with throttling, for the login page and the token endpoint alike.
/// A failed sign-in says the same thing whether or not the account exists.
enum SignInService {
    private struct DecoyHashKey: StorageKey { typealias Value = String }

    /// A hash of a random string at the configured cost, verified against when the account
    /// does not exist so that both paths take the same time.
    static func prepareDecoy(_ app: Application) throws {
        app.storage[DecoyHashKey.self] = try app.password.hash(SecretToken.generate())
    }

    static func authenticate(email rawEmail: String, password: String, request: Request) async throws -> User {
        let email = rawEmail.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let keys = [throttleKey(account: email), throttleKey(address: request.clientAddress)]
        let now = Date()
        try await ensureNotLocked(keys: keys, now: now, on: request.db)

        let user = try await User.query(on: request.db).filter(\.$email == email).first()
        let hash = user?.passwordHash ?? request.application.storage[DecoyHashKey.self] ?? ""
        let matches = (try? await request.password.async.verify(password, created: hash)) ?? false
        guard let user, matches, user.active, password.utf8.count <= PasswordPolicy.maximumBytes else {
            for key in keys {
                try await LoginAttempt(keyHash: key, occurredAt: now, succeeded: false).create(on: request.db)
            }
            throw SynligError(.unauthorized, "login.failed")
        }
        // A successful sign-in clears the account's failures, not the address's.
        try await LoginAttempt.query(on: request.db).filter(\.$keyHash == keys[0]).delete()
        return user
    }

    private static func ensureNotLocked(keys: [String], now: Date, on db: any Database) async throws {
        let policies = [LoginThrottlePolicy.perAccount, LoginThrottlePolicy.perAddress]
        for (key, policy) in zip(keys, policies) {
            let failures = try await LoginAttempt.query(on: db)
                .filter(\.$keyHash == key)
                .filter(\.$succeeded == false)
                .filter(\.$occurredAt > now.addingTimeInterval(-policy.window))
                .all(\.$occurredAt)
            if let until = policy.lockedUntil(failures: failures, now: now) {
                let minutes = max(1, Int((until.timeIntervalSince(now) / 60).rounded(.up)))
                throw SynligError(.tooManyRequests, "login.locked", count: minutes,
                                  headers: ["Retry-After": String(Int(until.timeIntervalSince(now).rounded(.up)))])
            }
        }
    }

    static func throttleKey(account email: String) -> String { SecretToken.hash("account:" + email) }
    static func throttleKey(address: String) -> String { SecretToken.hash("address:" + address) }
}
