import Fluent
import SQLKit
import SynligCore
import Vapor

enum PrivacyMigrations {
    static func register(in app: Application) {
        app.migrations.add(CreateAuditTrail())
        app.migrations.add(CreateAccessLog())
        app.migrations.add(SealAccessLog())
        app.migrations.add(IndexAuditEventsByRecord())
        app.migrations.add(CreateAccessLogReviews())
        app.migrations.add(CountDataChangesAtTheChainHead())
    }
}

struct CreateAuditTrail: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("audit_events")
            .id()
            .field("seq", .int64, .required)
            .field("occurred_at", .datetime, .required)
            .field("organisation_id", .uuid)
            .field("actor_user_id", .uuid)
            .field("actor_kind", .string, .required)
            .field("action", .string, .required)
            .field("record_type", .string, .required)
            .field("record_id", .string)
            .field("prev_hash", .string, .required)
            .field("hash", .string, .required)
            .unique(on: "seq")
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "audit_events_organisation_idx").on("audit_events")
            .column("organisation_id").column("seq").run()
        try await database.schema("audit_chain_heads")
            .field("id", .int, .identifier(auto: false))
            .field("seq", .int64, .required)
            .field("hash", .string, .required)
            .field("lock_count", .int64, .required)
            .create()
        try await sql.insert(into: "audit_chain_heads")
            .columns("id", "seq", "hash", "lock_count")
            .values(SQLBind(1), SQLBind(Int64(0)), SQLBind(AuditChain.genesis), SQLBind(Int64(0)))
            .run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("audit_chain_heads").delete()
        try await database.schema("audit_events").delete()
    }
}

struct CreateAccessLog: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("access_log")
            .id()
            .field("occurred_at", .datetime, .required)
            .field("organisation_id", .uuid, .required, .references("organisations", "id"))
            .field("user_id", .uuid, .required, .references("users", "id"))
            .field("record_type", .string, .required)
            .field("record_id", .uuid, .required)
            .field("via", .string, .required)
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "access_log_organisation_time_idx").on("access_log")
            .column("organisation_id").column("occurred_at").run()
        try await sql.create(index: "access_log_record_idx").on("access_log")
            .column("record_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("access_log").delete()
    }
}

/// Access-log rows name the sealed batch they belong to (`AccessLogSealing`).
struct SealAccessLog: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("access_log").field("seal_batch", .uuid).update()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "access_log_seal_batch_idx").on("access_log").column("seal_batch").run()
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase { try await sql.drop(index: "access_log_seal_batch_idx").run() }
        try await database.schema("access_log").deleteField("seal_batch").update()
    }
}

/// A person's register extract reads the audit events of their rows by record id.
struct IndexAuditEventsByRecord: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "audit_events_record_idx").on("audit_events").column("organisation_id").column("record_id").run()
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase { try await sql.drop(index: "audit_events_record_idx").run() }
    }
}

/// A counter of committed transactions that may change what the record holds, beside the chain
/// head's lock count (which every audited transaction moves, sign-ins included): the statistics
/// cache keys on it, so a day of sign-ins does not make every view count everything again.
struct CountDataChangesAtTheChainHead: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AuditChainHead.schema)
            .field("data_changes", .int64, .required, .sql(.default(0)))
            .update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AuditChainHead.schema).deleteField("data_changes").update()
    }
}
