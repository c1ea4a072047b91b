import Fluent
import SynligCore
import Vapor

/// Per-organisation settings of the caregiver record: how often voluntariness is asked and the
/// consent stance reviewed, and how long memo notes and contact requests are kept before they
/// are purged.
struct CaregiverSettingsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let keepers = routes.signedIn(as: .admin, .consultant)
        keepers.get(SiteURL.caregiverSettings.pattern, use: form)
        keepers.post(SiteURL.caregiverSettings.pattern, use: save)
    }

    /// The settings in force: the organisation's own, or Synlig's defaults where it has none.
    static func current(_ organisationID: UUID, on db: any Database) async throws -> API.CaregiverSettingsOut {
        let settings = try await CaregiverSettings.scoped(to: organisationID, on: db).first()
        return API.CaregiverSettingsOut(
            voluntarinessMonths: settings?.voluntarinessMonths ?? FollowUpSchedule.standard.voluntarinessMonths,
            memoRetentionDays: settings?.memoRetentionDays ?? CaregiverSettings.defaultMemoRetentionDays,
            consentReviewMonths: settings?.consentReviewMonths ?? ConsentReviewSchedule.standardMonths,
            contactRequestUnhandledDays: settings?.contactRequestUnhandledDays ?? ContactRequestRetention.standard.unhandledDays,
            contactRequestClosedDays: settings?.contactRequestClosedDays ?? ContactRequestRetention.standard.closedDays,
            keepFilesDecision: settings?.keepFilesDecision,
            version: settings?.version ?? CaregiverSettings.defaultsVersion)
    }

    private func render(_ req: Request, values: FormValues, errors: FormErrors, notice: String?, confirmation: String? = nil,
                        version: Int, status: HTTPResponseStatus = .ok) async throws -> Response {
        var form = FormBuilder(req, values: values, errors: errors)
        form.text("voluntarinessMonths", "settings.voluntariness_months", hint: "settings.voluntariness_hint", kind: .number, maxLength: 2)
        form.text("memoRetentionDays", "settings.memo_days", hint: "settings.memo_hint", kind: .number, maxLength: 3)
        form.text("consentReviewMonths", "settings.consent_review_months", hint: "settings.consent_review_hint", kind: .number, maxLength: 2)
        form.text("contactRequestUnhandledDays", "settings.contact_unhandled_days", hint: "settings.contact_unhandled_hint", kind: .number, maxLength: 3)
        form.text("contactRequestClosedDays", "settings.contact_closed_days", hint: "settings.contact_closed_hint", kind: .number, maxLength: 3)
        form.text("keepFilesDecision", "settings.keep_files_decision", hint: "settings.keep_files_hint", maxLength: 200)
        return try await req.renderForm(titleKey: "settings.title", form: form, action: SiteURL.caregiverSettings.path,
                                        version: version, introKey: "settings.intro", notice: notice, confirmation: confirmation, backHref: SiteURL.home.path, backKey: "settings.back",
                                        status: status)
    }

    @Sendable func form(req: Request) async throws -> Response {
        let current = try await Self.current(try req.currentUser.organisationID, on: req.db)
        let saved = (try? req.query.get(String.self, at: "saved")) != nil
        return try await render(req, values: FormValues([
            ("voluntarinessMonths", String(current.voluntarinessMonths)), ("memoRetentionDays", String(current.memoRetentionDays)),
            ("consentReviewMonths", String(current.consentReviewMonths)),
            ("contactRequestUnhandledDays", String(current.contactRequestUnhandledDays)),
            ("contactRequestClosedDays", String(current.contactRequestClosedDays)),
            ("keepFilesDecision", current.keepFilesDecision ?? ""),
        ]), errors: .none, notice: nil, confirmation: saved ? req.t("settings.saved") : nil, version: current.version ?? CaregiverSettings.defaultsVersion)
    }

    @Sendable func save(req: Request) async throws -> Response {
        let user = try req.currentUser
        return try await req.submitForm(render: { values, errors, notice, status in
            try await render(req, values: values, errors: errors, notice: notice, version: values.int("version") ?? -1, status: status)
        }, save: { values in
            try await FollowUpService.saveSettings(voluntarinessMonths: values.int("voluntarinessMonths"),
                                                   memoRetentionDays: values.int("memoRetentionDays"),
                                                   consentReviewMonths: values.int("consentReviewMonths"),
                                                   contactRequestUnhandledDays: values.int("contactRequestUnhandledDays"),
                                                   contactRequestClosedDays: values.int("contactRequestClosedDays"),
                                                   keepFilesDecision: values["keepFilesDecision"],
                                                   version: values.int("version") ?? -1, by: user, on: req.db)
            return req.redirect(to: SiteURL.caregiverSettings.path + "?saved=1")
        })
    }
}
