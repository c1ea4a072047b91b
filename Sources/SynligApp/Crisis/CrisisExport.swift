import Fluent
import SQLKit
import SynligCore
import Vapor

/// One copy of the crisis list taken out of Synlig — printed or written to an encrypted file —
/// so an auditor can see who took which list, how many people were on it, and by when it is to
/// be destroyed. Never names: only the scope and a count. The audit trail records the same
/// export as `crisis.export`, with this row's id.
final class CrisisExport: Model, OrganisationScoped, @unchecked Sendable {
    static let schema = "crisis_exports"

    enum Format: String, Codable, Sendable {
        /// The printable A4 list, opened to be printed.
        case print
        /// The AES-256 password-protected PDF.
        case encryptedPDF = "encrypted_pdf"
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "organisation_id") var organisationID: UUID
    @OptionalField(key: "actor_user_id") var actorUserID: UUID?
    /// "user", or "cli" for the command line's scheduled copies.
    @Field(key: "actor_kind") var actorKind: String
    @Field(key: "exported_at") var exportedAt: Date
    @Field(key: "format") var format: Format
    /// nil: the whole organisation.
    @OptionalField(key: "unit_id") var unitID: UUID?
    @Field(key: "people_count") var peopleCount: Int
    @Field(key: "destroy_by") var destroyBy: String

    static var organisationIDKey: KeyPath<CrisisExport, FieldProperty<CrisisExport, UUID>> { \.$organisationID }

    init() {}
}

enum CrisisMigrations {
    static func register(in app: Application) {
        app.migrations.add(CreateCrisisExports())
        app.migrations.add(CreateCrisisEvents())
    }
}

struct CreateCrisisExports: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(CrisisExport.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references("organisations", "id"))
            .field("actor_user_id", .uuid, .references("users", "id"))
            .field("actor_kind", .string, .required)
            .field("exported_at", .datetime, .required)
            .field("format", .string, .required)
            .field("unit_id", .uuid, .references("units", "id"))
            .field("people_count", .int, .required)
            .field("destroy_by", .string, .required)
            .create()
        try await (database as! any SQLDatabase).create(index: "crisis_exports_organisation_time_idx").on(CrisisExport.schema)
            .column("organisation_id").column("exported_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(CrisisExport.schema).delete()
    }
}

enum CrisisExportLog {
    /// Records an export and its audit event in one transaction; returns the day to destroy it by.
    @discardableResult
    static func record(_ format: CrisisExport.Format, organisationID: UUID, unitID: UUID?, peopleCount: Int,
                       actor: AuditActor, on db: any Database, today: CalendarDate = .today()) async throws -> CalendarDate {
        let destroyBy = CrisisList.destroyBy(exportedOn: today)
        try await AuditTrail.transaction(on: db, actor: actor) { tx, audit in
            let export = CrisisExport()
            export.organisationID = organisationID
            export.actorUserID = actor.userID
            export.actorKind = actor.kind
            export.exportedAt = Date()
            export.format = format
            export.unitID = unitID
            export.peopleCount = peopleCount
            export.destroyBy = destroyBy.iso
            try await export.create(on: tx)
            audit.record("crisis.export", CrisisExport.schema, id: export.id, organisation: organisationID)
        }
        return destroyBy
    }

    /// The organisation's latest exports, newest first, for the page's "copies in circulation".
    static func recent(organisationID: UUID, limit: Int = 10, on db: any Database) async throws -> [CrisisExport] {
        try await CrisisExport.scoped(to: organisationID, on: db).sort(\.$exportedAt, .descending).limit(limit).all()
    }
}
