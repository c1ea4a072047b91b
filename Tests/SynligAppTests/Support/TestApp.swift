import Fluent
import FluentPostgresDriver
import Foundation
import SQLKit
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

/// Foundation has a `Unit` too; in these tests it is always the verksamhet.
typealias Unit = SynligApp.Unit

/// Every integration test gets its own database: a fresh SQLite file, or — when
/// `DATABASE_URL` names a PostgreSQL server — a database cloned from a migrated template,
/// so tests run in parallel and the same suite covers both drivers.
enum TestDatabase {
    static var postgresURL: String? {
        guard let url = ProcessInfo.processInfo.environment["DATABASE_URL"],
              url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else { return nil }
        return url
    }

    static var isPostgres: Bool { postgresURL != nil }

    static func url(_ base: String, database: String) -> String {
        var components = URLComponents(string: base)!
        components.path = "/" + database
        return components.string!
    }

    /// Runs SQL against the server's maintenance database.
    static func withAdmin<T: Sendable>(_ base: String, _ work: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let app = try await Application.make(.testing)
        do {
            app.databases.use(.postgres(configuration: try SQLPostgresConfiguration(url: base), maxConnectionsPerEventLoop: 1), as: .psql)
            let result = try await work(app.db as! any SQLDatabase)
            try await app.asyncShutdown()
            return result
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    actor Template {
        static let shared = Template()
        private var template: Task<String, any Error>?
        private var lastClone: Task<Void, Never>?

        /// Creates and migrates the template database once per test process. Actors are
        /// re-entrant across `await`, so the work is one shared task every caller awaits.
        func ensure(base: String) async throws -> String {
            if let template { return try await template.value }
            let task = Task<String, any Error> {
                let name = "synlig_template_\(ProcessInfo.processInfo.processIdentifier)"
                try await withAdmin(base) { sql in
                    try await sql.raw("DROP DATABASE IF EXISTS \(unsafeRaw: name) WITH (FORCE)").run()
                    try await sql.raw("CREATE DATABASE \(unsafeRaw: name)").run()
                }
                let app = try await Application.make(.testing)
                app.logger.logLevel = .warning
                do {
                    try await configure(app, config: TestDatabase.config(.postgres(url: url(base, database: name))))
                    try await SchemaMigrations.migrate(app)
                    try await app.asyncShutdown()
                } catch {
                    try? await app.asyncShutdown()
                    throw error
                }
                return name
            }
            template = task
            return try await task.value
        }

        /// Clones one database per test. `CREATE DATABASE … TEMPLATE` wants the template to
        /// itself, so clones are made one after another.
        func clone(base: String) async throws -> String {
            let template = try await ensure(base: base)
            let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
            let previous = lastClone
            let work = Task<Result<Void, any Error>, Never> {
                await previous?.value
                return await Result(catching: {
                    try await withAdmin(base) { sql in
                        try await sql.raw("CREATE DATABASE \(unsafeRaw: String(name)) TEMPLATE \(unsafeRaw: template)").run()
                    }
                })
            }
            lastClone = Task { _ = await work.value }
            try await work.value.get()
            return String(name)
        }
    }

    /// Every test app seals texts with this one key, as instances of one installation do: the
    /// process keeps one keyring (`TextSealing`), and parallel tests must not change its key.
    static let encryptionKey = TextSealingKey(base64: Data((0..<32).map { UInt8($0 * 7 % 256) }).base64EncodedString())!

    static func config(_ database: AppConfig.DatabaseChoice) -> AppConfig {
        var config = AppConfig(database: database, dataDirectory: NSTemporaryDirectory(), bcryptCost: 4)
        config.encryptionKey = encryptionKey
        return config
    }

    /// A fresh SQLite file in the temporary directory and how to remove it with its WAL,
    /// shared-memory and migration-lock files.
    static func sqliteFile() throws -> (path: String, remove: @Sendable () -> Void) {
        let directory = NSTemporaryDirectory() + "synlig-tests/"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + UUID().uuidString + ".sqlite"
        return (path, {
            for suffix in ["", "-wal", "-shm", ".migrate-lock"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        })
    }
}

/// An empty database (not migrated) that several app objects may open at once, as instances
/// of a fleet share one: a SQLite file, or a new PostgreSQL database. Removed afterwards.
func withEmptyDatabase<T>(_ test: (AppConfig.DatabaseChoice) async throws -> T) async throws -> T {
    let database: AppConfig.DatabaseChoice
    let cleanup: () async throws -> Void
    if let base = TestDatabase.postgresURL {
        let name = "e_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
        try await TestDatabase.withAdmin(base) { sql in try await sql.raw("CREATE DATABASE \(unsafeRaw: String(name))").run() }
        database = .postgres(url: TestDatabase.url(base, database: String(name)))
        cleanup = {
            try await TestDatabase.withAdmin(base) { sql in
                try await sql.raw("DROP DATABASE IF EXISTS \(unsafeRaw: String(name)) WITH (FORCE)").run()
            }
        }
    } else {
        let file = try TestDatabase.sqliteFile()
        database = .sqlite(path: file.path)
        cleanup = { file.remove() }
    }
    do {
        let result = try await test(database)
        try await cleanup()
        return result
    } catch {
        try? await cleanup()
        throw error
    }
}

/// An app configured on `database` but not migrated; the caller shuts it down.
func makeApp(on database: AppConfig.DatabaseChoice, adjust: (inout AppConfig) -> Void = { _ in }) async throws -> Application {
    var config = TestDatabase.config(database)
    adjust(&config)
    let app = try await Application.make(.testing)
    app.logger.logLevel = .warning
    do {
        try await configure(app, config: config)
    } catch {
        try? await app.asyncShutdown()
        throw error
    }
    return app
}

/// Builds an app on a fresh, migrated database, runs `test`, and removes the database.
func withSynlig<T>(
    adjust: (inout AppConfig) -> Void = { _ in },
    prepare: (Application) -> Void = { _ in },
    _ test: (Application) async throws -> T
) async throws -> T {
    var cleanup: () async throws -> Void = {}
    var config: AppConfig
    if let base = TestDatabase.postgresURL {
        let name = try await TestDatabase.Template.shared.clone(base: base)
        config = TestDatabase.config(.postgres(url: TestDatabase.url(base, database: name)))
        cleanup = {
            try await TestDatabase.withAdmin(base) { sql in
                try await sql.raw("DROP DATABASE IF EXISTS \(unsafeRaw: name) WITH (FORCE)").run()
            }
        }
    } else {
        let file = try TestDatabase.sqliteFile()
        config = TestDatabase.config(.sqlite(path: file.path))
        cleanup = { file.remove() }
    }
    adjust(&config)
    let app = try await Application.make(.testing)
    app.logger.logLevel = .warning
    prepare(app)
    let result: T
    do {
        try await configure(app, config: config)
        if !TestDatabase.isPostgres { try await SchemaMigrations.migrate(app) }
        result = try await test(app)
    } catch {
        try? await app.asyncShutdown()
        try? await cleanup()
        throw error
    }
    try await app.asyncShutdown()
    try await cleanup()
    return result
}

// MARK: - Arranging a municipality

let testPassword = "correct horse battery staple"

@discardableResult
func makeOrganisation(_ app: Application, name: String = "Testkommun", code: String = "0180") async throws -> Organisation {
    let organisation = Organisation(name: name, code: code, kind: .municipality)
    try await organisation.create(on: app.db)
    return organisation
}

@discardableResult
func makeUnit(_ app: Application, in organisation: Organisation, name: String = "Hemtjänst Norra", kind: UnitKind = .homeCare) async throws -> Unit {
    let unit = Unit(organisationID: try organisation.requireID(), name: name, kind: kind)
    try await unit.create(on: app.db)
    return unit
}

@discardableResult
func makeUser(_ app: Application, in organisation: Organisation, email: String, roles: Set<Role>,
              units: [Unit] = [], password: String = testPassword) async throws -> User {
    let valid = UserService.Valid(email: email, displayName: "Test \(email)", password: nil, roles: roles,
                                  unitIDs: Set(try units.map { try $0.requireID() }))
    let hash = try app.password.hash(password)
    let organisationID = try organisation.requireID()
    return try await AuditTrail.transaction(on: app.db, actor: .system) { tx, audit in
        try await UserService.insert(valid, passwordHash: hash, organisationID: organisationID, on: tx, audit: audit)
    }
}

// MARK: - Acting as a person in a browser

/// A browser's cookie jar and the CSRF token of the last page it saw.
final class Browser: @unchecked Sendable {
    let app: Application
    var cookies: [String: String] = [:]
    var csrf: String = ""
    var headers: HTTPHeaders = [:]

    init(_ app: Application) { self.app = app }

    private func cookieHeader() -> String {
        cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
    }

    private func absorb(_ response: TestingHTTPResponse) {
        absorb(headers: response.headers, body: response.body.string)
    }

    private func absorb(headers: HTTPHeaders, body: String) {
        for (name, value) in headers.setCookie?.all ?? [:] {
            if value.string.isEmpty || value.maxAge == 0 { cookies[name] = nil } else { cookies[name] = value.string }
        }
        if let range = body.range(of: #"name="_csrf" value=""#) {
            csrf = String(body[range.upperBound...].prefix { $0 != "\"" })
        }
    }

    private func requestHeaders(_ extra: HTTPHeaders = [:]) -> HTTPHeaders {
        var headers = self.headers
        headers.add(contentsOf: extra)
        if !cookies.isEmpty { headers.replaceOrAdd(name: .cookie, value: cookieHeader()) }
        return headers
    }

    private func formBody(_ form: [(String, String)], includeCSRF: Bool) -> String {
        var fields = form
        if includeCSRF { fields.append(("_csrf", csrf)) }
        return fields.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
    }

    /// A GET of `/api/v1/…` (the open data a browser follows a link to) is held up to openapi.yaml too.
    @discardableResult
    func get(_ path: String, headers extra: HTTPHeaders = [:], sourceLocation: SourceLocation = #_sourceLocation) async throws -> TestingHTTPResponse {
        let response = try await app.testing().sendRequest(.GET, path, headers: requestHeaders(extra))
        absorb(response)
        OpenAPIContract.record(method: "GET", path: path, status: Int(response.status.code),
                               contentType: response.headers.first(name: .contentType),
                               body: Data(buffer: response.body), sourceLocation: sourceLocation)
        return response
    }

    /// Submits a form the way a browser does, with the page's CSRF token unless told otherwise.
    @discardableResult
    func post(_ path: String, form: [(String, String)], includeCSRF: Bool = true) async throws -> TestingHTTPResponse {
        var headers = requestHeaders()
        headers.contentType = .urlEncodedForm
        let body = formBody(form, includeCSRF: includeCSRF)
        let response = try await app.testing().sendRequest(.POST, path, headers: headers, body: ByteBuffer(string: body))
        absorb(response)
        return response
    }

    /// `get`, over a connection from `peer` (a proxy or the client itself).
    @discardableResult
    func get(_ path: String, from peer: String) async throws -> Response {
        let response = try await send(app, from: peer, .GET, path, headers: requestHeaders())
        absorb(headers: response.headers, body: response.body.string ?? "")
        return response
    }

    /// `post`, over a connection from `peer` (a proxy or the client itself).
    @discardableResult
    func post(_ path: String, form: [(String, String)], from peer: String) async throws -> Response {
        var headers = requestHeaders()
        headers.contentType = .urlEncodedForm
        let response = try await send(app, from: peer, .POST, path, headers: headers, body: formBody(form, includeCSRF: true))
        absorb(headers: response.headers, body: response.body.string ?? "")
        return response
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// Signs in through the login page; returns the response to the form post.
    @discardableResult
    func signIn(_ email: String, password: String = testPassword) async throws -> TestingHTTPResponse {
        try await get("/login")
        return try await post("/login", form: [("email", email), ("password", password)])
    }

    var sessionToken: String? { cookies[Sessions.cookieName] }
}

// MARK: - Arriving over a connection

/// Sends a request as it arrives over a connection from `peer`: Vapor's in-memory tester gives
/// every request no peer address at all, which no proxy rule can trust.
func send(_ app: Application, from peer: String, _ method: HTTPMethod, _ path: String,
          headers: HTTPHeaders = [:], body: String? = nil) async throws -> Response {
    try await app.asyncBoot()
    var headers = headers
    let buffer = body.map { ByteBuffer(string: $0) }
    headers.replaceOrAdd(name: .contentLength, value: String(buffer?.readableBytes ?? 0))
    let request = Request(application: app, method: method, url: URI(string: path), headers: headers, collectedBody: buffer,
                          remoteAddress: try SocketAddress(ipAddress: peer, port: 40_000), logger: app.logger,
                          on: app.eventLoopGroup.next())
    let response = try await app.responder.respond(to: request).get()
    if let collected = try await response.body.collect(on: request.eventLoop).get() { response.body = .init(buffer: collected) }
    return response
}

// MARK: - Acting as an API client

struct APIClient {
    let app: Application
    var token: String?
    var language: String?

    /// Sends a request and holds the answer up to `Resources/openapi.yaml`: an undocumented
    /// status or a body off its documented schema is an issue of the calling test.
    func send(_ method: HTTPMethod, _ path: String, json: String? = nil, contentType: HTTPMediaType? = .json,
              headers extra: HTTPHeaders = [:], sourceLocation: SourceLocation = #_sourceLocation) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        if let token { headers.bearerAuthorization = BearerAuthorization(token: token) }
        if let language { headers.replaceOrAdd(name: .acceptLanguage, value: language) }
        var body: ByteBuffer?
        if let json {
            body = ByteBuffer(string: json)
            if let contentType { headers.contentType = contentType }
        }
        for (name, value) in extra { headers.replaceOrAdd(name: name, value: value) }
        let response = try await app.testing().sendRequest(method, path, headers: headers, body: body)
        OpenAPIContract.record(method: method.rawValue, path: path, status: Int(response.status.code),
                               contentType: response.headers.first(name: .contentType),
                               body: Data(buffer: response.body), sourceLocation: sourceLocation)
        return response
    }

    static func signedIn(_ app: Application, _ email: String, password: String = testPassword) async throws -> APIClient {
        let response = try await APIClient(app: app).send(.POST, "/api/v1/auth/token",
                                                          json: #"{"email":"\#(email)","password":"\#(password)"}"#)
        #expect(response.status == .created)
        let token = try response.content.decode(API.TokenResponse.self).token
        return APIClient(app: app, token: token)
    }
}

extension TestingHTTPResponse {
    /// The RFC 9457 problem document of an error answer.
    var problem: ProblemMiddleware.Problem? {
        guard headers.contentType?.description.hasPrefix("application/problem+json") == true else { return nil }
        return try? JSONDecoder().decode(ProblemMiddleware.Problem.self, from: Data(buffer: body))
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}

// MARK: - JSON API helpers

/// A JSON body from a dictionary, so ids and texts are escaped the way a client would.
func json(_ object: [String: Any]) -> String {
    String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
}

extension TestingHTTPResponse {
    func decoded<T: Decodable>(_ type: T.Type) throws -> T { try content.decode(T.self) }
    var eTag: String? { headers.first(name: .eTag) }
    /// "field: message" for each field problem of a 422.
    var fieldProblems: [String: String] {
        Dictionary((problem?.errors ?? []).map { ($0.field, $0.message) }, uniquingKeysWith: { a, _ in a })
    }
}

// MARK: - A fleet of instances

/// A second app instance on `app`'s database, as a second server behind a load balancer would
/// be: its own connections, storage and blocking-thread pool, the same rows. The pool matters
/// on SQLite: a connection waiting for the write lock blocks a pool thread, and two instances
/// sharing one small pool could leave the lock's holder without a thread to commit on.
func withSecondInstance<T>(of app: Application, _ test: (Application) async throws -> T) async throws -> T {
    let second = try await Application.make(.testing)
    second.logger.logLevel = .warning
    let pool = NIOThreadPool(numberOfThreads: 2)
    pool.start()
    second.threadPool = pool
    do {
        try await configure(second, config: app.synligConfig)
        let result = try await test(second)
        try await second.asyncShutdown()
        return result
    } catch {
        try? await second.asyncShutdown()
        throw error
    }
}
