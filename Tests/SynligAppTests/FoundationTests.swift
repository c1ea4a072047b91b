import Fluent
import SQLKit
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

@Suite("Health and storage")
struct HealthAndStorageTests {
    @Test("GET /health names the database in use")
    func healthNamesDatabase() async throws {
        try await withSynlig { app in
            let response = try await app.testing().sendRequest(.GET, "/health")
            #expect(response.status == .ok)
            let health = try response.content.decode(HealthController.Health.self)
            #expect(health.status == "ok")
            #expect(health.database == (TestDatabase.isPostgres ? "postgres" : "sqlite"))
        }
    }

    @Test("GET /health answers 503 when the database does not answer")
    func healthReportsUnreachableDatabase() async throws {
        let app = try await Application.make(.testing)
        do {
            try await configure(app, config: TestDatabase.config(.postgres(url: "postgres://nobody:x@127.0.0.1:1/none")))
            let response = try await app.testing().sendRequest(.GET, "/health")
            #expect(response.status == .serviceUnavailable)
            #expect(response.body.string.contains("unavailable"))
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

    @Test("Every SQLite connection runs in WAL mode with foreign keys, synchronous=FULL and a busy timeout",
          .enabled(if: !TestDatabase.isPostgres, "SQLite's pragmas; PostgreSQL has none of them"))
    func sqlitePragmasOnEveryConnection() async throws {
        try await withSynlig { app in
            for eventLoop in app.eventLoopGroup.makeIterator() {
                let sql = try #require(app.databases.database(.sqlite, logger: app.logger, on: eventLoop) as? any SQLDatabase)
                func pragma(_ name: String) async throws -> String {
                    let row = try #require(try await sql.raw("PRAGMA \(unsafeRaw: name)").first())
                    let column = try #require(row.allColumns.first)
                    if let number = try? row.decode(column: column, as: Int.self) { return String(number) }
                    return try row.decode(column: column, as: String.self)
                }
                #expect(try await pragma("journal_mode") == "wal")
                #expect(try await pragma("foreign_keys") == "1")
                #expect(try await pragma("synchronous") == "2")
                #expect(try await pragma("busy_timeout") == String(DatabaseSetup.busyTimeoutMilliseconds))
            }
        }
    }

    @Test("Write transactions queue in the process: with no busy wait at all, forty at once all commit",
          .enabled(if: !TestDatabase.isPostgres, "SQLite's single write lock; PostgreSQL orders writers itself"))
    func writeTransactionsQueueOnSQLite() async throws {
        try await withSynlig { app in
            // Without the queue, any transaction that finds the write lock taken fails at once.
            for eventLoop in app.eventLoopGroup.makeIterator() {
                let sql = try #require(app.databases.database(.sqlite, logger: app.logger, on: eventLoop) as? any SQLDatabase)
                try await sql.raw("PRAGMA busy_timeout = 0").run()
            }
            let organisation = try await makeOrganisation(app)
            let organisationID = try organisation.requireID()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<40 {
                    group.addTask {
                        if index.isMultiple(of: 2) {
                            try await AuditTrail.transaction(on: app.db, actor: .system) { tx, audit in
                                let unit = Unit(organisationID: organisationID, name: "Enhet \(index)", kind: .other)
                                try await unit.create(on: tx)
                                audit.record("unit.create", "unit", id: unit.id, organisation: organisationID)
                            }
                        } else {
                            // Reads first, then writes: the shape that fails on a stale snapshot.
                            try await WriteTransaction.run(on: app.db) { tx in
                                let count = try await Unit.query(on: tx).count()
                                try await Unit(organisationID: organisationID, name: "Efter \(count) \(index)", kind: .other).create(on: tx)
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await Unit.query(on: app.db).count() == 40)
            #expect(try await AuditTrail.verify(on: app.db) == nil)
        }
    }
}

@Suite("Security headers")
struct SecurityHeaderTests {
    @Test("Pages and API answers carry CSP without unsafe-inline, nosniff, no-referrer and no-store")
    func headersOnPagesAndAPI() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "anna@test.se", roles: [.admin])
            let browser = Browser(app)
            try await browser.signIn("anna@test.se")
            let page = try await browser.get("/")
            let api = try await APIClient.signedIn(app, "anna@test.se").send(.GET, "/api/v1/me")
            for response in [page, api] {
                #expect(response.status == .ok)
                let csp = try #require(response.headers.first(name: "Content-Security-Policy"))
                #expect(!csp.contains("unsafe-inline"))
                #expect(csp.contains("frame-ancestors 'none'"))
                #expect(csp.contains("script-src 'self'"))
                #expect(response.headers.first(name: "X-Content-Type-Options") == "nosniff")
                #expect(response.headers.first(name: "Referrer-Policy") == "no-referrer")
                #expect(response.headers.first(name: .cacheControl) == "no-store")
                #expect(response.headers.first(name: "Strict-Transport-Security") == nil)
            }
        }
    }

    @Test("Behind a trusted TLS proxy the session cookie is __Host- and Secure, and HSTS is sent")
    func secureCookieBehindProxy() async throws {
        try await withSynlig(adjust: { $0.trustedProxies = .loopback }) { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "anna@test.se", roles: [.staff])
            let browser = Browser(app)
            browser.headers.replaceOrAdd(name: "X-Forwarded-Proto", value: "https")
            try await browser.get("/login", from: "127.0.0.1")
            let response = try await browser.post("/login", form: [("email", "anna@test.se"), ("password", testPassword)], from: "127.0.0.1")
            #expect(response.status == .seeOther)
            let setCookie = response.headers[.setCookie].joined(separator: "\n")
            #expect(setCookie.contains("__Host-synlig_session="))
            #expect(setCookie.contains("Secure"))
            #expect(setCookie.contains("HttpOnly"))
            #expect(setCookie.contains("SameSite=Lax"))
            #expect(response.headers.first(name: "Strict-Transport-Security")?.contains("max-age=") == true)
        }
    }

    @Test("X-Forwarded-Proto from a peer that is not a trusted proxy is ignored")
    func forwardedProtoFromUntrustedPeer() async throws {
        try await withSynlig(adjust: { $0.trustedProxies = .loopback }) { app in
            let response = try await send(app, from: "203.0.113.7", .GET, "/login", headers: ["X-Forwarded-Proto": "https"])
            #expect(response.status == .ok)
            #expect(response.headers.first(name: "Strict-Transport-Security") == nil)
            #expect(!response.headers[.setCookie].joined().contains("Secure"))
        }
    }

    @Test("Static files are served by Synlig itself, cacheable")
    func stylesheetServed() async throws {
        try await withSynlig { app in
            let response = try await app.testing().sendRequest(.GET, "/css/synlig.css")
            #expect(response.status == .ok)
            #expect(response.body.string.contains(":focus-visible"))
        }
    }
}

@Suite("Language")
struct LanguageTests {
    @Test("Swedish by default, English by Accept-Language, and the switch is remembered")
    func languageChoice() async throws {
        try await withSynlig { app in
            let swedish = try await app.testing().sendRequest(.GET, "/login")
            #expect(swedish.body.string.contains(#"<html lang="sv">"#))
            #expect(swedish.body.string.contains("Logga in i Synlig"))

            let english = try await app.testing().sendRequest(.GET, "/login", headers: ["Accept-Language": "en-GB,en;q=0.9,sv;q=0.5"])
            #expect(english.body.string.contains(#"<html lang="en">"#))
            #expect(english.body.string.contains("Sign in to Synlig"))

            let browser = Browser(app)
            let switched = try await browser.get("/language/en?return=/login")
            #expect(switched.status == .seeOther)
            #expect(switched.headers.first(name: .location) == "/login")
            let after = try await browser.get("/login")
            #expect(after.body.string.contains("Sign in to Synlig"))
        }
    }

    @Test("The language switch never sends a person to another site")
    func switchRefusesForeignReturn() async throws {
        try await withSynlig { app in
            for target in ["//evil.example/x", "https://evil.example", "/\\evil.example"] {
                let response = try await Browser(app).get("/language/en?return=\(Browser.encode(target))")
                #expect(response.headers.first(name: .location) == "/")
            }
        }
    }

    @Test("Swedish and English texts have the same keys, and every key a template uses exists")
    func localisationComplete() async throws {
        try await withSynlig { app in
            let tables = app.localizer.tables
            let swedish = Set(try #require(tables["sv"]).keys)
            let english = Set(try #require(tables["en"]).keys)
            #expect(swedish == english)
            let views = app.directory.viewsDirectory
            let files = FileManager.default.enumerator(atPath: views)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".leaf") } ?? []
            #expect(!files.isEmpty)
            let pattern = try Regex(#"#t\("([a-z_.0-9]+)"\)"#)
            for file in files {
                let text = try String(contentsOfFile: views + file, encoding: .utf8)
                for match in text.matches(of: pattern) {
                    let key = String(match.output[1].substring ?? "")
                    #expect(swedish.contains(key), "\(file) uses missing key \(key)")
                }
            }
        }
    }

    @Test("Dates are shown in Europe/Stockholm time in Swedish form")
    func swedishDates() {
        let date = Date(timeIntervalSince1970: 1_795_435_200) // 2026-11-23 12:00 UTC
        #expect(SwedishTime.format(date, language: "sv") == "2026-11-23 13:00")
    }
}
