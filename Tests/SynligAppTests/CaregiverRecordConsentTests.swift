import Fluent
import Foundation
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

@Suite("The caregiver record: consent, restrictions and signals")
struct CaregiverRecordConsentTests {
    @Test("Consent decides what may be shared: partial consent allows health, not planning; withdrawal takes effect; history is kept")
    func consentScopeAndWithdrawal() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let (_, _, relationship) = try await world.pair(app, "Lena Nilsson", caring: "Gösta Nilsson", in: world.unitA)
            #expect(try await CaregiverAccess.permission(for: relationship, on: app.db).consent == .nothing)
            #expect(await refusal { try await world.invite(app, relationship) }?.messageKey == "invitation.no_consent")

            try await world.consent(app, relationship, [.healthCondition])
            let partial = try await CaregiverAccess.permission(for: relationship, on: app.db)
            #expect(partial.consent.allows(.healthCondition))
            #expect(!partial.consent.allows(.planningAndMeetings))
            #expect(!partial.mayInformAboutCare)
            let noConsent = await refusal { try await world.invite(app, relationship) }
            #expect(noConsent?.status == .conflict)
            #expect(noConsent?.messageKey == "invitation.no_consent")
            #expect(try await MeetingInvitation.query(on: app.db).count() == 0)

            // A written consent names where the document is kept.
            let undocumented = await refusal {
                try await ConsentService.record(relationshipID: try relationship.requireID(),
                                                ConsentInput(kind: "consent", categories: ["planningAndMeetings"], form: "written",
                                                             date: CalendarDate.today().iso),
                                                by: world.consultant, on: app.db)
            }
            #expect(undocumented?.fieldProblems.map(\.field) == ["documentReference"])

            try await world.consent(app, relationship, [.healthCondition, .careAndServices, .planningAndMeetings])
            #expect(try await CaregiverAccess.permission(for: relationship, on: app.db).consent.isFull)
            let invitation = try await world.invite(app, relationship)
            #expect(invitation.attendance == .notYetHeld)

            try await world.withdraw(app, relationship)
            let withdrawn = try await CaregiverAccess.permission(for: relationship, on: app.db)
            #expect(withdrawn.consent.basis == .withdrawn)
            #expect(await refusal { try await world.invite(app, relationship) }?.messageKey == "invitation.no_consent")
            #expect(try await MeetingInvitation.query(on: app.db).count() == 1)

            let history = try await ConsentRecord.query(on: app.db).filter(\.$relationshipID == relationship.requireID()).sort(\.$sequence).all()
            #expect(history.map(\.kind) == [.consent, .consent, .withdrawal])
            #expect(history.map(\.sequence) == [1, 2, 3])
            #expect(history[0].categories == [.healthCondition])
            #expect(history[1].categories == Set(ConsentCategory.allCases))
            #expect(history.allSatisfy { $0.documentedBy == world.consultant.id })
            let actions = try await auditActions(app)
            #expect(actions.filter { $0 == "consent.consent" }.count == 2)
            #expect(actions.filter { $0 == "consent.withdrawal" }.count == 1)
            #expect(actions.filter { $0 == "invitation.create" }.count == 1)
        }
    }

    @Test("A harm assessment that allows disclosure stands in for consent; one that finds harm allows nothing")
    func harmAssessment() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let (_, _, relationship) = try await world.pair(app, "Olle Svensson", caring: "Ingrid Svensson", in: world.unitA)
            let missingDecider = await refusal {
                try await ConsentService.record(relationshipID: try relationship.requireID(),
                                                ConsentInput(kind: "harmAssessment", categories: ["planningAndMeetings"], harmDecision: "mayDisclose",
                                                             date: CalendarDate.today().iso),
                                                by: world.consultant, on: app.db)
            }
            #expect(missingDecider?.fieldProblems.map(\.field) == ["decidedBy"])
            _ = try await ConsentService.record(relationshipID: try relationship.requireID(),
                                                ConsentInput(kind: "harmAssessment", categories: ["planningAndMeetings"], harmDecision: "mayDisclose",
                                                             decidedBy: "Enhetschef Biståndsenheten", date: CalendarDate.today().iso),
                                                by: world.consultant, on: app.db)
            #expect(try await CaregiverAccess.permission(for: relationship, on: app.db).mayInvite)
            _ = try await ConsentService.record(relationshipID: try relationship.requireID(),
                                                ConsentInput(kind: "harmAssessment", categories: [], harmDecision: "mayNotDisclose",
                                                             decidedBy: "Enhetschef Biståndsenheten", date: CalendarDate.today().iso),
                                                by: world.consultant, on: app.db)
            let permission = try await CaregiverAccess.permission(for: relationship, on: app.db)
            #expect(permission.consent.basis == .harmFound)
            #expect(!permission.mayInvite)
            #expect(try await auditActions(app).filter { $0 == "consent.harmAssessment" }.count == 2)
        }
    }

    @Test("A restriction blocks invitations even with full consent; only a consultant or case officer lifts it, with a reason, and its review task closes")
    func restrictionBlocksAndIsLifted() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let (caregiver, _, relationship) = try await world.pair(app, "Jonas Holm", caring: "Eva Holm", in: world.unitA)
            try await world.consent(app, relationship, ConsentCategory.allCases)
            // Staff who notice violence may flag it.
            let restriction = try await world.restrict(app, relationship, by: world.staffA)
            let restrictionID = try restriction.requireID()
            let permission = try await CaregiverAccess.permission(for: relationship, on: app.db)
            #expect(permission.restricted)
            #expect(!permission.mayInvite)
            #expect(!permission.mayExportContact)
            #expect(!permission.mayInformAboutCare)
            let blocked = await refusal { try await world.invite(app, relationship) }
            #expect(blocked?.status == .conflict)
            #expect(blocked?.messageKey == "invitation.restricted")
            #expect(await refusal { try await world.restrict(app, relationship, by: world.consultant) }?.messageKey == "restriction.exists")

            let review = try await openTasks(app, .restrictionReview, of: caregiver)
            #expect(review.count == 1)
            #expect(review.first?.subjectID == restrictionID)
            #expect(review.first?.dueOn == CalendarDate.today().addingMonths(3).iso)

            let byStaff = await refusal { try await ConsentService.lift(restrictionID: restrictionID, reason: "Utrett", by: world.staffA, on: app.db) }
            #expect(byStaff?.status == .forbidden)
            let noReason = await refusal { try await ConsentService.lift(restrictionID: restrictionID, reason: "  ", by: world.consultant, on: app.db) }
            #expect(noReason?.status == .unprocessableEntity)
            #expect(noReason?.fieldProblems.map(\.field) == ["liftReason"])
            #expect(try await InvolvementRestriction.find(restrictionID, on: app.db)?.isActive == true)
            #expect(await refusal { try await world.invite(app, relationship) }?.messageKey == "invitation.restricted")

            try await ConsentService.lift(restrictionID: restrictionID, reason: "Utredningen visade ingen grund för oron", by: world.consultant, on: app.db)
            let lifted = try #require(try await InvolvementRestriction.find(restrictionID, on: app.db))
            #expect(!lifted.isActive)
            #expect(lifted.liftedBy == world.consultant.id)
            #expect(lifted.liftedReason == "Utredningen visade ingen grund för oron")
            #expect(try await openTasks(app, .restrictionReview, of: caregiver).isEmpty)
            #expect(try await CaregiverTask.query(on: app.db).filter(\.$subjectID == restrictionID).first()?.doneAt != nil)
            _ = try await world.invite(app, relationship)
            #expect(await refusal { try await ConsentService.lift(restrictionID: restrictionID, reason: "Igen", by: world.consultant, on: app.db) }?
                .messageKey == "restriction.lifted_already")

            let events = try await AuditEvent.query(on: app.db).filter(\.$recordID == restrictionID.uuidString).sort(\.$sequence).all()
            #expect(events.map(\.action) == ["restriction.create", "restriction.lift"])
            #expect(events.map(\.actorUserID) == [world.staffA.id, world.consultant.id])
        }
    }

    @Test("A new fixed care contact asks to inform only the caregivers whose consent covers care and who are not restricted")
    func fixedCareContactChange() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let recipient = try await world.recipient(app, "Gösta Lind", units: [world.unitA], careContact: "Sjuksköterska Anna Berg")
            let informed = try await world.register(app, "Eva Lind")
            let healthOnly = try await world.register(app, "Per Lind")
            let restricted = try await world.register(app, "Olof Lind")
            let noConsent = try await world.register(app, "Stina Lind")
            let relationships = [
                try await world.link(app, informed, recipient), try await world.link(app, healthOnly, recipient),
                try await world.link(app, restricted, recipient), try await world.link(app, noConsent, recipient),
            ]
            try await world.consent(app, relationships[0], [.careAndServices])
            try await world.consent(app, relationships[1], [.healthCondition, .planningAndMeetings])
            try await world.consent(app, relationships[2], ConsentCategory.allCases)
            _ = try await world.restrict(app, relationships[2], by: world.consultant)

            func edit(_ name: String, contact: String, version: Int) throws -> RecipientInput {
                RecipientInput(name: name, unitIds: [try world.unitA.requireID().uuidString], fixedCareContact: contact, patientContract: false,
                               version: version)
            }
            // Other changes do not create the task.
            _ = try await CaregiverService.saveRecipient(recipient.id, try edit("Gösta Lind", contact: "Sjuksköterska Anna Berg", version: 1),
                                                         by: world.consultant, on: app.db)
            #expect(try await CaregiverTask.query(on: app.db).filter(\.$kind == .informFixedContactChange).count() == 0)

            _ = try await CaregiverService.saveRecipient(recipient.id, try edit("Gösta Lind", contact: "Sjuksköterska Omar Ali", version: 2),
                                                         by: world.consultant, on: app.db)
            let tasks = try await CaregiverTask.query(on: app.db).filter(\.$kind == .informFixedContactChange).all()
            #expect(tasks.map(\.caregiverID) == [informed.id])
            #expect(tasks.first?.subjectID == relationships[0].id)
            #expect(tasks.first?.dueOn == CalendarDate.today().addingDays(7).iso)
            #expect(tasks.first?.assigneeID == world.consultant.id)
        }
    }

    @Test("A caregiver coordinating three care contacts raises a coordination signal; two do not")
    func coordinationSignal() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let recipient = try await world.recipient(app, "Sven Karlsson", units: [world.unitA])
            let three = try await world.register(app, "Lisa Karlsson")
            let two = try await world.register(app, "Johan Karlsson")
            let signalled = try await world.link(app, three, recipient, contacts: ["Vårdcentralen Norra", "Hemtjänst Norra", "Neurologmottagningen"])
            let quiet = try await world.link(app, two, recipient, contacts: ["Vårdcentralen Norra", "Hemtjänst Norra"])
            #expect(signalled.coordinationSignal)
            #expect(!quiet.coordinationSignal)
            let tasks = try await openTasks(app, .coordinationSignal, of: three)
            #expect(tasks.count == 1)
            #expect(tasks.first?.subjectID == signalled.id)
            #expect(tasks.first?.dueOn == CalendarDate.today().addingDays(14).iso)
            #expect(try await openTasks(app, .coordinationSignal, of: two).isEmpty)

            // Saying the caregiver carries the coordination raises it too, once.
            var input = RelationshipInput(relation: "child", livesTogether: false, hoursBand: "from5to9", tasks: [],
                                          coordinatedContacts: "Vårdcentralen Norra\nHemtjänst Norra", carriesCoordination: true, version: 1)
            _ = try await CaregiverService.saveRelationship(quiet.id, caregiverID: nil, recipientID: nil, input, by: world.consultant, on: app.db)
            #expect(try await openTasks(app, .coordinationSignal, of: two).count == 1)
            input.version = 2
            input.hoursBand = "from10to19"
            _ = try await CaregiverService.saveRelationship(quiet.id, caregiverID: nil, recipientID: nil, input, by: world.consultant, on: app.db)
            #expect(try await CaregiverTask.query(on: app.db).filter(\.$kind == .coordinationSignal).count() == 2)
        }
    }
}
