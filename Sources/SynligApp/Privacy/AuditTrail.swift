import Fluent
import SQLKit
import SynligCore
import Vapor

/// Who acted: a signed-in user, or the system itself (scheduled jobs, command line).
package struct AuditActor: Sendable {
    var userID: UUID?
    var kind: String

    static func user(_ id: UUID) -> AuditActor { AuditActor(userID: id, kind: "user") }
    package static let system = AuditActor(userID: nil, kind: "system")
    static let commandLine = AuditActor(userID: nil, kind: "cli")
}

/// Collects the audit events of one transaction; they are chained and written before it commits.
package final class AuditRecorder: @unchecked Sendable {
    struct Pending {
        var organisationID: UUID?
        var action: String
        var recordType: String
        var recordID: String?
    }

    private let lock = NSLock()
    private var pending: [Pending] = []

    /// Records that `action` happened to a record. Pass ids and kinds only, never field values.
    package func record(_ action: String, _ recordType: String, id: UUID?, organisation: UUID?) {
        record(action, recordType, reference: id?.uuidString, organisation: organisation)
    }

    /// The same with a reference that is not a row's id (a sealed batch of the access log).
    func record(_ action: String, _ recordType: String, reference: String?, organisation: UUID?) {
        lock.withLock {
            pending.append(Pending(organisationID: organisation, action: action, recordType: recordType, recordID: reference))
        }
    }

    fileprivate func drain() -> [Pending] {
        lock.withLock {
            defer { pending.removeAll() }
            return pending
        }
    }
}

/// The events of the changes run inside `AuditTrail.batch`, in the order they happened.
final class AuditBatch: @unchecked Sendable {
    private let lock = NSLock()
    private var runs: [(actor: AuditActor, events: [AuditRecorder.Pending])] = []

    func add(_ events: [AuditRecorder.Pending], actor: AuditActor) {
        lock.withLock { runs.append((actor, events)) }
    }

    func drain() -> [(actor: AuditActor, events: [AuditRecorder.Pending])] {
        lock.withLock {
            defer { runs.removeAll() }
            return runs
        }
    }
}

/// The audit trail as shared infrastructure. Every change that matters runs through
/// `AuditTrail.transaction`, so the change and its audit rows commit together or not at all.
package enum AuditTrail {
    /// Runs `work` in one transaction and appends the events it recorded to the hash chain.
    ///
    /// The chain head is locked by the transaction's first statement. On SQLite that write
    /// takes the database's write lock before any read, so a concurrent writer waits (busy
    /// timeout) instead of failing on a stale snapshot; on PostgreSQL the row lock orders
    /// writers across all app instances until commit.
    package static func transaction<T: Sendable>(
        on db: any Database, actor: AuditActor,
        _ work: @escaping @Sendable (any Database, AuditRecorder) async throws -> T
    ) async throws -> T {
        if let batch = currentBatch {
            // Inside `batch`: its transaction already holds the chain head; hand the events over.
            let recorder = AuditRecorder()
            let result = try await db.transaction { tx in try await work(tx, recorder) }
            batch.add(recorder.drain(), actor: actor)
            return result
        }
        return try await WriteTransaction.run(on: db) { tx in
            let sql = tx as! any SQLDatabase
            try await sql.update(AuditChainHead.schema)
                .set("lock_count", to: SQLBinaryExpression(SQLIdentifier("lock_count"), .add, SQLLiteral.numeric("1")))
                .where("id", .equal, SQLBind(1))
                .run()
            let recorder = AuditRecorder()
            let result = try await work(tx, recorder)
            let events = recorder.drain()
            try await append([(actor, events)], on: tx)
            if mayChangeData(events) {
                try await sql.update(AuditChainHead.schema)
                    .set("data_changes", to: SQLBinaryExpression(SQLIdentifier("data_changes"), .add, SQLLiteral.numeric("1")))
                    .where("id", .equal, SQLBind(1))
                    .run()
            }
            return result
        }
    }

    /// Events about signing in (sessions, second factors, passwords), never about what the record holds.
    static func isAccessOnly(_ action: String) -> Bool {
        action.hasPrefix("session.") || action.hasPrefix("second_factor.") || action == "user.password_change" || action == "user.password_reset"
    }

    /// Whether a transaction that recorded `events` may have changed the record: yes unless it
    /// recorded something and all of it was about signing in. A transaction that recorded nothing
    /// counts as a change, so a write that forgot its event still reaches the statistics.
    static func mayChangeData(_ events: [AuditRecorder.Pending]) -> Bool {
        events.isEmpty || !events.allSatisfy { isAccessOnly($0.action) }
    }

    /// Runs many audited changes — each through its own `transaction` call, by its own actor —
    /// as one transaction whose events join the chain together at the end: one lock and one
    /// head update instead of one per change. The demo plays thousands of changes this way.
    package static func batch<T: Sendable>(on db: any Database, _ work: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await transaction(on: db, actor: .system) { tx, _ in
            let batch = AuditBatch()
            let result = try await $currentBatch.withValue(batch) { try await work(tx) }
            try await append(batch.drain(), on: tx)
            return result
        }
    }

    @TaskLocal private static var currentBatch: AuditBatch?

    private static func append(_ runs: [(actor: AuditActor, events: [AuditRecorder.Pending])], on tx: any Database) async throws {
        guard runs.contains(where: { !$0.events.isEmpty }) else { return }
        guard let head = try await AuditChainHead.find(1, on: tx) else {
            throw SynligError(.internalServerError, "error.internal")
        }
        var sequence = head.sequence
        var previous = head.hash
        // Millisecond precision survives both databases' timestamp types unchanged.
        let millis = Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
        let occurredAt = Date(timeIntervalSince1970: Double(millis) / 1000)
        var rows: [AuditEvent] = []
        for (actor, events) in runs {
            for pending in events {
                sequence += 1
                let content = AuditEntryContent(
                    sequence: sequence, occurredAtMillis: millis,
                    organisationID: pending.organisationID?.uuidString ?? "",
                    actorID: actor.userID?.uuidString ?? actor.kind,
                    action: pending.action, recordType: pending.recordType, recordID: pending.recordID ?? "")
                let event = AuditEvent()
                event.sequence = sequence
                event.occurredAt = occurredAt
                event.organisationID = pending.organisationID
                event.actorUserID = actor.userID
                event.actorKind = actor.kind
                event.action = pending.action
                event.recordType = pending.recordType
                event.recordID = pending.recordID
                event.previousHash = previous
                event.hash = AuditChain.hash(previous: previous, content: content)
                rows.append(event)
                previous = event.hash
            }
        }
        // A few hundred rows per INSERT keeps every statement within both databases' bind limits.
        for start in stride(from: 0, to: rows.count, by: 200) {
            try await Array(rows[start..<min(start + 200, rows.count)]).create(on: tx)
        }
        head.sequence = sequence
        head.hash = previous
        try await head.update(on: tx)
    }

    /// Checks the whole chain, streaming it in pages so a long trail does not fill memory.
    static func verify(on db: any Database) async throws -> AuditChain.Break? {
        guard let head = try await AuditChainHead.find(1, on: db) else {
            return .sequenceGap(expected: 0, found: -1)
        }
        var verifier = AuditChain.Verifier()
        var after: Int64 = 0
        let pageSize = 1000
        while true {
            let page = try await AuditEvent.query(on: db)
                .filter(\.$sequence > after)
                .sort(\.$sequence)
                .limit(pageSize)
                .all()
            for event in page {
                if let broken = verifier.check(storedEntry(event)) { return broken }
            }
            guard page.count == pageSize, let last = page.last else { break }
            after = last.sequence
        }
        return verifier.finish(headSequence: head.sequence, headHash: head.hash)
    }

    private static func storedEntry(_ event: AuditEvent) -> AuditChain.StoredEntry {
        AuditChain.StoredEntry(
            content: AuditEntryContent(
                sequence: event.sequence,
                occurredAtMillis: Int64((event.occurredAt.timeIntervalSince1970 * 1000).rounded()),
                organisationID: event.organisationID?.uuidString ?? "",
                actorID: event.actorUserID?.uuidString ?? event.actorKind,
                action: event.action, recordType: event.recordType, recordID: event.recordID ?? ""),
            previousHash: event.previousHash, hash: event.hash)
    }
}

extension Request {
    /// Writes one access-log row: this user read this person's record, through this route.
    /// Later capabilities call it on every read of a caregiver's or recipient's record.
    func logAccess(recordType: AccessLogRecordType, recordID: UUID) async throws {
        guard let user = auth.get(CurrentUser.self) else { return }
        let route = route.map { "\($0.method.rawValue) /" + $0.path.map(\.description).joined(separator: "/") } ?? "unknown"
        try await AccessLogEntry(
            occurredAt: Date(), organisationID: user.organisationID, userID: user.id,
            recordType: recordType.rawValue, recordID: recordID, via: route
        ).create(on: db)
    }

    /// One access-log row per record, written in a few statements: a list that shows many
    /// people (the crisis list) logs each of them, as a record page logs its one.
    func logAccess(recordType: AccessLogRecordType, recordIDs: [UUID]) async throws {
        guard let user = auth.get(CurrentUser.self), !recordIDs.isEmpty else { return }
        let route = route.map { "\($0.method.rawValue) /" + $0.path.map(\.description).joined(separator: "/") } ?? "unknown"
        let now = Date()
        for chunk in recordIDs.chunked(200) {
            try await chunk.map {
                AccessLogEntry(occurredAt: now, organisationID: user.organisationID, userID: user.id,
                               recordType: recordType.rawValue, recordID: $0, via: route)
            }.create(on: db)
        }
    }
}
