import Fluent
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp
@testable import SynligDemo

@Suite("First start, demo mode, commands and scheduled jobs")
struct SetupAndCommandsTests {
    @Test("An empty installation offers a one-time link that creates the organisation and its first administrator")
    func firstAdministratorSetup() async throws {
        try await withSynlig { app in
            let token = try #require(try await SetupController.issueTokenIfEmpty(on: app.db))
            let browser = Browser(app)
            let form = try await browser.get("/setup/\(token)")
            #expect(form.status == .ok)

            let invalid = try await browser.post("/setup/\(token)", form: [
                ("organisationName", "Nykommun"), ("organisationKind", "municipality"), ("organisationCode", "12"),
                ("displayName", "Ada"), ("email", "ada@ny.se"), ("password", "kort"),
            ])
            #expect(invalid.status == .unprocessableEntity)
            #expect(invalid.body.string.contains("SCB:s kod"))
            #expect(try await Organisation.query(on: app.db).count() == 0)

            let done = try await browser.post("/setup/\(token)", form: [
                ("organisationName", "Nykommun"), ("organisationKind", "municipality"), ("organisationCode", "1234"),
                ("displayName", "Ada Admin"), ("email", "ada@ny.se"), ("password", "en lång första fras"),
            ])
            #expect(done.status == .seeOther)
            let home = try await browser.get("/")
            #expect(home.status == .ok)
            #expect(home.body.string.contains("Ada Admin"))
            #expect(home.body.string.contains("/admin/users"))

            // The link works once only, and no second link is issued once a user exists: the
            // page says what to do instead of promising a link that a restart will not print.
            let used = try await Browser(app).get("/setup/\(token)")
            #expect(used.status == .notFound)
            #expect(used.body.string.contains("synlig create-admin"))
            #expect(try await SetupController.issueTokenIfEmpty(on: app.db) == nil)
        }
    }

    @Test("A setup link expires after an hour")
    func setupLinkExpires() async throws {
        try await withSynlig { app in
            let token = try #require(try await SetupController.issueTokenIfEmpty(on: app.db))
            try await SetupToken.query(on: app.db).set(\.$expiresAt, to: Date().addingTimeInterval(-1)).update()
            let response = try await Browser(app).get("/setup/\(token)")
            #expect(response.status == .notFound)
            #expect(response.body.string.contains("Länken fungerar inte längre"))
        }
    }

    @Test("The demo comes from its own target: the executable installs it, a build without it says so")
    func demoDataIsInstalledByTheExecutable() async throws {
        try await withSynlig { app in
            await #expect(throws: Abort.self) { try await runCommand(app, "seed-demo") }
            #expect(try await Organisation.query(on: app.db).count() == 0)
            app.demoData = ExempelkommunDemo()
            try await runCommand(app, "seed-demo")
            #expect(try await Organisation.query(on: app.db).filter(\.$code == DemoSeeder.organisationCode).count() == 1)
        }
    }

    @Test("Demo mode creates Exempelkommun and Region Exempel once, with a login per role that reaches its start page")
    func demoSeeding() async throws {
        try await withSynlig(adjust: { $0.demoMode = true }) { app in
            let first = try await DemoSeeder.seed(app, password: "demo-losenord-123")
            #expect(first.created)
            let second = try await DemoSeeder.seed(app, password: nil)
            #expect(!second.created)
            #expect(second.password == nil)
            // Exempelkommun, and the region beside it that refers a family caregiver to it.
            #expect(try await Organisation.query(on: app.db).count() == 2)
            #expect(try await Organisation.query(on: app.db).filter(\.$code == RegionDemo.code).first()?.kind == .region)
            // Its nurse has already referred one family caregiver, waiting in the municipality's inbox.
            #expect(try await Referral.query(on: app.db).filter(\.$status == .sent).count() == 1)
            for login in DemoSeeder.logins + RegionDemo.logins {
                let browser = Browser(app)
                #expect(try await browser.signIn(login.email, password: "demo-losenord-123").status == .seeOther, "\(login.email)")
                let home = try await browser.get("/")
                #expect(home.status == .ok)
                #expect(home.body.string.contains("demo-banner"))
            }
            let caseOfficer = try #require(try await User.query(on: app.db).filter(\.$email == "handlaggare@exempel.se").with(\.$unitMemberships).first())
            #expect(caseOfficer.unitMemberships.count == 2)
            // Giving a password again resets the demo users to it.
            _ = try await DemoSeeder.seed(app, password: "ett annat demolosen")
            #expect(try await Browser(app).signIn("admin@exempel.se", password: "ett annat demolosen").status == .seeOther)
            #expect(try await Browser(app).signIn(RegionDemo.logins[1].email, password: "ett annat demolosen").status == .seeOther)
        }
    }

    @Test("`synlig create-admin` refuses an unknown organisation without a code, before asking for a password")
    func createAdminValidates() async throws {
        try await withSynlig { (app: Application) async throws in
            await #expect(throws: (any Error).self) {
                try await runCommand(app, "create-admin", "--email", "ny@test.se", "--organisation", "Saknad kommun")
            }
            #expect(try await User.query(on: app.db).count() == 0)
        }
    }
}
