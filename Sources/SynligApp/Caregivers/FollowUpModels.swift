import Fluent
import SynligCore
import Vapor

/// A record of one caregiver that staff edit, with a version to detect collisions.
protocol CaregiverOwnedRecord: OrganisationScoped {
    var organisationID: UUID { get set }
    var caregiverID: UUID { get set }
    var version: Int { get set }
    init()
}

/// An anhörigsamtal in four areas, with what was agreed.
package final class CaregiverConversation: Model, OrganisationScoped, @unchecked Sendable {
    package static let schema = "caregiver_conversations"

    @ID(key: .id) package var id: UUID?
    @Field(key: "organisation_id") package var organisationID: UUID
    @Field(key: "caregiver_id") package var caregiverID: UUID
    @Field(key: "held_on") var heldOn: String
    /// What was said, in the four areas and what was agreed: sealed at rest (`SealedText`).
    @Field(key: "help_to_care") var sealedHelpToCare: SealedText
    var helpToCare: String { get { sealedHelpToCare.text } set { sealedHelpToCare = SealedText(newValue) } }
    @Field(key: "own_life") var sealedOwnLife: SealedText
    var ownLife: String { get { sealedOwnLife.text } set { sealedOwnLife = SealedText(newValue) } }
    @Field(key: "recipient_life") var sealedRecipientLife: SealedText
    var recipientLife: String { get { sealedRecipientLife.text } set { sealedRecipientLife = SealedText(newValue) } }
    @Field(key: "service_quality") var sealedServiceQuality: SealedText
    var serviceQuality: String { get { sealedServiceQuality.text } set { sealedServiceQuality = SealedText(newValue) } }
    @Field(key: "agreed_actions") var sealedAgreedActions: SealedText
    var agreedActions: String { get { sealedAgreedActions.text } set { sealedAgreedActions = SealedText(newValue) } }
    @Field(key: "author_id") var authorID: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    package static var organisationIDKey: KeyPath<CaregiverConversation, FieldProperty<CaregiverConversation, UUID>> { \.$organisationID }

    package init() {}
}

/// A voluntariness follow-up, asked on a schedule: whether the caregiver wants to continue, is
/// able to, and what they think they should not have to carry. Checks made before the
/// dimensions were asked separately hold only the single `answer` and nil dimensions.
package final class VoluntarinessCheck: Model, OrganisationScoped, @unchecked Sendable {
    package static let schema = "voluntariness_checks"

    @ID(key: .id) package var id: UUID?
    @Field(key: "organisation_id") package var organisationID: UUID
    @Field(key: "caregiver_id") package var caregiverID: UUID
    @Field(key: "asked_on") var askedOn: String
    /// The earlier single question's answer; derived from the dimensions for newer checks
    /// (`VoluntarinessDimensions.combinedAnswer`).
    @Field(key: "answer") var answer: VoluntarinessAnswer
    @OptionalField(key: "wants_to_continue") var wantsToContinue: ContinuationAnswer?
    @OptionalField(key: "able_to_continue") var ableToContinue: ContinuationAnswer?
    @OptionalField(key: "should_not_carry") var shouldNotCarry: ShouldNotCarryAnswer?
    /// What the caregiver thinks they should not have to carry, in their words ("" if not said):
    /// sealed at rest (`SealedText`).
    @OptionalField(key: "should_not_carry_what") var sealedShouldNotCarryWhat: SealedText?
    var shouldNotCarryWhat: String? {
        get { sealedShouldNotCarryWhat?.text }
        set { sealedShouldNotCarryWhat = newValue.map { SealedText($0) } }
    }
    /// The day the follow-up this check answered was due; nil for a check entered for an earlier
    /// day, or before due dates were kept.
    @OptionalField(key: "due_on") var dueOn: String?
    /// Sealed at rest (`SealedText`).
    @Field(key: "comment") var sealedComment: SealedText
    var comment: String { get { sealedComment.text } set { sealedComment = SealedText(newValue) } }
    @Field(key: "author_id") var authorID: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    package static var organisationIDKey: KeyPath<VoluntarinessCheck, FieldProperty<VoluntarinessCheck, UUID>> { \.$organisationID }

    package init() {}

    /// The three answers, or nil for a check that asked the earlier single question.
    var dimensions: VoluntarinessDimensions? {
        guard let wantsToContinue, let ableToContinue, let shouldNotCarry else { return nil }
        return VoluntarinessDimensions(wantsToContinue: wantsToContinue, ableToContinue: ableToContinue, shouldNotCarry: shouldNotCarry)
    }
}

/// One screening of strain with an instrument; kept over time for the trend.
package final class ScreeningResult: Model, OrganisationScoped, @unchecked Sendable {
    package static let schema = "screening_results"

    @ID(key: .id) package var id: UUID?
    @Field(key: "organisation_id") package var organisationID: UUID
    @Field(key: "caregiver_id") package var caregiverID: UUID
    @Field(key: "instrument_id") var instrumentID: String
    @Field(key: "instrument_version") var instrumentVersion: Int
    /// The answers as JSON (item id → option value), so the score can be explained later.
    @Field(key: "answers") var answersJSON: String
    @Field(key: "score") var score: Int
    @Field(key: "level") var level: ScreeningLevel
    @Field(key: "screened_on") var screenedOn: String
    @Field(key: "author_id") var authorID: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    package static var organisationIDKey: KeyPath<ScreeningResult, FieldProperty<ScreeningResult, UUID>> { \.$organisationID }

    package init() {}
}

/// The caregiver's own support plan: outcomes, agreed support, emergency and future plan.
package final class SupportPlan: Model, OrganisationScoped, @unchecked Sendable {
    package static let schema = "caregiver_support_plans"

    @ID(key: .id) package var id: UUID?
    @Field(key: "organisation_id") package var organisationID: UUID
    @Field(key: "caregiver_id") package var caregiverID: UUID
    @Field(key: "outcomes") var outcomes: String
    @Field(key: "agreed_support") var agreedSupport: String
    @Field(key: "emergency_plan") var emergencyPlan: String
    @Field(key: "future_plan") var futurePlan: String
    @Field(key: "review_on") var reviewOn: String
    /// Comma-separated IBIC life area codes (`IBICLifeAreas`).
    @Field(key: "life_areas") var lifeAreasText: String
    @Field(key: "version") package var version: Int
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    package static var organisationIDKey: KeyPath<SupportPlan, FieldProperty<SupportPlan, UUID>> { \.$organisationID }

    package init() {}
}

/// A support need the caregiver names and what came of it: offered, given, declined, or
/// requested but not offered (kept for statistics).
package final class CaregiverSupport: Model, CaregiverOwnedRecord, @unchecked Sendable {
    package static let schema = "caregiver_support"

    @ID(key: .id) package var id: UUID?
    @Field(key: "organisation_id") package var organisationID: UUID
    @Field(key: "caregiver_id") package var caregiverID: UUID
    @Field(key: "need_kind") var needKind: SupportNeedKind
    /// The catalogue entry offered, when there is one.
    @OptionalField(key: "offering_id") var offeringID: UUID?
    @Field(key: "decision") var decision: SupportDecision
    @Field(key: "status") var status: SupportStatus
    @Field(key: "requested_on") var requestedOn: String
    @OptionalField(key: "offered_on") var offeredOn: String?
    @OptionalField(key: "started_on") var startedOn: String?
    @OptionalField(key: "ended_on") var endedOn: String?
    @Field(key: "outcome") var outcome: String
    /// Comma-separated IBIC life area codes (`IBICLifeAreas`).
    @Field(key: "life_areas") var lifeAreasText: String
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    package static var organisationIDKey: KeyPath<CaregiverSupport, FieldProperty<CaregiverSupport, UUID>> { \.$organisationID }

    package init() {}
}

/// An invitation to a SIP or care-planning meeting, possible only with consent and no restriction.
package final class MeetingInvitation: Model, OrganisationScoped, @unchecked Sendable {
    package static let schema = "meeting_invitations"

    @ID(key: .id) package var id: UUID?
    @Field(key: "organisation_id") package var organisationID: UUID
    @Field(key: "relationship_id") var relationshipID: UUID
    @Field(key: "kind") package var kind: MeetingKind
    @Field(key: "meeting_on") var meetingOn: String
    @Field(key: "invited_by") var invitedBy: UUID
    @Field(key: "attendance") var attendance: MeetingAttendance
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    package static var organisationIDKey: KeyPath<MeetingInvitation, FieldProperty<MeetingInvitation, UUID>> { \.$organisationID }

    package init() {}
}

/// Synpunkter och klagomål from a caregiver: received, handled, answered, closed.
package final class CaregiverFeedback: Model, CaregiverOwnedRecord, @unchecked Sendable {
    package static let schema = "caregiver_feedback"

    @ID(key: .id) package var id: UUID?
    @Field(key: "organisation_id") package var organisationID: UUID
    @Field(key: "caregiver_id") package var caregiverID: UUID
    @Field(key: "kind") package var kind: FeedbackKind
    @Field(key: "received_on") var receivedOn: String
    /// What the caregiver said, and the answer given: sealed at rest (`SealedText`).
    @Field(key: "summary") var sealedSummary: SealedText
    var summary: String { get { sealedSummary.text } set { sealedSummary = SealedText(newValue) } }
    @Field(key: "status") var status: FeedbackStatus
    @Field(key: "response") var sealedResponse: SealedText
    var response: String { get { sealedResponse.text } set { sealedResponse = SealedText(newValue) } }
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    package static var organisationIDKey: KeyPath<CaregiverFeedback, FieldProperty<CaregiverFeedback, UUID>> { \.$organisationID }

    package init() {}
}

/// A working note (minnesanteckning): shown in red, purged after the organisation's period.
package final class MemoNote: Model, OrganisationScoped, @unchecked Sendable {
    package static let schema = "memo_notes"

    @ID(key: .id) package var id: UUID?
    @Field(key: "organisation_id") package var organisationID: UUID
    @Field(key: "caregiver_id") package var caregiverID: UUID
    /// Sealed at rest (`SealedText`).
    @Field(key: "text") var sealedText: SealedText
    var text: String { get { sealedText.text } set { sealedText = SealedText(newValue) } }
    @Field(key: "author_id") var authorID: UUID
    @Field(key: "purge_after") var purgeAfter: Date
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    package static var organisationIDKey: KeyPath<MemoNote, FieldProperty<MemoNote, UUID>> { \.$organisationID }

    package init() {}
}

/// Something due on a worklist about one caregiver: a follow-up, a review, a signal.
package final class CaregiverTask: Model, OrganisationScoped, @unchecked Sendable {
    package static let schema = "caregiver_tasks"

    @ID(key: .id) package var id: UUID?
    @Field(key: "organisation_id") package var organisationID: UUID
    @Field(key: "caregiver_id") package var caregiverID: UUID
    @Field(key: "kind") package var kind: CaregiverTaskKind
    @Field(key: "due_on") var dueOn: String
    /// Nil: the caregiver has no responsible consultant; every consultant sees it.
    @OptionalField(key: "assignee_id") var assigneeID: UUID?
    /// The relationship or restriction the task is about, when it is about one.
    @OptionalField(key: "subject_id") var subjectID: UUID?
    @Field(key: "open") package var open: Bool
    @OptionalField(key: "done_at") var doneAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    package static var organisationIDKey: KeyPath<CaregiverTask, FieldProperty<CaregiverTask, UUID>> { \.$organisationID }

    package init() {}
}

/// Per-organisation settings of the caregiver record.
final class CaregiverSettings: Model, OrganisationScoped, @unchecked Sendable {
    static let schema = "caregiver_settings"

    @ID(key: .id) var id: UUID?
    @Field(key: "organisation_id") var organisationID: UUID
    @Field(key: "voluntariness_months") var voluntarinessMonths: Int
    @Field(key: "memo_retention_days") var memoRetentionDays: Int
    @Field(key: "consent_review_months") var consentReviewMonths: Int
    /// How long contact requests from the public pages are kept (`ContactRequestRetention`).
    @Field(key: "contact_request_unhandled_days") var contactRequestUnhandledDays: Int
    @Field(key: "contact_request_closed_days") var contactRequestClosedDays: Int
    /// The decision under which the organisation keeps every file instead of purging it (an
    /// archive authority's bevarandebeslut, e.g. for research), as its reference; nil: files are
    /// purged by the law's rule (`FileRetention`).
    @OptionalField(key: "keep_files_decision") var keepFilesDecision: String?
    /// Counts the saves, so a form or a client that read older settings cannot overwrite a
    /// colleague's change unseen.
    @Field(key: "version") var version: Int
    /// The version of Synlig's defaults, before an organisation saves its own: 1, not 0, because
    /// a form's hidden version is left out when it is 0 (`HasValueTag`).
    static let defaultsVersion = 1

    static var organisationIDKey: KeyPath<CaregiverSettings, FieldProperty<CaregiverSettings, UUID>> { \.$organisationID }

    static let defaultMemoRetentionDays = 30

    init() {}
}
