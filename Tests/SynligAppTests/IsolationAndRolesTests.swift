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

    /// Every route with an `:id`, as a path with `id` (and any other parameter) filled in.
    static func idRoutes(_ app: Application) -> [(method: HTTPMethod, path: (UUID) -> String, api: Bool)] {
        app.routes.all.compactMap { route in
            let hasID = route.path.contains { if case .parameter("id") = $0 { true } else { false } }
            guard hasID else { return nil }
            let components = route.path
            let api = components.first?.description == "api"
            return (route.method, { id in
                "/" + components.map { component -> String in
                    if case .parameter = component { return id.uuidString }
                    return component.description
                }.joined(separator: "/")
            }, api)
        }
    }

    @Test("A referral is the only door: after one crosses, the receiver gets what an unknown id gets on every other route, and the sender cannot read the receiver's record")
    func referralIsTheOnlyDoor() async throws {
        try await withSynlig { app in
            let world = try await ReferralWorld.make(app)
            let (sent, referral) = try await world.refer(app, [.contactDetails, .careSituation])
            let karin = try await APIClient.signedIn(app, ReferralWorld.consultantEmail)
            let created = try await karin.send(.POST, "/api/v1/referrals/received/\(try referral.requireID())/caregiver", json: "{}")
                .decoded(API.CaregiverOut.self)
            let routes = Self.idRoutes(app)
            #expect(routes.count > 50)

            /// Every id route, as `email` in the browser and the API: the answer for each of `ids`
            /// is the one a made-up id gets, and never a success or a redirect.
            func probe(_ email: String, _ ids: [UUID], secrets: [String]) async throws {
                let browser = Browser(app)
                try await browser.signIn(email)
                _ = try await browser.get("/")
                let api = try await APIClient.signedIn(app, email)
                for route in routes {
                    func send(_ id: UUID) async throws -> TestingHTTPResponse {
                        let path = route.path(id)
                        if route.api {
                            let body: String? = route.method == .GET || route.method == .DELETE ? nil : "{}"
                            return try await app.testing().sendRequest(route.method, path, headers: [
                                "Authorization": "Bearer \(api.token ?? "")", "Content-Type": "application/json"],
                                body: body.map { ByteBuffer(string: $0) })
                        }
                        return route.method == .GET ? try await browser.get(path) : try await browser.post(path, form: [])
                    }
                    let unknown = try await send(UUID()).status
                    for id in ids {
                        let response = try await send(id)
                        let label = "\(route.method) \(route.path(id)) as \(email)"
                        #expect(response.status == unknown, "\(label): \(response.status) where an unknown id gets \(unknown)")
                        #expect(response.status.code >= 400, "\(label) answers \(response.status)")
                        for secret in secrets { #expect(!response.body.string.contains(secret), "\(label) shows \(secret)") }
                    }
                }
            }
            // The municipality's consultant, who sees her whole organisation, and the region's rows.
            try await probe(ReferralWorld.consultantEmail,
                            [try world.lena.requireID(), try world.gosta.requireID(), try world.relationship.requireID(), try sent.requireID()],
                            secrets: ["Gösta", "Storgatan", "hjärtsjukdom"])
            // The region's nurse and consultant, and the municipality's record and referral.
            for email in [ReferralWorld.nurseEmail, ReferralWorld.regionConsultantEmail] {
                try await probe(email, [created.id, try referral.requireID()], secrets: [])
            }
            // The door itself still works for the receiver.
            #expect(try await karin.send(.GET, "/api/v1/referrals/received/\(try referral.requireID())").status == .ok)
        }
    }
}
