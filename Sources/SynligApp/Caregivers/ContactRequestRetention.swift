import Fluent
import SQLKit
import Vapor

/// How long an organisation keeps the contact requests that come in through its public pages
/// (gallring): one nobody handled, and one closed. Part of the caregiver register's settings;
/// the public form, the inbox and the purge all read it here, so none can tell another story.
struct ContactRequestRetention: Sendable, Equatable {
    /// Synlig's defaults: long enough to reach someone who wrote, no longer.
    static let standard = ContactRequestRetention(unhandledDays: 90, closedDays: 30)
    static let allowedDays = 1...365

    var unhandledDays: Int
    var closedDays: Int

    static func of(_ organisationID: UUID, on db: any Database) async throws -> ContactRequestRetention {
        try await CaregiverSettings.scoped(to: organisationID, on: db).first()?.contactRequestRetention ?? .standard
    }

    /// Every organisation that keeps requests for other periods than the defaults.
    static func exceptions(on db: any Database) async throws -> [UUID: ContactRequestRetention] {
        var found: [UUID: ContactRequestRetention] = [:]
        for settings in try await CaregiverSettings.query(on: db).all() where settings.contactRequestRetention != .standard {
            found[settings.organisationID] = settings.contactRequestRetention
        }
        return found
    }
}

extension CaregiverSettings {
    var contactRequestRetention: ContactRequestRetention {
        ContactRequestRetention(unhandledDays: contactRequestUnhandledDays, closedDays: contactRequestClosedDays)
    }
}

/// `caregiver_settings.contact_request_unhandled_days` and `…_closed_days`, at the defaults
/// the purge used before they could be set. SQLite adds one column per ALTER TABLE.
struct KeepContactRequestsByOrganisation: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("caregiver_settings")
            .field("contact_request_unhandled_days", .int, .required, .sql(.default(ContactRequestRetention.standard.unhandledDays))).update()
        try await database.schema("caregiver_settings")
            .field("contact_request_closed_days", .int, .required, .sql(.default(ContactRequestRetention.standard.closedDays))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("caregiver_settings").deleteField("contact_request_closed_days").update()
        try await database.schema("caregiver_settings").deleteField("contact_request_unhandled_days").update()
    }
}

/// `caregiver_settings.keep_files_decision`: an organisation keeps every file by decision (none
/// at first).
struct KeepFilesByDecision: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("caregiver_settings").field("keep_files_decision", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("caregiver_settings").deleteField("keep_files_decision").update()
    }
}

/// `caregiver_settings.version`: a stale settings form used to replace all the values, and so
/// could end a keep decision a colleague had just recorded. Rows saved before start at 1, as
/// Synlig's defaults do: a form that read either shows what it read.
struct VersionCaregiverSettings: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("caregiver_settings").field("version", .int, .required, .sql(.default(1))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("caregiver_settings").deleteField("version").update()
    }
}
