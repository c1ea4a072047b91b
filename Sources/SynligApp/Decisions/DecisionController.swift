import Fluent
import SynligCore
import Vapor

/// Consequence analyses with the caregiver perspective, and the procurement checklist.
struct DecisionController: RouteCollection {
    typealias Option = SelectOption

    struct AnalysisRow: Encodable {
        var title: String
        var href: String
        var decisionDate: String
        var reference: String
        var status: String
    }

    struct RequirementRow: Encodable {
        var id: String
        var title: String
        var text: String
        var chosen = false
    }

    struct RecordRow: Encodable {
        var title: String
        var reference: String
        var date: String
        var requirements: [String]
    }

    struct OverviewPage: Encodable {
        var page: PageContext
        var analyses: [AnalysisRow]
        var requirements: [RequirementRow]
        var records: [RecordRow]
        var mayManage: Bool
        var newAnalysisHref: String
        var requirementAction: String
        var recordAction: String
        var today: String
        var errors: FormErrors
        /// What was typed into the requirement or record form, shown again after a refusal.
        var values: [String: String] = [:]
    }

    struct AnalysisPage: Encodable {
        var page: PageContext
        var values: [String: String]
        var consultedCaregivers: Bool
        var consultedCivilSociety: Bool
        var isFinal: Bool
        var editable: Bool
        var action: String
        var version: Int
        var author: String
        var errors: FormErrors
    }

    struct RequirementForm: Content {
        var requirementTitle: String?
        var requirementText: String?
    }

    struct RecordForm: Content {
        var procurementTitle: String?
        var procurementReference: String?
        var procurementDate: String?
        var requirements: [String]?
    }

    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.signedIn
        staff.get(SiteURL.decisions.pattern, use: overview)
        staff.get(SiteURL.analysisNew.pattern, use: newAnalysis)
        staff.post(SiteURL.analyses.pattern, use: createAnalysis)
        staff.get(SiteURL.analysis(SiteURL.anyID).pattern, use: showAnalysis)
        staff.post(SiteURL.analysis(SiteURL.anyID).pattern, use: updateAnalysis)
        staff.post(SiteURL.procurementRequirements.pattern, use: addRequirement)
        staff.post(SiteURL.procurementRecords.pattern, use: addRecord)
    }

    private func reader(_ req: Request) throws -> CurrentUser {
        let user = try req.currentUser
        guard user.hasAny(MappingService.readers) else { throw SynligError.forbidden }
        return user
    }

    @Sendable func overview(req: Request) async throws -> Response {
        try await renderOverview(req, errors: .none, summary: [], status: .ok)
    }

    private func renderOverview(_ req: Request, errors: FormErrors, summary: [PageContext.FormError], status: HTTPStatus,
                                typed: [String: String?] = [:], chosenRequirements: [String] = []) async throws -> Response {
        let user = try reader(req)
        let analyses = try await ConsequenceAnalysis.scoped(to: user.organisationID, on: req.db).sort(\.$decisionDate, .descending).all()
        let requirements = try await ProcurementRequirement.scoped(to: user.organisationID, on: req.db).sort(\.$title).all()
        let records = try await ProcurementRecord.scoped(to: user.organisationID, on: req.db).sort(\.$date, .descending).all()
        let links = try await ProcurementRecordRequirement.query(on: req.db).filter(\.$recordID ~~ records.compactMap(\.id)).all()
        let titles = Dictionary(uniqueKeysWithValues: requirements.compactMap { r in r.id.map { ($0, r.title) } })
        return try await req.renderPage("decisions/overview", OverviewPage(
            page: .make(for: req, titleKey: "decision.title", errors: summary),
            analyses: try analyses.map {
                AnalysisRow(title: $0.title, href: SiteURL.analysis(try $0.requireID()).path, decisionDate: $0.decisionDate,
                            reference: $0.decisionReference, status: req.t("decision.status.\($0.status.rawValue)"))
            },
            requirements: requirements.map {
                RequirementRow(id: $0.id?.uuidString ?? "", title: $0.title, text: $0.text, chosen: chosenRequirements.contains($0.id?.uuidString ?? "-"))
            },
            records: records.map { record in
                RecordRow(title: record.title, reference: record.reference, date: record.date,
                          requirements: links.filter { $0.recordID == record.id }.compactMap { titles[$0.requirementID] }.sorted())
            },
            mayManage: user.hasAny(DecisionService.managers), newAnalysisHref: SiteURL.analysisNew.path,
            requirementAction: SiteURL.procurementRequirements.path, recordAction: SiteURL.procurementRecords.path,
            today: typed["procurementDate"].flatMap { $0 } ?? CalendarDate.today().iso, errors: errors,
            values: typed.mapValues { $0 ?? "" }), status: status)
    }

    private func values(_ form: AnalysisInput) -> [String: String] {
        ["title": form.title ?? "", "decisionReference": form.decisionReference ?? "", "decisionDate": form.decisionDate ?? "",
         "whatChanges": form.whatChanges ?? "", "affectedGroups": form.affectedGroups ?? "", "effects": form.effects ?? "",
         "mitigation": form.mitigation ?? "", "consultationNotes": form.consultationNotes ?? ""].mapValues { String($0.prefix(DecisionService.maxText)) }
    }

    private static let summaryFields: [(id: String, labelKey: String)] = [
        ("title", "decision.analysis_title"), ("decisionReference", "decision.reference"), ("decisionDate", "decision.date"),
        ("whatChanges", "decision.what_changes"), ("affectedGroups", "decision.affected_groups"), ("effects", "decision.effects"),
        ("mitigation", "decision.mitigation"), ("consultationNotes", "decision.consultation_notes"),
    ]

    @Sendable func newAnalysis(req: Request) async throws -> Response {
        let user = try req.currentUser
        guard user.hasAny(DecisionService.managers) else { throw SynligError.forbidden }
        return try await req.renderPage("decisions/analysis", AnalysisPage(
            page: .make(for: req, titleKey: "decision.new_analysis"), values: ["decisionDate": CalendarDate.today().iso],
            consultedCaregivers: false, consultedCivilSociety: false, isFinal: false, editable: true,
            action: SiteURL.analyses.path, version: 0, author: user.displayName, errors: .none))
    }

    @Sendable func createAnalysis(req: Request) async throws -> Response {
        let form = try FormValues(request: req).decode(AnalysisInput.self)
        do {
            let analysis = try await DecisionService.saveAnalysis(nil, form, by: try req.currentUser, on: req.db)
            return req.redirect(to: SiteURL.analysis(try analysis.requireID()).path)
        } catch let error as SynligError where !error.fieldProblems.isEmpty {
            let errors = FormErrors(error.fieldProblems, request: req)
            return try await req.renderPage("decisions/analysis", AnalysisPage(
                page: .make(for: req, titleKey: "decision.new_analysis", errors: errors.summary(Self.summaryFields, request: req)),
                values: values(form), consultedCaregivers: form.consultedCaregivers, consultedCivilSociety: form.consultedCivilSociety,
                isFinal: false, editable: true, action: SiteURL.analyses.path, version: 0, author: try req.currentUser.displayName, errors: errors),
                status: error.status)
        }
    }

    @Sendable func showAnalysis(req: Request) async throws -> Response {
        let user = try reader(req)
        let analysis = try await ConsequenceAnalysis.find(try req.idParameter(), in: user.organisationID, on: req.db)
        let names = try await MappingNames.users(organisationID: user.organisationID, on: req.db)
        let values = ["title": analysis.title, "decisionReference": analysis.decisionReference, "decisionDate": analysis.decisionDate,
                      "whatChanges": analysis.whatChanges, "affectedGroups": analysis.affectedGroups, "effects": analysis.effects,
                      "mitigation": analysis.mitigation, "consultationNotes": analysis.consultationNotes]
        return try await req.renderPage("decisions/analysis", AnalysisPage(
            page: .make(for: req, titleKey: "decision.analysis_page_title", titleArguments: [analysis.title]), values: values,
            consultedCaregivers: analysis.consultedCaregivers, consultedCivilSociety: analysis.consultedCivilSociety,
            isFinal: analysis.status == .final, editable: analysis.status == .draft && user.hasAny(DecisionService.managers),
            action: SiteURL.analysis(try analysis.requireID()).path, version: analysis.version,
            author: names[analysis.authorUserID] ?? "–", errors: .none))
    }

    @Sendable func updateAnalysis(req: Request) async throws -> Response {
        let id = try req.idParameter()
        let form = try FormValues(request: req).decode(AnalysisInput.self)
        do {
            _ = try await DecisionService.saveAnalysis(id, form, by: try req.currentUser, on: req.db)
            return req.redirect(to: SiteURL.analysis(id).path)
        } catch let error as SynligError where !error.fieldProblems.isEmpty {
            let errors = FormErrors(error.fieldProblems, request: req)
            return try await req.renderPage("decisions/analysis", AnalysisPage(
                page: .make(for: req, titleKey: "decision.analysis_page_title", titleArguments: [form.title ?? ""],
                            errors: errors.summary(Self.summaryFields, request: req)),
                values: values(form), consultedCaregivers: form.consultedCaregivers, consultedCivilSociety: form.consultedCivilSociety,
                isFinal: false, editable: true, action: SiteURL.analysis(id).path, version: form.version ?? 0,
                author: try req.currentUser.displayName, errors: errors), status: error.status)
        }
    }

    @Sendable func addRequirement(req: Request) async throws -> Response {
        let form = try req.content.decode(RequirementForm.self)
        do {
            _ = try await DecisionService.addRequirement(title: form.requirementTitle, text: form.requirementText, by: try req.currentUser, on: req.db)
            return req.redirect(to: SiteURL.decisions.path + "#procurement")
        } catch let error as SynligError where !error.fieldProblems.isEmpty {
            let errors = FormErrors(error.fieldProblems, request: req)
            return try await renderOverview(req, errors: errors, summary: errors.summary(
                [("requirementTitle", "decision.requirement_title"), ("requirementText", "decision.requirement_text")], request: req), status: error.status,
                typed: ["requirementTitle": form.requirementTitle, "requirementText": form.requirementText])
        }
    }

    @Sendable func addRecord(req: Request) async throws -> Response {
        let form = try req.content.decode(RecordForm.self)
        do {
            _ = try await DecisionService.recordProcurement(title: form.procurementTitle, reference: form.procurementReference, date: form.procurementDate,
                                                            requirementIDs: form.requirements ?? [], by: try req.currentUser, on: req.db)
            return req.redirect(to: SiteURL.decisions.path + "#procurement")
        } catch let error as SynligError where !error.fieldProblems.isEmpty {
            let errors = FormErrors(error.fieldProblems, request: req)
            return try await renderOverview(req, errors: errors, summary: errors.summary(
                [("procurementTitle", "decision.procurement_title"), ("procurementReference", "decision.reference"),
                 ("procurementDate", "decision.date"), ("requirements", "decision.requirements")], request: req), status: error.status,
                typed: ["procurementTitle": form.procurementTitle, "procurementReference": form.procurementReference, "procurementDate": form.procurementDate],
                chosenRequirements: form.requirements ?? [])
        }
    }
}
