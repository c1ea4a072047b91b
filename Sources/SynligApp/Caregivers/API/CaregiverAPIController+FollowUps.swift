import Fluent
import SynligCore
import Vapor

/// The follow-up of a caregiver's own situation and the worklist, in `/api/v1`. Every list
/// under a caregiver is a read of their record and is logged; histories come newest first.
extension CaregiverAPIController {
    func bootFollowUps(_ readers: any RoutesBuilder, caregiver: any RoutesBuilder) {
        readers.get("caregivers", ":id", "conversations", use: listConversations)
        caregiver.post("caregivers", ":id", "conversations", use: addConversation)
        readers.get("caregivers", ":id", "voluntariness", use: listVoluntariness)
        caregiver.post("caregivers", ":id", "voluntariness", use: recordVoluntariness)
        readers.get("screening-instruments", use: listInstruments)
        readers.get("caregivers", ":id", "screenings", use: listScreenings)
        caregiver.post("caregivers", ":id", "screenings", use: screen)
        readers.get("caregivers", ":id", "support-plan", use: getPlan)
        caregiver.put("caregivers", ":id", "support-plan", use: savePlan)
        readers.get("caregivers", ":id", "support-needs", use: listSupportNeeds)
        caregiver.post("caregivers", ":id", "support-needs", use: addSupportNeed)
        readers.naming(CaregiverAccess.supportNeed).put("support-needs", ":id", use: updateSupportNeed)
        readers.get("caregivers", ":id", "feedback", use: listFeedback)
        caregiver.post("caregivers", ":id", "feedback", use: addFeedback)
        readers.naming(CaregiverAccess.feedback).put("feedback", ":id", use: updateFeedback)
        readers.get("caregivers", ":id", "memo-notes", use: listMemos)
        caregiver.post("caregivers", ":id", "memo-notes", use: addMemo)
        readers.get("worklist", use: worklist)
        readers.naming(CaregiverAccess.task).post("tasks", ":id", "done", use: markTaskDone)
    }

    /// The caregiver in the path, when the reader may see them; reading under it is logged.
    func readCaregiver(_ req: Request) async throws -> (user: CurrentUser, caregiverID: UUID) {
        let user = try req.currentUser
        let caregiverID = try await CaregiverAccess.caregiver(try req.idParameter(), for: user, on: req.db).requireID()
        try await req.logAccess(recordType: .caregiver, recordID: caregiverID)
        return (user, caregiverID)
    }

    // MARK: Conversations and voluntariness

    @Sendable func listConversations(req: Request) async throws -> [API.ConversationOut] {
        let (user, id) = try await readCaregiver(req)
        return try await CaregiverConversation.scoped(to: user.organisationID, on: req.db).filter(\.$caregiverID == id)
            .sort(\.$heldOn, .descending).sort(\.$createdAt, .descending).all().map(API.ConversationOut.init)
    }

    @Sendable func addConversation(req: Request) async throws -> Response {
        let id = try req.idParameter()
        let input = try req.decodeStrict(ConversationInput.self)
        let conversation = try await Self.apiFields {
            try await FollowUpService.addConversation(caregiverID: id, input, by: try req.currentUser, on: req.db)
        }
        return try await API.ConversationOut(conversation).encodeResponse(status: .created, for: req)
    }

    /// Newest first: the trend of the caregiver's answers.
    @Sendable func listVoluntariness(req: Request) async throws -> [API.VoluntarinessOut] {
        let (user, id) = try await readCaregiver(req)
        return try await VoluntarinessCheck.scoped(to: user.organisationID, on: req.db).filter(\.$caregiverID == id)
            .sort(\.$askedOn, .descending).sort(\.$createdAt, .descending).all().map(API.VoluntarinessOut.init)
    }

    /// Not wanting to or not able to continue, or something the caregiver should not have to
    /// carry, puts a task to discuss the services stepping in on the worklist.
    @Sendable func recordVoluntariness(req: Request) async throws -> Response {
        let id = try req.idParameter()
        let input = try req.decodeStrict(VoluntarinessInput.self)
        let check = try await Self.apiFields {
            try await FollowUpService.recordVoluntariness(caregiverID: id, input, by: try req.currentUser, on: req.db)
        }
        return try await API.VoluntarinessOut(check).encodeResponse(status: .created, for: req)
    }

    // MARK: Screening

    @Sendable func listInstruments(req: Request) async throws -> [API.ScreeningInstrumentOut] {
        ScreeningInstruments.all(req.application).map(API.ScreeningInstrumentOut.init)
    }

    @Sendable func listScreenings(req: Request) async throws -> [API.ScreeningOut] {
        let (user, id) = try await readCaregiver(req)
        return try await ScreeningResult.scoped(to: user.organisationID, on: req.db).filter(\.$caregiverID == id)
            .sort(\.$screenedOn, .descending).sort(\.$createdAt, .descending).all().map(API.ScreeningOut.init)
    }

    /// Scores the answers; a high level or a rising trend puts a follow-up on the worklist.
    @Sendable func screen(req: Request) async throws -> Response {
        let id = try req.idParameter()
        let body = try req.decodeStrict(API.ScreeningCreate.self)
        let result = try await Self.apiFields {
            let instrument = try ScreeningInstruments.find(body.instrumentId, in: req.application)
            return try await FollowUpService.screen(caregiverID: id, instrument: instrument, answers: body.answers ?? [:],
                                                    screenedOn: body.screenedOn, by: try req.currentUser, on: req.db)
        }
        return try await API.ScreeningOut(result).encodeResponse(status: .created, for: req)
    }

    // MARK: Support plan

    @Sendable func getPlan(req: Request) async throws -> Response {
        let (user, id) = try await readCaregiver(req)
        guard let plan = try await SupportPlan.scoped(to: user.organisationID, on: req.db).filter(\.$caregiverID == id).first() else {
            throw SynligError(.notFound, "api.caregiver.no_support_plan")
        }
        return try await versioned(try API.SupportPlanOut(plan), version: plan.version, req: req)
    }

    /// Creates the plan (201), or replaces it (200) given the version read.
    @Sendable func savePlan(req: Request) async throws -> Response {
        let user = try req.currentUser
        let id = try await CaregiverAccess.caregiver(try req.idParameter(), for: user, on: req.db).requireID()
        let body = try req.decodeStrict(API.SupportPlanUpdate.self)
        let exists = try await SupportPlan.scoped(to: user.organisationID, on: req.db).filter(\.$caregiverID == id).count() > 0
        // The first plan has no version to name; should one appear meanwhile, the service refuses (409).
        let edit = exists ? try EditPrecondition.of(req, bodyVersion: body.version) : nil
        let plan = try await Self.apiFields {
            let save = { try await FollowUpService.savePlan(caregiverID: id, body.input(version: edit?.version), by: user, on: req.db) }
            if let edit { return try await edit.run(save) }
            return try await save()
        }
        return try await versioned(try API.SupportPlanOut(plan), version: plan.version, req: req, status: exists ? .ok : .created)
    }

    // MARK: Support needs

    @Sendable func listSupportNeeds(req: Request) async throws -> [API.SupportNeedOut] {
        let (user, id) = try await readCaregiver(req)
        return try await CaregiverSupport.scoped(to: user.organisationID, on: req.db).filter(\.$caregiverID == id)
            .sort(\.$requestedOn, .descending).sort(\.$createdAt, .descending).all().map(API.SupportNeedOut.init)
    }

    @Sendable func addSupportNeed(req: Request) async throws -> Response {
        let id = try req.idParameter()
        let body = try req.decodeStrict(API.SupportNeedFields.self)
        let support = try await Self.apiFields {
            try await FollowUpService.saveSupport(nil, caregiverID: id, body.input(version: nil), by: try req.currentUser, on: req.db)
        }
        return try await versioned(try API.SupportNeedOut(support), version: support.version, req: req, status: .created)
    }

    @Sendable func updateSupportNeed(req: Request) async throws -> Response {
        let user = try req.currentUser
        let current = try await CaregiverSupport.find(try req.idParameter(), in: user.organisationID, on: req.db)
        let body = try req.decodeStrict(API.Edit<API.SupportNeedFields>.self)
        let edit = try EditPrecondition.of(req, bodyVersion: body.version)
        let support = try await edit.run {
            try await Self.apiFields {
                try await FollowUpService.saveSupport(try current.requireID(), caregiverID: current.caregiverID,
                                                      body.fields.input(version: edit.version), by: user, on: req.db)
            }
        }
        return try await versioned(try API.SupportNeedOut(support), version: support.version, req: req)
    }

    // MARK: Feedback

    @Sendable func listFeedback(req: Request) async throws -> [API.FeedbackOut] {
        let (user, id) = try await readCaregiver(req)
        return try await CaregiverFeedback.scoped(to: user.organisationID, on: req.db).filter(\.$caregiverID == id)
            .sort(\.$receivedOn, .descending).sort(\.$createdAt, .descending).all().map(API.FeedbackOut.init)
    }

    @Sendable func addFeedback(req: Request) async throws -> Response {
        let id = try req.idParameter()
        let body = try req.decodeStrict(API.FeedbackFields.self)
        let feedback = try await Self.apiFields {
            try await FollowUpService.saveFeedback(nil, caregiverID: id, body.input(version: nil), by: try req.currentUser, on: req.db)
        }
        return try await versioned(try API.FeedbackOut(feedback), version: feedback.version, req: req, status: .created)
    }

    @Sendable func updateFeedback(req: Request) async throws -> Response {
        let user = try req.currentUser
        let current = try await CaregiverFeedback.find(try req.idParameter(), in: user.organisationID, on: req.db)
        let body = try req.decodeStrict(API.Edit<API.FeedbackFields>.self)
        let edit = try EditPrecondition.of(req, bodyVersion: body.version)
        let feedback = try await edit.run {
            try await Self.apiFields {
                try await FollowUpService.saveFeedback(try current.requireID(), caregiverID: current.caregiverID,
                                                       body.fields.input(version: edit.version), by: user, on: req.db)
            }
        }
        return try await versioned(try API.FeedbackOut(feedback), version: feedback.version, req: req)
    }

    // MARK: Memo notes

    /// Notes past their time are gone for the reader even before the purge job has run.
    @Sendable func listMemos(req: Request) async throws -> [API.MemoOut] {
        let (user, id) = try await readCaregiver(req)
        return try await MemoNote.scoped(to: user.organisationID, on: req.db).filter(\.$caregiverID == id)
            .filter(\.$purgeAfter > Date()).sort(\.$createdAt, .descending).all().map(API.MemoOut.init)
    }

    @Sendable func addMemo(req: Request) async throws -> Response {
        let id = try req.idParameter()
        let body = try req.decodeStrict(API.MemoCreate.self)
        let memo = try await Self.apiFields {
            try await FollowUpService.addMemo(caregiverID: id, text: body.text, by: try req.currentUser, on: req.db)
        }
        return try await API.MemoOut(memo).encodeResponse(status: .created, for: req)
    }

    // MARK: Worklist

    /// The signed-in user's open caregiver tasks, soonest due first: those assigned to them,
    /// and for consultants those of caregivers nobody is responsible for. `kind` narrows to one
    /// kind of task, `due` to `overdue` or `dueSoon` (within 14 days, not overdue).
    @Sendable func worklist(req: Request) async throws -> API.Page<API.CaregiverTaskOut> {
        let user = try req.currentUser
        let today = CalendarDate.today()
        let (page, per) = try Pagination.api(req)
        var check = InputChecker()
        let kind = req.query[String.self, at: "kind"].flatMap { check.choice($0, "kind", as: CaregiverTaskKind.self) }
        let due = req.query[String.self, at: "due"].flatMap { check.choice($0, "due", as: DueState.self) }
        if due == .later { check.fail("due", "input.invalid_choice") }
        try check.finish()

        let query = try await WorklistQuery.make(for: user, caregiverKind: kind, withRecipientTasks: false,
                                                 due: due == .overdue ? .overdue : due == .dueSoon ? .soon : .any, today: today, on: req.db)
        // The API's total is exact, as its clients page by it.
        let total = try await query.count(on: req.db)
        let entries = try await query.page(offset: (page - 1) * per, limit: per, on: req.db)
        let reasons = try await VoluntarinessText.reasons(of: entries, organisationID: user.organisationID, req: req)
        return API.Page(items: entries.compactMap {
            API.CaregiverTaskOut($0, today: today,
                                 reasons: $0.kind == CaregiverTaskKind.discussVoluntariness.rawValue ? reasons[$0.person_id] : nil)
        },
                        page: page, per: per, total: total)
    }

    @Sendable func markTaskDone(req: Request) async throws -> API.CaregiverTaskOut {
        let user = try req.currentUser
        let id = try req.idParameter()
        try await CaregiverTaskService.markDone(id, by: user, on: req.db)
        let task = try await CaregiverTask.find(id, in: user.organisationID, on: req.db)
        let names = try await caregiverNames([task.caregiverID], organisationID: user.organisationID, on: req.db)
        return try API.CaregiverTaskOut(task, caregiverName: names[task.caregiverID] ?? "", today: .today())
    }

    private func caregiverNames(_ ids: [UUID], organisationID: UUID, on db: any Database) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        let caregivers = try await Caregiver.scoped(to: organisationID, on: db).filter(\.$id ~~ Array(Set(ids))).all()
        return Dictionary(uniqueKeysWithValues: try caregivers.map { (try $0.requireID(), $0.name) })
    }
}
