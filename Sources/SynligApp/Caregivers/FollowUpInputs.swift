import Fluent
import SynligCore
import Vapor

// What the follow-up forms and the API accept: each record's fields, listed once.

package struct ConversationInput: Decodable, Sendable {
    package var heldOn: String?
    var helpToCare: String?
    var ownLife: String?
    var recipientLife: String?
    var serviceQuality: String?
    var agreedActions: String?

    package init(heldOn: String? = nil, helpToCare: String? = nil, ownLife: String? = nil, recipientLife: String? = nil,
                 serviceQuality: String? = nil, agreedActions: String? = nil) {
        self.heldOn = heldOn
        self.helpToCare = helpToCare
        self.ownLife = ownLife
        self.recipientLife = recipientLife
        self.serviceQuality = serviceQuality
        self.agreedActions = agreedActions
    }
}

/// One voluntariness check, as the record page's form and the API send it: the three
/// dimensions, each `notStated` when left out. `answer` alone is the earlier single question,
/// still accepted from API clients that ask it; the form never sends it.
package struct VoluntarinessInput: Decodable, Sendable {
    var wantsToContinue: String?
    var ableToContinue: String?
    var shouldNotCarry: String?
    var shouldNotCarryWhat: String?
    var answer: String?
    var comment: String?
    /// Today when left out; the demo sets the day its story asks on.
    package var askedOn: String?

    package init(wantsToContinue: String? = nil, ableToContinue: String? = nil, shouldNotCarry: String? = nil,
                 shouldNotCarryWhat: String? = nil, answer: String? = nil, comment: String? = nil, askedOn: String? = nil) {
        self.wantsToContinue = wantsToContinue
        self.ableToContinue = ableToContinue
        self.shouldNotCarry = shouldNotCarry
        self.shouldNotCarryWhat = shouldNotCarryWhat
        self.answer = answer
        self.comment = comment
        self.askedOn = askedOn
    }

    var sendsDimensions: Bool { [wantsToContinue, ableToContinue, shouldNotCarry, shouldNotCarryWhat].contains { $0 != nil } }
}

package struct PlanInput: Decodable, Sendable {
    var outcomes: String?
    var agreedSupport: String?
    var emergencyPlan: String?
    var futurePlan: String?
    var reviewOn: String?
    /// IBIC life area codes; none when left out.
    var lifeAreas: [String]?
    package var version: Int?

    package init(outcomes: String? = nil, agreedSupport: String? = nil, emergencyPlan: String? = nil, futurePlan: String? = nil,
                 reviewOn: String? = nil, lifeAreas: [String]? = nil, version: Int? = nil) {
        self.lifeAreas = lifeAreas
        self.outcomes = outcomes
        self.agreedSupport = agreedSupport
        self.emergencyPlan = emergencyPlan
        self.futurePlan = futurePlan
        self.reviewOn = reviewOn
        self.version = version
    }
}

package struct SupportInput: Decodable, Sendable {
    var needKind: String?
    package var offeringId: String?
    var decision: String?
    var status: String?
    var requestedOn: String?
    var offeredOn: String?
    var startedOn: String?
    var endedOn: String?
    var outcome: String?
    /// IBIC life area codes; none when left out.
    var lifeAreas: [String]?
    var version: Int?

    package init(needKind: String? = nil, offeringId: String? = nil, decision: String? = nil, status: String? = nil,
                 requestedOn: String? = nil, offeredOn: String? = nil, startedOn: String? = nil, endedOn: String? = nil,
                 outcome: String? = nil, lifeAreas: [String]? = nil, version: Int? = nil) {
        self.lifeAreas = lifeAreas
        self.needKind = needKind
        self.offeringId = offeringId
        self.decision = decision
        self.status = status
        self.requestedOn = requestedOn
        self.offeredOn = offeredOn
        self.startedOn = startedOn
        self.endedOn = endedOn
        self.outcome = outcome
        self.version = version
    }
}

package struct FeedbackInput: Sendable {
    var kind: String?
    var receivedOn: String?
    var summary: String?
    var status: String?
    var response: String?
    var version: Int?

    package init(kind: String? = nil, receivedOn: String? = nil, summary: String? = nil, status: String? = nil,
                 response: String? = nil, version: Int? = nil) {
        self.kind = kind
        self.receivedOn = receivedOn
        self.summary = summary
        self.status = status
        self.response = response
        self.version = version
    }
}
