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
        app.migrations.add(IndexContactsByDay())
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

/// Who was in contact during a period is read from the period's contacts, not from every
/// caregiver (`ActiveCaregivers`): each dated contact gets an (organisation, day) index. Written
/// out, not derived from `ActiveCaregivers.contacts`: a migration that has run must not change;
/// a contact added later gets its index in a migration of its own.
struct IndexContactsByDay: AsyncMigration {
    static let indexes: [(name: String, table: String, day: String)] = [
        ("caregiver_conversations", "held_on"), ("voluntariness_checks", "asked_on"), ("screening_results", "screened_on"),
        ("caregiver_support", "requested_on"), ("caregiver_support", "offered_on"), ("caregiver_support", "started_on"),
        ("caregiver_feedback", "received_on"), ("meeting_invitations", "meeting_on"),
    ].map { ("\($0.0)_org_\($0.1)_idx", $0.0, $0.1) }

    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        for index in Self.indexes {
            try await sql.create(index: index.name).on(index.table).column("organisation_id").column(index.day).run()
        }
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        for index in Self.indexes { try await sql.drop(index: index.name).run() }
    }
}
