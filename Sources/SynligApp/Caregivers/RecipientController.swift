import Fluent
import SynligCore
import Vapor

/// The people cared for: their units, fixed care contacts, their caregivers, and a contact list
/// of those caregivers that leaves out anyone restricted from involvement.
struct RecipientController: RouteCollection {
    struct CaregiverRow: Encodable {
        var name: String
        var href: String
        var relationshipHref: String
        var relation: String
        var consent: String
        var restricted: Bool
    }

    struct Page: Encodable {
        var page: PageContext
        var caregivers: [CaregiverRow]
        var contactsHref: String
        var plansHref: String
        var extractHref: String?
        /// Erasure on request, for those who may erase (`RecipientErasure`).
        var eraseHref: String?
        var correctionsHref: String
        var action: String
        var version: Int
        var fields: [FormField]
        var notice: String?
    }

    struct ListPage: Encodable {
        var page: PageContext
        var query: String
        var rows: [CaregiverController.ListRow]
        /// Empty when the search was refused: nothing was searched, so nothing is counted.
        var countText: String
        var errors: FormErrors = .none
        /// Said after a file was erased on request (`RecipientErasure`).
        var erased = false
    }

    /// The list shows this many names; past it, the search finds the rest.
    static let shownAtMost = 200

    func boot(routes: any RoutesBuilder) throws {
        let readers = routes.recordReaders(.consultant, .caseOfficer, .staff)
        readers.get(SiteURL.recipients.pattern, use: list)
        readers.post(SiteURL.recipients.pattern, use: list)
        readers.get(SiteURL.recipient(SiteURL.anyID).pattern, use: show)
        readers.post(SiteURL.recipient(SiteURL.anyID).pattern, use: update)
        readers.get(SiteURL.recipientContacts(SiteURL.anyID).pattern, use: contacts)
    }

    @Sendable func list(req: Request) async throws -> Response {
        let user = try req.currentUser
        // Posted, like the caregiver search, so names stay out of addresses.
        let typed = req.method == .POST ? FormValues(request: req)["q"] ?? "" : ""
        let (text, problem) = SearchText.check(typed)
        if let problem {
            let errors = FormErrors([.init(field: "q", messageKey: problem.rawValue)], request: req)
            return try await req.renderPage("caregivers/recipients", ListPage(
                page: .make(for: req, titleKey: "recipient.list_title", errors: errors.summary([("q", "recipient.search_label")], request: req)),
                query: typed, rows: [], countText: "", errors: errors), status: .unprocessableEntity)
        }
        let query = try await CaregiverAccess.recipients(for: user, on: req.db)
        // The first names in name order and a count to the cap, never every person of a large
        // municipality; a search compares the folded name in SQL, as the caregiver search does.
        if !text.isEmpty { query.filter(\.$nameFolded, .custom("LIKE"), CaregiverService.namePattern(text)) }
        let total = try await query.count(upTo: CaregiverController.countCap)
        let shown = try await query.sort(\.$name).limit(Self.shownAtMost).all()
        let countText = total > CaregiverController.countCap ? req.t("recipient.count_more", req.grouped(CaregiverController.countCap))
            : req.tp("recipient.count", total)
        return try await req.renderPage("caregivers/recipients", ListPage(
            page: .make(for: req, titleKey: "recipient.list_title"), query: text,
            rows: try shown.map { CaregiverController.ListRow(name: $0.name, href: SiteURL.recipient(try $0.requireID()).path, registered: "") },
            countText: countText, erased: req.method == .GET && req.query[String.self, at: "erased"] == "1"))
    }

    private func render(_ req: Request, recipient: CareRecipient, values: FormValues, errors: FormErrors, notice: String?,
                        status: HTTPResponseStatus = .ok) async throws -> Response {
        let user = try req.currentUser
        let id = try recipient.requireID()
        var rows: [CaregiverRow] = []
        for relationship in try await visibleRelationships(of: id, for: user, on: req.db) {
            guard let caregiver = try await Caregiver.find(relationship.caregiverID, on: req.db) else { continue }
            let permission = try await CaregiverAccess.permission(for: relationship, on: req.db)
            rows.append(CaregiverRow(name: caregiver.name, href: SiteURL.caregiver(relationship.caregiverID).path,
                                     relationshipHref: SiteURL.relationship(try relationship.requireID()).path,
                                     relation: req.t("caregiver.relation.\(relationship.relation.rawValue)"),
                                     consent: ConsentText.describe(permission.consent, req: req), restricted: permission.restricted))
        }
        let form = try await CaregiverForms.recipient(req, values: values, errors: errors, user: user)
        return try await req.renderPage("caregivers/recipient", Page(
            page: .make(for: req, titleKey: "recipient.title", titleArguments: [recipient.name], errors: form.summary),
            caregivers: rows, contactsHref: SiteURL.recipientContacts(id).path, plansHref: SiteURL.recipientPlans(id).path,
            extractHref: RegisterExtractService.mayMake(user) ? SiteURL.recipientExtract(id).path : nil,
            eraseHref: RecipientErasure.mayErase(user) ? SiteURL.recipientErase(id).path : nil,
            correctionsHref: SiteURL.recipientCorrections(id).path, action: SiteURL.recipient(id).path,
            version: values.int("version") ?? recipient.version, fields: form.fields, notice: notice), status: status)
    }

    /// The person's caregivers that this user may see: staff of one unit do not see caregivers
    /// that only another unit works with.
    private func visibleRelationships(of recipientID: UUID, for user: CurrentUser, on db: any Database) async throws -> [CareRelationship] {
        let relationships = try await CareRelationship.query(on: db).filter(\.$recipientID == recipientID).sort(\.$createdAt).all()
        guard !relationships.isEmpty else { return [] }
        let visible = Set(try await CaregiverAccess.caregivers(for: user, on: db).filter(\.$id ~~ relationships.map(\.caregiverID)).all(\.$id))
        return relationships.filter { visible.contains($0.caregiverID) }
    }

    private func values(of recipient: CareRecipient, on db: any Database) async throws -> FormValues {
        var pairs: [(String, String)] = [("name", recipient.name), ("externalReference", recipient.externalReference),
                                         ("fixedCareContact", recipient.fixedCareContact), ("fixedDoctorContact", recipient.fixedDoctorContact),
                                         ("fixedCareHomeContact", recipient.fixedCareHomeContact),
                                         ("careNeedArea", recipient.careNeedArea.rawValue)]
        if recipient.patientContract { pairs.append(("patientContract", "on")) }
        pairs += try await CareRecipientUnit.query(on: db).filter(\.$recipientID == recipient.requireID()).all().map { ("unitIds", $0.unitID.uuidString) }
        return FormValues(pairs)
    }

    @Sendable func show(req: Request) async throws -> Response {
        let recipient = try await CaregiverAccess.recipient(try req.idParameter(), for: try req.currentUser, on: req.db)
        try await req.logAccess(recordType: .careRecipient, recordID: try recipient.requireID())
        return try await render(req, recipient: recipient, values: try await values(of: recipient, on: req.db), errors: .none, notice: nil)
    }

    @Sendable func update(req: Request) async throws -> Response {
        let user = try req.currentUser
        let id = try req.idParameter()
        return try await req.submitForm(render: { values, errors, notice, status in
            let recipient = try await CaregiverAccess.recipient(id, for: user, on: req.db)
            return try await render(req, recipient: recipient, values: values, errors: errors, notice: notice, status: status)
        }, save: { values in
            _ = try await CaregiverService.saveRecipient(id, try values.decode(RecipientInput.self), by: user, on: req.db)
            return req.redirect(to: SiteURL.recipient(id).path)
        })
    }

    /// The caregivers' contact details for this person, for calling round (e.g. in a crisis).
    /// Caregivers restricted from involvement are left out; the export is logged and audited.
    @Sendable func contacts(req: Request) async throws -> Response {
        let user = try req.currentUser
        let recipient = try await CaregiverAccess.recipient(try req.idParameter(), for: user, on: req.db)
        let id = try recipient.requireID()
        var lines = [CSVText.row([req.t("contacts.name"), req.t("contacts.relation"), req.t("contacts.phone"), req.t("contacts.email"),
                                  req.t("contacts.language")])]
        for relationship in try await visibleRelationships(of: id, for: user, on: req.db) {
            guard try await CaregiverAccess.permission(for: relationship, on: req.db).mayExportContact,
                  let caregiver = try await Caregiver.find(relationship.caregiverID, on: req.db) else { continue }
            try await req.logAccess(recordType: .caregiver, recordID: relationship.caregiverID)
            lines.append(CSVText.row([caregiver.name, req.t("caregiver.relation.\(relationship.relation.rawValue)"), caregiver.phone,
                                      caregiver.email, req.t("language.name.\(caregiver.preferredLanguage)")]))
        }
        try await req.logAccess(recordType: .careRecipient, recordID: id)
        try await AuditTrail.transaction(on: req.db, actor: .user(user.id)) { _, audit in
            audit.record("recipient.contacts_export", "care_recipient", id: id, organisation: user.organisationID)
        }
        return .csvDownload("\u{FEFF}" + lines.joined(separator: "\r\n") + "\r\n", filename: "contacts.csv")
    }
}
