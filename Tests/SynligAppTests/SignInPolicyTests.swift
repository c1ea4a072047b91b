import Fluent
import Foundation
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

@Suite("The organisation's sign-in rules: strong sign-in for records, e-ID only, identity providers set up")
struct SignInPolicyTests {
    private func setPolicy(_ app: Application, _ organisation: Organisation, eidOnly: Bool = false,
                           breakGlass: User? = nil, strong: Bool) async throws {
        let policy = OrganisationSignInPolicy(organisationID: try organisation.requireID())
        policy.passwordSignIn = eidOnly ? .eidOnly : .allowed
        policy.breakGlassUserID = breakGlass?.id
        policy.recordsNeedStrongSignIn = strong
        try await policy.create(on: app.db)
    }

    @Test("With strong sign-in required, a password session is sent to step up before a record opens; e-ID opens it")
    func strongSignInForRecords() async throws {
        try await withSynlig { app in
            let world = try await EIDWorld.make(app)
            try await setPolicy(app, world.organisation, strong: true)
            let weak = Browser(app)
            #expect(try await weak.signIn("kim@test.se").status == .seeOther)
            #expect(try await weak.get("/").status == .ok)   // the start page holds no record
            let record = try await weak.get("/caregivers")
            #expect(record.status == .seeOther)
            #expect(record.headers.first(name: .location) == "/login/step-up?return=/caregivers")
            #expect(try await weak.get("/crisis").status == .seeOther)
            #expect(try await weak.get("/support/requests").status == .seeOther)
            #expect(try await weak.get("/support").status == .ok)   // the catalogue holds no one's data
            #expect(try await weak.post("/caregivers/new", form: [("firstName", "A")]).status == .forbidden)

            let api = try await APIClient.signedIn(app, "kim@test.se")
            let refused = try await api.send(.GET, "/api/v1/caregivers")
            #expect(refused.status == .forbidden)
            #expect(refused.problem?.detail.contains("stark inloggning") == true)
            #expect(try await api.send(.GET, "/api/v1/contact-requests").status == .forbidden)
            #expect(try await api.send(.GET, "/api/v1/support-offerings").status == .ok)

            // The step-up page offers the provider, and signing in there comes back to the record, strong.
            let stepUp = try await weak.get("/login/step-up?return=/caregivers")
            #expect(stepUp.status == .ok)
            #expect(stepUp.body.string.contains("Logga in med e-legitimation / SITHS – SITHS eID"))
            #expect(stepUp.body.string.contains("/login/eid?provider=\(try world.idp.requireID())&amp;return=/caregivers"))
            let weakToken = weak.sessionToken
            let (callback, _) = try await world.signIn(weak, returnPath: "/caregivers")
            #expect(callback.headers.first(name: .location) == "/caregivers")
            #expect(weak.sessionToken != weakToken)   // a new session id, not the weak one upgraded
            #expect(try await weak.get("/caregivers").status == .ok)
        }
    }

    @Test("Without the rule, a password session reads records as before")
    func ruleOffByDefault() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "kim@test.se", roles: [.consultant])
            let browser = Browser(app)
            try await browser.signIn("kim@test.se")
            #expect(try await browser.get("/caregivers").status == .ok)
        }
    }

    @Test("e-ID only: passwords are refused with a clear message, except for the break-glass administrator")
    func eidOnly() async throws {
        try await withSynlig { app in
            let world = try await EIDWorld.make(app)
            let admin = try await makeUser(app, in: world.organisation, email: "admin@test.se", roles: [.admin])
            try await setPolicy(app, world.organisation, eidOnly: true, breakGlass: admin, strong: false)
            let refused = try await Browser(app).signIn("kim@test.se")
            #expect(refused.status == .forbidden)
            #expect(refused.body.string.contains("Din organisation loggar in med e-legitimation"))
            #expect(refused.body.string.contains("Logga in med e-legitimation / SITHS"))
            // A wrong password still says only that it was wrong.
            #expect(try await Browser(app).signIn("kim@test.se", password: "wrong password 123").status == .unauthorized)
            let token = try await APIClient(app: app).send(.POST, "/api/v1/auth/token", json: #"{"email":"kim@test.se","password":"\#(testPassword)"}"#)
            #expect(token.status == .forbidden)
            #expect(try await Browser(app).signIn("admin@test.se").status == .seeOther)
            #expect(try await world.signIn(Browser(app)).callback.status == .seeOther)
        }
    }

    @Test("The administrator cannot turn passwords off without a provider and a break-glass administrator")
    func noLockOut() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            let admin = try await makeUser(app, in: organisation, email: "admin@test.se", roles: [.admin])
            let browser = Browser(app)
            try await browser.signIn("admin@test.se")
            let page = try await browser.get("/admin/sign-in")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("/login/eid/callback"))
            let refused = try await browser.post("/admin/sign-in", form: [("passwordSignIn", "eid_only"), ("breakGlassUser", ""), ("version", "0")])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("Lägg till en aktiv identitetsleverantör"))
            #expect(refused.body.string.contains("Välj en reservadministratör"))
            #expect(try await OrganisationSignInPolicy.query(on: app.db).count() == 0)

            // The untouched form keeps passwords on and sends the first break-glass option: nobody.
            let saved = try await browser.post("/admin/sign-in", form: [("passwordSignIn", "allowed"), ("breakGlassUser", ""),
                                                                        ("recordsNeedStrongSignIn", "on"), ("version", "0")])
            #expect(saved.status == .seeOther)
            let policy = try #require(try await OrganisationSignInPolicy.query(on: app.db).first())
            #expect(policy.recordsNeedStrongSignIn && policy.passwordSignIn == .allowed && policy.breakGlassUserID == nil)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "sign_in_policy.update").count() == 1)
            _ = admin
        }
    }

    @Test("An administrator adds a provider on the page; the secret is stored sealed and never sent back")
    func providerPages() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "admin@test.se", roles: [.admin])
            let browser = Browser(app)
            try await browser.signIn("admin@test.se")
            let form = try await browser.get("/admin/identity-providers/new")
            #expect(form.status == .ok)
            let bad = try await browser.post("/admin/identity-providers", form: [
                ("name", "SITHS"), ("issuer", "http://idp.example.se"), ("clientID", ""), ("clientAuthentication", "client_secret_basic"),
                ("clientSecret", "hemligt-värde"), ("userClaim", "employeeHsaId"), ("claimsRequest", "{not json"), ("justInTimeRole", ""), ("version", "0")])
            #expect(bad.status == .unprocessableEntity)
            #expect(!bad.body.string.contains("hemligt-värde"))
            #expect(bad.body.string.contains("https://"))
            #expect(bad.body.string.contains("JSON-objekt"))
            let good = try await browser.post("/admin/identity-providers", form: [
                ("name", "SITHS eID"), ("issuer", "https://idp.example.se"), ("clientID", "synlig"), ("clientAuthentication", "client_secret_basic"),
                ("clientSecret", "hemligt-värde"), ("clientSecretFile", ""), ("userClaim", "employeeHsaId"), ("extraScopes", ""),
                ("claimsRequest", ""), ("requiredAssurance", "http://id.elegnamnden.se/loa/1.0/loa3"), ("justInTimeRole", ""), ("version", "0")])
            #expect(good.status == .seeOther)
            let provider = try #require(try await IdentityProvider.query(on: app.db).first())
            #expect(provider.justInTimeRole == nil)
            #expect(provider.clientSecretSealed?.contains("hemligt") == false)
            let edit = try await browser.get("/admin/identity-providers/\(try provider.requireID())")
            #expect(edit.status == .ok)
            #expect(!edit.body.string.contains("hemligt-värde"))
            #expect(edit.body.string.contains("En hemlighet är sparad"))
            // Saving with the secret left empty keeps it.
            let kept = try await browser.post("/admin/identity-providers/\(try provider.requireID())", form: [
                ("name", "SITHS eID (Inera)"), ("issuer", "https://idp.example.se"), ("clientID", "synlig"), ("clientAuthentication", "client_secret_basic"),
                ("clientSecret", ""), ("clientSecretFile", ""), ("userClaim", "employeeHsaId"), ("extraScopes", ""), ("claimsRequest", ""),
                ("requiredAssurance", ""), ("justInTimeRole", ""), ("active", "on"), ("version", "1")])
            #expect(kept.status == .seeOther)
            let after = try #require(try await IdentityProvider.find(provider.id, on: app.db))
            #expect(try app.secretBox.open(after.clientSecretSealed ?? "") == "hemligt-värde")
            #expect(after.name == "SITHS eID (Inera)" && after.version == 2)
            // A stale form is refused, not saved over the newer one.
            let stale = try await browser.post("/admin/identity-providers/\(try provider.requireID())", form: [
                ("name", "Old"), ("issuer", "https://idp.example.se"), ("clientID", "synlig"), ("clientAuthentication", "client_secret_basic"),
                ("userClaim", "employeeHsaId"), ("version", "1")])
            #expect(stale.status == .conflict)
        }
    }

    @Test("synlig identity-provider set reads the secret from a file, stores it sealed, and updates rather than duplicates")
    func command() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            let file = NSTemporaryDirectory() + "idp-secret-\(UUID().uuidString)"
            try "from-a-file\n".write(toFile: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: file) }
            try await runCommand(app, "identity-provider", "set", "--organisation", organisation.code, "--issuer", "https://idp.example.se",
                                 "--client-id", "synlig", "--client-secret-file", file, "--user-claim", "employeeHsaId",
                                 "--acr", "http://id.elegnamnden.se/loa/1.0/loa3")
            try await runCommand(app, "identity-provider", "set", "--organisation", organisation.code, "--issuer", "https://idp.example.se",
                                 "--client-id", "synlig", "--user-claim", "email", "--scopes", "email profile")
            let providers = try await IdentityProvider.query(on: app.db).all()
            #expect(providers.count == 1)
            let provider = try #require(providers.first)
            #expect(provider.userClaim == "email" && provider.extraScopes == "email profile")
            #expect(provider.requiredAssurance == "http://id.elegnamnden.se/loa/1.0/loa3")
            #expect(try app.secretBox.open(provider.clientSecretSealed ?? "") == "from-a-file")
            await #expect(throws: (any Error).self) {
                try await runCommand(app, "identity-provider", "set", "--organisation", organisation.code, "--issuer", "ftp://nope",
                                     "--client-id", "x", "--user-claim", "email")
            }
        }
    }

    @Test("An administrator records a user's HSA-id; two accounts cannot share one")
    func signInIdentityOnUser() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "admin@test.se", roles: [.admin])
            let kim = try await makeUser(app, in: organisation, email: "kim@test.se", roles: [.consultant])
            let ali = try await makeUser(app, in: organisation, email: "ali@test.se", roles: [.consultant])
            let browser = Browser(app)
            try await browser.signIn("admin@test.se")
            func save(_ user: User, _ identity: String, version: Int) async throws -> TestingHTTPResponse {
                _ = try await browser.get("/admin/users/\(try user.requireID())")
                return try await browser.post("/admin/users/\(try user.requireID())", form: [
                    ("email", user.email), ("displayName", user.displayName), ("signInIdentity", identity),
                    ("roles", "consultant"), ("version", String(version))])
            }
            #expect(try await save(kim, "SE2321000016-A1B2", version: 1).status == .seeOther)
            let taken = try await save(ali, "SE2321000016-A1B2", version: 1)
            #expect(taken.status == .unprocessableEntity)
            #expect(taken.body.string.contains("Ett annat konto i organisationen har redan det inloggnings-id:t."))
            #expect(try await User.find(kim.id, on: app.db)?.signInIdentity == "SE2321000016-A1B2")
            #expect(try await User.find(ali.id, on: app.db)?.signInIdentity == nil)
            #expect(try await browser.get("/admin/users/\(try kim.requireID())").body.string.contains("SE2321000016-A1B2"))
        }
    }

    @Test("The users API records, shows, keeps and clears the sign-in identity")
    func signInIdentityThroughAPI() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "admin@test.se", roles: [.admin])
            let api = try await APIClient.signedIn(app, "admin@test.se")
            let created = try await api.send(.POST, "/api/v1/users", json: json([
                "email": "kim@test.se", "displayName": "Kim", "password": "a long enough password", "roles": ["consultant"],
                "signInIdentity": "SE2321000016-A1B2"]))
            #expect(created.status == .created)
            let user = try created.decoded(API.UserOut.self)
            #expect(user.signInIdentity == "SE2321000016-A1B2")
            let duplicate = try await api.send(.POST, "/api/v1/users", json: json([
                "email": "ali@test.se", "displayName": "Ali", "password": "a long enough password", "roles": ["consultant"],
                "signInIdentity": "SE2321000016-A1B2"]))
            #expect(duplicate.status == .unprocessableEntity)
            #expect(duplicate.fieldProblems["signInIdentity"] != nil)
            // Left out, it stays; an empty string clears it.
            let kept = try await api.send(.PUT, "/api/v1/users/\(user.id)", json: json([
                "email": "kim@test.se", "displayName": "Kim K", "roles": ["consultant"], "version": user.version]))
            #expect(try kept.decoded(API.UserOut.self).signInIdentity == "SE2321000016-A1B2")
            let cleared = try await api.send(.PUT, "/api/v1/users/\(user.id)", json: json([
                "email": "kim@test.se", "displayName": "Kim K", "roles": ["consultant"], "version": user.version + 1,
                "signInIdentity": ""]))
            #expect(cleared.status == .ok)
            #expect(try cleared.decoded(API.UserOut.self).signInIdentity == nil)
        }
    }
}
