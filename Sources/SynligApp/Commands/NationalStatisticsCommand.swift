import Fluent
import Foundation
import Vapor

/// `synlig national-statistics grant|revoke --email E` and `synlig national-statistics list`:
/// who may compare every organisation on the national view, not only those that publish
/// (see `NationalStatisticsAccess` for why only the operator decides this).
struct NationalStatisticsCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "grant, revoke or list") var action: String
        @Option(name: "email", help: "The staff account's e-mail address") var email: String?
        init() {}
    }

    var help: String { "Lets a staff account compare every organisation's statistics (grant, revoke, list)." }

    typealias Failure = CommandFailure

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await SchemaMigrations.migrate(app)
        switch signature.action {
        case "list":
            let grants = try await NationalStatisticsGrant.query(on: app.db).all()
            let users = try await User.query(on: app.db).filter(\.$id ~~ grants.map(\.userID)).sort(\.$email).all()
            if users.isEmpty { context.console.output("Nobody may compare every organisation.".consoleText()) }
            for user in users { context.console.output("\(user.email)\(user.active ? "" : "\t(inactive)")".consoleText()) }
        case "grant", "revoke":
            let email = (signature.email ?? "").trimmingCharacters(in: .whitespaces).lowercased()
            guard !email.isEmpty else { throw Failure(description: "Give --email with the account's e-mail address.") }
            guard let user = try await User.query(on: app.db).filter(\.$email == email).first() else {
                throw Failure(description: "No account has the e-mail address \(email).")
            }
            if signature.action == "grant" {
                guard user.active else { throw Failure(description: "The account \(email) is not active.") }
                let changed = try await NationalStatisticsAccess.grant(to: user, on: app.db)
                context.console.output((changed ? "\(email) may now compare every organisation." : "\(email) could already compare every organisation.").consoleText())
            } else {
                let changed = try await NationalStatisticsAccess.revoke(from: user, on: app.db)
                context.console.output((changed ? "\(email) now sees only organisations that publish, and its own." : "\(email) held no national statistics grant.").consoleText())
            }
        default:
            throw Failure(description: "Unknown action \(signature.action): use grant, revoke or list.")
        }
    }
}
