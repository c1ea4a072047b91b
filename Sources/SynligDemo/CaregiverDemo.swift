import Fluent
import SynligApp
import SynligCore
import Vapor

/// Exempelkommun's caregiver record: about 300 synthetic caregivers and 260 people they care
/// for, with consent, restrictions, follow-ups over two and a half years and a worklist for
/// every demo user who works with caregivers.
///
/// The story is drawn up front (`CaregiverDemoCast`) and played through the services in one
/// transaction, each change by the demo user who would make it.
enum CaregiverDemo {
    static let randomSeed: UInt64 = 1947

    static func seed(_ app: Application, on db: any Database, organisationID: UUID) async throws {
        let users = try await User.scoped(to: organisationID, on: db).with(\.$roles).with(\.$unitMemberships).sort(\.$email).all()
        var actors: [Role: CurrentUser] = [:]
        for user in users {
            for role in user.roles.map(\.role).sorted() where actors[role] == nil {
                actors[role] = CurrentUser(id: try user.requireID(), organisationID: organisationID, organisationName: DemoSeeder.organisationName,
                                           organisationIsDemo: true, displayName: user.displayName, email: user.email, roles: [role],
                                           unitIDs: Set(user.unitMemberships.map { $0.$unit.id }), sessionID: UUID(), csrfToken: "")
            }
        }
        guard let consultant = actors[.consultant] else { return }
        let units = try await SynligApp.Unit.scoped(to: organisationID, on: db).sort(\.$name).all()
        let unitIDs = Dictionary(uniqueKeysWithValues: try units.map { ($0.name, try $0.requireID()) })
        let unitNames = Dictionary(uniqueKeysWithValues: unitIDs.map { ($0.value, $0.key) })
        let workers = [Role.staff, .caseOfficer].compactMap { role in
            actors[role].map { CaregiverDemoCast.Worker(role: role, units: $0.unitIDs.compactMap { unitNames[$0] }.sorted()) }
        }
        var offerings: [SupportKind: UUID] = [:]
        for offering in try await SupportOffering.scoped(to: organisationID, on: db).sort(\.$name).all() where offerings[offering.kind] == nil {
            offerings[offering.kind] = try offering.requireID()
        }
        let instruments = ScreeningInstruments.all(app)
        let instrument = instruments.first { $0.id == "synlig-risk-factors" } ?? instruments.first
        let cast = CaregiverDemoCast.make(today: .today(), units: units.map { ($0.name, $0.kind) }, workers: workers,
                                          instrument: instrument, seed: randomSeed)
        var play = CaregiverDemoPlay(tx: db, consultant: consultant, actors: actors, unitIDs: unitIDs,
                                     offerings: offerings, instrument: instrument)
        for index in cast.caregivers.indices { try await play.play(caregiver: index, of: cast) }
        try await CoordinatedPlanDemo.seed(relationships: play.relationships, consultant: consultant, on: db)
    }
}
