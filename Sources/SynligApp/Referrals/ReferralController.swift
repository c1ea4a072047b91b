import Fluent
import SynligCore
import Vapor

/// The referral pages: sending from a caregiver's record, the receiver's inbox and one
/// referral, its status, the one-step record, and the sender's list of what it sent.
struct ReferralController: RouteCollection {
    struct InboxRow: Encodable {
        var href: String
        var sent: String
        var from: String
        var status: String
        var new: Bool
    }

    struct InboxPage: Encodable {
        var page: PageContext
        var rows: [InboxRow]
        var sentHref: String
        var untakenRetentionDays = ReferralRules.untakenRetentionDays
        var closedRetentionDays = ReferralRules.closedRetentionDays
    }

    struct SentRow: Encodable {
        var caregiver: String
        var href: String
        var to: String
        var status: String
    }

    struct SentPage: Encodable {
        var page: PageContext
        var rows: [SentRow]
        var inboxHref: String
    }

    struct Fact: Encodable {
        var label: String
        var value: String
        var href: String?
    }

    struct ReferralPage: Encodable {
        var page: PageContext
        var from: String
        var facts: [Fact]
        /// The categories the caregiver did not agree to pass on, so the reader knows why they are missing.
        var notShared: String?
        var status: String
        var statusOptions: [SelectOption]
        var statusAction: String?
        var version: Int
        var registerHref: String?
        var caregiverHref: String?
        var notice: String?
        var statusError: String?
    }

    func boot(routes: any RoutesBuilder) throws {
        let handlers = routes.recordReaders(ReferralService.handlers)
        handlers.get(SiteURL.caregiverPart(SiteURL.anyID, .referralNew).pattern, use: newForm)
        handlers.post(SiteURL.caregiverPart(SiteURL.anyID, .referralNew).pattern, use: send)
        handlers.get(SiteURL.referrals.pattern, use: inbox)
        handlers.get(SiteURL.referralsSent.pattern, use: sentList)
        handlers.get(SiteURL.referral(SiteURL.anyID).pattern, use: show)
        handlers.post(SiteURL.referral(SiteURL.anyID).pattern, use: setStatus)
        handlers.get(SiteURL.referralCaregiver(SiteURL.anyID).pattern, use: caregiverForm)
        handlers.post(SiteURL.referralCaregiver(SiteURL.anyID).pattern, use: createCaregiver)
    }

    // MARK: Sending

    @Sendable func newForm(req: Request) async throws -> Response {
        let user = try req.currentUser
        let caregiver = try await CaregiverAccess.caregiver(try req.idParameter(), for: user, on: req.db)
        try await req.logAccess(recordType: .caregiver, recordID: try caregiver.requireID())
        return try await renderNew(req, caregiver: caregiver, user: user, values: FormValues(), errors: .none)
    }

    private func renderNew(_ req: Request, caregiver: Caregiver, user: CurrentUser, values: FormValues, errors: FormErrors,
                           status: HTTPResponseStatus = .ok) async throws -> Response {
        let id = try caregiver.requireID()
        var form = FormBuilder(req, values: values, errors: errors)
        let receivers = try await ReferralService.receivers(for: user, on: req.db)
        form.options("receivingOrganisationId", "referral.field.receiver",
                     try receivers.map { (try $0.requireID().uuidString, $0.name + " (" + req.t("organisation.kind.\($0.kind.rawValue)") + ")") },
                     hint: "referral.field.receiver_hint", blankKey: "form.choose")
        form.checkboxes("consentCategories", "referral.field.categories", ReferralConsentCategory.self, prefix: "referral.category",
                        hint: "referral.field.categories_hint")
        form.choice("consentForm", "referral.field.consent_form", ReferralConsentForm.self, prefix: "referral.consent_form", radios: true)
        form.textarea("reason", "referral.field.reason", hint: "referral.field.reason_hint", rows: 3, maxLength: ReferralRules.maxReason)
        form.textarea("ownNeeds", "referral.field.own_needs", hint: "referral.field.own_needs_hint", rows: 4, maxLength: ReferralRules.maxNeeds)
        return try await req.renderForm(titleKey: "referral.new_title", titleArguments: [caregiver.name], form: form,
                                        action: SiteURL.caregiverPart(id, .referralNew).path, introKey: "referral.new_intro",
                                        submitKey: "referral.send", backHref: SiteURL.caregiver(id).path, backKey: "caregiver.back_record",
                                        status: status)
    }

    @Sendable func send(req: Request) async throws -> Response {
        let user = try req.currentUser
        let id = try req.idParameter()
        return try await req.submitForm(render: { values, errors, _, status in
            let caregiver = try await CaregiverAccess.caregiver(id, for: user, on: req.db)
            return try await renderNew(req, caregiver: caregiver, user: user, values: values, errors: errors, status: status)
        }, save: { values in
            let input = ReferralInput(receivingOrganisationId: values["receivingOrganisationId"], consentCategories: values.all("consentCategories"),
                                      consentForm: values["consentForm"], reason: values["reason"], ownNeeds: values["ownNeeds"])
            _ = try await ReferralService.send(caregiverID: id, input, by: user, on: req.db)
            return req.redirect(to: SiteURL.caregiver(id).path + "#referrals")
        })
    }

    /// What the sending organisation sent, with the status the receivers returned.
    @Sendable func sentList(req: Request) async throws -> Response {
        let user = try req.currentUser
        let sent = try await ReferralService.sent(for: user, on: req.db)
        return try await req.renderPage("referrals/sent", SentPage(
            page: .make(for: req, titleKey: "referral.sent_title"),
            rows: sent.map { row, name in
                SentRow(caregiver: name, href: SiteURL.caregiver(row.caregiverID).path + "#referrals",
                        to: row.receivingOrganisationName, status: ReferralText.status(row, sentAt: row.sentAt, req: req))
            }, inboxHref: SiteURL.referrals.path))
    }

    // MARK: Receiving

    /// The inbox shows no names: opening a referral is a read of personal data, and is logged.
    @Sendable func inbox(req: Request) async throws -> Response {
        let user = try req.currentUser
        let referrals = try await Referral.scoped(to: user.organisationID, on: req.db).sort(\.$sentAt, .descending).limit(200).all()
        return try await req.renderPage("referrals/inbox", InboxPage(
            page: .make(for: req, titleKey: "referral.inbox_title"),
            rows: try referrals.map {
                InboxRow(href: SiteURL.referral(try $0.requireID()).path, sent: SwedishTime.format($0.sentAt, language: req.language.rawValue),
                         from: $0.sendingOrganisationName, status: req.t("referral.status.\($0.status.rawValue)"), new: $0.status == .sent)
            }, sentHref: SiteURL.referralsSent.path))
    }

    @Sendable func show(req: Request) async throws -> Response {
        let user = try req.currentUser
        let referral = try await ReferralService.open(try req.idParameter(), by: user, on: req.db)
        return try await render(req, referral: referral, notice: nil, statusError: nil)
    }

    private func render(_ req: Request, referral: Referral, notice: String?, statusError: String?,
                        status: HTTPResponseStatus = .ok) async throws -> Response {
        let id = try referral.requireID()
        try await req.logAccess(recordType: .referral, recordID: id)
        let categories = referral.consentCategories
        let language = req.language.rawValue
        var facts = [Fact(label: req.t("referral.label.reason"), value: referral.reason),
                     Fact(label: req.t("referral.label.consent"), value: ReferralText.consent(categories, form: referral.consentForm, req: req))]
        if categories.contains(.contactDetails) {
            facts.append(Fact(label: req.t("caregiver.field.name"), value: referral.name ?? "–"))
            facts.append(Fact(label: req.t("caregiver.field.phone"), value: referral.phone ?? "–", href: referral.phone.flatMap(PhoneNumber.telURI)))
            facts.append(Fact(label: req.t("caregiver.field.email"), value: referral.email ?? "–"))
            facts.append(Fact(label: req.t("caregiver.field.language"),
                              value: referral.preferredLanguage.map { req.t("language.name.\($0)") } ?? "–"))
        }
        if categories.contains(.careSituation) {
            let lines = ReferralText.careSituation(referral, req: req)
            facts.append(Fact(label: req.t("referral.label.care_situation"), value: lines.isEmpty ? "–" : lines.joined(separator: "; ")))
        }
        if categories.contains(.ownNeeds) {
            facts.append(Fact(label: req.t("referral.label.own_needs"), value: referral.ownNeeds ?? "–"))
        }
        let notShared = ReferralText.categoryNames(ReferralConsentCategory.allCases.filter { !categories.contains($0) }, req: req)
        let next = ReferralStatus.allCases.filter { referral.status.mayMove(to: $0) && $0 != .received }
        return try await req.renderPage("referrals/referral", ReferralPage(
            page: .make(for: req, titleKey: "referral.title", titleArguments: [referral.sendingOrganisationName],
                        errors: statusError.map { [PageContext.FormError(field: "status", message: $0)] } ?? []),
            from: referral.sendingOrganisationName + ", " + SwedishTime.format(referral.sentAt, language: language),
            facts: facts,
            notShared: notShared.isEmpty ? nil : notShared,
            status: ReferralText.status(referral, sentAt: referral.sentAt, req: req),
            statusOptions: next.map { SelectOption(value: $0.rawValue, label: req.t("referral.status.\($0.rawValue)"), selected: false) },
            statusAction: next.isEmpty ? nil : SiteURL.referral(id).path, version: referral.version,
            registerHref: referral.createdCaregiverID == nil ? SiteURL.referralCaregiver(id).path : nil,
            caregiverHref: referral.createdCaregiverID.map { SiteURL.caregiver($0).path }, notice: notice, statusError: statusError),
            status: status)
    }

    @Sendable func setStatus(req: Request) async throws -> Response {
        let user = try req.currentUser
        let id = try req.idParameter()
        let values = FormValues(request: req)
        do {
            _ = try await ReferralService.setStatus(id, status: values["status"], version: values.int("version"), by: user, on: req.db)
            return req.redirect(to: SiteURL.referral(id).path)
        } catch let error as SynligError where error.status == .conflict || !error.fieldProblems.isEmpty {
            let referral = try await Referral.find(id, in: user.organisationID, on: req.db)
            let message = error.fieldProblems.first.map { req.t($0.messageKey) }
            return try await render(req, referral: referral, notice: message == nil ? req.t(error.messageKey) : nil,
                                    statusError: message, status: error.status)
        }
    }

    // MARK: One step to a caregiver record

    @Sendable func caregiverForm(req: Request) async throws -> Response {
        let user = try req.currentUser
        let referral = try await Referral.find(try req.idParameter(), in: user.organisationID, on: req.db)
        try await req.logAccess(recordType: .referral, recordID: try referral.requireID())
        let input = ReferralService.prefill(referral)
        let values = FormValues([("name", input.name ?? ""), ("phone", input.phone ?? ""), ("email", input.email ?? ""),
                                 ("preferredLanguage", input.preferredLanguage ?? "sv")])
        return try await renderCaregiver(req, referral: referral, user: user, values: values, errors: .none)
    }

    private func renderCaregiver(_ req: Request, referral: Referral, user: CurrentUser, values: FormValues, errors: FormErrors,
                                 notice: String? = nil, status: HTTPResponseStatus = .ok) async throws -> Response {
        let id = try referral.requireID()
        let form = try await CaregiverForms.caregiver(req, values: values, errors: errors, user: user)
        return try await req.renderForm(titleKey: "caregiver.new_title", form: form, action: SiteURL.referralCaregiver(id).path,
                                        introKey: "referral.register_intro", notice: notice, submitKey: "caregiver.register",
                                        backHref: SiteURL.referral(id).path, backKey: "referral.back", status: status)
    }

    @Sendable func createCaregiver(req: Request) async throws -> Response {
        let user = try req.currentUser
        let id = try req.idParameter()
        return try await req.submitForm(render: { values, errors, notice, status in
            let referral = try await Referral.find(id, in: user.organisationID, on: req.db)
            return try await renderCaregiver(req, referral: referral, user: user, values: values, errors: errors, notice: notice, status: status)
        }, save: { values in
            let caregiver = try await CaregiverService.save(nil, try values.decode(CaregiverInput.self), by: user, on: req.db,
                                                            takingUpReferral: id)
            return req.redirect(to: SiteURL.caregiver(try caregiver.requireID()).path)
        })
    }
}

/// New referrals on the start page of those who receive them, like contact requests.
enum ReferralWorklist {
    static func items(for user: CurrentUser, request req: Request) async throws -> [HomeController.WorklistItem] {
        guard user.hasAny(ReferralService.handlers) else { return [] }
        let new = try await Referral.scoped(to: user.organisationID, on: req.db).filter(\.$status == .sent).count()
        guard new > 0 else { return [] }
        return [HomeController.WorklistItem(label: req.tp("worklist.referrals", new), href: SiteURL.referrals.path,
                                            due: req.t("worklist.referral_due"), overdue: false)]
    }
}
