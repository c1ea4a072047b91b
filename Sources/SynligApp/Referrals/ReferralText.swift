import SynligCore
import Vapor

/// How a referral's status, consent and copied situation read on the pages of both sides.
enum ReferralText {
    /// "Kontaktad 6 december 2026 14:02", with the earlier steps and their times before it.
    static func status(_ referral: some ReferralStatusTimes, sentAt: Date, req: Request) -> String {
        let language = req.language.rawValue
        let steps: [(ReferralStatus, Date?)] = [(.sent, sentAt), (.received, referral.receivedAt), (.contacted, referral.contactedAt),
                                                (.closed, referral.closedAt)]
        return steps.compactMap { step in
            step.1.map { req.t("referral.status.\(step.0.rawValue)") + " " + SwedishTime.format($0, language: language) }
        }.joined(separator: " · ")
    }

    static func consent(_ categories: Set<ReferralConsentCategory>, form: ReferralConsentForm, req: Request) -> String {
        req.t("referral.consent_given.\(form.rawValue)") + " " + categoryNames(ReferralConsentCategory.allCases.filter(categories.contains), req: req)
    }

    /// "namn och kontaktuppgifter, vem den anhörige hjälper och hur mycket".
    static func categoryNames(_ categories: [ReferralConsentCategory], req: Request) -> String {
        categories.map { req.t("referral.category_short.\($0.rawValue)") }.joined(separator: ", ")
    }

    static func careSituation(_ referral: Referral, req: Request) -> [String] {
        referral.careSituationLines.map { line in
            [req.t(line.relation.isStated ? "caregiver.relation.\(line.relation.rawValue)" : "caregiver.relation_not_stated"),
             req.t(line.hours.isStated ? "caregiver.hours.\(line.hours.rawValue)" : "caregiver.hours_not_stated"),
             line.livesTogether ? req.t("relationship.lives_together") : nil].compactMap { $0 }.joined(separator: " · ")
        }
    }
}
