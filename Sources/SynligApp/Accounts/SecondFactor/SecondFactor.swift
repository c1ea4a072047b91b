import Fluent
import Foundation

/// A user's authenticator app (TOTP). The shared secret is sealed with the installation's
/// `SecretBox`, so a copy of the database alone cannot produce codes. Until `confirmedAt` is
/// set the app has not shown it can produce a code, and sign-in does not ask for one.
final class UserSecondFactor: Model, OrganisationScoped, @unchecked Sendable {
    static let schema = "user_second_factors"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Field(key: "organisation_id") var organisationID: UUID
    @Field(key: "secret_sealed") var secretSealed: String
    @OptionalField(key: "confirmed_at") var confirmedAt: Date?
    /// The last step whose code was accepted; a code for it or an earlier step is refused.
    @OptionalField(key: "last_used_step") var lastUsedStep: Int64?
    @Field(key: "created_at") var createdAt: Date

    static var organisationIDKey: KeyPath<UserSecondFactor, FieldProperty<UserSecondFactor, UUID>> { \.$organisationID }

    init() {}

    init(userID: UUID, organisationID: UUID, secretSealed: String, createdAt: Date) {
        self.$user.id = userID
        self.organisationID = organisationID
        self.secretSealed = secretSealed
        self.createdAt = createdAt
    }
}

/// One reserve code (reservkod). Only a hash is kept; the codes are shown once.
final class UserRecoveryCode: Model, OrganisationScoped, @unchecked Sendable {
    static let schema = "user_recovery_codes"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Field(key: "organisation_id") var organisationID: UUID
    @Field(key: "code_hash") var codeHash: String
    @OptionalField(key: "used_at") var usedAt: Date?

    static var organisationIDKey: KeyPath<UserRecoveryCode, FieldProperty<UserRecoveryCode, UUID>> { \.$organisationID }

    init() {}

    init(userID: UUID, organisationID: UUID, codeHash: String) {
        self.$user.id = userID
        self.organisationID = organisationID
        self.codeHash = codeHash
    }
}

/// The step between a correct password and a correct code: proof that the password was
/// right, for five minutes, used once. The browser holds the token; only its hash is here.
final class SecondFactorChallenge: Model, @unchecked Sendable {
    static let schema = "second_factor_challenges"

    @ID(key: .id) var id: UUID?
    @Field(key: "token_hash") var tokenHash: String
    @Parent(key: "user_id") var user: User
    @Field(key: "return_path") var returnPath: String
    @Field(key: "expires_at") var expiresAt: Date

    init() {}

    init(tokenHash: String, userID: UUID, returnPath: String, expiresAt: Date) {
        self.tokenHash = tokenHash
        self.$user.id = userID
        self.returnPath = returnPath
        self.expiresAt = expiresAt
    }
}
