import Fluent
import SynligCore
import Vapor

/// The referrals part of a caregiver's record: what this organisation sent and the status the
/// receiver returned, and the referral the record was made from. Only this organisation's rows.
struct ReferralRecordSection: Encodable {
    struct Sent: Encodable {
        var to: String
        var reason: String
        var consent: String
        var status: String
    }

    var sent: [Sent]
    var newHref: String
    /// The referral this record was made from, in this (the receiving) organisation.
    var cameFrom: String?
    var cameFromHref: String?

    static func build(caregiverID: UUID, user: CurrentUser, req: Request) async throws -> ReferralRecordSection {
        let sent = try await SentReferral.scoped(to: user.organisationID, on: req.db).filter(\.$caregiverID == caregiverID)
            .sort(\.$sentAt, .descending).all()
        let origin = try await Referral.scoped(to: user.organisationID, on: req.db).filter(\.$createdCaregiverID == caregiverID).first()
        return ReferralRecordSection(
            sent: sent.map {
                Sent(to: $0.receivingOrganisationName, reason: $0.reason,
                     consent: ReferralText.consent($0.consentCategories, form: $0.consentForm, req: req),
                     status: ReferralText.status($0, sentAt: $0.sentAt, req: req))
            },
            newHref: SiteURL.caregiverPart(caregiverID, .referralNew).path,
            cameFrom: origin.map { req.t("referral.came_from", $0.sendingOrganisationName) },
            cameFromHref: try origin.map { SiteURL.referral(try $0.requireID()).path })
    }
}
