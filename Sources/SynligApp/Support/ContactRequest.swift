import Fluent
import Vapor

enum ContactRequestStatus: String, Codable, Sendable, CaseIterable {
    case open, closed
}

/// A caregiver's request to be contacted, sent from the public pages. It holds personal data:
/// only what is needed to call back (data minimisation), read access is logged, and it is
/// purged when no longer needed.
package final class ContactRequest: Model, OrganisationScoped, @unchecked Sendable {
    package static let schema = "contact_requests"

    @ID(key: .id) package var id: UUID?
    @Field(key: "organisation_id") package var organisationID: UUID
    @Field(key: "name") package var name: String
    @Field(key: "reach") var reach: String
    @Field(key: "about") var about: String
    @Field(key: "language") var language: String
    @Field(key: "status") var status: ContactRequestStatus
    @OptionalField(key: "closed_reason") var closedReason: String?
    @OptionalField(key: "closed_by") var closedBy: UUID?
    @OptionalField(key: "closed_at") var closedAt: Date?
    @Field(key: "created_at") var createdAt: Date
    /// What statistics keep of the request after it is purged.
    @OptionalField(key: "tally_id") var tallyID: UUID?

    package static var organisationIDKey: KeyPath<ContactRequest, FieldProperty<ContactRequest, UUID>> { \.$organisationID }

    package init() {}
}
