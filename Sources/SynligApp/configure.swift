import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Leaf
import SynligCore
import Vapor

/// Wires Synlig together. Reads like a table of contents: storage, security, language,
/// views, then each capability's migrations and routes.
public func configure(_ app: Application, config: AppConfig) async throws {
    app.synligConfig = config
    app.logger.handler = PersonalDataRedactingLogHandler(wrapped: app.logger.handler)
    app.passwords.use(.bcrypt(cost: config.bcryptCost))
    app.routes.defaultMaxBodySize = config.maxBodySize
    try SignInService.prepareDecoy(app)
    app.secretBox = try SecretBox.load(path: config.secretKeyFile)
    TextSealing.install(TextSealingSetup.keyring(config, secretBox: app.secretBox))

    try await DatabaseSetup.configure(app, config: config)
    try await DatabaseSetup.prepareConnections(app)
    PublicPageCache.register(on: app)
    app.statisticsCache = StatisticsCache()

    app.middleware = .init()
    app.middleware.use(RequestLogMiddleware())
    app.middleware.use(SecurityHeadersMiddleware())
    app.middleware.use(ProblemMiddleware())
    app.middleware.use(BodyLimitMiddleware())
    app.middleware.use(StaticFileMiddleware(publicDirectory: app.directory.publicDirectory))
    app.middleware.use(MethodNotAllowedMiddleware())

    try Localizer.load(into: app)
    try Application.loadLegalReferences(into: app)
    app.views.use(.leaf)
    app.leaf.tags["t"] = TranslateTag()
    app.leaf.tags["tf"] = TranslateFormatTag()
    app.leaf.tags["tp"] = TranslatePluralTag()
    app.leaf.tags["has"] = HasValueTag()
    app.leaf.tags["law"] = LegalReferenceTag()
    // Templates are read once per process in every environment (issue 11: re-reading them cost a
    // tenth of a public page); edit a template, restart the server.
    app.leaf.cache.isEnabled = true

    // Each capability's migrations, in the order they first shipped: a later capability's
    // tables may refer to an earlier one's.
    AccountsMigrations.register(in: app)
    PrivacyMigrations.register(in: app)
    MappingMigrations.register(in: app)
    PlanningMigrations.register(in: app)
    DecisionMigrations.register(in: app)
    SupportMigrations.register(in: app)
    CaregiverMigrations.register(in: app)
    JobsMigrations.register(in: app)
    StatisticsMigrations.register(in: app)
    CrisisMigrations.register(in: app)
    SignInMigrations.register(in: app)
    SecondFactorMigrations.register(in: app)
    ReferralMigrations.register(in: app)
    CoordinatedPlanMigrations.register(in: app)
    try ScreeningInstruments.load(into: app)
    try IBICLifeAreas.load(into: app)

    Commands.register(in: app)
    try routes(app)
}
