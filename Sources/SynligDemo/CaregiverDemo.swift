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
        try await groupSupport(consultant: consultant, organisationID: organisationID, offerings: offerings, on: db)
    }

    /// A support group met a week ago with two caregivers signed up, one present and one not,
    /// and meets again next week: planned, signed up and marked through the service a user calls.
    static func groupSupport(consultant: CurrentUser, organisationID: UUID, offerings: [SupportKind: UUID], on db: any Database) async throws {
        guard let offering = offerings[.supportGroup] else { return }
        let today = CalendarDate.today()
        let planned = today.addingDays(-14), held = today.addingDays(-7)
        let occasion = try await GroupSupportService.createOccasion(
            OccasionInput(offeringId: offering.uuidString, heldOn: held.iso, startsAt: "18:00"), by: consultant, on: db, today: planned)
        let caregivers = try await Caregiver.scoped(to: organisationID, on: db).sort(\.$name).limit(2).all()
        for (index, caregiver) in caregivers.enumerated() {
            let signUp = try await GroupSupportService.signUp(occasionID: try occasion.requireID(), caregiverID: caregiver.id,
                                                              by: consultant, on: db, today: planned)
            _ = try await GroupSupportService.mark(signUpID: try signUp.requireID(), attendance: (index == 0 ? GroupAttendance.present : .absent).rawValue,
                                                   by: consultant, on: db, today: held)
        }
        _ = try await GroupSupportService.createOccasion(
            OccasionInput(offeringId: offering.uuidString, heldOn: today.addingDays(7).iso, startsAt: "18:00"), by: consultant, on: db, today: today)
    }
}
