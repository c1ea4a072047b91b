import Fluent
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

@Suite("Signing in and sessions")
struct SignInTests {
    @Test("A user signs in at /login and lands on their start page")
    func signInLandsOnStartPage() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "anna@test.se", roles: [.consultant])
            let browser = Browser(app)
            let login = try await browser.get("/login")
            #expect(login.body.string.contains(#"id="email""#))
            #expect(login.body.string.contains(#"id="password""#))
            let response = try await browser.post("/login", form: [("email", "Anna@Test.se "), ("password", testPassword)])
            #expect(response.status == .seeOther)
            #expect(response.headers.first(name: .location) == "/")
            let setCookie = response.headers[.setCookie].joined(separator: "\n")
            #expect(setCookie.contains("HttpOnly"))
            #expect(setCookie.contains("SameSite=Lax"))
            let home = try await browser.get("/")
            #expect(home.status == .ok)
            #expect(home.body.string.contains("Välkommen, Test anna@test.se"))
            #expect(home.body.string.contains("anhörigkonsulent"))
        }
    }

    @Test("A failed sign-in says the same whether or not the account exists")
    func failureDoesNotRevealAccounts() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "anna@test.se", roles: [.staff])
            let wrongPassword = try await Browser(app).signIn("anna@test.se", password: "not the password at all")
            let noAccount = try await Browser(app).signIn("nobody@test.se", password: "not the password at all")
            #expect(wrongPassword.status == .unauthorized)
            #expect(noAccount.status == .unauthorized)
            #expect(wrongPassword.body.string.contains("Fel e-postadress eller lösenord."))
            #expect(noAccount.body.string.contains("Fel e-postadress eller lösenord."))
            #expect(!wrongPassword.body.string.contains("finns inte"))
        }
    }

    @Test("Five failures lock the account for a while, even for the right password, with a clear message")
    func throttlingLocksAccount() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "anna@test.se", roles: [.staff])
            for _ in 1...5 {
                let response = try await Browser(app).signIn("anna@test.se", password: "wrong password 123")
                #expect(response.status == .unauthorized)
            }
            let locked = try await Browser(app).signIn("anna@test.se")
            #expect(locked.status == .tooManyRequests)
            #expect(locked.body.string.contains("För många misslyckade inloggningar"))
            #expect(locked.headers.first(name: "Retry-After") != nil)
            // The API shares the same throttle.
            let api = try await APIClient(app: app).send(.POST, "/api/v1/auth/token",
                                                         json: #"{"email":"anna@test.se","password":"\#(testPassword)"}"#)
            #expect(api.status == .tooManyRequests)
            #expect(api.headers.contentType?.description.contains("problem+json") == true)
            // Once the failures age out of the window, sign-in works again.
            try await LoginAttempt.query(on: app.db).set(\.$occurredAt, to: Date().addingTimeInterval(-16 * 60)).update()
            #expect(try await Browser(app).signIn("anna@test.se").status == .seeOther)
        }
    }

    @Test("Many failures from one address lock that address for every account")
    func throttlingPerAddress() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "anna@test.se", roles: [.staff])
            for index in 0..<LoginThrottlePolicy.perAddress.maxFailures {
                try await Browser(app).signIn("guess\(index)@test.se", password: "wrong password 123")
            }
            #expect(try await Browser(app).signIn("anna@test.se").status == .tooManyRequests)
        }
    }

    @Test("Sign-in issues a new session id, and sign-out ends the session on the server")
    func sessionRotationAndSignOut() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "anna@test.se", roles: [.staff])
            let browser = Browser(app)
            try await browser.signIn("anna@test.se")
            let first = try #require(browser.sessionToken)
            // Signing in again from the same browser (say, as a colleague) gives a new session id.
            try await browser.get("/")
            try await browser.post("/login", form: [("email", "anna@test.se"), ("password", testPassword)])
            let second = try #require(browser.sessionToken)
            #expect(first != second)

            // The old session no longer signs anyone in.
            let stale = Browser(app)
            stale.cookies[Sessions.cookieName] = first
            #expect(try await stale.get("/").status == .seeOther)

            try await browser.get("/")
            let out = try await browser.post("/logout", form: [])
            #expect(out.status == .seeOther)
            let replay = Browser(app)
            replay.cookies[Sessions.cookieName] = second
            let after = try await replay.get("/")
            #expect(after.status == .seeOther)
            #expect(after.headers.first(name: .location) == "/login")
        }
    }

    @Test("Sessions end after 30 idle minutes and after 12 hours in all")
    func sessionLimits() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "anna@test.se", roles: [.staff])
            let browser = Browser(app)
            try await browser.signIn("anna@test.se")
            #expect(try await browser.get("/").status == .ok)
            try await AuthSession.query(on: app.db).set(\.$lastSeenAt, to: Date().addingTimeInterval(-31 * 60)).update()
            #expect(try await browser.get("/").status == .seeOther)

            try await browser.signIn("anna@test.se")
            try await AuthSession.query(on: app.db).filter(\.$endedAt == nil)
                .set(\.$createdAt, to: Date().addingTimeInterval(-12 * 3600 - 1)).update()
            #expect(try await browser.get("/").status == .seeOther)
        }
    }

    @Test("Deactivating a user ends their sessions at once, in the browser and the API")
    func deactivationEndsSessions() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "admin@test.se", roles: [.admin])
            let staff = try await makeUser(app, in: organisation, email: "pia@test.se", roles: [.staff])
            let staffBrowser = Browser(app)
            try await staffBrowser.signIn("pia@test.se")
            let staffAPI = try await APIClient.signedIn(app, "pia@test.se")
            #expect(try await staffBrowser.get("/").status == .ok)

            let admin = Browser(app)
            try await admin.signIn("admin@test.se")
            try await admin.get("/admin/users/\(try staff.requireID())")
            let response = try await admin.post("/admin/users/\(try staff.requireID())/deactivate", form: [])
            #expect(response.status == .seeOther)

            #expect(try await staffBrowser.get("/").status == .seeOther)
            #expect(try await staffAPI.send(.GET, "/api/v1/me").status == .unauthorized)
            #expect(try await Browser(app).signIn("pia@test.se").status == .unauthorized)
            let stored = try #require(try await User.find(staff.id, on: app.db))
            #expect(stored.active == false)
        }
    }

    @Test("The request's user is identified in one query, with every role and unit, and a change counts at once")
    func identityInOneQuery() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            let north = try await makeUnit(app, in: organisation, name: "Hemtjänst Norra")
            let south = try await makeUnit(app, in: organisation, name: "Hemtjänst Södra")
            let user = try await makeUser(app, in: organisation, email: "anna@test.se", roles: [.staff, .caseOfficer], units: [north, south])
            let (token, session) = try await Sessions.start(for: user, kind: .api, signIn: .passwordAndTOTP, on: app.db)
            let request = Request(application: app, on: app.eventLoopGroup.next())
            let identified = try #require(try await SessionIdentity.user(token: token, kind: .api, request: request))
            let loaded = try #require(try await CurrentUser.load(session: session, on: app.db))
            #expect(identified.roles == [.staff, .caseOfficer])
            #expect(identified.unitIDs == Set([try north.requireID(), try south.requireID()]))
            #expect(identified.roles == loaded.roles && identified.unitIDs == loaded.unitIDs)
            #expect(identified.id == loaded.id && identified.organisationID == loaded.organisationID)
            #expect(identified.organisationName == loaded.organisationName && identified.email == loaded.email)
            #expect(identified.displayName == loaded.displayName && identified.csrfToken == loaded.csrfToken)
            #expect(identified.sessionID == loaded.sessionID && identified.signIn == SignInProof.passwordAndTOTP)
            // The same token is no browser session, and an unknown token is nobody.
            #expect(try await SessionIdentity.user(token: token, kind: .browser, request: request) == nil)
            #expect(try await SessionIdentity.user(token: token + "x", kind: .api, request: request) == nil)
            // A user with no role and no unit is still identified (and then refused by the routes).
            try await UserRole.query(on: app.db).filter(\.$user.$id == (try user.requireID())).delete()
            try await UnitMembership.query(on: app.db).filter(\.$user.$id == (try user.requireID())).delete()
            let bare = try #require(try await SessionIdentity.user(token: token, kind: .api, request: request))
            #expect(bare.roles.isEmpty && bare.unitIDs.isEmpty)
            // Deactivated: nobody from the next request on.
            user.active = false
            try await user.update(on: app.db)
            #expect(try await SessionIdentity.user(token: token, kind: .api, request: request) == nil)
        }
    }

    @Test("Signed-out visitors are sent to the login page and come back afterwards")
    func returnAfterSignIn() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "anna@test.se", roles: [.admin])
            let browser = Browser(app)
            let redirect = try await browser.get("/admin/units")
            #expect(redirect.status == .seeOther)
            #expect(redirect.headers.first(name: .location) == "/login?return=/admin/units")
            try await browser.get("/login?return=/admin/units")
            let signedIn = try await browser.post("/login", form: [("email", "anna@test.se"), ("password", testPassword), ("return", "/admin/units")])
            #expect(signedIn.headers.first(name: .location) == "/admin/units")
        }
    }

    @Test("A user changes their password; the old one stops working and other sessions end")
    func passwordChange() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "anna@test.se", roles: [.staff])
            let other = Browser(app)
            try await other.signIn("anna@test.se")
            let browser = Browser(app)
            try await browser.signIn("anna@test.se")
            try await browser.get("/account/password")

            let tooShort = try await browser.post("/account/password", form: [("current", testPassword), ("new", "kort"), ("confirm", "kort")])
            #expect(tooShort.status == .unprocessableEntity)
            #expect(tooShort.body.string.contains("minst 12 tecken"))
            #expect(tooShort.body.string.contains("error-summary"))

            let withEmail = try await browser.post("/account/password", form: [("current", testPassword), ("new", "anna@test.se-2026!"), ("confirm", "anna@test.se-2026!")])
            #expect(withEmail.status == .unprocessableEntity)

            let wrongCurrent = try await browser.post("/account/password", form: [("current", "not my password"), ("new", "a brand new passphrase"), ("confirm", "a brand new passphrase")])
            #expect(wrongCurrent.status == .unprocessableEntity)

            let changed = try await browser.post("/account/password", form: [("current", testPassword), ("new", "a brand new passphrase"), ("confirm", "a brand new passphrase")])
            #expect(changed.status == .seeOther)
            #expect(try await browser.get("/").status == .ok)
            #expect(try await other.get("/").status == .seeOther)
            #expect(try await Browser(app).signIn("anna@test.se").status == .unauthorized)
            #expect(try await Browser(app).signIn("anna@test.se", password: "a brand new passphrase").status == .seeOther)
        }
    }
}

@Suite("CSRF")
struct CSRFTests {
    @Test("Forms posted without the CSRF token are refused, signed in or not")
    func postsWithoutTokenRefused() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "admin@test.se", roles: [.admin])
            let anonymous = Browser(app)
            try await anonymous.get("/login")
            let login = try await anonymous.post("/login", form: [("email", "admin@test.se"), ("password", testPassword)], includeCSRF: false)
            #expect(login.status == .forbidden)

            let admin = Browser(app)
            try await admin.signIn("admin@test.se")
            let missing = try await admin.post("/admin/units", form: [("name", "Ny enhet"), ("kind", "homeCare")], includeCSRF: false)
            #expect(missing.status == .forbidden)
            let wrong = try await admin.post("/admin/units", form: [("name", "Ny enhet"), ("kind", "homeCare"), ("_csrf", "forged")], includeCSRF: false)
            #expect(wrong.status == .forbidden)
            #expect(wrong.body.string.contains("Formuläret hade gått ut"))
            #expect(try await Unit.query(on: app.db).count() == 0)

            try await admin.get("/admin/units/new")
            #expect(try await admin.post("/admin/units", form: [("name", "Ny enhet"), ("kind", "homeCare")]).status == .seeOther)
            #expect(try await Unit.query(on: app.db).count() == 1)
        }
    }
}
