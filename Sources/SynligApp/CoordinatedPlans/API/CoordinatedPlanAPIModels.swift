import Foundation
import SynligCore
import Vapor

extension DischargeInput: StrictJSONBody {}
extension PlanOfferInput: StrictJSONBody {}
extension PlanOutcomeInput: StrictJSONBody {}
extension ResponsibilityInput: StrictJSONBody {}
extension PatientContractInput: StrictJSONBody {}
extension ContractFollowUpInput: StrictJSONBody {}

/// The JSON shapes of the SIP workflow, as described in `Resources/openapi.yaml`.
extension API {
    struct DischargeOut: Content {
        var id: UUID
        var recipientId: UUID
        var dischargedOn: String
        var dischargedFrom: String
        var responsibleUserId: UUID
        var createdAt: Date?

        init(_ discharge: InpatientDischarge) throws {
            id = try discharge.requireID()
            recipientId = discharge.recipientID
            dischargedOn = discharge.dischargedOn
            dischargedFrom = discharge.dischargedFrom
            responsibleUserId = discharge.responsibleUserID
            createdAt = discharge.createdAt
        }
    }

    struct PlanOutcomeOut: Content {
        var outcome: CoordinatedPlanOutcome
        var outcomeOn: String
        var participants: String
        @ExplicitNull var invitationId: UUID?
        var recordedByUserId: UUID
        var sequence: Int

        init(_ entry: CoordinatedPlanOutcomeEntry) {
            outcome = entry.outcome
            outcomeOn = entry.outcomeOn
            participants = entry.participants
            invitationId = entry.invitationID
            recordedByUserId = entry.recordedBy
            sequence = entry.sequence
        }
    }

    struct ResponsibilityOut: Content {
        var id: UUID
        var planId: UUID
        var actor: String
        var task: String
        var dueOn: String
        var followUpOn: String
        @ExplicitNull var ownerUserId: UUID?
        var overall: Bool
        @ExplicitNull var doneOn: String?

        init(_ row: CoordinatedPlanResponsibility) throws {
            id = try row.requireID()
            planId = row.offerID
            actor = row.actor
            task = row.task
            dueOn = row.dueOn
            followUpOn = row.followUpOn
            ownerUserId = row.ownerUserID
            overall = row.overall
            doneOn = row.doneOn
        }
    }

    struct PlanOfferOut: Content {
        var id: UUID
        var recipientId: UUID
        @ExplicitNull var dischargeId: UUID?
        var offeredOn: String
        var outcome: CoordinatedPlanOutcome
        @ExplicitNull var outcomeOn: String?
        var version: Int
        var outcomes: [PlanOutcomeOut]
        var responsibilities: [ResponsibilityOut]

        init(_ offer: CoordinatedPlanOffer, outcomes: [CoordinatedPlanOutcomeEntry], responsibilities: [CoordinatedPlanResponsibility]) throws {
            id = try offer.requireID()
            recipientId = offer.recipientID
            dischargeId = offer.dischargeID
            offeredOn = offer.offeredOn
            outcome = offer.outcome
            outcomeOn = offer.outcomeOn
            version = offer.version
            self.outcomes = outcomes.map(PlanOutcomeOut.init)
            self.responsibilities = try responsibilities.map(ResponsibilityOut.init)
        }
    }

    struct PatientContractOut: Content {
        var id: UUID
        var recipientId: UUID
        var agreed: String
        var agreedOn: String
        var followUpOn: String
        @ExplicitNull var result: PatientContractResult?
        @ExplicitNull var followedUpOn: String?
        var comment: String
        var version: Int

        init(_ contract: PatientContract) throws {
            id = try contract.requireID()
            recipientId = contract.recipientID
            agreed = contract.agreed
            agreedOn = contract.agreedOn
            followUpOn = contract.followUpOn
            result = contract.result
            followedUpOn = contract.followedUpOn
            comment = contract.comment
            version = contract.version
        }
    }

    struct RecipientTaskOut: Content {
        var id: UUID
        var recipientId: UUID
        var kind: RecipientTaskKind
        var dueOn: String
        var subjectId: UUID
        @ExplicitNull var assigneeUserId: UUID?

        init(_ task: RecipientTask) throws {
            id = try task.requireID()
            recipientId = task.recipientID
            kind = task.kind
            dueOn = task.dueOn
            subjectId = task.subjectID
            assigneeUserId = task.assigneeID
        }
    }

    struct RecipientTasksOut: Content {
        var items: [RecipientTaskOut]
    }

    /// Everything about the person's SIPs, discharges and patient contracts, with their open tasks.
    struct CoordinatedPlansOut: Content {
        var recipientId: UUID
        var discharges: [DischargeOut]
        var plans: [PlanOfferOut]
        var patientContracts: [PatientContractOut]
        var openTasks: [RecipientTaskOut]
    }
}
