import Fluent
import SynligCore
import Vapor

/// What an administrator gives for an identity provider, from the page or the command line.
struct IdentityProviderInput: Sendable {
    var name: String?
    var issuer: String?
    var clientID: String?
    var clientAuthentication: String?
    /// A new client secret; nil or empty keeps the one stored.
    var clientSecret: String?
    var clientSecretFile: String?
    var userClaim: String?
    var extraScopes: String?
    var claimsRequest: String?
    var requiredAssurance: String?
    var justInTimeRole: String?
    var active: Bool = true
    var version: Int?
}

/// Creating and changing identity providers: one set of rules for the page and `synlig identity-provider set`.
enum IdentityProviderService {
    struct Valid {
        var name: String
        var issuer: String
        var clientID: String
        var clientAuthentication: IdentityProvider.ClientAuthentication
        var clientSecret: String?
        var clientSecretFile: String?
        var userClaim: String
        var extraScopes: String
        var claimsRequest: String?
        var requiredAssurance: String
        var justInTimeRole: Role?
        var active: Bool
    }

    static func validate(_ input: IdentityProviderInput) -> (Valid?, [SynligError.FieldProblem]) {
        var problems: [SynligError.FieldProblem] = []
        func text(_ value: String?, _ field: String, required: Bool, max: Int) -> String {
            let (checked, problem) = TextInput.check(value, required: required, maxLength: max)
            if let problem { problems.append(.init(field: field, messageKey: problem.rawValue)) }
            return checked
        }
        let name = text(input.name, "name", required: true, max: 120)
        var issuer = text(input.issuer, "issuer", required: true, max: 500)
        if !issuer.isEmpty {
            let components = URLComponents(string: issuer)
            if !OpenIDConnect.isAcceptableEndpoint(issuer) || components?.query != nil || components?.fragment != nil {
                problems.append(.init(field: "issuer", messageKey: "idp.issuer_invalid"))
            }
            // The issuer is compared exactly with the token's `iss`; a trailing slash is the provider's choice, kept as given.
            issuer = issuer.trimmingCharacters(in: .whitespaces)
        }
        let clientID = text(input.clientID, "clientID", required: true, max: 200)
        let authentication = IdentityProvider.ClientAuthentication(rawValue: input.clientAuthentication ?? "client_secret_basic")
        if authentication == nil { problems.append(.init(field: "clientAuthentication", messageKey: "idp.client_authentication_invalid")) }
        let secret = text(input.clientSecret, "clientSecret", required: false, max: 1000)
        let secretFile = text(input.clientSecretFile, "clientSecretFile", required: false, max: 500)
        if !secretFile.isEmpty, !FileManager.default.isReadableFile(atPath: secretFile) {
            problems.append(.init(field: "clientSecretFile", messageKey: "idp.secret_file_unreadable"))
        }
        let claim = text(input.userClaim, "userClaim", required: true, max: 100)
        if !claim.isEmpty, !claim.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_-.:/".contains($0)) }) {
            problems.append(.init(field: "userClaim", messageKey: "idp.claim_invalid"))
        }
        let scopes = words(text(input.extraScopes, "extraScopes", required: false, max: 500))
        let assurance = words(text(input.requiredAssurance, "requiredAssurance", required: false, max: 500))
        let claims = text(input.claimsRequest, "claimsRequest", required: false, max: 2000)
        if !claims.isEmpty, (try? JSONSerialization.jsonObject(with: Data(claims.utf8))) as? [String: Any] == nil {
            problems.append(.init(field: "claimsRequest", messageKey: "idp.claims_invalid"))
        }
        var role: Role?
        if let raw = input.justInTimeRole, !raw.isEmpty {
            role = Role(rawValue: raw)
            if role == nil { problems.append(.init(field: "justInTimeRole", messageKey: "user.role_invalid")) }
        }
        guard problems.isEmpty, let authentication else { return (nil, problems) }
        return (Valid(name: name, issuer: issuer, clientID: clientID, clientAuthentication: authentication,
                      clientSecret: secret.isEmpty ? nil : secret, clientSecretFile: secretFile.isEmpty ? nil : secretFile,
                      userClaim: claim, extraScopes: scopes, claimsRequest: claims.isEmpty ? nil : claims,
                      requiredAssurance: assurance, justInTimeRole: role, active: input.active), [])
    }

    /// Scopes and assurance levels: printable words separated by single spaces.
    private static func words(_ text: String) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }).map(String.init).joined(separator: " ")
    }

    /// Creates the provider, or changes the one given by `id` (the page) or by issuer and client id (the command line).
    static func save(_ input: IdentityProviderInput, id: UUID?, organisationID: UUID, actor: AuditActor,
                     box: SecretBox, on db: any Database) async throws -> IdentityProvider {
        let (valid, problems) = validate(input)
        guard let valid else { throw SynligError.invalid(problems) }
        return try await AuditTrail.transaction(on: db, actor: actor) { tx, audit in
            let existing: IdentityProvider?
            if let id {
                existing = try await IdentityProvider.find(id, in: organisationID, on: tx)
                guard let version = input.version, version == existing?.version else { throw SynligError.staleEdit }
            } else {
                existing = try await IdentityProvider.query(on: tx).filter(\.$organisationID == organisationID)
                    .filter(\.$issuer == valid.issuer).filter(\.$clientID == valid.clientID).first()
            }
            let provider = existing ?? IdentityProvider()
            let isNew = existing == nil
            if isNew {
                provider.organisationID = organisationID
                provider.version = 1
            } else {
                provider.version += 1
            }
            provider.name = valid.name
            provider.issuer = valid.issuer
            provider.clientID = valid.clientID
            provider.clientAuthentication = valid.clientAuthentication
            if let secret = valid.clientSecret {
                provider.clientSecretSealed = try box.seal(secret)
                provider.clientSecretFile = nil
            } else if let file = valid.clientSecretFile {
                provider.clientSecretFile = file
                provider.clientSecretSealed = nil
            }
            if valid.clientAuthentication == .clientSecretBasic, provider.clientSecretSealed == nil, provider.clientSecretFile == nil {
                throw SynligError.invalid([.init(field: "clientSecret", messageKey: "idp.secret_required")])
            }
            if valid.clientAuthentication == .privateKeyJWT, provider.signingKeySealed == nil {
                provider.signingKeySealed = try box.seal(try ClientAssertion.SigningKey.generate().pem)
            }
            provider.userClaim = valid.userClaim
            provider.extraScopes = valid.extraScopes
            provider.claimsRequest = valid.claimsRequest
            provider.requiredAssurance = valid.requiredAssurance
            provider.justInTimeRole = valid.justInTimeRole
            provider.active = valid.active
            if isNew { try await provider.create(on: tx) } else { try await provider.update(on: tx) }
            audit.record(isNew ? "identity_provider.create" : "identity_provider.update", "identity_provider",
                         id: provider.id, organisation: organisationID)
            return provider
        }
    }
}
