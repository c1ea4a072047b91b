import Fluent
import SynligCore
import Vapor

/// A consequence analysis as its form sends it: the one list of its fields.
struct AnalysisInput: Decodable, Sendable {
    var title: String?
    var decisionReference: String?
    var decisionDate: String?
    var whatChanges: String?
    var affectedGroups: String?
    var effects: String?
    var mitigation: String?
    var consultedCaregivers: Bool
    var consultedCivilSociety: Bool
    var consultationNotes: String?
    var final: Bool
    var version: Int?
}

/// Consequence analyses and procurement requirements: the decisions side of questions 1, 4 and 5.
enum DecisionService {
    static let managers = MappingService.managers
    static let maxText = 8000

    static func saveAnalysis(_ id: UUID?, _ input: AnalysisInput, by user: CurrentUser, on db: any Database) async throws -> ConsequenceAnalysis {
        guard user.hasAny(managers) else { throw SynligError.forbidden }
        // The record first (404 for another organisation's id), then the input (422).
        if let id { _ = try await ConsequenceAnalysis.find(id, in: user.organisationID, on: db) }
        var problems: [SynligError.FieldProblem] = []
        func text(_ value: String?, _ field: String, required: Bool, max: Int = maxText, multiline: Bool = true) -> String {
            let (text, problem) = TextInput.check(value, required: required, maxLength: max, multiline: multiline)
            if let problem { problems.append(.init(field: field, messageKey: problem.rawValue)) }
            return text
        }
        let title = text(input.title, "title", required: true, max: 200, multiline: false)
        let reference = text(input.decisionReference, "decisionReference", required: false, max: 200, multiline: false)
        let date = CalendarDate(input.decisionDate)
        if date == nil { problems.append(.init(field: "decisionDate", messageKey: "input.invalid_date")) }
        let whatChanges = text(input.whatChanges, "whatChanges", required: true)
        let affected = text(input.affectedGroups, "affectedGroups", required: input.final)
        let effects = text(input.effects, "effects", required: input.final)
        let mitigation = text(input.mitigation, "mitigation", required: false)
        let notes = text(input.consultationNotes, "consultationNotes", required: false)
        guard problems.isEmpty, let date else { throw SynligError.invalid(problems) }
        return try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            let analysis: ConsequenceAnalysis
            if let id {
                analysis = try await ConsequenceAnalysis.find(id, in: user.organisationID, on: tx)
                guard input.version == analysis.version else { throw SynligError.staleEdit }
                guard analysis.status == .draft else { throw SynligError(.conflict, "decision.analysis_final") }
                analysis.version += 1
            } else {
                analysis = ConsequenceAnalysis()
                analysis.organisationID = user.organisationID
                analysis.authorUserID = user.id
                analysis.version = 1
            }
            analysis.title = title
            analysis.decisionReference = reference
            analysis.decisionDate = date.iso
            analysis.whatChanges = whatChanges
            analysis.affectedGroups = affected
            analysis.effects = effects
            analysis.mitigation = mitigation
            analysis.consultedCaregivers = input.consultedCaregivers
            analysis.consultedCivilSociety = input.consultedCivilSociety
            analysis.consultationNotes = notes
            analysis.status = input.final ? .final : .draft
            try await analysis.save(on: tx)
            audit.record(id == nil ? "analysis.create" : "analysis.update", "consequence_analysis", id: analysis.id, organisation: user.organisationID)
            return analysis
        }
    }

    static func addRequirement(title rawTitle: String?, text rawText: String?, by user: CurrentUser, on db: any Database) async throws -> ProcurementRequirement {
        guard user.hasAny(managers) else { throw SynligError.forbidden }
        var problems: [SynligError.FieldProblem] = []
        let (title, titleProblem) = TextInput.check(rawTitle, required: true, maxLength: 200)
        if let titleProblem { problems.append(.init(field: "requirementTitle", messageKey: titleProblem.rawValue)) }
        let (text, textProblem) = TextInput.check(rawText, required: true, maxLength: maxText, multiline: true)
        if let textProblem { problems.append(.init(field: "requirementText", messageKey: textProblem.rawValue)) }
        guard problems.isEmpty else { throw SynligError.invalid(problems) }
        return try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            let requirement = ProcurementRequirement()
            requirement.organisationID = user.organisationID
            requirement.title = title
            requirement.text = text
            requirement.active = true
            try await requirement.create(on: tx)
            audit.record("procurement_requirement.create", "procurement_requirement", id: requirement.id, organisation: user.organisationID)
            return requirement
        }
    }

    static func recordProcurement(title rawTitle: String?, reference rawReference: String?, date rawDate: String?, requirementIDs: [String],
                                  by user: CurrentUser, on db: any Database) async throws -> ProcurementRecord {
        guard user.hasAny(managers) else { throw SynligError.forbidden }
        var problems: [SynligError.FieldProblem] = []
        let (title, titleProblem) = TextInput.check(rawTitle, required: true, maxLength: 200)
        if let titleProblem { problems.append(.init(field: "procurementTitle", messageKey: titleProblem.rawValue)) }
        let (reference, referenceProblem) = TextInput.check(rawReference, required: false, maxLength: 200)
        if let referenceProblem { problems.append(.init(field: "procurementReference", messageKey: referenceProblem.rawValue)) }
        let date = CalendarDate(rawDate)
        if date == nil { problems.append(.init(field: "procurementDate", messageKey: "input.invalid_date")) }
        let ids = Set(requirementIDs.compactMap(UUID.init(uuidString:)))
        if ids.count != Set(requirementIDs).count { problems.append(.init(field: "requirements", messageKey: "decision.requirement_invalid")) }
        guard problems.isEmpty, let date else { throw SynligError.invalid(problems) }
        return try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            if try await ProcurementRequirement.scoped(to: user.organisationID, on: tx).filter(\.$id ~~ Array(ids)).count() != ids.count {
                throw SynligError.invalid([.init(field: "requirements", messageKey: "decision.requirement_invalid")])
            }
            let record = ProcurementRecord()
            record.organisationID = user.organisationID
            record.title = title
            record.reference = reference
            record.date = date.iso
            try await record.create(on: tx)
            for id in ids.sorted(by: { $0.uuidString < $1.uuidString }) {
                let link = ProcurementRecordRequirement()
                link.organisationID = user.organisationID
                link.recordID = try record.requireID()
                link.requirementID = id
                try await link.create(on: tx)
            }
            audit.record("procurement.record", "procurement_record", id: record.id, organisation: user.organisationID)
            return record
        }
    }

    /// What the results of questions 1, 4 and 5 show beside the answers: the decisions made in
    /// the mapping's period with the caregiver perspective in them.
    struct PeriodEvidence: Sendable {
        var finalAnalyses: Int
        var procurements: Int
        var procurementsWithRequirements: Int
    }

    static func evidence(organisationID: UUID, from start: String, to end: String, on db: any Database) async throws -> PeriodEvidence {
        let analyses = try await ConsequenceAnalysis.scoped(to: organisationID, on: db)
            .filter(\.$status == .final).filter(\.$decisionDate >= start).filter(\.$decisionDate <= end).count()
        let records = try await ProcurementRecord.scoped(to: organisationID, on: db)
            .filter(\.$date >= start).filter(\.$date <= end).all(\.$id)
        let withRequirements = Set(try await ProcurementRecordRequirement.query(on: db).filter(\.$recordID ~~ records).all(\.$recordID)).count
        return PeriodEvidence(finalAnalyses: analyses, procurements: records.count, procurementsWithRequirements: withRequirements)
    }
}
