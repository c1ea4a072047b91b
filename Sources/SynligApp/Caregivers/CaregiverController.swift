import Fluent
import SynligCore
import Vapor

/// The caregiver register for consultants, case officers and staff: search, register, the
/// record page, memo notes and the voluntariness question. Every record page read is logged.
struct CaregiverController: RouteCollection {
    struct ListRow: Encodable {
        var name: String
        var href: String
        var registered: String
    }

    struct ListPage: Encodable {
        var page: PageContext
        var query: String
        var rows: [ListRow]
        /// "1 234 anhöriga som du får se.", or "more than 1 000" past the count's cap; empty after a refused search.
        var countText: String
        var newHref: String
        var worklistHref: String
        var recipientsHref: String
        var action: String
        var previousPage: Int?
        var nextPage: Int?
        var errors: FormErrors = .none
        /// Said after a file was erased on request (`CaregiverErasure`).
        var erased = false
    }

    static let pageSize = 50
    /// Counting a register of 100,000 walks 100,000 index entries per page view; past this the
    /// page says "more than" and points to the search (issue 11).
    static let countCap = 1_000

    func boot(routes: any RoutesBuilder) throws {
        let readers = routes.recordReaders(.consultant, .caseOfficer, .staff)
        readers.get(SiteURL.caregivers.pattern, use: list)
        readers.post(SiteURL.caregivers.pattern, use: list)
        readers.get(SiteURL.caregiverNew.pattern, use: newForm)
        readers.post(SiteURL.caregiverNew.pattern, use: create)
        readers.get(SiteURL.caregiver(SiteURL.anyID).pattern, use: show)
        readers.get(SiteURL.caregiverPart(SiteURL.anyID, .edit).pattern, use: editForm)
        readers.post(SiteURL.caregiverPart(SiteURL.anyID, .edit).pattern, use: update)
        readers.post(SiteURL.caregiverPart(SiteURL.anyID, .memos).pattern, use: addMemo)
        readers.get(SiteURL.caregiverPart(SiteURL.anyID, .fhir).pattern, use: fhirExport)
        readers.post(SiteURL.caregiverPart(SiteURL.anyID, .voluntariness).pattern, use: recordVoluntariness)
    }

    /// The register, a page at a time. A search is posted, never put in the address: names and
    /// personnummer must not end up in browser history, proxies or referrers.
    @Sendable func list(req: Request) async throws -> Response {
        let user = try req.currentUser
        let form = FormValues(request: req)
        let query = req.method == .POST ? (form["q"] ?? "") : ""
        // A term with a control or bidi character is refused on the field, with the page kept.
        let problem = SearchText.check(query).problem
        let errors = problem.map { FormErrors([.init(field: "q", messageKey: $0.rawValue)], request: req) } ?? .none
        let page = Pagination.page(req.method == .POST ? form.int("page") : try? req.query.get(Int.self, at: "page"))
        // One row past the page says whether there is a next one, whatever the count's cap.
        let (found, total) = problem != nil ? ([], 0)
            : try await CaregiverService.search(query, for: user, limit: Self.pageSize + 1, offset: (page - 1) * Self.pageSize,
                                                countUpTo: Self.countCap, on: req.db)
        let rows = found.prefix(Self.pageSize)
        let key = query.isEmpty ? "caregiver.count" : "caregiver.search_count"
        return try await req.renderPage("caregivers/list", ListPage(
            page: .make(for: req, titleKey: "caregiver.list_title", errors: errors.summary([("q", "caregiver.search_label")], request: req)),
            query: query,
            rows: try rows.map {
                ListRow(name: $0.name, href: SiteURL.caregiver(try $0.requireID()).path,
                        registered: CalendarDate($0.registeredOn).map { SwedishTime.formatDate($0, language: req.language.rawValue) } ?? "")
            },
            // A refused search searched nothing: no count, rather than a false "0 matches".
            countText: problem != nil ? "" : total > Self.countCap ? req.t(key + "_more", req.grouped(Self.countCap)) : req.tp(key, total), newHref: SiteURL.caregiverNew.path, worklistHref: SiteURL.caregiverWorklist.path,
            recipientsHref: SiteURL.recipients.path, action: SiteURL.caregivers.path,
            previousPage: problem == nil && page > 1 ? page - 1 : nil, nextPage: found.count > Self.pageSize ? page + 1 : nil, errors: errors,
            erased: req.method == .GET && req.query[String.self, at: "erased"] == "1"),
            status: problem == nil ? .ok : .unprocessableEntity)
    }

    // MARK: Register and edit

    /// A contact request from the public form can become a record in one step: its name,
    /// contact and language fill the form, and saving closes the request.
    @Sendable func newForm(req: Request) async throws -> Response {
        let user = try req.currentUser
        var values = FormValues([("preferredLanguage", "sv")])
        var requestID: UUID?
        // Only those who keep the contact-request inbox may read a request.
        if user.hasAny(SupportService.editors), let raw = try? req.query.get(String.self, at: "from"), let id = UUID(uuidString: raw) {
            let request = try await ContactRequest.find(id, in: user.organisationID, on: req.db)
            try await req.logAccess(recordType: .contactRequest, recordID: id)
            let isEmail = request.reach.contains("@")
            values = FormValues([("name", request.name), (isEmail ? "email" : "phone", request.reach),
                                 ("preferredLanguage", request.language), ("fromRequest", id.uuidString)])
            requestID = id
        }
        return try await renderNew(req, user: user, values: values, errors: .none, notice: requestID == nil ? nil : req.t("caregiver.from_request_notice"))
    }

    private func renderNew(_ req: Request, user: CurrentUser, values: FormValues, errors: FormErrors, notice: String?,
                           status: HTTPResponseStatus = .ok) async throws -> Response {
        var form = try await CaregiverForms.caregiver(req, values: values, errors: errors, user: user)
        if let from = values["fromRequest"], !from.isEmpty {
            form = form.withHidden("fromRequest", from)
        }
        // A number already registered: a link to that person for whoever may see them, and
        // for the others whom to ask, instead of a second record that splits the history.
        var notice = notice
        var related: FormPage.RelatedLink?
        if errors.byField["personalIdentityNumber"] == req.t("caregiver.pin_exists") {
            if let existing = try await CaregiverService.search(values["personalIdentityNumber"], for: user, limit: 1, on: req.db).rows.first {
                related = .init(href: SiteURL.caregiver(try existing.requireID()).path, text: req.t("caregiver.pin_exists_open"))
            } else {
                notice = req.t("caregiver.pin_exists_elsewhere")
            }
        }
        return try await req.renderForm(titleKey: "caregiver.new_title", form: form, action: SiteURL.caregiverNew.path,
                                        introKey: "caregiver.new_intro", notice: notice, submitKey: "caregiver.register",
                                        backHref: SiteURL.caregivers.path, backKey: "caregiver.back_list", related: related, status: status)
    }

    @Sendable func create(req: Request) async throws -> Response {
        let user = try req.currentUser
        return try await req.submitForm(render: { values, errors, notice, status in
            try await renderNew(req, user: user, values: values, errors: errors, notice: notice, status: status)
        }, save: { values in
            let fromRequest = user.hasAny(SupportService.editors) ? values["fromRequest"].flatMap(UUID.init(uuidString:)) : nil
            let caregiver = try await CaregiverService.save(nil, try values.decode(CaregiverInput.self), by: user, on: req.db,
                                                            closingContactRequest: fromRequest.map { ($0, req.t("caregiver.request_closed_reason")) })
            return req.redirect(to: SiteURL.caregiver(try caregiver.requireID()).path)
        })
    }

    @Sendable func show(req: Request) async throws -> Response {
        let user = try req.currentUser
        let caregiver = try await CaregiverAccess.caregiver(try req.idParameter(), for: user, on: req.db)
        try await req.logAccess(recordType: .caregiver, recordID: try caregiver.requireID())
        return try await req.renderPage("caregivers/record", try await CaregiverRecordPage.build(caregiver, user: user, req: req))
    }

    @Sendable func editForm(req: Request) async throws -> Response {
        let user = try req.currentUser
        let caregiver = try await CaregiverAccess.caregiver(try req.idParameter(), for: user, on: req.db)
        try await req.logAccess(recordType: .caregiver, recordID: try caregiver.requireID())
        return try await renderEdit(req, caregiver: caregiver, user: user, values: CaregiverForms.values(of: caregiver), errors: .none, notice: nil)
    }

    private func renderEdit(_ req: Request, caregiver: Caregiver, user: CurrentUser, values: FormValues, errors: FormErrors, notice: String?,
                            status: HTTPResponseStatus = .ok) async throws -> Response {
        let form = try await CaregiverForms.caregiver(req, values: values, errors: errors, user: user,
                                                      storedNumber: caregiver.personalIdentityNumber != nil)
        let id = try caregiver.requireID()
        return try await req.renderForm(titleKey: "caregiver.edit_title", titleArguments: [caregiver.name], form: form,
                                        action: SiteURL.caregiverPart(id, .edit).path, version: caregiver.version,
                                        notice: notice ?? (caregiver.personalIdentityNumber == nil ? nil : req.t("caregiver.pin_kept_notice")),
                                        backHref: SiteURL.caregiver(id).path, backKey: "caregiver.back_record", status: status)
    }

    @Sendable func update(req: Request) async throws -> Response {
        let user = try req.currentUser
        let id = try req.idParameter()
        return try await req.submitForm(render: { values, errors, notice, status in
            let caregiver = try await CaregiverAccess.caregiver(id, for: user, on: req.db)
            return try await renderEdit(req, caregiver: caregiver, user: user, values: values, errors: errors, notice: notice, status: status)
        }, save: { values in
            var input = try values.decode(CaregiverInput.self)
            let typed = !(input.personalIdentityNumber ?? "").trimmingCharacters(in: .whitespaces).isEmpty
            if values[CaregiverForms.removeNumberField] == "on" {
                // Removed on request (a correction): the service stores no number for an empty one.
                if typed { throw SynligError.invalid([.init(field: "personalIdentityNumber", messageKey: "caregiver.pin_remove_or_new")]) }
                input.personalIdentityNumber = nil
            } else if !typed {
                // An empty field keeps the stored number: it is never sent to the browser.
                input.personalIdentityNumber = try await CaregiverAccess.caregiver(id, for: user, on: req.db).personalIdentityNumber
            }
            _ = try await CaregiverService.save(id, input, by: user, on: req.db)
            return req.redirect(to: SiteURL.caregiver(id).path)
        })
    }

    /// The same FHIR R4 Bundle as the API gives, for a signed-in user to download.
    @Sendable func fhirExport(req: Request) async throws -> Response {
        let response = try await CaregiverFHIRExport.response(caregiverID: try req.idParameter(), req: req)
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"caregiver-fhir.json\"")
        return response
    }

    // MARK: On the record page

    @Sendable func addMemo(req: Request) async throws -> Response {
        try await onRecord(req, anchor: "memos") { id, user, values in
            _ = try await FollowUpService.addMemo(caregiverID: id, text: values["memo"], by: user, on: req.db)
        }
    }

    @Sendable func recordVoluntariness(req: Request) async throws -> Response {
        try await onRecord(req, anchor: "voluntariness") { id, user, values in
            _ = try await FollowUpService.recordVoluntariness(caregiverID: id, try values.decode(VoluntarinessInput.self), by: user, on: req.db)
        }
    }

    /// A small form on the record page: back to the record, or the record again with the
    /// refusal at its field and the typed text kept.
    private func onRecord(_ req: Request, anchor: String,
                          _ save: (UUID, CurrentUser, FormValues) async throws -> Void) async throws -> Response {
        let user = try req.currentUser
        let id = try req.idParameter()
        let values = FormValues(request: req)
        do {
            try await save(id, user, values)
            return req.redirect(to: SiteURL.caregiver(id).path + "#" + anchor)
        } catch let error as SynligError where !error.fieldProblems.isEmpty {
            let caregiver = try await CaregiverAccess.caregiver(id, for: user, on: req.db)
            try await req.logAccess(recordType: .caregiver, recordID: id)
            let page = try await CaregiverRecordPage.build(caregiver, user: user, req: req, errors: FormErrors(error.fieldProblems, request: req),
                                                           typed: values.dictionary)
            return try await req.renderPage("caregivers/record", page, status: error.status)
        }
    }
}
