import Fluent
import SynligCore
import Vapor

/// An organisation's sign-in service that Synlig trusts (OpenID Connect): Inera's IdP with
/// SITHS eID, the municipality's Entra ID, a local IdP that proxies Freja eID or BankID.
final class IdentityProvider: Model, OrganisationScoped, @unchecked Sendable {
    static let schema = "identity_providers"

    /// How Synlig proves itself at the provider's token endpoint.
    enum ClientAuthentication: String, Codable, Sendable, CaseIterable {
        /// The client secret in an HTTP Basic header.
        case clientSecretBasic = "client_secret_basic"
        /// A JWT signed with a key Synlig holds (the Sweden Connect profile accepts only this or mTLS).
        case privateKeyJWT = "private_key_jwt"
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "organisation_id") var organisationID: UUID
    /// What the button says, e.g. "SITHS eID (Inera)".
    @Field(key: "name") var name: String
    @Field(key: "issuer") var issuer: String
    @Field(key: "client_id") var clientID: String
    @Field(key: "client_authentication") var clientAuthentication: ClientAuthentication
    /// The client secret sealed with `SecretBox`; never shown again once saved.
    @OptionalField(key: "client_secret_sealed") var clientSecretSealed: String?
    /// Or a file the secret is read from at each sign-in (kept by the operator, e.g. a mounted secret).
    @OptionalField(key: "client_secret_file") var clientSecretFile: String?
    /// The private key (PEM, sealed) for `private_key_jwt`; its public half is served as JWKS.
    @OptionalField(key: "signing_key_sealed") var signingKeySealed: String?
    /// The claim that names the user: `email`, Inera's `employeeHsaId`, a personal identity number claim.
    @Field(key: "user_claim") var userClaim: String
    /// Scopes asked for besides `openid`, separated by spaces.
    @Field(key: "extra_scopes") var extraScopes: String
    /// The `claims` request parameter (JSON), for providers that hand out claims only when asked (Inera).
    @OptionalField(key: "claims_request") var claimsRequest: String?
    /// Accepted assurance levels (`acr`), separated by spaces; empty asks for none.
    @Field(key: "required_assurance") var requiredAssurance: String
    /// Create an unknown user at first sign-in with this role; nil (the default) refuses them.
    @OptionalField(key: "just_in_time_role") var justInTimeRole: Role?
    @Field(key: "active") var active: Bool
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    static var organisationIDKey: KeyPath<IdentityProvider, FieldProperty<IdentityProvider, UUID>> { \.$organisationID }

    init() {}

    var acceptedAssurance: [String] { requiredAssurance.split(separator: " ").map(String.init) }
    var scopes: [String] {
        var scopes = ["openid"]
        for scope in extraScopes.split(separator: " ").map(String.init) where !scopes.contains(scope) { scopes.append(scope) }
        return scopes
    }
}

/// One sign-in on its way through the provider: what the callback must find again. The state is
/// stored hashed, the browser holds a cookie binding the flow to itself, and a row is used once.
final class IdentityProviderLogin: Model, @unchecked Sendable {
    static let schema = "identity_provider_logins"

    @ID(key: .id) var id: UUID?
    @Field(key: "state_hash") var stateHash: String
    @Field(key: "browser_hash") var browserHash: String
    @Parent(key: "identity_provider_id") var provider: IdentityProvider
    @Field(key: "nonce") var nonce: String
    /// The PKCE verifier, sealed: it is what redeems the code.
    @Field(key: "code_verifier_sealed") var codeVerifierSealed: String
    @Field(key: "return_path") var returnPath: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?

    init() {}

    static let lifetime: TimeInterval = 10 * 60
}

/// How an organisation's staff may sign in.
enum PasswordSignIn: String, Codable, Sendable, CaseIterable {
    /// Passwords work (with a second factor when the user has one).
    case allowed
    /// Only the identity provider; a named break-glass administrator keeps a password.
    case eidOnly = "eid_only"
}

/// The organisation's sign-in rules, stored beside it.
final class OrganisationSignInPolicy: Model, @unchecked Sendable {
    static let schema = "organisation_sign_in_policies"

    @ID(key: .id) var id: UUID?
    @Field(key: "organisation_id") var organisationID: UUID
    @Field(key: "password_sign_in") var passwordSignIn: PasswordSignIn
    /// The one administrator who may still use a password when passwords are off.
    @OptionalField(key: "break_glass_user_id") var breakGlassUserID: UUID?
    /// Reading people's records needs a strong sign-in (e-ID at the required level, or password + code).
    @Field(key: "records_need_strong_sign_in") var recordsNeedStrongSignIn: Bool
    @Field(key: "version") var version: Int
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(organisationID: UUID) {
        self.organisationID = organisationID
        self.passwordSignIn = .allowed
        self.recordsNeedStrongSignIn = false
        self.version = 1
    }

    static func forOrganisation(_ id: UUID, on db: any Database) async throws -> OrganisationSignInPolicy {
        try await query(on: db).filter(\.$organisationID == id).first() ?? OrganisationSignInPolicy(organisationID: id)
    }
}
