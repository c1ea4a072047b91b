import Vapor

/// Demo data lives in its own target, `SynligDemo`, so production code carries none of it.
/// The executable hands it over here; `serve --demo` and `seed-demo` use it.
package protocol DemoData: Sendable {
    /// Adds the demo organisation once (a password given again resets its users to it) and
    /// returns what to tell the person who started Synlig, with sign-in at `baseURL`.
    func seed(_ app: Application, password: String?, baseURL: String) async throws -> String
}

extension Application {
    private struct DemoDataKey: StorageKey {
        typealias Value = any DemoData
    }

    package var demoData: (any DemoData)? {
        get { storage[DemoDataKey.self] }
        set { storage[DemoDataKey.self] = newValue }
    }

    /// The demo, or a clear refusal when this build was made without it.
    func requireDemoData() throws -> any DemoData {
        guard let demoData else { throw Abort(.notImplemented, reason: "This build of Synlig has no demo data.") }
        return demoData
    }
}
