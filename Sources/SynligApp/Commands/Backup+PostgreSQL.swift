import FluentPostgresDriver
import Foundation
import Vapor

/// Backup and restore of a PostgreSQL database with the server's own tools: `pg_dump` reads
/// in one repeatable-read snapshot, so its dump is consistent while the instances keep writing.
/// The password never reaches a command line or a log: it goes to the child process as
/// `PGPASSWORD`, and the URL it is given has none.
enum PostgresBackup {
    static func backup(url: String, to path: String) async throws -> BackupSummary {
        let (target, password) = try libpqConnection(url)
        let pgDump = try tool("pg_dump")
        let temporary = BackupFile.temporaryPath(beside: path)
        guard FileManager.default.createFile(atPath: temporary, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw BackupFailure("Cannot write in the folder of \(path).")
        }
        do {
            _ = try await run(pgDump, ["--format=custom", "--no-password", "--file", temporary, "--dbname", target], password: password)
            let tables = try await synligTables(inDump: temporary)
            try BackupFile.publish(temporary, as: path)
            return BackupSummary(tables: tables.count, bytes: BackupFile.size(path))
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
    }

    /// Restores into the database of `DATABASE_URL` when it holds none of the backup's tables,
    /// in one transaction. Ownership and grants go to the user restoring (`--no-owner
    /// --no-privileges`), as the roles of the old server need not exist on the new one.
    static func restore(_ app: Application, url: String, from file: String) async throws -> (BackupSummary, VerifyAuditCommand.Intact) {
        let tables = try await synligTables(inDump: file)
        let (target, password) = try libpqConnection(url)
        let pgRestore = try tool("pg_restore")
        let sql = app.db as! any SQLDatabase
        return try await MigrationLock.withLock(app) {
            let existing = try await sql.raw("""
                SELECT table_name FROM information_schema.tables
                WHERE table_schema NOT IN ('pg_catalog', 'information_schema')
                """).all().map { try $0.decode(column: "table_name", as: String.self) }
            let clash = Set(existing).intersection(tables)
            guard clash.isEmpty else {
                throw BackupFailure("The database in DATABASE_URL already holds \(clash.count) of Synlig's tables. Restore only into a new, empty database.")
            }
            _ = try await run(pgRestore, ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", "--no-password",
                                          "--dbname", target, file], password: password)
            do {
                return (BackupSummary(tables: tables.count, bytes: BackupFile.size(file)), try await VerifyAuditCommand.check(on: app.db))
            } catch {
                // None of these tables was there before the restore, so removing them loses nothing.
                try? await sql.raw("DROP TABLE IF EXISTS \(SQLList(tables.map { SQLIdentifier($0) })) CASCADE").run()
                throw BackupFailure("The backup in \(file) does not verify (\(error)); its tables were removed again.")
            }
        }
    }

    /// The tables a custom-format dump holds, from its table of contents; refuses a file that is
    /// not a dump of a Synlig database.
    static func synligTables(inDump path: String) async throws -> [String] {
        let pgRestore = try tool("pg_restore")
        let contents: String
        do {
            contents = try await run(pgRestore, ["--list", path], password: nil)
        } catch {
            throw BackupFailure("\(path) is not a Synlig backup: pg_restore cannot read it as a custom-format dump.")
        }
        // A table's entry reads "218; 1259 16386 TABLE public audit_events synlig"; its rows are "TABLE DATA".
        let tables = contents.split(separator: "\n").compactMap { line -> String? in
            let words = line.split(separator: " ")
            guard !line.hasPrefix(";"), let index = words.firstIndex(of: "TABLE"), index + 2 < words.count,
                  words[index + 1] != "DATA" else { return nil }
            return String(words[index + 2])
        }
        guard Set(tables).isSuperset(of: ["_fluent_migrations", AuditEvent.schema]) else {
            throw BackupFailure("\(path) is not a Synlig backup: it has no _fluent_migrations and audit_events tables.")
        }
        return tables
    }

    /// The URL as libpq reads it, without the password, and the password apart.
    static func libpqConnection(_ url: String) throws -> (url: String, password: String?) {
        guard var components = URLComponents(string: url), components.host != nil else {
            throw BackupFailure("DATABASE_URL cannot be read as a postgres:// URL.")
        }
        let password = components.password
        components.password = nil
        // postgres-kit's `tlsmode` is libpq's `sslmode`; libpq refuses parameters it does not know.
        components.queryItems = components.queryItems?.map { $0.name == "tlsmode" ? URLQueryItem(name: "sslmode", value: $0.value) : $0 }
        if components.queryItems?.isEmpty == true { components.queryItems = nil }
        guard let stripped = components.string else {
            throw BackupFailure("DATABASE_URL cannot be read as a postgres:// URL.")
        }
        return (stripped, password)
    }

    /// A client tool: the newest version Debian's packages installed (a client at least as new
    /// as the server is what `pg_dump` needs), otherwise the one on `PATH`.
    static func tool(_ name: String) throws -> String {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap { Int($0) }.sorted(by: >)
        let candidates = versions.map { "\(root)/\($0)/bin/\(name)" }
            + (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/\(name)" }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw BackupFailure("\(name) was not found on PATH or in /usr/lib/postgresql/*/bin. Install the PostgreSQL client tools, of the server's major version or newer.")
        }
        return found
    }

    /// Runs a tool and returns what it wrote; its output goes to files, so a long listing cannot
    /// fill a pipe and stall it.
    static func run(_ tool: String, _ arguments: [String], password: String?) async throws -> String {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("synlig-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("out")
        let errURL = scratch.appendingPathComponent("err")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        if let password { environment["PGPASSWORD"] = password }
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            process.terminationHandler = { _ in continuation.resume() }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: BackupFailure("Cannot run \(tool): \(error.localizedDescription)"))
            }
        }
        try? out.close()
        try? err.close()
        let output = (try? String(contentsOf: outURL, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0 else {
            let message = ((try? String(contentsOf: errURL, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            throw BackupFailure("\((tool as NSString).lastPathComponent) failed (exit \(process.terminationStatus)): \(message)")
        }
        return output
    }
}
