import Fluent
import Foundation
import SynligCore
import Vapor

/// `synlig crisis-export --organisation CODE --out FILE --passphrase-file F [--language sv|en]`:
/// the encrypted crisis list of a whole organisation, for a scheduled job that keeps an offline
/// copy fresh. Audited like an export from the page, with the command line as the actor. The
/// passphrase is read from a file (first line) so it never shows in a process list or a shell history.
struct CrisisExportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "organisation", help: "SCB code of the organisation") var organisation: String?
        @Option(name: "out", help: "The PDF file to write (replaced if it exists)") var out: String?
        @Option(name: "passphrase-file", help: "A file whose first line is the passphrase") var passphraseFile: String?
        @Option(name: "language", help: "sv (default) or en") var language: String?
        init() {}
    }

    var help: String { "Writes an organisation's crisis list as an AES-256 password-protected PDF." }

    typealias Failure = CommandFailure

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard let code = signature.organisation, let out = signature.out, let passphraseFile = signature.passphraseFile else {
            throw Failure(description: "--organisation, --out and --passphrase-file are all required.")
        }
        guard let language = Language(rawValue: signature.language ?? "sv") else {
            throw Failure(description: "--language must be sv or en.")
        }
        guard let data = FileManager.default.contents(atPath: passphraseFile), let text = String(data: data, encoding: .utf8) else {
            throw Failure(description: "Cannot read the passphrase file \(passphraseFile).")
        }
        let passphrase = String(text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
            .trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
        let localizer = app.localizer
        if let problem = CrisisExportFile.passphraseProblem(passphrase) {
            throw Failure(description: localizer.text(problem, .en))
        }
        try await app.autoMigrate()
        guard let organisation = try await Organisation.query(on: app.db).filter(\.$code == code).first() else {
            throw Failure(description: "No organisation has the code \(code).")
        }
        let organisationID = try organisation.requireID()
        let entries = try await CrisisListQuery.load(organisationID: organisationID, unitID: nil, on: app.db)
        let made = try await CrisisExportFile.make(
            entries, organisationID: organisationID, organisationName: organisation.name, unit: nil,
            scopeName: localizer.text("crisis.all_units", language), exportedBy: localizer.text("audit.actor.cli", language),
            passphrase: passphrase, actor: .commandLine, on: app.db, language: language.rawValue) { localizer.text($0, language, $1) }
        // Readable by its owner only, written whole or not at all.
        let url = URL(fileURLWithPath: out)
        try Data(made.bytes).write(to: url, options: .atomic)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
        context.console.output("Wrote the crisis list of \(organisation.name) (\(made.peopleCount) caregivers) to \(out). Destroy it by \(made.destroyBy.iso).".consoleText())
    }
}
