import Fluent
import SynligCore
import Vapor

/// The public contact form and the staff inbox it lands in.
struct ContactRequestController: RouteCollection {
    typealias Option = SelectOption

    let languages: [PublicLanguage]

    struct FormPage: Encodable {
        var page: PageContext
        var municipality: String
        var action: String
        var backHref: String
        var values: [String: String]
        var languages: [Option]
        var started: Int
        var stamp: String
        var errors: FormErrors
        /// How long a request is kept, from the purge's own rule for this organisation: the page
        /// and the purge cannot tell different stories.
        var unhandledRetentionDays: Int
        var closedRetentionDays: Int
    }

    struct ReceiptPage: Encodable {
        var page: PageContext
        var municipality: String
        var backHref: String
    }

    struct InboxRow: Encodable {
        var href: String
        var received: String
        var status: String
        var open: Bool
    }

    struct InboxPage: Encodable {
        var page: PageContext
        var rows: [InboxRow]
        /// The purge's own rule for the organisation, as on the public form.
        var unhandledRetentionDays: Int
        var closedRetentionDays: Int
    }

    struct RequestPage: Encodable {
        var page: PageContext
        var name: String
        var reach: String
        var about: String
        var language: String
        var received: String
        var open: Bool
        var closedReason: String?
        var action: String
        /// Consultants can turn the request into a caregiver record in one step.
        var registerHref: String?
        var errors: FormErrors
    }

    struct ContactForm: Content {
        var name: String?
        var reach: String?
        var about: String?
        var language: String?
        var consent: String?
        var website: String?
        var started: String?
        var stamp: String?
    }

    struct CloseForm: Content { var reason: String? }

    func boot(routes: any RoutesBuilder) throws {
        for language in languages {
            let pattern = SiteURL.publicContact(language, code: ":code").pattern
            routes.browser.get(pattern) { try await self.form(req: $0, language: language) }
            routes.browser.post(pattern) { try await self.submit(req: $0, language: language) }
        }
        // The requests hold what caregivers wrote about themselves: read like a record.
        let editors = routes.recordReaders(.admin, .strategist, .consultant)
        editors.get(SiteURL.contactRequests.pattern, use: inbox)
        editors.get(SiteURL.contactRequest(SiteURL.anyID).pattern, use: show)
        editors.post(SiteURL.contactRequest(SiteURL.anyID).pattern, use: close)
    }

    private func formPage(_ req: Request, language: PublicLanguage, organisation: Organisation, values: [String: String],
                          errors: FormErrors, summary: [PageContext.FormError]) async throws -> FormPage {
        let retention = try await ContactRequestRetention.of(try organisation.requireID(), on: req.db)
        let started = Int(Date().timeIntervalSince1970)
        let chosen = values["language"] ?? language.code
        return FormPage(
            page: .make(for: req, titleKey: "contact.title", titleArguments: [organisation.name], errors: summary,
                        otherLanguages: PublicSupportController.otherLanguages(language, among: languages) {
                            SiteURL.publicContact($0, code: organisation.code).path
                        }),
            municipality: organisation.name, action: SiteURL.publicContact(language, code: organisation.code).path,
            backHref: SiteURL.publicMunicipality(language, code: organisation.code).path, values: values,
            languages: SupportLanguage.codes.map { Option(value: $0, label: req.t("language.name.\($0)"), selected: $0 == chosen) },
            started: started, stamp: ContactRequestService.stamp(startedAt: started, token: req.csrfToken), errors: errors,
            unhandledRetentionDays: retention.unhandledDays, closedRetentionDays: retention.closedDays)
    }

    func form(req: Request, language: PublicLanguage) async throws -> Response {
        req.usePublicLanguage(language)
        let organisation = try await Organisation.byPublicCode(req)
        return try await req.renderPage("public/contact", try await formPage(req, language: language, organisation: organisation, values: [:],
                                                                  errors: .none, summary: []))
    }

    func submit(req: Request, language: PublicLanguage) async throws -> Response {
        req.usePublicLanguage(language)
        let organisation = try await Organisation.byPublicCode(req)
        let form = try req.content.decode(ContactForm.self)
        let submission = ContactRequestService.Submission(name: form.name, reach: form.reach, about: form.about, language: form.language,
                                                    consent: form.consent == "on", honeypot: form.website, started: form.started, stamp: form.stamp)
        do {
            _ = try await ContactRequestService.submit(submission, organisation: organisation, token: req.csrfToken, address: req.clientAddress, on: req.db)
            // A robot caught by the honeypot or the clock sees the same receipt as a person.
            return try await req.renderPage("public/receipt", ReceiptPage(
                page: .make(for: req, titleKey: "contact.receipt_title",
                            otherLanguages: PublicSupportController.otherLanguages(language, among: languages) { SiteURL.publicSupport($0).path }),
                municipality: organisation.name, backHref: SiteURL.publicMunicipality(language, code: organisation.code).path))
        } catch let error as SynligError where !error.fieldProblems.isEmpty {
            let errors = FormErrors(error.fieldProblems, request: req)
            let values = ["name": form.name ?? "", "reach": form.reach ?? "", "about": form.about ?? "", "language": form.language ?? ""]
                .mapValues { String($0.prefix(ContactRequestService.maxAbout)) }
            return try await req.renderPage("public/contact", try await formPage(
                req, language: language, organisation: organisation, values: values, errors: errors,
                summary: errors.summary([("name", "contact.name"), ("reach", "contact.reach"), ("about", "contact.about"),
                                         ("consent", "contact.consent_label")], request: req)), status: error.status)
        }
    }

    @Sendable func inbox(req: Request) async throws -> Response {
        let user = try req.currentUser
        // The list shows no names: opening a request is a read of personal data, and is logged.
        let requests = try await ContactRequest.scoped(to: user.organisationID, on: req.db).sort(\.$createdAt, .descending).limit(200).all()
        let retention = try await ContactRequestRetention.of(user.organisationID, on: req.db)
        return try await req.renderPage("support/requests", InboxPage(
            page: .make(for: req, titleKey: "contact.inbox_title"),
            rows: try requests.map {
                InboxRow(href: SiteURL.contactRequest(try $0.requireID()).path,
                         received: SwedishTime.format($0.createdAt, language: req.language.rawValue),
                         status: req.t("contact.status.\($0.status.rawValue)"), open: $0.status == .open)
            }, unhandledRetentionDays: retention.unhandledDays, closedRetentionDays: retention.closedDays))
    }

    @Sendable func show(req: Request) async throws -> Response {
        try await render(req, id: try req.idParameter(), errors: .none, summary: [], status: .ok)
    }

    private func render(_ req: Request, id: UUID, errors: FormErrors, summary: [PageContext.FormError], status: HTTPStatus) async throws -> Response {
        let user = try req.currentUser
        let request = try await ContactRequest.find(id, in: user.organisationID, on: req.db)
        try await req.logAccess(recordType: .contactRequest, recordID: id)
        return try await req.renderPage("support/request", RequestPage(
            page: .make(for: req, titleKey: "contact.request_title", errors: summary), name: request.name, reach: request.reach,
            about: request.about, language: req.t("language.name.\(request.language)"),
            received: SwedishTime.format(request.createdAt, language: req.language.rawValue), open: request.status == .open,
            closedReason: request.closedReason, action: SiteURL.contactRequest(id).path,
            registerHref: user.hasAny(CaregiverAccess.readers) ? SiteURL.caregiverNew.path + "?from=" + id.uuidString : nil,
            errors: errors), status: status)
    }

    @Sendable func close(req: Request) async throws -> Response {
        let id = try req.idParameter()
        let form = try req.content.decode(CloseForm.self)
        do {
            try await ContactRequestService.close(id, reason: form.reason, by: try req.currentUser, on: req.db)
            return req.redirect(to: SiteURL.contactRequests.path)
        } catch let error as SynligError where !error.fieldProblems.isEmpty {
            let errors = FormErrors(error.fieldProblems, request: req)
            return try await render(req, id: id, errors: errors, summary: errors.summary([("reason", "contact.close_reason")], request: req),
                                    status: error.status)
        }
    }
}

/// New contact requests on the start page of those who keep the catalogue.
enum ContactRequestWorklist {
    static func items(for user: CurrentUser, request req: Request) async throws -> [HomeController.WorklistItem] {
        guard user.hasAny(SupportService.editors) else { return [] }
        let open = try await ContactRequest.scoped(to: user.organisationID, on: req.db).filter(\.$status == .open).count()
        guard open > 0 else { return [] }
        let label = req.tp("worklist.contact_requests", open)
        return [HomeController.WorklistItem(label: label, href: SiteURL.contactRequests.path,
                                            due: req.t("worklist.contact_due"), overdue: false)]
    }
}
