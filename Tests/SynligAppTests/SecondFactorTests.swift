import Fluent
import Foundation
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

@Suite("Two-step verification: an authenticator app for password accounts")
struct SecondFactorTests {
    /// The user's authenticator app, as the test holds it: the secret read back through the
    /// app's own `SecretBox`, the way the phone got it from the QR code.
    struct App {
        var totp: SynligCore.TOTP

        /// A code for the step after now, which the one-step window accepts; a test that needs
        /// several codes lets time pass with `letTimePass` rather than waiting.
        func nextCode() -> String { totp.code(step: totp.step(at: Date()) + 1) }
        func currentCode() -> String { totp.code(at: Date()) }
    }

    static func authenticatorApp(_ app: Application, userID: UUID) async throws -> App {
        let factor = try #require(try await UserSecondFactor.query(on: app.db).filter(\.$user.$id == userID).first())
        let base32 = try app.secretBox.open(factor.secretSealed)
        return App(totp: SynligCore.TOTP(secret: try #require(Base32.decode(base32))))
    }

    /// As if a minute went by: the last used step moves back, so fresh codes are accepted again.
    static func letTimePass(_ app: Application) async throws {
        let earlier = SynligCore.TOTP(secret: []).step(at: Date()) - 3
        try await UserSecondFactor.query(on: app.db).set(\.$lastUsedStep, to: earlier).update()
    }

    static func recoveryCodes(in html: String) -> [String] {
        let pattern = try! NSRegularExpression(pattern: #"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>"#)
        return pattern.matches(in: html, range: NSRange(html.startIndex..., in: html)).compactMap {
            Range($0.range(at: 1), in: html).map { String(html[$0]) }
        }
    }

    /// Signs in, enrols the app and confirms it; returns the app and the reserve codes shown.
    static func enrol(_ app: Application, _ browser: Browser, email: String) async throws -> (App, [String]) {
        try await browser.signIn(email)
        let page = try await browser.get("/account/second-factor")
        #expect(page.status == .ok)
        let user = try #require(try await User.query(on: app.db).filter(\.$email == email).first())
        let phone = try await authenticatorApp(app, userID: try user.requireID())
        let confirmed = try await browser.post("/account/second-factor", form: [("code", phone.currentCode())])
        #expect(confirmed.status == .ok)
        return (phone, recoveryCodes(in: confirmed.body.string))
    }

    static func currentSession(_ app: Application, _ browser: Browser) async throws -> AuthSession {
        let token = try #require(browser.sessionToken)
        return try #require(try await AuthSession.query(on: app.db).filter(\.$tokenHash == SecretToken.hash(token)).first())
    }

    @Test("Enrolling shows a QR code and the key, a code confirms it, reserve codes are shown once, and the session becomes strong")
    func enrolment() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            let user = try await makeUser(app, in: organisation, email: "anna@test.se", roles: [.consultant])
            let browser = Browser(app)
            try await browser.signIn("anna@test.se")
            #expect(try await browser.get("/account/password").body.string.contains(#"href="/account/second-factor""#))
            let page = try await browser.get("/account/second-factor")
            let html = page.body.string
            #expect(page.status == .ok)
            #expect(page.headers.first(name: .cacheControl) == "no-store")
            #expect(html.contains("<title>Tvåstegsverifiering – Synlig</title>"))
            #expect(html.contains(#"<svg xmlns="http://www.w3.org/2000/svg""#))
            #expect(html.contains(#"role="img" aria-label="QR-kod att skanna med autentiseringsappen""#))
            #expect(!html.contains("style="))
            #expect(html.contains(#"autocomplete="one-time-code""#) && html.contains(#"inputmode="numeric""#))
            // The key is shown in groups for typing, and kept only sealed.
            let phone = try await Self.authenticatorApp(app, userID: try user.requireID())
            #expect(html.contains(Base32.grouped(phone.totp.secret)))
            let stored = try #require(try await UserSecondFactor.query(on: app.db).first())
            #expect(!stored.secretSealed.contains(Base32.encode(phone.totp.secret, padding: false)))
            #expect(stored.confirmedAt == nil)
            // Reloading shows the same key, so a phone that scanned it keeps working.
            #expect(try await browser.get("/account/second-factor").body.string.contains(Base32.grouped(phone.totp.secret)))

            let wrong = try await browser.post("/account/second-factor", form: [("code", "000000")])
            #expect(wrong.status == .unauthorized)
            #expect(wrong.body.string.contains("Koden stämmer inte"))
            #expect(wrong.body.string.contains(#"class="error-summary""#))

            let confirmed = try await browser.post("/account/second-factor", form: [("code", phone.currentCode())])
            #expect(confirmed.status == .ok)
            #expect(confirmed.headers.first(name: .cacheControl) == "no-store")
            let codes = Self.recoveryCodes(in: confirmed.body.string)
            #expect(codes.count == 10)
            let rows = try await UserRecoveryCode.query(on: app.db).all()
            #expect(rows.count == 10)
            #expect(rows.allSatisfy { row in !codes.contains { row.codeHash.contains($0.replacingOccurrences(of: "-", with: "")) } })
            #expect(try await UserSecondFactor.query(on: app.db).first()?.confirmedAt != nil)

            let session = try await Self.currentSession(app, browser)
            #expect(session.isStrong)
            #expect(session.signInMethod == .passwordAndTOTP)
            #expect(session.assurance == "totp")
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "second_factor.enrol").count() == 1)

            // The codes are not shown again; the page now offers removal.
            let after = try await browser.get("/account/second-factor")
            #expect(Self.recoveryCodes(in: after.body.string).isEmpty)
            #expect(after.body.string.contains("Du har 10 oanvända reservkoder kvar."))
            #expect(!after.body.string.contains("<svg"))
        }
    }

    @Test("Sign-in asks for the code: a wrong one is refused, the right one gives a strong session, and the same code again is refused")
    func signInNeedsTheCode() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "anna@test.se", roles: [.consultant])
            let (phone, _) = try await Self.enrol(app, Browser(app), email: "anna@test.se")

            let browser = Browser(app)
            try await browser.get("/login?return=/caregivers")
            let password = try await browser.post("/login", form: [("email", "anna@test.se"), ("password", testPassword), ("return", "/caregivers")])
            #expect(password.status == .seeOther)
            #expect(password.headers.first(name: .location) == "/login/second-factor")
            #expect(browser.sessionToken == nil, "no session before the code")
            #expect(try await browser.get("/").status == .seeOther)

            let ask = try await browser.get("/login/second-factor")
            #expect(ask.status == .ok)
            #expect(ask.body.string.contains(#"autocomplete="one-time-code""#))

            let wrong = try await browser.post("/login/second-factor", form: [("code", "123456")])
            #expect(wrong.status == .unauthorized)
            #expect(wrong.body.string.contains("Fel: Skriv engångskod"))
            #expect(wrong.body.string.contains(##"<a href="#code">Engångskod: Koden stämmer inte"##))
            #expect(browser.sessionToken == nil)

            let code = phone.nextCode()
            let right = try await browser.post("/login/second-factor", form: [("code", code)])
            #expect(right.status == .seeOther)
            #expect(right.headers.first(name: .location) == "/caregivers")
            let session = try await Self.currentSession(app, browser)
            #expect(session.isStrong && session.signInMethod == .passwordAndTOTP)

            // The same code from another browser, with the right password, is refused.
            let other = Browser(app)
            try await other.signIn("anna@test.se")
            try await other.get("/login/second-factor")
            #expect(try await other.post("/login/second-factor", form: [("code", code)]).status == .unauthorized)
            #expect(other.sessionToken == nil)
            // The challenge is used up by the successful sign-in: the first browser cannot reuse it.
            #expect(try await browser.get("/login/second-factor").headers.first(name: .location) == "/login?expired=1")
        }
    }

    @Test("A secret sealed under another server key (a restore without the key file) says so, not a crash")
    func sealedUnderAnotherKey() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "anna@test.se", roles: [.consultant])
            _ = try await Self.enrol(app, Browser(app), email: "anna@test.se")
            let otherKey = NSTemporaryDirectory() + "other-\(UUID().uuidString).key"
            defer { try? FileManager.default.removeItem(atPath: otherKey) }
            let other = try SecretBox.load(path: otherKey)
            let factor = try #require(try await UserSecondFactor.query(on: app.db).first())
            factor.secretSealed = try other.seal("JBSWY3DPEHPK3PXP")
            try await factor.update(on: app.db)

            let browser = Browser(app)
            try await browser.get("/login")
            #expect(try await browser.post("/login", form: [("email", "anna@test.se"), ("password", testPassword)]).status == .seeOther)
            _ = try await browser.get("/login/second-factor")
            let answer = try await browser.post("/login/second-factor", form: [("code", "123456")])
            #expect(answer.status == .serviceUnavailable)
            #expect(answer.body.string.contains("En sparad hemlighet kan inte öppnas med serverns nyckel"))
        }
    }

    @Test("A reserve code signs in once; it is audited without the code")
    func recoveryCodeWorksOnce() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "anna@test.se", roles: [.staff])
            let (_, codes) = try await Self.enrol(app, Browser(app), email: "anna@test.se")
            let code = try #require(codes.first)

            let browser = Browser(app)
            try await browser.signIn("anna@test.se")
            try await browser.get("/login/second-factor")
            // Typed in capitals with a space instead of the dash.
            let typed = code.uppercased().replacingOccurrences(of: "-", with: " ")
            #expect(try await browser.post("/login/second-factor", form: [("code", typed)]).status == .seeOther)
            #expect(try await Self.currentSession(app, browser).isStrong)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "second_factor.recovery_code_use").count() == 1)

            let again = Browser(app)
            try await again.signIn("anna@test.se")
            try await again.get("/login/second-factor")
            #expect(try await again.post("/login/second-factor", form: [("code", code)]).status == .unauthorized)
            let left = try await browser.get("/account/second-factor")
            #expect(left.body.string.contains("Du har 9 oanvända reservkoder kvar."))
        }
    }

    @Test("Five wrong codes lock the code step for a while with a clear message; the right code then waits too")
    func wrongCodesAreThrottled() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "anna@test.se", roles: [.staff])
            let (phone, _) = try await Self.enrol(app, Browser(app), email: "anna@test.se")
            let browser = Browser(app)
            try await browser.signIn("anna@test.se")
            try await browser.get("/login/second-factor")
            for guess in 0..<LoginThrottlePolicy.perAccount.maxFailures {
                let response = try await browser.post("/login/second-factor", form: [("code", String(format: "%06d", guess))])
                #expect(response.status == .unauthorized)
            }
            let locked = try await browser.post("/login/second-factor", form: [("code", phone.nextCode())])
            #expect(locked.status == .tooManyRequests)
            #expect(locked.body.string.contains("För många misslyckade inloggningar"))
            #expect(locked.headers.first(name: "Retry-After") != nil)
            #expect(browser.sessionToken == nil)
            // The API shares the lock.
            let api = try await APIClient(app: app).send(.POST, "/api/v1/auth/token",
                json: json(["email": "anna@test.se", "password": testPassword, "code": phone.nextCode()]))
            #expect(api.status == .tooManyRequests)

            // Once the failures have aged, the right code signs in and clears them.
            try await LoginAttempt.query(on: app.db).set(\.$occurredAt, to: Date().addingTimeInterval(-16 * 60)).update()
            try await browser.get("/login/second-factor")
            #expect(try await browser.post("/login/second-factor", form: [("code", phone.nextCode())]).status == .seeOther)
        }
    }

    @Test("Twelve wrong codes at once over two instances: five are checked, seven get 429")
    func parallelWrongCodesAreThrottled() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "anna@test.se", roles: [.staff])
            _ = try await Self.enrol(app, Browser(app), email: "anna@test.se")
            try await withSecondInstance(of: app) { second in
                // Twelve browsers past the password step, half of them on each instance.
                var browsers: [Browser] = []
                for index in 0..<12 {
                    let browser = Browser(index.isMultiple(of: 2) ? app : second)
                    try await browser.signIn("anna@test.se")
                    #expect(try await browser.get("/login/second-factor").status == .ok)
                    browsers.append(browser)
                }
                let statuses = try await SignInThrottleTests.burst(browsers.enumerated().map { index, browser in
                    { try await browser.post("/login/second-factor", form: [("code", String(format: "%06d", index))]).status }
                })
                let limit = LoginThrottlePolicy.perAccount.maxFailures
                #expect(statuses.filter { $0 == .unauthorized }.count == limit, "\(statuses)")
                #expect(statuses.filter { $0 == .tooManyRequests }.count == 12 - limit, "\(statuses)")
                #expect(browsers.allSatisfy { $0.sessionToken == nil })
            }
        }
    }

    @Test("The code step lasts five minutes and cannot be reached without the password")
    func challengeExpires() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "anna@test.se", roles: [.staff])
            let (phone, _) = try await Self.enrol(app, Browser(app), email: "anna@test.se")
            let stranger = Browser(app)
            try await stranger.get("/login")
            let direct = try await stranger.post("/login/second-factor", form: [("code", phone.nextCode())])
            #expect(direct.status == .seeOther)
            #expect(direct.headers.first(name: .location) == "/login?expired=1")
            #expect(try await stranger.get("/login?expired=1").body.string.contains("Inloggningen tog för lång tid."))

            let browser = Browser(app)
            try await browser.signIn("anna@test.se")
            try await SecondFactorChallenge.query(on: app.db).set(\.$expiresAt, to: Date().addingTimeInterval(-1)).update()
            let late = try await browser.post("/login/second-factor", form: [("code", phone.nextCode())])
            #expect(late.headers.first(name: .location) == "/login?expired=1")
            #expect(browser.sessionToken == nil)
        }
    }

    @Test("An API token needs the code when the account has a second factor, and is then strong")
    func apiTokenNeedsTheCode() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "anna@test.se", roles: [.staff])
            // Before enrolment, a password is enough (and the session is not strong).
            let before = try await APIClient.signedIn(app, "anna@test.se")
            #expect(try await AuthSession.query(on: app.db).filter(\.$kind == .api).first()?.isStrong == false)
            _ = before
            let (phone, _) = try await Self.enrol(app, Browser(app), email: "anna@test.se")
            let client = APIClient(app: app)

            let missing = try await client.send(.POST, "/api/v1/auth/token", json: json(["email": "anna@test.se", "password": testPassword]))
            #expect(missing.status == .unauthorized)
            #expect(missing.problem?.detail.contains("tvåstegsverifiering") == true)

            let wrong = try await client.send(.POST, "/api/v1/auth/token",
                                              json: json(["email": "anna@test.se", "password": testPassword, "code": "000000"]))
            #expect(wrong.status == .unauthorized)
            #expect(wrong.problem?.detail.contains("Koden stämmer inte") == true)

            let issued = try await client.send(.POST, "/api/v1/auth/token",
                                               json: json(["email": "anna@test.se", "password": testPassword, "code": phone.nextCode()]))
            #expect(issued.status == .created)
            let token = try issued.content.decode(API.TokenResponse.self).token
            let session = try #require(try await AuthSession.query(on: app.db).filter(\.$tokenHash == SecretToken.hash(token)).first())
            #expect(session.isStrong && session.signInMethod == .passwordAndTOTP)
            #expect(try await APIClient(app: app, token: token).send(.GET, "/api/v1/me").status == .ok)
        }
    }

    @Test("Step-up turns a password session into a strong one with a new session id; without an app it points to enrolment")
    func stepUp() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "anna@test.se", roles: [.consultant])
            try await makeUser(app, in: organisation, email: "per@test.se", roles: [.consultant])

            let without = Browser(app)
            try await without.signIn("per@test.se")
            let explain = try await without.get("/login/step-up?return=/caregivers")
            #expect(explain.status == .ok)
            #expect(explain.body.string.contains(#"href="/account/second-factor""#))
            #expect(!explain.body.string.contains(#"id="code""#))

            let (phone, _) = try await Self.enrol(app, Browser(app), email: "anna@test.se")
            try await Self.letTimePass(app)
            // A session from before the app, signed in with the password alone: weak.
            let browser = Browser(app)
            try await browser.signIn("anna@test.se")
            try await browser.get("/login/second-factor")
            try await browser.post("/login/second-factor", form: [("code", phone.nextCode())])
            try await AuthSession.query(on: app.db).filter(\.$endedAt == nil)
                .set(\.$isStrong, to: false).set(\.$signInMethod, to: .password).update()
            let weakToken = try #require(browser.sessionToken)
            try await Self.letTimePass(app)

            let ask = try await browser.get("/login/step-up?return=/caregivers")
            #expect(ask.status == .ok)
            #expect(ask.body.string.contains(#"name="return" value="/caregivers""#))
            #expect(try await browser.post("/login/step-up", form: [("code", "000000"), ("return", "/caregivers")]).status == .unauthorized)
            let stepped = try await browser.post("/login/step-up", form: [("code", phone.nextCode()), ("return", "/caregivers")])
            #expect(stepped.status == .seeOther)
            #expect(stepped.headers.first(name: .location) == "/caregivers")
            #expect(browser.sessionToken != weakToken)
            #expect(try await Self.currentSession(app, browser).isStrong)
            // The weak session is over, and a strong one is not asked again.
            let stale = Browser(app)
            stale.cookies[Sessions.cookieName] = weakToken
            #expect(try await stale.get("/").status == .seeOther)
            #expect(try await browser.get("/login/step-up?return=/caregivers").headers.first(name: .location) == "/caregivers")
        }
    }

    @Test("Removing the app needs a current code; afterwards the password alone signs in")
    func removal() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "anna@test.se", roles: [.staff])
            let browser = Browser(app)
            let (phone, _) = try await Self.enrol(app, browser, email: "anna@test.se")
            try await browser.get("/account/second-factor")
            let wrong = try await browser.post("/account/second-factor/remove", form: [("code", "000000")])
            #expect(wrong.status == .unauthorized)
            #expect(try await UserSecondFactor.query(on: app.db).count() == 1)
            let removed = try await browser.post("/account/second-factor/remove", form: [("code", phone.nextCode())])
            #expect(removed.headers.first(name: .location) == "/account/second-factor?removed=1")
            #expect(try await UserSecondFactor.query(on: app.db).count() == 0)
            #expect(try await UserRecoveryCode.query(on: app.db).count() == 0)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "second_factor.remove").count() == 1)
            #expect(try await Browser(app).signIn("anna@test.se").headers.first(name: .location) == "/")
        }
    }

    @Test("An administrator removes a colleague's lost app, never their own; the colleague then signs in with the password")
    func administratorReset() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "admin@test.se", roles: [.admin])
            let anna = try await makeUser(app, in: organisation, email: "anna@test.se", roles: [.staff])
            let annaID = try anna.requireID()
            _ = try await Self.enrol(app, Browser(app), email: "anna@test.se")
            let other = try await makeOrganisation(app, name: "Annan kommun", code: "0181")
            let outsider = try await makeUser(app, in: other, email: "admin@annan.se", roles: [.admin])

            let admin = Browser(app)
            try await admin.signIn("admin@test.se")
            let page = try await admin.get("/admin/users/\(annaID)")
            #expect(page.body.string.contains(#"action="/admin/users/\#(annaID)/second-factor/reset""#))
            // Another organisation's administrator cannot reach her.
            let stranger = Browser(app)
            try await stranger.signIn("admin@annan.se")
            try await stranger.get("/admin/users/\(try outsider.requireID())")
            #expect(try await stranger.post("/admin/users/\(annaID)/second-factor/reset", form: []).status == .notFound)
            #expect(try await UserSecondFactor.query(on: app.db).count() == 1)

            let reset = try await admin.post("/admin/users/\(annaID)/second-factor/reset", form: [])
            #expect(reset.status == .seeOther)
            #expect(try await UserSecondFactor.query(on: app.db).count() == 0)
            #expect(try await UserRecoveryCode.query(on: app.db).count() == 0)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "second_factor.reset").count() == 1)
            #expect(try await Browser(app).signIn("anna@test.se").headers.first(name: .location) == "/")
        }
    }
}
