import Vapor
@testable import SynligApp

/// Runs a `synlig` subcommand against the test app, as the command line would.
func runCommand(_ app: Application, _ arguments: String...) async throws {
    var context = CommandContext(console: app.console, input: CommandInput(arguments: ["synlig"] + arguments))
    context.application = app
    let group = app.asyncCommands.group()
    try await app.console.run(group, with: context)
}
