import Fluent
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

@Suite("Administration of units and users")
struct AdministrationTests {
    @Test("An administrator creates and edits a unit in the pages; a stale edit is refused and nothing is lost")
    func unitLifecycleInPages() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "admin@test.se", roles: [.admin])
            let browser = Browser(app)
            try await browser.signIn("admin@test.se")
            try await browser.get("/admin/units/new")

            let empty = try await browser.post("/admin/units", form: [("name", "  "), ("kind", "homeCare")])
            #expect(empty.status == .unprocessableEntity)
            #expect(empty.body.string.contains("Fältet måste fyllas i."))
            #expect(empty.body.string.contains(##"href="#name""##))

            let badKind = try await browser.post("/admin/units", form: [("name", "Hemtjänst Öst"), ("kind", "spaceship")])
            #expect(badKind.status == .unprocessableEntity)

            #expect(try await browser.post("/admin/units", form: [("name", "Hemtjänst Öst"), ("kind", "homeCare")]).status == .seeOther)
            let list = try await browser.get("/admin/units")
            #expect(list.body.string.contains("Hemtjänst Öst"))
            let unit = try #require(try await Unit.query(on: app.db).first())
            let id = try unit.requireID()

            let duplicate = try await browser.post("/admin/units", form: [("name", "Hemtjänst Öst"), ("kind", "homeCare")])
            #expect(duplicate.status == .unprocessableEntity)
            #expect(duplicate.body.string.contains("Det finns redan en verksamhet med det namnet."))

            try await browser.get("/admin/units/\(id)")
            let saved = try await browser.post("/admin/units/\(id)", form: [("name", "Hemtjänst Östra"), ("kind", "homeCare"), ("version", "1"), ("active", "on")])
            #expect(saved.status == .seeOther)

            // A second tab still holding version 1 tries to save.
            let stale = try await browser.post("/admin/units/\(id)", form: [("name", "Fel namn"), ("kind", "other"), ("version", "1")])
            #expect(stale.status == .conflict)
            #expect(stale.body.string.contains("Någon annan har ändrat posten"))
            let stored = try #require(try await Unit.find(id, on: app.db))
            #expect(stored.name == "Hemtjänst Östra")
            #expect(stored.version == 2)
        }
    }

    @Test("An administrator creates a user with roles and units; the new user can sign in")
    func userCreatedInPages() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            let unit = try await makeUnit(app, in: organisation)
            try await makeUser(app, in: organisation, email: "admin@test.se", roles: [.admin])
            let browser = Browser(app)
            try await browser.signIn("admin@test.se")
            let form = try await browser.get("/admin/users/new")
            #expect(form.body.string.contains("Hemtjänst Norra"))

            let invalid = try await browser.post("/admin/users", form: [("email", "not-an-email"), ("displayName", ""), ("password", "short")])
            #expect(invalid.status == .unprocessableEntity)
            for message in ["Ange en e-postadress", "Fältet måste fyllas i.", "minst 12 tecken", "Välj minst en roll."] {
                #expect(invalid.body.string.contains(message), "missing \(message)")
            }

            let created = try await browser.post("/admin/users", form: [
                ("email", "Pia@Test.se"), ("displayName", "Pia Personal"), ("password", "en lång och god fras"),
                ("roles[]", "staff"), ("roles[]", "caseOfficer"), ("units[]", try unit.requireID().uuidString),
            ])
            #expect(created.status == .seeOther)
            let list = try await browser.get("/admin/users")
            #expect(list.body.string.contains("Pia Personal"))
            #expect(list.body.string.contains("pia@test.se"))
            let user = try #require(try await User.query(on: app.db).filter(\.$email == "pia@test.se").with(\.$roles).with(\.$unitMemberships).first())
            #expect(Set(user.roles.map(\.role)) == [.staff, .caseOfficer])
            #expect(user.unitMemberships.map { $0.$unit.id } == [try unit.requireID()])
            #expect(user.passwordHash.hasPrefix("$2"))
            #expect(try await Browser(app).signIn("pia@test.se", password: "en lång och god fras").status == .seeOther)

            let taken = try await browser.post("/admin/users", form: [
                ("email", "pia@test.se"), ("displayName", "Pia igen"), ("password", "en lång och god fras"), ("roles[]", "staff"),
            ])
            #expect(taken.status == .unprocessableEntity)
            #expect(taken.body.string.contains("Det finns redan ett konto"))
        }
    }

    @Test("An administrator cannot lock themselves out")
    func noSelfLockout() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            let admin = try await makeUser(app, in: organisation, email: "admin@test.se", roles: [.admin])
            let browser = Browser(app)
            try await browser.signIn("admin@test.se")
            let id = try admin.requireID()
            try await browser.get("/admin/users/\(id)")
            let deactivate = try await browser.post("/admin/users/\(id)/deactivate", form: [])
            #expect(deactivate.status == .conflict)
            let demote = try await browser.post("/admin/users/\(id)", form: [
                ("email", "admin@test.se"), ("displayName", "Admin"), ("roles[]", "viewer"), ("version", "1"),
            ])
            #expect(demote.status == .unprocessableEntity)
            #expect(demote.body.string.contains("din egen administratörsroll"))
            let stored = try #require(try await User.query(on: app.db).filter(\.$id == id).with(\.$roles).first())
            #expect(stored.active)
            #expect(stored.roles.map(\.role) == [.admin])
        }
    }

    @Test("HTML and script typed into a form are shown as text, never run")
    func markupIsInert() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "admin@test.se", roles: [.admin])
            let browser = Browser(app)
            try await browser.signIn("admin@test.se")
            try await browser.get("/admin/units/new")
            try await browser.post("/admin/units", form: [("name", "<script>alert(1)</script>"), ("kind", "other")])
            let list = try await browser.get("/admin/units")
            #expect(!list.body.string.contains("<script>alert(1)</script>"))
            #expect(list.body.string.contains("&lt;script&gt;"))
        }
    }
}
