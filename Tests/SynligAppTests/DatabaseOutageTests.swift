import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

/// When PostgreSQL restarts or cannot be reached, every request answered meanwhile says so with
/// 503 and `Retry-After`, not "an unexpected error" (found by bench/crash_safety.py, which
/// crashes PostgreSQL under writes and accepts no other 5xx).
@Suite("The database out of reach")
struct DatabaseOutageTests {
    struct ClosedConnection: DatabaseError, Error {
        var isSyntaxError: Bool { false }
        var isConstraintFailure: Bool { false }
        var isConnectionClosed: Bool { true }
    }

    struct RefusedQuery: DatabaseError, Error {
        var isSyntaxError: Bool { true }
        var isConstraintFailure: Bool { false }
        var isConnectionClosed: Bool { false }
    }

    @Test("A closed connection or a pool that waited in vain is the database out of reach; a refused query is not")
    func classifies() {
        #expect(ProblemMiddleware.isDatabaseUnreachable(ClosedConnection()))
        #expect(ProblemMiddleware.isDatabaseUnreachable(ConnectionPoolTimeoutError.connectionRequestTimeout))
        #expect(ProblemMiddleware.isDatabaseUnreachable(ConnectionPoolError.shutdown))
        #expect(!ProblemMiddleware.isDatabaseUnreachable(RefusedQuery()))
        #expect(!ProblemMiddleware.isDatabaseUnreachable(Abort(.internalServerError)))
    }

    @Test("The API and the pages answer 503 with Retry-After and say that nothing was saved, in the visitor's language")
    func answers503() async throws {
        try await withSynlig(prepare: { app in
            app.get("test-outage") { _ -> String in throw ConnectionPoolTimeoutError.connectionRequestTimeout }
            app.get("api", "v1", "test-outage") { _ -> String in throw ClosedConnection() }
        }) { app in
            let api = try await app.testing().sendRequest(.GET, "/api/v1/test-outage")
            #expect(api.status == .serviceUnavailable)
            #expect(api.headers.first(name: "Retry-After") == "5")
            #expect(api.headers.first(name: .contentType)?.hasPrefix("application/problem+json") == true)
            #expect(api.body.string.contains("Databasen går inte att nå just nu"))

            let page = try await app.testing().sendRequest(.GET, "/test-outage", headers: ["Accept-Language": "en"])
            #expect(page.status == .serviceUnavailable)
            #expect(page.headers.first(name: "Retry-After") == "5")
            #expect(page.body.string.contains("What you tried to save was not saved"))
        }
    }
}
