import Fluent
import Foundation
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

/// A municipality with two units and a person in each role the caregiver record knows about.
/// Karin is the consultant and sees everyone; Pia works in unit A and Hassan in unit B and see
/// only the people linked to their unit; Sara (strategist) and Per (viewer) see no person.
struct RecordWorld {
    let organisation: Organisation
    let unitA: Unit
    let unitB: Unit
    let consultant: CurrentUser
    let staffA: CurrentUser
    let caseOfficerB: CurrentUser
    let strategist: CurrentUser
    let viewer: CurrentUser

    static func make(_ app: Application, name: String = "Testkommun", code: String = "0180") async throws -> RecordWorld {
        let organisation = try await makeOrganisation(app, name: name, code: code)
        let unitA = try await makeUnit(app, in: organisation, name: "Hemtjänst Norra")
        let unitB = try await makeUnit(app, in: organisation, name: "Socialpsykiatri", kind: .socialPsychiatry)
        func user(_ local: String, _ roles: Set<Role>, _ units: [Unit] = []) async throws -> CurrentUser {
            try await currentUser(app, try await makeUser(app, in: organisation, email: "\(local)@\(code).test.se", roles: roles, units: units))
        }
        return RecordWorld(
            organisation: organisation, unitA: unitA, unitB: unitB,
            consultant: try await user("karin", [.consultant]),
            staffA: try await user("pia", [.staff], [unitA]),
            caseOfficerB: try await user("hassan", [.caseOfficer], [unitB]),
            strategist: try await user("sara", [.strategist]),
            viewer: try await user("per", [.viewer]))
    }

    @discardableResult
    func register(_ app: Application, _ name: String, pin: String? = nil, by user: CurrentUser? = nil,
                  today: CalendarDate = .today()) async throws -> Caregiver {
        try await CaregiverService.save(nil, CaregiverInput(name: name, personalIdentityNumber: pin, preferredLanguage: "sv",
                                                            interpreterNeed: InterpreterNeed.no.rawValue),
                                        by: user ?? consultant, on: app.db, today: today)
    }

    func recipient(_ app: Application, _ name: String, units: [Unit], careContact: String = "") async throws -> CareRecipient {
        try await CaregiverService.saveRecipient(nil, RecipientInput(name: name, unitIds: try units.map { try $0.requireID().uuidString },
                                                                     fixedCareContact: careContact, patientContract: false),
                                                 by: consultant, on: app.db)
    }

    func link(_ app: Application, _ caregiver: Caregiver, _ recipient: CareRecipient, contacts: [String] = [],
              today: CalendarDate = .today()) async throws -> CareRelationship {
        try await CaregiverService.saveRelationship(
            nil, caregiverID: caregiver.id, recipientID: recipient.id,
            RelationshipInput(relation: RelationKind.parent.rawValue, livesTogether: false, hoursBand: HoursBand.from10to19.rawValue,
                              tasks: [CareTask.practicalHelp.rawValue], coordinatedContacts: contacts.joined(separator: "\n"),
                              carriesCoordination: false),
            by: consultant, on: app.db, today: today)
    }

    /// A caregiver of a person in `unit`, linked and ready for consent.
    func pair(_ app: Application, _ caregiverName: String, caring recipientName: String, in unit: Unit,
              careContact: String = "") async throws -> (Caregiver, CareRecipient, CareRelationship) {
        let caregiver = try await register(app, caregiverName)
        let recipient = try await recipient(app, recipientName, units: [unit], careContact: careContact)
        return (caregiver, recipient, try await link(app, caregiver, recipient))
    }

    @discardableResult
    func consent(_ app: Application, _ relationship: CareRelationship, _ categories: [ConsentCategory],
                 by user: CurrentUser? = nil) async throws -> ConsentRecord {
        try await ConsentService.record(
            relationshipID: try relationship.requireID(),
            ConsentInput(kind: ConsentEntryKind.consent.rawValue, categories: categories.map(\.rawValue), form: ConsentForm.oral.rawValue,
                         date: CalendarDate.today().iso),
            by: user ?? consultant, on: app.db)
    }

    func withdraw(_ app: Application, _ relationship: CareRelationship) async throws {
        _ = try await ConsentService.record(relationshipID: try relationship.requireID(),
                                            ConsentInput(kind: ConsentEntryKind.withdrawal.rawValue, categories: [], date: CalendarDate.today().iso),
                                            by: consultant, on: app.db)
    }

    func invite(_ app: Application, _ relationship: CareRelationship) async throws -> MeetingInvitation {
        try await ConsentService.invite(relationshipID: try relationship.requireID(),
                                        InvitationInput(kind: MeetingKind.coordinatedPlan.rawValue,
                                                        meetingOn: CalendarDate.today().addingDays(10).iso),
                                        by: consultant, on: app.db)
    }

    func restrict(_ app: Application, _ relationship: CareRelationship, by user: CurrentUser) async throws -> InvolvementRestriction {
        try await ConsentService.restrict(relationshipID: try relationship.requireID(),
                                          RestrictionInput(reason: RestrictionReason.suspectedViolence.rawValue, note: "Orosanmälan inkommen",
                                                           decidedOn: CalendarDate.today().iso,
                                                           reviewOn: CalendarDate.today().addingMonths(3).iso),
                                          by: user, on: app.db)
    }
}

/// The error an action was refused with, or nil when it went through.
func refusal<T>(_ work: () async throws -> T, sourceLocation: SourceLocation = #_sourceLocation) async -> SynligError? {
    do {
        _ = try await work()
        return nil
    } catch let error as SynligError {
        return error
    } catch {
        Issue.record("expected a SynligError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

func openTasks(_ app: Application, _ kind: CaregiverTaskKind, of caregiver: Caregiver) async throws -> [CaregiverTask] {
    try await CaregiverTask.query(on: app.db).filter(\.$caregiverID == caregiver.requireID()).filter(\.$kind == kind)
        .filter(\.$open == true).all()
}

func auditActions(_ app: Application) async throws -> [String] {
    try await AuditEvent.query(on: app.db).sort(\.$sequence).all().map(\.action)
}

extension RecordWorld {
    /// The shipped instrument, or a small one built here when the file is not in place.
    static func instrument(_ app: Application) throws -> ScreeningInstrument {
        if let shipped = ScreeningInstruments.all(app).first(where: { $0.id == "synlig-risk-factors" }) { return shipped }
        let json = #"""
        {"id":"test-screen","version":1,"name":{"sv":"Test","en":"Test"},"source":{"sv":"Test","en":"Test"},
         "licence":{"sv":"Test","en":"Test"},"validated":false,
         "items":[{"id":"hours","text":{"sv":"Timmar","en":"Hours"},"options":[{"value":"few","label":{"sv":"Få","en":"Few"},"points":0},
                                                                               {"value":"many","label":{"sv":"Många","en":"Many"},"points":2}]},
                  {"id":"alone","text":{"sv":"Ensam","en":"Alone"},"options":[{"value":"no","label":{"sv":"Nej","en":"No"},"points":0},
                                                                             {"value":"yes","label":{"sv":"Ja","en":"Yes"},"points":2}]}],
         "thresholds":[{"minScore":0,"level":"low"},{"minScore":2,"level":"raised"},{"minScore":4,"level":"high"}]}
        """#
        return try JSONDecoder().decode(ScreeningInstrument.self, from: Data(json.utf8))
    }
}
