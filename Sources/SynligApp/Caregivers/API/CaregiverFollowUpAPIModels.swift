import Foundation
import SynligCore
import Vapor

/// The JSON shapes of the follow-up of a caregiver's own situation in `/api/v1` —
/// conversations, voluntariness, strain screening, the support plan, support needs, feedback,
/// memo notes — and of the worklist, as described in `Resources/openapi.yaml`.
extension ConversationInput: StrictJSONBody {}
extension VoluntarinessInput: StrictJSONBody {}

extension API {
    // MARK: Conversations

    struct ConversationOut: Content {
        var id: UUID
        var heldOn: String
        var helpToCare: String
        var ownLife: String
        var recipientLife: String
        var serviceQuality: String
        var agreedActions: String
        var authorUserId: UUID
        var createdAt: Date?

        init(_ conversation: CaregiverConversation) throws {
            id = try conversation.requireID()
            heldOn = conversation.heldOn
            helpToCare = conversation.helpToCare
            ownLife = conversation.ownLife
            recipientLife = conversation.recipientLife
            serviceQuality = conversation.serviceQuality
            agreedActions = conversation.agreedActions
            authorUserId = conversation.authorID
            createdAt = conversation.createdAt
        }
    }

    // MARK: Voluntariness

    /// A check made before the dimensions were asked separately has none of them: it asked the
    /// single question whose answer `answer` holds. For the newer checks `answer` is derived
    /// (`VoluntarinessDimensions.combinedAnswer`).
    struct VoluntarinessOut: Content {
        var id: UUID
        var askedOn: String
        var answer: VoluntarinessAnswer
        var wantsToContinue: ContinuationAnswer?
        var ableToContinue: ContinuationAnswer?
        var shouldNotCarry: ShouldNotCarryAnswer?
        var shouldNotCarryWhat: String?
        var comment: String
        var authorUserId: UUID
        var createdAt: Date?

        init(_ check: VoluntarinessCheck) throws {
            id = try check.requireID()
            askedOn = check.askedOn
            answer = check.answer
            wantsToContinue = check.wantsToContinue
            ableToContinue = check.ableToContinue
            shouldNotCarry = check.shouldNotCarry
            shouldNotCarryWhat = check.shouldNotCarryWhat
            comment = check.comment
            authorUserId = check.authorID
            createdAt = check.createdAt
        }
    }

    // MARK: Screening

    /// An instrument as its data file has it, with the highest possible score.
    struct ScreeningInstrumentOut: Content {
        var id: String
        var version: Int
        var name: ScreeningInstrument.Text
        var source: ScreeningInstrument.Text
        var licence: ScreeningInstrument.Text
        /// False for an indicator like Synlig's own risk-factor screen.
        var validated: Bool
        var items: [ScreeningInstrument.Item]
        var thresholds: [ScreeningInstrument.Threshold]
        var maxScore: Int

        init(_ instrument: ScreeningInstrument) {
            id = instrument.id
            version = instrument.version
            name = instrument.name
            source = instrument.source
            licence = instrument.licence
            validated = instrument.validated
            items = instrument.items
            thresholds = instrument.thresholds
            maxScore = instrument.maxScore
        }
    }

    struct ScreeningCreate: StrictJSONBody {
        var instrumentId: String?
        /// Item id → option value, one for every item.
        var answers: [String: String]?
        var screenedOn: String?
    }

    struct ScreeningOut: Content {
        var id: UUID
        var instrumentId: String
        var instrumentVersion: Int
        var answers: [String: String]
        var score: Int
        var level: ScreeningLevel
        var screenedOn: String
        var authorUserId: UUID
        var createdAt: Date?

        init(_ result: ScreeningResult) throws {
            id = try result.requireID()
            instrumentId = result.instrumentID
            instrumentVersion = result.instrumentVersion
            answers = (try? JSONDecoder().decode([String: String].self, from: Data(result.answersJSON.utf8))) ?? [:]
            score = result.score
            level = result.level
            screenedOn = result.screenedOn
            authorUserId = result.authorID
            createdAt = result.createdAt
        }
    }

    // MARK: Support plan

    struct SupportPlanUpdate: StrictJSONBody {
        var outcomes: String?
        var agreedSupport: String?
        var emergencyPlan: String?
        var futurePlan: String?
        var reviewOn: String?
        /// IBIC life area codes (`d1`…`d9`).
        var lifeAreas: [String]?
        /// Required once the plan exists (or send `If-Match`).
        var version: Int?

        func input(version: Int?) -> PlanInput {
            PlanInput(outcomes: outcomes, agreedSupport: agreedSupport, emergencyPlan: emergencyPlan, futurePlan: futurePlan,
                      reviewOn: reviewOn, lifeAreas: lifeAreas, version: version)
        }
    }

    struct SupportPlanOut: Content {
        var id: UUID
        var caregiverId: UUID
        var outcomes: String
        var agreedSupport: String
        var emergencyPlan: String
        var futurePlan: String
        var reviewOn: String
        var lifeAreas: [String]
        var version: Int
        var updatedAt: Date?

        init(_ plan: SupportPlan) throws {
            lifeAreas = IBICLifeAreas.codes(plan.lifeAreasText)
            id = try plan.requireID()
            caregiverId = plan.caregiverID
            outcomes = plan.outcomes
            agreedSupport = plan.agreedSupport
            emergencyPlan = plan.emergencyPlan
            futurePlan = plan.futurePlan
            reviewOn = plan.reviewOn
            version = plan.version
            updatedAt = plan.updatedAt
        }
    }

    // MARK: Support needs

    /// A PUT replaces the entry: fields left out are stored empty or at their default.
    struct SupportNeedFields: StrictJSONBody {
        var needKind: String?
        var offeringId: UUID?
        var decision: String?
        var status: String?
        var requestedOn: String?
        var offeredOn: String?
        var startedOn: String?
        var endedOn: String?
        var outcome: String?
        /// IBIC life area codes (`d1`…`d9`).
        var lifeAreas: [String]?

        func input(version: Int?) -> SupportInput {
            SupportInput(needKind: needKind, offeringId: offeringId?.uuidString, decision: decision, status: status,
                         requestedOn: requestedOn, offeredOn: offeredOn, startedOn: startedOn, endedOn: endedOn,
                         outcome: outcome, lifeAreas: lifeAreas, version: version)
        }
    }

    struct SupportNeedOut: Content {
        var id: UUID
        var caregiverId: UUID
        var needKind: SupportNeedKind
        var offeringId: UUID?
        var decision: SupportDecision
        var status: SupportStatus
        var requestedOn: String
        var offeredOn: String?
        var startedOn: String?
        var endedOn: String?
        var outcome: String
        var lifeAreas: [String]
        var version: Int
        var createdAt: Date?

        init(_ support: CaregiverSupport) throws {
            lifeAreas = IBICLifeAreas.codes(support.lifeAreasText)
            id = try support.requireID()
            caregiverId = support.caregiverID
            needKind = support.needKind
            offeringId = support.offeringID
            decision = support.decision
            status = support.status
            requestedOn = support.requestedOn
            offeredOn = support.offeredOn
            startedOn = support.startedOn
            endedOn = support.endedOn
            outcome = support.outcome
            version = support.version
            createdAt = support.createdAt
        }
    }

    // MARK: Feedback

    struct FeedbackFields: StrictJSONBody {
        var kind: String?
        var receivedOn: String?
        var summary: String?
        var status: String?
        var response: String?

        func input(version: Int?) -> FeedbackInput {
            FeedbackInput(kind: kind, receivedOn: receivedOn, summary: summary, status: status, response: response, version: version)
        }
    }

    struct FeedbackOut: Content {
        var id: UUID
        var caregiverId: UUID
        var kind: FeedbackKind
        var receivedOn: String
        var summary: String
        var status: FeedbackStatus
        var response: String
        var version: Int
        var createdAt: Date?

        init(_ feedback: CaregiverFeedback) throws {
            id = try feedback.requireID()
            caregiverId = feedback.caregiverID
            kind = feedback.kind
            receivedOn = feedback.receivedOn
            summary = feedback.summary
            status = feedback.status
            response = feedback.response
            version = feedback.version
            createdAt = feedback.createdAt
        }
    }

    // MARK: Memo notes

    struct MemoCreate: StrictJSONBody {
        var text: String?
    }

    /// A working note: shown as one, and purged automatically at `purgeAfter`.
    struct MemoOut: Content {
        var id: UUID
        var text: String
        var authorUserId: UUID
        var purgeAfter: Date
        var createdAt: Date?

        init(_ memo: MemoNote) throws {
            id = try memo.requireID()
            text = memo.text
            authorUserId = memo.authorID
            purgeAfter = memo.purgeAfter
            createdAt = memo.createdAt
        }
    }

    // MARK: Worklist

    /// A task on the signed-in user's worklist, with the caregiver's name: it is their own list.
    struct CaregiverTaskOut: Content {
        var id: UUID
        var kind: CaregiverTaskKind
        var dueOn: String
        /// `overdue`, `dueSoon` (within 14 days) or `later`.
        var dueState: String
        var caregiverId: UUID
        var caregiverName: String
        /// The relationship or restriction the task is about, when it is about one.
        var subjectId: UUID?
        var assigneeUserId: UUID?
        var open: Bool
        var doneAt: Date?
        /// For a talk about voluntariness: the answers that asked for it, as codes
        /// (`ableToContinue.no`) and as words in the reader's language.
        var reasons: [String]?
        var reasonText: String?

        init(_ task: CaregiverTask, caregiverName: String, today: CalendarDate, reasons: VoluntarinessText.Reasons? = nil) throws {
            id = try task.requireID()
            kind = task.kind
            dueOn = task.dueOn
            dueState = CalendarDate(task.dueOn).map { DueState.of($0, today: today).rawValue } ?? DueState.overdue.rawValue
            caregiverId = task.caregiverID
            self.caregiverName = caregiverName
            subjectId = task.subjectID
            assigneeUserId = task.assigneeID
            open = task.open
            doneAt = task.doneAt
            self.reasons = reasons?.codes
            reasonText = reasons?.text
        }

        /// An open task as the worklist reads it, with no whole row behind it.
        init?(_ entry: WorklistQuery.Entry, today: CalendarDate, reasons: VoluntarinessText.Reasons? = nil) {
            guard entry.isAboutCaregiver, let kind = CaregiverTaskKind(rawValue: entry.kind) else { return nil }
            id = entry.id
            self.kind = kind
            dueOn = entry.due_on
            dueState = CalendarDate(entry.due_on).map { DueState.of($0, today: today).rawValue } ?? DueState.overdue.rawValue
            caregiverId = entry.person_id
            caregiverName = entry.name
            subjectId = entry.subject_id
            assigneeUserId = entry.assignee_id
            open = true
            doneAt = nil
            self.reasons = reasons?.codes
            reasonText = reasons?.text
        }
    }
}
