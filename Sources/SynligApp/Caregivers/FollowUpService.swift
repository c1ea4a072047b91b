import Fluent
import SynligCore
import Vapor

/// Following the caregiver's own situation over time: conversations, voluntariness, strain,
/// the support plan, support needs and offers, feedback and memo notes. Each keeps the
/// worklist's tasks in step.
package enum FollowUpService {
    static func schedule(for organisationID: UUID, on db: any Database) async throws -> FollowUpSchedule {
        var schedule = FollowUpSchedule.standard
        if let settings = try await CaregiverSettings.scoped(to: organisationID, on: db).first() {
            schedule.voluntarinessMonths = settings.voluntarinessMonths
        }
        return schedule
    }

    /// Runs `work` on a caregiver the user may see, in an audited transaction.
    private static func onCaregiver<T: Sendable>(_ caregiverID: UUID, by user: CurrentUser, on db: any Database,
                                                 _ work: @escaping @Sendable (Caregiver, any Database, AuditRecorder) async throws -> T) async throws -> T {
        try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            let caregiver = try await CaregiverAccess.caregiver(caregiverID, for: user, on: tx)
            return try await work(caregiver, tx, audit)
        }
    }

    /// The record to edit, checked to belong to this caregiver and to be the version the edit
    /// began from (bumped), or a new record of this caregiver at version 1.
    private static func editable<Record: CaregiverOwnedRecord>(_ id: UUID?, caregiverID: UUID, version: Int?, user: CurrentUser,
                                                               on tx: any Database) async throws -> Record {
        guard let id else {
            let record = Record()
            record.organisationID = user.organisationID
            record.caregiverID = caregiverID
            record.version = 1
            return record
        }
        let record = try await Record.find(id, in: user.organisationID, on: tx)
        guard record.caregiverID == caregiverID else { throw SynligError.notFound }
        guard version == record.version else { throw SynligError.staleEdit }
        record.version += 1
        return record
    }

    package static func addConversation(caregiverID: UUID, _ input: ConversationInput, by user: CurrentUser, on db: any Database,
                                today: CalendarDate = .today()) async throws -> CaregiverConversation {
        var check = InputChecker()
        let heldOn = check.date(input.heldOn, "heldOn")
        if let heldOn, heldOn > today { check.fail("heldOn", "input.date_future") }
        let areas = [check.text(input.helpToCare, "helpToCare"), check.text(input.ownLife, "ownLife"),
                     check.text(input.recipientLife, "recipientLife"), check.text(input.serviceQuality, "serviceQuality")]
        let actions = check.text(input.agreedActions, "agreedActions")
        if check.problems.isEmpty, areas.allSatisfy(\.isEmpty), actions.isEmpty { check.fail("helpToCare", "conversation.empty") }
        try check.finish()
        guard let heldOn else { throw SynligError.invalid(check.problems) }
        return try await onCaregiver(caregiverID, by: user, on: db) { caregiver, tx, audit in
            let conversation = CaregiverConversation()
            conversation.organisationID = user.organisationID
            conversation.caregiverID = caregiverID
            conversation.heldOn = heldOn.iso
            conversation.helpToCare = areas[0]
            conversation.ownLife = areas[1]
            conversation.recipientLife = areas[2]
            conversation.serviceQuality = areas[3]
            conversation.agreedActions = actions
            conversation.authorID = user.id
            try await conversation.create(on: tx)
            audit.record("conversation.create", "caregiver_conversation", id: conversation.id, organisation: user.organisationID)
            return conversation
        }
    }

    /// Records the answers; the next check is scheduled, and anything that calls for it — not
    /// wanting to or not able to continue (partly or at all), or something the caregiver should
    /// not have to carry — asks the services to discuss stepping in.
    package static func recordVoluntariness(caregiverID: UUID, _ input: VoluntarinessInput, by user: CurrentUser, on db: any Database,
                                            today: CalendarDate = .today()) async throws -> VoluntarinessCheck {
        var check = InputChecker()
        let (answer, dimensions, what) = voluntarinessAnswers(input, &check)
        let comment = check.text(input.comment, "comment", max: 2000)
        let askedOn = check.date(input.askedOn ?? today.iso, "askedOn")
        if let askedOn, askedOn > today { check.fail("askedOn", "input.date_future") }
        try check.finish()
        guard let answer, let askedOn else { throw SynligError.invalid(check.problems) }
        let schedule = try await schedule(for: user.organisationID, on: db)
        return try await onCaregiver(caregiverID, by: user, on: db) { caregiver, tx, audit in
            let record = VoluntarinessCheck()
            record.organisationID = user.organisationID
            record.caregiverID = caregiverID
            record.askedOn = askedOn.iso
            record.answer = answer
            record.wantsToContinue = dimensions?.wantsToContinue
            record.ableToContinue = dimensions?.ableToContinue
            record.shouldNotCarry = dimensions?.shouldNotCarry
            record.shouldNotCarryWhat = what
            record.comment = comment
            record.authorID = user.id
            // A check entered afterwards for an earlier day does not move the schedule back.
            let latest = try await VoluntarinessCheck.query(on: tx).filter(\.$caregiverID == caregiverID).all(\.$askedOn)
                .compactMap(CalendarDate.init).max().map { max($0, askedOn) } ?? askedOn
            // The newest check answers the follow-up now due; one entered for an earlier day does not.
            if latest == askedOn {
                record.dueOn = try await CaregiverTask.query(on: tx).filter(\.$caregiverID == caregiverID)
                    .filter(\.$kind == .voluntarinessFollowUp).filter(\.$open == true).first()?.dueOn
            }
            try await record.create(on: tx)
            try await CaregiverTaskService.schedule(.voluntarinessFollowUp, for: caregiver, due: schedule.nextVoluntariness(after: latest), on: tx)
            // A derived answer is partly or no exactly when a dimension calls for a talk.
            if answer.needsDiscussion {
                try await CaregiverTaskService.schedule(.discussVoluntariness, for: caregiver, due: schedule.discussionDue(from: today), on: tx)
            }
            audit.record("voluntariness.record", "voluntariness_check", id: record.id, organisation: user.organisationID)
            return record
        }
    }

    /// The dimensions as sent, each `notStated` when left out, and the single answer derived
    /// from them; or, from an API client of the earlier question, that answer alone.
    private static func voluntarinessAnswers(_ input: VoluntarinessInput, _ check: inout InputChecker)
        -> (VoluntarinessAnswer?, VoluntarinessDimensions?, String?) {
        guard input.sendsDimensions || input.answer == nil else {
            return (check.choice(input.answer, "answer", as: VoluntarinessAnswer.self), nil, nil)
        }
        let asked = VoluntarinessDimensions(
            wantsToContinue: check.classification(input.wantsToContinue, "wantsToContinue", as: ContinuationAnswer.self),
            ableToContinue: check.classification(input.ableToContinue, "ableToContinue", as: ContinuationAnswer.self),
            shouldNotCarry: check.classification(input.shouldNotCarry, "shouldNotCarry", as: ShouldNotCarryAnswer.self))
        let what = check.text(input.shouldNotCarryWhat, "shouldNotCarryWhat", max: 2000)
        // What they should not carry is only said of something; a "what" beside "nothing" or no
        // answer would contradict the answer or make one up.
        if !what.isEmpty, !asked.shouldNotCarry.needsDiscussion { check.fail("shouldNotCarryWhat", "voluntariness.what_without_amount") }
        if input.answer != nil { check.fail("answer", "voluntariness.answer_with_dimensions") }
        if check.problems.isEmpty, asked.combinedAnswer == nil { check.fail("wantsToContinue", "voluntariness.nothing_stated") }
        return (asked.combinedAnswer, asked, what)
    }

    /// Scores a screening and keeps it; a high level or a rising trend creates a follow-up task.
    package static func screen(caregiverID: UUID, instrument: ScreeningInstrument, answers: [String: String], screenedOn rawDate: String?,
                       by user: CurrentUser, on db: any Database, today: CalendarDate = .today()) async throws -> ScreeningResult {
        var check = InputChecker()
        let screenedOn = check.date(rawDate ?? today.iso, "screenedOn")
        if let screenedOn, screenedOn > today { check.fail("screenedOn", "input.date_future") }
        var scored: ScreeningScore?
        // Every unanswered question is reported at once, not one per submission.
        for item in instrument.items where !item.options.contains(where: { $0.value == answers[item.id] }) {
            check.fail("item-\(item.id)", "screening.answer_required")
        }
        switch instrument.score(answers) {
        case .success(let score): scored = score
        case .failure(.missingAnswer), .failure(.unknownOption): break
        case .failure(.unknownItem): check.fail("answers", "screening.unknown_item")
        }
        try check.finish()
        guard let screenedOn, let scored else { throw SynligError.invalid(check.problems) }
        let schedule = try await schedule(for: user.organisationID, on: db)
        let answersJSON = String(decoding: try JSONEncoder.sorted.encode(answers), as: UTF8.self)
        return try await onCaregiver(caregiverID, by: user, on: db) { caregiver, tx, audit in
            let earlier = try await ScreeningResult.query(on: tx).filter(\.$caregiverID == caregiverID)
                .filter(\.$instrumentID == instrument.id).sort(\.$screenedOn).sort(\.$createdAt).all()
            let previous = earlier.map { ScreeningScore(score: $0.score, level: $0.level) }
            // A result entered afterwards for an earlier day is kept, but neither moves the schedule
            // back nor counts as the latest in the trend.
            let latestDay = earlier.compactMap { CalendarDate($0.screenedOn) }.max()
            let isLatest = latestDay.map { screenedOn >= $0 } ?? true
            let result = ScreeningResult()
            result.organisationID = user.organisationID
            result.caregiverID = caregiverID
            result.instrumentID = instrument.id
            result.instrumentVersion = instrument.version
            result.answersJSON = answersJSON
            result.score = scored.score
            result.level = scored.level
            result.screenedOn = screenedOn.iso
            result.authorID = user.id
            try await result.create(on: tx)
            if isLatest {
                try await CaregiverTaskService.schedule(.screening, for: caregiver, due: schedule.nextScreening(after: screenedOn), on: tx)
            }
            if isLatest ? StrainTrend.needsFollowUp(previous: previous, latest: scored) : scored.level == .high {
                try await CaregiverTaskService.schedule(.strainFollowUp, for: caregiver, due: schedule.discussionDue(from: today), on: tx)
            }
            audit.record("screening.record", "screening_result", id: result.id, organisation: user.organisationID)
            return result
        }
    }

    package static func savePlan(caregiverID: UUID, _ input: PlanInput, by user: CurrentUser, on db: any Database,
                         today: CalendarDate = .today()) async throws -> SupportPlan {
        var check = InputChecker()
        let outcomes = check.text(input.outcomes, "outcomes", required: true)
        let agreed = check.text(input.agreedSupport, "agreedSupport")
        let emergency = check.text(input.emergencyPlan, "emergencyPlan")
        let future = check.text(input.futurePlan, "futurePlan")
        let reviewOn = check.date(input.reviewOn, "reviewOn")
        if let reviewOn, reviewOn < today { check.fail("reviewOn", "plan.review_past") }
        let lifeAreas = IBICLifeAreas.check(input.lifeAreas ?? [], &check)
        try check.finish()
        guard let reviewOn else { throw SynligError.invalid(check.problems) }
        return try await onCaregiver(caregiverID, by: user, on: db) { caregiver, tx, audit in
            let existing = try await SupportPlan.query(on: tx).filter(\.$caregiverID == caregiverID).first()
            let plan = existing ?? SupportPlan()
            if existing != nil {
                guard input.version == plan.version else { throw SynligError.staleEdit }
                plan.version += 1
            } else {
                plan.organisationID = user.organisationID
                plan.caregiverID = caregiverID
                plan.version = 1
            }
            plan.outcomes = outcomes
            plan.agreedSupport = agreed
            plan.emergencyPlan = emergency
            plan.futurePlan = future
            plan.reviewOn = reviewOn.iso
            plan.lifeAreasText = lifeAreas
            try await plan.save(on: tx)
            try await CaregiverTaskService.schedule(.planReview, for: caregiver, due: reviewOn, on: tx)
            audit.record(existing == nil ? "support_plan.create" : "support_plan.update", "support_plan", id: plan.id,
                         organisation: user.organisationID)
            return plan
        }
    }

    /// A support need and what came of it; the offered support can point at a catalogue entry.
    package static func saveSupport(_ id: UUID?, caregiverID: UUID, _ input: SupportInput, by user: CurrentUser, on db: any Database) async throws -> CaregiverSupport {
        var check = InputChecker()
        let need = check.choice(input.needKind, "needKind", as: SupportNeedKind.self)
        let offeringID = check.id(input.offeringId, "offeringId")
        let decision = check.choice(input.decision ?? SupportDecision.serviceSupport.rawValue, "decision", as: SupportDecision.self)
        let status = check.choice(input.status ?? SupportStatus.requested.rawValue, "status", as: SupportStatus.self)
        let requestedOn = check.date(input.requestedOn, "requestedOn")
        let offeredOn = check.date(input.offeredOn, "offeredOn", required: false)
        let startedOn = check.date(input.startedOn, "startedOn", required: false)
        let endedOn = check.date(input.endedOn, "endedOn", required: false)
        if let requestedOn, let offeredOn, offeredOn < requestedOn { check.fail("offeredOn", "support_need.offered_before_requested") }
        if let startedOn, let endedOn, endedOn < startedOn { check.fail("endedOn", "support_need.ended_before_started") }
        let outcome = check.text(input.outcome, "outcome", max: 2000)
        let lifeAreas = IBICLifeAreas.check(input.lifeAreas ?? [], &check)
        try check.finish()
        guard let need, let decision, let status, let requestedOn else { throw SynligError.invalid(check.problems) }
        return try await onCaregiver(caregiverID, by: user, on: db) { _, tx, audit in
            if let offeringID, try await SupportOffering.scoped(to: user.organisationID, on: tx).filter(\.$id == offeringID).count() == 0 {
                throw SynligError.invalid([.init(field: "offeringId", messageKey: "input.invalid_id")])
            }
            let support: CaregiverSupport = try await editable(id, caregiverID: caregiverID, version: input.version, user: user, on: tx)
            support.needKind = need
            support.offeringID = offeringID
            support.decision = decision
            support.status = status
            support.requestedOn = requestedOn.iso
            support.offeredOn = offeredOn?.iso
            support.startedOn = startedOn?.iso
            support.endedOn = endedOn?.iso
            support.outcome = outcome
            support.lifeAreasText = lifeAreas
            try await support.save(on: tx)
            audit.record(id == nil ? "support_need.create" : "support_need.update", "caregiver_support", id: support.id,
                         organisation: user.organisationID)
            return support
        }
    }

    package static func saveFeedback(_ id: UUID?, caregiverID: UUID, _ input: FeedbackInput, by user: CurrentUser, on db: any Database,
                             today: CalendarDate = .today()) async throws -> CaregiverFeedback {
        var check = InputChecker()
        let kind = check.choice(input.kind, "feedbackKind", as: FeedbackKind.self)
        let receivedOn = check.date(input.receivedOn ?? today.iso, "receivedOn")
        let summary = check.text(input.summary, "summary", required: true, max: TextLimit.longText)
        let status = check.choice(input.status ?? FeedbackStatus.received.rawValue, "feedbackStatus", as: FeedbackStatus.self)
        let response = check.text(input.response, "response", max: TextLimit.longText)
        if status == .answered || status == .closed, response.isEmpty, kind == .complaint { check.fail("response", "feedback.response_required") }
        try check.finish()
        guard let kind, let receivedOn, let status else { throw SynligError.invalid(check.problems) }
        return try await onCaregiver(caregiverID, by: user, on: db) { _, tx, audit in
            let feedback: CaregiverFeedback = try await editable(id, caregiverID: caregiverID, version: input.version, user: user, on: tx)
            feedback.kind = kind
            feedback.receivedOn = receivedOn.iso
            feedback.summary = summary
            feedback.status = status
            feedback.response = response
            try await feedback.save(on: tx)
            audit.record(id == nil ? "feedback.create" : "feedback.update", "caregiver_feedback", id: feedback.id, organisation: user.organisationID)
            return feedback
        }
    }

    package static func addMemo(caregiverID: UUID, text raw: String?, by user: CurrentUser, on db: any Database, now: Date = Date()) async throws -> MemoNote {
        var check = InputChecker()
        let text = check.text(raw, "memo", required: true, max: TextLimit.longText)
        try check.finish()
        let days = try await CaregiverSettings.scoped(to: user.organisationID, on: db).first()?.memoRetentionDays
            ?? CaregiverSettings.defaultMemoRetentionDays
        return try await onCaregiver(caregiverID, by: user, on: db) { _, tx, audit in
            let memo = MemoNote()
            memo.organisationID = user.organisationID
            memo.caregiverID = caregiverID
            memo.text = text
            memo.authorID = user.id
            memo.purgeAfter = now.addingTimeInterval(Double(days) * 86400)
            try await memo.create(on: tx)
            audit.record("memo.create", "memo_note", id: memo.id, organisation: user.organisationID)
            return memo
        }
    }

    /// Deletes memo notes past their time; the audit trail records that each was purged, never
    /// what it said.
    static func purgeMemos(now: Date = Date(), on db: any Database) async throws -> Int {
        try await AuditTrail.transaction(on: db, actor: .system) { tx, audit in
            let doomed = try await MemoNote.query(on: tx).filter(\.$purgeAfter <= now).all()
            for memo in doomed {
                try await memo.delete(on: tx)
                audit.record("memo.purge", "memo_note", id: memo.id, organisation: memo.organisationID)
            }
            return doomed.count
        }
    }

    static func saveSettings(voluntarinessMonths: Int?, memoRetentionDays: Int?, consentReviewMonths: Int? = ConsentReviewSchedule.standardMonths,
                             contactRequestUnhandledDays: Int?, contactRequestClosedDays: Int?,
                             keepFilesDecision: String?, version: Int, by user: CurrentUser, on db: any Database) async throws {
        guard user.hasAny([.admin, .consultant]) else { throw SynligError.forbidden }
        var check = InputChecker()
        if voluntarinessMonths.map(FollowUpSchedule.allowedVoluntarinessMonths.contains) != true { check.fail("voluntarinessMonths", "settings.months_invalid") }
        if memoRetentionDays.map((1...365).contains) != true { check.fail("memoRetentionDays", "settings.days_invalid") }
        if consentReviewMonths.map(ConsentReviewSchedule.allowedMonths.contains) != true { check.fail("consentReviewMonths", "settings.review_months_invalid") }
        if contactRequestUnhandledDays.map(ContactRequestRetention.allowedDays.contains) != true { check.fail("contactRequestUnhandledDays", "settings.days_invalid") }
        if contactRequestClosedDays.map(ContactRequestRetention.allowedDays.contains) != true { check.fail("contactRequestClosedDays", "settings.days_invalid") }
        let decision = check.line(keepFilesDecision, "keepFilesDecision", max: 200)
        try check.finish()
        try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            let settings = try await CaregiverSettings.scoped(to: user.organisationID, on: tx).first() ?? CaregiverSettings()
            // The audit transaction holds the chain's head row, so no other save runs between this
            // check and the write.
            guard version == (settings.id == nil ? CaregiverSettings.defaultsVersion : settings.version) else { throw SynligError.staleEdit }
            settings.version = version + 1
            settings.organisationID = user.organisationID
            settings.voluntarinessMonths = voluntarinessMonths ?? 6
            settings.memoRetentionDays = memoRetentionDays ?? CaregiverSettings.defaultMemoRetentionDays
            let reviewMonths = consentReviewMonths ?? ConsentReviewSchedule.standardMonths
            let reviewChanged = settings.id == nil ? reviewMonths != ConsentReviewSchedule.standardMonths : settings.consentReviewMonths != reviewMonths
            settings.consentReviewMonths = reviewMonths
            settings.contactRequestUnhandledDays = contactRequestUnhandledDays ?? ContactRequestRetention.standard.unhandledDays
            settings.contactRequestClosedDays = contactRequestClosedDays ?? ContactRequestRetention.standard.closedDays
            let kept = decision.isEmpty ? nil : decision
            let decisionChanged = settings.id == nil ? kept != nil : settings.keepFilesDecision != kept
            settings.keepFilesDecision = kept
            try await settings.save(on: tx)
            // Keeping every file, or purging again, is a decision an auditor looks for by itself.
            if decisionChanged {
                // Ids only: the decision's text stays in the settings row, out of the hash-chained trail.
                audit.record(kept == nil ? "retention.purge_files" : "retention.keep_all_files", "caregiver_settings", id: settings.id,
                             organisation: user.organisationID)
            }
            if reviewChanged { try await ConsentService.rescheduleReviews(organisationID: user.organisationID, on: tx) }
            audit.record("caregiver_settings.update", "caregiver_settings", id: settings.id, organisation: user.organisationID)
        }
    }
}

extension JSONEncoder {
    /// Stable output for stored JSON, so equal answers store equally.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
