import Fluent
import Foundation
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

/// Suite 1 of issue 14: every route, as every kind of visitor, against `AuthorizationMatrix`.
@Suite("Authorization matrix")
struct AuthorizationMatrixTests {
    /// Who is asking: nobody, or a role of A (strongly or weakly signed in) or of B.
    struct Identity: Sendable, CustomStringConvertible {
        let org: MatrixWorld.Org?
        let role: Role?
        let strong: Bool
        var description: String {
            guard let org, let role else { return "visitor" }
            return "\(role.rawValue) of \(org.rawValue.uppercased())" + (org == .a ? (strong ? " (strong)" : " (weak)") : "")
        }

        static var all: [Identity] {
            [Identity(org: nil, role: nil, strong: false)]
                + Role.allCases.flatMap { role in
                    [Identity(org: .a, role: role, strong: true), Identity(org: .a, role: role, strong: false),
                     Identity(org: .b, role: role, strong: true)]
                }
        }
    }

    enum Outcome: String, Sendable { case allowed, open, login, unauthorized, forbidden, notFound, stepUp }

    /// One route to visit: where, under which rule, and whether its path names a record of A.
    struct Visit: Sendable {
        let route: MatrixRoute
        let rule: MatrixRule
        let path: String
        let namesRecord: Bool
    }

    static func expected(_ visit: Visit, for identity: Identity) -> Outcome {
        let rule = visit.rule
        if rule.who == .anyone { return .open }
        guard let org = identity.org, let role = identity.role else { return visit.route.isAPI ? .unauthorized : .login }
        guard rule.allows(role) else { return .forbidden }
        if org == .b && visit.namesRecord { return .notFound }
        if org == .a && !identity.strong && rule.strong {
            return visit.route.isAPI || visit.route.method != "GET" ? .forbidden : .stepUp
        }
        return .allowed
    }

    static func actual(_ response: TestingHTTPResponse, _ visit: Visit) -> Outcome? {
        let location = response.headers.first(name: .location) ?? ""
        switch response.status.code {
        case 500...: return nil
        // A page's 401 is its own answer (a wrong code); pages send visitors to the login page.
        case 401 where !visit.route.isAPI: return .allowed
        // A form that sends back to itself is the route's own answer.
        case 300..<400 where location.split(separator: "?").first.map(String.init) == visit.path && visit.path != "/": return .allowed
        case 401: return .unauthorized
        case 403: return .forbidden
        case 404: return .notFound
        case 300..<400 where location.hasPrefix(SiteURL.stepUp.path): return .stepUp
        case 300..<400 where location == SiteURL.login.path || location.hasPrefix(SiteURL.login.path + "?"): return .login
        default: return .allowed
        }
    }

    static func matches(_ outcome: Outcome?, _ expected: Outcome) -> Bool {
        guard let outcome else { return false }
        return expected == .open || outcome == expected
    }

    /// The routes of the router and of `openapi.yaml`, each with its rule and a path into A.
    static func plan(_ app: Application, _ world: MatrixWorld) throws -> (visits: [Visit], problems: [String], routes: Int) {
        let rules = try MatrixRule.parse(AuthorizationMatrix.table, groups: AuthorizationMatrix.groups)
        let contract = try OpenAPIContract.loaded.get()
        let routes = Set(app.routes.all.map { MatrixRoute($0) }).union(MatrixRoute.documented(contract)).sorted()
        var problems: [String] = []
        var used = Set<Int>()
        var visits: [Visit] = []
        for route in routes {
            guard let rule = rules.first(where: { $0.matches(route) }) else {
                problems.append("\(route) is in no line of AuthorizationMatrix.table")
                continue
            }
            used.insert(rule.line)
            guard let (path, namesRecord) = world.path(route) else {
                problems.append("\(route): no record of A for its parameter; add its kind to MatrixWorld.kinds")
                continue
            }
            visits.append(Visit(route: route, rule: rule, path: path, namesRecord: namesRecord))
        }
        for rule in rules where !used.contains(rule.line) { problems.append("\(rule) matches no route") }
        // A route that ends the session is visited last.
        visits.sort { !$0.rule.endsSession && $1.rule.endsSession }
        return (visits, problems, routes.count)
    }

    /// Signs `identity` in, in a browser and as an API client; a strong sign-in is marked on
    /// the sessions as a second factor or e-ID would (`SecondFactorTests` proves that path).
    static func signIn(_ app: Application, _ identity: Identity) async throws -> (Browser, String?) {
        let browser = Browser(app)
        guard let org = identity.org, let role = identity.role else {
            try await browser.get(SiteURL.login.path)  // the double-submit token a visitor's form carries
            return (browser, nil)
        }
        let email = MatrixWorld.email(org, role, strong: identity.strong)
        try await browser.signIn(email)
        let token = try await APIClient.signedIn(app, email).token
        if identity.strong {
            let user = try #require(try await User.query(on: app.db).filter(\.$email == email).first())
            try await AuthSession.query(on: app.db).filter(\.$user.$id == user.requireID())
                .set(\.$isStrong, to: true).set(\.$signInMethod, to: .passwordAndTOTP).update()
        }
        try await browser.get("/")
        return (browser, token)
    }

    static func send(_ app: Application, _ visit: Visit, _ browser: Browser, token: String?,
                     form: [(String, String)] = []) async throws -> TestingHTTPResponse {
        let method = HTTPMethod(rawValue: visit.route.method)
        guard visit.route.isAPI else {
            return method == .GET ? try await browser.get(visit.path) : try await browser.post(visit.path, form: form)
        }
        var headers: HTTPHeaders = ["Content-Type": "application/json"]
        if let token { headers.bearerAuthorization = BearerAuthorization(token: token) }
        let body = method == .GET || method == .DELETE ? nil : ByteBuffer(string: "{}")
        return try await app.testing().sendRequest(method, visit.path, headers: headers, body: body)
    }

    @Test("Every route of the router and of openapi.yaml answers a visitor, each role of A (strongly and weakly signed in) and each role of B as AuthorizationMatrix declares, against records of A")
    func everyRouteEveryRole() async throws {
        let started = Date()
        try await withSynlig { app in
            let world = try await MatrixWorld.make(app)
            let (visits, problems, routeCount) = try Self.plan(app, world)
            for problem in problems { Issue.record(Comment(rawValue: problem)) }
            #expect(routeCount > 300)
            let secrets = try await Self.secrets(app, world)

            let identities = Identity.all
            let results = try await withThrowingTaskGroup(of: Tally.self) { group in
                var total = Tally()
                var next = identities.makeIterator()
                func add() {
                    guard let identity = next.next() else { return }
                    group.addTask { try await Self.visitAll(app, visits, as: identity, secrets: secrets, form: world.formFields) }
                }
                for _ in 0..<3 { add() }
                while let found = try await group.next() {
                    total.failures += found.failures
                    add()
                }
                return total
            }
            for failure in results.failures { Issue.record(Comment(rawValue: failure)) }
            let checks = visits.count * identities.count
            try AssuranceFigures.write("authorization-matrix", ["routes": routeCount, "roles": Role.allCases.count,
                                   "identities": identities.count, "checks": checks, "failures": results.failures.count + problems.count,
                                   "seconds": Int(Date().timeIntervalSince(started).rounded())])
        }
    }

    /// Names of A's people (the records the matrix opens, and those on A's worklists) that
    /// no visitor, no one in B and no weak sign-in in A may see.
    static func secrets(_ app: Application, _ world: MatrixWorld) async throws -> [String] {
        let a = try world.a.requireID()
        var names = try await Caregiver.query(on: app.db).filter(\.$organisationID == a).sort(\.$name).range(..<8).all().map(\.name)
        names += try await CareRecipient.query(on: app.db).filter(\.$organisationID == a).sort(\.$name).range(..<8).all().map(\.name)
        if let id = world.records["caregivers"], let caregiver = try await Caregiver.find(id, on: app.db) { names.append(caregiver.name) }
        if let id = world.records["care_recipients"], let recipient = try await CareRecipient.find(id, on: app.db) { names.append(recipient.name) }
        let tasks = try await CaregiverTask.query(on: app.db).filter(\.$organisationID == a).range(..<20).all()
        for task in tasks { if let caregiver = try await Caregiver.find(task.caregiverID, on: app.db) { names.append(caregiver.name) } }
        return Array(Set(names)).sorted()
    }

    struct Tally: Sendable {
        var failures: [String] = []
    }

    static func visitAll(_ app: Application, _ visits: [Visit], as identity: Identity, secrets: [String],
                         form: [(String, String)]) async throws -> Tally {
        let (browser, token) = try await signIn(app, identity)
        var tally = Tally()
        var failures: [String] { get { tally.failures } set { tally.failures = newValue } }
        if let role = identity.role {
            // The start page links to no page the role may not open.
            let home = try await browser.get("/").body.string
            for href in links(in: home) {
                let parts = href.split(separator: "/")
                let route = visits.filter { $0.route.method == "GET" && !$0.route.isAPI && Self.fits($0.route, parts) }
                    .max { $0.route.constants < $1.route.constants }
                if let route, !route.rule.allows(role) {
                    failures.append("the start page of \(identity) links to \(href), which the matrix forbids (\(route.rule))")
                }
            }
        }
        for visit in visits {
            let response = try await send(app, visit, browser, token: token, form: form)
            var outcome = Self.actual(response, visit)
            let expected = Self.expected(visit, for: identity)
            // Signing out ends at the login page.
            if visit.rule.endsSession, identity.role != nil, outcome == .login { outcome = .allowed }
            // A role not listed, weakly signed in, may meet the strong-sign-in gate before the refusal.
            if identity.org == .a, !identity.strong, visit.rule.strong, expected == .forbidden, outcome == .stepUp { outcome = .forbidden }
            // Another organisation's role that is not listed may be refused either way: neither
            // says whether the record exists.
            if identity.org == .b, expected == .forbidden, outcome == .notFound { outcome = .forbidden }
            if !Self.matches(outcome, expected) {
                failures.append("\(visit.route.method) \(visit.path) as \(identity): \(response.status.code)"
                                + " \(response.headers.first(name: .location) ?? "") where the matrix says \(expected.rawValue)"
                                + " (\(visit.rule))")
            }
            // A refused page says so in words, not only in its status (in the language chosen:
            // `/language/en` is one of the routes visited).
            if !visit.route.isAPI, visit.route.method == "GET", response.status == .forbidden,
               !Language.allCases.contains(where: { response.body.string.contains(app.localizer.text("error.title.403", $0)) }) {
                failures.append("GET \(visit.path) as \(identity): 403 without the access-denied page")
            }
            if expected == .unauthorized, response.headers.first(name: "WWW-Authenticate") != "Bearer" {
                failures.append("\(visit.route.method) \(visit.path) as \(identity): 401 without WWW-Authenticate: Bearer")
            }
            // Nobody outside A, and nobody in A with a weak sign-in outside the strong routes,
            // sees the name of one of A's people.
            if identity.org != .a || (!identity.strong && !visit.rule.strong) {
                let body = response.body.string
                for secret in secrets where body.contains(secret) {
                    failures.append("\(visit.route.method) \(visit.path) as \(identity) shows \(secret), a person of A")
                }
            }
        }
        return tally
    }

    /// The site paths a page links to, without query or fragment.
    static func links(in html: String) -> Set<String> {
        var found = Set<String>()
        var rest = html[...]
        while let range = rest.range(of: #"href="/"#) {
            let tail = rest[range.upperBound...]
            let value = tail.prefix { $0 != "\"" && $0 != "?" && $0 != "#" }
            found.insert("/" + value)
            rest = tail
        }
        return found
    }

    static func fits(_ route: MatrixRoute, _ parts: [Substring]) -> Bool {
        route.segments.count == parts.count && zip(route.segments, parts).allSatisfy { segment, part in
            if case .constant(let text) = segment { return text == part }
            return true
        }
    }
}
