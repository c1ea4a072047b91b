import Fluent
import SQLKit
import SynligCore
import Vapor

/// One meeting of a group offering in the catalogue (a support group, a course, a meeting
/// place): a date and a time. Holds no person; the sign-ups do.
package final class GroupOccasion: Model, OrganisationScoped, @unchecked Sendable {
    package static let schema = "group_occasions"

    @ID(key: .id) package var id: UUID?
    @Field(key: "organisation_id") package var organisationID: UUID
    @Field(key: "offering_id") package var offeringID: UUID
    @Field(key: "held_on") package var heldOn: String
    /// "HH:MM", Swedish time.
    @Field(key: "starts_at") package var startsAt: String
    @Field(key: "created_by") var createdBy: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    package static var organisationIDKey: KeyPath<GroupOccasion, FieldProperty<GroupOccasion, UUID>> { \.$organisationID }

    package init() {}
}

/// A caregiver signed up for an occasion, and whether they came. Purged with the attendance
/// list `GroupAttendanceRetention.months` after the occasion.
package final class GroupSignUp: Model, OrganisationScoped, @unchecked Sendable {
    package static let schema = "group_sign_ups"

    @ID(key: .id) package var id: UUID?
    @Field(key: "organisation_id") package var organisationID: UUID
    @Field(key: "occasion_id") package var occasionID: UUID
    @Field(key: "caregiver_id") package var caregiverID: UUID
    @Field(key: "attendance") package var attendance: GroupAttendance
    @Field(key: "signed_up_by") var signedUpBy: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    package static var organisationIDKey: KeyPath<GroupSignUp, FieldProperty<GroupSignUp, UUID>> { \.$organisationID }

    package init() {}
}

/// Occasions and sign-ups. Registered after the caregiver record's tables: a sign-up points
/// at a caregiver.
struct CreateGroupAttendance: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(GroupOccasion.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references("organisations", "id"))
            .field("offering_id", .uuid, .required, .references("support_offerings", "id"))
            .field("held_on", .string, .required)
            .field("starts_at", .string, .required)
            .field("created_by", .uuid, .required, .references("users", "id"))
            .field("created_at", .datetime)
            .create()
        try await database.schema(GroupSignUp.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references("organisations", "id"))
            .field("occasion_id", .uuid, .required, .references(GroupOccasion.schema, "id"))
            .field("caregiver_id", .uuid, .required, .references("caregivers", "id"))
            .field("attendance", .string, .required)
            .field("signed_up_by", .uuid, .required, .references("users", "id"))
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "occasion_id", "caregiver_id")
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "group_occasions_by_day").on(GroupOccasion.schema).column("organisation_id").column("held_on").run()
        try await sql.create(index: "group_sign_ups_by_caregiver").on(GroupSignUp.schema).column("caregiver_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(GroupSignUp.schema).delete()
        try await database.schema(GroupOccasion.schema).delete()
    }
}
