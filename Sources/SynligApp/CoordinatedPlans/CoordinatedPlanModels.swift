import Fluent
import SynligCore
import Vapor

/// A discharge from inpatient care (utskrivning från sluten hälso- och sjukvård) of the person
/// cared for. It raises the task to draw up a SIP on the responsible staff member's worklist.
package final class InpatientDischarge: Model, OrganisationScoped, @unchecked Sendable {
    package static let schema = "inpatient_discharges"

    @ID(key: .id) package var id: UUID?
    @Field(key: "organisation_id") package var organisationID: UUID
    @Field(key: "recipient_id") package var recipientID: UUID
    @Field(key: "discharged_on") var dischargedOn: String
    /// Where from, short free text (a ward, a hospital).
    @Field(key: "discharged_from") var dischargedFrom: String
    @Field(key: "responsible_user_id") var responsibleUserID: UUID
    @Field(key: "recorded_by") var recordedBy: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    package static var organisationIDKey: KeyPath<InpatientDischarge, FieldProperty<InpatientDischarge, UUID>> { \.$organisationID }

    package init() {}
}

/// A SIP offered to the person cared for. Several over time; the current outcome is kept here
/// and every outcome recorded is kept in `CoordinatedPlanOutcomeEntry`.
package final class CoordinatedPlanOffer: Model, OrganisationScoped, @unchecked Sendable {
    package static let schema = "coordinated_plan_offers"

    @ID(key: .id) package var id: UUID?
    @Field(key: "organisation_id") package var organisationID: UUID
    @Field(key: "recipient_id") package var recipientID: UUID
    /// The discharge this SIP answers, when it answers one.
    @OptionalField(key: "discharge_id") var dischargeID: UUID?
    @Field(key: "offered_on") var offeredOn: String
    @Field(key: "outcome") var outcome: CoordinatedPlanOutcome
    /// The day of the outcome (accepted, declined, held); nil while pending.
    @OptionalField(key: "outcome_on") var outcomeOn: String?
    @Field(key: "offered_by") var offeredBy: UUID
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    package static var organisationIDKey: KeyPath<CoordinatedPlanOffer, FieldProperty<CoordinatedPlanOffer, UUID>> { \.$organisationID }

    package init() {}
}

/// One outcome recorded for an offered SIP, never edited: the history of the offer.
package final class CoordinatedPlanOutcomeEntry: Model, OrganisationScoped, @unchecked Sendable {
    package static let schema = "coordinated_plan_outcomes"

    @ID(key: .id) package var id: UUID?
    @Field(key: "organisation_id") package var organisationID: UUID
    @Field(key: "offer_id") var offerID: UUID
    @Field(key: "recipient_id") var recipientID: UUID
    @Field(key: "outcome") var outcome: CoordinatedPlanOutcome
    @Field(key: "outcome_on") var outcomeOn: String
    /// Who took part in a SIP held (actors, organisations, people), free text.
    @Field(key: "participants") var participants: String
    /// The caregiver's invitation to this meeting, when they were invited: its attendance says
    /// whether they took part.
    @OptionalField(key: "invitation_id") var invitationID: UUID?
    @Field(key: "recorded_by") var recordedBy: UUID
    @Field(key: "sequence") var sequence: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    package static var organisationIDKey: KeyPath<CoordinatedPlanOutcomeEntry, FieldProperty<CoordinatedPlanOutcomeEntry, UUID>> { \.$organisationID }

    package init() {}
}

/// "I en SIP ska ansvarsfördelningen mellan aktörerna tydligt framgå": who does what by when,
/// one of them with overall responsibility, followed up on the owner's worklist.
package final class CoordinatedPlanResponsibility: Model, OrganisationScoped, @unchecked Sendable {
    package static let schema = "coordinated_plan_responsibilities"

    @ID(key: .id) package var id: UUID?
    @Field(key: "organisation_id") package var organisationID: UUID
    @Field(key: "offer_id") var offerID: UUID
    @Field(key: "recipient_id") var recipientID: UUID
    /// The actor, organisation or person, as the plan names them.
    @Field(key: "actor") var actor: String
    @Field(key: "task") var task: String
    @Field(key: "due_on") var dueOn: String
    @Field(key: "follow_up_on") var followUpOn: String
    /// The staff member in Synlig who follows it up, when the actor is the organisation's own staff.
    @OptionalField(key: "owner_user_id") var ownerUserID: UUID?
    @Field(key: "overall") var overall: Bool
    @OptionalField(key: "done_on") var doneOn: String?
    @Field(key: "recorded_by") var recordedBy: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    package static var organisationIDKey: KeyPath<CoordinatedPlanResponsibility, FieldProperty<CoordinatedPlanResponsibility, UUID>> { \.$organisationID }

    package init() {}
}

/// A patient contract (patientkontrakt): what was agreed, when, and its follow-up.
package final class PatientContract: Model, OrganisationScoped, @unchecked Sendable {
    package static let schema = "patient_contracts"

    @ID(key: .id) package var id: UUID?
    @Field(key: "organisation_id") package var organisationID: UUID
    @Field(key: "recipient_id") var recipientID: UUID
    @Field(key: "agreed") var agreed: String
    @Field(key: "agreed_on") var agreedOn: String
    @Field(key: "follow_up_on") var followUpOn: String
    @Field(key: "follow_up_user_id") var followUpUserID: UUID
    @OptionalField(key: "result") var result: PatientContractResult?
    @OptionalField(key: "followed_up_on") var followedUpOn: String?
    /// Sealed at rest (`SealedText`).
    @Field(key: "comment") var sealedComment: SealedText
    var comment: String { get { sealedComment.text } set { sealedComment = SealedText(newValue) } }
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    package static var organisationIDKey: KeyPath<PatientContract, FieldProperty<PatientContract, UUID>> { \.$organisationID }

    package init() {}
}

/// Something due about the person cared for on a staff member's worklist (the caregiver
/// tasks are about one caregiver; these are about the person and their SIP).
package final class RecipientTask: Model, OrganisationScoped, @unchecked Sendable {
    package static let schema = "recipient_tasks"

    @ID(key: .id) package var id: UUID?
    @Field(key: "organisation_id") package var organisationID: UUID
    @Field(key: "recipient_id") package var recipientID: UUID
    @Field(key: "kind") package var kind: RecipientTaskKind
    @Field(key: "due_on") var dueOn: String
    @OptionalField(key: "assignee_id") var assigneeID: UUID?
    /// The discharge, relationship, responsibility or contract the task is about.
    @Field(key: "subject_id") var subjectID: UUID
    @Field(key: "open") package var open: Bool
    @OptionalField(key: "done_at") var doneAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    package static var organisationIDKey: KeyPath<RecipientTask, FieldProperty<RecipientTask, UUID>> { \.$organisationID }

    package init() {}
}
