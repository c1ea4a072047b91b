import Fluent
import SynligCore
import Vapor

/// A referral as the receiving organisation holds it: a copy, made when it was sent, of only
/// what the caregiver's consent covered. It never points at the sender's rows, so nothing else
/// of the sending organisation can be read through it. `organisation_id` is the receiver.
package final class Referral: Model, OrganisationScoped, @unchecked Sendable {
    package static let schema = "referrals"

    @ID(key: .id) package var id: UUID?
    @Field(key: "organisation_id") package var organisationID: UUID
    @Field(key: "sending_organisation_id") var sendingOrganisationID: UUID
    /// The sender's name as it was when sent (an organisation, not a person).
    @Field(key: "sending_organisation_name") var sendingOrganisationName: String
    /// The sender's own row, to return the status to; never read by the receiver.
    @Field(key: "sent_referral_id") var sentReferralID: UUID
    /// Comma-separated `ReferralConsentCategory` raw values.
    @Field(key: "consent_categories") var consentCategoriesText: String
    @Field(key: "consent_form") var consentForm: ReferralConsentForm
    /// Why the caregiver is referred, in the sender's words: sealed at rest (`SealedText`).
    @Field(key: "reason") var sealedReason: SealedText
    var reason: String { get { sealedReason.text } set { sealedReason = SealedText(newValue) } }
    // Only with consent to contact details:
    @OptionalField(key: "name") var name: String?
    @OptionalField(key: "phone") var phone: String?
    @OptionalField(key: "email") var email: String?
    @OptionalField(key: "preferred_language") var preferredLanguage: String?
    /// Only with consent to the care situation: one line per relationship, `relation|hours|together`.
    @OptionalField(key: "care_situation") var careSituation: String?
    /// Only with consent to the caregiver's own needs.
    /// The caregiver's own needs, in the sender's words: sealed at rest (`SealedText`).
    @OptionalField(key: "own_needs") var sealedOwnNeeds: SealedText?
    var ownNeeds: String? { get { sealedOwnNeeds?.text } set { sealedOwnNeeds = newValue.map { SealedText($0) } } }
    @Field(key: "status") var status: ReferralStatus
    @Field(key: "sent_at") var sentAt: Date
    @OptionalField(key: "received_at") var receivedAt: Date?
    @OptionalField(key: "contacted_at") var contactedAt: Date?
    @OptionalField(key: "closed_at") var closedAt: Date?
    /// The caregiver record made from the referral in the receiving organisation.
    @OptionalField(key: "created_caregiver_id") var createdCaregiverID: UUID?
    @Field(key: "version") var version: Int

    package static var organisationIDKey: KeyPath<Referral, FieldProperty<Referral, UUID>> { \.$organisationID }

    package init() {}

    var careSituationLines: [(relation: RelationKind, hours: HoursBand, livesTogether: Bool)] {
        (careSituation ?? "").split(separator: "\n").compactMap { line in
            let parts = line.split(separator: "|").map(String.init)
            guard parts.count == 3, let relation = RelationKind(rawValue: parts[0]), let hours = HoursBand(rawValue: parts[1]) else { return nil }
            return (relation, hours, parts[2] == "1")
        }
    }
}

/// The sending organisation's own note of a referral, on the caregiver's record: to whom, with
/// which consent and why — and the status the receiver sets, copied back. Nothing the receiver
/// writes or learns about the caregiver comes back. `organisation_id` is the sender.
package final class SentReferral: Model, OrganisationScoped, @unchecked Sendable {
    package static let schema = "sent_referrals"

    @ID(key: .id) package var id: UUID?
    @Field(key: "organisation_id") package var organisationID: UUID
    @Field(key: "caregiver_id") var caregiverID: UUID
    @Field(key: "receiving_organisation_id") var receivingOrganisationID: UUID
    @Field(key: "receiving_organisation_name") var receivingOrganisationName: String
    @Field(key: "consent_categories") var consentCategoriesText: String
    @Field(key: "consent_form") var consentForm: ReferralConsentForm
    /// Why the caregiver is referred, in the sender's words: sealed at rest (`SealedText`).
    @Field(key: "reason") var sealedReason: SealedText
    var reason: String { get { sealedReason.text } set { sealedReason = SealedText(newValue) } }
    @Field(key: "sent_by") var sentBy: UUID
    @Field(key: "status") var status: ReferralStatus
    @Field(key: "sent_at") var sentAt: Date
    @OptionalField(key: "received_at") var receivedAt: Date?
    @OptionalField(key: "contacted_at") var contactedAt: Date?
    @OptionalField(key: "closed_at") var closedAt: Date?

    package static var organisationIDKey: KeyPath<SentReferral, FieldProperty<SentReferral, UUID>> { \.$organisationID }

    package init() {}
}

/// The status and its times, as both sides store them.
protocol ReferralStatusTimes: AnyObject {
    var status: ReferralStatus { get set }
    var receivedAt: Date? { get set }
    var contactedAt: Date? { get set }
    var closedAt: Date? { get set }
}

extension Referral: ReferralStatusTimes {}
extension SentReferral: ReferralStatusTimes {}

/// The consent as both sides store it: comma-separated `ReferralConsentCategory` raw values.
protocol ReferralConsent: AnyObject {
    var consentCategoriesText: String { get }
}

extension Referral: ReferralConsent {}
extension SentReferral: ReferralConsent {}

extension ReferralConsent {
    var consentCategories: Set<ReferralConsentCategory> {
        Set(consentCategoriesText.split(separator: ",").compactMap { ReferralConsentCategory(rawValue: String($0)) })
    }
}

extension ReferralStatusTimes {
    /// Moves to `status` at `now`; a step skipped on the way (closed without contact) keeps no time.
    func move(to status: ReferralStatus, at now: Date) {
        self.status = status
        switch status {
        case .sent: break
        case .received: receivedAt = receivedAt ?? now
        case .contacted: contactedAt = now
        case .closed: closedAt = now
        }
    }
}
