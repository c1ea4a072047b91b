import Foundation
import SynligCore
import Vapor

/// The JSON shapes of the caregiver record's people in `/api/v1` — caregivers, care recipients
/// and the relationships between them — as described in `Resources/openapi.yaml`. Vocabulary
/// values are checked by the services, so a bad value is a 422 naming the field, not a
/// decoding error. A personnummer is written in full but only ever read back masked.
extension API {
    /// An update: a record's fields and the version being edited. The version may instead come
    /// as the record's ETag in `If-Match` (see `EditPrecondition`).
    struct Edit<Fields: StrictJSONBody>: StrictJSONBody {
        static var allowedKeys: Set<String> { Fields.allowedKeys.union(["version"]) }
        var fields: Fields
        var version: Int?

        private enum CodingKeys: String, CodingKey { case version }

        init(from decoder: any Decoder) throws {
            fields = try Fields(from: decoder)
            version = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(Int.self, forKey: .version)
        }
    }

    // MARK: Caregivers

    /// A caregiver as a client writes one. A PUT replaces the record: a field left out is
    /// stored empty or at its default — an optional classification at `notStated` — except the
    /// personnummer, which a client never sees in full and so could not send back: left out, the
    /// stored number stays; `null` or `""` removes it.
    ///
    /// `interpreterNeeded` (a boolean) is the older spelling of `interpreterNeed`: `true` is
    /// `yes`, `false` is `no` — a client that sends `false` says so. Sending both, differently,
    /// is refused.
    struct CaregiverFields: StrictJSONBody {
        var name: String?
        var personalIdentityNumber: String?
        var phone: String?
        var email: String?
        var address: String?
        var preferredChannel: String?
        var preferredLanguage: String?
        var interpreterNeed: String?
        var interpreterNeeded: Bool?
        var gender: String?
        var birthYear: Int?
        var foreignBackground: String?
        var minorityLanguage: String?
        var occupation: String?
        var ownHealthNote: String?
        var unitId: UUID?
        var responsibleUserId: UUID?
        /// Whether the body names `personalIdentityNumber` at all.
        var namesPersonalIdentityNumber = false

        enum CodingKeys: String, CodingKey, CaseIterable {
            case name, personalIdentityNumber, phone, email, address, preferredChannel, preferredLanguage, interpreterNeed,
                 interpreterNeeded, gender, birthYear, foreignBackground, minorityLanguage, occupation, ownHealthNote, unitId, responsibleUserId
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decodeIfPresent(String.self, forKey: .name)
            personalIdentityNumber = try c.decodeIfPresent(String.self, forKey: .personalIdentityNumber)
            namesPersonalIdentityNumber = c.contains(.personalIdentityNumber)
            phone = try c.decodeIfPresent(String.self, forKey: .phone)
            email = try c.decodeIfPresent(String.self, forKey: .email)
            address = try c.decodeIfPresent(String.self, forKey: .address)
            preferredChannel = try c.decodeIfPresent(String.self, forKey: .preferredChannel)
            preferredLanguage = try c.decodeIfPresent(String.self, forKey: .preferredLanguage)
            interpreterNeed = try c.decodeIfPresent(String.self, forKey: .interpreterNeed)
            interpreterNeeded = try c.decodeIfPresent(Bool.self, forKey: .interpreterNeeded)
            if let interpreterNeeded, let interpreterNeed, interpreterNeed != (interpreterNeeded ? "yes" : "no") {
                throw SynligError.invalid([.init(field: "interpreterNeed", messageKey: "input.invalid_choice")])
            }
            gender = try c.decodeIfPresent(String.self, forKey: .gender)
            birthYear = try c.decodeIfPresent(Int.self, forKey: .birthYear)
            foreignBackground = try c.decodeIfPresent(String.self, forKey: .foreignBackground)
            minorityLanguage = try c.decodeIfPresent(String.self, forKey: .minorityLanguage)
            occupation = try c.decodeIfPresent(String.self, forKey: .occupation)
            ownHealthNote = try c.decodeIfPresent(String.self, forKey: .ownHealthNote)
            unitId = try c.decodeIfPresent(UUID.self, forKey: .unitId)
            responsibleUserId = try c.decodeIfPresent(UUID.self, forKey: .responsibleUserId)
        }

        /// `storedNumber` is what an update keeps when the body leaves the number out.
        func input(version: Int?, storedNumber: String? = nil) -> CaregiverInput {
            CaregiverInput(name: name, personalIdentityNumber: namesPersonalIdentityNumber ? personalIdentityNumber : storedNumber,
                           phone: phone, email: email, address: address, preferredChannel: preferredChannel,
                           preferredLanguage: preferredLanguage ?? "sv", interpreterNeed: interpreterNeed ?? interpreterNeeded.map { $0 ? "yes" : "no" },
                           gender: gender, birthYear: birthYear.map(String.init), foreignBackground: foreignBackground,
                           minorityLanguage: minorityLanguage, occupation: occupation, ownHealthNote: ownHealthNote,
                           unitId: unitId?.uuidString, responsibleUserId: responsibleUserId?.uuidString, version: version)
        }
    }

    /// A search in the body, so a personnummer never travels in a URL.
    struct CaregiverSearch: StrictJSONBody {
        var q: String?
        var page: Int?
        var per: Int?
    }

    /// A caregiver in a list: never the personnummer, nor contact details.
    struct CaregiverSummary: Content {
        var id: UUID
        var name: String
        var registeredOn: String
        var unitId: UUID?
        var responsibleUserId: UUID?
        var version: Int

        init(_ caregiver: Caregiver) throws {
            id = try caregiver.requireID()
            name = caregiver.name
            registeredOn = caregiver.registeredOn
            unitId = caregiver.unitID
            responsibleUserId = caregiver.responsibleUserID
            version = caregiver.version
        }
    }

    struct CaregiverOut: Content {
        var id: UUID
        var name: String
        /// Masked (`1956XXXX-XXXX`): enough for the person to recognise their own number.
        var personalIdentityNumber: String?
        var personalIdentityNumberKind: String?
        var phone: String
        var email: String
        var address: String
        var preferredChannel: ContactChannel
        var preferredLanguage: String
        var interpreterNeed: InterpreterNeed
        /// The older, boolean spelling: `true` only when the need is `yes`.
        var interpreterNeeded: Bool
        var gender: Gender
        var birthYear: Int?
        var foreignBackground: ForeignBackground
        var minorityLanguage: MinorityLanguage
        var occupation: Occupation
        var ownHealthNote: String
        var unitId: UUID?
        var responsibleUserId: UUID?
        var registeredOn: String
        var version: Int
        var createdAt: Date?
        var updatedAt: Date?
        /// With the people the reader may see; a relationship to someone outside their units is left out.
        var relationships: [RelationshipOut]

        init(_ caregiver: Caregiver, relationships: [RelationshipOut]) throws {
            id = try caregiver.requireID()
            name = caregiver.name
            let number = caregiver.personalIdentityNumber.flatMap { try? PersonalIdentityNumber.parse($0).get() }
            personalIdentityNumber = number?.masked
            personalIdentityNumberKind = number?.kind.rawValue
            phone = caregiver.phone
            email = caregiver.email
            address = caregiver.address
            preferredChannel = caregiver.preferredChannel
            preferredLanguage = caregiver.preferredLanguage
            interpreterNeed = caregiver.interpreterNeed
            interpreterNeeded = caregiver.interpreterNeed == .yes
            gender = caregiver.gender
            birthYear = caregiver.birthYear
            foreignBackground = caregiver.foreignBackground
            minorityLanguage = caregiver.minorityLanguage
            occupation = caregiver.occupation
            ownHealthNote = caregiver.ownHealthNote
            unitId = caregiver.unitID
            responsibleUserId = caregiver.responsibleUserID
            registeredOn = caregiver.registeredOn
            version = caregiver.version
            createdAt = caregiver.createdAt
            updatedAt = caregiver.updatedAt
            self.relationships = relationships
        }
    }

    // MARK: Care recipients

    /// A PUT replaces the record: fields left out are stored empty, `unitIds` left out removes
    /// every unit (refused for staff, who would lose sight of the person).
    struct RecipientFields: StrictJSONBody {
        var name: String?
        var externalReference: String?
        var unitIds: [UUID]?
        var fixedCareContact: String?
        var fixedDoctorContact: String?
        var fixedCareHomeContact: String?
        var patientContract: Bool?
        var careNeedArea: String?

        func input(version: Int?) -> RecipientInput {
            RecipientInput(name: name, externalReference: externalReference, unitIds: (unitIds ?? []).map(\.uuidString),
                           fixedCareContact: fixedCareContact, fixedDoctorContact: fixedDoctorContact,
                           fixedCareHomeContact: fixedCareHomeContact, patientContract: patientContract ?? false, careNeedArea: careNeedArea, version: version)
        }
    }

    struct RecipientSummary: Content {
        var id: UUID
        var name: String
        var version: Int

        init(_ recipient: CareRecipient) throws {
            id = try recipient.requireID()
            name = recipient.name
            version = recipient.version
        }
    }

    /// A caregiver of the recipient, as the recipient's record lists them.
    struct RecipientCaregiverOut: Content {
        var relationshipId: UUID
        var caregiverId: UUID
        var caregiverName: String
        var relation: RelationKind
        var restricted: Bool
        var mayInvite: Bool
    }

    struct RecipientOut: Content {
        var id: UUID
        var name: String
        var externalReference: String
        var unitIds: [UUID]
        var fixedCareContact: String
        var fixedDoctorContact: String
        var fixedCareHomeContact: String
        var patientContract: Bool
        var careNeedArea: CareNeedArea
        var version: Int
        var createdAt: Date?
        /// The caregivers the reader may see.
        var caregivers: [RecipientCaregiverOut]

        init(_ recipient: CareRecipient, unitIds: [UUID], caregivers: [RecipientCaregiverOut]) throws {
            id = try recipient.requireID()
            name = recipient.name
            externalReference = recipient.externalReference
            self.unitIds = unitIds
            fixedCareContact = recipient.fixedCareContact
            fixedDoctorContact = recipient.fixedDoctorContact
            fixedCareHomeContact = recipient.fixedCareHomeContact
            patientContract = recipient.patientContract
            careNeedArea = recipient.careNeedArea
            version = recipient.version
            createdAt = recipient.createdAt
            self.caregivers = caregivers
        }
    }

    // MARK: Relationships

    struct RelationshipFields: StrictJSONBody {
        var relation: String?
        var livesTogether: Bool?
        var since: String?
        var hoursBand: String?
        var tasks: [String]?
        /// One care contact per entry.
        var coordinatedContacts: [String]?
        var carriesCoordination: Bool?

        func input(version: Int?) -> RelationshipInput {
            RelationshipInput(relation: relation, livesTogether: livesTogether ?? false, since: since, hoursBand: hoursBand,
                              tasks: tasks ?? [],
                              coordinatedContacts: (coordinatedContacts ?? []).map { $0.replacingOccurrences(of: "\n", with: " ") }
                                  .joined(separator: "\n"),
                              carriesCoordination: carriesCoordination ?? false, version: version)
        }
    }

    struct RelationshipCreate: StrictJSONBody {
        static let allowedKeys: Set<String> = RelationshipFields.allowedKeys.union(["recipientId"])
        var fields: RelationshipFields
        var recipientId: UUID

        private enum CodingKeys: String, CodingKey { case recipientId }

        init(from decoder: any Decoder) throws {
            fields = try RelationshipFields(from: decoder)
            recipientId = try decoder.container(keyedBy: CodingKeys.self).decode(UUID.self, forKey: .recipientId)
        }
    }

    /// What may be shared with the caregiver today, from the consent history.
    struct ConsentStateOut: Content {
        var basis: String
        var categories: [ConsentCategory]

        init(_ state: ConsentState) {
            basis = state.basis.rawValue
            categories = state.categories.sorted { $0.rawValue < $1.rawValue }
        }
    }

    struct RelationshipOut: Content {
        var id: UUID
        var caregiverId: UUID
        var recipientId: UUID
        /// Null when the person is outside the reader's units.
        var recipientName: String?
        var relation: RelationKind
        var livesTogether: Bool
        var since: String?
        var hoursBand: HoursBand
        var tasks: [CareTask]
        var coordinatedContacts: [String]
        var carriesCoordination: Bool
        /// Three or more coordinated contacts, or signs that the caregiver carries the
        /// coordination: consider SIP or a fixed care contact.
        var coordinationSignal: Bool
        var consent: ConsentStateOut
        var restricted: Bool
        var activeRestriction: RestrictionOut?
        var mayInvite: Bool
        var mayInformAboutCare: Bool
        /// Newest meeting first.
        var invitations: [InvitationOut]
        /// How the help changed over time, oldest first; the last one is in force.
        var history: [RelationshipStateOut]
        var version: Int
        var createdAt: Date?
    }

    /// One state of a relationship's help: in force from `validFrom` (null: from the start) up
    /// to the day before `validTo` (null: still in force).
    struct RelationshipStateOut: Content {
        var validFrom: String?
        var validTo: String?
        var hoursBand: HoursBand
        var tasks: [CareTask]
        var coordinatedContacts: [String]
        /// Null for the state carried over when the history began.
        var changedByUserId: UUID?
        var recordedAt: Date?

        init(_ state: CareRelationshipState) {
            validFrom = state.validFrom
            validTo = state.validTo
            hoursBand = state.hoursBand
            tasks = state.tasks.sorted { $0.rawValue < $1.rawValue }
            coordinatedContacts = state.coordinatedContacts
            changedByUserId = state.changedBy
            recordedAt = state.createdAt
        }
    }
}
