import Fluent
import SynligCore
import Vapor

/// Exempelkommun's caregiver record: about 300 synthetic caregivers and 260 people they care
/// for, with consent, restrictions, follow-ups over two and a half years and a worklist for
/// every demo user who works with caregivers.
///
/// Going through the services one change at a time took about 14 s (debug build, SQLite) for
/// the ~3 000 changes, so the story is played here in memory with the same rules from
/// SynligCore (`FollowUpSchedule`, `ConsentState`, `StrainTrend`, `CoordinationSignal`) and the
/// same task semantics as `CaregiverTaskService`, then written in one transaction with batched
/// inserts, and every change gets the audit event its service would have written, attributed
/// to the demo user who did it.
enum CaregiverDemo {
    static let randomSeed: UInt64 = 1947

    static func seed(_ app: Application, organisationID: UUID) async throws {
        let db = app.db
        let users = try await User.scoped(to: organisationID, on: db).with(\.$roles).with(\.$unitMemberships).sort(\.$email).all()
        var actors: [Role: CurrentUser] = [:]
        for user in users {
            for role in user.roles.map(\.role).sorted() where actors[role] == nil {
                actors[role] = CurrentUser(id: try user.requireID(), organisationID: organisationID, organisationName: DemoSeeder.organisationName,
                                           organisationIsDemo: true, displayName: user.displayName, email: user.email, roles: [role],
                                           unitIDs: Set(user.unitMemberships.map { $0.$unit.id }), sessionID: UUID(), csrfToken: "")
            }
        }
        guard let consultant = actors[.consultant] else { return }
        let units = try await Unit.scoped(to: organisationID, on: db).sort(\.$name).all()
        let unitIDs = Dictionary(uniqueKeysWithValues: try units.map { ($0.name, try $0.requireID()) })
        let unitNames = Dictionary(uniqueKeysWithValues: unitIDs.map { ($0.value, $0.key) })
        let workers = [Role.staff, .caseOfficer].compactMap { role in
            actors[role].map { CaregiverDemoCast.Worker(role: role, units: $0.unitIDs.compactMap { unitNames[$0] }.sorted()) }
        }
        var offerings: [SupportKind: UUID] = [:]
        for offering in try await SupportOffering.scoped(to: organisationID, on: db).sort(\.$name).all() where offerings[offering.kind] == nil {
            offerings[offering.kind] = try offering.requireID()
        }
        let instruments = ScreeningInstruments.all(app)
        let instrument = instruments.first { $0.id == "synlig-risk-factors" } ?? instruments.first
        let cast = CaregiverDemoCast.make(today: .today(), units: units.map { ($0.name, $0.kind) }, workers: workers,
                                          instrument: instrument, seed: randomSeed)
        var play = CaregiverDemoPlay(organisationID: organisationID, consultant: consultant, actors: actors, unitIDs: unitIDs,
                                     offerings: offerings, instrument: instrument,
                                     schedule: try await FollowUpService.schedule(for: organisationID, on: db),
                                     memoRetentionDays: try await CaregiverSettings.scoped(to: organisationID, on: db).first()?.memoRetentionDays
                                         ?? CaregiverSettings.defaultMemoRetentionDays)
        for index in cast.caregivers.indices { play.play(caregiver: index, of: cast) }
        try await play.rows.write(organisationID: organisationID, on: db)
    }
}

/// Everything the demo creates, written together.
struct CaregiverDemoRows: Sendable {
    struct Event: Sendable {
        var actor: UUID
        var action: String
        var recordType: String
        var recordID: UUID?
    }

    var caregivers: [Caregiver] = []
    var recipients: [CareRecipient] = []
    var recipientUnits: [CareRecipientUnit] = []
    var relationships: [CareRelationship] = []
    var consents: [ConsentRecord] = []
    var restrictions: [InvolvementRestriction] = []
    var invitations: [MeetingInvitation] = []
    var conversations: [CaregiverConversation] = []
    var checks: [VoluntarinessCheck] = []
    var screenings: [ScreeningResult] = []
    var plans: [SupportPlan] = []
    var supports: [CaregiverSupport] = []
    var feedback: [CaregiverFeedback] = []
    var memos: [MemoNote] = []
    var tasks: [CaregiverTask] = []
    var events: [Event] = []

    func write(organisationID: UUID, on db: any Database) async throws {
        let rows = self
        // Audited from the first statement, so the chain head is locked before anything is written.
        try await AuditTrail.transaction(on: db, actor: .system) { tx, _ in
            // Parents before children, a few hundred rows per INSERT.
            try await Self.insert(rows.caregivers, on: tx)
            try await Self.insert(rows.recipients, on: tx)
            try await Self.insert(rows.recipientUnits, on: tx)
            try await Self.insert(rows.relationships, on: tx)
            try await Self.insert(rows.consents, on: tx)
            try await Self.insert(rows.restrictions, on: tx)
            try await Self.insert(rows.invitations, on: tx)
            try await Self.insert(rows.conversations, on: tx)
            try await Self.insert(rows.checks, on: tx)
            try await Self.insert(rows.screenings, on: tx)
            try await Self.insert(rows.plans, on: tx)
            try await Self.insert(rows.supports, on: tx)
            try await Self.insert(rows.feedback, on: tx)
            try await Self.insert(rows.memos, on: tx)
            try await Self.insert(rows.tasks, on: tx)
            // One audited run per demo user inside the same transaction, so each event names who did it.
            let actors = rows.events.reduce(into: [UUID]()) { if !$0.contains($1.actor) { $0.append($1.actor) } }
            for actor in actors {
                let events = rows.events.filter { $0.actor == actor }
                try await AuditTrail.transaction(on: tx, actor: .user(actor)) { _, audit in
                    for event in events { audit.record(event.action, event.recordType, id: event.recordID, organisation: organisationID) }
                }
            }
        }
    }

    private static func insert<M: Model>(_ models: [M], on db: any Database) async throws {
        for start in stride(from: 0, to: models.count, by: 200) {
            try await Array(models[start..<min(start + 200, models.count)]).create(on: db)
        }
    }
}

/// Plays the cast's stories in memory, with the rules the services apply.
struct CaregiverDemoPlay {
    let organisationID: UUID
    let consultant: CurrentUser
    let actors: [Role: CurrentUser]
    let unitIDs: [String: UUID]
    let offerings: [SupportKind: UUID]
    let instrument: ScreeningInstrument?
    let schedule: FollowUpSchedule
    let memoRetentionDays: Int
    var rows = CaregiverDemoRows()

    struct TaskKey: Hashable {
        var caregiver: UUID
        var kind: CaregiverTaskKind
        var subject: UUID?
    }
    var openTasks: [TaskKey: CaregiverTask] = [:]
    var recipients: [Int: CareRecipient] = [:]
    var relationships: [Int: CareRelationship] = [:]
    var relationshipsOfRecipient: [UUID: [CareRelationship]] = [:]
    var caregiverByID: [UUID: Caregiver] = [:]
    var consentEntries: [UUID: [ConsentEntry]] = [:]
    var activeRestrictions: [UUID: InvolvementRestriction] = [:]
    var screeningHistory: [UUID: [ScreeningScore]] = [:]
    var plans: [UUID: SupportPlan] = [:]

    init(organisationID: UUID, consultant: CurrentUser, actors: [Role: CurrentUser], unitIDs: [String: UUID],
         offerings: [SupportKind: UUID], instrument: ScreeningInstrument?, schedule: FollowUpSchedule, memoRetentionDays: Int) {
        self.organisationID = organisationID
        self.consultant = consultant
        self.actors = actors
        self.unitIDs = unitIDs
        self.offerings = offerings
        self.instrument = instrument
        self.schedule = schedule
        self.memoRetentionDays = memoRetentionDays
    }

    mutating func audit(_ actor: CurrentUser, _ action: String, _ type: String, _ id: UUID?) {
        rows.events.append(.init(actor: actor.id, action: action, recordType: type, recordID: id))
    }

    // MARK: - Tasks, as `CaregiverTaskService` keeps them

    mutating func schedule(_ kind: CaregiverTaskKind, for caregiver: Caregiver, due: CalendarDate, subject: UUID? = nil) {
        let key = TaskKey(caregiver: caregiver.id!, kind: kind, subject: subject)
        let task: CaregiverTask
        if let open = openTasks[key] {
            task = open
        } else {
            task = CaregiverTask()
            task.id = UUID()
            task.organisationID = organisationID
            task.caregiverID = caregiver.id!
            task.kind = kind
            task.subjectID = subject
            rows.tasks.append(task)
        }
        task.dueOn = due.iso
        task.assigneeID = caregiver.responsibleUserID
        task.open = true
        openTasks[key] = task
    }

    /// Closes the open tasks of a kind (and subject); returns them.
    @discardableResult
    mutating func close(_ kind: CaregiverTaskKind, caregiver: UUID, subject: UUID? = nil) -> [CaregiverTask] {
        let keys = openTasks.keys.filter { $0.caregiver == caregiver && $0.kind == kind && (subject == nil || $0.subject == subject) }
        return keys.compactMap { key in
            let task = openTasks.removeValue(forKey: key)
            task?.open = false
            task?.doneAt = Date()
            return task
        }
    }

    func permission(_ relationship: CareRelationship, on day: CalendarDate) -> InvolvementPermission {
        InvolvementPermission(consent: ConsentState.evaluate(consentEntries[relationship.id!] ?? [], today: day),
                              restricted: activeRestrictions[relationship.id!] != nil)
    }

    // MARK: - People and relationships

    mutating func play(caregiver index: Int, of cast: CaregiverDemoCast) {
        let sketch = cast.caregivers[index]
        let author = actors[sketch.responsible] ?? consultant
        let registered = sketch.registeredOn
        let input = sketch.input
        let caregiver = Caregiver()
        caregiver.id = UUID()
        caregiver.organisationID = organisationID
        caregiver.name = input.name ?? ""
        caregiver.nameFolded = SearchText.folded(caregiver.name)
        caregiver.personalIdentityNumber = input.personalIdentityNumber.flatMap { try? PersonalIdentityNumber.parse($0, today: registered).get().canonical }
        caregiver.phone = input.phone ?? ""
        caregiver.email = input.email ?? ""
        caregiver.address = input.address ?? ""
        caregiver.preferredChannel = input.preferredChannel.flatMap(ContactChannel.init(rawValue:)) ?? .phone
        caregiver.preferredLanguage = input.preferredLanguage ?? "sv"
        caregiver.interpreterNeed = input.interpreterNeed.flatMap(InterpreterNeed.init(rawValue:)) ?? .notStated
        caregiver.gender = input.gender.flatMap(Gender.init(rawValue:)) ?? .notStated
        caregiver.birthYear = input.birthYear.flatMap { Int($0) }
        caregiver.foreignBackground = input.foreignBackground.flatMap(ForeignBackground.init(rawValue:)) ?? .notStated
        caregiver.minorityLanguage = input.minorityLanguage.flatMap(MinorityLanguage.init(rawValue:)) ?? .notStated
        caregiver.occupation = input.occupation.flatMap(Occupation.init(rawValue:)) ?? .notStated
        caregiver.ownHealthNote = input.ownHealthNote ?? ""
        caregiver.unitID = sketch.unitName.flatMap { unitIDs[$0] }
        caregiver.responsibleUserID = author.id
        caregiver.registeredOn = registered.iso
        caregiver.version = 1
        rows.caregivers.append(caregiver)
        caregiverByID[caregiver.id!] = caregiver
        schedule(.voluntarinessFollowUp, for: caregiver, due: registered)
        audit(consultant, "caregiver.create", "caregiver", caregiver.id)

        for (linkIndex, link) in cast.links.enumerated() where link.caregiver == index {
            let recipient = recipients[link.recipient] ?? addRecipient(cast.recipients[link.recipient], index: link.recipient)
            addRelationship(link, index: linkIndex, caregiver: caregiver, recipient: recipient, on: registered)
        }
        let steps = sketch.steps.enumerated().sorted { ($0.element.on, $0.offset) < ($1.element.on, $1.offset) }.map(\.element)
        for dated in steps { run(dated.step, on: dated.on, caregiver: caregiver, author: author) }
    }

    mutating func addRecipient(_ sketch: CaregiverDemoCast.RecipientSketch, index: Int) -> CareRecipient {
        let recipient = CareRecipient()
        recipient.id = UUID()
        recipient.organisationID = organisationID
        recipient.name = sketch.input.name ?? ""
        recipient.externalReference = sketch.input.externalReference ?? ""
        recipient.fixedCareContact = sketch.input.fixedCareContact ?? ""
        recipient.fixedDoctorContact = sketch.input.fixedDoctorContact ?? ""
        recipient.fixedCareHomeContact = sketch.input.fixedCareHomeContact ?? ""
        recipient.patientContract = sketch.input.patientContract
        recipient.careNeedArea = sketch.input.careNeedArea.flatMap(CareNeedArea.init(rawValue:)) ?? .notStated
        recipient.version = 1
        rows.recipients.append(recipient)
        for unitID in sketch.unitNames.compactMap({ unitIDs[$0] }) {
            rows.recipientUnits.append(CareRecipientUnit(organisationID: organisationID, recipientID: recipient.id!, unitID: unitID))
        }
        recipients[index] = recipient
        audit(consultant, "recipient.create", "care_recipient", recipient.id)
        return recipient
    }

    mutating func addRelationship(_ link: CaregiverDemoCast.LinkSketch, index: Int, caregiver: Caregiver, recipient: CareRecipient,
                                          on day: CalendarDate) {
        let input = link.input
        let relationship = CareRelationship()
        relationship.id = UUID()
        relationship.organisationID = organisationID
        relationship.caregiverID = caregiver.id!
        relationship.recipientID = recipient.id!
        relationship.relation = input.relation.flatMap(RelationKind.init(rawValue:)) ?? .notStated
        relationship.livesTogether = input.livesTogether
        relationship.since = input.since
        relationship.hoursBand = input.hoursBand.flatMap(HoursBand.init(rawValue:)) ?? .notStated
        relationship.tasksText = Set(input.tasks.compactMap(CareTask.init(rawValue:))).storedText
        relationship.coordinatedContactsText = input.coordinatedContacts ?? ""
        relationship.carriesCoordination = input.carriesCoordination
        relationship.version = 1
        rows.relationships.append(relationship)
        relationships[index] = relationship
        relationshipsOfRecipient[recipient.id!, default: []].append(relationship)
        if relationship.coordinationSignal {
            schedule(.coordinationSignal, for: caregiver, due: day.addingDays(CoordinationSignal.actWithinDays), subject: relationship.id)
        }
        audit(consultant, "relationship.create", "care_relationship", relationship.id)
    }
}
