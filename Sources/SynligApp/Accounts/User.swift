import Fluent
import SynligCore
import Vapor

/// A member of staff who signs in. Users are deactivated, never deleted, so their history stays.
package final class User: Model, OrganisationScoped, @unchecked Sendable {
    package static let schema = "users"

    @ID(key: .id) package var id: UUID?
    @Field(key: "organisation_id") package var organisationID: UUID
    @Field(key: "email") package var email: String
    @Field(key: "display_name") package var displayName: String
    @Field(key: "password_hash") package var passwordHash: String
    @Field(key: "active") var active: Bool
    @Field(key: "version") var version: Int
    @OptionalField(key: "password_changed_at") var passwordChangedAt: Date?
    /// Who the user is at the organisation's identity provider (an HSA-id, say), as the
    /// administrator recorded it; unique within the organisation.
    @OptionalField(key: "sign_in_identity") var signInIdentity: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    @Children(for: \.$user) package var roles: [UserRole]
    @Children(for: \.$user) package var unitMemberships: [UnitMembership]

    package static var organisationIDKey: KeyPath<User, FieldProperty<User, UUID>> { \.$organisationID }

    package init() {}

    init(id: UUID? = nil, organisationID: UUID, email: String, displayName: String, passwordHash: String) {
        self.id = id
        self.organisationID = organisationID
        self.email = email
        self.displayName = displayName
        self.passwordHash = passwordHash
        self.active = true
        self.version = 1
    }
}

/// One role held by a user within their organisation.
package final class UserRole: Model, @unchecked Sendable {
    package static let schema = "user_roles"

    @ID(key: .id) package var id: UUID?
    @Parent(key: "user_id") var user: User
    @Field(key: "organisation_id") var organisationID: UUID
    @Field(key: "role") package var role: Role

    package init() {}

    init(userID: UUID, organisationID: UUID, role: Role) {
        self.$user.id = userID
        self.organisationID = organisationID
        self.role = role
    }
}

/// A user's link to a unit: case officers and staff see the people of their units.
package final class UnitMembership: Model, @unchecked Sendable {
    package static let schema = "unit_memberships"

    @ID(key: .id) package var id: UUID?
    @Parent(key: "user_id") var user: User
    @Parent(key: "unit_id") package var unit: Unit
    @Field(key: "organisation_id") var organisationID: UUID

    package init() {}

    init(userID: UUID, unitID: UUID, organisationID: UUID) {
        self.$user.id = userID
        self.$unit.id = unitID
        self.organisationID = organisationID
    }
}

extension Role: Content {}
extension UnitKind: Content {}
