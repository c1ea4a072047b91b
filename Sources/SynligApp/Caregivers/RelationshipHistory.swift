import Fluent
import SQLKit
import SynligCore
import Vapor

/// How a caregiver helped at one time: a relationship's hours band, tasks and coordinated
/// contacts between `validFrom` and `validTo`, so "återkommande följa upp anhörigas insatser"
/// can be read as a trend and the statistics can count the situation at any date.
///
/// The states of one relationship tile time without gaps: the first has no `validFrom` (it
/// holds from the start, as far as the record knows), the current one no `validTo`, and each
/// change ends one state on the day the next begins. The situation at day D is then the one
/// row with `(valid_from IS NULL OR valid_from <= D) AND (valid_to IS NULL OR valid_to > D)`.
package final class CareRelationshipState: Model, OrganisationScoped, @unchecked Sendable {
    package static let schema = "care_relationship_states"

    @ID(key: .id) package var id: UUID?
    @Field(key: "organisation_id") package var organisationID: UUID
    @Field(key: "relationship_id") var relationshipID: UUID
    @OptionalField(key: "valid_from") var validFrom: String?
    @OptionalField(key: "valid_to") var validTo: String?
    @Field(key: "hours_band") var hoursBand: HoursBand
    /// Comma-separated `CareTask` raw values, as on the relationship.
    @Field(key: "tasks") var tasksText: String
    @Field(key: "coordinated_contacts") var coordinatedContactsText: String
    /// Who made the change; nil for the states carried over when the history began.
    @OptionalField(key: "changed_by") var changedBy: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    package static var organisationIDKey: KeyPath<CareRelationshipState, FieldProperty<CareRelationshipState, UUID>> { \.$organisationID }

    package init() {}

    init(of relationship: CareRelationship, from validFrom: CalendarDate?, by user: UUID?) throws {
        organisationID = relationship.organisationID
        relationshipID = try relationship.requireID()
        self.validFrom = validFrom?.iso
        hoursBand = relationship.hoursBand
        tasksText = relationship.tasksText
        coordinatedContactsText = relationship.coordinatedContactsText
        changedBy = user
    }

    var tasks: Set<CareTask> { Set(tasksText.split(separator: ",").compactMap { CareTask(rawValue: String($0)) }) }
    var coordinatedContacts: [String] { coordinatedContactsText.split(separator: "\n").map(String.init) }

    func sameSituation(as relationship: CareRelationship) -> Bool {
        hoursBand == relationship.hoursBand && tasks == relationship.tasks && coordinatedContacts == relationship.coordinatedContacts
    }
}

enum RelationshipHistory {
    /// Keeps the history after a relationship was saved: a first state for a new relationship,
    /// and for an edit that changed how the caregiver helps, the current state ended today and
    /// a new one begun. An edit of other fields (relation, living together) adds nothing.
    static func record(_ relationship: CareRelationship, previous: CareRelationshipState.Snapshot?, by user: UUID,
                       today: CalendarDate, on db: any Database) async throws {
        let id = try relationship.requireID()
        guard let previous else {
            try await CareRelationshipState(of: relationship, from: nil, by: user).create(on: db)
            return
        }
        let current = try await CareRelationshipState.query(on: db).filter(\.$relationshipID == id).filter(\.$validTo == nil).first()
        if let current, current.sameSituation(as: relationship) { return }
        if current == nil, previous.hoursBand == relationship.hoursBand, previous.tasksText == relationship.tasksText,
           previous.coordinatedContactsText == relationship.coordinatedContactsText { return }
        if let current {
            current.validTo = today.iso
            try await current.save(on: db)
        } else {
            // A relationship from before the history (or written in bulk): its old situation first.
            let first = try CareRelationshipState(of: relationship, from: nil, by: nil)
            first.hoursBand = previous.hoursBand
            first.tasksText = previous.tasksText
            first.coordinatedContactsText = previous.coordinatedContactsText
            first.validTo = today.iso
            try await first.create(on: db)
        }
        try await CareRelationshipState(of: relationship, from: today, by: user).create(on: db)
    }

    /// A relationship's states, oldest first.
    static func states(of relationshipIDs: [UUID], organisationID: UUID, on db: any Database) async throws -> [CareRelationshipState] {
        guard !relationshipIDs.isEmpty else { return [] }
        return try await CareRelationshipState.scoped(to: organisationID, on: db).filter(\.$relationshipID ~~ relationshipIDs)
            .sort(\.$createdAt).all()
            .sorted { ($0.validFrom ?? "", $0.createdAt ?? .distantPast) < ($1.validFrom ?? "", $1.createdAt ?? .distantPast) }
    }

    /// The join that puts each relationship's state at `day` beside it (statistics): at most one
    /// state matches, and a relationship with none keeps its own current values (COALESCE).
    static func stateAt(_ day: CalendarDate, alias: String = "s") -> (table: any SQLExpression, condition: any SQLExpression) {
        let table = SQLAlias(SQLIdentifier(CareRelationshipState.schema), as: SQLIdentifier(alias))
        let condition = SQLQueryString("""
            \(ident: alias).relationship_id = care_relationships.id \
            AND (\(ident: alias).valid_from IS NULL OR \(ident: alias).valid_from <= \(bind: day.iso)) \
            AND (\(ident: alias).valid_to IS NULL OR \(ident: alias).valid_to > \(bind: day.iso))
            """)
        return (table, condition)
    }
}

extension CareRelationshipState {
    /// What a relationship looked like before an edit, taken before its fields are overwritten.
    struct Snapshot: Sendable {
        var hoursBand: HoursBand
        var tasksText: String
        var coordinatedContactsText: String

        init(_ relationship: CareRelationship) {
            hoursBand = relationship.hoursBand
            tasksText = relationship.tasksText
            coordinatedContactsText = relationship.coordinatedContactsText
        }
    }
}

/// The history table, with one state per relationship carried over: it holds from the start
/// (no `valid_from`), since nothing says when the relationship's present values began.
struct CreateRelationshipHistory: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(CareRelationshipState.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references("organisations", "id"))
            .field("relationship_id", .uuid, .required, .references("care_relationships", "id"))
            .field("valid_from", .string)
            .field("valid_to", .string)
            .field("hours_band", .string, .required)
            .field("tasks", .string, .required)
            .field("coordinated_contacts", .custom("TEXT"), .required)
            .field("changed_by", .uuid, .references("users", "id"))
            .field("created_at", .datetime)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "care_relationship_states_by_relationship").on(CareRelationshipState.schema)
            .column("relationship_id").column("valid_to").run()
        // Carried over in pages, so a national database is not read into memory at once.
        var lastID: UUID?
        while true {
            var query = CareRelationship.query(on: database).sort(\.$id).limit(1000)
            if let lastID { query = query.filter(\.$id > lastID) }
            let page = try await query.all()
            guard let last = page.last else { break }
            lastID = try last.requireID()
            // Written with SQL so each state keeps its relationship's creation time: the file
            // retention reads `created_at` as the file's last entry and must not see today.
            var insert = sql.insert(into: CareRelationshipState.schema)
                .columns("id", "organisation_id", "relationship_id", "hours_band", "tasks", "coordinated_contacts", "created_at")
            for relationship in page {
                insert = insert.values(SQLBind(UUID()), SQLBind(relationship.organisationID), SQLBind(try relationship.requireID()),
                                       SQLBind(relationship.hoursBand.rawValue), SQLBind(relationship.tasksText),
                                       SQLBind(relationship.coordinatedContactsText), SQLBind(relationship.createdAt ?? Date()))
            }
            try await insert.run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(CareRelationshipState.schema).delete()
    }
}
