import Vapor

/// Registers each capability's routes, nothing else.
func routes(_ app: Application) throws {
    try app.register(collection: HealthController())
    try app.register(collection: LanguageController())
    try app.register(collection: LoginController())
    try app.register(collection: SetupController())
    try app.register(collection: HomeController())
    try app.register(collection: AccountController())
    try app.register(collection: AdministrationController())
    try app.register(collection: PrivacyReviewController())
    try app.register(collection: MappingController())
    try app.register(collection: MappingSheetController())
    try app.register(collection: MappingResultsController())
    try app.register(collection: PlanningController())
    try app.register(collection: QuestionBankController())
    try app.register(collection: DecisionController())
    try app.register(collection: SupportCatalogueController())
    let publicLanguages = app.localizer.publicLanguages.map(PublicLanguage.init(code:))
    try app.register(collection: PublicSupportController(languages: publicLanguages))
    try app.register(collection: ContactRequestController(languages: publicLanguages))
    try app.register(collection: OpenDataController())
    try app.register(collection: APIController())
    try app.register(collection: MappingAPIController())
    try app.register(collection: SupportAPIController())
}
