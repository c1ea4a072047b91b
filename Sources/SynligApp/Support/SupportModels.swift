import Fluent
import SQLKit
import SynligCore
import Vapor

/// One form of support in an organisation's catalogue, shown on the public pages once published.
package final class SupportOffering: Model, OrganisationScoped, @unchecked Sendable {
    package static let schema = "support_offerings"
    /// The catalogue is kept in Swedish; the public pages in other languages say so per text.
    static let textLanguage = "sv"

    @ID(key: .id) package var id: UUID?
    @Field(key: "organisation_id") package var organisationID: UUID
    @Field(key: "name") package var name: String
    @Field(key: "kind") package var kind: SupportKind
    @Field(key: "provider") var provider: SupportProvider
    @Field(key: "provider_name") var providerName: String
    @OptionalField(key: "civil_society_id") var civilSocietyID: UUID?
    /// Comma-separated `SupportTargetGroup` raw values: a catalogue is small, filtering is in Swift.
    @Field(key: "target_groups") var targetGroupsText: String
    @Field(key: "needs_assessment") var needsAssessment: Bool
    @Field(key: "cost") var cost: String
    /// Comma-separated language codes.
    @Field(key: "languages") var languagesText: String
    @Field(key: "interpreter") var interpreter: Bool
    @Field(key: "accessibility") var accessibility: String
    @Field(key: "address") var address: String
    @Field(key: "schedule") var schedule: String
    @Field(key: "phone") var phone: String
    @Field(key: "email") var email: String
    @Field(key: "website") var website: String
    @Field(key: "description") package var description: String
    @Field(key: "eligibility") var eligibility: String
    @Field(key: "last_checked") var lastChecked: String
    @Field(key: "published") var published: Bool
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    package static var organisationIDKey: KeyPath<SupportOffering, FieldProperty<SupportOffering, UUID>> { \.$organisationID }

    package init() {}

    var targetGroups: Set<SupportTargetGroup> {
        Set(targetGroupsText.split(separator: ",").compactMap { SupportTargetGroup(rawValue: String($0)) })
    }

    var languages: Set<String> { Set(languagesText.split(separator: ",").map(String.init)) }
}

/// A civil-society organisation that supports caregivers (question 14 of the mapping), some
/// with state grants (legal reference `state_grant_organisations`).
package final class CivilSocietyOrganisation: Model, OrganisationScoped, @unchecked Sendable {
    package static let schema = "civil_society_organisations"

    @ID(key: .id) package var id: UUID?
    @Field(key: "organisation_id") package var organisationID: UUID
    @Field(key: "name") package var name: String
    @Field(key: "description") package var description: String
    @Field(key: "contact") var contact: String
    @Field(key: "state_grant") var stateGrant: Bool
    @Field(key: "cooperation") var cooperation: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    package static var organisationIDKey: KeyPath<CivilSocietyOrganisation, FieldProperty<CivilSocietyOrganisation, UUID>> { \.$organisationID }

    package init() {}
}
