import Fluent
import SQLKit

/// A transaction that writes. On PostgreSQL it is a plain transaction: row locks order writers
/// fairly. SQLite has a single write lock, and its busy handler lets a waiting connection sleep
/// and retry — while it sleeps, the connection that just committed takes the lock again for its
/// next transaction. Under load a waiter can lose that race until its busy timeout runs out and
/// the user's save fails. So on SQLite Synlig's write transactions queue in the process, first
/// come first served, and only the front of the queue asks SQLite for the lock.
enum WriteTransaction {
    static func run<T: Sendable>(
        on db: any Database, _ work: @escaping @Sendable (any Database) async throws -> T
    ) async throws -> T {
        // Inside a transaction the lock is already held (or the outer transaction decides);
        // a task that is already at the front must not queue behind itself.
        guard !db.inTransaction, !isAtFront,
              let queue = (db.context.configuration as? QueuedWritesConfiguration)?.queue else {
            return try await db.transaction(work)
        }
        await queue.enter()
        do {
            let result = try await $isAtFront.withValue(true) {
                try await db.transaction { tx in
                    try await takeWriteLock(on: tx)
                    return try await work(tx)
                }
            }
            await queue.leave()
            return result
        } catch {
            await queue.leave()
            throw error
        }
    }

    @TaskLocal private static var isAtFront = false

    /// What `BEGIN IMMEDIATE` would do, inside Fluent's `BEGIN`: a write that changes nothing
    /// takes SQLite's write lock now, so the transaction's reads see the latest commit and its
    /// first real write cannot fail on a stale snapshot.
    private static func takeWriteLock(on tx: any Database) async throws {
        guard let sql = tx as? any SQLDatabase else { return }
        try await sql.raw("UPDATE \(ident: AuditChainHead.schema) SET lock_count = lock_count WHERE 0 = 1").run()
    }
}

/// First come, first served: who asked first enters first.
actor WriteQueue {
    private var occupied = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func enter() async {
        guard occupied else {
            occupied = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func leave() {
        if waiting.isEmpty {
            occupied = false
        } else {
            // The place passes straight to the next in line; `occupied` stays true.
            waiting.removeFirst().resume()
        }
    }
}

/// The SQLite configuration with the app's write queue beside it, so any `Database` made from
/// it finds the queue through its context.
struct QueuedWritesConfiguration: DatabaseConfiguration {
    var base: any DatabaseConfiguration
    let queue = WriteQueue()

    var middleware: [any AnyModelMiddleware] {
        get { base.middleware }
        set { base.middleware = newValue }
    }

    func makeDriver(for databases: Databases) -> any DatabaseDriver {
        base.makeDriver(for: databases)
    }
}
