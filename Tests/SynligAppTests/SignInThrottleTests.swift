import Fluent
import NIOConcurrencyHelpers
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

/// The lock-out must hold when guesses arrive together: each attempt takes its slot before the
/// password is checked, so a burst — on one instance or spread over several — gets no more
/// checks than the limit.
@Suite("Sign-in throttling under concurrent attempts")
struct SignInThrottleTests {
    /// Counts password checks, the slow step the throttle is there to ration.
    final class CountingHasher: PasswordHasher {
        let inner: any PasswordHasher
        let checks: NIOLockedValueBox<Int>

        init(wrapping inner: any PasswordHasher, checks: NIOLockedValueBox<Int>) {
            self.inner = inner
            self.checks = checks
        }

        func hash<Password: DataProtocol>(_ password: Password) throws -> [UInt8] { try inner.hash(password) }

        func verify<Password: DataProtocol, Digest: DataProtocol>(_ password: Password, created digest: Digest) throws -> Bool {
            checks.withLockedValue { $0 += 1 }
            return try inner.verify(password, created: digest)
        }
    }

    /// A bcrypt cost that makes each check take long enough for a burst to overlap it, as
    /// production's cost 12 does; at the suite's cost 4 the race would be too narrow to see.
    static let slowCost = 8

    static func countChecks(on apps: [Application]) -> NIOLockedValueBox<Int> {
        let checks = NIOLockedValueBox(0)
        for app in apps {
            let hasher = CountingHasher(wrapping: app.password.sync, checks: checks)
            app.passwords.use { _ in hasher }
        }
        return checks
    }

    /// Sends every attempt at once and returns the statuses.
    static func burst(_ attempts: [@Sendable () async throws -> HTTPStatus]) async throws -> [HTTPStatus] {
        try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
            for attempt in attempts { group.addTask(operation: attempt) }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    static func tokenRequest(_ app: Application, _ email: String, _ password: String) async throws -> HTTPStatus {
        try await APIClient(app: app).send(.POST, "/api/v1/auth/token", json: json(["email": email, "password": password])).status
    }

    @Test("Twelve wrong passwords for one account at once, over two instances: five are checked, seven get 429, and the right password waits out the window")
    func parallelGuessesAtOneAccount() async throws {
        try await withSynlig(adjust: { $0.bcryptCost = Self.slowCost }) { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "anna@test.se", roles: [.staff])
            try await withSecondInstance(of: app) { second in
                let checks = Self.countChecks(on: [app, second])
                let limit = LoginThrottlePolicy.perAccount.maxFailures
                let statuses = try await Self.burst((0..<12).map { index in
                    let instance = index.isMultiple(of: 2) ? app : second
                    return { try await Self.tokenRequest(instance, "anna@test.se", "wrong guess number \(index)") }
                })
                #expect(statuses.filter { $0 == .unauthorized }.count == limit, "\(statuses)")
                #expect(statuses.filter { $0 == .tooManyRequests }.count == 12 - limit, "\(statuses)")
                #expect(checks.withLockedValue { $0 } == limit)

                // The right password is refused on either instance, through the page and the API,
                // without its password being checked.
                #expect(try await Self.tokenRequest(second, "anna@test.se", testPassword) == .tooManyRequests)
                let page = try await Browser(app).signIn("anna@test.se")
                #expect(page.status == .tooManyRequests)
                #expect(page.body.string.contains("För många misslyckade inloggningar"))
                #expect(page.headers.first(name: "Retry-After").flatMap(Int.init).map { $0 > 14 * 60 } == true)
                #expect(checks.withLockedValue { $0 } == limit)

                // When the failures have aged out of the window, the right password signs in and
                // clears the account's failures.
                try await LoginAttempt.query(on: app.db).set(\.$occurredAt, to: Date().addingTimeInterval(-16 * 60)).update()
                #expect(try await Self.tokenRequest(second, "anna@test.se", testPassword) == .created)
                let key = SignInService.throttleKey(account: "anna@test.se")
                #expect(try await LoginAttempt.query(on: app.db).filter(\.$keyHash == key).count() == 0)
            }
        }
    }

    @Test("Thirty wrong passwords for thirty accounts from one address at once: twenty are checked, and the address is then locked for everyone")
    func parallelGuessesFromOneAddress() async throws {
        try await withSynlig(adjust: { $0.bcryptCost = Self.slowCost }) { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "anna@test.se", roles: [.staff])
            try await withSecondInstance(of: app) { second in
                let checks = Self.countChecks(on: [app, second])
                let limit = LoginThrottlePolicy.perAddress.maxFailures
                // Half through the login page, half through the API: both share the throttle.
                var attempts: [@Sendable () async throws -> HTTPStatus] = []
                for index in 0..<30 {
                    let instance = index.isMultiple(of: 2) ? app : second
                    if index < 15 {
                        let browser = Browser(instance)
                        try await browser.get("/login")
                        attempts.append {
                            try await browser.post("/login", form: [("email", "guess\(index)@test.se"), ("password", "wrong password 123")]).status
                        }
                    } else {
                        attempts.append { try await Self.tokenRequest(instance, "guess\(index)@test.se", "wrong password 123") }
                    }
                }
                let statuses = try await Self.burst(attempts)
                #expect(statuses.filter { $0 == .unauthorized }.count == limit, "\(statuses)")
                #expect(statuses.filter { $0 == .tooManyRequests }.count == 30 - limit, "\(statuses)")
                #expect(checks.withLockedValue { $0 } == limit)
                #expect(try await Browser(second).signIn("anna@test.se").status == .tooManyRequests)
                #expect(checks.withLockedValue { $0 } == limit)
            }
        }
    }

    @Test("A successful sign-in gives back its slot: it counts against neither the account nor the address")
    func successReleasesItsSlots() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "anna@test.se", roles: [.staff])
            for _ in 0..<LoginThrottlePolicy.perAddress.maxFailures + 2 {
                #expect(try await Self.tokenRequest(app, "anna@test.se", testPassword) == .created)
            }
            #expect(try await LoginAttempt.query(on: app.db).count() == 0)
            // Failures from the address stay when someone else signs in from it.
            #expect(try await Self.tokenRequest(app, "nobody@test.se", "wrong password 123") == .unauthorized)
            #expect(try await Self.tokenRequest(app, "anna@test.se", testPassword) == .created)
            let remaining = try await LoginAttempt.query(on: app.db).all(\.$keyHash)
            #expect(remaining.count == 2, "the other account's failure and the address's")
            #expect(remaining.contains(SignInService.throttleKey(account: "nobody@test.se")))
            #expect(!remaining.contains(SignInService.throttleKey(account: "anna@test.se")))
        }
    }
}
