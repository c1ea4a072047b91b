import Fluent
import SynligCore
import Vapor

/// A verksamhet: an operational unit inside one organisation.
package final class Unit: Model, OrganisationScoped, @unchecked Sendable {
    package static let schema = "units"

    @ID(key: .id) package var id: UUID?
    @Field(key: "organisation_id") package var organisationID: UUID
    @Field(key: "name") package var name: String
    @Field(key: "kind") package var kind: UnitKind
    @Field(key: "active") var active: Bool
    /// Bumped on every edit so a stale form is refused rather than overwriting.
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    package static var organisationIDKey: KeyPath<Unit, FieldProperty<Unit, UUID>> { \.$organisationID }

    package init() {}

    package init(id: UUID? = nil, organisationID: UUID, name: String, kind: UnitKind, active: Bool = true) {
        self.id = id
        self.organisationID = organisationID
        self.name = name
        self.kind = kind
        self.active = active
        self.version = 1
    }
}
