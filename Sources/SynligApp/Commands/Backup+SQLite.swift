import FluentSQLiteDriver
import Foundation
import Vapor

/// Backup and restore of the embedded SQLite database.
enum SQLiteBackup {
    /// `VACUUM INTO` copies the database inside one read transaction: the copy is the database
    /// as of one moment, and in WAL mode the writers are not held up meanwhile. It writes into
    /// an empty file made first, so the copy is never readable by anyone but its owner.
    static func backup(_ app: Application, to path: String) async throws -> BackupSummary {
        let temporary = BackupFile.temporaryPath(beside: path)
        guard FileManager.default.createFile(atPath: temporary, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw BackupFailure("Cannot write in the folder of \(path).")
        }
        do {
            try await (app.db as! any SQLDatabase).raw("VACUUM INTO \(bind: temporary)").run()
            let summary = try await inspect(temporary, app: app)
            try BackupFile.publish(temporary, as: path)
            return summary
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
    }

    /// Puts `file` in place of the database at `path`, which must hold no tables at all (a new
    /// data directory: `configure` has only just created the file). Under the migration lock, so
    /// an instance starting on the same directory waits and then finds the restored schema.
    /// A copy whose audit trail or access log does not verify is removed again.
    static func restore(_ app: Application, from file: String, into path: String) async throws -> (BackupSummary, VerifyAuditCommand.Intact) {
        guard !path.isEmpty, path != ":memory:" else {
            throw BackupFailure("Synlig is configured with an in-memory database; set SYNLIG_DATA_DIR to the folder to restore into.")
        }
        let summary = try await inspect(file, app: app)
        return try await MigrationLock.withLock(app) {
            let sql = app.db as! any SQLDatabase
            let tables = try await sql.raw("SELECT count(*) AS tables FROM sqlite_master").first()?.decode(column: "tables", as: Int.self) ?? 0
            guard tables == 0 else {
                throw BackupFailure("\(path) already holds a database. Restore only into an empty data directory: point SYNLIG_DATA_DIR at a new folder.")
            }
            // The app's connections hold the empty file open; close them before it is replaced,
            // and drop its WAL so none of it is replayed onto the restored copy.
            app.databases.reinitialize(.sqlite)
            let temporary = BackupFile.temporaryPath(beside: path)
            do {
                try FileManager.default.copyItem(atPath: file, toPath: temporary)
                try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: temporary)
                for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
                try BackupFile.replace(path, with: temporary)
            } catch {
                try? FileManager.default.removeItem(atPath: temporary)
                throw error
            }
            try await DatabaseSetup.prepareConnections(app)
            do {
                return (summary, try await VerifyAuditCommand.check(on: app.db))
            } catch {
                app.databases.reinitialize(.sqlite)
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
                throw BackupFailure("The backup in \(file) does not verify (\(error)); it was not restored.")
            }
        }
    }

    /// Opens `path` read-only and checks that it is an intact SQLite database with Synlig's
    /// tables. Says what is wrong without showing any of its rows.
    static func inspect(_ path: String, app: Application) async throws -> BackupSummary {
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(storage: .file(path: readOnlyURI(path)), threadPool: app.threadPool,
                                                         logger: app.logger, on: app.eventLoopGroup.any())
        } catch {
            throw BackupFailure("\(path) cannot be opened as a database.")
        }
        do {
            let tables = try await synligTables(connection, path: path)
            try await connection.close()
            return BackupSummary(tables: tables, bytes: BackupFile.size(path))
        } catch {
            try? await connection.close()
            throw error
        }
    }

    private static func synligTables(_ connection: SQLiteConnection, path: String) async throws -> Int {
        let names: [String]
        do {
            names = try await connection.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
                .compactMap { $0.column("name")?.string }
        } catch {
            throw BackupFailure("\(path) is not a Synlig backup: it is not a SQLite database.")
        }
        guard Set(names).isSuperset(of: ["_fluent_migrations", AuditEvent.schema]) else {
            throw BackupFailure("\(path) is not a Synlig backup: it has no _fluent_migrations and audit_events tables.")
        }
        // SQLite's own messages name pages and indexes, never values; still only "ok" is shown.
        let integrity = try await connection.query("PRAGMA integrity_check").compactMap { $0.column("integrity_check")?.string }
        guard integrity == ["ok"] else {
            throw BackupFailure("\(path) is damaged: SQLite's integrity check did not pass.")
        }
        return names.count
    }

    /// A `file:` URI that opens the database read-only (SQLiteNIO opens with `SQLITE_OPEN_URI`).
    private static func readOnlyURI(_ path: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        return "file:\(path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path)?mode=ro"
    }
}
