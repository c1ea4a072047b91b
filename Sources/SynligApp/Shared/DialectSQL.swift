import Foundation
import NIOConcurrencyHelpers
import SQLKit

/// The few pieces of SQL that SQLite and PostgreSQL spell differently, each with both dialects
/// side by side so a change to one is made to the other in the same place.
enum DialectSQL {
    enum Dialect {
        case sqlite, postgres

        init(_ sql: any SQLDatabase) {
            self = sql.dialect.name == "sqlite" ? .sqlite : .postgres
        }
    }

    /// The database's own clock, in the form each driver stores a `.datetime` field: SQLite
    /// keeps seconds since 1970 as a real number (SQLiteNIO's encoding of `Date`), PostgreSQL a
    /// `timestamptz`. Several app instances then agree on "now" even when their clocks drift.
    static func now(on sql: any SQLDatabase, plus seconds: TimeInterval = 0) -> any SQLExpression {
        switch Dialect(sql) {
        case .sqlite:
            // julianday has millisecond precision; 2440587.5 is 1970-01-01 as a Julian day.
            SQLQueryString("((julianday('now') - 2440587.5) * 86400.0 + \(bind: seconds))")
        case .postgres:
            SQLQueryString("(now() + make_interval(secs => \(bind: seconds)))")
        }
    }

    /// Makes the rest of the current transaction exclusive for each key: another transaction
    /// naming the same key waits here until this one ends. The transaction's next statement then
    /// sees everything the previous holder committed.
    ///
    /// - SQLite: nothing to do. A transaction's first write takes the database's single write
    ///   lock (waiting out `busy_timeout`), and a statement that reads and writes does both
    ///   under it, so `INSERT … SELECT … WHERE (count) < limit` is already atomic.
    /// - PostgreSQL: READ COMMITTED lets two such statements both count the old rows, so a
    ///   transaction-scoped advisory lock per key orders them. The two-integer form keeps these
    ///   locks apart from any single-integer advisory lock used elsewhere.
    static func lockForTransaction(keys: [String], namespace: Int32, on sql: any SQLDatabase) async throws {
        switch Dialect(sql) {
        case .sqlite:
            return
        case .postgres:
            // Taken in one order everywhere, so two transactions never wait on each other in a circle.
            for key in Set(keys.map(advisoryKey)).sorted() {
                try await sql.raw("SELECT pg_advisory_xact_lock(\(bind: namespace), \(bind: key))").run()
            }
        }
    }

    /// A stable 32-bit number for a key; two keys sharing one only wait for each other.
    private static func advisoryKey(_ key: String) -> Int32 {
        var hash: UInt32 = 2_166_136_261   // FNV-1a: stable across processes, unlike `hashValue`.
        for byte in key.utf8 {
            hash = (hash ^ UInt32(byte)) &* 16_777_619
        }
        return Int32(bitPattern: hash)
    }
}

extension DialectSQL {
    /// A column as the database describes it, by the kind of value it holds.
    struct Column: Sendable, Equatable {
        enum Kind: Sendable { case uuid, time, integer, decimal, flag, text }
        var name: String
        var kind: Kind
    }

    /// A table's columns in their order. SQLite names the types Fluent declared (UUID, REAL for a
    /// date and time, INTEGER also for a flag); PostgreSQL its own. Read once per table and
    /// dialect: the schema changes only by migrations, which run before anyone asks.
    static func columns(of table: String, on sql: any SQLDatabase) async throws -> [Column] {
        let key = "\(Dialect(sql)) \(table)"
        if let known = columnCache.withLockedValue({ $0[key] }) { return known }
        let columns = try await readColumns(of: table, on: sql)
        // An empty answer (no such table yet) is not kept.
        if !columns.isEmpty { columnCache.withLockedValue { $0[key] = columns } }
        return columns
    }

    private static let columnCache = NIOLockedValueBox<[String: [Column]]>([:])

    private static func readColumns(of table: String, on sql: any SQLDatabase) async throws -> [Column] {
        switch Dialect(sql) {
        case .sqlite:
            return try await sql.raw("SELECT name, type FROM pragma_table_info(\(bind: table)) ORDER BY cid").all().map { row in
                let type = try row.decode(column: "type", as: String.self).uppercased()
                let kind: Column.Kind = switch type {
                case "UUID": .uuid
                case "REAL": .time   // Fluent declares only dates and times as REAL here
                case "INTEGER", "BIGINT", "INT": .integer
                case "BOOLEAN": .flag
                default: .text
                }
                return Column(name: try row.decode(column: "name", as: String.self), kind: kind)
            }
        case .postgres:
            return try await sql.raw("""
                SELECT column_name AS name, data_type AS type FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = \(bind: table) ORDER BY ordinal_position
                """).all().map { row in
                let kind: Column.Kind = switch try row.decode(column: "type", as: String.self) {
                case "uuid": .uuid
                case "timestamp with time zone", "timestamp without time zone": .time
                case "bigint", "integer", "smallint": .integer
                case "double precision", "real", "numeric": .decimal
                case "boolean": .flag
                default: .text
                }
                return Column(name: try row.decode(column: "name", as: String.self), kind: kind)
            }
        }
    }

    /// Every table of the application's schema.
    static func tables(on sql: any SQLDatabase) async throws -> [String] {
        let query: SQLQueryString = switch Dialect(sql) {
        case .sqlite: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        case .postgres: "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
        }
        return try await sql.raw(query).all().map { try $0.decode(column: "name", as: String.self) }
    }
}
