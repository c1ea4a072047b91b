import Fluent
import SQLKit
import SynligCore
import Vapor

/// A register extract (registerutdrag, GDPR art. 15): everything Synlig holds about one caregiver
/// or one person cared for, read table by table from `PersonalDataRegistry` — every column of
/// every row, so nothing stored is left out — with the audit events of those rows and the log of
/// who read the record.
struct RegisterExtract: Sendable, Encodable {
    enum Subject: String, Sendable, Encodable {
        case caregiver, careRecipient
    }

    struct Section: Sendable, Encodable {
        var table: String
        var titleKey: String
        var needsSecrecyAssessment: Bool
        /// Every column, in the table's order.
        var columns: [String]
        var rows: [[String: ExtractValue]]
    }

    var subject: Subject
    var subjectID: UUID
    var organisationID: UUID
    var createdAt: Date
    var sections: [Section]
    /// Names of the staff, units, support and people the rows refer to by id.
    var names: [String: String]
    /// The caregivers and people cared for the extract names besides its subject: their names
    /// are read too, and logged.
    var otherPeople: (caregivers: [UUID], recipients: [UUID]) = ([], [])

    enum CodingKeys: String, CodingKey {
        case subject, subjectID, organisationID, createdAt, sections, names
    }
}

/// One stored value, as the database holds it.
enum ExtractValue: Sendable, Encodable, Equatable {
    case text(String), number(Int), decimal(Double), flag(Bool), id(UUID), time(Date), none

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .decimal(let value): try container.encode(value)
        case .flag(let value): try container.encode(value)
        case .id(let value): try container.encode(value)
        case .time(let value): try container.encode(value)
        case .none: try container.encodeNil()
        }
    }
}

enum RegisterExtractService {
    /// Who may make an extract: it covers the whole organisation's data about the person, so
    /// those who see the whole organisation (consultants; `CaregiverAccess`).
    static func mayMake(_ user: CurrentUser) -> Bool { CaregiverAccess.seesWholeOrganisation(user) }

    static func make(_ subject: RegisterExtract.Subject, id: UUID, organisationID: UUID,
                     now: Date = Date(), on db: any Database) async throws -> RegisterExtract {
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        let relationshipColumn = subject == .caregiver ? "caregiver_id" : "recipient_id"
        let relationships = try await sql.select().column("id").from("care_relationships")
            .where("organisation_id", .equal, SQLBind(organisationID))
            .where(SQLIdentifier(relationshipColumn), .equal, SQLBind(id))
            .all().map { try $0.decode(column: "id", as: UUID.self) }

        // The person's own tables side by side, then the logs about every row found in them.
        let own = try await PersonalDataRegistry.aboutPeople.filter { !$0.isLog }.concurrentMap { table in
            try await section(table, subject, id: id, relationships: relationships, rowIDs: [], organisationID: organisationID, on: sql)
        }.compactMap { $0 }
        let rowIDs = [id] + own.flatMap { $0.rows.compactMap { if case .id(let rowID)? = $0["id"] { rowID } else { nil } } }
        let logs = try await PersonalDataRegistry.aboutPeople.filter(\.isLog).concurrentMap { table in
            try await section(table, subject, id: id, relationships: relationships, rowIDs: rowIDs, organisationID: organisationID, on: sql)
        }.compactMap { $0 }
        let sections = own + logs
        let found = try await names(in: sections, organisationID: organisationID, on: db)
        return RegisterExtract(subject: subject, subjectID: id, organisationID: organisationID, createdAt: now, sections: sections,
                               names: Dictionary(uniqueKeysWithValues: found.names.map { ($0.key.uuidString, $0.value) }),
                               otherPeople: (found.caregivers.filter { $0 != id }, found.recipients.filter { $0 != id }))
    }

    /// One table's rows about the person: nil when the table has no link to this kind of subject.
    private static func section(_ table: PersonalDataRegistry.Table, _ subject: RegisterExtract.Subject, id: UUID,
                                relationships: [UUID], rowIDs: [UUID], organisationID: UUID,
                                on sql: any SQLDatabase) async throws -> RegisterExtract.Section? {
        let conditions = table.links.compactMap { link -> (any SQLExpression)? in
            switch (link, subject) {
            case (.caregiver(let column), .caregiver), (.recipient(let column), .careRecipient):
                return SQLBinaryExpression(SQLColumn(column), .equal, SQLBind(id))
            case (.relationship(let column), _) where !relationships.isEmpty:
                return SQLBinaryExpression(SQLColumn(column), .in, SQLBind.group(relationships))
            case (.record(let column), _):
                // Logs about the person's record and every row of it found above.
                let ids = table.name == "audit_events" ? SQLBind.group(rowIDs.map(\.uuidString)) : SQLBind.group(rowIDs)
                return SQLBinaryExpression(SQLColumn(column), .in, ids)
            default:
                return nil
            }
        }
        guard !conditions.isEmpty else { return nil }
        let columns = try await DialectSQL.columns(of: table.name, on: sql)
        let rows = try await sql.select().column(SQLLiteral.all).from(table.name)
            .where("organisation_id", .equal, SQLBind(organisationID))
            .where(SQLGroupExpression(SQLList(conditions, separator: SQLRaw(" OR "))))
            .all()
        let values = try rows.map { row in
            try Dictionary(uniqueKeysWithValues: columns.map { ($0.name, try value(of: $0, in: row)) })
        }
        return .init(table: table.name, titleKey: table.titleKey, needsSecrecyAssessment: table.needsSecrecyAssessment,
                     columns: columns.map(\.name), rows: values)
    }

    private static func value(of column: DialectSQL.Column, in row: any SQLRow) throws -> ExtractValue {
        if try row.decodeNil(column: column.name) { return .none }
        switch column.kind {
        case .uuid: return .id(try row.decode(column: column.name, as: UUID.self))
        case .time: return .time(try row.decode(column: column.name, as: Date.self))
        case .integer where PersonalDataRegistry.flagColumns.contains(column.name):
            return .flag(try row.decode(column: column.name, as: Int.self) != 0)
        case .integer: return .number(try row.decode(column: column.name, as: Int.self))
        case .decimal: return .decimal(try row.decode(column: column.name, as: Double.self))
        case .flag: return .flag(try row.decode(column: column.name, as: Bool.self))
        // Sealed texts (`SealedText`) are opened: the extract shows what is stored, readably.
        case .text: return .text(try SealedText.opened(try row.decode(column: column.name, as: String.self)))
        }
    }

    /// The names behind the ids the rows hold: staff, units, support offerings, and the people
    /// on the other side of a care relationship.
    private static func names(in sections: [RegisterExtract.Section], organisationID: UUID,
                              on db: any Database) async throws -> (names: [UUID: String], caregivers: [UUID], recipients: [UUID]) {
        let ids = Array(Set(sections.flatMap { $0.rows.flatMap { $0.values.compactMap { if case .id(let id) = $0 { id } else { nil } } } }))
        guard !ids.isEmpty else { return ([:], [], []) }
        var caregivers: [UUID] = [], recipients: [UUID] = []
        var names: [UUID: String] = [:]
        for user in try await User.query(on: db).filter(\.$organisationID == organisationID).filter(\.$id ~~ ids).all() {
            names[try user.requireID()] = user.displayName
        }
        for unit in try await Unit.scoped(to: organisationID, on: db).filter(\.$id ~~ ids).all() {
            names[try unit.requireID()] = unit.name
        }
        for offering in try await SupportOffering.scoped(to: organisationID, on: db).filter(\.$id ~~ ids).all() {
            names[try offering.requireID()] = offering.name
        }
        // A group sign-up names its occasion: the offering and when it was held.
        let occasions = try await GroupOccasion.scoped(to: organisationID, on: db).filter(\.$id ~~ ids).all()
        if !occasions.isEmpty {
            let offerings = try await SupportOffering.scoped(to: organisationID, on: db).filter(\.$id ~~ occasions.map(\.offeringID)).all()
            for occasion in occasions {
                let offering = offerings.first { $0.id == occasion.offeringID }?.name ?? ""
                names[try occasion.requireID()] = "\(offering) \(occasion.heldOn) \(occasion.startsAt)"
            }
        }
        for caregiver in try await Caregiver.scoped(to: organisationID, on: db).filter(\.$id ~~ ids).all() {
            names[try caregiver.requireID()] = caregiver.name
            caregivers.append(try caregiver.requireID())
        }
        for recipient in try await CareRecipient.scoped(to: organisationID, on: db).filter(\.$id ~~ ids).all() {
            names[try recipient.requireID()] = recipient.name
            recipients.append(try recipient.requireID())
        }
        return (names, caregivers, recipients)
    }
}
