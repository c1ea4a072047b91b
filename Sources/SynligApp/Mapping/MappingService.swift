import Fluent
import SynligCore
import Vapor

/// What a strategist submits to start a mapping, from a form or the API.
package struct MappingInput: Sendable {
    var title: String?
    var periodStart: String?
    var periodEnd: String?
    var scope: String?
    var unitIDs: [String]
    var bankID: String?
    var responsibleUserID: String?

    package init(title: String? = nil, periodStart: String? = nil, periodEnd: String? = nil, scope: String? = nil,
                 unitIDs: [String], bankID: String? = nil, responsibleUserID: String? = nil) {
        self.title = title
        self.periodStart = periodStart
        self.periodEnd = periodEnd
        self.scope = scope
        self.unitIDs = unitIDs
        self.bankID = bankID
        self.responsibleUserID = responsibleUserID
    }
}

/// One answer as submitted: the choice (if the item has one) and the text.
package struct AnswerInput: Sendable, Equatable {
    var choice: String?
    var text: String?

    package init(choice: String? = nil, text: String? = nil) {
        self.choice = choice
        self.text = text
    }
}

/// The rules of a mapping's life: who may start, answer, reflect and close it, and what a
/// valid answer is. Pages and API both come through here.
package enum MappingService {
    static let maxTitleLength = 200
    static let maxAnswerLength = TextLimit.longText
    static let maxParticipantsLength = 2000

    static let managers: Set<Role> = [.admin, .strategist]
    static let readers: Set<Role> = [.admin, .strategist, .viewer]

    // MARK: Starting and closing

    /// nil when not given; a problem when given but not a UUID.
    static func optionalID(_ raw: String?, field: String, into problems: inout [SynligError.FieldProblem]) throws -> UUID? {
        guard let raw = raw?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
        guard let id = UUID(uuidString: raw) else {
            problems.append(.init(field: field, messageKey: "input.invalid_id"))
            return nil
        }
        return id
    }

    package static func create(_ input: MappingInput, by user: CurrentUser, on db: any Database) async throws -> Mapping {
        guard user.hasAny(managers) else { throw SynligError.forbidden }
        var problems: [SynligError.FieldProblem] = []
        let (title, titleProblem) = TextInput.check(input.title, required: true, maxLength: maxTitleLength)
        if let titleProblem { problems.append(.init(field: "title", messageKey: titleProblem.rawValue)) }
        let start = CalendarDate(input.periodStart)
        let end = CalendarDate(input.periodEnd)
        if start == nil { problems.append(.init(field: "periodStart", messageKey: "input.invalid_date")) }
        if end == nil { problems.append(.init(field: "periodEnd", messageKey: "input.invalid_date")) }
        if let start, let end, end < start { problems.append(.init(field: "periodEnd", messageKey: "mapping.period_order")) }
        let scope = input.scope.flatMap(MappingScope.init(rawValue:))
        if scope == nil { problems.append(.init(field: "scope", messageKey: "mapping.scope_invalid")) }
        let unitIDs = Set(input.unitIDs.compactMap(UUID.init(uuidString:)))
        if unitIDs.count != Set(input.unitIDs).count { problems.append(.init(field: "units", messageKey: "user.unit_invalid")) }
        if scope == .units && unitIDs.isEmpty { problems.append(.init(field: "units", messageKey: "mapping.units_required")) }
        // An id that is given must be an id: a typo never silently becomes someone or something else.
        let bankID = try optionalID(input.bankID, field: "bank", into: &problems)
        let responsibleID = try optionalID(input.responsibleUserID, field: "responsible", into: &problems) ?? user.id
        guard problems.isEmpty, let start, let end, let scope else { throw SynligError.invalid(problems) }

        let organisationID = user.organisationID
        return try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            let bank: QuestionBank
            if let bankID {
                bank = try await QuestionBank.find(bankID, availableTo: organisationID, on: tx)
            } else {
                guard let official = try await QuestionBank.query(on: tx).filter(\.$isOfficial == true).sort(\.$createdAt, .descending).first()
                else { throw SynligError(.conflict, "mapping.no_bank") }
                bank = official
            }
            let responsible = try await User.scoped(to: organisationID, on: tx).filter(\.$id == responsibleID).filter(\.$active == true).first()
            guard responsible != nil else { throw SynligError.invalid([.init(field: "responsible", messageKey: "mapping.responsible_invalid")]) }
            if scope == .units {
                let found = try await Unit.scoped(to: organisationID, on: tx).filter(\.$id ~~ Array(unitIDs)).count()
                if found != unitIDs.count { throw SynligError.invalid([.init(field: "units", messageKey: "user.unit_invalid")]) }
            }
            let mapping = Mapping()
            mapping.organisationID = organisationID
            mapping.bankID = try bank.requireID()
            mapping.title = title
            mapping.periodStart = start.iso
            mapping.periodEnd = end.iso
            mapping.responsibleUserID = responsibleID
            mapping.status = .draft
            mapping.scope = scope
            mapping.version = 1
            try await mapping.create(on: tx)
            let mappingID = try mapping.requireID()
            if scope == .units {
                for unitID in unitIDs.sorted(by: { $0.uuidString < $1.uuidString }) {
                    try await MappingUnit(mappingID: mappingID, unitID: unitID, organisationID: organisationID).create(on: tx)
                }
            }
            audit.record("mapping.create", "mapping", id: mappingID, organisation: organisationID)
            return mapping
        }
    }

    /// draft → open → closed, never back: a closed mapping is the record of what was found.
    package static func changeStatus(_ mappingID: UUID, to status: MappingStatus, by user: CurrentUser, on db: any Database) async throws -> Mapping {
        guard user.hasAny(managers) else { throw SynligError.forbidden }
        return try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            let mapping = try await Mapping.find(mappingID, in: user.organisationID, on: tx)
            let allowed: Bool = switch (mapping.status, status) {
            case (.draft, .open), (.open, .closed), (.draft, .closed): true
            default: false
            }
            guard allowed else {
                throw SynligError(.conflict, mapping.status == .closed ? "mapping.closed" : "mapping.status_change_invalid")
            }
            mapping.status = status
            if status == .closed { mapping.closedAt = Date() }
            mapping.version += 1
            try await mapping.update(on: tx)
            if status == .closed { try await RoutineCatalogue.applyClosedMapping(mapping, by: user.id, on: tx) }
            audit.record(status == .closed ? "mapping.close" : "mapping.open", "mapping", id: mappingID, organisation: user.organisationID)
            return mapping
        }
    }

    // MARK: Respondents and workshops

    /// Invites a user to answer (individual) or opens a workshop record, for the organisation
    /// or one unit in scope.
    package static func addResponse(to mappingID: UUID, kind: ResponseKind, respondentID: UUID?, unitID: UUID?,
                            participants: String?, by user: CurrentUser, on db: any Database) async throws -> MappingResponse {
        guard user.hasAny(managers) else { throw SynligError.forbidden }
        let (participantText, participantProblem) = TextInput.check(participants, required: kind == .workshop,
                                                                    maxLength: maxParticipantsLength, multiline: true)
        if let participantProblem { throw SynligError.invalid([.init(field: "participants", messageKey: participantProblem.rawValue)]) }
        let organisationID = user.organisationID
        return try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            let mapping = try await Mapping.find(mappingID, in: organisationID, on: tx)
            try mapping.ensureOpenForChanges()
            let respondent = kind == .workshop ? user.id : (respondentID ?? user.id)
            guard try await User.scoped(to: organisationID, on: tx).filter(\.$id == respondent).filter(\.$active == true).count() == 1 else {
                throw SynligError.invalid([.init(field: "respondent", messageKey: "mapping.respondent_invalid")])
            }
            switch mapping.scope {
            case .organisation:
                if unitID != nil { throw SynligError.invalid([.init(field: "unit", messageKey: "mapping.unit_not_in_scope")]) }
            case .units:
                guard let unitID, try await MappingUnit.query(on: tx).filter(\.$mappingID == mappingID).filter(\.$unitID == unitID).count() == 1 else {
                    throw SynligError.invalid([.init(field: "unit", messageKey: "mapping.unit_not_in_scope")])
                }
            }
            let response = MappingResponse()
            response.organisationID = organisationID
            response.mappingID = mappingID
            response.unitID = unitID
            response.kind = kind
            response.respondentUserID = respondent
            response.participants = kind == .workshop ? participantText : ""
            response.status = .draft
            try await response.create(on: tx)
            audit.record(kind == .workshop ? "mapping.workshop_create" : "mapping.invite", "mapping_response",
                         id: response.id, organisation: organisationID)
            return response
        }
    }

    /// Who may write on a sheet: its respondent; for a workshop, also strategists and administrators.
    static func ensureMayAnswer(_ response: MappingResponse, user: CurrentUser) throws {
        if response.respondentUserID == user.id { return }
        if response.kind == .workshop && user.hasAny(managers) { return }
        throw SynligError.forbidden
    }

    // MARK: Answering

    /// Checks answers against the bank the mapping uses: known items, choices that fit them.
    static func validate(_ answers: [String: AnswerInput], bank: QuestionBankContent) -> (valid: [String: (String?, String)], problems: [SynligError.FieldProblem]) {
        var valid: [String: (String?, String)] = [:]
        var problems: [SynligError.FieldProblem] = []
        var kinds: [String: ItemKind] = [:]
        for question in bank.questions {
            kinds[question.key] = question.format == .yesNo ? .yesNo : .open
            for followUp in question.followUps { kinds[followUp.key] = .open }
            for routine in question.routines { kinds[routine.key] = .routine }
        }
        for (key, answer) in answers {
            guard let kind = kinds[key] else {
                problems.append(.init(field: key, messageKey: "mapping.unknown_item"))
                continue
            }
            let (text, textProblem) = TextInput.check(answer.text, required: false, maxLength: maxAnswerLength, multiline: true)
            if let textProblem { problems.append(.init(field: key, messageKey: textProblem.rawValue)) }
            let choice = answer.choice.flatMap { $0.isEmpty ? nil : $0 }
            switch kind {
            case .yesNo:
                if let choice, YesNoChoice(rawValue: choice) == nil { problems.append(.init(field: key, messageKey: "mapping.choice_invalid")) }
            case .routine:
                if let choice, RoutineState(rawValue: choice) == nil { problems.append(.init(field: key, messageKey: "mapping.choice_invalid")) }
            case .open:
                if choice != nil { problems.append(.init(field: key, messageKey: "mapping.choice_invalid")) }
            }
            valid[key] = (choice, text)
        }
        return (valid, problems)
    }

    private enum ItemKind { case yesNo, open, routine }

    /// Saves a sheet's answers; what was there before goes to the history. Empty answers are
    /// kept as drafts: nothing typed is lost. `submit` marks the sheet as ready for the results.
    package static func saveAnswers(responseID: UUID, answers: [String: AnswerInput], submit: Bool,
                            by user: CurrentUser, on db: any Database) async throws -> MappingResponse {
        let organisationID = user.organisationID
        return try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            let response = try await MappingResponse.find(responseID, in: organisationID, on: tx)
            try ensureMayAnswer(response, user: user)
            let mapping = try await Mapping.find(response.mappingID, in: organisationID, on: tx)
            try mapping.ensureOpenForChanges()
            guard mapping.status == .open else { throw SynligError(.conflict, "mapping.not_open") }
            guard let bank = try await QuestionBank.find(mapping.bankID, on: tx) else { throw SynligError.notFound }
            let (valid, problems) = validate(answers, bank: try bank.content)
            guard problems.isEmpty else { throw SynligError.invalid(problems) }

            let existing = try await MappingAnswer.query(on: tx).filter(\.$responseID == responseID).all()
            var byKey = Dictionary(uniqueKeysWithValues: existing.map { ($0.itemKey, $0) })
            let now = Date()
            var changed = false
            for (key, (choice, text)) in valid.sorted(by: { $0.key < $1.key }) {
                if let answer = byKey[key] {
                    guard answer.choice != choice || answer.text != text else { continue }
                    let history = MappingAnswerHistory()
                    history.organisationID = organisationID
                    history.answerID = try answer.requireID()
                    history.choice = answer.choice
                    history.text = answer.text
                    history.changedBy = answer.updatedBy
                    history.changedAt = answer.updatedAt
                    try await history.create(on: tx)
                    answer.choice = choice
                    answer.text = text
                    answer.updatedBy = user.id
                    answer.updatedAt = now
                    try await answer.update(on: tx)
                    changed = true
                } else {
                    guard choice != nil || !text.isEmpty else { continue }
                    let answer = MappingAnswer()
                    answer.organisationID = organisationID
                    answer.responseID = responseID
                    answer.mappingID = mapping.id!
                    answer.itemKey = key
                    answer.choice = choice
                    answer.text = text
                    answer.updatedBy = user.id
                    answer.updatedAt = now
                    try await answer.create(on: tx)
                    byKey[key] = answer
                    changed = true
                }
            }
            if changed { audit.record("mapping.answer", "mapping_response", id: responseID, organisation: organisationID) }
            if submit && response.status != .submitted {
                response.status = .submitted
                response.submittedAt = now
                try await response.update(on: tx)
                audit.record("mapping.submit", "mapping_response", id: responseID, organisation: organisationID)
            }
            return response
        }
    }

    package static func saveReflection(mappingID: UUID, areaKey: String, text rawText: String?, by user: CurrentUser, on db: any Database) async throws {
        guard user.hasAny(managers) else { throw SynligError.forbidden }
        let (text, problem) = TextInput.check(rawText, required: false, maxLength: maxAnswerLength, multiline: true)
        if let problem { throw SynligError.invalid([.init(field: "reflection-\(areaKey)", messageKey: problem.rawValue)]) }
        let organisationID = user.organisationID
        try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            let mapping = try await Mapping.find(mappingID, in: organisationID, on: tx)
            try mapping.ensureOpenForChanges()
            guard let bank = try await QuestionBank.find(mapping.bankID, on: tx),
                  try bank.content.areas.contains(where: { $0.key == areaKey })
            else { throw SynligError.notFound }
            let existing = try await AreaReflection.query(on: tx).filter(\.$mappingID == mappingID).filter(\.$areaKey == areaKey).first()
            let reflection = existing ?? AreaReflection()
            reflection.organisationID = organisationID
            reflection.mappingID = mappingID
            reflection.areaKey = areaKey
            reflection.text = text
            reflection.updatedBy = user.id
            reflection.updatedAt = Date()
            try await reflection.save(on: tx)
            audit.record("mapping.reflection", "mapping", id: mappingID, organisation: organisationID)
        }
    }
}
