import Fluent
import SQLKit
import Vapor

/// The statistics capability's tables. Append new migrations; never edit one that has shipped.
enum StatisticsMigrations {
    static func register(in app: Application) {
        app.migrations.add(CreateStatisticsPublications())
        app.migrations.add(CreateStatisticsPopulations())
        app.migrations.add(IndexCaregiversByRegistration())
        app.migrations.add(CreateNationalStatisticsGrants())
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

struct CreateStatisticsPopulations: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("statistics_populations")
            .id()
            .field("organisation_id", .uuid, .required, .references("organisations", "id"))
            .field("adults", .int, .required)
            .field("year", .int, .required)
            .field("source", .string, .required)
            .field("updated_by", .uuid, .references("users", "id"))
            .field("updated_at", .datetime)
            .unique(on: "organisation_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("statistics_populations").delete()
    }
}

/// Every statistics table counts an organisation's caregivers registered before the period's end,
/// per unit: with the organisation, registration day and unit in one index, one municipality's
/// statistics read its own rows only, however many caregivers the country has.
struct IndexCaregiversByRegistration: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "caregivers_org_registered_idx").on("caregivers")
            .column("organisation_id").column("registered_on").column("unit_id").run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.drop(index: "caregivers_org_registered_idx").run()
    }
}
