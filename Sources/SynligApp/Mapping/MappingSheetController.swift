import Fluent
import SynligCore
import Vapor

/// The answer sheet: a respondent or a workshop answers the bank's questions, area by area.
/// Every follow-up is on the page with the answer it belongs to ("Om ja", "Om nej"), so the
/// sheet works without JavaScript; the results only count follow-ups that match the answer.
struct MappingSheetController: RouteCollection {
    struct Choice: Encodable {
        var id: String
        var value: String
        var label: String
        var selected: Bool
    }

    struct FollowUpField: Encodable {
        var id: String
        var name: String
        var condition: String
        var label: String
        var value: String
        var error: String?
    }

    struct RoutineField: Encodable {
        var key: String
        var text: String
        var choices: [Choice]
        var referenceID: String
        var referenceName: String
        var reference: String
        var error: String?
    }

    struct QuestionField: Encodable {
        var key: String
        var number: String
        var text: String
        var isYesNo: Bool
        var choiceName: String
        var choices: [Choice]
        var textID: String
        var textName: String
        var answerText: String
        var followUps: [FollowUpField]
        var routines: [RoutineField]
        var error: String?
    }

    struct AreaSection: Encodable {
        var key: String
        var title: String
        var questions: [QuestionField]
    }

    struct SheetPage: Encodable {
        var page: PageContext
        var mappingTitle: String
        /// Respondents who are not readers reach only their own sheet: no link to the mapping.
        var mappingHref: String?
        var context: String
        var participants: String
        var status: String
        var action: String
        var readOnly: Bool
        var readOnlyReason: String?
        var source: String
        var translationNote: String?
        var areas: [AreaSection]
        var saved: Bool
    }

    struct SheetForm: Content {
        var choice: [String: String]?
        var text: [String: String]?
        var submit: String?
    }

    struct HistoryRow: Encodable {
        var item: String
        var choice: String
        var text: String
        var by: String
        var at: String
    }

    struct HistoryPage: Encodable {
        var page: PageContext
        var mappingHref: String
        var rows: [HistoryRow]
    }

    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.signedIn
        staff.get(SiteURL.mappingResponse(SiteURL.anyID, SiteURL.anyID).pattern, use: show)
        staff.post(SiteURL.mappingResponse(SiteURL.anyID, SiteURL.anyID).pattern, use: save)
        staff.get(SiteURL.mappingResponseHistory(SiteURL.anyID, SiteURL.anyID).pattern, use: history)
    }

    /// The sheet, checked against the mapping in the path so ids cannot be mixed.
    private func load(_ req: Request) async throws -> (Mapping, MappingResponse, QuestionBankContent) {
        let user = try req.currentUser
        let mapping = try await Mapping.find(try req.idParameter(), in: user.organisationID, on: req.db)
        let response = try await MappingResponse.find(try req.idParameter("responseID"), in: user.organisationID, on: req.db)
        guard response.mappingID == mapping.id else { throw SynligError.notFound }
        guard let bank = try await QuestionBank.find(mapping.bankID, on: req.db) else { throw SynligError.notFound }
        return (mapping, response, try bank.content)
    }

    @Sendable func show(req: Request) async throws -> Response {
        let (mapping, response, content) = try await load(req)
        let user = try req.currentUser
        let mayAnswer = (try? MappingService.ensureMayAnswer(response, user: user)) != nil
        guard mayAnswer || user.hasAny(MappingService.readers) else { throw SynligError.forbidden }
        let answers = try await MappingAnswer.query(on: req.db).filter(\.$responseID == response.requireID()).all()
        let values = Dictionary(uniqueKeysWithValues: answers.map { ($0.itemKey, AnswerInput(choice: $0.choice, text: $0.text)) })
        return try await render(req, mapping: mapping, response: response, content: content, values: values,
                                mayAnswer: mayAnswer, errors: .none, summary: [], status: .ok,
                                saved: req.query[String.self, at: "saved"] == "1")
    }

    @Sendable func save(req: Request) async throws -> Response {
        let (mapping, response, content) = try await load(req)
        let form = try req.content.decode(SheetForm.self)
        var answers: [String: AnswerInput] = [:]
        for (key, choice) in form.choice ?? [:] { answers[key, default: AnswerInput()].choice = choice }
        for (key, text) in form.text ?? [:] { answers[key, default: AnswerInput()].text = text }
        let mappingID = try mapping.requireID()
        let responseID = try response.requireID()
        do {
            _ = try await MappingService.saveAnswers(responseID: responseID, answers: answers, submit: form.submit == "1",
                                                     by: try req.currentUser, on: req.db)
            return req.redirect(to: SiteURL.mappingResponse(mappingID, responseID).path + "?saved=1")
        } catch let error as SynligError where !error.fieldProblems.isEmpty {
            // Show the sheet again with everything typed, so nothing is lost.
            let errors = FormErrors(error.fieldProblems, request: req)
            return try await render(req, mapping: mapping, response: response, content: content, values: answers,
                                    mayAnswer: true, errors: errors, summary: errors.fieldProblems(req).map {
                                        PageContext.FormError(field: Self.inputID($0.field, in: content), message: $0.field + ": " + $0.message)
                                    }, status: error.status, saved: false)
        }
    }

    static func fieldID(_ key: String) -> String { "item-" + key.replacingOccurrences(of: ".", with: "-") }

    /// Where a problem with `key` is typed: a routine's reference field, or the item's own.
    static func inputID(_ key: String, in content: QuestionBankContent) -> String {
        let routines = content.areas.flatMap { content.questions(in: $0.key) }.flatMap(\.routines).map(\.key)
        return routines.contains(key) ? fieldID(key) + "-reference" : fieldID(key)
    }

    private func render(_ req: Request, mapping: Mapping, response: MappingResponse, content: QuestionBankContent,
                        values: [String: AnswerInput], mayAnswer: Bool, errors: FormErrors, summary: [PageContext.FormError],
                        status: HTTPStatus, saved: Bool) async throws -> Response {
        let language = req.language.rawValue
        let mappingID = try mapping.requireID()
        let unitName = try await response.unitID.asyncMap { try await Unit.find($0, on: req.db)?.name } ?? nil
        let readOnlyReason: String? = mapping.status == .closed ? req.t("mapping.closed")
            : mapping.status == .draft ? req.t("mapping.not_open")
            : mayAnswer ? nil : req.t("mapping.sheet_not_yours")
        func choice(_ key: String, _ value: String, _ labelKey: String) -> Choice {
            Choice(id: Self.fieldID(key) + "--" + value, value: value, label: req.t(labelKey), selected: values[key]?.choice == value)
        }
        let areas = content.areas.map { area in
            AreaSection(key: area.key, title: area.title.text(language), questions: content.questions(in: area.key).map { question in
                QuestionField(
                    key: question.key, number: question.number, text: question.text.text(language),
                    isYesNo: question.format == .yesNo, choiceName: "choice[\(question.key)]",
                    choices: YesNoChoice.allCases.map { choice(question.key, $0.rawValue, "mapping.choice.\($0.rawValue)") },
                    textID: Self.fieldID(question.key), textName: "text[\(question.key)]", answerText: values[question.key]?.text ?? "",
                    followUps: question.followUps.map { followUp in
                        FollowUpField(id: Self.fieldID(followUp.key), name: "text[\(followUp.key)]",
                                      condition: req.t("mapping.condition.\(followUp.condition.rawValue)"),
                                      label: followUp.text.text(language), value: values[followUp.key]?.text ?? "",
                                      error: errors.byField[followUp.key])
                    },
                    routines: question.routines.map { routine in
                        RoutineField(key: routine.key, text: routine.text.text(language),
                                     choices: RoutineState.allCases.map { choice(routine.key, $0.rawValue, "mapping.routine.\($0.rawValue)") },
                                     referenceID: Self.fieldID(routine.key) + "-reference", referenceName: "text[\(routine.key)]",
                                     reference: values[routine.key]?.text ?? "", error: errors.byField[routine.key])
                    },
                    error: errors.byField[question.key])
            })
        }
        let page = SheetPage(
            page: .make(for: req, titleKey: "mapping.sheet_title", titleArguments: [mapping.title], errors: summary),
            mappingTitle: mapping.title,
            mappingHref: (try req.currentUser).hasAny(MappingService.readers) ? SiteURL.mapping(mappingID).path : nil,
            context: unitName ?? req.t("mapping.whole_organisation"), participants: response.participants,
            status: req.t("mapping.sheet_status.\(response.status.rawValue)"),
            action: SiteURL.mappingResponse(mappingID, try response.requireID()).path,
            readOnly: readOnlyReason != nil, readOnlyReason: readOnlyReason,
            source: MappingNames.sourceLine(content.source),
            translationNote: language == "en" ? content.source.translationNote.text(language) : nil,
            areas: areas, saved: saved)
        return try await req.renderPage("mapping/sheet", page, status: status)
    }

    @Sendable func history(req: Request) async throws -> Response {
        let (mapping, response, _) = try await load(req)
        let user = try req.currentUser
        guard (try? MappingService.ensureMayAnswer(response, user: user)) != nil || user.hasAny(MappingService.readers) else {
            throw SynligError.forbidden
        }
        let answers = try await MappingAnswer.query(on: req.db).filter(\.$responseID == response.requireID()).all()
        let keyByAnswer = Dictionary(uniqueKeysWithValues: answers.compactMap { a in a.id.map { ($0, a.itemKey) } })
        let history = try await MappingAnswerHistory.query(on: req.db)
            .filter(\.$answerID ~~ Array(keyByAnswer.keys)).sort(\.$changedAt, .descending).all()
        let names = try await MappingNames.users(organisationID: user.organisationID, on: req.db)
        let rows = history.map {
            HistoryRow(item: keyByAnswer[$0.answerID] ?? "", choice: $0.choice.map { req.t("mapping.choice_or_state.\($0)") } ?? "–",
                       text: $0.text, by: names[$0.changedBy] ?? "–",
                       at: SwedishTime.format($0.changedAt, language: req.language.rawValue))
        }
        return try await req.renderPage("mapping/history", HistoryPage(
            page: .make(for: req, titleKey: "mapping.history_title"), mappingHref: SiteURL.mapping(try mapping.requireID()).path, rows: rows))
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        switch self {
        case .some(let value): return try await transform(value)
        case .none: return nil
        }
    }
}
