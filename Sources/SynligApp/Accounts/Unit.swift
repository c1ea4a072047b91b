import Fluent
import SynligCore
import Vapor

/// A verksamhet: an operational unit inside one organisation.
final class Unit: Model, OrganisationScoped, @unchecked Sendable {
    static let schema = "units"

    @ID(key: .id) var id: UUID?
    @Field(key: "organisation_id") var organisationID: UUID
    @Field(key: "name") var name: String
    @Field(key: "kind") var kind: UnitKind
    @Field(key: "active") var active: Bool
    /// Bumped on every edit so a stale form is refused rather than overwriting.
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    static var organisationIDKey: KeyPath<Unit, FieldProperty<Unit, UUID>> { \.$organisationID }

    init() {}

    init(id: UUID? = nil, organisationID: UUID, name: String, kind: UnitKind, active: Bool = true) {
        self.id = id
        self.organisationID = organisationID
        self.name = name
        self.kind = kind
        self.active = active
        self.version = 1
    }
}
