import Fluent
import SynligCore
import Vapor

/// A member of staff who signs in. Users are deactivated, never deleted, so their history stays.
final class User: Model, OrganisationScoped, @unchecked Sendable {
    static let schema = "users"

    @ID(key: .id) var id: UUID?
    @Field(key: "organisation_id") var organisationID: UUID
    @Field(key: "email") var email: String
    @Field(key: "display_name") var displayName: String
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "active") var active: Bool
    @Field(key: "version") var version: Int
    @OptionalField(key: "password_changed_at") var passwordChangedAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    @Children(for: \.$user) var roles: [UserRole]
    @Children(for: \.$user) var unitMemberships: [UnitMembership]

    static var organisationIDKey: KeyPath<User, FieldProperty<User, UUID>> { \.$organisationID }

    init() {}

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
final class UserRole: Model, @unchecked Sendable {
    static let schema = "user_roles"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Field(key: "organisation_id") var organisationID: UUID
    @Field(key: "role") var role: Role

    init() {}

    init(userID: UUID, organisationID: UUID, role: Role) {
        self.$user.id = userID
        self.organisationID = organisationID
        self.role = role
    }
}

/// A user's link to a unit: case officers and staff see the people of their units.
final class UnitMembership: Model, @unchecked Sendable {
    static let schema = "unit_memberships"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Parent(key: "unit_id") var unit: Unit
    @Field(key: "organisation_id") var organisationID: UUID

    init() {}

    init(userID: UUID, unitID: UUID, organisationID: UUID) {
        self.$user.id = userID
        self.$unit.id = unitID
        self.organisationID = organisationID
    }
}

extension Role: Content {}
extension UnitKind: Content {}
