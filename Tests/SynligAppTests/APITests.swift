import Fluent
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

@Suite("JSON API")
struct APITests {
    @Test("A token from /auth/token opens /me; the token can be revoked")
    func tokenAndMe() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            let unit = try await makeUnit(app, in: organisation)
            try await makeUser(app, in: organisation, email: "hassan@test.se", roles: [.caseOfficer], units: [unit])
            let response = try await APIClient(app: app).send(.POST, "/api/v1/auth/token",
                                                              json: #"{"email":"hassan@test.se","password":"\#(testPassword)"}"#)
            #expect(response.status == .created)
            let token = try response.content.decode(API.TokenResponse.self)
            #expect(token.tokenType == "Bearer")
            #expect(token.expiresAt > Date().addingTimeInterval(11 * 3600))
            #expect(token.idleTimeoutSeconds == 1800)

            let client = APIClient(app: app, token: token.token)
            let me = try await client.send(.GET, "/api/v1/me")
            #expect(me.status == .ok)
            let body = try me.content.decode(API.Me.self)
            #expect(body.email == "hassan@test.se")
            #expect(body.roles == [.caseOfficer])
            #expect(body.unitIds == [try unit.requireID()])
            #expect(body.organisation.code == "0180")

            #expect(try await client.send(.DELETE, "/api/v1/auth/token").status == .noContent)
            #expect(try await client.send(.GET, "/api/v1/me").status == .unauthorized)

            let wrong = try await APIClient(app: app).send(.POST, "/api/v1/auth/token", json: #"{"email":"hassan@test.se","password":"nope nope nope"}"#)
            #expect(wrong.status == .unauthorized)
            #expect(wrong.problem?.detail == "Fel e-postadress eller lösenord.")
        }
    }

    @Test("A browser session cookie does not open the API, and an API token does not open pages")
    func credentialsStayInTheirLane() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "anna@test.se", roles: [.admin])
            let browser = Browser(app)
            try await browser.signIn("anna@test.se")
            let token = try #require(browser.sessionToken)
            #expect(try await APIClient(app: app, token: token).send(.GET, "/api/v1/me").status == .unauthorized)
            let api = try await APIClient.signedIn(app, "anna@test.se")
            let page = Browser(app)
            page.cookies[Sessions.cookieName] = api.token
            #expect(try await page.get("/").status == .seeOther)
        }
    }

    @Test("Units are created, read and updated through the API, with versions guarding edits")
    func unitsThroughAPI() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "admin@test.se", roles: [.admin])
            let api = try await APIClient.signedIn(app, "admin@test.se")
            let created = try await api.send(.POST, "/api/v1/units", json: #"{"name":"Palliativa teamet","kind":"palliativeCare"}"#)
            #expect(created.status == .created)
            let unit = try created.content.decode(API.UnitOut.self)
            #expect(unit.version == 1)
            #expect(created.headers.first(name: .eTag) == "\"1\"")

            let fetched = try await api.send(.GET, "/api/v1/units/\(unit.id)")
            #expect(try fetched.content.decode(API.UnitOut.self).name == "Palliativa teamet")

            let updated = try await api.send(.PUT, "/api/v1/units/\(unit.id)", json: #"{"name":"Palliativt team","kind":"palliativeCare","active":false,"version":1}"#)
            #expect(updated.status == .ok)
            let after = try updated.content.decode(API.UnitOut.self)
            #expect(after.version == 2)
            #expect(after.active == false)

            let stale = try await api.send(.PUT, "/api/v1/units/\(unit.id)", json: #"{"name":"Krock","kind":"other","version":1}"#)
            #expect(stale.status == .conflict)
            #expect(stale.problem?.detail.contains("Någon annan har ändrat posten") == true)
            let list = try await api.send(.GET, "/api/v1/units")
            #expect(try list.content.decode([API.UnitOut].self).map(\.name) == ["Palliativt team"])
        }
    }

    @Test("Users are created, paged, read, updated, deactivated and reactivated through the API")
    func usersThroughAPI() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            let unit = try await makeUnit(app, in: organisation)
            try await makeUser(app, in: organisation, email: "admin@test.se", roles: [.admin])
            let api = try await APIClient.signedIn(app, "admin@test.se")
            let created = try await api.send(.POST, "/api/v1/users", json: """
            {"email":"karin@test.se","displayName":"Karin K","password":"en riktigt lång fras","roles":["consultant"],"unitIds":["\(try unit.requireID())"]}
            """)
            #expect(created.status == .created)
            let user = try created.content.decode(API.UserOut.self)
            #expect(user.roles == [.consultant])
            #expect(!created.body.string.contains("password"))

            let page = try await api.send(.GET, "/api/v1/users?page=1&per=1")
            let decoded = try page.content.decode(API.Page<API.UserOut>.self)
            #expect(decoded.total == 2)
            #expect(decoded.items.count == 1)

            let updated = try await api.send(.PUT, "/api/v1/users/\(user.id)", json: """
            {"email":"karin@test.se","displayName":"Karin Konsulent","roles":["consultant","strategist"],"version":1}
            """)
            #expect(updated.status == .ok)
            let after = try updated.content.decode(API.UserOut.self)
            #expect(after.displayName == "Karin Konsulent")
            #expect(Set(after.roles) == [.consultant, .strategist])
            #expect(after.unitIds.isEmpty)

            let deactivated = try await api.send(.POST, "/api/v1/users/\(user.id)/deactivate")
            #expect(try deactivated.content.decode(API.UserOut.self).active == false)
            let reactivated = try await api.send(.POST, "/api/v1/users/\(user.id)/reactivate")
            #expect(try reactivated.content.decode(API.UserOut.self).active == true)
        }
    }

    @Test("Bad input gets a 4xx with a clear message, never a 500, and nothing is saved")
    func badInputIsRefused() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "admin@test.se", roles: [.admin])
            var api = try await APIClient.signedIn(app, "admin@test.se")
            let cases: [(String, String?, HTTPMediaType?, HTTPStatus, String)] = [
                ("malformed JSON", #"{"name": "Hemtjänst", "kind": "#, .json, .badRequest, "inte giltig JSON"),
                ("not an object", #"["Hemtjänst"]"#, .json, .badRequest, "JSON-objekt"),
                ("unknown field", #"{"name":"Hemtjänst","kind":"homeCare","colour":"red"}"#, .json, .badRequest, "Okända fält: colour"),
                ("wrong type", #"{"name":42,"kind":"homeCare"}"#, .json, .badRequest, "Fältet name"),
                ("missing field", #"{"kind":"homeCare"}"#, .json, .badRequest, "Fältet name"),
                ("very long string", #"{"name":"\#(String(repeating: "å", count: 5000))","kind":"homeCare"}"#, .json, .unprocessableEntity, "för lång"),
                ("control characters", #"{"name":"Hem\u0007tjänst","kind":"homeCare"}"#, .json, .unprocessableEntity, "tecken som inte går att spara"),
                ("unknown enum", #"{"name":"Hemtjänst","kind":"spaceship"}"#, .json, .unprocessableEntity, "Välj en typ"),
                ("no body", nil, .json, .badRequest, "saknar innehåll"),
                ("form instead of JSON", "name=Hemtjänst", .urlEncodedForm, .unsupportedMediaType, "application/json"),
            ]
            for (label, body, type, status, message) in cases {
                let response = try await api.send(.POST, "/api/v1/units", json: body ?? "", contentType: type)
                #expect(response.status == status, "\(label)")
                #expect(response.headers.contentType?.description.hasPrefix("application/problem+json") == true, "\(label)")
                // The detail says what is wrong overall; `errors` names each field and its problem.
                let problem = response.problem
                let text = ([problem?.detail ?? ""] + (problem?.errors ?? []).map { "\($0.field): \($0.message)" }).joined(separator: " | ")
                #expect(text.contains(message), "\(label): \(text)")
            }
            let tooLarge = try await api.send(.POST, "/api/v1/units", json: #"{"name":"\#(String(repeating: "x", count: 300_000))","kind":"other"}"#)
            #expect(tooLarge.status == .payloadTooLarge)
            #expect(tooLarge.problem?.status == 413)

            api.language = "en"
            let english = try await api.send(.POST, "/api/v1/units", json: #"{"name":"x","kind":"homeCare","extra":1}"#)
            #expect(english.problem?.detail == "Unknown fields: extra.")
            let notFound = try await api.send(.GET, "/api/v1/units/not-a-uuid")
            #expect(notFound.status == .notFound)
            let noRoute = try await api.send(.GET, "/api/v1/nothing-here")
            #expect(noRoute.status == .notFound)
            #expect(noRoute.problem != nil)
            #expect(try await Unit.query(on: app.db).count() == 0)
        }
    }

    @Test("An oversized form gets 413 as a page, not a crash")
    func oversizedForm() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "admin@test.se", roles: [.admin])
            let browser = Browser(app)
            try await browser.signIn("admin@test.se")
            try await browser.get("/admin/units/new")
            let response = try await browser.post("/admin/units", form: [("name", String(repeating: "x", count: 400_000)), ("kind", "other")])
            #expect(response.status == .payloadTooLarge)
            #expect(response.body.string.contains("För mycket data"))
        }
    }
}
