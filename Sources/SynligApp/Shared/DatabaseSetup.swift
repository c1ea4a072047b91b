import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import SQLKit
import Vapor

/// Opens the database Synlig runs on: an embedded SQLite file by default, PostgreSQL when
/// `DATABASE_URL` names one. Dialect-specific SQL lives here and in `DialectSQL`.
enum DatabaseSetup {
    /// How long a connection waits for another writer before giving up with an error. A writer
    /// commits with a flush to disk, which a busy disk can hold up for seconds: a save that waits
    /// is better than one refused, and the blocking pool has threads to spare for the waiters.
    static let busyTimeoutMilliseconds = 20_000

    static func configure(_ app: Application, config: AppConfig) async throws {
        switch config.database {
        case .sqlite(let path):
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            // No SQL logging: the statements' bound values can be personal data. SQLite has one
            // writer and one connection per event loop, so a burst of saves queues for a
            // connection; waiting up to 30 s beats failing a user's save after the default 10 s.
            let sqlite = DatabaseConfigurationFactory.sqlite(.file(path), connectionPoolTimeout: .seconds(30), sqlLogLevel: nil)
            // Write transactions queue in the process before they ask SQLite for its one write
            // lock (see `WriteTransaction`).
            app.databases.use(QueuedWritesConfiguration(base: sqlite.make()), as: .sqlite)
            // SQLite runs each statement on the app's blocking-thread pool, and a connection
            // waiting for the one write lock keeps its thread while it waits. The shared default
            // pool has a thread per core, also used by password hashing and by every other app in
            // the process (the tests run many): the writer holding the lock could then find no
            // thread to commit on until the waiters time out. Its own pool, with room beyond one
            // thread per connection, keeps the holder moving.
            if app.threadPool === NIOThreadPool.singleton {
                app.threadPool = NIOThreadPool(numberOfThreads: System.coreCount * 2 + 2)
            }
        case .postgres(let url):
            var postgres = try SQLPostgresConfiguration(url: url)
            postgres.searchPath = nil
            // SQL is logged at trace only; the redacting log handler strips bound values anyway.
            app.databases.use(.postgres(configuration: postgres, maxConnectionsPerEventLoop: 4,
                                        sqlLogLevel: .trace), as: .psql)
        }
    }

    /// Sets the SQLite pragmas Synlig relies on. fluent-sqlite-driver has no per-connection
    /// hook and keeps exactly one pooled connection per event loop, so visiting each loop once
    /// reaches every connection. WAL is stored in the file itself; `busy_timeout` and
    /// `synchronous` belong to a connection. SQLiteNIO's own busy handler retries forever,
    /// which would hang a request behind a stuck writer; `busy_timeout` replaces it.
    static func prepareConnections(_ app: Application) async throws {
        guard case .sqlite = app.synligConfig.database else { return }
        for eventLoop in app.eventLoopGroup.makeIterator() {
            guard let sql = app.databases.database(.sqlite, logger: app.logger, on: eventLoop) as? any SQLDatabase else { continue }
            try await sql.raw("PRAGMA journal_mode = WAL").run()
            try await sql.raw("PRAGMA busy_timeout = \(unsafeRaw: String(busyTimeoutMilliseconds))").run()
            try await sql.raw("PRAGMA synchronous = FULL").run()
            try await sql.raw("PRAGMA foreign_keys = ON").run()
        }
    }

    /// True when the database answers a trivial query.
    static func isReachable(_ db: any Database) async -> Bool {
        guard let sql = db as? any SQLDatabase else { return false }
        do {
            _ = try await sql.raw("SELECT 1 AS ok").first()
            return true
        } catch {
            return false
        }
    }
}
