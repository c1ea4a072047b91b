import Fluent
import Foundation
import SynligCore
import Vapor

/// The `synlig` command line: serve, migrate, create-admin, seed-demo, generate, verify-audit, purge, jobs, crisis-export,
/// backup, restore, reseal-texts, identity-provider.
enum Commands {
    static func register(in app: Application) {
        app.asyncCommands.use(SynligServeCommand(), as: "serve", isDefault: true)
        app.asyncCommands.use(MigrateCommand(), as: "migrate")
        app.asyncCommands.use(CreateAdminCommand(), as: "create-admin")
        app.asyncCommands.use(SeedDemoCommand(), as: "seed-demo")
        app.asyncCommands.use(GenerateCommand(), as: "generate")
        app.asyncCommands.use(VerifyAuditCommand(), as: "verify-audit")
        app.asyncCommands.use(PurgeCommand(), as: "purge")
        app.asyncCommands.use(JobsCommand(), as: "jobs")
        app.asyncCommands.use(CrisisExportCommand(), as: "crisis-export")
        app.asyncCommands.use(BackupCommand(), as: "backup")
        app.asyncCommands.use(RestoreCommand(), as: "restore")
        app.asyncCommands.use(ResealTextsCommand(), as: "reseal-texts")
        app.asyncCommands.use(IdentityProviderCommand(), as: "identity-provider")
        app.asyncCommands.use(NationalStatisticsCommand(), as: "national-statistics")
    }
}

/// `synlig serve [--demo] [--hostname H] [--port P]`: migrates, prepares demo data or the
/// first-administrator link, starts the scheduled jobs and serves until stopped.
struct SynligServeCommand: AnyAsyncCommand {
    var help: String { "Serves Synlig. --demo adds Exempelkommun with demo logins; --hostname, --port." }

    func run(using context: inout CommandContext) async throws {
        let app = context.application
        let demo = context.input.arguments.contains("--demo")
        context.input.arguments.removeAll { $0 == "--demo" }
        app.synligConfig.demoMode = demo

        let address = Self.address(from: context.input.arguments)
        if let message = try await Self.prepare(app, demo: demo, demoPassword: ProcessInfo.processInfo.environment["SYNLIG_DEMO_PASSWORD"],
                                                address: address) {
            context.console.output(message.consoleText())
        }
        try await Self.checkSealedTexts(app)
        Jobs.start(app)
        try await app.servers.asyncCommand.run(using: &context)
    }

    /// What a start does before serving: migrate, then seed the demo or offer the
    /// first-administrator link. All of it under the migration lock, so instances started
    /// together take turns and the second finds the demo (or the link) already made.
    /// Returns what to tell the person who started Synlig.
    static func prepare(_ app: Application, demo: Bool, demoPassword: String?, address: String) async throws -> String? {
        let demoData = demo ? try app.requireDemoData() : nil
        return try await SchemaMigrations.migrate(app) {
            if let demoData {
                return try await demoData.seed(app, password: demoPassword, baseURL: address)
            }
            guard let token = try await SetupController.issueTokenIfEmpty(on: app.db) else { return nil }
            return """
            Synlig has no users yet. Create the first administrator within one hour at:
              \(address)\(SiteURL.setup(token: token).path)
            """
        }
    }

    /// Says where the key for sealed texts comes from and how many texts still wait to be
    /// sealed under it, and refuses to serve texts it could not open (a key left out of
    /// SYNLIG_ENCRYPTION_OPENING_KEYS) rather than fail on the first page that shows one.
    static func checkSealedTexts(_ app: Application) async throws {
        let notice = TextSealingSetup.startNotice(app.synligConfig)
        app.logger.log(level: notice.level, notice.message)
        guard let keyring = TextSealing.keyring else { return }
        let census = try await SealedColumns.census(on: app.db)
        let missing = census.unopenable(with: keyring)
        guard missing.isEmpty else {
            throw AppConfig.Invalid(description: """
                stored texts are sealed under key \(missing.sorted().joined(separator: ", ")), which this start was not given: \
                add that key to SYNLIG_ENCRYPTION_OPENING_KEYS (README: Encryption at rest)
                """)
        }
        let due = census.due(with: keyring)
        if due > 0 {
            app.logger.warning("\(due) stored sensitive texts are in clear or under an earlier key: run `synlig reseal-texts`.")
        }
    }

    /// The address to print; mirrors Vapor's defaults for `--hostname` and `--port`.
    static func address(from arguments: [String]) -> String {
        func value(_ long: String, _ short: String) -> String? {
            guard let index = arguments.firstIndex(where: { $0 == long || $0 == short }), index + 1 < arguments.count else { return nil }
            return arguments[index + 1]
        }
        return "http://\(value("--hostname", "-H") ?? "127.0.0.1"):\(value("--port", "-p") ?? "8080")"
    }
}

struct MigrateCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Brings the database schema up to date and exits; run it before rolling out a new version." }

    func run(using context: CommandContext, signature: Signature) async throws {
        try await SchemaMigrations.migrate(context.application)
        context.console.output("Database schema is up to date (\(context.application.synligConfig.databaseName)).")
    }
}

/// `synlig create-admin --email E --organisation ORG [--name N] [--code C] [--kind K]`:
/// ORG is an existing organisation's SCB code or name; a new one needs --code.
/// The password is asked for, or read from standard input when that is not a terminal.
struct CreateAdminCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "email", help: "The administrator's e-mail address") var email: String?
        @Option(name: "organisation", help: "SCB code or name of the organisation") var organisation: String?
        @Option(name: "name", help: "Display name (default: the e-mail address)") var name: String?
        @Option(name: "code", help: "SCB code when the organisation is new") package var code: String?
        @Option(name: "kind", help: "municipality or region, when the organisation is new") package var kind: String?
        init() {}
    }

    var help: String { "Creates an administrator (and the organisation, if new)." }

    typealias Failure = CommandFailure

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard let email = signature.email, let orgKey = signature.organisation, !orgKey.isEmpty else {
            throw Failure(description: "Both --email and --organisation are required.")
        }
        try await SchemaMigrations.migrate(app)
        let existing = try await Organisation.query(on: app.db)
            .group(.or) { $0.filter(\.$code == orgKey).filter(\.$name == orgKey) }
            .first()
        let kind = OrganisationKind(rawValue: signature.kind ?? "municipality") ?? .municipality
        if existing == nil {
            guard let code = signature.code, OrganisationCode.isValid(code, kind: kind) else {
                throw Failure(description: "No organisation \(orgKey) exists; give --code (four digits for a municipality, two for a region) to create it.")
            }
        }
        let password: String
        if isatty(STDIN_FILENO) != 0 {
            password = context.console.ask("Password (at least \(String(PasswordPolicy.minimumLength)) characters):".consoleText(), isSecure: true)
        } else {
            password = readLine(strippingNewline: true) ?? ""
        }
        let input = UserInput(email: email, displayName: signature.name ?? email, password: password, roles: [Role.admin.rawValue])
        let (valid, problems) = UserService.validate(input, creating: true)
        guard let valid, let validPassword = valid.password else {
            let english = app.localizer
            throw Failure(description: problems.map { "\($0.field): \(english.text($0.messageKey, .en))" }.joined(separator: "\n"))
        }
        let hash = try await app.password.async(on: app.threadPool, hopTo: app.eventLoopGroup.any()).hash(validPassword).get()
        let user = try await AuditTrail.transaction(on: app.db, actor: .commandLine) { tx, audit in
            var organisation = existing
            if organisation == nil {
                let created = Organisation(name: orgKey, code: signature.code ?? "", kind: kind)
                try await created.create(on: tx)
                audit.record("organisation.create", "organisation", id: created.id, organisation: created.id)
                organisation = created
            }
            return try await UserService.insert(valid, passwordHash: hash, organisationID: organisation!.requireID(), on: tx, audit: audit)
        }
        context.console.output("Administrator \(user.email) created.".consoleText())
    }
}

struct SeedDemoCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Adds Exempelkommun with synthetic demo data (once)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let demoData = try app.requireDemoData()
        let password = ProcessInfo.processInfo.environment["SYNLIG_DEMO_PASSWORD"]
        let report = try await SchemaMigrations.migrate(app) {
            try await demoData.seed(app, password: password, baseURL: "http://127.0.0.1:8080")
        }
        context.console.output(report.consoleText())
    }
}

/// Exits non-zero when the audit trail's hash chain is broken.
struct VerifyAuditCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Checks the audit trail's hash chain and the sealed access log; exits with an error if a row was changed or removed." }

    struct Broken: Error, CustomStringConvertible {
        var description: String
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        do {
            let intact = try await Self.check(on: context.application.db)
            context.console.output("Audit trail intact: \(intact.events) events.".consoleText())
            context.console.output("Access log intact: \(intact.sealedReads) reads sealed, \(intact.unsealedReads) not sealed yet (sealed every five minutes).".consoleText())
        } catch let broken as Broken {
            context.console.error("\(broken.description.prefix(1).uppercased())\(broken.description.dropFirst())")
            throw broken
        }
    }

    struct Intact {
        var events: Int
        var sealedReads: Int
        var unsealedReads: Int
    }

    /// The audit trail's hash chain and the sealed access log, checked; `restore` runs the same
    /// check on what it has just put in place.
    static func check(on db: any Database) async throws -> Intact {
        if let broken = try await AuditTrail.verify(on: db) {
            throw Broken(description: "audit trail is BROKEN: \(broken)")
        }
        let events = try await AuditEvent.query(on: db).count()
        if let broken = try await AccessLogSealing.verify(on: db) {
            throw Broken(description: "access log is BROKEN: \(broken)")
        }
        let reads = try await AccessLogEntry.query(on: db).count()
        let waiting = try await AccessLogSealing.unsealed(on: db)
        return Intact(events: events, sealedReads: reads - waiting, unsealedReads: waiting)
    }
}

/// Runs every purge job now, whatever their schedule. Each run is recorded and audited like a
/// scheduled one; the command fails when any job did. `--dry-run` says what each purge would
/// remove and changes nothing.
struct PurgeCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "dry-run", help: "Say how many rows each purge would remove; change nothing") var dryRun: Bool
        init() {}
    }
    var help: String { "Runs the retention purges now (or, with --dry-run, says what they would remove)." }

    struct Failed: Error, CustomStringConvertible {
        var description: String
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        if signature.dryRun {
            for job in Jobs.all {
                guard let preview = job.preview else { continue }
                context.console.output("Would purge \(try await preview(context.application)) rows: \(job.name).".consoleText())
            }
            let files = try await FileRetentionService.plan(on: context.application.db)
            context.console.output("Caregivers' files due but kept for research (born on the 5th, 15th or 25th): \(files.keptForResearch).".consoleText())
            context.console.output("Caregivers' files due but exempt from gallring: \(files.keptExempt).".consoleText())
            context.console.output("Caregivers' files due but kept by their organisation's decision to keep every file: \(files.keptByDecision).".consoleText())
            let recipients = try await FileRetentionService.recipientPlan(on: context.application.db)
            context.console.output("Files of people cared for due but kept by their organisation's decision to keep every file: \(recipients.keptByDecision).".consoleText())
            return
        }
        var failed: [String] = []
        for job in Jobs.all {
            let done = try await Jobs.runNow(job, app: context.application)
            guard done.outcome == .succeeded else {
                failed.append(job.name)
                context.console.error("\(job.name) failed.")
                continue
            }
            context.console.output("Ran \(job.name): \(done.affected ?? 0) rows.".consoleText())
        }
        if !failed.isEmpty { throw Failed(description: "failed: " + failed.joined(separator: ", ")) }
    }
}

/// A command refused with a message for the operator: printed as it is, exit status non-zero.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
}
