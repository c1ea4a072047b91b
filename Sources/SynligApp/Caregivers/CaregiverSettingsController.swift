import Fluent
import SynligCore
import Vapor

/// Per-organisation settings of the caregiver record: how often voluntariness is asked and the
/// consent stance reviewed, and how long memo notes are kept before they are purged.
struct CaregiverSettingsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let keepers = routes.signedIn(as: .admin, .consultant)
        keepers.get(SiteURL.caregiverSettings.pattern, use: form)
        keepers.post(SiteURL.caregiverSettings.pattern, use: save)
    }

    private func render(_ req: Request, values: FormValues, errors: FormErrors, notice: String?, confirmation: String? = nil,
                        status: HTTPResponseStatus = .ok) async throws -> Response {
        var form = FormBuilder(req, values: values, errors: errors)
        form.text("voluntarinessMonths", "settings.voluntariness_months", hint: "settings.voluntariness_hint", kind: .number, maxLength: 2)
        form.text("memoRetentionDays", "settings.memo_days", hint: "settings.memo_hint", kind: .number, maxLength: 3)
        form.text("consentReviewMonths", "settings.consent_review_months", hint: "settings.consent_review_hint", kind: .number, maxLength: 2)
        return try await req.renderForm(titleKey: "settings.title", form: form, action: SiteURL.caregiverSettings.path,
                                        introKey: "settings.intro", notice: notice, confirmation: confirmation, backHref: SiteURL.home.path, backKey: "settings.back",
                                        status: status)
    }

    @Sendable func form(req: Request) async throws -> Response {
        let user = try req.currentUser
        let settings = try await CaregiverSettings.scoped(to: user.organisationID, on: req.db).first()
        let months = settings?.voluntarinessMonths ?? FollowUpSchedule.standard.voluntarinessMonths
        let days = settings?.memoRetentionDays ?? CaregiverSettings.defaultMemoRetentionDays
        let review = settings?.consentReviewMonths ?? ConsentReviewSchedule.standardMonths
        let saved = (try? req.query.get(String.self, at: "saved")) != nil
        return try await render(req, values: FormValues([("voluntarinessMonths", String(months)), ("memoRetentionDays", String(days)),
                                                     ("consentReviewMonths", String(review))]),
                                errors: .none, notice: nil, confirmation: saved ? req.t("settings.saved") : nil)
    }

    @Sendable func save(req: Request) async throws -> Response {
        let user = try req.currentUser
        return try await req.submitForm(render: { values, errors, notice, status in
            try await render(req, values: values, errors: errors, notice: notice, status: status)
        }, save: { values in
            try await FollowUpService.saveSettings(voluntarinessMonths: values.int("voluntarinessMonths"),
                                                   memoRetentionDays: values.int("memoRetentionDays"),
                                                   consentReviewMonths: values.int("consentReviewMonths"), by: user, on: req.db)
            return req.redirect(to: SiteURL.caregiverSettings.path + "?saved=1")
        })
    }
}
