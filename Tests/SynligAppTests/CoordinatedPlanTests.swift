import Fluent
import Foundation
import SQLKit
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

/// SIP offered, held and followed: a discharge raises the tasks, responsibilities and patient
/// contracts are followed up on the owners' worklists, outcomes keep their history, and the
/// statistics and the register extract include them.
@Suite("SIP: discharges, offers, responsibilities and patient contracts")
struct CoordinatedPlanTests {
    private func discharge(_ app: Application, _ world: RecordWorld, _ recipient: CareRecipient, responsible: CurrentUser,
                           on date: CalendarDate = .today(), today: CalendarDate = .today()) async throws -> InpatientDischarge {
        try await CoordinatedPlanService.recordDischarge(
            recipientID: try recipient.requireID(),
            DischargeInput(dischargedOn: date.iso, dischargedFrom: "Avdelning 12, Akademiska", responsibleUserId: responsible.id.uuidString),
            by: world.consultant, on: app.db, today: today)
    }

    /// The worklist's rows, without the filter whose options name every kind of task.
    private func worklistRows(_ browser: Browser) async throws -> String {
        let html = try await browser.get(SiteURL.caregiverWorklist.path).body.string
        return html.components(separatedBy: "<tbody>").dropFirst().joined()
    }

    private func openRecipientTasks(_ app: Application, _ kind: RecipientTaskKind) async throws -> [RecipientTask] {
        try await RecipientTask.query(on: app.db).filter(\.$kind == kind).filter(\.$open == true).all()
    }

    @Test("A discharge puts 'draw up a SIP' on the responsible staff's worklist, and 'invite' only for a caregiver whose consent allows it")
    func dischargeRaisesTasks() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let (_, recipient, consented) = try await world.pair(app, "Lena Nilsson", caring: "Gösta Nilsson", in: world.unitA)
            let other = try await world.register(app, "Nils Nilsson")
            let withoutConsent = try await world.link(app, other, recipient)
            let restrictedCaregiver = try await world.register(app, "Rut Nilsson")
            let restricted = try await world.link(app, restrictedCaregiver, recipient)
            try await world.consent(app, consented, [.planningAndMeetings])
            try await world.consent(app, withoutConsent, [.healthCondition])
            try await world.consent(app, restricted, ConsentCategory.allCases)
            _ = try await world.restrict(app, restricted, by: world.consultant)

            let recorded = try await discharge(app, world, recipient, responsible: world.staffA)
            let drawUp = try await openRecipientTasks(app, .drawUpCoordinatedPlan)
            #expect(drawUp.map(\.assigneeID) == [world.staffA.id])
            #expect(drawUp.map(\.subjectID) == [try recorded.requireID()])
            let invite = try await openRecipientTasks(app, .inviteCaregiverToPlan)
            #expect(invite.map(\.subjectID) == [try consented.requireID()], "only the caregiver whose consent allows planning, not restricted")
            #expect(try await auditActions(app).contains("discharge.create"))

            // On the responsible staff member's worklist page, not on a colleague's.
            let pia = Browser(app)
            try await pia.signIn("pia@0180.test.se")
            let list = try await worklistRows(pia)
            #expect(list.contains("Utskrivning: upprätta SIP"))
            #expect(list.contains("Utskrivning: bjud in den anhörige till SIP"))
            #expect(list.contains("Gösta Nilsson"))
            let hassan = Browser(app)
            try await hassan.signIn("hassan@0180.test.se")
            #expect(!(try await worklistRows(hassan).contains("upprätta SIP")))

            // Offering the SIP answers the discharge; inviting the caregiver answers the other task.
            _ = try await CoordinatedPlanService.offer(recipientID: try recipient.requireID(),
                                                       PlanOfferInput(offeredOn: CalendarDate.today().iso, dischargeId: try recorded.requireID().uuidString),
                                                       by: world.staffA, on: app.db)
            #expect(try await openRecipientTasks(app, .drawUpCoordinatedPlan).isEmpty)
            _ = try await world.invite(app, consented)
            #expect(try await openRecipientTasks(app, .inviteCaregiverToPlan).isEmpty)
            #expect(!(try await worklistRows(pia).contains("upprätta SIP")))
        }
    }

    @Test("Without any consent to planning, a discharge raises only the task to draw up the SIP")
    func dischargeWithoutConsentInvitesNobody() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let (_, recipient, _) = try await world.pair(app, "Lena Nilsson", caring: "Gösta Nilsson", in: world.unitA)
            _ = try await discharge(app, world, recipient, responsible: world.consultant)
            #expect(try await openRecipientTasks(app, .drawUpCoordinatedPlan).count == 1)
            #expect(try await openRecipientTasks(app, .inviteCaregiverToPlan).isEmpty)
        }
    }

    @Test("Responsibilities land on the owner's worklist, one holds the overall responsibility, and done takes them off")
    func responsibilitiesOnOwnersWorklist() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let (_, recipient, _) = try await world.pair(app, "Lena Nilsson", caring: "Gösta Nilsson", in: world.unitA)
            let offer = try await CoordinatedPlanService.offer(recipientID: try recipient.requireID(), PlanOfferInput(offeredOn: CalendarDate.today().iso),
                                                               by: world.consultant, on: app.db)
            let offerID = try offer.requireID()
            let first = try await CoordinatedPlanService.addResponsibility(
                offerID: offerID, ResponsibilityInput(actor: "Hemtjänst Norra", task: "Tillsyn två gånger dagligen", dueOn: CalendarDate.today().iso,
                                                      followUpOn: CalendarDate.today().addingDays(14).iso, ownerUserId: world.staffA.id.uuidString,
                                                      overall: true), by: world.consultant, on: app.db)
            let second = try await CoordinatedPlanService.addResponsibility(
                offerID: offerID, ResponsibilityInput(actor: "Vårdcentralen Kvarngärdet", task: "Läkemedelsgenomgång", dueOn: CalendarDate.today().iso,
                                                      followUpOn: CalendarDate.today().addingDays(30).iso, overall: true), by: world.consultant, on: app.db)
            let rows = try await CoordinatedPlanResponsibility.query(on: app.db).sort(\.$createdAt).all()
            #expect(rows.filter(\.overall).map(\.id) == [second.id], "only one holds the overall responsibility")
            // An actor outside Synlig: whoever recorded it follows it up.
            let tasks = try await openRecipientTasks(app, .responsibilityFollowUp)
            #expect(Set(tasks.map(\.assigneeID)) == [world.staffA.id, world.consultant.id])

            let pia = Browser(app)
            try await pia.signIn("pia@0180.test.se")
            #expect(try await worklistRows(pia).contains("Följ upp ansvar i SIP"))
            let plan = try await pia.get(SiteURL.coordinatedPlan(offerID).path)
            #expect(plan.status == .ok)
            #expect(plan.body.string.contains("Tillsyn två gånger dagligen"))
            #expect(plan.body.string.contains("I en SIP ska ansvarsfördelningen mellan aktörerna tydligt framgå."))
            let done = try await pia.post(SiteURL.responsibilityDone(try first.requireID()).path, form: [])
            #expect(done.status == .seeOther)
            #expect(!(try await worklistRows(pia).contains("Följ upp ansvar i SIP")))
            #expect(try await CoordinatedPlanResponsibility.find(first.id, on: app.db)?.doneOn == CalendarDate.today().iso)
            #expect(await refusal { try await CoordinatedPlanService.markResponsibilityDone(try first.requireID(), by: world.staffA, on: app.db) }?
                .status == .conflict)
            // A case officer of another unit does not see the person: not found.
            #expect(await refusal { try await CoordinatedPlanService.markResponsibilityDone(try second.requireID(), by: world.caseOfficerB, on: app.db) }?
                .status == .notFound)
        }
    }

    @Test("A patient contract's follow-up is a task; recording whether it was kept closes it, once")
    func patientContractFollowUp() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let (_, recipient, _) = try await world.pair(app, "Lena Nilsson", caring: "Gösta Nilsson", in: world.unitA)
            let id = try recipient.requireID()
            let early = await refusal {
                try await CoordinatedPlanService.addPatientContract(
                    recipientID: id, PatientContractInput(agreed: "Promenad dagligen", agreedOn: CalendarDate.today().iso,
                                                          followUpOn: CalendarDate.today().addingDays(-1).iso), by: world.consultant, on: app.db)
            }
            #expect(early?.fieldProblems.map(\.field) == ["followUpOn"])
            let contract = try await CoordinatedPlanService.addPatientContract(
                recipientID: id, PatientContractInput(agreed: "Promenad dagligen med stöd av hemtjänsten", agreedOn: CalendarDate.today().iso,
                                                      followUpOn: CalendarDate.today().addingDays(30).iso), by: world.consultant, on: app.db)
            let tasks = try await openRecipientTasks(app, .patientContractFollowUp)
            #expect(tasks.map(\.assigneeID) == [world.consultant.id])
            #expect(tasks.map(\.dueOn) == [CalendarDate.today().addingDays(30).iso])

            let karin = Browser(app)
            try await karin.signIn("karin@0180.test.se")
            let path = SiteURL.patientContract(try contract.requireID()).path
            let formPage = try await karin.get(path)
            #expect(formPage.body.string.contains("Promenad dagligen med stöd av hemtjänsten"))
            // Untouched, the result radios send nothing: refused, not a made-up "kept".
            let untouched = try BrowserForm(html: formPage.body.string, action: path)
            #expect(try await karin.post(path, form: untouched.fields.filter { $0.name != "_csrf" }).status == .unprocessableEntity)
            var answered = untouched
            answered.fields = answered.fields.map { $0.name == "comment" ? ($0.name, "Orkade inte i kylan") : $0 }
            answered.fields.append(("result", "notKept"))
            #expect(try await karin.post(path, form: answered.fields.filter { $0.name != "_csrf" }).status == .seeOther)
            #expect(try await openRecipientTasks(app, .patientContractFollowUp).isEmpty)
            let stored = try #require(try await PatientContract.find(contract.id, on: app.db))
            #expect(stored.result == .notKept)
            #expect(stored.comment == "Orkade inte i kylan")
            let again = await refusal {
                try await CoordinatedPlanService.followUpContract(try contract.requireID(), ContractFollowUpInput(result: "kept", followedUpOn: CalendarDate.today().iso),
                                                                  by: world.consultant, on: app.db)
            }
            #expect(again?.messageKey == "sip.contract_followed_up_already")
            #expect(try await karin.get(SiteURL.recipientPlans(id).path).body.string.contains("Kontraktet följdes inte"))
        }
    }

    @Test("Outcomes are added to a SIP's history, never overwritten; a stale outcome is refused")
    func outcomeHistoryKept() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let (_, recipient, relationship) = try await world.pair(app, "Lena Nilsson", caring: "Gösta Nilsson", in: world.unitA)
            let (_, elsewhere, otherRelationship) = try await world.pair(app, "Bo Berg", caring: "Berit Berg", in: world.unitA)
            try await world.consent(app, relationship, [.planningAndMeetings])
            try await world.consent(app, otherRelationship, [.planningAndMeetings])
            let invitation = try await world.invite(app, relationship)
            let foreign = try await world.invite(app, otherRelationship)
            _ = elsewhere
            let offer = try await CoordinatedPlanService.offer(recipientID: try recipient.requireID(), PlanOfferInput(offeredOn: CalendarDate.today().iso),
                                                               by: world.consultant, on: app.db)
            let offerID = try offer.requireID()
            _ = try await CoordinatedPlanService.recordOutcome(offerID: offerID, PlanOutcomeInput(outcome: "accepted", outcomeOn: CalendarDate.today().iso, version: 1),
                                                              by: world.consultant, on: app.db)
            let stale = await refusal {
                try await CoordinatedPlanService.recordOutcome(offerID: offerID, PlanOutcomeInput(outcome: "declined", outcomeOn: CalendarDate.today().iso, version: 1),
                                                              by: world.consultant, on: app.db)
            }
            #expect(stale?.status == .conflict)
            let noParticipants = await refusal {
                try await CoordinatedPlanService.recordOutcome(offerID: offerID, PlanOutcomeInput(outcome: "held", outcomeOn: CalendarDate.today().iso, version: 2),
                                                              by: world.consultant, on: app.db)
            }
            #expect(noParticipants?.fieldProblems.map(\.field) == ["participants"])
            let wrongInvitation = await refusal {
                try await CoordinatedPlanService.recordOutcome(
                    offerID: offerID, PlanOutcomeInput(outcome: "held", outcomeOn: CalendarDate.today().iso, participants: "Region, kommun",
                                                       invitationId: try foreign.requireID().uuidString, version: 2), by: world.consultant, on: app.db)
            }
            #expect(wrongInvitation?.fieldProblems.map(\.field) == ["invitationId"], "another person's invitation does not fit")
            let held = try await CoordinatedPlanService.recordOutcome(
                offerID: offerID, PlanOutcomeInput(outcome: "held", outcomeOn: CalendarDate.today().iso, participants: "Vårdcentralen, hemtjänsten, Gösta",
                                                   invitationId: try invitation.requireID().uuidString, version: 2), by: world.consultant, on: app.db)
            #expect(held.outcome == .held)
            #expect(held.version == 3)
            let history = try await CoordinatedPlanOutcomeEntry.query(on: app.db).filter(\.$offerID == offerID).sort(\.$sequence).all()
            #expect(history.map(\.outcome) == [.accepted, .held])
            #expect(history.map(\.sequence) == [1, 2])
            #expect(history.last?.invitationID == invitation.id)

            // The page shows the history and the caregiver's invitation with its attendance.
            let karin = Browser(app)
            try await karin.signIn("karin@0180.test.se")
            let page = try await karin.get(SiteURL.coordinatedPlan(offerID).path).body.string
            #expect(page.contains("Tackat ja"))
            #expect(page.contains("SIP-möte hållet"))
            #expect(page.contains("Lena Nilsson"))
            #expect(try await AccessLogEntry.query(on: app.db).filter(\.$recordID == recipient.requireID()).count() > 0)
        }
    }

    @Test("Forms as a browser submits them: a discharge, an offer that starts at the open discharge, an outcome; bad input is 422")
    func formsAsABrowserSubmitsThem() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let (_, recipient, _) = try await world.pair(app, "Lena Nilsson", caring: "Gösta Nilsson", in: world.unitA)
            let id = try recipient.requireID()
            let karin = Browser(app)
            try await karin.signIn("karin@0180.test.se")
            let overview = try await karin.get(SiteURL.recipientPlans(id).path)
            #expect(overview.status == .ok)
            #expect(overview.body.string.contains("En SIP ska alltid upprättas när en patient skrivs ut från sluten hälso- och sjukvård"))
            #expect(overview.body.string.contains("003_8f6e70672cea0072.txt"))
            #expect(try await karin.get(SiteURL.recipient(id).path).body.string.contains(SiteURL.recipientPlans(id).path))

            let dischargePath = SiteURL.recipientPlansPart(id, .discharges).path
            let blank = try BrowserForm(html: try await karin.get(dischargePath).body.string, action: dischargePath)
            #expect(blank.fields.first { $0.name == "responsibleUserId" }?.value == world.consultant.id.uuidString, "the one recording, unless chosen")
            let missing = try await karin.post(dischargePath, form: blank.fields.filter { $0.name != "_csrf" })
            #expect(missing.status == .unprocessableEntity)
            #expect(missing.body.string.contains("dischargedFrom-error"))
            var filled = blank
            filled.fields = filled.fields.map { $0.name == "dischargedFrom" ? ($0.name, "Avd 12, Akademiska") : $0 }
            #expect(try await karin.post(dischargePath, form: filled.fields.filter { $0.name != "_csrf" }).status == .seeOther)
            let recorded = try #require(try await InpatientDischarge.query(on: app.db).first())

            let offerPath = SiteURL.recipientPlansPart(id, .offers).path
            let offerForm = try BrowserForm(html: try await karin.get(offerPath).body.string, action: offerPath)
            #expect(offerForm.options["dischargeId"]?.first == "", "no discharge is listed first")
            #expect(offerForm.fields.first { $0.name == "dischargeId" }?.value == recorded.id?.uuidString, "the open discharge is chosen")
            let offered = try await karin.post(offerPath, form: offerForm.fields.filter { $0.name != "_csrf" })
            #expect(offered.status == .seeOther)
            let offer = try #require(try await CoordinatedPlanOffer.query(on: app.db).first())
            #expect(offer.dischargeID == recorded.id)
            #expect(offer.outcome == .pending)

            let outcomePath = SiteURL.coordinatedPlanPart(try offer.requireID(), .outcome).path
            let outcomeForm = try BrowserForm(html: try await karin.get(outcomePath).body.string, action: outcomePath)
            #expect(outcomeForm.fields.first { $0.name == "outcome" }?.value == "accepted")
            #expect(outcomeForm.options["invitationId"]?.first == "", "no invitation (the caregiver not invited) first")
            #expect(try await karin.post(outcomePath, form: outcomeForm.fields.filter { $0.name != "_csrf" }).status == .seeOther)
            // The same form again carries the version it was read at: refused, nothing overwritten.
            let staleAgain = try await karin.post(outcomePath, form: outcomeForm.fields.filter { $0.name != "_csrf" })
            #expect(staleAgain.status == .conflict)
            #expect(try await CoordinatedPlanOutcomeEntry.query(on: app.db).count() == 1)

            let responsibilityPath = SiteURL.coordinatedPlanPart(try offer.requireID(), .responsibilities).path
            let responsibility = try BrowserForm(html: try await karin.get(responsibilityPath).body.string, action: responsibilityPath)
            #expect(responsibility.fields.first { $0.name == "ownerUserId" }?.value == "", "no owner in Synlig unless chosen")
            #expect(!responsibility.fields.contains { $0.name == "overall" }, "overall responsibility is not ticked by default")
            #expect(try await karin.post(responsibilityPath, form: [("actor", "Hemtjänst Norra"), ("task", "Tillsyn"), ("dueOn", "not-a-date"),
                                                                   ("followUpOn", CalendarDate.today().iso)]).status == .unprocessableEntity)

            // Someone who does not see the person is not told it exists.
            let hassan = Browser(app)
            try await hassan.signIn("hassan@0180.test.se")
            #expect(try await hassan.get(SiteURL.recipientPlans(id).path).status == .notFound)
            #expect(try await hassan.get(SiteURL.coordinatedPlan(try offer.requireID()).path).status == .notFound)
        }
    }

    @Test("The API records a discharge, an offer, an outcome, a responsibility and a contract; bad input is 4xx")
    func api() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let (_, recipient, relationship) = try await world.pair(app, "Lena Nilsson", caring: "Gösta Nilsson", in: world.unitA)
            try await world.consent(app, relationship, [.planningAndMeetings])
            let id = try recipient.requireID().uuidString
            let api = try await APIClient.signedIn(app, "karin@0180.test.se")
            #expect(try await api.send(.POST, "/api/v1/recipients/\(id)/discharges", json: json(["dischargedOn": "2020-13-01"])).status
                == .unprocessableEntity)
            #expect(try await api.send(.POST, "/api/v1/recipients/\(id)/discharges",
                                       json: json(["dischargedOn": "2026-01-01", "dischargedFrom": "x", "ward": "7"])).status == .badRequest)
            #expect(try await api.send(.POST, "/api/v1/recipients/\(id)/discharges",
                                       json: json(["dischargedOn": CalendarDate.today().iso, "dischargedFrom": "Avd 7",
                                                   "responsibleUserId": world.viewer.id.uuidString])).status == .unprocessableEntity,
                    "a viewer cannot own a task about a person")
            let discharge = try await api.send(.POST, "/api/v1/recipients/\(id)/discharges",
                                               json: json(["dischargedOn": CalendarDate.today().iso, "dischargedFrom": "Avd 7"]))
            #expect(discharge.status == .created)
            let dischargeID = try discharge.decoded(API.DischargeOut.self).id
            let tasks = try await api.send(.GET, "/api/v1/recipient-tasks").decoded(API.RecipientTasksOut.self)
            #expect(Set(tasks.items.map(\.kind)) == [.drawUpCoordinatedPlan, .inviteCaregiverToPlan])

            let offered = try await api.send(.POST, "/api/v1/recipients/\(id)/coordinated-plans",
                                             json: json(["offeredOn": CalendarDate.today().iso, "dischargeId": dischargeID.uuidString]))
            #expect(offered.status == .created)
            let planID = try offered.decoded(API.PlanOfferOut.self).id
            #expect(try await api.send(.POST, "/api/v1/coordinated-plans/\(planID)/outcomes",
                                       json: json(["outcome": "accepted", "outcomeOn": CalendarDate.today().iso])).status == .preconditionRequired)
            let outcome = try await api.send(.POST, "/api/v1/coordinated-plans/\(planID)/outcomes",
                                             json: json(["outcome": "accepted", "outcomeOn": CalendarDate.today().iso, "version": 1]))
            #expect(outcome.status == .created)
            #expect(try outcome.decoded(API.PlanOfferOut.self).outcomes.map(\.outcome) == [.accepted])
            #expect(try await api.send(.POST, "/api/v1/coordinated-plans/\(planID)/outcomes",
                                       json: json(["outcome": "pending", "outcomeOn": CalendarDate.today().iso, "version": 2])).status
                == .unprocessableEntity)
            let responsibility = try await api.send(.POST, "/api/v1/coordinated-plans/\(planID)/responsibilities",
                                                    json: json(["actor": "Hemtjänst Norra", "task": "Tillsyn", "dueOn": CalendarDate.today().iso,
                                                                "followUpOn": CalendarDate.today().iso, "overall": true]))
            #expect(responsibility.status == .created)
            let responsibilityID = try responsibility.decoded(API.ResponsibilityOut.self).id
            #expect(try await api.send(.POST, "/api/v1/responsibilities/\(responsibilityID)/done").status == .ok)
            #expect(try await api.send(.POST, "/api/v1/responsibilities/\(responsibilityID)/done").status == .conflict)
            let contract = try await api.send(.POST, "/api/v1/recipients/\(id)/patient-contracts",
                                              json: json(["agreed": "Promenad", "agreedOn": CalendarDate.today().iso,
                                                          "followUpOn": CalendarDate.today().addingDays(7).iso]))
            #expect(contract.status == .created)
            let contractID = try contract.decoded(API.PatientContractOut.self).id
            let followed = try await api.send(.POST, "/api/v1/patient-contracts/\(contractID)/follow-up",
                                              json: json(["result": "kept", "followedUpOn": CalendarDate.today().iso, "version": 1]))
            #expect(followed.status == .ok)

            let all = try await api.send(.GET, "/api/v1/recipients/\(id)/coordinated-plans")
            #expect(all.status == .ok)
            let body = try all.decoded(API.CoordinatedPlansOut.self)
            #expect(body.discharges.count == 1)
            #expect(body.plans.first?.responsibilities.first?.doneOn == CalendarDate.today().iso)
            #expect(body.patientContracts.first?.result == .kept)
            #expect(body.openTasks.map(\.kind) == [.inviteCaregiverToPlan])
            let inviteTask = try #require(body.openTasks.first)
            #expect(try await api.send(.POST, "/api/v1/recipient-tasks/\(inviteTask.id)/done").status == .noContent)

            // Invitations can be for a needs-assessment meeting too.
            let needs = try await api.send(.POST, "/api/v1/relationships/\(try relationship.requireID())/invitations",
                                           json: json(["kind": "needsAssessment", "meetingOn": CalendarDate.today().addingDays(3).iso]))
            #expect(needs.status == .created)
            #expect(try needs.decoded(API.InvitationOut.self).kind == .needsAssessment)

            let outsider = try await APIClient.signedIn(app, "hassan@0180.test.se")
            #expect(try await outsider.send(.GET, "/api/v1/recipients/\(id)/coordinated-plans").status == .notFound)
        }
    }

    @Test("Statistics count people with a SIP offered by outcome and discharges followed within 30 days, suppressed as published")
    func statisticsCountThem() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let yearEnd = CalendarDate(year: 2025, month: 12, day: 31)
            let dischargedOn = CalendarDate(year: 2025, month: 3, day: 1)
            for index in 0..<6 {
                let recipient = try await world.recipient(app, "Person \(index)", units: [world.unitA])
                let recorded = try await discharge(app, world, recipient, responsible: world.consultant, on: dischargedOn, today: yearEnd)
                // Five offered within 30 days (one of them twice: counted once, by the latest); one after 40.
                let offeredOn = index == 5 ? dischargedOn.addingDays(40) : dischargedOn.addingDays(10)
                let offer = try await CoordinatedPlanService.offer(recipientID: try recipient.requireID(),
                                                                   PlanOfferInput(offeredOn: offeredOn.iso, dischargeId: try recorded.requireID().uuidString),
                                                                   by: world.consultant, on: app.db, today: yearEnd)
                if index < 3 {
                    _ = try await CoordinatedPlanService.recordOutcome(offerID: try offer.requireID(),
                                                                      PlanOutcomeInput(outcome: "held", outcomeOn: offeredOn.iso, participants: "Region, kommun", version: 1),
                                                                      by: world.consultant, on: app.db, today: yearEnd)
                }
                if index == 0 {
                    _ = try await CoordinatedPlanService.offer(recipientID: try recipient.requireID(), PlanOfferInput(offeredOn: offeredOn.addingDays(5).iso),
                                                               by: world.consultant, on: app.db, today: yearEnd)
                }
            }
            let sql = try #require(app.db as? any SQLDatabase)
            let scope = StatisticsScope(organisationID: try world.organisation.requireID(), period: try #require(StatisticsPeriod.year(2025)))
            // pending, accepted, declined, held: person 0's latest offer is pending.
            // Person 0's latest offer is pending, persons 1 and 2 held theirs, 3 to 5 await an answer.
            #expect(try await CoordinatedPlanStatistics.offers(scope, on: sql) == [4, 0, 0, 2])
            // All discharged in March: the first quarter's.
            #expect(try await CoordinatedPlanStatistics.discharges(scope, on: sql) == [[5, 1], [0, 0], [0, 0], [0, 0]])
            let nextYear = StatisticsScope(organisationID: try world.organisation.requireID(), period: try #require(StatisticsPeriod.year(2026)))
            #expect(try await CoordinatedPlanStatistics.discharges(nextYear, on: sql) == Array(repeating: [0, 0], count: 4))

            let api = try await APIClient.signedIn(app, world.viewer.email)
            let body = try await api.send(.GET, "/api/v1/statistics?period=2025")
            #expect(body.status == .ok)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(body.body.string.utf8)) as? [String: Any])
            let discharges = try #require(json["discharges"] as? [String: Any])
            func category(_ table: [String: Any], _ key: String) -> [String: Any]? {
                ((table["categories"] as? [[String: Any]])?.first { $0["key"] as? String == key })?["value"] as? [String: Any]
            }
            #expect(category(discharges, "withinWindow")?["count"] as? Int == 5)
            #expect(category(discharges, "notWithinWindow")?["suppressed"] as? String == "belowThreshold", "a single discharge is never published raw")
            #expect((discharges["total"] as? [String: Any])?["suppressed"] as? String == "complementary", "nor worked out from the total")
            let plans = try #require(json["coordinatedPlans"] as? [String: Any])
            #expect(category(plans, "held")?["suppressed"] as? String == "belowThreshold")
            #expect(category(plans, "declined")?["count"] as? Int == 0)

            let viewer = Browser(app)
            try await viewer.signIn(world.viewer.email)
            let html = try await viewer.get("/statistics?period=2025").body.string
            #expect(html.contains("Utskrivningar, efter om SIP erbjöds inom 30 dagar"))
            #expect(html.contains("Närstående med SIP erbjuden, efter utfall"))
        }
    }

    @Test("The person's register extract includes discharges, SIPs, responsibilities and patient contracts")
    func extractIncludesThem() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let (_, recipient, _) = try await world.pair(app, "Olle Extraktsson", caring: "Stina Extraktsson", in: world.unitA)
            let recorded = try await discharge(app, world, recipient, responsible: world.consultant)
            let offer = try await CoordinatedPlanService.offer(recipientID: try recipient.requireID(),
                                                               PlanOfferInput(offeredOn: CalendarDate.today().iso, dischargeId: try recorded.requireID().uuidString),
                                                               by: world.consultant, on: app.db)
            _ = try await CoordinatedPlanService.addResponsibility(
                offerID: try offer.requireID(), ResponsibilityInput(actor: "Vårdcentralen Extra", task: "Läkemedelsgenomgång", dueOn: CalendarDate.today().iso,
                                                                    followUpOn: CalendarDate.today().iso), by: world.consultant, on: app.db)
            _ = try await CoordinatedPlanService.addPatientContract(
                recipientID: try recipient.requireID(), PatientContractInput(agreed: "Kontraktstext Extra", agreedOn: CalendarDate.today().iso,
                                                                             followUpOn: CalendarDate.today().iso), by: world.consultant, on: app.db)
            let karin = Browser(app)
            try await karin.signIn("karin@0180.test.se")
            let page = try await karin.get(SiteURL.recipientExtract(try recipient.requireID()).path).body.string
            for text in ["Utskrivningar från sluten hälso- och sjukvård", "Avdelning 12, Akademiska", "Erbjudanden om SIP", "Ansvarsfördelning i SIP",
                         "Vårdcentralen Extra", "Patientkontrakt", "Kontraktstext Extra"] {
                #expect(page.contains(text), "the extract shows \(text)")
            }
        }
    }
}
