import Fluent
import SynligCore
import Vapor

/// `/api/v1` for the mapping (kartläggning): question banks, mappings, sheets, results and gaps.
/// A thin layer: the rules live in `MappingService`; this turns JSON into their inputs
/// and their records into JSON. Records of other organisations are not found (404) because
/// every read goes through the organisation-scoped helpers.
struct MappingAPIController: APIRouteCollection {
    func boot(api: APIRoutes) throws {
        let signedIn = api.signedIn
        let readers = signedIn.grouped(RequireRole(roles: MappingService.readers))
        let managers = signedIn.grouped(RequireRole(roles: MappingService.managers))

        // Any signed-in user: a respondent needs the questions to answer them.
        signedIn.get("question-banks", use: listBanks)
        signedIn.get("question-banks", ":id", use: getBank)
        // Any signed-in user: the sheets waiting for them, so a respondent can find their own.
        signedIn.get("me", "mapping-responses", use: mySheets)

        readers.get("mappings", use: listMappings)
        managers.post("mappings", use: createMapping)
        readers.get("mappings", ":id", use: getMapping)
        let managedMapping = managers.naming(Mapping.self)
        managedMapping.post("mappings", ":id", "status", use: changeMappingStatus)
        readers.get("mappings", ":id", "responses", use: listResponses)
        managedMapping.post("mappings", ":id", "responses", use: addResponse)
        // The respondent, or readers: checked in the handlers and the service.
        signedIn.get("mappings", ":id", "responses", ":responseId", use: getSheet)
        signedIn.put("mappings", ":id", "responses", ":responseId", "answers", use: saveAnswers)
        managedMapping.put("mappings", ":id", "reflections", ":areaKey", use: saveReflection)
        readers.get("mappings", ":id", "results", use: results)
        readers.get("mappings", ":id", "gaps", use: gaps)
    }

    // MARK: Question banks

    @Sendable func listBanks(req: Request) async throws -> [API.QuestionBankSummary] {
        let user = try req.currentUser
        return try await QuestionBank.available(to: user.organisationID, on: req.db)
            .sort(\.$createdAt).sort(\.$id).all().map(API.QuestionBankSummary.init)
    }

    @Sendable func getBank(req: Request) async throws -> Response {
        let user = try req.currentUser
        let bank = try await QuestionBank.find(try req.idParameter(), availableTo: user.organisationID, on: req.db)
        return try await versioned(API.QuestionBankOut(bank), version: bank.version, req: req)
    }

    // MARK: Mappings

    @Sendable func listMappings(req: Request) async throws -> [API.MappingSummary] {
        let user = try req.currentUser
        return try await Mapping.scoped(to: user.organisationID, on: req.db)
            .sort(\.$periodStart, .descending).sort(\.$id).all().map(API.MappingSummary.init)
    }

    @Sendable func createMapping(req: Request) async throws -> Response {
        let body = try req.decodeStrict(API.MappingCreate.self)
        let mapping = try await apiFields {
            try await MappingService.create(
                MappingInput(title: body.title, periodStart: body.periodStart, periodEnd: body.periodEnd, scope: body.scope,
                             unitIDs: (body.unitIds ?? []).map(\.uuidString), bankID: body.bankId?.uuidString,
                             responsibleUserID: body.responsibleUserId?.uuidString),
                by: try req.currentUser, on: req.db)
        }
        return try await mappingResponse(mapping, req: req, status: .created)
    }

    @Sendable func getMapping(req: Request) async throws -> Response {
        let user = try req.currentUser
        let mapping = try await Mapping.find(try req.idParameter(), in: user.organisationID, on: req.db)
        return try await mappingResponse(mapping, req: req)
    }

    @Sendable func changeMappingStatus(req: Request) async throws -> Response {
        let id = try req.idParameter()
        let body = try req.decodeStrict(API.MappingStatusChange.self)
        guard let status = MappingStatus(rawValue: body.status) else {
            throw SynligError.invalid([.init(field: "status", messageKey: "mapping.status_change_invalid")])
        }
        let mapping = try await MappingService.changeStatus(id, to: status, by: try req.currentUser, on: req.db)
        return try await mappingResponse(mapping, req: req)
    }

    private func mappingResponse(_ mapping: Mapping, req: Request, status: HTTPStatus = .ok) async throws -> Response {
        let id = try mapping.requireID()
        let unitNames = try await MappingNames.units(organisationID: mapping.organisationID, on: req.db)
        let units = try await MappingUnit.query(on: req.db).filter(\.$mappingID == id).all()
            .map { API.MappingUnitOut(id: $0.unitID, name: unitNames[$0.unitID] ?? "") }
            .sorted { ($0.name, $0.id.uuidString) < ($1.name, $1.id.uuidString) }
        let sheets = try await MappingResponse.scoped(to: mapping.organisationID, on: req.db).filter(\.$mappingID == id).all()
        let submitted = sheets.filter { $0.status == .submitted }.count
        let reflections = try await AreaReflection.query(on: req.db).filter(\.$mappingID == id).sort(\.$areaKey).all()
        let summary = try API.MappingSummary(mapping)
        let body = API.MappingOut(
            id: id, title: summary.title, periodStart: summary.periodStart, periodEnd: summary.periodEnd, status: summary.status,
            scope: summary.scope, bankId: summary.bankId, responsibleUserId: summary.responsibleUserId, version: summary.version,
            closedAt: summary.closedAt, createdAt: summary.createdAt, units: units,
            counts: API.MappingCounts(responses: sheets.count, submitted: submitted, drafts: sheets.count - submitted),
            reflections: reflections.map(API.ReflectionOut.init))
        return try await versioned(body, version: mapping.version, req: req, status: status)
    }

    // MARK: Sheets

    @Sendable func listResponses(req: Request) async throws -> [API.ResponseOut] {
        let user = try req.currentUser
        let mapping = try await Mapping.find(try req.idParameter(), in: user.organisationID, on: req.db)
        let names = try await MappingNames.users(organisationID: user.organisationID, on: req.db)
        return try await MappingResponse.scoped(to: user.organisationID, on: req.db)
            .filter(\.$mappingID == mapping.requireID()).sort(\.$createdAt).sort(\.$id).all()
            .map { try API.ResponseOut($0, respondentName: names[$0.respondentUserID]) }
    }

    /// The signed-in user's own sheets in mappings that are open for answers.
    @Sendable func mySheets(req: Request) async throws -> [API.ResponseOut] {
        let user = try req.currentUser
        let open = try await Mapping.scoped(to: user.organisationID, on: req.db).filter(\.$status == .open).all(\.$id)
        return try await MappingResponse.scoped(to: user.organisationID, on: req.db)
            .filter(\.$respondentUserID == user.id).filter(\.$mappingID ~~ open)
            .sort(\.$createdAt).all()
            .map { try API.ResponseOut($0, respondentName: user.displayName) }
    }

    @Sendable func addResponse(req: Request) async throws -> Response {
        let id = try req.idParameter()
        let body = try req.decodeStrict(API.ResponseCreate.self)
        guard let kind = ResponseKind(rawValue: body.kind) else {
            throw SynligError.invalid([.init(field: "kind", messageKey: "mapping.choice_invalid")])
        }
        let user = try req.currentUser
        let response = try await apiFields {
            try await MappingService.addResponse(to: id, kind: kind, respondentID: body.respondentUserId, unitID: body.unitId,
                                                 participants: body.participants, by: user, on: req.db)
        }
        let name = try await User.scoped(to: user.organisationID, on: req.db).filter(\.$id == response.respondentUserID).first()?.displayName
        return try await API.ResponseOut(response, respondentName: name).encodeResponse(status: .created, for: req)
    }

    /// The mapping and the sheet in the path, which must belong together (else 404).
    private func sheetInPath(_ req: Request) async throws -> (Mapping, MappingResponse) {
        let user = try req.currentUser
        let mapping = try await Mapping.find(try req.idParameter(), in: user.organisationID, on: req.db)
        let response = try await MappingResponse.find(try req.idParameter("responseId"), in: user.organisationID, on: req.db)
        guard response.mappingID == mapping.id else { throw SynligError.notFound }
        return (mapping, response)
    }

    @Sendable func getSheet(req: Request) async throws -> API.SheetOut {
        let user = try req.currentUser
        let (mapping, response) = try await sheetInPath(req)
        let mayAnswer = (try? MappingService.ensureMayAnswer(response, user: user)) != nil
        guard mayAnswer || user.hasAny(MappingService.readers) else { throw SynligError.forbidden }
        return try await sheet(mapping, response, user: user, on: req.db)
    }

    @Sendable func saveAnswers(req: Request) async throws -> API.SheetOut {
        let user = try req.currentUser
        let (_, response) = try await sheetInPath(req)
        // Who may write on the sheet is decided before its answers are read.
        try MappingService.ensureMayAnswer(response, user: user)
        let body = try req.decodeStrict(API.AnswersUpdate.self)
        try rejectUnknownAnswerFields(req)
        _ = try await MappingService.saveAnswers(
            responseID: try response.requireID(),
            answers: body.answers.mapValues { AnswerInput(choice: $0.choice, text: $0.text) },
            submit: body.submit ?? false, by: user, on: req.db)
        // Read back after the save, so the answer is what is stored.
        let (mapping, saved) = try await sheetInPath(req)
        return try await sheet(mapping, saved, user: user, on: req.db)
    }

    /// Each answer may only carry `choice` and `text`: a misspelt field is refused, not ignored.
    private func rejectUnknownAnswerFields(_ req: Request) throws {
        guard let buffer = req.body.data,
              let object = try? JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any],
              let answers = object["answers"] as? [String: Any] else { return }
        var unknown: [String] = []
        for (key, value) in answers {
            guard let fields = value as? [String: Any] else { continue }
            unknown += fields.keys.filter { !API.AnswersUpdate.answerKeys.contains($0) }.map { "answers.\(key).\($0)" }
        }
        if !unknown.isEmpty {
            throw SynligError(.badRequest, "error.unknown_fields", arguments: [unknown.sorted().joined(separator: ", ")])
        }
    }

    private func sheet(_ mapping: Mapping, _ response: MappingResponse, user: CurrentUser, on db: any Database) async throws -> API.SheetOut {
        let responseID = try response.requireID()
        let answers = try await MappingAnswer.query(on: db).filter(\.$responseID == responseID).sort(\.$itemKey).all()
        let mayAnswer = (try? MappingService.ensureMayAnswer(response, user: user)) != nil && mapping.status == .open
        return API.SheetOut(id: responseID, mappingId: response.mappingID, bankId: mapping.bankID, mappingStatus: mapping.status,
                            kind: response.kind, unitId: response.unitID, respondentUserId: response.respondentUserID,
                            participants: response.participants, status: response.status, submittedAt: response.submittedAt,
                            mayAnswer: mayAnswer, answers: answers.map(API.AnswerOut.init))
    }

    @Sendable func saveReflection(req: Request) async throws -> API.ReflectionOut {
        let id = try req.idParameter()
        guard let areaKey = req.parameters.get("areaKey") else { throw SynligError.notFound }
        let body = try req.decodeStrict(API.ReflectionUpdate.self)
        let user = try req.currentUser
        try await apiFields {
            try await MappingService.saveReflection(mappingID: id, areaKey: areaKey, text: body.text, by: user, on: req.db)
        }
        guard let saved = try await AreaReflection.query(on: req.db)
            .filter(\.$organisationID == user.organisationID).filter(\.$mappingID == id).filter(\.$areaKey == areaKey).first()
        else { throw SynligError.notFound }
        return API.ReflectionOut(saved)
    }

    // MARK: Results and gaps

    @Sendable func results(req: Request) async throws -> API.ResultsOut {
        let user = try req.currentUser
        let mapping = try await Mapping.find(try req.idParameter(), in: user.organisationID, on: req.db)
        let mappingID = try mapping.requireID()
        guard let bank = try await QuestionBank.find(mapping.bankID, on: req.db) else { throw SynligError.notFound }
        let content = try bank.content
        let results = try await MappingResultSet.load(mappingID: mappingID, on: req.db)
        let previous = try await MappingResultSet.previous(of: mapping, on: req.db)
        let before = try await previous.asyncMap { try await MappingResultSet.load(mappingID: try $0.requireID(), on: req.db) }
        let unitNames = try await MappingNames.units(organisationID: user.organisationID, on: req.db)
        let unitIDs = try await MappingUnit.query(on: req.db).filter(\.$mappingID == mappingID).all().map(\.unitID)
            .sorted { (unitNames[$0] ?? "", $0.uuidString) < (unitNames[$1] ?? "", $1.uuidString) }
        let practice = try await MappingResultsView.practice(for: mapping, on: req.db)

        func item(_ key: String, question: String, kind: String, order: [String], good: String) -> API.ItemResultOut {
            let change = before.flatMap {
                MappingChange.between(previous: $0.distribution(key), current: results.distribution(key), goodChoice: good)
            }
            return API.ItemResultOut(
                itemKey: key, questionKey: question, kind: kind, choices: order,
                overall: API.DistributionOut(results.distribution(key), order: order),
                units: unitIDs.map { API.DistributionOut(results.distribution(key, unit: $0.uuidString), order: order, unitId: $0) },
                change: change.map { API.ChangeOut($0, choice: good) },
                practice: practice.map { measures in
                    PracticeIndicator.measuring(key).map { API.PracticeOut($0, measures: measures, unitIDs: unitIDs) }
                } ?? [])
        }
        var items: [API.ItemResultOut] = []
        for question in content.questions {
            if question.format == .yesNo {
                items.append(item(question.key, question: question.key, kind: "yesNo",
                                  order: MappingResultsView.questionOrder, good: YesNoChoice.yes.rawValue))
            }
            for routine in question.routines {
                items.append(item(routine.key, question: question.key, kind: "routine",
                                  order: MappingResultsView.routineOrder, good: RoutineState.exists.rawValue))
            }
        }
        return API.ResultsOut(mappingId: mappingID, status: mapping.status, sheets: results.sheets[MappingResultSet.overall] ?? 0,
                              unitIds: unitIDs, previousMappingId: previous?.id, items: items)
    }

    @Sendable func gaps(req: Request) async throws -> [API.GapOut] {
        let user = try req.currentUser
        let mapping = try await Mapping.find(try req.idParameter(), in: user.organisationID, on: req.db)
        guard let bank = try await QuestionBank.find(mapping.bankID, on: req.db) else { throw SynligError.notFound }
        return try await MappingGaps.load(mappingID: try mapping.requireID(), bank: try bank.content, on: req.db).map(API.GapOut.init)
    }

    // MARK: Helpers

    /// The services name fields as the pages' forms do; the API's clients know them by the
    /// JSON names, so problems are renamed on the way out.
    static let fieldNames: [String: String] = [
        "units": "unitIds", "responsible": "responsibleUserId", "respondent": "respondentUserId", "unit": "unitId",
        "owner": "ownerUserId", "links": "itemKeys", "actionTitle": "title", "actionDescription": "description",
        "actionOwner": "ownerUserId", "actionStatus": "status", "followUpDate": "date", "sourceMapping": "sourceMappingId",
        "bank": "bankId",
    ]

    private func apiFields<T>(_ work: () async throws -> T) async throws -> T {
        try await renamingFieldProblems({ Self.fieldNames[$0] ?? ($0.hasPrefix("reflection-") ? "text" : nil) }, work)
    }
}
