import Fluent
import SynligCore
import Vapor

/// How a user proved who they are, as the session that follows remembers it.
struct SignInProof: Sendable, Equatable {
    var method: SignInMethod
    var isStrong: Bool
    var assurance: String?
    var identityProviderID: UUID?

    static let password = SignInProof(method: .password, isStrong: false)
    static let passwordAndTOTP = SignInProof(method: .passwordAndTOTP, isStrong: true, assurance: "totp")
}

/// A signed-in session, kept in the database so it survives a restart and is shared by
/// every app instance. Only a hash of the token is stored: a copy of the table signs no one in.
final class AuthSession: Model, @unchecked Sendable {
    static let schema = "auth_sessions"

    enum Kind: String, Codable, Sendable {
        case browser
        case api
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "token_hash") var tokenHash: String
    @Parent(key: "user_id") var user: User
    @Field(key: "organisation_id") var organisationID: UUID
    @Field(key: "kind") package var kind: Kind
    @Field(key: "csrf_token") var csrfToken: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "last_seen_at") var lastSeenAt: Date
    @OptionalField(key: "ended_at") var endedAt: Date?
    @Field(key: "sign_in_method") var signInMethod: SignInMethod
    /// Signed in strongly: a second factor, or e-ID at the level the organisation asks for.
    @Field(key: "strong") var isStrong: Bool
    /// The assurance level (`acr`) the identity provider vouched for; "totp" after a second factor.
    @OptionalField(key: "assurance") var assurance: String?
    @OptionalField(key: "identity_provider_id") var identityProviderID: UUID?

    init() {}

    init(tokenHash: String, userID: UUID, organisationID: UUID, kind: Kind, csrfToken: String, now: Date,
         signIn: SignInProof = .password) {
        self.tokenHash = tokenHash
        self.signInMethod = signIn.method
        self.isStrong = signIn.isStrong
        self.assurance = signIn.assurance
        self.identityProviderID = signIn.identityProviderID
        self.$user.id = userID
        self.organisationID = organisationID
        self.kind = kind
        self.csrfToken = csrfToken
        self.createdAt = now
        self.lastSeenAt = now
    }
}

/// One sign-in attempt, keyed by a hash of the account or address so the table holds no
/// e-mail addresses or IP addresses in clear.
final class LoginAttempt: Model, @unchecked Sendable {
    static let schema = "login_attempts"

    @ID(key: .id) var id: UUID?
    @Field(key: "key_hash") var keyHash: String
    @Field(key: "occurred_at") var occurredAt: Date
    @Field(key: "succeeded") var succeeded: Bool

    init() {}

    init(keyHash: String, occurredAt: Date, succeeded: Bool) {
        self.keyHash = keyHash
        self.occurredAt = occurredAt
        self.succeeded = succeeded
    }
}

/// The one-time link that creates the first administrator of an empty installation.
final class SetupToken: Model, @unchecked Sendable {
    static let schema = "setup_tokens"

    @ID(key: .id) var id: UUID?
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?

    init() {}

    init(tokenHash: String, createdAt: Date, expiresAt: Date) {
        self.tokenHash = tokenHash
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}
