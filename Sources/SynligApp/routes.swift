import Vapor

/// The map of Synlig's URL tree: each capability's pages, then the JSON API under `/api/v1`,
/// mounted once with its token authentication. Paths themselves live in `SiteURL`.
func routes(_ app: Application) throws {
    // Operations and language: no sign-in.
    try app.register(collection: HealthController())              // GET /health
    try app.register(collection: LanguageController())            // GET /language/:code

    // Accounts: sign-in, first-time setup, the start page and one's own account.
    try app.register(collection: LoginController())               // /login, /logout
    try app.register(collection: IdentityProviderSignInController()) // /login/eid/… (OpenID Connect)
    try app.register(collection: SecondFactorSignInController())  // /login/second-factor, /login/step-up
    try app.register(collection: SetupController())               // /setup/…
    try app.register(collection: HomeController())                // /
    try app.register(collection: AccountController())             // /account/password
    try app.register(collection: SecondFactorController())        // /account/second-factor

    // Administration and privacy review: units, users, audit trail, access log.
    try app.register(collection: AdministrationController())      // /admin/…
    try app.register(collection: PrivacyReviewController())       // /admin/audit, /admin/access-log
    try app.register(collection: AccessLogReviewPages())          // /admin/access-log/reviews (documented log reviews)
    try app.register(collection: JobsController())                // /admin/jobs
    try app.register(collection: SignInSettingsPages())           // /admin/sign-in, /admin/identity-providers/…

    // Mapping (kartläggning), its question banks, and the development plan that follows.
    try app.register(collection: MappingController())             // /mappings
    try app.register(collection: MappingSheetController())        // /mappings/:id/responses/… (answer sheets)
    try app.register(collection: MappingResultsController())      // /mappings/:id/results, gaps, report
    try app.register(collection: QuestionBankController())        // /question-banks
    try app.register(collection: PlanningController())            // /plan, /plan/goals, /plan/routines
    try app.register(collection: DecisionController())            // /decisions

    // Support catalogue for staff, and the caregivers' public pages (no sign-in).
    let publicLanguages = app.localizer.publicLanguages.map(PublicLanguage.init(code:))
    try app.register(collection: SupportCatalogueController())    // /support
    try app.register(collection: PublicSupportController(languages: publicLanguages))   // /stod, /en/support, …
    try app.register(collection: ContactRequestController(languages: publicLanguages)) // public contact form, /support/requests
    try app.register(collection: GroupSupportController())        // /support/occasions, sign-ups from the record

    // The caregiver record.
    try app.register(collection: CaregiverController())           // /caregivers
    try app.register(collection: RelationshipController())        // relationships, consents, restrictions, invitations
    try app.register(collection: FollowUpController())            // conversations, screenings, plans, support
    try app.register(collection: InformationController())         // information given, children at home, consent reviewed
    try app.register(collection: WorklistController())            // /caregivers/worklist
    try app.register(collection: RecipientController())           // /recipients
    try app.register(collection: CoordinatedPlanController())     // /recipients/:id/plans, /plans/… (SIP, patient contracts)
    try app.register(collection: CaregiverSettingsController())   // /caregivers/settings
    try app.register(collection: RegisterExtractController())     // /caregivers/:id/extract, /recipients/:id/extract
    try app.register(collection: CaregiverErasureController())    // /caregivers/:id/erase
    try app.register(collection: RecipientErasureController())    // /recipients/:id/erase
    try app.register(collection: RetentionExemptionController())  // /caregivers/:id/retention
    try app.register(collection: CorrectionHistoryController())   // /caregivers/:id/corrections, /recipients/:id/corrections
    try app.register(collection: CorrectionStrikeController())    // …/corrections/:entry/strike
    try app.register(collection: ReferralController())            // /referrals, /caregivers/:id/referrals/new

    // Statistics: de-identified aggregates only.
    try app.register(collection: StatisticsController())          // /statistics

    // Crisis readiness: the list to reach caregivers when IT fails, printed or as an encrypted file.
    try app.register(collection: CrisisController())              // /crisis, /crisis/print, /crisis/export
    try app.register(collection: CrisisEventController())         // /crisis/events, an event's checklist

    // /api/v1: open routes first, then those that need a bearer token.
    let api = APIRoutes(mountedOn: app)
    try api.register(OpenAPIDocumentController())                 // GET openapi.yaml
    try api.register(OpenDataController())                        // open-data/:code/… (open)
    try api.register(AccountsAPIController())                     // auth/token, me, organisation
    try api.register(AdministrationAPIController())               // units, users
    try api.register(AccessLogReviewAPIController())              // access-log/reviews (documented log reviews)
    try api.register(MappingAPIController())                      // question-banks, mappings
    try api.register(PlanAPIController())                         // goals, actions, routine-statuses
    try api.register(SupportAPIController())                      // support-offerings, contact-requests
    try api.register(GroupSupportAPIController())                 // group-occasions, group-sign-ups
    try api.register(CaregiverAPIController())                    // caregivers, recipients, relationships, …
    try api.register(CoordinatedPlanAPIController())              // recipients/:id/coordinated-plans, discharges, patient contracts
    try api.register(RegisterExtractController())                 // caregivers/:id/extract, recipients/:id/extract
    try api.register(CaregiverErasureController())                // caregivers/:id/erasure
    try api.register(RecipientErasureController())                // recipients/:id/erasure
    try api.register(RetentionExemptionController())              // caregivers/:id/retention-exemption
    try api.register(CorrectionHistoryController())               // caregivers/:id/corrections, recipients/:id/corrections
    try api.register(CorrectionStrikeController())                // …/corrections/:entry/strike
    try api.register(CaregiverSettingsAPIController())            // caregiver-settings
    try api.register(ReferralAPIController())                     // caregivers/:id/referrals, referrals/sent, referrals/received/…
    try api.register(StatisticsAPIController())                   // statistics
    try api.register(JobsAPIController())                         // jobs (administrators)
    try api.register(OpenIndicatorsController())                  // open-data/kpi, open-data/[:code/]indicators (open)
}
