import Fluent
import Foundation
import Logging
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp
@testable import SynligDemo

/// Suite 9 of issue 14: what every answer shows of the server. Every route of the router, as a
/// visitor, a signed-in member of staff and an API client: security headers on all of them,
/// `no-store` whenever the request was authenticated, cookies that scripts cannot read and that
/// travel only over TLS behind a TLS proxy, no stack trace and no person in an error answer,
/// and no person from the demo's data in any line of the server log.
@Suite("Surface: headers, cookies, caching, error answers and the log")
struct SurfaceTests {
    static let password = "demo-losenord-123"
    static let traceMarkers = [".swift:", "Fatal error", "Backtrace", "backtrace", "PSQLError", "SQLITE_", "sqlite3_",
                               "Swift.DecodingError", "NIOCore.", "FluentKit.", "Vapor.Abort", "0x0000"]

    struct Tally {
        var requests = 0, headerChecks = 0, noStoreChecks = 0, errorAnswers = 0, cookies = 0, secureCookies = 0, logLines = 0
        var failures: [String] = []
    }

    @Test("Every route answers with security headers, no-store when authenticated, safe cookies and error answers that tell nothing")
    func surfaceOfEveryRoute() async throws {
        let capture = LogCapture()
        try await withSynlig(adjust: { $0.demoMode = true; $0.trustedProxies = .loopback }, prepare: { app in
            app.logger = Logger(label: "synlig-test") { capture.handler(label: $0) }
            app.logger.logLevel = .info
        }) { app in
            _ = try await DemoSeeder.seed(app, password: Self.password)
            app.logger.logLevel = .trace
            let people = try await Self.peopleOfTheTestData(app)
            #expect(people.count > 100)
            var tally = Tally()

            let consultant = Browser(app)
            try await consultant.signIn("konsulent@exempel.se", password: Self.password)
            let admin = Browser(app)
            try await admin.signIn("admin@exempel.se", password: Self.password)
            var pages: [String] = []
            for browser in [consultant, admin] { pages += try await HostileCrawl.crawl(browser, from: ["/"], limit: 300).pages }
            let api = HostileAPIClient(app: app, prefix: "/api/v1")
            try await api.signIn(["konsulent@exempel.se", "admin@exempel.se"], password: Self.password)

            // Signing a token out comes last, so the other routes are tried signed in.
            let signsOut = { (route: Route) in route.method == .DELETE && route.path.map(\.description).contains("token") }
            let routes = app.routes.all.filter { !signsOut($0) } + app.routes.all.filter(signsOut)
            for route in routes {
                let segments = route.path.map(\.description)
                let isAPI = segments.first == "api"
                let path: String
                if isAPI {
                    let template = "/" + segments.dropFirst(2).map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : $0 }.joined(separator: "/")
                    path = "/api/v1" + (try await api.concrete(template, code: DemoSeeder.organisationCode))
                } else {
                    let visited = pages.map { String($0.split(separator: "?").first ?? "") }
                    path = visited.first { HostileCrawl.route(segments, serves: $0) } ?? Self.stand(in: segments)
                }
                let anonymous = try await app.testing().sendRequest(route.method, path)
                Self.check(anonymous.status.code, anonymous.headers, anonymous.body.string, authenticated: false, "\(route.method) \(path)", people, &tally)
                if isAPI {
                    for token in api.tokens {
                        let answer = try await api.send(route.method, String(path.dropFirst("/api/v1".count)), token: token)
                        Self.check(answer.status, answer.headers, answer.body, authenticated: true, "\(route.method) \(path) (token)", people, &tally,
                                   visitor: (anonymous.status.code, anonymous.body.string))
                    }
                } else {
                    for browser in [consultant, admin] {
                        // Writes go without the CSRF token: refused before they change anything.
                        let response: TestingHTTPResponse
                        if route.method == .GET { response = try await browser.get(path) } else { response = try await browser.post(path, form: [], includeCSRF: false) }
                        Self.check(response.status.code, response.headers, response.body.string, authenticated: true, "\(route.method) \(path) (signed in)",
                                   people, &tally, visitor: (anonymous.status.code, anonymous.body.string))
                    }
                }
            }

            // Behind a TLS proxy every cookie is Secure (and the session cookie __Host-).
            let tls = Browser(app)
            tls.headers.replaceOrAdd(name: "X-Forwarded-Proto", value: "https")
            var secureSetCookies: [String] = []
            let login = try await tls.get("/login", from: "127.0.0.1")
            secureSetCookies += login.headers[.setCookie]
            let signIn = try await tls.post("/login", form: [("email", "konsulent@exempel.se"), ("password", Self.password)], from: "127.0.0.1")
            secureSetCookies += signIn.headers[.setCookie]
            for page in pages.prefix(40) { secureSetCookies += try await tls.get(page, from: "127.0.0.1").headers[.setCookie] }
            #expect(secureSetCookies.contains { $0.hasPrefix("__Host-") }, "the session cookie behind TLS is __Host-")
            for cookie in secureSetCookies {
                tally.secureCookies += 1
                if !cookie.contains("Secure") { tally.failures.append("cookie without Secure behind TLS: \(cookie.prefix(30))") }
            }

            let log = capture.all
            tally.logLines = log.count
            for line in log {
                if let person = people.first(where: { line.contains($0) }) { tally.failures.append("log line names \(person.prefix(3))…: \(line.prefix(60))") }
            }
            #expect(tally.failures.isEmpty, "\(tally.failures.count) surface failures: \(tally.failures.prefix(40))")
            #expect(tally.requests > routes.count)
            #expect(tally.errorAnswers > 50)
            try AssuranceFigures.write("surface", [
                "routes": routes.count, "requests": tally.requests, "headerChecks": tally.headerChecks,
                "noStoreChecks": tally.noStoreChecks, "errorAnswersChecked": tally.errorAnswers, "cookiesChecked": tally.cookies,
                "cookiesCheckedBehindTLS": tally.secureCookies, "logLinesChecked": tally.logLines, "failures": tally.failures.count,
            ])
        }
    }

    /// A path for a route no walk reached: parameters stand in as a random id (an organisation code for `:code`).
    static func stand(in segments: [String]) -> String {
        "/" + segments.map { segment -> String in
            if segment == "**" || segment == "*" { return "x" }
            guard segment.hasPrefix(":") else { return segment }
            return segment.lowercased().contains("code") ? DemoSeeder.organisationCode : UUID().uuidString
        }.joined(separator: "/")
    }

    /// Names (caregivers, the people they care for, staff) and personnummer of the demo's people.
    static func peopleOfTheTestData(_ app: Application) async throws -> [String] {
        var people: [String] = []
        for caregiver in try await Caregiver.query(on: app.db).all() {
            people.append(caregiver.name)
            if let number = caregiver.personalIdentityNumber { people.append(number) }
        }
        people += try await CareRecipient.query(on: app.db).all().map(\.name)
        return Array(Set(people.filter { $0.count >= 6 }))
    }

    /// `visitor` is the visitor's answer to the same request: a route that answers a signed-in
    /// member of staff exactly as it answers a visitor (the public support pages, open data)
    /// ignores the credentials, and may be cached as it is for the visitor.
    static func check(_ status: UInt, _ headers: HTTPHeaders, _ body: String, authenticated: Bool, _ what: String,
                      _ people: [String], _ tally: inout Tally, visitor: (status: UInt, body: String)? = nil) {
        tally.requests += 1
        if status >= 500 { tally.failures.append("\(what): \(status)") }
        tally.headerChecks += 1
        let csp = headers.first(name: "Content-Security-Policy") ?? ""
        if !csp.contains("frame-ancestors 'none'") || csp.contains("unsafe-inline") { tally.failures.append("\(what): CSP \(csp)") }
        if headers.first(name: "X-Content-Type-Options") != "nosniff" { tally.failures.append("\(what): no nosniff") }
        if headers.first(name: "X-Frame-Options") != "DENY" { tally.failures.append("\(what): no X-Frame-Options") }
        if headers.first(name: "Referrer-Policy") == nil { tally.failures.append("\(what): no Referrer-Policy") }
        if authenticated {
            tally.noStoreChecks += 1
            let sameAsVisitor = visitor.map { $0.status == status && $0.body == body } ?? false
            if !(headers.first(name: .cacheControl) ?? "").contains("no-store") && !sameAsVisitor {
                tally.failures.append("\(what): authenticated answer cached (\(headers.first(name: .cacheControl) ?? "no Cache-Control"))")
            }
        }
        for cookie in headers[.setCookie] {
            tally.cookies += 1
            if !cookie.contains("HttpOnly") || !cookie.contains("SameSite=") { tally.failures.append("\(what): cookie \(cookie.prefix(30)) lacks HttpOnly/SameSite") }
        }
        // An error answer (not a form shown again with its problems) says what went wrong, nothing more.
        if status >= 400, status != 422 {
            tally.errorAnswers += 1
            if let marker = traceMarkers.first(where: { body.contains($0) }) { tally.failures.append("\(what): \(status) shows \(marker)") }
            if status != 409, let person = people.first(where: { body.contains($0) }) {
                tally.failures.append("\(what): \(status) names \(person.prefix(3))…")
            }
        }
    }
}
