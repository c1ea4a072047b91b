import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Leaf
import Vapor

/// Wires Synlig together. Reads like a table of contents: storage, security, language,
/// views, then each capability's migrations and routes.
public func configure(_ app: Application, config: AppConfig) async throws {
    app.synligConfig = config
    app.logger.handler = PersonalDataRedactingLogHandler(wrapped: app.logger.handler)
    app.passwords.use(.bcrypt(cost: config.bcryptCost))
    app.routes.defaultMaxBodySize = config.maxBodySize
    try SignIn.prepareDecoy(app)

    try await DatabaseSetup.configure(app, config: config)
    try await DatabaseSetup.prepareConnections(app)

    app.middleware = .init()
    app.middleware.use(RequestLogMiddleware())
    app.middleware.use(SecurityHeadersMiddleware())
    app.middleware.use(ProblemMiddleware())
    app.middleware.use(BodyLimitMiddleware())
    app.middleware.use(FileMiddleware(publicDirectory: app.directory.publicDirectory, defaultFile: nil))

    try Localizer.load(into: app)
    app.views.use(.leaf)
    app.leaf.tags["t"] = TranslateTag()
    app.leaf.tags["tf"] = TranslateFormatTag()
    if app.environment == .production || app.environment == .testing {
        app.leaf.cache.isEnabled = true
    }

    AccountsMigrations.register(in: app)
    PrivacyMigrations.register(in: app)
    MappingMigrations.register(in: app)
    app.migrations.add(CreateSupportCatalogue())
    app.migrations.add(CreateContactRequests())
    CaregiverMigrations.register(in: app)
    try ScreeningInstruments.load(into: app)
    Jobs.registerMigrations(in: app)

    Commands.register(in: app)
    try routes(app)
}
