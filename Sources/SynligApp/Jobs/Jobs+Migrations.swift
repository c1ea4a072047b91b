import Fluent
import Vapor

/// The scheduled jobs' lock table. Append new migrations; never edit one that has shipped.
enum JobsMigrations {
    static func register(in app: Application) {
        app.migrations.add(CreateJobLocks())
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
