import Fluent
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

/// A municipality with two units, a strategist, a respondent, a viewer and a staff member.
struct MappingWorld {
    var organisation: Organisation
    var homeCare: Unit
    var palliative: Unit
    var strategist: User
    var respondent: User

    static func make(_ app: Application, code: String = "0180") async throws -> MappingWorld {
        let organisation = try await makeOrganisation(app, code: code)
        let homeCare = try await makeUnit(app, in: organisation, name: "Hemtjänst Norra")
        let palliative = try await makeUnit(app, in: organisation, name: "Palliativa teamet", kind: .palliativeCare)
        let strategist = try await makeUser(app, in: organisation, email: "strateg\(code)@test.se", roles: [.strategist])
        let respondent = try await makeUser(app, in: organisation, email: "chef\(code)@test.se", roles: [.staff], units: [homeCare])
        try await makeUser(app, in: organisation, email: "politiker\(code)@test.se", roles: [.viewer])
        return MappingWorld(organisation: organisation, homeCare: homeCare, palliative: palliative, strategist: strategist, respondent: respondent)
    }

    func strategistUser(_ app: Application) async throws -> CurrentUser {
        try await currentUser(app, strategist)
    }
}

/// The signed-in view of a user, for arranging through the services directly.
func currentUser(_ app: Application, _ user: User) async throws -> CurrentUser {
    let session = AuthSession(tokenHash: UUID().uuidString, userID: try user.requireID(), organisationID: user.organisationID,
                              kind: .api, csrfToken: "", now: Date())
    try await session.create(on: app.db)
    return try #require(try await CurrentUser.load(session: session, on: app.db))
}

/// An open unit-scoped mapping with one invited respondent (home care) and one workshop (palliative care).
func makeOpenMapping(_ app: Application, _ world: MappingWorld, title: String = "Kartläggning 2026",
                     start: String = "2026-09-01", end: String = "2026-10-31") async throws -> (Mapping, MappingResponse, MappingResponse) {
    let strategist = try await world.strategistUser(app)
    let mapping = try await MappingService.create(
        MappingInput(title: title, periodStart: start, periodEnd: end, scope: "units",
                     unitIDs: [try world.homeCare.requireID().uuidString, try world.palliative.requireID().uuidString],
                     bankID: nil, responsibleUserID: nil),
        by: strategist, on: app.db)
    let id = try mapping.requireID()
    _ = try await MappingService.changeStatus(id, to: .open, by: strategist, on: app.db)
    let invited = try await MappingService.addResponse(to: id, kind: .individual, respondentID: try world.respondent.requireID(),
                                                       unitID: try world.homeCare.requireID(), participants: nil, by: strategist, on: app.db)
    let workshop = try await MappingService.addResponse(to: id, kind: .workshop, respondentID: nil, unitID: try world.palliative.requireID(),
                                                        participants: "Eva (sjuksköterska), Olle (läkare)", by: strategist, on: app.db)
    return (mapping, invited, workshop)
}
