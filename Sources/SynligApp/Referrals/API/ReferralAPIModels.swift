import SynligCore
import Vapor

extension API {
    /// A referral to send: to whom, with which consent, and why.
    struct ReferralCreate: StrictJSONBody {
        var receivingOrganisationId: String?
        var consentCategories: [String]?
        var consentForm: String?
        var reason: String?
        var ownNeeds: String?

        var input: ReferralInput {
            ReferralInput(receivingOrganisationId: receivingOrganisationId, consentCategories: consentCategories ?? [],
                          consentForm: consentForm, reason: reason, ownNeeds: ownNeeds)
        }
    }

    struct ReferralStatusChange: StrictJSONBody {
        var status: String?
        var version: Int?
    }

    /// The status and its times: all the sender ever learns, and the receiver's summary.
    struct ReferralStatusTimesOut: Content {
        var status: ReferralStatus
        var sentAt: Date
        var receivedAt: Date?
        var contactedAt: Date?
        var closedAt: Date?

        init(_ row: some ReferralStatusTimes, sentAt: Date) {
            status = row.status
            self.sentAt = sentAt
            receivedAt = row.receivedAt
            contactedAt = row.contactedAt
            closedAt = row.closedAt
        }
    }

    /// The sender's note of a referral: what it sent and the status returned, nothing more.
    struct SentReferralOut: Content {
        var id: UUID
        var caregiverId: UUID
        var receivingOrganisationId: UUID
        var receivingOrganisationName: String
        var consentCategories: [ReferralConsentCategory]
        var consentForm: ReferralConsentForm
        var reason: String
        var status: ReferralStatusTimesOut

        init(_ sent: SentReferral) throws {
            id = try sent.requireID()
            caregiverId = sent.caregiverID
            receivingOrganisationId = sent.receivingOrganisationID
            receivingOrganisationName = sent.receivingOrganisationName
            consentCategories = ReferralConsentCategory.allCases.filter(sent.consentCategories.contains)
            consentForm = sent.consentForm
            reason = sent.reason
            status = ReferralStatusTimesOut(sent, sentAt: sent.sentAt)
        }
    }

    /// The receiver's inbox entry: no personal data.
    struct ReceivedReferralSummary: Content {
        var id: UUID
        var sendingOrganisationName: String
        var status: ReferralStatusTimesOut

        init(_ referral: Referral) throws {
            id = try referral.requireID()
            sendingOrganisationName = referral.sendingOrganisationName
            status = ReferralStatusTimesOut(referral, sentAt: referral.sentAt)
        }
    }

    /// One care relationship as the referral carries it: the kind of relation, never the person.
    struct ReferralCareSituation: Content {
        var relation: RelationKind
        var hoursBand: HoursBand
        var livesTogether: Bool
    }

    /// The receiver's copy. A field the consent did not cover is absent, not empty.
    struct ReceivedReferralOut: Content {
        var id: UUID
        var sendingOrganisationName: String
        var consentCategories: [ReferralConsentCategory]
        var consentForm: ReferralConsentForm
        var reason: String
        var name: String?
        var phone: String?
        var email: String?
        var preferredLanguage: String?
        var careSituation: [ReferralCareSituation]?
        var ownNeeds: String?
        var status: ReferralStatusTimesOut
        var createdCaregiverId: UUID?
        var version: Int

        init(_ referral: Referral) throws {
            id = try referral.requireID()
            sendingOrganisationName = referral.sendingOrganisationName
            consentCategories = ReferralConsentCategory.allCases.filter(referral.consentCategories.contains)
            consentForm = referral.consentForm
            reason = referral.reason
            name = referral.name
            phone = referral.phone
            email = referral.email
            preferredLanguage = referral.preferredLanguage
            careSituation = referral.careSituation == nil ? nil
                : referral.careSituationLines.map { ReferralCareSituation(relation: $0.relation, hoursBand: $0.hours, livesTogether: $0.livesTogether) }
            ownNeeds = referral.ownNeeds
            status = ReferralStatusTimesOut(referral, sentAt: referral.sentAt)
            createdCaregiverId = referral.createdCaregiverID
            version = referral.version
        }
    }
}
