import Fluent
import SQLKit
import SynligCore
import Vapor

/// A crisis under way (krisläge): a heat wave, a pandemic, a power cut. Started from the crisis
/// list of the organisation or one unit, it holds a checklist row per person on that list so
/// several staff can call round at once, each saving only the row they worked on.
final class CrisisEvent: Model, OrganisationScoped, @unchecked Sendable {
    static let schema = "crisis_events"

    enum Kind: String, Codable, Sendable, CaseIterable {
        case heatWave, pandemic, powerCut, other
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "organisation_id") var organisationID: UUID
    @Field(key: "kind") var kind: Kind
    /// A few words that tell events apart ("Strömavbrott Norrby"); never a person's name.
    @Field(key: "title") var title: String
    /// nil: the whole organisation.
    @OptionalField(key: "unit_id") var unitID: UUID?
    @Field(key: "started_on") var startedOn: String
    @Field(key: "started_by") var startedBy: UUID
    @OptionalField(key: "closed_at") var closedAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    static var organisationIDKey: KeyPath<CrisisEvent, FieldProperty<CrisisEvent, UUID>> { \.$organisationID }

    init() {}
}

/// One person to reach during an event, and how it went. Contact details are not copied here:
/// the checklist reads them from the crisis list when shown, so a restriction decided during
/// the event hides them at once. Each row carries its own version, so two staff saving two
/// rows never overwrite each other, and a stale save of the same row is refused.
final class CrisisEventContact: Model, OrganisationScoped, @unchecked Sendable {
    static let schema = "crisis_event_contacts"

    enum Status: String, Codable, Sendable, CaseIterable {
        case notYetContacted, reached, notReached, needsHelp
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "organisation_id") var organisationID: UUID
    @Field(key: "event_id") var eventID: UUID
    @Field(key: "caregiver_id") var caregiverID: UUID
    @Field(key: "recipient_id") var recipientID: UUID
    @Field(key: "status") var status: Status
    /// What the call found out: sealed at rest (`SealedText`).
    @Field(key: "note") var sealedNote: SealedText
    var note: String { get { sealedNote.text } set { sealedNote = SealedText(newValue) } }
    @OptionalField(key: "updated_by") var updatedBy: UUID?
    @OptionalField(key: "updated_at") var updatedAt: Date?
    @Field(key: "version") var version: Int

    static var organisationIDKey: KeyPath<CrisisEventContact, FieldProperty<CrisisEventContact, UUID>> { \.$organisationID }

    init() {}
}

struct CreateCrisisEvents: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(CrisisEvent.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references("organisations", "id"))
            .field("kind", .string, .required)
            .field("title", .string, .required)
            .field("unit_id", .uuid, .references("units", "id"))
            .field("started_on", .string, .required)
            .field("started_by", .uuid, .required, .references("users", "id"))
            .field("closed_at", .datetime)
            .field("created_at", .datetime)
            .create()
        try await database.schema(CrisisEventContact.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references("organisations", "id"))
            .field("event_id", .uuid, .required, .references(CrisisEvent.schema, "id", onDelete: .cascade))
            .field("caregiver_id", .uuid, .required, .references("caregivers", "id"))
            .field("recipient_id", .uuid, .required, .references("care_recipients", "id"))
            .field("status", .string, .required)
            .field("note", .custom("TEXT"), .required)
            .field("updated_by", .uuid, .references("users", "id"))
            .field("updated_at", .datetime)
            .field("version", .int, .required)
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "crisis_events_organisation_idx").on(CrisisEvent.schema).column("organisation_id").column("started_on").run()
        try await sql.create(index: "crisis_event_contacts_event_idx").on(CrisisEventContact.schema).column("event_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(CrisisEventContact.schema).delete()
        try await database.schema(CrisisEvent.schema).delete()
    }
}

/// Starting, working through and closing a crisis event.
enum CrisisEventService {
    static let noteLimit = 500

    /// Starts an event over the crisis list of the organisation or one unit as it stands now.
    static func start(kind: CrisisEvent.Kind, title: String, unitID: UUID?, by user: CurrentUser,
                      on db: any Database, today: CalendarDate = .today()) async throws -> CrisisEvent {
        let entries = try await CrisisListQuery.load(organisationID: user.organisationID, unitID: unitID, on: db, today: today)
        return try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            let event = CrisisEvent()
            event.organisationID = user.organisationID
            event.kind = kind
            event.title = title
            event.unitID = unitID
            event.startedOn = today.iso
            event.startedBy = user.id
            try await event.create(on: tx)
            let eventID = try event.requireID()
            let rows = entries.map { entry in
                let row = CrisisEventContact()
                row.organisationID = user.organisationID
                row.eventID = eventID
                row.caregiverID = entry.caregiverID
                row.recipientID = entry.recipientID
                row.status = .notYetContacted
                row.note = ""
                row.version = 1
                return row
            }
            for chunk in rows.chunked(200) { try await chunk.create(on: tx) }
            audit.record("crisis_event.start", CrisisEvent.schema, id: eventID, organisation: user.organisationID)
            return event
        }
    }

    /// Saves one row. `version` is the row's version the form was built from: a row someone
    /// else saved since is refused (409), whoever saved it, so no call result is silently lost.
    static func update(contactID: UUID, in event: CrisisEvent, status: CrisisEventContact.Status, note: String, version: Int,
                       by user: CurrentUser, on db: any Database) async throws -> CrisisEventContact {
        guard event.closedAt == nil else { throw SynligError(.conflict, "crisis_event.closed_already") }
        let eventID = try event.requireID()
        return try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            // The audited transaction holds the chain's lock, so this read and write are not interleaved with another save.
            guard let row = try await CrisisEventContact.scoped(to: user.organisationID, on: tx)
                .filter(\.$eventID == eventID).filter(\.$id == contactID).first() else { throw SynligError.notFound }
            guard row.version == version else { throw SynligError(.conflict, "crisis_event.stale") }
            row.status = status
            row.note = note
            row.updatedBy = user.id
            row.updatedAt = Date()
            row.version += 1
            try await row.update(on: tx)
            audit.record("crisis_event.contact_update", CrisisEventContact.schema, id: contactID, organisation: user.organisationID)
            return row
        }
    }

    static func close(_ event: CrisisEvent, by user: CurrentUser, on db: any Database) async throws {
        guard event.closedAt == nil else { throw SynligError(.conflict, "crisis_event.closed_already") }
        try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            event.closedAt = Date()
            try await event.update(on: tx)
            audit.record("crisis_event.close", CrisisEvent.schema, id: event.id, organisation: user.organisationID)
        }
    }
}
