import Fluent
import SynligCore
import Vapor

/// Results, gap list, printable report and exports of one mapping.
struct MappingResultsController: RouteCollection {
    struct ResultsPage: Encodable {
        var page: PageContext
        var mappingTitle: String
        var mappingHref: String
        var period: String
        var status: String
        var results: MappingResultsView
        var gapsHref: String
        var reportHref: String
    }

    struct GapRow: Encodable {
        var item: String
        var question: String
        var unit: String
        var answer: String
        var texts: [String]
        var createGoalHref: String
    }

    struct GapsPage: Encodable {
        var page: PageContext
        var mappingTitle: String
        var mappingHref: String
        var gaps: [GapRow]
        var mayCreateGoals: Bool
    }

    struct ReportPage: Encodable {
        var page: PageContext
        var mappingTitle: String
        var organisationName: String
        var period: String
        var status: String
        var scope: String
        var scopeUnits: [String]
        var participants: [String]
        var results: MappingResultsView
        var gaps: [GapRow]
        var goals: [ReportGoal]
        var generated: String
        /// The report is read on paper: free-text answers are listed, not folded away.
        var printable = true
    }

    struct ReportGoal: Encodable {
        var title: String
        var unit: String
        var targetDate: String
        var status: String
        var actions: [String]
    }

    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.signedIn
        staff.get(SiteURL.mappingResults(SiteURL.anyID).pattern, use: results)
        staff.get(SiteURL.mappingGaps(SiteURL.anyID).pattern, use: gaps)
        staff.get(SiteURL.mappingReport(SiteURL.anyID).pattern, use: report)
        staff.get(SiteURL.mappingExportCSV(SiteURL.anyID).pattern, use: exportCSV)
        staff.get(SiteURL.mappingExportJSON(SiteURL.anyID).pattern, use: exportJSON)
    }

    private func readableMapping(_ req: Request) async throws -> Mapping {
        let user = try req.currentUser
        guard user.hasAny(MappingService.readers) else { throw SynligError.forbidden }
        return try await Mapping.find(try req.idParameter(), in: user.organisationID, on: req.db)
    }

    @Sendable func results(req: Request) async throws -> Response {
        let mapping = try await readableMapping(req)
        let id = try mapping.requireID()
        let (view, _) = try await MappingResultsView.load(mapping: mapping, request: req)
        return try await req.renderPage("mapping/results", ResultsPage(
            page: .make(for: req, titleKey: "mapping.results_title", titleArguments: [mapping.title]),
            mappingTitle: mapping.title, mappingHref: SiteURL.mapping(id).path, period: "\(mapping.periodStart) – \(mapping.periodEnd)",
            status: req.t("mapping.status.\(mapping.status.rawValue)"), results: view,
            gapsHref: SiteURL.mappingGaps(id).path, reportHref: SiteURL.mappingReport(id).path))
    }

    static func gapRows(mapping: Mapping, content: QuestionBankContent, request req: Request) async throws -> [GapRow] {
        let gaps = try await MappingGaps.load(mappingID: try mapping.requireID(), bank: content, on: req.db)
        let unitNames = try await MappingNames.units(organisationID: mapping.organisationID, on: req.db)
        let language = req.language.rawValue
        var itemText: [String: String] = [:]
        for question in content.questions {
            itemText[question.key] = "\(question.number). \(question.text.text(language))"
            for routine in question.routines { itemText[routine.key] = routine.text.text(language) }
        }
        return gaps.map { gap in
            GapRow(item: itemText[gap.itemKey] ?? gap.itemKey,
                   question: gap.itemKey == gap.questionKey ? "" : (itemText[gap.questionKey] ?? ""),
                   unit: gap.unitID.flatMap { unitNames[$0] } ?? req.t("mapping.whole_organisation"),
                   answer: req.t("mapping.choice_or_state.\(gap.choice)"), texts: gap.followUpTexts,
                   createGoalHref: GoalPages.newGoalHref(mappingID: mapping.id, itemKey: gap.itemKey, unitID: gap.unitID))
        }
    }

    @Sendable func gaps(req: Request) async throws -> Response {
        let mapping = try await readableMapping(req)
        guard let bank = try await QuestionBank.find(mapping.bankID, on: req.db) else { throw SynligError.notFound }
        let rows = try await Self.gapRows(mapping: mapping, content: try bank.content, request: req)
        return try await req.renderPage("mapping/gaps", GapsPage(
            page: .make(for: req, titleKey: "mapping.gaps_title", titleArguments: [mapping.title]),
            mappingTitle: mapping.title, mappingHref: SiteURL.mapping(try mapping.requireID()).path, gaps: rows,
            mayCreateGoals: try req.currentUser.hasAny(PlanningService.managers)))
    }

    @Sendable func report(req: Request) async throws -> Response {
        let mapping = try await readableMapping(req)
        let user = try req.currentUser
        let id = try mapping.requireID()
        let (view, content) = try await MappingResultsView.load(mapping: mapping, request: req)
        let sheets = try await MappingResponse.query(on: req.db).filter(\.$mappingID == id).filter(\.$status == .submitted).all()
        let userNames = try await MappingNames.users(organisationID: user.organisationID, on: req.db)
        let unitNames = try await MappingNames.units(organisationID: user.organisationID, on: req.db)
        let participants = sheets.map { sheet -> String in
            let unit = sheet.unitID.flatMap { unitNames[$0] } ?? req.t("mapping.whole_organisation")
            let who = sheet.kind == .workshop ? req.t("mapping.workshop_with", sheet.participants) : (userNames[sheet.respondentUserID] ?? "–")
            return "\(unit): \(who)"
        }
        let scopeUnits = try await MappingUnit.query(on: req.db).filter(\.$mappingID == id).all().compactMap { unitNames[$0.unitID] }.sorted()
        return try await req.renderPage("mapping/report", ReportPage(
            page: .make(for: req, titleKey: "mapping.report_title", titleArguments: [mapping.title]),
            mappingTitle: mapping.title, organisationName: user.organisationName,
            period: "\(mapping.periodStart) – \(mapping.periodEnd)", status: req.t("mapping.status.\(mapping.status.rawValue)"),
            scope: req.t("mapping.scope.\(mapping.scope.rawValue)"), scopeUnits: scopeUnits, participants: participants,
            results: view, gaps: try await Self.gapRows(mapping: mapping, content: content, request: req),
            goals: try await Self.goalsDecided(mappingID: id, organisationID: user.organisationID, unitNames: unitNames,
                                               userNames: userNames, request: req),
            generated: SwedishTime.format(Date(), language: req.language.rawValue)))
    }

    /// The goals and actions decided from this mapping, for the report.
    static func goalsDecided(mappingID: UUID, organisationID: UUID, unitNames: [UUID: String], userNames: [UUID: String],
                             request req: Request) async throws -> [ReportGoal] {
        let goals = try await Goal.scoped(to: organisationID, on: req.db).filter(\.$sourceMappingID == mappingID).sort(\.$targetDate).all()
        let actions = try await PlanAction.scoped(to: organisationID, on: req.db).filter(\.$goalID ~~ goals.compactMap(\.id)).sort(\.$dueDate).all()
        return goals.map { goal in
            ReportGoal(title: goal.title, unit: goal.unitID.flatMap { unitNames[$0] } ?? req.t("mapping.whole_organisation"),
                       targetDate: goal.targetDate, status: req.t("plan.goal_status.\(goal.status.rawValue)"),
                       actions: actions.filter { $0.goalID == goal.id }.map {
                           "\($0.title) – \(userNames[$0.ownerUserID] ?? "–"), \($0.dueDate) (\(req.t("plan.action_status.\($0.status.rawValue)")))"
                       })
        }
    }

    /// One row per answer of every submitted sheet.
    struct ExportRow: Content {
        var mapping: String
        var unit: String
        var sheet: UUID
        var sheetKind: String
        var item: String
        var itemText: String
        var choice: String?
        var text: String
        var updatedAt: Date
    }

    static func exportRows(mapping: Mapping, request req: Request) async throws -> [ExportRow] {
        let id = try mapping.requireID()
        guard let bank = try await QuestionBank.find(mapping.bankID, on: req.db) else { throw SynligError.notFound }
        let content = try bank.content
        var itemText: [String: String] = [:]
        for question in content.questions {
            itemText[question.key] = question.text.sv
            for followUp in question.followUps { itemText[followUp.key] = followUp.text.sv }
            for routine in question.routines { itemText[routine.key] = routine.text.sv }
        }
        let sheets = try await MappingResponse.query(on: req.db).filter(\.$mappingID == id).filter(\.$status == .submitted).all()
        let sheetByID = Dictionary(uniqueKeysWithValues: sheets.compactMap { s in s.id.map { ($0, s) } })
        let unitNames = try await MappingNames.units(organisationID: mapping.organisationID, on: req.db)
        let answers = try await MappingAnswer.query(on: req.db).filter(\.$mappingID == id)
            .filter(\.$responseID ~~ Array(sheetByID.keys)).sort(\.$responseID).sort(\.$itemKey).all()
        return answers.compactMap { answer in
            guard let sheet = sheetByID[answer.responseID] else { return nil }
            return ExportRow(mapping: mapping.title, unit: sheet.unitID.flatMap { unitNames[$0] } ?? "",
                             sheet: answer.responseID, sheetKind: sheet.kind.rawValue, item: answer.itemKey,
                             itemText: itemText[answer.itemKey] ?? "", choice: answer.choice, text: answer.text, updatedAt: answer.updatedAt)
        }
    }

    @Sendable func exportCSV(req: Request) async throws -> Response {
        let mapping = try await readableMapping(req)
        let rows = try await Self.exportRows(mapping: mapping, request: req)
        let document = CSVText.document(
            header: ["kartläggning", "verksamhet", "svarsblad", "typ", "fråga", "frågetext", "svar", "text", "ändrad"],
            rows: rows.map { [$0.mapping, $0.unit, $0.sheet.uuidString, $0.sheetKind, $0.item, $0.itemText, $0.choice ?? "", $0.text,
                              SwedishTime.format($0.updatedAt, language: "sv")] })
        return .csvDownload(document, filename: "kartlaggning-\(mapping.periodStart).csv")
    }

    @Sendable func exportJSON(req: Request) async throws -> Response {
        let mapping = try await readableMapping(req)
        let rows = try await Self.exportRows(mapping: mapping, request: req)
        let response = try await rows.encodeResponse(for: req)
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"kartlaggning-\(mapping.periodStart).json\"")
        return response
    }
}
