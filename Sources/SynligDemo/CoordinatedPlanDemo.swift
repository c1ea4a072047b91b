import Fluent
import SynligApp
import SynligCore

/// One person cared for whose SIP a new user can follow from start to end: discharged from
/// inpatient care, a SIP offered and held with the family caregiver taking part, the
/// responsibilities with follow-ups on the consultant's worklist, and a patient contract.
/// Played through the same services a user calls.
enum CoordinatedPlanDemo {
    static func seed(relationships: [Int: CareRelationship], consultant: CurrentUser, on db: any Database,
                     today: CalendarDate = .today()) async throws {
        // The first caregiver whose consent allows planning and meetings today.
        var chosen: CareRelationship?
        for index in relationships.keys.sorted() {
            guard let relationship = relationships[index] else { continue }
            if try await CaregiverAccess.permission(for: relationship, on: db, today: today).mayInvite {
                chosen = relationship
                break
            }
        }
        guard let relationship = chosen else { return }
        let recipientID = relationship.recipientID
        let dischargedOn = today.addingDays(-20)
        let discharge = try await CoordinatedPlanService.recordDischarge(
            recipientID: recipientID, DischargeInput(dischargedOn: dischargedOn.iso, dischargedFrom: "Geriatriken, Exempelsjukhuset"),
            by: consultant, on: db, today: dischargedOn)
        let offeredOn = dischargedOn.addingDays(2)
        let offer = try await CoordinatedPlanService.offer(
            recipientID: recipientID, PlanOfferInput(offeredOn: offeredOn.iso, dischargeId: try discharge.requireID().uuidString),
            by: consultant, on: db, today: offeredOn)
        let meetingOn = dischargedOn.addingDays(10)
        let invitation = try await ConsentService.invite(
            relationshipID: try relationship.requireID(),
            InvitationInput(kind: MeetingKind.coordinatedPlan.rawValue, meetingOn: meetingOn.iso), by: consultant, on: db, today: offeredOn)
        let offerID = try offer.requireID()
        _ = try await CoordinatedPlanService.recordOutcome(
            offerID: offerID, PlanOutcomeInput(outcome: CoordinatedPlanOutcome.accepted.rawValue, outcomeOn: dischargedOn.addingDays(3).iso, version: 1),
            by: consultant, on: db, today: dischargedOn.addingDays(3))
        try await ConsentService.recordAttendance(invitationID: try invitation.requireID(), attendance: MeetingAttendance.tookPart.rawValue,
                                                  by: consultant, on: db)
        _ = try await CoordinatedPlanService.recordOutcome(
            offerID: offerID, PlanOutcomeInput(outcome: CoordinatedPlanOutcome.held.rawValue, outcomeOn: meetingOn.iso,
                                               participants: "Vårdcentralen Exempel (distriktssköterska), hemtjänsten, biståndshandläggare, den närstående",
                                               invitationId: try invitation.requireID().uuidString, version: 2),
            by: consultant, on: db, today: meetingOn)
        _ = try await CoordinatedPlanService.addResponsibility(
            offerID: offerID, ResponsibilityInput(actor: "Kommunens anhörigkonsulent", task: "Samordnar planen och följer upp den anhöriges situation",
                                                  dueOn: today.addingDays(30).iso, followUpOn: today.addingDays(7).iso,
                                                  ownerUserId: consultant.id.uuidString, overall: true),
            by: consultant, on: db)
        _ = try await CoordinatedPlanService.addResponsibility(
            offerID: offerID, ResponsibilityInput(actor: "Vårdcentralen Exempel", task: "Läkemedelsgenomgång efter utskrivningen",
                                                  dueOn: today.addingDays(14).iso, followUpOn: today.addingDays(14).iso),
            by: consultant, on: db)
        _ = try await CoordinatedPlanService.addPatientContract(
            recipientID: recipientID, PatientContractInput(agreed: "Daglig promenad med stöd av hemtjänsten; kontakt med vårdcentralen vid försämring",
                                                           agreedOn: meetingOn.iso, followUpOn: today.addingDays(20).iso),
            by: consultant, on: db, today: meetingOn)
    }
}
