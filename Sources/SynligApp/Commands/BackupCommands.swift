import Fluent
import Foundation
import Vapor

/// `synlig backup --out FILE`: a consistent copy of the whole database, taken while the server
/// keeps serving. SQLite copies itself with `VACUUM INTO` (one read transaction: a snapshot,
/// and writers go on in WAL mode); PostgreSQL is dumped with `pg_dump` in its custom format.
/// The file appears under its name only once it is complete and has been checked.
struct BackupCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "out", help: "The backup file to write; it must not exist yet") var out: String?
        init() {}
    }

    var help: String { "Writes a consistent backup of the database while Synlig runs (SQLite: VACUUM INTO; PostgreSQL: pg_dump)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard let out = signature.out, !out.isEmpty else {
            throw BackupFailure("--out FILE is required.")
        }
        guard !FileManager.default.fileExists(atPath: out) else {
            throw BackupFailure("\(out) already exists. A backup never replaces a file; choose a new name.")
        }
        let summary: BackupSummary
        switch app.synligConfig.database {
        case .sqlite:
            summary = try await SQLiteBackup.backup(app, to: out)
        case .postgres(let url):
            summary = try await PostgresBackup.backup(url: url, to: out)
        }
        try await summary.record("database.backup", on: app.db)
        context.console.output("Backed up \(summary.description) to \(out).".consoleText())
    }
}

/// `synlig restore FILE`: puts a backup in place, but only where there is nothing yet — a new
/// data directory (SQLite) or a database without Synlig's tables (PostgreSQL) — and then checks
/// the audit trail and the sealed access log of what it restored, as `verify-audit` does.
struct RestoreCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "A backup written by synlig backup") var file: String
        init() {}
    }

    var help: String { "Restores a backup into an empty data directory or an empty PostgreSQL database, then verifies its audit trail." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let file = signature.file
        guard FileManager.default.isReadableFile(atPath: file) else {
            throw BackupFailure("Cannot read the backup file \(file).")
        }
        let summary: BackupSummary
        let intact: VerifyAuditCommand.Intact
        switch app.synligConfig.database {
        case .sqlite(let path):
            (summary, intact) = try await SQLiteBackup.restore(app, from: file, into: path)
        case .postgres(let url):
            (summary, intact) = try await PostgresBackup.restore(app, url: url, from: file)
        }
        try await summary.record("database.restore", on: app.db)
        context.console.output("Restored \(summary.description) from \(file).".consoleText())
        context.console.output("Audit trail intact: \(intact.events) events; access log intact: \(intact.sealedReads) reads sealed.".consoleText())
    }
}

/// What a backup holds, in counts only: the file holds personal data, its description never does.
struct BackupSummary: Sendable {
    var tables: Int
    var bytes: Int64

    var description: String {
        "\(tables) tables (\(ByteCountFormatter.string(fromByteCount: bytes, countStyle: .file)))"
    }

    /// An audit event for the backup or restore; the reference carries the table count.
    func record(_ action: String, on db: any Database) async throws {
        let tables = tables
        try await AuditTrail.transaction(on: db, actor: .commandLine) { _, audit in
            audit.record(action, "database", reference: "\(tables) tables", organisation: nil)
        }
    }
}

/// A refusal or failure of `backup`/`restore`; the message says what to do and exits non-zero.
struct BackupFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A backup file is written under a temporary name beside its final one and only then linked
/// to that name, so a half-written or unchecked backup never looks like a complete one.
enum BackupFile {
    /// A hidden name in the same folder (a rename across file systems would be a copy).
    static func temporaryPath(beside path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).partial-\(UUID().uuidString.prefix(8))").path
    }

    /// Makes `temporary` durable and readable by its owner only, then gives it its final name.
    /// A hard link fails when the name is taken, so a file that appeared meanwhile is kept.
    static func publish(_ temporary: String, as path: String) throws {
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: temporary)
        try synchronize(temporary)
        do {
            try FileManager.default.linkItem(atPath: temporary, toPath: path)
        } catch {
            throw BackupFailure(FileManager.default.fileExists(atPath: path)
                ? "\(path) already exists. A backup never replaces a file; choose a new name."
                : "Cannot write \(path): \(error.localizedDescription)")
        }
        try? FileManager.default.removeItem(atPath: temporary)
        try? synchronize(URL(fileURLWithPath: path).deletingLastPathComponent().path)
    }

    /// Moves `temporary` over `path` (the empty database a restore replaces) and makes it durable.
    static func replace(_ path: String, with temporary: String) throws {
        try synchronize(temporary)
        guard rename(temporary, path) == 0 else {
            throw BackupFailure("Cannot move the restored database into \(path) (error \(errno)).")
        }
        try? synchronize(URL(fileURLWithPath: path).deletingLastPathComponent().path)
    }

    static func size(_ path: String) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
    }

    private static func synchronize(_ path: String) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw BackupFailure("Cannot open \(path) (error \(errno)).") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw BackupFailure("Cannot flush \(path) to disk (error \(errno)).") }
    }
}
