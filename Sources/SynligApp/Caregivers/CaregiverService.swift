import Fluent
import SynligCore
import Vapor

/// A caregiver as the staff form sends it (the API's typed JSON body maps onto it).
package struct CaregiverInput: Decodable, Sendable {
    var name: String?
    var personalIdentityNumber: String?
    var phone: String?
    var email: String?
    var address: String?
    var preferredChannel: String?
    var preferredLanguage: String?
    var interpreterNeed: String?
    var gender: String?
    var birthYear: String?
    package var foreignBackground: String?
    var minorityLanguage: String?
    var occupation: String?
    var ownHealthNote: String?
    package var unitId: String?
    package var responsibleUserId: String?
    var version: Int?

    package init(name: String? = nil, personalIdentityNumber: String? = nil, phone: String? = nil, email: String? = nil,
                 address: String? = nil, preferredChannel: String? = nil, preferredLanguage: String? = nil,
                 interpreterNeed: String? = nil, gender: String? = nil, birthYear: String? = nil,
                 foreignBackground: String? = nil, minorityLanguage: String? = nil, occupation: String? = nil,
                 ownHealthNote: String? = nil, unitId: String? = nil, responsibleUserId: String? = nil, version: Int? = nil) {
        self.name = name
        self.personalIdentityNumber = personalIdentityNumber
        self.phone = phone
        self.email = email
        self.address = address
        self.preferredChannel = preferredChannel
        self.preferredLanguage = preferredLanguage
        self.interpreterNeed = interpreterNeed
        self.gender = gender
        self.birthYear = birthYear
        self.foreignBackground = foreignBackground
        self.minorityLanguage = minorityLanguage
        self.occupation = occupation
        self.ownHealthNote = ownHealthNote
        self.unitId = unitId
        self.responsibleUserId = responsibleUserId
        self.version = version
    }
}

package struct RecipientInput: Decodable, Sendable {
    var name: String?
    var externalReference: String?
    package var unitIds: [String]
    package var fixedCareContact: String?
    var fixedDoctorContact: String?
    var fixedCareHomeContact: String?
    var patientContract: Bool
    var careNeedArea: String?
    var version: Int?

    package init(name: String? = nil, externalReference: String? = nil, unitIds: [String], fixedCareContact: String? = nil,
                 fixedDoctorContact: String? = nil, fixedCareHomeContact: String? = nil, patientContract: Bool,
                 careNeedArea: String? = nil, version: Int? = nil) {
        self.name = name
        self.externalReference = externalReference
        self.unitIds = unitIds
        self.fixedCareContact = fixedCareContact
        self.fixedDoctorContact = fixedDoctorContact
        self.fixedCareHomeContact = fixedCareHomeContact
        self.patientContract = patientContract
        self.careNeedArea = careNeedArea
        self.version = version
    }
}

package struct RelationshipInput: Decodable, Sendable {
    var relation: String?
    var livesTogether: Bool
    var since: String?
    package var hoursBand: String?
    var tasks: [String]
    var coordinatedContacts: String?
    var carriesCoordination: Bool
    package var version: Int?

    package init(relation: String? = nil, livesTogether: Bool, since: String? = nil, hoursBand: String? = nil, tasks: [String],
                 coordinatedContacts: String? = nil, carriesCoordination: Bool, version: Int? = nil) {
        self.relation = relation
        self.livesTogether = livesTogether
        self.since = since
        self.hoursBand = hoursBand
        self.tasks = tasks
        self.coordinatedContacts = coordinatedContacts
        self.carriesCoordination = carriesCoordination
        self.version = version
    }
}

/// Registering and changing caregivers, care recipients and the relationships between them.
/// Every change is audited; reads are access-logged by the routes that show them.
package enum CaregiverService {
    /// Registers or changes a caregiver. `closingContactRequest` turns a contact request from the
    /// public pages into this record in the same transaction: the request is closed with the reason.
    /// `takingUpReferral` does the same for a referral from another organisation.
    package static func save(_ id: UUID?, _ input: CaregiverInput, by user: CurrentUser, on db: any Database,
                     closingContactRequest: (id: UUID, reason: String)? = nil, takingUpReferral: UUID? = nil,
                     today: CalendarDate = .today()) async throws -> Caregiver {
        guard user.hasAny(CaregiverAccess.readers) else { throw SynligError.forbidden }
        var check = InputChecker()
        let name = check.line(input.name, "name", required: true, max: 120)
        var pin: String?
        if let raw = input.personalIdentityNumber, !raw.trimmingCharacters(in: .whitespaces).isEmpty {
            switch PersonalIdentityNumber.parse(raw, today: today) {
            case .success(let parsed): pin = parsed.canonical
            case .failure(let problem): check.fail("personalIdentityNumber", problem.rawValue)
            }
        }
        let phone = check.line(input.phone, "phone", max: 40)
        var email = (input.email ?? "").trimmingCharacters(in: .whitespaces)
        if !email.isEmpty {
            let (lowered, problem) = TextInput.checkEmail(email)
            if let problem { check.fail("email", problem.rawValue) }
            email = lowered
        }
        let address = check.line(input.address, "address", max: 300)
        let channel = check.choice(input.preferredChannel ?? ContactChannel.phone.rawValue, "preferredChannel", as: ContactChannel.self)
        let language = input.preferredLanguage.flatMap { SupportLanguage.codes.contains($0) ? $0 : nil }
        if language == nil { check.fail("preferredLanguage", "input.invalid_choice") }
        // The classifications asked for statistics: what was not answered stays `notStated`.
        let interpreter = check.classification(input.interpreterNeed, "interpreterNeed", as: InterpreterNeed.self)
        let gender = check.classification(input.gender, "gender", as: Gender.self)
        var birthYear: Int?
        if let raw = input.birthYear?.trimmingCharacters(in: .whitespaces), !raw.isEmpty {
            if let year = Int(raw), (today.year - 110)...(today.year - 5) ~= year { birthYear = year } else { check.fail("birthYear", "caregiver.birth_year_invalid") }
        }
        let background = check.classification(input.foreignBackground, "foreignBackground", as: ForeignBackground.self)
        let minority = check.classification(input.minorityLanguage, "minorityLanguage", as: MinorityLanguage.self)
        let occupation = check.classification(input.occupation, "occupation", as: Occupation.self)
        let healthNote = check.text(input.ownHealthNote, "ownHealthNote", max: 300)
        let unitID = check.id(input.unitId, "unitId")
        let responsibleID = check.id(input.responsibleUserId, "responsibleUserId")
        try check.finish()
        guard let channel, let language else { throw SynligError.invalid(check.problems) }
        let organisationID = user.organisationID
        let (pinValue, emailValue, birthYearValue) = (pin, email, birthYear)

        return try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            let caregiver: Caregiver
            var before: CorrectionHistory.Before?
            if let id {
                caregiver = try await CaregiverAccess.caregiver(id, for: user, on: tx)
                guard input.version == caregiver.version else { throw SynligError.staleEdit }
                caregiver.version += 1
                before = CorrectionHistory.before(caregiver)
            } else {
                caregiver = Caregiver()
                caregiver.organisationID = organisationID
                caregiver.registeredOn = today.iso
                caregiver.version = 1
                caregiver.childrenInHousehold = .notStated
                // A unit-scoped user registers into one of their own units, or they could not see the record.
                if !CaregiverAccess.seesWholeOrganisation(user), unitID == nil {
                    guard user.unitIDs.count == 1 else {
                        throw SynligError.invalid([.init(field: "unitId", messageKey: "caregiver.unit_required")])
                    }
                    caregiver.unitID = user.unitIDs.first
                }
            }
            if let unitID {
                try await requireUnit(unitID, of: user, on: tx)
                caregiver.unitID = unitID
            }
            if let pinValue {
                // One person, one record: a second registration would split their history.
                let sameNumber = Caregiver.scoped(to: organisationID, on: tx).filter(\.$personalIdentityNumber == pinValue)
                if let id { sameNumber.filter(\.$id != id) }
                guard try await sameNumber.count() == 0 else {
                    throw SynligError.invalid([.init(field: "personalIdentityNumber", messageKey: "caregiver.pin_exists")])
                }
            }
            if let responsibleID {
                try await requireColleague(responsibleID, of: user, field: "responsibleUserId", on: tx)
                caregiver.responsibleUserID = responsibleID
            } else if id == nil, user.has(.consultant) {
                caregiver.responsibleUserID = user.id
            }
            caregiver.name = name
            caregiver.nameFolded = SearchText.folded(name)
            caregiver.personalIdentityNumber = pinValue
            caregiver.phone = phone
            caregiver.email = emailValue
            caregiver.address = address
            caregiver.preferredChannel = channel
            caregiver.preferredLanguage = language
            caregiver.interpreterNeed = interpreter
            caregiver.gender = gender
            caregiver.birthYear = birthYearValue
            caregiver.foreignBackground = background
            caregiver.minorityLanguage = minority
            caregiver.occupation = occupation
            caregiver.ownHealthNote = healthNote
            try await caregiver.save(on: tx)
            if let before {
                try await CorrectionHistory.record(before, after: caregiver, by: user.id, on: tx)
            }
            if id != nil {
                try await CaregiverTaskService.reassign(caregiverID: caregiver.requireID(), to: caregiver.responsibleUserID, on: tx)
            }
            if let closing = closingContactRequest {
                // Only those who keep the inbox may close its requests.
                guard user.hasAny(SupportService.editors) else { throw SynligError.forbidden }
                try await ContactRequestService.close(closing.id, reason: closing.reason, action: "contact_request.register", by: user, on: tx, audit: audit)
            }
            if let referralID = takingUpReferral, id == nil {
                try await ReferralService.takeUp(referralID, caregiver: caregiver, by: user, on: tx, audit: audit)
            }
            if id == nil {
                // Voluntariness is asked at registration: the first follow-up is due at once.
                try await CaregiverTaskService.schedule(.voluntarinessFollowUp, for: caregiver, due: today, on: tx)
            }
            audit.record(id == nil ? "caregiver.create" : "caregiver.update", "caregiver", id: caregiver.id, organisation: organisationID)
            return caregiver
        }
    }

    package static func saveRecipient(_ id: UUID?, _ input: RecipientInput, by user: CurrentUser, on db: any Database,
                              today: CalendarDate = .today()) async throws -> CareRecipient {
        guard user.hasAny(CaregiverAccess.readers) else { throw SynligError.forbidden }
        // The record first (404 for another organisation's id), then the input (422).
        if let id { _ = try await CareRecipient.find(id, in: user.organisationID, on: db) }
        var check = InputChecker()
        let name = check.line(input.name, "name", required: true, max: 120)
        let reference = check.line(input.externalReference, "externalReference", max: 60)
        let unitIDs = Set(input.unitIds.compactMap { check.id($0, "unitIds") })
        let careContact = check.line(input.fixedCareContact, "fixedCareContact")
        let doctorContact = check.line(input.fixedDoctorContact, "fixedDoctorContact")
        let careHomeContact = check.line(input.fixedCareHomeContact, "fixedCareHomeContact")
        let careNeedArea = check.classification(input.careNeedArea, "careNeedArea", as: CareNeedArea.self)
        if id == nil, !CaregiverAccess.seesWholeOrganisation(user), unitIDs.isDisjoint(with: user.unitIDs) {
            // Staff register people for their own units; otherwise they would lose sight of them.
            check.fail("unitIds", "caregiver.recipient_unit_required")
        }
        try check.finish()
        let organisationID = user.organisationID

        return try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            let recipient: CareRecipient
            var contactChanged = false
            var before: [RecipientCorrectedField: String]?
            if let id {
                recipient = try await CaregiverAccess.recipient(id, for: user, on: tx)
                guard input.version == recipient.version else { throw SynligError.staleEdit }
                before = RecipientCorrectionHistory.before(recipient)
                recipient.version += 1
                contactChanged = (recipient.fixedCareContact, recipient.fixedDoctorContact, recipient.fixedCareHomeContact)
                    != (careContact, doctorContact, careHomeContact)
            } else {
                recipient = CareRecipient()
                recipient.organisationID = organisationID
                recipient.version = 1
            }
            for unitID in unitIDs { try await requireUnit(unitID, of: user, on: tx, field: "unitIds") }
            recipient.name = name
            recipient.nameFolded = SearchText.folded(name)
            recipient.externalReference = reference
            recipient.fixedCareContact = careContact
            recipient.fixedDoctorContact = doctorContact
            recipient.fixedCareHomeContact = careHomeContact
            recipient.patientContract = input.patientContract
            recipient.careNeedArea = careNeedArea
            try await recipient.save(on: tx)
            if let before { try await RecipientCorrectionHistory.record(before, after: recipient, by: user.id, on: tx) }
            let recipientID = try recipient.requireID()
            // Staff change only their own units' responsibility; other units keep sight of the person.
            let existing = Set(try await CareRecipientUnit.query(on: tx).filter(\.$recipientID == recipientID).all(\.$unitID))
            let mayChange: (UUID) -> Bool = { CaregiverAccess.seesWholeOrganisation(user) || user.unitIDs.contains($0) }
            let kept = existing.filter { !mayChange($0) }
            let wanted = unitIDs.filter(mayChange).union(kept)
            try await CareRecipientUnit.query(on: tx).filter(\.$recipientID == recipientID).delete()
            for unitID in wanted {
                try await CareRecipientUnit(organisationID: organisationID, recipientID: recipientID, unitID: unitID).create(on: tx)
            }
            if contactChanged {
                try await informCaregiversOfNewContact(recipientID: recipientID, today: today, on: tx)
            }
            audit.record(id == nil ? "recipient.create" : "recipient.update", "care_recipient", id: recipientID, organisation: organisationID)
            return recipient
        }
    }

    /// The seed reports that caregivers are often not told when the fixed care contact changes:
    /// a task to inform each caregiver whose consent allows it, and who is not restricted.
    private static func informCaregiversOfNewContact(recipientID: UUID, today: CalendarDate, on tx: any Database) async throws {
        let relationships = try await CareRelationship.query(on: tx).filter(\.$recipientID == recipientID).all()
        for relationship in relationships {
            guard try await CaregiverAccess.permission(for: relationship, on: tx, today: today).mayInformAboutCare,
                  let caregiver = try await Caregiver.find(relationship.caregiverID, on: tx) else { continue }
            try await CaregiverTaskService.schedule(.informFixedContactChange, for: caregiver, due: today.addingDays(7),
                                              subject: relationship.id, on: tx)
        }
    }

    /// Links a caregiver to a person they care for, or changes how they care.
    package static func saveRelationship(_ id: UUID?, caregiverID: UUID?, recipientID: UUID?, _ input: RelationshipInput,
                                 by user: CurrentUser, on db: any Database, today: CalendarDate = .today()) async throws -> CareRelationship {
        guard user.hasAny(CaregiverAccess.readers) else { throw SynligError.forbidden }
        let (relation, since, hours, tasks, contacts) = try validate(input, today: today)
        let organisationID = user.organisationID

        return try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            let relationship: CareRelationship
            let hadSignal: Bool
            var before: CareRelationshipState.Snapshot?
            if let id {
                relationship = try await CaregiverAccess.relationship(id, for: user, on: tx)
                guard input.version == relationship.version else { throw SynligError.staleEdit }
                relationship.version += 1
                hadSignal = relationship.coordinationSignal
                before = .init(relationship)
            } else {
                let caregiver = try await CaregiverAccess.caregiver(caregiverID, for: user, on: tx)
                let recipient = try await CaregiverAccess.recipient(recipientID, for: user, on: tx)
                let existing = try await CareRelationship.query(on: tx).filter(\.$caregiverID == caregiver.requireID())
                    .filter(\.$recipientID == recipient.requireID()).count()
                guard existing == 0 else { throw SynligError(.conflict, "caregiver.relationship_exists") }
                relationship = CareRelationship()
                relationship.organisationID = organisationID
                relationship.caregiverID = try caregiver.requireID()
                relationship.recipientID = try recipient.requireID()
                relationship.version = 1
                hadSignal = false
            }
            relationship.relation = relation
            relationship.livesTogether = input.livesTogether
            relationship.since = since?.iso
            relationship.hoursBand = hours
            relationship.tasksText = tasks.storedText
            relationship.coordinatedContactsText = contacts.joined(separator: "\n")
            relationship.carriesCoordination = input.carriesCoordination
            try await relationship.save(on: tx)
            try await RelationshipHistory.record(relationship, previous: before, by: user.id, today: today, on: tx)
            if relationship.coordinationSignal && !hadSignal, let caregiver = try await Caregiver.find(relationship.caregiverID, on: tx) {
                try await CaregiverTaskService.schedule(.coordinationSignal, for: caregiver, due: today.addingDays(CoordinationSignal.actWithinDays),
                                                  subject: relationship.id, on: tx)
            }
            audit.record(id == nil ? "relationship.create" : "relationship.update", "care_relationship", id: relationship.id,
                         organisation: organisationID)
            return relationship
        }
    }

    /// Checks a relationship's fields before anything is saved (also before a new recipient is
    /// registered for it, so a refused form leaves nothing behind).
    static func validate(_ input: RelationshipInput, today: CalendarDate = .today()) throws
        -> (RelationKind, CalendarDate?, HoursBand, Set<CareTask>, [String]) {
        var check = InputChecker()
        let relation = check.classification(input.relation, "relation", as: RelationKind.self)
        let since = check.date(input.since, "since", required: false)
        if let since, since > today { check.fail("since", "caregiver.since_future") }
        let hours = check.classification(input.hoursBand, "hoursBand", as: HoursBand.self)
        let tasks = check.choices(input.tasks, "tasks", as: CareTask.self)
        let contacts = check.text(input.coordinatedContacts, "coordinatedContacts", max: 2000)
            .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        try check.finish()
        return (relation, since, hours, tasks, contacts)
    }

    /// A unit of the user's organisation — and for unit-scoped staff one of their own, or they
    /// would place a person where they cannot see them.
    static func requireUnit(_ unitID: UUID, of user: CurrentUser, on db: any Database, field: String = "unitId") async throws {
        guard CaregiverAccess.seesWholeOrganisation(user) || user.unitIDs.contains(unitID),
              try await Unit.query(on: db).filter(\.$id == unitID).filter(\.$organisationID == user.organisationID).count() == 1 else {
            throw SynligError.invalid([.init(field: field, messageKey: "input.invalid_id")])
        }
    }

    /// An active consultant or case officer of the same organisation: only they carry follow-ups.
    static func requireColleague(_ userID: UUID, of user: CurrentUser, field: String, on db: any Database) async throws {
        let carriesFollowUps = try await UserRole.query(on: db).filter(\.$user.$id == userID).filter(\.$organisationID == user.organisationID)
            .filter(\.$role ~~ [Role.consultant, Role.caseOfficer]).count() > 0
        guard carriesFollowUps, try await User.query(on: db).filter(\.$id == userID).filter(\.$organisationID == user.organisationID)
            .filter(\.$active == true).count() == 1 else {
            throw SynligError.invalid([.init(field: field, messageKey: "input.invalid_id")])
        }
    }

    /// Search by name (part of it) or by an exact personnummer, among the people the user may see.
    /// `countUpTo` counts to that cap and one past it (the page then says "more than"), so the
    /// register's page costs the same at any size; without it the count is exact (the API's total).
    static func search(_ rawQuery: String?, for user: CurrentUser, limit: Int = 50, offset: Int = 0, countUpTo: Int? = nil,
                       on db: any Database) async throws -> (rows: [Caregiver], total: Int) {
        let query = try await searchQuery(rawQuery, for: user, on: db)
        let total = if let countUpTo { try await query.count(upTo: countUpTo) } else { try await query.copy().count() }
        let rows = try await inListOrder(query, limit: limit, offset: offset).all()
        return (rows, total)
    }

    /// One page in the register's order, by name: `caregivers_org_name_order_idx` serves it, so a
    /// page costs the same at 300 caregivers as at 100,000.
    static func inListOrder(_ query: QueryBuilder<Caregiver>, limit: Int, offset: Int) -> QueryBuilder<Caregiver> {
        query.sort(\.$name).sort(\.$id).range(offset..<(offset + limit))
    }

    /// The people matching a search, before counting and paging.
    static func searchQuery(_ rawQuery: String?, for user: CurrentUser, on db: any Database) async throws -> QueryBuilder<Caregiver> {
        let (text, problem) = SearchText.check(rawQuery)
        if let problem { throw SynligError.invalid([.init(field: "q", messageKey: problem.rawValue)]) }
        let query = try await CaregiverAccess.caregivers(for: user, on: db)
        if !text.isEmpty {
            if text.contains(where: \.isNumber), case .success(let pin) = PersonalIdentityNumber.parse(text) {
                query.filter(\.$personalIdentityNumber == pin.canonical)
            } else {
                query.filter(\.$nameFolded, .custom("LIKE"), namePattern(text))
            }
        }
        return query
    }

    /// The LIKE pattern for a name search over a folded-name column. At most 100 code points: one
    /// letter under a flood of combining marks is one Character, and a 200 KB pattern made SQLite
    /// refuse the LIKE (a 500).
    static func namePattern(_ text: String) -> String {
        let capped = String(String.UnicodeScalarView(text.unicodeScalars.prefix(100)))
        return "%" + escapeLike(SearchText.folded(capped)) + "%"
    }

    /// Wildcards typed by the user are dropped: a search is for a name, not a pattern.
    private static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "")
    }
}
