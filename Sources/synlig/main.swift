import Logging
import SynligApp
import SynligDemo
import Vapor

var environment = try Environment.detect()
try LoggingSystem.bootstrap(from: &environment)
let app = try await Application.make(environment)
do {
    try await configure(app, config: try .fromEnvironment(demoMode: false))
    app.demoData = ExempelkommunDemo()
    app.syntheticData = NationalSyntheticData()
} catch {
    app.logger.report(error: error)
    try? await app.asyncShutdown()
    exit(1)
}
do {
    try await app.execute()
} catch {
    // Vapor has logged the command's error already; one clear line is enough.
    try? await app.asyncShutdown()
    exit(1)
}
try await app.asyncShutdown()
