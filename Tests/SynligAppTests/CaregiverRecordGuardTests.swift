import Fluent
import Foundation
import SynligCore
import Testing
import Vapor
@testable import SynligApp

/// Guards against ways a follow-up could be lost or a person fall out of sight.
@Suite("CaregiverRecord guards")
struct CaregiverRecordGuardTests {
    @Test("A recurring follow-up cannot be ticked off by hand; it is done by doing it, which schedules the next")
    func recurringTasksAreDoneByDoing() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let caregiver = try await world.register(app, "Lena Holm")
            let question = try #require(try await openTasks(app, .voluntarinessFollowUp, of: caregiver).first)
            let error = await refusal { try await CaregiverTaskService.markDone(try question.requireID(), by: world.consultant, on: app.db) }
            #expect(error?.messageKey == "caregiver.task_done_by_doing")
            #expect(try await openTasks(app, .voluntarinessFollowUp, of: caregiver).count == 1)
        }
    }

    @Test("Keeping a restriction at its review sets a new review date and moves the review task; staff cannot")
    func restrictionReview() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let (caregiver, _, relationship) = try await world.pair(app, "Mats Berg", caring: "Olle Berg", in: world.unitA)
            let restriction = try await world.restrict(app, relationship, by: world.consultant)
            let id = try restriction.requireID()
            let later = CalendarDate.today().addingMonths(6)
            let staffError = await refusal { try await ConsentService.review(restrictionID: id, reviewOn: later.iso, by: world.staffA, on: app.db) }
            #expect(staffError?.status == .forbidden)
            let pastError = await refusal { try await ConsentService.review(restrictionID: id, reviewOn: "2020-01-01", by: world.consultant, on: app.db) }
            #expect(pastError?.fieldProblems.map(\.field) == ["reviewOn"])
            try await ConsentService.review(restrictionID: id, reviewOn: later.iso, by: world.consultant, on: app.db)
            #expect(try await InvolvementRestriction.find(id, on: app.db)?.reviewOn == later.iso)
            let tasks = try await openTasks(app, .restrictionReview, of: caregiver)
            #expect(tasks.map(\.dueOn) == [later.iso])
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "restriction.review").count() == 1)
        }
    }

    @Test("One personnummer, one caregiver: registering the same number twice is refused")
    func duplicateNumber() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            try await world.register(app, "Åsa Öberg", pin: "19121212-1212")
            let error = await refusal { try await world.register(app, "Åsa Öberg igen", pin: "191212121212") }
            #expect(error?.fieldProblems == [.init(field: "personalIdentityNumber", messageKey: "caregiver.pin_exists")])
            // Another organisation keeps its own register.
            let other = try await RecordWorld.make(app, name: "Annan kommun", code: "0181")
            try await other.register(app, "Åsa Öberg", pin: "19121212-1212")
        }
    }

    @Test("Staff with several units must choose one, or they would register someone they cannot see")
    func severalUnitsMustChoose() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let both = try await currentUser(app, try await makeUser(app, in: world.organisation, email: "bada@test.se", roles: [.caseOfficer],
                                                                     units: [world.unitA, world.unitB]))
            let error = await refusal { try await world.register(app, "Nils Ny", by: both) }
            #expect(error?.fieldProblems.map(\.field) == ["unitId"])
            #expect(try await Caregiver.query(on: app.db).count() == 0)
        }
    }

    @Test("Staff editing a shared person change only their own unit's responsibility; the other unit keeps sight")
    func sharedRecipientKeepsOtherUnits() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let recipient = try await world.recipient(app, "Greta Delad", units: [world.unitA, world.unitB])
            _ = try await CaregiverService.saveRecipient(recipient.id, RecipientInput(name: "Greta Delad", unitIds: [try world.unitA.requireID().uuidString],
                                                                                      patientContract: false, version: 1),
                                                         by: world.staffA, on: app.db)
            let units = Set(try await CareRecipientUnit.query(on: app.db).filter(\.$recipientID == recipient.requireID()).all(\.$unitID))
            #expect(units == [try world.unitA.requireID(), try world.unitB.requireID()])
            _ = try await CaregiverAccess.recipient(recipient.id, for: world.caseOfficerB, on: app.db)
        }
    }

    @Test("A screening entered afterwards for an earlier day keeps the schedule and the trend on the latest result")
    func backdatedScreening() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let caregiver = try await world.register(app, "Rut Ek")
            let instrument = try #require(ScreeningInstruments.all(app).first)
            func answers(_ pick: (ScreeningInstrument.Item) -> String) -> [String: String] {
                Dictionary(uniqueKeysWithValues: instrument.items.map { ($0.id, pick($0)) })
            }
            let low = answers { item in item.options.min { $0.points < $1.points }!.value }
            let today = CalendarDate.today()
            _ = try await FollowUpService.screen(caregiverID: try caregiver.requireID(), instrument: instrument, answers: low,
                                                 screenedOn: today.iso, by: world.consultant, on: app.db)
            _ = try await FollowUpService.screen(caregiverID: try caregiver.requireID(), instrument: instrument, answers: low,
                                                 screenedOn: today.addingMonths(-3).iso, by: world.consultant, on: app.db)
            let next = try await openTasks(app, .screening, of: caregiver)
            #expect(next.map(\.dueOn) == [today.addingMonths(12).iso])
        }
    }
}
