import Fluent
import Vapor

/// The statistics capability's tables. Append new migrations; never edit one that has shipped.
enum StatisticsMigrations {
    static func register(in app: Application) {
        app.migrations.add(CreateStatisticsPublications())
    }
}

struct CreateStatisticsPublications: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("statistics_publications")
            .id()
            .field("organisation_id", .uuid, .required, .references("organisations", "id"))
            .field("published_by", .uuid, .references("users", "id"))
            .field("created_at", .datetime)
            .unique(on: "organisation_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("statistics_publications").delete()
    }
}
