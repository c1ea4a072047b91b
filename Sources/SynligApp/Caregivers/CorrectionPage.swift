import Fluent
import SQLKit
import SynligCore
import Vapor

/// One kept earlier value of a person's details (`CaregiverCorrection`, `RecipientCorrection`).
protocol CorrectionEntry {
    var id: UUID? { get }
    var field: String { get }
    var previousValue: String { get }
    var version: Int { get }
    var changedBy: UUID { get }
    var createdAt: Date? { get }
}

/// A field whose earlier values are kept, and how a value is shown.
protocol CorrectedValue: RawRepresentable, CaseIterable where RawValue == String {
    /// The label the edit form gives the field.
    var labelKey: String { get }
    /// For a choice, the prefix of its options' labels; nil for text as typed.
    var choicePrefix: String? { get }
}

extension CorrectedValue {
    /// A stored value as the record page would show it; an empty value as "empty".
    func shown(_ value: String, _ t: (String) -> String) -> String {
        if value.isEmpty { return t("correction.empty") }
        return choicePrefix.map { t("\($0).\(value)") } ?? value
    }
}

enum CorrectionTable {
    /// A history table: one row per field and change, `subject` pointing at the person's row in
    /// `people`, indexed by person and version.
    static func create(_ schema: String, of subject: String, in people: String, on database: any Database) async throws {
        try await database.schema(schema).id()
            .field("organisation_id", .uuid, .required, .references("organisations", "id"))
            .field(.string(subject), .uuid, .required, .references(people, "id"))
            .field("field", .string, .required)
            .field("previous_value", .custom("TEXT"), .required)
            .field("version", .int, .required)
            .field("changed_by", .uuid, .required)
            .field("created_at", .datetime)
            .create()
        // caregiver_corrections_caregiver_idx, recipient_corrections_recipient_idx.
        let index = "\(schema)_\(subject.replacingOccurrences(of: "_id", with: ""))_idx"
        try await (database as! any SQLDatabase).create(index: SQLIdentifier(index)).on(schema).column(subject).column("version").run()
    }
}

enum CorrectionOrder {
    /// Newest change first (by the record's version the change made, not by clocks), each
    /// change's fields in the form's order.
    static func sorted<Entry: CorrectionEntry, Field: CorrectedValue>(_ entries: [Entry], fields: [Field]) -> [Entry] {
        let order = Dictionary(uniqueKeysWithValues: fields.enumerated().map { ($1.rawValue, $0) })
        return entries.sorted {
            $0.version != $1.version ? $0.version > $1.version : (order[$0.field] ?? .max, $0.field) < (order[$1.field] ?? .max, $1.field)
        }
    }
}

/// *Tidigare uppgifter*: a person's kept earlier values, with who changed them and when.
enum CorrectionPage {
    struct Page: Encodable {
        struct Row: Encodable {
            var time: String
            var field: String
            var previous: String
            var changedBy: String
            /// For those who may strike a value that should never have been recorded.
            var strikeHref: String?
        }

        var page: PageContext
        var intro: String
        var rows: [Row]
        var backHref: String
        var backLabel: String
        var mayStrike: Bool
        /// Said after a row was struck (`CorrectionStrike`).
        var struck: Bool
    }

    static func render<Field: CorrectedValue>(_ req: Request, name: String, corrections: [any CorrectionEntry], as _: Field.Type,
                                              introKey: String, noneKey: String, backHref: String, backKey: String,
                                              strike: (_ entry: UUID) -> SiteURL) async throws -> Response {
        let user = try req.currentUser
        let mayStrike = CorrectionStrike.mayStrike(user)
        let staff = Set(corrections.map(\.changedBy))
        let names = staff.isEmpty ? [:] : Dictionary(
            try await User.query(on: req.db).filter(\.$organisationID == user.organisationID).filter(\.$id ~~ Array(staff)).all()
                .compactMap { account in account.id.map { ($0, account.displayName) } },
            uniquingKeysWith: { first, _ in first })
        let language = req.textLanguage
        let rows = corrections.map { correction in
            let field = Field(rawValue: correction.field)
            return Page.Row(time: correction.createdAt.map { SwedishTime.format($0, language: language) } ?? "",
                            field: field.map { req.t($0.labelKey) } ?? correction.field,
                            previous: field.map { $0.shown(correction.previousValue, { req.t($0) }) } ?? correction.previousValue,
                            changedBy: names[correction.changedBy] ?? req.t("correction.former_colleague"),
                            strikeHref: mayStrike ? correction.id.map { strike($0).path } : nil)
        }
        return try await req.renderPage("caregivers/corrections", Page(
            page: .make(for: req, titleKey: "correction.title", titleArguments: [name]),
            intro: req.t(rows.isEmpty ? noneKey : introKey), rows: rows, backHref: backHref, backLabel: req.t(backKey),
            mayStrike: mayStrike && !rows.isEmpty, struck: req.query[String.self, at: "struck"] == "1"))
    }
}

extension CorrectionStrike.Subject {
    /// The page of the person's history.
    func history(_ person: UUID) -> SiteURL {
        self == .caregiver ? .caregiverPart(person, .corrections) : .recipientCorrections(person)
    }
}

/// The pages `/caregivers/:id/corrections` and `/recipients/:id/corrections`, and the API's
/// `GET …/{id}/corrections`: for everyone who may read the file, and each read is in the access
/// log like the file's.
struct CorrectionHistoryController: RouteCollection, APIRouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        for subject in [CorrectionStrike.Subject.caregiver, .recipient] {
            routes.recordReaders(CaregiverAccess.readers).get(subject.history(SiteURL.anyID).pattern) { req in
                try await page(req, subject)
            }
        }
    }

    func boot(api: APIRoutes) throws {
        for subject in [CorrectionStrike.Subject.caregiver, .recipient] {
            api.recordReaders(CaregiverAccess.readers).get(.constant(subject.rawValue), ":id", "corrections") { req -> [API.CorrectionOut] in
                try await read(req, subject).corrections.map(API.CorrectionOut.init)
            }
        }
    }

    /// The person, read for the user (404 outside their reach) and logged, with their history.
    private func read(_ req: Request, _ subject: CorrectionStrike.Subject) async throws -> (id: UUID, name: String, corrections: [any CorrectionEntry]) {
        let user = try req.currentUser
        let id = try req.idParameter()
        switch subject {
        case .caregiver:
            let caregiver = try await CaregiverAccess.caregiver(id, for: user, on: req.db)
            try await req.logAccess(recordType: .caregiver, recordID: id)
            return (id, caregiver.name, try await CorrectionHistory.list(caregiverID: id, organisationID: user.organisationID, on: req.db))
        case .recipient:
            let recipient = try await CaregiverAccess.recipient(id, for: user, on: req.db)
            try await req.logAccess(recordType: .careRecipient, recordID: id)
            return (id, recipient.name, try await RecipientCorrectionHistory.list(recipientID: id, organisationID: user.organisationID, on: req.db))
        }
    }

    private func page(_ req: Request, _ subject: CorrectionStrike.Subject) async throws -> Response {
        let (id, name, corrections) = try await read(req, subject)
        let strike: (UUID) -> SiteURL = { .correctionStrike(subject, id, $0) }
        switch subject {
        case .caregiver:
            return try await CorrectionPage.render(req, name: name, corrections: corrections, as: CorrectedField.self,
                                                   introKey: "correction.intro", noneKey: "correction.none",
                                                   backHref: SiteURL.caregiver(id).path, backKey: "caregiver.back_record", strike: strike)
        case .recipient:
            return try await CorrectionPage.render(req, name: name, corrections: corrections, as: RecipientCorrectedField.self,
                                                   introKey: "recipient_correction.intro", noneKey: "recipient_correction.none",
                                                   backHref: SiteURL.recipient(id).path, backKey: "recipient_erasure.back", strike: strike)
        }
    }
}
