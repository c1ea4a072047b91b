import Fluent
import Foundation
import SynligCore
import Testing
import Vapor
@testable import SynligApp

/// A municipality's crisis list in small: Anna may be called (consent, no restriction), Bo is
/// restricted from involvement, Cia's person has given no consent, Eva helps with paperwork and
/// is not on the list, and in another municipality Frida cares for someone at home.
struct CrisisWorld {
    let world: RecordWorld
    let other: RecordWorld
    let admin: CurrentUser
    let anna: Caregiver
    let bo: Caregiver
    let cia: Caregiver
    let eva: Caregiver
    let frida: Caregiver

    static let annaPhone = "070-111 11 11"
    /// Bo's phone in every form it could be written in: none may appear in any output.
    static let boPhoneForms = ["070-222 22 22", "0702222222", "+46702222222", "70-222 22 22"]
    static let boAddress = "Hemlighetsgatan 7"
    static let boPlan = "Bos nödplan: ring grannen"
    static let ciaPhoneForms = ["070-333 33 33", "+46703333333"]

    static func make(_ app: Application) async throws -> CrisisWorld {
        let world = try await RecordWorld.make(app)
        let other = try await RecordWorld.make(app, name: "Grannkommun", code: "0181")
        let admin = try await currentUser(app, try await makeUser(app, in: world.organisation, email: "admin@0180.test.se", roles: [.admin]))

        let (anna, _, annaLink) = try await person(app, world, "Anna Åberg", phone: annaPhone, address: "Storgatan 1, Norrby",
                                                   caring: "Sven Åberg", in: world.unitA, together: true, .from20to34, [.personalCare])
        try await world.consent(app, annaLink, [.careAndServices, .healthCondition])
        _ = try await FollowUpService.savePlan(caregiverID: try anna.requireID(), PlanInput(
            outcomes: "Orka fortsätta", emergencyPlan: "Ring hemtjänstens larmnummer; dottern kan komma inom en timme.",
            futurePlan: "Korttidsboende om Anna blir sjuk.", reviewOn: CalendarDate.today().addingMonths(6).iso), by: world.consultant, on: app.db)

        let (bo, _, boLink) = try await person(app, world, "Bo Ek", phone: boPhoneForms[0], address: boAddress,
                                               caring: "Gun Ek", in: world.unitA, together: false, .from35to49, [.supervision])
        try await world.consent(app, boLink, ConsentCategory.allCases)
        _ = try await FollowUpService.savePlan(caregiverID: try bo.requireID(), PlanInput(
            outcomes: "Stöd", emergencyPlan: boPlan, reviewOn: CalendarDate.today().addingMonths(6).iso), by: world.consultant, on: app.db)
        _ = try await world.restrict(app, boLink, by: world.consultant)

        let (cia, _, _) = try await person(app, world, "Cia Lund", phone: ciaPhoneForms[0], address: "Lundvägen 3",
                                           caring: "Dan Lund", in: world.unitB, together: false, .from10to19, [.practicalHelp])
        let (eva, _, evaLink) = try await person(app, world, "Eva Papper", phone: "070-444 44 44", address: "",
                                                 caring: "Erik Papper", in: world.unitA, together: false, .under5, [.economicAdministrative])
        try await world.consent(app, evaLink, ConsentCategory.allCases)
        let (frida, _, fridaLink) = try await person(app, other, "Frida Främling", phone: "070-555 55 55", address: "Bortavägen 9",
                                                     caring: "Fritz Främling", in: other.unitA, together: true, .from50, [.personalCare])
        try await other.consent(app, fridaLink, ConsentCategory.allCases)
        return CrisisWorld(world: world, other: other, admin: admin, anna: anna, bo: bo, cia: cia, eva: eva, frida: frida)
    }

    static func person(_ app: Application, _ world: RecordWorld, _ name: String, phone: String, address: String, caring recipientName: String,
                       in unit: Unit, together: Bool, _ hours: HoursBand, _ tasks: [CareTask]) async throws -> (Caregiver, CareRecipient, CareRelationship) {
        let caregiver = try await CaregiverService.save(nil, CaregiverInput(
            name: name, phone: phone, address: address, preferredLanguage: "sv", interpreterNeed: InterpreterNeed.no.rawValue),
            by: world.consultant, on: app.db)
        let recipient = try await world.recipient(app, recipientName, units: [unit])
        let relationship = try await CaregiverService.saveRelationship(
            nil, caregiverID: caregiver.id, recipientID: recipient.id,
            RelationshipInput(relation: RelationKind.partner.rawValue, livesTogether: together, hoursBand: hours.rawValue,
                              tasks: tasks.map(\.rawValue), coordinatedContacts: "", carriesCoordination: false),
            by: world.consultant, on: app.db)
        return (caregiver, recipient, relationship)
    }
}
