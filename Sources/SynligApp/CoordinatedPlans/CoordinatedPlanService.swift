import Fluent
import SynligCore
import Vapor

/// SIP offered, held and followed: discharges from inpatient care, offers and their outcome
/// history, the responsibilities of a SIP, and patient contracts — each change audited, the
/// follow-ups put on the worklist of the staff member who owns them.
package enum CoordinatedPlanService {
    /// Records a discharge and puts "draw up a SIP" on the responsible staff member's worklist,
    /// and "invite the caregiver" for each caregiver whose consent allows planning and meetings
    /// and who is not restricted from involvement.
    package static func recordDischarge(recipientID: UUID, _ input: DischargeInput, by user: CurrentUser, on db: any Database,
                                        today: CalendarDate = .today()) async throws -> InpatientDischarge {
        var check = InputChecker()
        let dischargedOn = check.date(input.dischargedOn, "dischargedOn")
        if let dischargedOn, dischargedOn > today { check.fail("dischargedOn", "input.date_future") }
        let from = check.line(input.dischargedFrom, "dischargedFrom", required: true, max: 120)
        let responsible = check.id(input.responsibleUserId, "responsibleUserId") ?? user.id
        try check.finish()
        guard let dischargedOn else { throw SynligError.invalid(check.problems) }
        try await requireStaff(responsible, "responsibleUserId", of: user, on: db)
        return try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            let recipient = try await CaregiverAccess.recipient(recipientID, for: user, on: tx)
            let discharge = InpatientDischarge()
            discharge.organisationID = user.organisationID
            discharge.recipientID = recipientID
            discharge.dischargedOn = dischargedOn.iso
            discharge.dischargedFrom = from
            discharge.responsibleUserID = responsible
            discharge.recordedBy = user.id
            try await discharge.create(on: tx)
            let dischargeID = try discharge.requireID()
            // "Arbetet med planen ska påbörjas utan dröjsmål": due the day of the discharge.
            try await RecipientTaskService.schedule(.drawUpCoordinatedPlan, recipient: recipient, due: dischargedOn,
                                                    assignee: responsible, subject: dischargeID, on: tx)
            let relationships = try await CareRelationship.scoped(to: user.organisationID, on: tx).filter(\.$recipientID == recipientID).all()
            if !relationships.isEmpty {
                for (relationshipID, permission) in try await CaregiverAccess.permissions(for: relationships, on: tx, today: today)
                where permission.mayInvite {
                    try await RecipientTaskService.schedule(.inviteCaregiverToPlan, recipient: recipient, due: dischargedOn,
                                                            assignee: responsible, subject: relationshipID, on: tx)
                }
            }
            audit.record("discharge.create", InpatientDischarge.schema, id: dischargeID, organisation: user.organisationID)
            return discharge
        }
    }

    /// Records that a SIP was offered; answering a discharge closes its "draw up a SIP" task.
    package static func offer(recipientID: UUID, _ input: PlanOfferInput, by user: CurrentUser, on db: any Database,
                              today: CalendarDate = .today()) async throws -> CoordinatedPlanOffer {
        var check = InputChecker()
        let offeredOn = check.date(input.offeredOn, "offeredOn")
        if let offeredOn, offeredOn > today { check.fail("offeredOn", "input.date_future") }
        let dischargeID = check.id(input.dischargeId, "dischargeId")
        try check.finish()
        guard let offeredOn else { throw SynligError.invalid(check.problems) }
        return try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            _ = try await CaregiverAccess.recipient(recipientID, for: user, on: tx)
            if let dischargeID {
                let discharge = try await InpatientDischarge.scoped(to: user.organisationID, on: tx).filter(\.$id == dischargeID).first()
                guard discharge?.recipientID == recipientID else {
                    throw SynligError.invalid([.init(field: "dischargeId", messageKey: "input.invalid_choice")])
                }
            }
            let offer = CoordinatedPlanOffer()
            offer.organisationID = user.organisationID
            offer.recipientID = recipientID
            offer.dischargeID = dischargeID
            offer.offeredOn = offeredOn.iso
            offer.outcome = .pending
            offer.offeredBy = user.id
            offer.version = 1
            try await offer.create(on: tx)
            if let dischargeID { try await RecipientTaskService.complete(.drawUpCoordinatedPlan, subject: dischargeID, on: tx) }
            audit.record("coordinated_plan.offer", CoordinatedPlanOffer.schema, id: offer.id, organisation: user.organisationID)
            return offer
        }
    }

    /// Adds an outcome to the offer's history (never rewriting an earlier one) and makes it the
    /// current one. A SIP held names who took part, and may point at the caregiver's invitation.
    package static func recordOutcome(offerID: UUID, _ input: PlanOutcomeInput, by user: CurrentUser, on db: any Database,
                                      today: CalendarDate = .today()) async throws -> CoordinatedPlanOffer {
        // The record first (404 for another organisation's id), then the input (422).
        _ = try await CoordinatedPlanOffer.find(offerID, in: user.organisationID, on: db)
        // The record first (404 for another organisation's id), then the input (422).
        _ = try await CoordinatedPlanOffer.find(offerID, in: user.organisationID, on: db)
        var check = InputChecker()
        let outcome = check.choice(input.outcome, "outcome", as: CoordinatedPlanOutcome.self)
        if outcome == .pending { check.fail("outcome", "input.invalid_choice") }
        let outcomeOn = check.date(input.outcomeOn, "outcomeOn")
        if let outcomeOn, outcomeOn > today { check.fail("outcomeOn", "input.date_future") }
        let participants = check.text(input.participants, "participants", required: outcome == .held, max: 2000)
        let invitationID = check.id(input.invitationId, "invitationId")
        try check.finish()
        guard let outcome, let outcomeOn else { throw SynligError.invalid(check.problems) }
        return try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            let offer = try await CoordinatedPlanOffer.find(offerID, in: user.organisationID, on: tx)
            _ = try await CaregiverAccess.recipient(offer.recipientID, for: user, on: tx)
            guard input.version == nil || input.version == offer.version else { throw SynligError.staleEdit }
            if let invitationID {
                var relationship: CareRelationship?
                if let invitation = try await MeetingInvitation.scoped(to: user.organisationID, on: tx).filter(\.$id == invitationID).first() {
                    relationship = try await CareRelationship.find(invitation.relationshipID, on: tx)
                }
                guard relationship?.recipientID == offer.recipientID else {
                    throw SynligError.invalid([.init(field: "invitationId", messageKey: "input.invalid_choice")])
                }
            }
            let entry = CoordinatedPlanOutcomeEntry()
            entry.organisationID = user.organisationID
            entry.offerID = offerID
            entry.recipientID = offer.recipientID
            entry.outcome = outcome
            entry.outcomeOn = outcomeOn.iso
            entry.participants = participants
            entry.invitationID = invitationID
            entry.recordedBy = user.id
            entry.sequence = try await CoordinatedPlanOutcomeEntry.query(on: tx).filter(\.$offerID == offerID).count() + 1
            try await entry.create(on: tx)
            offer.outcome = outcome
            offer.outcomeOn = outcomeOn.iso
            offer.version += 1
            try await offer.update(on: tx)
            audit.record("coordinated_plan.outcome", CoordinatedPlanOffer.schema, id: offerID, organisation: user.organisationID)
            return offer
        }
    }

    /// Adds who does what by when to a SIP; its follow-up goes on the owner's worklist — the
    /// staff member named, or whoever recorded it when the actor is outside the organisation.
    /// Marking one as having the overall responsibility takes it from the others.
    package static func addResponsibility(offerID: UUID, _ input: ResponsibilityInput, by user: CurrentUser, on db: any Database)
        async throws -> CoordinatedPlanResponsibility {
        var check = InputChecker()
        let actor = check.line(input.actor, "actor", required: true, max: 200)
        let task = check.text(input.task, "task", required: true, max: 2000)
        let dueOn = check.date(input.dueOn, "dueOn")
        let followUpOn = check.date(input.followUpOn, "followUpOn")
        let owner = check.id(input.ownerUserId, "ownerUserId")
        try check.finish()
        guard let dueOn, let followUpOn else { throw SynligError.invalid(check.problems) }
        if let owner { try await requireStaff(owner, "ownerUserId", of: user, on: db) }
        return try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            let offer = try await CoordinatedPlanOffer.find(offerID, in: user.organisationID, on: tx)
            let recipient = try await CaregiverAccess.recipient(offer.recipientID, for: user, on: tx)
            if input.overall == true {
                try await CoordinatedPlanResponsibility.query(on: tx).filter(\.$offerID == offerID).set(\.$overall, to: false).update()
            }
            let row = CoordinatedPlanResponsibility()
            row.organisationID = user.organisationID
            row.offerID = offerID
            row.recipientID = offer.recipientID
            row.actor = actor
            row.task = task
            row.dueOn = dueOn.iso
            row.followUpOn = followUpOn.iso
            row.ownerUserID = owner
            row.overall = input.overall == true
            row.recordedBy = user.id
            try await row.create(on: tx)
            try await RecipientTaskService.schedule(.responsibilityFollowUp, recipient: recipient, due: followUpOn,
                                                    assignee: owner ?? user.id, subject: try row.requireID(), on: tx)
            audit.record("coordinated_plan.responsibility", CoordinatedPlanResponsibility.schema, id: row.id, organisation: user.organisationID)
            return row
        }
    }

    /// The responsibility is carried out: it leaves the owner's worklist.
    package static func markResponsibilityDone(_ id: UUID, by user: CurrentUser, on db: any Database,
                                               today: CalendarDate = .today()) async throws -> CoordinatedPlanResponsibility {
        try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            let row = try await CoordinatedPlanResponsibility.find(id, in: user.organisationID, on: tx)
            _ = try await CaregiverAccess.recipient(row.recipientID, for: user, on: tx)
            guard row.doneOn == nil else { throw SynligError(.conflict, "sip.responsibility_done_already") }
            row.doneOn = today.iso
            try await row.update(on: tx)
            try await RecipientTaskService.complete(.responsibilityFollowUp, subject: id, on: tx)
            audit.record("coordinated_plan.responsibility_done", CoordinatedPlanResponsibility.schema, id: id, organisation: user.organisationID)
            return row
        }
    }

    /// A patient contract and its follow-up task on the recording staff member's worklist.
    package static func addPatientContract(recipientID: UUID, _ input: PatientContractInput, by user: CurrentUser, on db: any Database,
                                           today: CalendarDate = .today()) async throws -> PatientContract {
        var check = InputChecker()
        let agreed = check.text(input.agreed, "agreed", required: true, max: 2000)
        let agreedOn = check.date(input.agreedOn, "agreedOn")
        if let agreedOn, agreedOn > today { check.fail("agreedOn", "input.date_future") }
        let followUpOn = check.date(input.followUpOn, "followUpOn")
        if let agreedOn, let followUpOn, followUpOn < agreedOn { check.fail("followUpOn", "sip.follow_up_before_agreed") }
        try check.finish()
        guard let agreedOn, let followUpOn else { throw SynligError.invalid(check.problems) }
        return try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            let recipient = try await CaregiverAccess.recipient(recipientID, for: user, on: tx)
            let contract = PatientContract()
            contract.organisationID = user.organisationID
            contract.recipientID = recipientID
            contract.agreed = agreed
            contract.agreedOn = agreedOn.iso
            contract.followUpOn = followUpOn.iso
            contract.followUpUserID = user.id
            contract.comment = ""
            contract.version = 1
            try await contract.create(on: tx)
            try await RecipientTaskService.schedule(.patientContractFollowUp, recipient: recipient, due: followUpOn,
                                                    assignee: user.id, subject: try contract.requireID(), on: tx)
            audit.record("patient_contract.create", PatientContract.schema, id: contract.id, organisation: user.organisationID)
            return contract
        }
    }

    /// Records whether the contract was kept; closes its follow-up task. Recorded once: a new
    /// agreement is a new contract, so what was followed up stays as it was.
    package static func followUpContract(_ id: UUID, _ input: ContractFollowUpInput, by user: CurrentUser, on db: any Database,
                                         today: CalendarDate = .today()) async throws -> PatientContract {
        // The record first (404 for another organisation's id), then the input (422).
        _ = try await PatientContract.find(id, in: user.organisationID, on: db)
        var check = InputChecker()
        let result = check.choice(input.result, "result", as: PatientContractResult.self)
        let followedUpOn = check.date(input.followedUpOn, "followedUpOn")
        if let followedUpOn, followedUpOn > today { check.fail("followedUpOn", "input.date_future") }
        let comment = check.text(input.comment, "comment", max: 2000)
        try check.finish()
        guard let result, let followedUpOn else { throw SynligError.invalid(check.problems) }
        return try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            let contract = try await PatientContract.find(id, in: user.organisationID, on: tx)
            _ = try await CaregiverAccess.recipient(contract.recipientID, for: user, on: tx)
            guard input.version == nil || input.version == contract.version else { throw SynligError.staleEdit }
            guard contract.result == nil else { throw SynligError(.conflict, "sip.contract_followed_up_already") }
            contract.result = result
            contract.followedUpOn = followedUpOn.iso
            contract.comment = comment
            contract.version += 1
            try await contract.update(on: tx)
            try await RecipientTaskService.complete(.patientContractFollowUp, subject: id, on: tx)
            audit.record("patient_contract.follow_up", PatientContract.schema, id: id, organisation: user.organisationID)
            return contract
        }
    }

    /// Staff who may own a task about a person: active, in the organisation, with a role that reads records.
    static func staffOptions(of user: CurrentUser, on db: any Database) async throws -> [(value: String, label: String)] {
        let ids = try await UserRole.query(on: db).filter(\.$organisationID == user.organisationID)
            .filter(\.$role ~~ Array(CaregiverAccess.readers)).all().map { $0.$user.id }
        guard !ids.isEmpty else { return [] }
        return try await User.query(on: db).filter(\.$id ~~ ids).filter(\.$active == true).sort(\.$displayName).all()
            .map { (try $0.requireID().uuidString, $0.displayName) }
    }

    private static func requireStaff(_ id: UUID, _ field: String, of user: CurrentUser, on db: any Database) async throws {
        guard try await staffOptions(of: user, on: db).contains(where: { $0.value == id.uuidString }) else {
            throw SynligError.invalid([.init(field: field, messageKey: "input.invalid_choice")])
        }
    }
}
