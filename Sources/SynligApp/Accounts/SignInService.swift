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
        let accountKey = throttleKey(account: email)
        // The slots are taken before the slow password check, so parallel guesses cannot all
        // pass a count made before any of them was recorded.
        let slots = try await LoginThrottle.takeSlots(for: [
            .init(hash: accountKey, policy: .perAccount),
            .init(hash: throttleKey(address: request.clientAddress), policy: .perAddress),
        ], now: Date(), on: request.db)

        let user = try await User.query(on: request.db).filter(\.$email == email).first()
        let hash = user?.passwordHash ?? request.application.storage[DecoyHashKey.self] ?? ""
        let matches = (try? await request.password.async.verify(password, created: hash)) ?? false
        guard let user, matches, user.active, password.utf8.count <= PasswordPolicy.maximumBytes else {
            // The slots stay: they are this attempt's recorded failures.
            throw SynligError(.unauthorized, "login.failed")
        }
        try await LoginThrottle.release(accountKey: accountKey, slots: slots, on: request.db)
        // Checked after the password, so the answer tells nothing to someone who does not know it.
        let policy = try await OrganisationSignInPolicy.forOrganisation(user.organisationID, on: request.db)
        if policy.passwordSignIn == .eidOnly, policy.breakGlassUserID != user.id {
            throw SynligError(.forbidden, "login.eid_only")
        }
        return user
    }

    static func throttleKey(account email: String) -> String { SecretToken.hash("account:" + email) }
    /// Per client block (an IPv6 client counts by its /64; see `IPAddress.throttleBlock`).
    static func throttleKey(address: String) -> String { SecretToken.hash("address:" + IPAddress.throttleBlock(of: address)) }
}
