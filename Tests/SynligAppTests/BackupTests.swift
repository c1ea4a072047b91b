import Fluent
import FluentSQLiteDriver
import Foundation
import SQLKit
import Testing
import Vapor
@testable import SynligApp

/// `synlig backup` and `synlig restore`, on whichever database the suite runs on: SQLite's
/// `VACUUM INTO`, or PostgreSQL's `pg_dump`/`pg_restore` into a new database.
@Suite("Backup and restore")
struct BackupTests {
    @Test("A backup taken under concurrent writes restores to a snapshot whose audit trail verifies; after the writes, every table comes back row for row")
    func backupUnderConcurrentWrites() async throws {
        try await withScratchFolder { folder in
            try await withSynlig { app in
                let organisation = try await makeOrganisation(app)
                let organisationID = try organisation.requireID()
                let during = folder + "/during.backup", after = folder + "/after.backup"
                let writers = 4, unitsPerWriter = 25

                try await withThrowingTaskGroup(of: Void.self) { group in
                    for writer in 0..<writers {
                        group.addTask {
                            for number in 0..<unitsPerWriter {
                                try await createUnit(app, organisationID: organisationID, name: "Enhet \(writer)-\(number)")
                            }
                        }
                    }
                    group.addTask {
                        // Back up in the middle of the writes, not before the first or after the last.
                        while try await Unit.query(on: app.db).count() < 10 { try await Task.sleep(for: .milliseconds(5)) }
                        try await runCommand(app, "backup", "--out", during)
                    }
                    try await group.waitForAll()
                }
                #expect(try await Unit.query(on: app.db).count() == writers * unitsPerWriter)
                let sourceEvents = try await auditActions(app.db)

                try await restoring(during) { restored in
                    _ = try await VerifyAuditCommand.check(on: restored.db)
                    let tables = try await tableNames(restored.db as! any SQLDatabase)
                    #expect(tables == (try await tableNames(app.db as! any SQLDatabase)))
                    // A consistent snapshot has each unit together with its audit event, and its
                    // trail is a beginning of the source's trail.
                    let units = try await Unit.query(on: restored.db).count()
                    let events = try await auditActions(restored.db)
                    #expect(units >= 10)
                    #expect(units == events.filter { $0 == "unit.create" }.count)
                    #expect(events.last == "database.restore")
                    #expect(Array(events.dropLast()) == Array(sourceEvents.prefix(events.count - 1)))
                }

                try await runCommand(app, "backup", "--out", after)
                let attributes = try FileManager.default.attributesOfItem(atPath: after)
                #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
                #expect(try await auditActions(app.db).last == "database.backup")
                let source = try await comparableRows(app.db as! any SQLDatabase)
                try await restoring(after) { restored in
                    let copy = try await comparableRows(restored.db as! any SQLDatabase)
                    #expect(copy.keys.sorted() == source.keys.sorted())
                    for (table, rows) in source {
                        #expect(copy[table] == rows, "table \(table) differs after restore")
                    }
                    #expect(try await Unit.query(on: restored.db).count() == writers * unitsPerWriter)
                    #expect(try await auditActions(restored.db).last == "database.restore")
                }
            }
        }
    }

    @Test("A backup never replaces an existing file")
    func backupRefusesExistingFile() async throws {
        try await withScratchFolder { folder in
            try await withSynlig { app in
                let out = folder + "/existing.backup"
                try Data("keep me".utf8).write(to: URL(fileURLWithPath: out))
                let error = await #expect(throws: BackupFailure.self) { try await runCommand(app, "backup", "--out", out) }
                #expect(error?.description.contains("already exists") == true)
                #expect(try String(contentsOfFile: out, encoding: .utf8) == "keep me")
                #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["existing.backup"])
                #expect(try await auditActions(app.db).contains("database.backup") == false)
            }
        }
    }

    @Test("Restore refuses a database that already holds data, and leaves it as it was")
    func restoreRefusesNonEmptyTarget() async throws {
        try await withScratchFolder { folder in
            try await withSynlig { app in
                let file = try await backUpOneUnit(app, into: folder)
                let before = try await comparableRows(app.db as! any SQLDatabase)

                let error = await #expect(throws: BackupFailure.self) { try await runCommand(app, "restore", file) }
                #expect(error?.description.contains("Restore only into") == true)
                #expect(try await comparableRows(app.db as! any SQLDatabase) == before)
            }
        }
    }

    @Test("Restore refuses a file that is not a Synlig backup")
    func restoreRefusesForeignFile() async throws {
        try await withScratchFolder { folder in
            let text = folder + "/notes.txt"
            try Data("not a backup".utf8).write(to: URL(fileURLWithPath: text))
            try await withEmptyTarget { target in
                let error = await #expect(throws: BackupFailure.self) { try await runCommand(target, "restore", text) }
                #expect(error?.description.contains("is not a Synlig backup") == true)
                let tables = try await tableNames(target.db as! any SQLDatabase)
                #expect(tables.isEmpty)
            }
            if !TestDatabase.isPostgres {
                // A database, but not Synlig's.
                let foreign = folder + "/foreign.sqlite"
                let connection = try await SQLiteConnection.open(storage: .file(path: foreign))
                _ = try await connection.query("CREATE TABLE notes (text TEXT)")
                try await connection.close()
                try await withEmptyTarget { target in
                    let error = await #expect(throws: BackupFailure.self) { try await runCommand(target, "restore", foreign) }
                    #expect(error?.description.contains("no _fluent_migrations and audit_events") == true)
                }
            }
        }
    }

    @Test("Restore refuses a backup whose audit trail does not verify, and leaves the target empty")
    func restoreRefusesBrokenAuditTrail() async throws {
        try await withScratchFolder { folder in
            try await withSynlig { app in
                let file = try await backUpOneUnit(app, into: folder) {
                    try await (app.db as! any SQLDatabase).raw("UPDATE audit_events SET action = 'tampered' WHERE seq = 1").run()
                }

                try await withEmptyTarget { target in
                    let error = await #expect(throws: BackupFailure.self) { try await runCommand(target, "restore", file) }
                    #expect(error?.description.contains("does not verify") == true)
                    let tables = try await tableNames(target.db as! any SQLDatabase)
                    #expect(tables.isEmpty)
                }
            }
        }
    }
}

extension BackupTests {
    @Test("pg_dump and pg_restore get the URL without its password; the password goes to them as PGPASSWORD")
    func postgresPasswordStaysOffTheCommandLine() throws {
        let (url, password) = try PostgresBackup.libpqConnection("postgres://synlig:s%40cret@db.example:5432/synlig?tlsmode=require")
        #expect(url == "postgres://synlig@db.example:5432/synlig?sslmode=require")
        #expect(password == "s@cret")
        let (plain, none) = try PostgresBackup.libpqConnection("postgres://synlig@127.0.0.1:54420/synlig")
        #expect(plain == "postgres://synlig@127.0.0.1:54420/synlig")
        #expect(none == nil)
    }
}

// MARK: - Arranging and comparing

/// A unit and its audit event, committed together, as the unit pages write them.
private func createUnit(_ app: Application, organisationID: UUID, name: String) async throws {
    try await AuditTrail.transaction(on: app.db, actor: .system) { tx, audit in
        let unit = Unit(organisationID: organisationID, name: name, kind: .homeCare)
        try await unit.create(on: tx)
        audit.record("unit.create", "unit", id: unit.id, organisation: organisationID)
    }
}

/// An app on a new, empty database (a new SQLite file, or a new PostgreSQL database), as a
/// restore finds it: configured, not migrated.
private func withEmptyTarget(_ work: (Application) async throws -> Void) async throws {
    try await withEmptyDatabase { database in
        let target = try await makeApp(on: database)
        do {
            try await work(target)
            try await target.asyncShutdown()
        } catch {
            try? await target.asyncShutdown()
            throw error
        }
    }
}

/// A municipality with one unit, backed up into `folder`; `beforeBackup` may change the source first.
private func backUpOneUnit(_ app: Application, into folder: String,
                           beforeBackup: () async throws -> Void = {}) async throws -> String {
    let organisation = try await makeOrganisation(app)
    try await createUnit(app, organisationID: try organisation.requireID(), name: "Hemtjänst")
    try await beforeBackup()
    let file = folder + "/synlig.backup"
    try await runCommand(app, "backup", "--out", file)
    return file
}

/// Restores `file` into an empty target through the command and hands over the app on it.
private func restoring(_ file: String, _ check: (Application) async throws -> Void) async throws {
    try await withEmptyTarget { restored in
        try await runCommand(restored, "restore", file)
        try await check(restored)
    }
}

private func withScratchFolder(_ work: (String) async throws -> Void) async throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("synlig-backup-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try await work(folder)
}

private func auditActions(_ db: any Database) async throws -> [String] {
    try await AuditEvent.query(on: db).sort(\.$sequence).all().map(\.action)
}

private func tableNames(_ sql: any SQLDatabase) async throws -> [String] {
    let query: SQLQueryString = sql.dialect.name == "sqlite"
        ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        : "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
    return try await sql.raw(query).all().map { try $0.decode(column: "name", as: String.self) }.sorted()
}

private func columnNames(_ table: String, _ sql: any SQLDatabase) async throws -> [String] {
    if sql.dialect.name == "sqlite" {
        return try await sql.raw("SELECT name FROM pragma_table_info(\(bind: table)) ORDER BY cid").all()
            .map { try $0.decode(column: "name", as: String.self) }
    }
    return try await sql.raw("""
        SELECT column_name AS name FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name = \(bind: table) ORDER BY ordinal_position
        """).all().map { try $0.decode(column: "name", as: String.self) }
}

/// Every table's rows as text, sorted. A backup and a restore each add one audit event (recorded
/// after the copy, in the source and in the restored database), so those two events are left out,
/// and so is the chain head's hash that follows from them; its sequence and lock count still
/// have to agree, and both chains are verified on their own.
private func comparableRows(_ sql: any SQLDatabase) async throws -> [String: [String]] {
    var tables: [String: [String]] = [:]
    for table in try await tableNames(sql) {
        let columns = try await columnNames(table, sql).filter { !(table == AuditChainHead.schema && $0 == "hash") }
        let row: SQLQueryString = sql.dialect.name == "sqlite"
            ? SQLQueryString(columns.map { "quote(\"\($0)\")" }.joined(separator: " || '|' || "))
            : SQLQueryString("row(" + columns.map { "\"\($0)\"" }.joined(separator: ", ") + ")::text")
        let filter: SQLQueryString = table == AuditEvent.schema ? " WHERE action NOT IN ('database.backup', 'database.restore')" : ""
        let query: SQLQueryString = "SELECT \(row) AS row FROM \(ident: table)\(filter)"
        tables[table] = try await sql.raw(query).all().map { try $0.decode(column: "row", as: String.self) }.sorted()
    }
    return tables
}
