import Fluent
import Foundation
import SynligCore
import Vapor

/// Finds the Synlig account a verified identity belongs to. Only the provider's organisation is
/// searched, only active accounts match, and an unknown identity gets no account unless the
/// administrator turned on creation at first sign-in for this provider.
enum IdentityMatching {
    static let maximumLength = 254

    static func user(for claims: [String: ClaimValue], provider: IdentityProvider, on db: any Database) async throws -> User? {
        guard let raw = claims[provider.userClaim]?.text?.trimmingCharacters(in: .whitespacesAndNewlines),
              !raw.isEmpty, raw.count <= maximumLength
        else { return nil }
        let byEmail = provider.userClaim == "email"
        // A provider that says the address is unverified does not vouch for it.
        if byEmail, claims["email_verified"] == .bool(false) { return nil }
        let identity = byEmail ? raw.lowercased() : raw
        let found = try await User.query(on: db)
            .filter(\.$organisationID == provider.organisationID)
            .group(.or) { group in
                group.filter(\.$signInIdentity == identity)
                if byEmail { group.filter(\.$email == identity) }
            }
            .all()
        if let user = found.first(where: { $0.signInIdentity == identity }) ?? found.first {
            return user.active ? user : nil
        }
        guard let role = provider.justInTimeRole else { return nil }
        return try await createAtFirstSignIn(identity: identity, claims: claims, role: role, provider: provider, on: db)
    }

    /// Creation at first sign-in, when the administrator chose it: the account gets the provider's
    /// default role, no units, and a password nobody knows.
    private static func createAtFirstSignIn(identity: String, claims: [String: ClaimValue], role: Role,
                                            provider: IdentityProvider, on db: any Database) async throws -> User? {
        let (email, emailProblem) = TextInput.checkEmail(claims["email"]?.text)
        let name = claims["name"]?.text
            ?? [claims["given_name"]?.text, claims["family_name"]?.text].compactMap { $0 }.joined(separator: " ")
        let (displayName, nameProblem) = TextInput.check(name, required: true, maxLength: UserService.maxNameLength)
        guard emailProblem == nil, nameProblem == nil else { return nil }
        let unusable = "!" + SecretToken.generate()   // no bcrypt hash starts with "!"
        return try await AuditTrail.transaction(on: db, actor: .system) { tx, audit in
            let user = try await UserService.insert(
                .init(email: email, displayName: displayName, roles: [role], unitIDs: []),
                passwordHash: unusable, organisationID: provider.organisationID, on: tx, audit: audit)
            user.signInIdentity = identity
            try await user.update(on: tx)
            audit.record("user.create_at_first_sign_in", "user", id: user.id, organisation: provider.organisationID)
            return user
        }
    }
}

/// The client secret, from where the administrator put it: sealed in the database or in a file.
enum IdentityProviderSecrets {
    static func clientSecret(of provider: IdentityProvider, box: SecretBox) throws -> String {
        if let sealed = provider.clientSecretSealed { return try box.open(sealed) }
        if let file = provider.clientSecretFile {
            return try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        throw SecretBoxError.unreadable
    }
}
