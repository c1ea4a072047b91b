import Foundation
import SynligCore

/// Each step of a demo caregiver's story, doing what the service of the same name does —
/// the same rows, the same tasks, the same audit action — without a round trip per change.
extension CaregiverDemoPlay {
    mutating func run(_ step: CaregiverDemoCast.Step, on day: CalendarDate, caregiver: Caregiver, author: CurrentUser) {
        let caregiverID = caregiver.id!
        switch step {
        case .consent(let link, let input):
            guard let relationship = relationships[link], let kind = input.kind.flatMap(ConsentEntryKind.init(rawValue:)) else { return }
            let record = ConsentRecord()
            record.id = UUID()
            record.organisationID = organisationID
            record.relationshipID = relationship.id!
            record.kind = kind
            record.categoriesText = Set(input.categories.compactMap(ConsentCategory.init(rawValue:))).storedText
            record.form = input.form.flatMap(ConsentForm.init(rawValue:))
            record.documentReference = input.documentReference ?? ""
            record.harmDecision = input.harmDecision.flatMap(HarmDecision.init(rawValue:))
            record.decidedBy = input.decidedBy ?? ""
            record.date = day.iso
            record.endsOn = input.endsOn
            record.note = input.note ?? ""
            record.documentedBy = author.id
            record.sequence = (consentEntries[relationship.id!]?.count ?? 0) + 1
            rows.consents.append(record)
            if let entry = record.entry { consentEntries[relationship.id!, default: []].append(entry) }
            audit(author, "consent.\(kind.rawValue)", "consent", record.id)

        case .restrict(let link, let input):
            guard let relationship = relationships[link], activeRestrictions[relationship.id!] == nil,
                  let review = CalendarDate(input.reviewOn) else { return }
            let restriction = InvolvementRestriction()
            restriction.id = UUID()
            restriction.organisationID = organisationID
            restriction.relationshipID = relationship.id!
            restriction.reason = input.reason.flatMap(RestrictionReason.init(rawValue:)) ?? .other
            restriction.note = input.note ?? ""
            restriction.decidedOn = input.decidedOn ?? day.iso
            restriction.reviewOn = review.iso
            restriction.authorID = consultant.id
            rows.restrictions.append(restriction)
            activeRestrictions[relationship.id!] = restriction
            schedule(.restrictionReview, for: caregiver, due: review, subject: restriction.id)
            audit(consultant, "restriction.create", "involvement_restriction", restriction.id)

        case .lift(let link, let reason):
            guard let relationship = relationships[link], let restriction = activeRestrictions.removeValue(forKey: relationship.id!) else { return }
            restriction.liftedAt = Date()
            restriction.liftedBy = consultant.id
            restriction.liftedReason = reason
            close(.restrictionReview, caregiver: caregiverID, subject: restriction.id)
            audit(consultant, "restriction.lift", "involvement_restriction", restriction.id)

        case .invite(let link, let input, let attendance):
            guard let relationship = relationships[link], permission(relationship, on: day).mayInvite,
                  let kind = input.kind.flatMap(MeetingKind.init(rawValue:)), let meetingOn = input.meetingOn else { return }
            let invitation = MeetingInvitation()
            invitation.id = UUID()
            invitation.organisationID = organisationID
            invitation.relationshipID = relationship.id!
            invitation.kind = kind
            invitation.meetingOn = meetingOn
            invitation.invitedBy = consultant.id
            invitation.attendance = attendance ?? .notYetHeld
            rows.invitations.append(invitation)
            audit(consultant, "invitation.create", "meeting_invitation", invitation.id)
            if attendance != nil { audit(consultant, "invitation.attendance", "meeting_invitation", invitation.id) }

        case .voluntariness(let answer, let comment):
            let check = VoluntarinessCheck()
            check.id = UUID()
            check.organisationID = organisationID
            check.caregiverID = caregiverID
            check.askedOn = day.iso
            check.answer = answer
            check.comment = comment
            check.authorID = author.id
            rows.checks.append(check)
            schedule(.voluntarinessFollowUp, for: caregiver, due: schedule.nextVoluntariness(after: day))
            if answer.needsDiscussion {
                schedule(.discussVoluntariness, for: caregiver, due: schedule.discussionDue(from: day))
            }
            audit(author, "voluntariness.record", "voluntariness_check", check.id)

        case .talkAndClose(let kind, let conversation):
            // Closed from the worklist after the talk, as `CaregiverTaskService.markDone` does, one task at a time.
            guard let task = rows.tasks.first(where: { $0.open && $0.caregiverID == caregiverID && $0.kind == kind }) else { return }
            openTasks[TaskKey(caregiver: caregiverID, kind: kind, subject: task.subjectID)] = nil
            addConversation(conversation, on: day, caregiverID: caregiverID, author: author)
            task.open = false
            task.doneAt = Date()
            audit(author, "caregiver_task.done", "caregiver_task", task.id)

        case .conversation(let conversation):
            addConversation(conversation, on: day, caregiverID: caregiverID, author: author)

        case .screening(let answers):
            guard let instrument, case .success(let scored) = instrument.score(answers) else { return }
            let result = ScreeningResult()
            result.id = UUID()
            result.organisationID = organisationID
            result.caregiverID = caregiverID
            result.instrumentID = instrument.id
            result.instrumentVersion = instrument.version
            result.answersJSON = (try? JSONEncoder.sorted.encode(answers)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
            result.score = scored.score
            result.level = scored.level
            result.screenedOn = day.iso
            result.authorID = author.id
            rows.screenings.append(result)
            schedule(.screening, for: caregiver, due: schedule.nextScreening(after: day))
            if StrainTrend.needsFollowUp(previous: screeningHistory[caregiverID] ?? [], latest: scored) {
                schedule(.strainFollowUp, for: caregiver, due: schedule.discussionDue(from: day))
            }
            screeningHistory[caregiverID, default: []].append(scored)
            audit(author, "screening.record", "screening_result", result.id)

        case .plan(let input):
            guard let review = CalendarDate(input.reviewOn) else { return }
            let existing = plans[caregiverID]
            let plan = existing ?? SupportPlan()
            if existing == nil {
                plan.id = UUID()
                plan.organisationID = organisationID
                plan.caregiverID = caregiverID
                plan.version = 1
                rows.plans.append(plan)
                plans[caregiverID] = plan
            } else {
                plan.version += 1
            }
            plan.outcomes = input.outcomes ?? ""
            plan.agreedSupport = input.agreedSupport ?? ""
            plan.emergencyPlan = input.emergencyPlan ?? ""
            plan.futurePlan = input.futurePlan ?? ""
            plan.reviewOn = review.iso
            schedule(.planReview, for: caregiver, due: review)
            audit(author, existing == nil ? "support_plan.create" : "support_plan.update", "support_plan", plan.id)

        case .support(let input, let offering):
            guard let need = input.needKind.flatMap(SupportNeedKind.init(rawValue:)), let requested = input.requestedOn else { return }
            let support = CaregiverSupport()
            support.id = UUID()
            support.organisationID = organisationID
            support.caregiverID = caregiverID
            support.needKind = need
            support.offeringID = offering.flatMap { offerings[$0] }
            support.decision = input.decision.flatMap(SupportDecision.init(rawValue:)) ?? .serviceSupport
            support.status = input.status.flatMap(SupportStatus.init(rawValue:)) ?? .requested
            support.requestedOn = requested
            support.offeredOn = input.offeredOn
            support.startedOn = input.startedOn
            support.endedOn = input.endedOn
            support.outcome = input.outcome ?? ""
            support.version = 1
            rows.supports.append(support)
            audit(author, "support_need.create", "caregiver_support", support.id)

        case .feedback(let input):
            guard let kind = input.kind.flatMap(FeedbackKind.init(rawValue:)) else { return }
            let feedback = CaregiverFeedback()
            feedback.id = UUID()
            feedback.organisationID = organisationID
            feedback.caregiverID = caregiverID
            feedback.kind = kind
            feedback.receivedOn = input.receivedOn ?? day.iso
            feedback.summary = input.summary ?? ""
            feedback.status = input.status.flatMap(FeedbackStatus.init(rawValue:)) ?? .received
            feedback.response = input.response ?? ""
            feedback.version = 1
            rows.feedback.append(feedback)
            audit(author, "feedback.create", "caregiver_feedback", feedback.id)

        case .memo(let text, let daysAgo):
            let memo = MemoNote()
            memo.id = UUID()
            memo.organisationID = organisationID
            memo.caregiverID = caregiverID
            memo.text = text
            memo.authorID = author.id
            memo.purgeAfter = Date().addingTimeInterval(Double(memoRetentionDays - daysAgo) * 86400)
            rows.memos.append(memo)
            audit(author, "memo.create", "memo_note", memo.id)

        case .changeCareContact(let index, let contact):
            guard let recipient = recipients[index], recipient.fixedCareContact != contact else { return }
            recipient.fixedCareContact = contact
            recipient.version += 1
            // The seed: caregivers are often not told. Those whose consent allows it get a task.
            for relationship in relationshipsOfRecipient[recipient.id!] ?? [] where permission(relationship, on: day).mayInformAboutCare {
                guard let other = caregiverByID[relationship.caregiverID] else { continue }
                schedule(.informFixedContactChange, for: other, due: day.addingDays(7), subject: relationship.id)
            }
            audit(consultant, "recipient.update", "care_recipient", recipient.id)
        }
    }

    private mutating func addConversation(_ input: ConversationInput, on day: CalendarDate, caregiverID: UUID, author: CurrentUser) {
        let conversation = CaregiverConversation()
        conversation.id = UUID()
        conversation.organisationID = organisationID
        conversation.caregiverID = caregiverID
        conversation.heldOn = day.iso
        conversation.helpToCare = input.helpToCare ?? ""
        conversation.ownLife = input.ownLife ?? ""
        conversation.recipientLife = input.recipientLife ?? ""
        conversation.serviceQuality = input.serviceQuality ?? ""
        conversation.agreedActions = input.agreedActions ?? ""
        conversation.authorID = author.id
        rows.conversations.append(conversation)
        audit(author, "conversation.create", "caregiver_conversation", conversation.id)
    }
}
