import Fluent
import SynligCore
import Vapor

/// The register extract of a caregiver or a person cared for: a page to print or save as PDF,
/// and the same as JSON (`/api/v1/caregivers/:id/extract`, `/api/v1/recipients/:id/extract`).
/// Consultants make them; each is written to the access log and the audit trail.
struct RegisterExtractController: RouteCollection, APIRouteCollection {
    struct Field: Encodable {
        var label: String
        var value: String
    }

    struct Row: Encodable {
        var fields: [Field]
    }

    struct Section: Encodable {
        var title: String
        var secrecy: Bool
        var rows: [Row]
    }

    struct Page: Encodable {
        var page: PageContext
        var organisation: String
        var madeBy: String
        var madeAt: String
        var sections: [Section]
        var backHref: String
        var jsonHref: String
    }

    func boot(routes: any RoutesBuilder) throws {
        let readers = routes.recordReaders(.consultant, .caseOfficer, .staff)
        readers.get(SiteURL.caregiverPart(SiteURL.anyID, .extract).pattern) { req in
            try await page(.caregiver, req: req)
        }
        readers.get(SiteURL.recipientExtract(SiteURL.anyID).pattern) { req in
            try await page(.careRecipient, req: req)
        }
        // The same as JSON for the signed-in browser, as a file to keep.
        readers.get(SiteURL.caregiverPart(SiteURL.anyID, .extractJSON).pattern) { req in
            try Self.download(try await Self.extract(.caregiver, req: req))
        }
        readers.get(SiteURL.recipientExtractJSON(SiteURL.anyID).pattern) { req in
            try Self.download(try await Self.extract(.careRecipient, req: req))
        }
    }

    func boot(api: APIRoutes) throws {
        let readers = api.recordReaders(CaregiverAccess.readers)
        readers.get("caregivers", ":id", "extract") { req in
            try Self.json(try await Self.extract(.caregiver, req: req))
        }
        readers.get("recipients", ":id", "extract") { req in
            try Self.json(try await Self.extract(.careRecipient, req: req))
        }
    }

    /// Makes the extract for the signed-in consultant: the person must be theirs to see, the
    /// extract is logged as a read of the person (and of each other person it names) and audited.
    static func extract(_ subject: RegisterExtract.Subject, req: Request) async throws -> RegisterExtract {
        let user = try req.currentUser
        guard RegisterExtractService.mayMake(user) else { throw SynligError.forbidden }
        let id = try req.idParameter()
        switch subject {
        case .caregiver: _ = try await CaregiverAccess.caregiver(id, for: user, on: req.db)
        case .careRecipient: _ = try await CaregiverAccess.recipient(id, for: user, on: req.db)
        }
        let extract = try await RegisterExtractService.make(subject, id: id, organisationID: user.organisationID, on: req.db)
        let recordType: AccessLogRecordType = subject == .caregiver ? .caregiver : .careRecipient
        try await req.logAccess(recordType: recordType, recordID: id)
        let others = extract.otherPeople
        try await req.logAccess(recordType: .caregiver, recordIDs: others.caregivers)
        try await req.logAccess(recordType: .careRecipient, recordIDs: others.recipients)
        try await AuditTrail.transaction(on: req.db, actor: .user(user.id)) { _, audit in
            audit.record("register_extract.create", recordType.rawValue, id: id, organisation: user.organisationID)
        }
        return extract
    }

    static func json(_ extract: RegisterExtract) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        encoder.dateEncodingStrategy = .iso8601
        let response = Response(status: .ok, body: .init(data: try encoder.encode(extract)))
        response.headers.contentType = .json
        return response
    }

    static func download(_ extract: RegisterExtract) throws -> Response {
        let response = try json(extract)
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"registerutdrag.json\"")
        return response
    }

    /// Where the forms name a column's stored codes: the localization key before the code.
    static let vocabulary: [String: String] = [
        "preferred_channel": "caregiver.channel.", "gender": "caregiver.gender.", "foreign_background": "caregiver.foreign_background.",
        "interpreter_need": "caregiver.interpreter.", "minority_language": "caregiver.minority_language.",
        "occupation": "caregiver.occupation.", "relation": "caregiver.relation.", "hours_band": "caregiver.hours.",
        "preferred_language": "language.name.", "need_kind": "support_need.kind.", "level": "screening.level.",
        "attendance": "invitation.attendance.",
    ]

    private func page(_ subject: RegisterExtract.Subject, req: Request) async throws -> Response {
        let user = try req.currentUser
        let extract = try await Self.extract(subject, req: req)
        let language = req.language.rawValue
        let name = extract.names[extract.subjectID.uuidString] ?? ""
        let words = req.application.localizer.tables[req.textLanguage] ?? [:]
        func text(_ value: ExtractValue, column: String) -> String {
            switch value {
            case .text(let text) where text.isEmpty: "–"
            // A stored code in the reader's words where the record's forms name it; the JSON keeps the code.
            case .text(let text): Self.vocabulary[column].flatMap { words[$0 + text] } ?? text
            case .number(let number): String(number)
            case .decimal(let number): String(number)
            case .flag(let flag): req.t(flag ? "extract.yes" : "extract.no")
            case .id(let id): extract.names[id.uuidString] ?? id.uuidString
            case .time(let date): SwedishTime.format(date, language: language)
            case .none: "–"
            }
        }
        let sections = extract.sections.map { section in
            Section(title: req.t(section.titleKey), secrecy: section.needsSecrecyAssessment, rows: section.rows.map { row in
                Row(fields: section.columns.filter { !PersonalDataRegistry.technicalColumns.contains($0) }.map { column in
                    Field(label: req.t("extract.column.\(column)"), value: text(row[column] ?? .none, column: column))
                })
            })
        }
        let back = subject == .caregiver ? SiteURL.caregiver(extract.subjectID).path : SiteURL.recipient(extract.subjectID).path
        return try await req.renderPage("privacy/extract", Page(
            page: .make(for: req, titleKey: "extract.heading", titleArguments: [name]),
            organisation: user.organisationName, madeBy: user.displayName,
            madeAt: SwedishTime.format(extract.createdAt, language: language), sections: sections, backHref: back,
            jsonHref: subject == .caregiver ? SiteURL.caregiverPart(extract.subjectID, .extractJSON).path
                : SiteURL.recipientExtractJSON(extract.subjectID).path))
    }
}
