import Foundation
import SQLKit

/// Rows for one table, written as multi-row INSERTs through SQLKit. Synthetic statistics data
/// is nobody's action, so it goes straight to the tables: no Fluent models, no audited
/// services, no audit events — those exist to answer "who changed this person's record", and
/// here there is no person and no one who changed anything.
struct BulkTable {
    /// Values bound per statement: below SQLite's limit of 32,766 variables and PostgreSQL's
    /// 65,535, and large enough that a statement's round trip is a small part of its cost.
    static let bindsPerStatement = 16_000

    let name: String
    let columns: [String]
    private(set) var rows: [[any SQLExpression]] = []
    private(set) var written = 0

    init(_ name: String, _ columns: [String]) {
        self.name = name
        self.columns = columns
    }

    mutating func add(_ row: [any SQLExpression]) {
        assert(row.count == columns.count, "\(name): \(row.count) values for \(columns.count) columns")
        rows.append(row)
    }

    /// Writes what is buffered (the caller holds the transaction) and empties the buffer.
    mutating func flush(on sql: any SQLDatabase) async throws {
        let perStatement = max(1, Self.bindsPerStatement / columns.count)
        var start = rows.startIndex
        while start < rows.endIndex {
            let end = min(rows.endIndex, start + perStatement)
            let insert = sql.insert(into: name).columns(columns)
            for row in rows[start..<end] { insert.values(row) }
            try await insert.run()
            start = end
        }
        written += rows.count
        rows.removeAll(keepingCapacity: true)
    }
}

/// Shorthands for the values of a row.
enum Value {
    static func text(_ value: String) -> any SQLExpression { SQLBind(value) }
    static func int(_ value: Int) -> any SQLExpression { SQLBind(value) }
    static func bool(_ value: Bool) -> any SQLExpression { SQLBind(value) }
    static func date(_ value: Date) -> any SQLExpression { SQLBind(value) }
    static func optional(_ value: String?) -> any SQLExpression { value.map { SQLBind($0) } ?? SQLLiteral.null }
    static func optional(_ value: Int?) -> any SQLExpression { value.map { SQLBind($0) } ?? SQLLiteral.null }
    static let null: any SQLExpression = SQLLiteral.null
    static let emptyText: any SQLExpression = SQLBind("")
    static let one: any SQLExpression = SQLBind(1)
}

/// How an id is bound, the one place the two databases differ here. SQLiteKit has no fast
/// path for a UUID: it goes through Codable to the UUID's uppercase text, which is what Fluent
/// stores in SQLite; binding that text directly stores the same bytes at a fraction of the
/// cost (millions of ids). PostgreSQL gets the UUID itself, for its uuid columns.
struct IDBinding: Sendable {
    let asText: Bool

    init(_ sql: any SQLDatabase) { asText = sql.dialect.name == "sqlite" }

    func callAsFunction(_ id: UUID) -> any SQLExpression { asText ? SQLBind(id.uuidString) : SQLBind(id) }
}
