import Fluent
import Foundation
import SynligCore
import Vapor

/// `synlig identity-provider set --organisation CODE --issuer URL --client-id ID
/// --client-secret-file FILE --user-claim CLAIM [--scopes …] [--acr …] [--claims JSON]
/// [--name NAME] [--client-authentication client_secret_basic|private_key_jwt]`, and
/// `synlig identity-provider list --organisation CODE`. `set` creates the provider or changes the
/// one with the same issuer and client id; the secret is read from the file and stored sealed,
/// so it never appears on a command line or in the shell's history.
struct IdentityProviderCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "set or list") var action: String
        @Option(name: "organisation", help: "SCB code of the organisation") var organisation: String?
        @Option(name: "issuer", help: "The provider's issuer URL (discovery at /.well-known/openid-configuration)") var issuer: String?
        @Option(name: "client-id", help: "Synlig's client id at the provider") var clientID: String?
        @Option(name: "client-secret-file", help: "A file holding the client secret (client_secret_basic)") var clientSecretFile: String?
        @Option(name: "client-authentication", help: "client_secret_basic (default) or private_key_jwt") var clientAuthentication: String?
        @Option(name: "user-claim", help: "The claim that names the user, e.g. employeeHsaId or email") var userClaim: String?
        @Option(name: "scopes", help: "Scopes besides openid, separated by spaces") var scopes: String?
        @Option(name: "acr", help: "Accepted assurance levels (acr), separated by spaces") var acr: String?
        @Option(name: "claims", help: "The claims request parameter, as JSON") var claims: String?
        @Option(name: "name", help: "What the sign-in button says (default: the issuer's host)") var name: String?
        init() {}
    }

    var help: String { "Sets up or lists an organisation's identity providers (OpenID Connect)." }

    typealias Failure = CommandFailure

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await SchemaMigrations.migrate(app)
        guard let code = signature.organisation,
              let organisation = try await Organisation.query(on: app.db).filter(\.$code == code).first(),
              let organisationID = organisation.id
        else { throw Failure(description: "Give --organisation with the SCB code of an organisation that uses Synlig.") }
        switch signature.action {
        case "list":
            let providers = try await IdentityProvider.scoped(to: organisationID, on: app.db).sort(\.$name).all()
            if providers.isEmpty { context.console.output("No identity providers for \(organisation.name).".consoleText()) }
            for provider in providers {
                let state = provider.active ? "active" : "inactive"
                context.console.output("\(provider.name)\t\(provider.issuer)\tclient \(provider.clientID)\tclaim \(provider.userClaim)\tacr \(provider.requiredAssurance.isEmpty ? "-" : provider.requiredAssurance)\t\(state)".consoleText())
            }
        case "set":
            var secret: String?
            if let file = signature.clientSecretFile {
                guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                    throw Failure(description: "Cannot read the client secret file \(file).")
                }
                secret = text.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            let existing = try await IdentityProvider.scoped(to: organisationID, on: app.db)
                .filter(\.$issuer == (signature.issuer ?? "")).filter(\.$clientID == (signature.clientID ?? "")).first()
            let input = IdentityProviderInput(
                name: signature.name ?? existing?.name ?? signature.issuer.flatMap { URLComponents(string: $0)?.host },
                issuer: signature.issuer, clientID: signature.clientID,
                clientAuthentication: signature.clientAuthentication ?? existing?.clientAuthentication.rawValue,
                clientSecret: secret, userClaim: signature.userClaim ?? existing?.userClaim,
                extraScopes: signature.scopes ?? existing?.extraScopes, claimsRequest: signature.claims ?? existing?.claimsRequest,
                requiredAssurance: signature.acr ?? existing?.requiredAssurance, justInTimeRole: existing?.justInTimeRole?.rawValue)
            do {
                let provider = try await IdentityProviderService.save(input, id: nil, organisationID: organisationID, actor: .commandLine,
                                                                      box: app.secretBox, on: app.db)
                context.console.output("Identity provider \(provider.name) \(existing == nil ? "added" : "updated") for \(organisation.name).".consoleText())
                context.console.output("Register this redirect URI with the provider: <Synlig's address>\(SiteURL.eidCallback.path)".consoleText())
            } catch let error as SynligError where !error.fieldProblems.isEmpty {
                throw Failure(description: error.fieldProblems.map { "\($0.field): \(app.localizer.text($0.messageKey, .en))" }.joined(separator: "\n"))
            }
        default:
            throw Failure(description: "Unknown action \(signature.action): use set or list.")
        }
    }
}
