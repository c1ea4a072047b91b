import Fluent
import SQLKit
import SynligCore
import Vapor

/// Makes the access log tamper-evident (HSLF-FS 2016:40 asks for logs that can be trusted when
/// they are reviewed): a scheduled job seals the rows written since the last seal as one batch,
/// whose digest goes into the audit trail's hash chain; `synlig verify-audit` recomputes every
/// batch. Rows newer than `margin` wait for the next seal, so a read still being written is
/// never left out of the batch it belongs to.
enum AccessLogSealing {
    static let margin: TimeInterval = 10
    static let action = "access_log.seal"
    /// Rows per batch: one transaction reads, hashes and marks at most this many.
    static let batchSize = 5000

    /// Seals every row older than the margin, batch by batch; how many rows were sealed.
    static func seal(on db: any Database, now: Date = Date()) async throws -> Int {
        var sealed = 0
        while true {
            let count = try await AuditTrail.transaction(on: db, actor: .system) { tx, audit in
                // The chain head is locked by now: two instances never seal the same rows.
                let rows = try await AccessLogEntry.query(on: tx).filter(\.$sealBatch == nil)
                    .filter(\.$occurredAt < now.addingTimeInterval(-margin))
                    .sort(\.$occurredAt).sort(\.$id).limit(batchSize).all()
                guard !rows.isEmpty else { return 0 }
                let batch = UUID()
                let reference = AccessLogSeal.Reference(batch: batch.uuidString, count: rows.count,
                                                        digest: AccessLogSeal.digest(try rows.map(content)))
                let ids = try rows.map { try $0.requireID() }
                for start in stride(from: 0, to: ids.count, by: 500) {
                    try await AccessLogEntry.query(on: tx).filter(\.$id ~~ Array(ids[start..<min(start + 500, ids.count)]))
                        .set(\.$sealBatch, to: batch).update()
                }
                audit.record(action, "access_log", reference: reference.text, organisation: nil)
                return rows.count
            }
            sealed += count
            if count < batchSize { return sealed }
        }
    }

    /// Checks every sealed batch against its seal, and that no row names a batch never sealed.
    /// Rows not yet sealed (the last minutes) cannot be checked and are not counted as broken.
    static func verify(on db: any Database) async throws -> AccessLogSeal.Break? {
        let seals = try await AuditEvent.query(on: db).filter(\.$action == action).sort(\.$sequence).all()
        var known: Set<UUID> = []
        for seal in seals {
            guard let reference = seal.recordID.flatMap(AccessLogSeal.Reference.init(text:)), let batch = UUID(uuidString: reference.batch) else {
                return .batchAltered(batch: seal.recordID ?? "", sealedCount: 0, foundCount: 0)
            }
            known.insert(batch)
            let rows = try await AccessLogEntry.query(on: db).filter(\.$sealBatch == batch).sort(\.$occurredAt).sort(\.$id).all()
            let digest = AccessLogSeal.digest(try rows.map(content))
            if rows.count != reference.count || digest != reference.digest {
                return .batchAltered(batch: reference.batch, sealedCount: reference.count, foundCount: rows.count)
            }
        }
        guard let sql = db as? any SQLDatabase else { return nil }
        struct Named: Decodable { var seal_batch: UUID; var n: Int }
        let named = try await sql.select().column("seal_batch").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from("access_log").where(SQLColumn("seal_batch"), .isNot, SQLLiteral.null).groupBy("seal_batch").all(decoding: Named.self)
        if let stray = named.first(where: { !known.contains($0.seal_batch) }) {
            return .unknownBatch(batch: stray.seal_batch.uuidString, rows: stray.n)
        }
        return nil
    }

    /// How many rows wait for the next seal.
    static func unsealed(on db: any Database) async throws -> Int {
        try await AccessLogEntry.query(on: db).filter(\.$sealBatch == nil).count()
    }

    private static func content(_ row: AccessLogEntry) throws -> AccessLogSeal.Row {
        AccessLogSeal.Row(occurredAtMillis: Int64((row.occurredAt.timeIntervalSince1970 * 1000).rounded()), id: try row.requireID().uuidString,
                          organisationID: row.organisationID.uuidString, userID: row.userID.uuidString,
                          recordType: row.recordType, recordID: row.recordID.uuidString, via: row.via)
    }
}
