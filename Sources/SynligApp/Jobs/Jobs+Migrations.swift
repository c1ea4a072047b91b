import Fluent
import SQLKit
import Vapor

/// The scheduled jobs' lock table and their run history. Append new migrations; never edit one
/// that has shipped.
enum JobsMigrations {
    static func register(in app: Application) {
        app.migrations.add(CreateJobLocks())
        app.migrations.add(CreateJobRuns())
    }
}

struct CreateJobLocks: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("job_locks")
            .field("name", .string, .identifier(auto: false))
            .field("locked_until", .datetime, .required)
            .field("holder", .string, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("job_locks").delete()
    }
}

/// One row per run of a scheduled job. No organisation and no personal data: a job works on
/// every organisation's rows, and only counts and an error kind are kept.
struct CreateJobRuns: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("job_runs")
            .id()
            .field("job", .string, .required)
            .field("instance", .string, .required)
            .field("trigger", .string, .required)
            .field("started_at", .datetime, .required)
            .field("finished_at", .datetime)
            .field("outcome", .string, .required)
            .field("affected", .int)
            .field("failure", .string)
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "job_runs_job_started_idx").on("job_runs")
            .column("job").column("started_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("job_runs").delete()
    }
}
