import Fluent
import SynligCore
import Vapor

/// A person who cares for or supports someone close (anhörig), or an important person in the
/// network who does not (yet) give care. Personal data: every read is access-logged.
package final class Caregiver: Model, OrganisationScoped, @unchecked Sendable {
    package static let schema = "caregivers"

    @ID(key: .id) package var id: UUID?
    @Field(key: "organisation_id") package var organisationID: UUID
    @Field(key: "name") package var name: String
    /// The name in lower case, so search finds "åsa" in "Åsa" the same way on both databases.
    @Field(key: "name_folded") var nameFolded: String
    /// Canonical 12 digits, searched exactly; shown only masked, never in lists or URLs.
    @OptionalField(key: "personal_identity_number") var personalIdentityNumber: String?
    @Field(key: "phone") var phone: String
    @Field(key: "email") var email: String
    @Field(key: "address") var address: String
    @Field(key: "preferred_channel") var preferredChannel: ContactChannel
    @Field(key: "preferred_language") var preferredLanguage: String
    @Field(key: "interpreter_need") var interpreterNeed: InterpreterNeed
    @Field(key: "gender") var gender: Gender
    @OptionalField(key: "birth_year") var birthYear: Int?
    @Field(key: "foreign_background") var foreignBackground: ForeignBackground
    @Field(key: "minority_language") var minorityLanguage: MinorityLanguage
    @Field(key: "occupation") var occupation: Occupation
    /// Only when relevant to the caring, and kept to a few words.
    /// Sealed at rest (`SealedText`), as every note on someone's health.
    @Field(key: "own_health_note") var sealedOwnHealthNote: SealedText
    var ownHealthNote: String { get { sealedOwnHealthNote.text } set { sealedOwnHealthNote = SealedText(newValue) } }
    /// Minor children at home with the caregiver or the person cared for; never their identities.
    @Field(key: "children_in_household") var childrenInHousehold: ChildrenInHousehold
    @OptionalField(key: "children_count") var childrenCount: Int?
    /// The unit that registered the caregiver; gives unit-scoped staff sight of someone
    /// registered without a care recipient.
    @OptionalField(key: "unit_id") package var unitID: UUID?
    /// The consultant whose worklist carries this caregiver's follow-ups.
    @OptionalField(key: "responsible_user_id") var responsibleUserID: UUID?
    @Field(key: "registered_on") var registeredOn: String
    /// Kept past gallring, and why (`FileRetentionService`); nil for a file purged when due.
    @OptionalField(key: "retention_exempt") var retentionExempt: RetentionExemption?
    @Field(key: "version") package var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    package static var organisationIDKey: KeyPath<Caregiver, FieldProperty<Caregiver, UUID>> { \.$organisationID }

    package init() {}
}

/// The person who receives care and support (den enskilde / närstående).
package final class CareRecipient: Model, OrganisationScoped, @unchecked Sendable {
    package static let schema = "care_recipients"

    @ID(key: .id) package var id: UUID?
    @Field(key: "organisation_id") package var organisationID: UUID
    @Field(key: "name") package var name: String
    /// The name as a search compares it (`SearchText.folded`), so SQL can search it.
    @Field(key: "name_folded") package var nameFolded: String
    /// A reference to the case or journal system (not a personnummer).
    @Field(key: "external_reference") package var externalReference: String
    @Field(key: "fixed_care_contact") package var fixedCareContact: String
    @Field(key: "fixed_doctor_contact") package var fixedDoctorContact: String
    @Field(key: "fixed_care_home_contact") package var fixedCareHomeContact: String
    @Field(key: "patient_contract") package var patientContract: Bool
    @Field(key: "care_need_area") package var careNeedArea: CareNeedArea
    @Field(key: "version") package var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    package static var organisationIDKey: KeyPath<CareRecipient, FieldProperty<CareRecipient, UUID>> { \.$organisationID }

    package init() {}
}

/// A unit responsible for a care recipient; staff of the unit see the recipient and their caregivers.
package final class CareRecipientUnit: Model, @unchecked Sendable {
    package static let schema = "care_recipient_units"

    @ID(key: .id) package var id: UUID?
    @Field(key: "organisation_id") var organisationID: UUID
    @Field(key: "recipient_id") package var recipientID: UUID
    @Field(key: "unit_id") package var unitID: UUID

    package init() {}

    init(organisationID: UUID, recipientID: UUID, unitID: UUID) {
        self.organisationID = organisationID
        self.recipientID = recipientID
        self.unitID = unitID
    }
}

/// Anhörigskap: who cares for whom, how, and how much.
package final class CareRelationship: Model, OrganisationScoped, @unchecked Sendable {
    package static let schema = "care_relationships"

    @ID(key: .id) package var id: UUID?
    @Field(key: "organisation_id") package var organisationID: UUID
    @Field(key: "caregiver_id") package var caregiverID: UUID
    @Field(key: "recipient_id") package var recipientID: UUID
    @Field(key: "relation") var relation: RelationKind
    @Field(key: "lives_together") var livesTogether: Bool
    @OptionalField(key: "since") var since: String?
    @Field(key: "hours_band") var hoursBand: HoursBand
    /// Comma-separated `CareTask` raw values.
    @Field(key: "tasks") var tasksText: String
    /// The care contacts the caregiver coordinates, one per line.
    @Field(key: "coordinated_contacts") var coordinatedContactsText: String
    @Field(key: "carries_coordination") var carriesCoordination: Bool
    @Field(key: "version") package var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    package static var organisationIDKey: KeyPath<CareRelationship, FieldProperty<CareRelationship, UUID>> { \.$organisationID }

    package init() {}

    var tasks: Set<CareTask> { Set(tasksText.split(separator: ",").compactMap { CareTask(rawValue: String($0)) }) }
    var coordinatedContacts: [String] { coordinatedContactsText.split(separator: "\n").map(String.init) }
    var coordinationSignal: Bool {
        CoordinationSignal.raised(coordinatedContacts: coordinatedContacts.count, carriesCoordination: carriesCoordination, tasks: tasks)
    }
}

/// One entry in the consent history of a recipient towards a caregiver — never edited; a
/// withdrawal is a new entry. A harm assessment (menprövning) is an entry of its own kind.
package final class ConsentRecord: Model, OrganisationScoped, @unchecked Sendable {
    package static let schema = "consents"

    @ID(key: .id) package var id: UUID?
    @Field(key: "organisation_id") package var organisationID: UUID
    @Field(key: "relationship_id") var relationshipID: UUID
    @Field(key: "kind") package var kind: ConsentEntryKind
    /// Comma-separated `ConsentCategory` raw values.
    @Field(key: "categories") var categoriesText: String
    @OptionalField(key: "form") var form: ConsentForm?
    @Field(key: "document_reference") var documentReference: String
    @OptionalField(key: "harm_decision") var harmDecision: HarmDecision?
    @Field(key: "decided_by") var decidedBy: String
    @Field(key: "date") var date: String
    @OptionalField(key: "ends_on") var endsOn: String?
    /// Sealed at rest (`SealedText`).
    @Field(key: "note") var sealedNote: SealedText
    var note: String { get { sealedNote.text } set { sealedNote = SealedText(newValue) } }
    @Field(key: "documented_by") var documentedBy: UUID
    @Field(key: "sequence") var sequence: Int
    /// True for an entry that confirms the stance before it, unchanged, at a review.
    @Field(key: "review") var review: Bool
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    package static var organisationIDKey: KeyPath<ConsentRecord, FieldProperty<ConsentRecord, UUID>> { \.$organisationID }

    package init() {}

    var categories: Set<ConsentCategory> {
        Set(categoriesText.split(separator: ",").compactMap { ConsentCategory(rawValue: String($0)) })
    }

    var entry: ConsentEntry? {
        guard let date = CalendarDate(date) else { return nil }
        return ConsentEntry(kind: kind, categories: categories, date: date, endsOn: CalendarDate(endsOn),
                            harmDecision: harmDecision, sequence: sequence)
    }
}

extension QueryBuilder where Model == ConsentRecord {
    /// The columns a consent's evaluation reads (`ConsentRecord.entry`), without the sealed note:
    /// lists that weigh many consents neither open every note nor fail on one damaged note.
    func withoutNotes() -> Self {
        field(\.$id).field(\.$organisationID).field(\.$relationshipID).field(\.$kind).field(\.$categoriesText).field(\.$harmDecision)
            .field(\.$date).field(\.$endsOn).field(\.$sequence)
    }
}

/// Involving this caregiver in this person's care is inappropriate. Blocks invitations and
/// exports until a consultant or case officer lifts it, with a reason.
package final class InvolvementRestriction: Model, OrganisationScoped, @unchecked Sendable {
    package static let schema = "involvement_restrictions"

    @ID(key: .id) package var id: UUID?
    @Field(key: "organisation_id") package var organisationID: UUID
    @Field(key: "relationship_id") var relationshipID: UUID
    @Field(key: "reason") var reason: RestrictionReason
    /// Why involvement is restricted, and later why it was lifted: sealed at rest (`SealedText`).
    @Field(key: "note") var sealedNote: SealedText
    var note: String { get { sealedNote.text } set { sealedNote = SealedText(newValue) } }
    @Field(key: "decided_on") var decidedOn: String
    @Field(key: "review_on") var reviewOn: String
    @Field(key: "author_id") var authorID: UUID
    @OptionalField(key: "lifted_at") var liftedAt: Date?
    @OptionalField(key: "lifted_by") var liftedBy: UUID?
    @OptionalField(key: "lifted_reason") var sealedLiftedReason: SealedText?
    var liftedReason: String? { get { sealedLiftedReason?.text } set { sealedLiftedReason = newValue.map { SealedText($0) } } }
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    package static var organisationIDKey: KeyPath<InvolvementRestriction, FieldProperty<InvolvementRestriction, UUID>> { \.$organisationID }

    package init() {}

    var isActive: Bool { liftedAt == nil }
}
