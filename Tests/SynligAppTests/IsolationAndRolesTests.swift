import Fluent
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

@Suite("Organisation isolation and roles")
struct IsolationAndRolesTests {
    /// Two municipalities, each with an administrator, a unit and a staff member.
    struct TwoMunicipalities {
        var unitB: Unit
        var userB: User
    }

    func arrange(_ app: Application) async throws -> TwoMunicipalities {
        let a = try await makeOrganisation(app, name: "Kommun A", code: "0101")
        let b = try await makeOrganisation(app, name: "Kommun B", code: "0202")
        try await makeUser(app, in: a, email: "admin@a.se", roles: [.admin])
        try await makeUser(app, in: b, email: "admin@b.se", roles: [.admin])
        let unitB = try await makeUnit(app, in: b, name: "Hemtjänst B")
        let userB = try await makeUser(app, in: b, email: "staff@b.se", roles: [.staff], units: [unitB])
        return TwoMunicipalities(unitB: unitB, userB: userB)
    }

    @Test("An administrator of A gets 404 for every record of B, in the pages and the API")
    func otherOrganisationIsNotFound() async throws {
        try await withSynlig { app in
            let world = try await arrange(app)
            let unitID = try world.unitB.requireID()
            let userID = try world.userB.requireID()
            let browser = Browser(app)
            try await browser.signIn("admin@a.se")
            try await browser.get("/admin/units")
            for path in ["/admin/units/\(unitID)", "/admin/users/\(userID)"] {
                #expect(try await browser.get(path).status == .notFound, "GET \(path)")
            }
            for path in ["/admin/units/\(unitID)", "/admin/users/\(userID)", "/admin/users/\(userID)/deactivate"] {
                let response = try await browser.post(path, form: [("name", "Kapad"), ("kind", "homeCare"), ("version", "1"),
                                                                   ("email", "x@a.se"), ("displayName", "X"), ("roles[]", "staff")])
                #expect(response.status == .notFound, "POST \(path)")
            }
            let lists = try await browser.get("/admin/users")
            #expect(!lists.body.string.contains("staff@b.se"))
            #expect(!(try await browser.get("/admin/units")).body.string.contains("Hemtjänst B"))

            let api = try await APIClient.signedIn(app, "admin@a.se")
            #expect(try await api.send(.GET, "/api/v1/units/\(unitID)").status == .notFound)
            #expect(try await api.send(.PUT, "/api/v1/units/\(unitID)", json: #"{"name":"Kapad","kind":"homeCare","version":1}"#).status == .notFound)
            #expect(try await api.send(.GET, "/api/v1/users/\(userID)").status == .notFound)
            #expect(try await api.send(.PUT, "/api/v1/users/\(userID)",
                                       json: #"{"email":"x@a.se","displayName":"X","roles":["staff"],"version":1}"#).status == .notFound)
            #expect(try await api.send(.POST, "/api/v1/users/\(userID)/deactivate").status == .notFound)
            let users = try await api.send(.GET, "/api/v1/users")
            #expect(!users.body.string.contains("staff@b.se"))
            let units = try await api.send(.GET, "/api/v1/units")
            #expect(!units.body.string.contains("Hemtjänst B"))

            // A can neither give its users B's units.
            let create = try await api.send(.POST, "/api/v1/users", json: """
            {"email":"new@a.se","displayName":"Ny","password":"\(testPassword)","roles":["staff"],"unitIds":["\(unitID)"]}
            """)
            #expect(create.status == .unprocessableEntity)

            // Nothing of B changed.
            let unit = try #require(try await Unit.find(unitID, on: app.db))
            #expect(unit.name == "Hemtjänst B")
            let user = try #require(try await User.find(userID, on: app.db))
            #expect(user.active)
        }
    }

    @Test("Only administrators reach the administration pages; others get 403, visitors the login page")
    func authorisationMatrix() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            let unit = try await makeUnit(app, in: organisation)
            let admin = try await makeUser(app, in: organisation, email: "admin@test.se", roles: [.admin])
            let adminPages: [SiteURL] = [.adminUnits, .adminUnitNew, .adminUnit(try unit.requireID()), .adminUsers, .adminUserNew,
                                         .adminUser(try admin.requireID()), .auditTrail, .accessLog, .adminJobs]
            for role in Role.allCases where role != .admin {
                let email = "\(role.rawValue.lowercased())@test.se"
                try await makeUser(app, in: organisation, email: email, roles: [role])
                let browser = Browser(app)
                try await browser.signIn(email)
                let home = try await browser.get("/")
                #expect(home.status == .ok)
                #expect(!home.body.string.contains("/admin/"), "\(role) sees admin links")
                for page in adminPages {
                    let response = try await browser.get(page.path)
                    #expect(response.status == .forbidden, "\(role) on \(page.path)")
                    #expect(response.body.string.contains("Åtkomst nekad"))
                }
                let api = try await APIClient.signedIn(app, email)
                #expect(try await api.send(.GET, "/api/v1/users").status == .forbidden)
                #expect(try await api.send(.GET, "/api/v1/jobs").status == .forbidden)
                #expect(try await api.send(.POST, "/api/v1/units", json: #"{"name":"X","kind":"other"}"#).status == .forbidden)
                #expect(try await api.send(.GET, "/api/v1/me").status == .ok)
            }
            for page in adminPages + [.home, .accountPassword] {
                let response = try await Browser(app).get(page.path)
                #expect(response.status == .seeOther, "anonymous on \(page.path)")
                #expect(response.headers.first(name: .location)?.hasPrefix("/login") == true)
            }
            for path in ["/api/v1/me", "/api/v1/organisation", "/api/v1/units", "/api/v1/users"] {
                let response = try await APIClient(app: app).send(.GET, path)
                #expect(response.status == .unauthorized, "anonymous API \(path)")
                #expect(response.headers.first(name: "WWW-Authenticate") == "Bearer")
            }
            let adminBrowser = Browser(app)
            try await adminBrowser.signIn("admin@test.se")
            for page in adminPages { #expect(try await adminBrowser.get(page.path).status == .ok, "admin on \(page.path)") }
        }
    }
}
