import Fluent
import Foundation
import SQLKit
import Vapor
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Brings the schema up to date when several instances share one database: one migrates, the
/// others wait for it and then find nothing pending. Every command that migrates comes here,
/// so `serve`, `migrate`, `create-admin`, `seed-demo` and `generate` take turns alike.
package enum SchemaMigrations {
    /// Migrates, then runs `firstStart` (demo seeding, the first-administrator link) while still
    /// holding the lock, so a second instance sees its result rather than racing it. Refuses a
    /// database that a newer Synlig has migrated.
    package static func migrate<T: Sendable>(_ app: Application,
                                             then firstStart: @escaping @Sendable () async throws -> T) async throws -> T {
        try await MigrationLock.withLock(app) {
            try await app.migrator.setupIfNeeded().get()
            let unknown = try await unknownMigrations(app)
            guard unknown.isEmpty else { throw SchemaNewerThanBinary(unknownMigrations: unknown) }
            try await app.migrator.prepareBatch().get()
            return try await firstStart()
        }
    }

    package static func migrate(_ app: Application) async throws {
        try await migrate(app) {}
    }

    /// Migrations the database has run that this binary does not know: a newer version has
    /// been there. Fluent's preview of "revert all" lists the known migrations that have run.
    static func unknownMigrations(_ app: Application) async throws -> [String] {
        let applied = try await MigrationLog.query(on: app.db).sort(\.$batch).sort(\.$createdAt).all(\.$name)
        let known = Set(try await app.migrator.previewRevertAllBatches().get().map { $0.0.name })
        return applied.filter { !known.contains($0) }
    }
}

/// What `serve` and `migrate` say, and exit non-zero with, when the schema is ahead of them.
package struct SchemaNewerThanBinary: Error, CustomStringConvertible {
    package var unknownMigrations: [String]

    package var description: String {
        """
        The database has been migrated by a newer version of Synlig than this one \
        (migrations this version does not know: \(unknownMigrations.joined(separator: ", "))). \
        This version will not start against it. Run the newer version, or restore the backup \
        taken before the upgrade.
        """
    }
}

/// A lock every instance on one database respects, held while migrating.
enum MigrationLock {
    /// The PostgreSQL advisory-lock key, "SynligM1" in ASCII. Any constant works as long as
    /// every version of Synlig uses the same one; advisory locks are per database.
    static let postgresKey: Int64 = 0x5379_6E6C_6967_4D31

    struct Unavailable: Error, CustomStringConvertible {
        var description: String
    }

    static func withLock<T: Sendable>(_ app: Application, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
        switch app.synligConfig.database {
        case .postgres:
            return try await withAdvisoryLock(app, work)
        case .sqlite(let path):
            // An in-memory database belongs to one process; there is nobody to wait for.
            if path.isEmpty || path == ":memory:" { return try await work() }
            return try await withFileLock(path + ".migrate-lock", logger: app.logger, work)
        }
    }

    /// `pg_advisory_lock` belongs to the session that took it. Fluent hands each query any
    /// pooled connection, so the lock is taken and released inside `withSession`, on one
    /// connection held for the whole migration; the migrations themselves may run on others.
    /// If the process dies, PostgreSQL ends the session and the lock with it.
    private static func withAdvisoryLock<T: Sendable>(_ app: Application,
                                                      _ work: @escaping @Sendable () async throws -> T) async throws -> T {
        guard let sql = app.db as? any SQLDatabase else {
            throw Unavailable(description: "The database driver does not speak SQL; cannot take the migration lock.")
        }
        let logger = app.logger
        return try await sql.withSession { session in
            let acquired = try await session.raw("SELECT pg_try_advisory_lock(\(bind: postgresKey)) AS acquired").first()?
                .decode(column: "acquired", as: Bool.self) ?? false
            if !acquired {
                logger.info("Another instance is migrating the database; waiting for it to finish.")
                try await session.raw("SELECT pg_advisory_lock(\(bind: postgresKey))").run()
            }
            do {
                let result = try await work()
                try await session.raw("SELECT pg_advisory_unlock(\(bind: postgresKey))").run()
                return result
            } catch {
                try? await session.raw("SELECT pg_advisory_unlock(\(bind: postgresKey))").run()
                throw error
            }
        }
    }

    /// On SQLite, an exclusive `flock` on a file beside the database. Not `BEGIN EXCLUSIVE`:
    /// Fluent runs the migrations on its pooled connections (one per event loop), so an
    /// exclusive transaction on one connection would lock out the migrator's own writes on the
    /// others. Not a `fcntl` lock on the database file either: those belong to the whole
    /// process (two app objects in one process would not exclude each other) and SQLite's own
    /// locks on that file would be dropped when ours were closed. `flock` belongs to the open
    /// file, so every process and every app object opening the lock file takes its turn, and
    /// the kernel releases it when the process dies. The file stays in place: removing it
    /// would let a waiter lock a file nobody else can open any more.
    private static func withFileLock<T: Sendable>(_ path: String, logger: Logger,
                                                  _ work: @escaping @Sendable () async throws -> T) async throws -> T {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw Unavailable(description: "Cannot open the migration lock file \(path): \(String(cString: strerror(errno))).")
        }
        defer { close(descriptor) }
        var announced = false
        // Polled rather than blocking, so no thread is held while another instance migrates.
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            let failure = errno
            guard failure == EWOULDBLOCK || failure == EINTR else {
                throw Unavailable(description: "Cannot lock \(path): \(String(cString: strerror(failure))).")
            }
            if !announced {
                logger.info("Another instance is migrating the database; waiting for it to finish.")
                announced = true
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        defer { flock(descriptor, LOCK_UN) }
        return try await work()
    }
}
