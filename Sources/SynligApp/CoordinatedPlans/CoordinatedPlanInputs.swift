import Foundation

/// The SIP workflow's inputs as the forms and `/api/v1` send them: every field optional,
/// checked by `CoordinatedPlanService`, so a form and the API are refused alike.
package struct DischargeInput: Decodable, Sendable {
    package var dischargedOn: String?
    package var dischargedFrom: String?
    package var responsibleUserId: String?

    package init(dischargedOn: String? = nil, dischargedFrom: String? = nil, responsibleUserId: String? = nil) {
        self.dischargedOn = dischargedOn
        self.dischargedFrom = dischargedFrom
        self.responsibleUserId = responsibleUserId
    }
}

package struct PlanOfferInput: Decodable, Sendable {
    package var offeredOn: String?
    package var dischargeId: String?

    package init(offeredOn: String? = nil, dischargeId: String? = nil) {
        self.offeredOn = offeredOn
        self.dischargeId = dischargeId
    }
}

package struct PlanOutcomeInput: Decodable, Sendable {
    package var outcome: String?
    package var outcomeOn: String?
    package var participants: String?
    package var invitationId: String?
    package var version: Int?

    package init(outcome: String? = nil, outcomeOn: String? = nil, participants: String? = nil, invitationId: String? = nil,
                 version: Int? = nil) {
        self.outcome = outcome
        self.outcomeOn = outcomeOn
        self.participants = participants
        self.invitationId = invitationId
        self.version = version
    }
}

package struct ResponsibilityInput: Decodable, Sendable {
    package var actor: String?
    package var task: String?
    package var dueOn: String?
    package var followUpOn: String?
    package var ownerUserId: String?
    package var overall: Bool?

    package init(actor: String? = nil, task: String? = nil, dueOn: String? = nil, followUpOn: String? = nil,
                 ownerUserId: String? = nil, overall: Bool? = nil) {
        self.actor = actor
        self.task = task
        self.dueOn = dueOn
        self.followUpOn = followUpOn
        self.ownerUserId = ownerUserId
        self.overall = overall
    }
}

package struct PatientContractInput: Decodable, Sendable {
    package var agreed: String?
    package var agreedOn: String?
    package var followUpOn: String?

    package init(agreed: String? = nil, agreedOn: String? = nil, followUpOn: String? = nil) {
        self.agreed = agreed
        self.agreedOn = agreedOn
        self.followUpOn = followUpOn
    }
}

package struct ContractFollowUpInput: Decodable, Sendable {
    package var result: String?
    package var followedUpOn: String?
    package var comment: String?
    package var version: Int?

    package init(result: String? = nil, followedUpOn: String? = nil, comment: String? = nil, version: Int? = nil) {
        self.result = result
        self.followedUpOn = followedUpOn
        self.comment = comment
        self.version = version
    }
}
