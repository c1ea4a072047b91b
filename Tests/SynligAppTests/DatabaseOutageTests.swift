import Fluent
import FluentPostgresDriver
import SQLKit
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
            #expect(page.body.string.contains("first check whether what you tried to save was saved"))
        }
    }

    // MARK: - What PostgreSQL really says when it goes away

    /// The SQLSTATEs a stopping, crashing, recovering or overfull server answers with, and
    /// connection failures: try again later. Everything else is about the statement itself.
    static let outageStates = ["57P01", "57P02", "57P03", "53300", "08000", "08001", "08003", "08004", "08006"]
    static let statementStates = ["08P01", "23505", "23503", "42601", "42P01", "40001", "40P01", "57014", "57P04", "22001"]

    @Test("SQLSTATEs that blame the server or the connection are the database out of reach; those that blame the statement are not",
          arguments: outageStates.map { ($0, true) } + statementStates.map { ($0, false) })
    func classifiesSQLState(_ state: String, unreachable: Bool) {
        #expect(ProblemMiddleware.isDatabaseUnreachable(sqlState: state) == unreachable)
    }

    @Test("Each SQLSTATE, raised by PostgreSQL itself, answers 503 with Retry-After only when the server is to blame",
          .enabled(if: TestDatabase.isPostgres, "the driver's errors of a real PostgreSQL server"),
          arguments: outageStates + statementStates)
    func answersBySQLState(_ state: String) async throws {
        try await withSynlig(prepare: { app in
            for path: [PathComponent] in [["api", "v1", "test-raise"], ["test-raise"]] {
                app.get(path) { req -> String in
                    try await raise(state, on: req.db)
                    return "not reached"
                }
            }
        }) { app in
            let thrown = await Result { try await raise(state, on: app.db) }
            guard case .failure(let error) = thrown, let psql = error as? PSQLError else {
                Issue.record("PostgreSQL did not raise \(state) as a PSQLError: \(thrown)")
                return
            }
            #expect(psql.code == .server)
            #expect(psql.serverInfo?[.sqlState] == state)
            let outage = Self.outageStates.contains(state)
            #expect(ProblemMiddleware.isDatabaseUnreachable(error) == outage)

            let expected: HTTPStatus = outage ? .serviceUnavailable : state.hasPrefix("23") ? .conflict : .internalServerError
            for path in ["/api/v1/test-raise", "/test-raise"] {
                let response = try await app.testing().sendRequest(.GET, path)
                #expect(response.status == expected, "\(state) on \(path)")
                #expect((response.headers.first(name: "Retry-After") == "5") == outage, "\(state) on \(path)")
            }
        }
    }

    @Test("Sessions ended while idle: the pool connects again, and each request answers as usual or 503 with Retry-After, never 500",
          .enabled(if: TestDatabase.isPostgres, "ends PostgreSQL's server processes"))
    func sessionsEndedWhileIdle() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "karin@test.se", roles: [.consultant])
            let token = try #require(try await APIClient.signedIn(app, "karin@test.se").token)
            let browser = Browser(app)
            try await browser.signIn("karin@test.se")
            let create: HTTPHeaders = ["Authorization": "Bearer \(token)", "Content-Type": "application/json"]
            for round in 1...3 {
                #expect(try await withTestDatabaseSession(app) { sql in try await endAppSessions(on: sql) } > 0)
                // The pool hands out only connections it has not seen closed; a request that comes
                // before the close is noticed may still meet it, and then answers 503.
                let saved = try await app.testing().sendRequest(.POST, "/api/v1/caregivers", headers: create, body: ByteBuffer(string: #"{"name":"Efter Avbrott \#(round)"}"#))
                #expect(saved.status == .created || saved.headers.first(name: "Retry-After") == "5" && saved.status == .serviceUnavailable)
                let page = try await browser.get("/caregivers")
                #expect(page.status == .ok || page.headers.first(name: "Retry-After") == "5" && page.status == .serviceUnavailable)
            }
            let after = try await app.testing().sendRequest(.POST, "/api/v1/caregivers", headers: create, body: ByteBuffer(string: #"{"name":"Efter Alla Avbrott"}"#))
            #expect(after.status == .created)
        }
    }
}

// MARK: - Ending PostgreSQL's sessions

private func raise(_ state: String, on db: any Database) async throws {
    precondition(state.allSatisfy { $0.isASCII && ($0.isNumber || $0.isUppercase) } && state.count == 5)
    try await (db as! any SQLDatabase).raw("DO $$ BEGIN RAISE EXCEPTION 'test' USING ERRCODE = '\(unsafeRaw: state)'; END $$").run()
}

/// Runs `work` on a session of its own in the test's database, apart from the app's pool.
private func withTestDatabaseSession<T: Sendable>(_ app: Application, _ work: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
    guard case .postgres(let url) = app.synligConfig.database else { throw Abort(.internalServerError, reason: "PostgreSQL only") }
    return try await TestDatabase.withAdmin(url, work)
}

/// What `pg_ctl stop` or an administrator does to the app's sessions: each ends with 57P01.
@discardableResult
private func endAppSessions(on sql: any SQLDatabase) async throws -> Int {
    try await sql.raw("""
        SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity
        WHERE pid <> pg_backend_pid() AND datname = current_database()
        """).all().count
}
