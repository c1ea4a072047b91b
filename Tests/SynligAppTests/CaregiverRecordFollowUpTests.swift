import Fluent
import Foundation
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

@Suite("The caregiver record: follow-ups, memo notes and the audit trail")
struct CaregiverRecordFollowUpTests {
    @Test("Registering a caregiver asks about voluntariness at once: a task due today on the consultant's worklist")
    func registrationSchedulesVoluntariness() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let today = CalendarDate(year: 2026, month: 3, day: 2)
            let caregiver = try await world.register(app, "Maria Andersson", today: today)
            let tasks = try await CaregiverTask.query(on: app.db).filter(\.$caregiverID == caregiver.requireID()).all()
            #expect(tasks.count == 1)
            let task = try #require(tasks.first)
            #expect(task.kind == .voluntarinessFollowUp)
            #expect(task.open)
            #expect(task.dueOn == "2026-03-02")
            #expect(task.assigneeID == world.consultant.id)
            #expect(caregiver.responsibleUserID == world.consultant.id)
            #expect(caregiver.registeredOn == "2026-03-02")
        }
    }

    @Test("Voluntariness: 'partly able' asks for a talk within 14 days and the next check moves 6 months on, or 3 with the organisation's setting")
    func voluntarinessSchedule() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let today = CalendarDate(year: 2026, month: 1, day: 15)
            let maria = try await world.register(app, "Maria Andersson", today: today)
            _ = try await FollowUpService.recordVoluntariness(caregiverID: try maria.requireID(),
                                                              VoluntarinessInput(wantsToContinue: "yes", ableToContinue: "partly",
                                                                                 comment: "Orkar inte nätterna", askedOn: today.iso),
                                                              by: world.consultant, on: app.db, today: today)
            let discuss = try await openTasks(app, .discussVoluntariness, of: maria)
            #expect(discuss.map(\.dueOn) == ["2026-01-29"])
            #expect(discuss.first?.assigneeID == world.consultant.id)
            // The registration's task is moved on, not duplicated.
            #expect(try await openTasks(app, .voluntarinessFollowUp, of: maria).map(\.dueOn) == ["2026-07-15"])

            let refused = await refusal {
                try await FollowUpService.recordVoluntariness(caregiverID: try maria.requireID(), VoluntarinessInput(wantsToContinue: "kanske"),
                                                              by: world.consultant, on: app.db, today: today)
            }
            #expect(refused?.fieldProblems.map(\.field) == ["wantsToContinue"])
            #expect(try await VoluntarinessCheck.query(on: app.db).count() == 1)

            try await FollowUpService.saveSettings(voluntarinessMonths: 3, memoRetentionDays: 30, contactRequestUnhandledDays: 90, contactRequestClosedDays: 30,
                                                   keepFilesDecision: nil, version: 1, by: world.consultant, on: app.db)
            let erik = try await world.register(app, "Erik Berg", today: today)
            _ = try await FollowUpService.recordVoluntariness(caregiverID: try erik.requireID(),
                                                              VoluntarinessInput(wantsToContinue: "yes", ableToContinue: "yes", shouldNotCarry: "nothing"),
                                                              by: world.consultant, on: app.db, today: today)
            #expect(try await openTasks(app, .voluntarinessFollowUp, of: erik).map(\.dueOn) == ["2026-04-15"])
            #expect(try await openTasks(app, .discussVoluntariness, of: erik).isEmpty)
            #expect(try await VoluntarinessCheck.query(on: app.db).all().map(\.answer).sorted { $0.rawValue < $1.rawValue } == [.partly, .yes])
        }
    }

    @Test("Screening with the shipped instrument: a high level asks for a follow-up, a missing answer is refused, and results are kept over time")
    func screening() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let instrument = try RecordWorld.instrument(app)
            #expect(instrument.validate().isEmpty)
            func answers(_ pick: ([ScreeningInstrument.Option]) -> ScreeningInstrument.Option) -> [String: String] {
                Dictionary(uniqueKeysWithValues: instrument.items.map { ($0.id, pick($0.options).value) })
            }
            let worst = answers { $0.max { $0.points < $1.points }! }
            let best = answers { $0.min { $0.points < $1.points }! }
            #expect(instrument.level(for: instrument.maxScore) == .high)

            let strained = try await world.register(app, "Karin Ek")
            let result = try await FollowUpService.screen(caregiverID: try strained.requireID(), instrument: instrument, answers: worst, screenedOn: nil,
                                                          by: world.consultant, on: app.db)
            #expect(result.level == .high)
            #expect(result.score == instrument.maxScore)
            #expect(result.instrumentID == instrument.id)
            #expect(try await openTasks(app, .strainFollowUp, of: strained).map(\.dueOn) == [CalendarDate.today().addingDays(14).iso])
            #expect(try await openTasks(app, .screening, of: strained).map(\.dueOn) == [CalendarDate.today().addingMonths(12).iso])

            let coping = try await world.register(app, "Nils Ek")
            let low = try await FollowUpService.screen(caregiverID: try coping.requireID(), instrument: instrument, answers: best, screenedOn: nil,
                                                       by: world.consultant, on: app.db)
            #expect(low.level == .low)
            #expect(try await openTasks(app, .strainFollowUp, of: coping).isEmpty)

            var incomplete = worst
            let skipped = try #require(instrument.items.last?.id)
            incomplete[skipped] = nil
            let missing = await refusal {
                try await FollowUpService.screen(caregiverID: try coping.requireID(), instrument: instrument, answers: incomplete, screenedOn: nil,
                                                 by: world.consultant, on: app.db)
            }
            #expect(missing?.status == .unprocessableEntity)
            #expect(missing?.fieldProblems == [.init(field: "item-\(skipped)", messageKey: "screening.answer_required")])
            var unknown = best
            unknown[skipped] = "kanske"
            #expect(await refusal {
                try await FollowUpService.screen(caregiverID: try coping.requireID(), instrument: instrument, answers: unknown, screenedOn: nil,
                                                 by: world.consultant, on: app.db)
            }?.status == .unprocessableEntity)
            #expect(try await ScreeningResult.query(on: app.db).filter(\.$caregiverID == coping.requireID()).count() == 1)

            // Moving up a level from the last screening also asks for a follow-up.
            let raised = instrument.items.reduce(into: best) { answers, item in
                guard instrument.score(answers).map(\.level) == .success(.low) else { return }
                answers[item.id] = item.options.max { $0.points < $1.points }!.value
            }
            let second = try await FollowUpService.screen(caregiverID: try coping.requireID(), instrument: instrument, answers: raised, screenedOn: nil,
                                                          by: world.consultant, on: app.db)
            #expect(second.level > .low)
            #expect(try await openTasks(app, .strainFollowUp, of: coping).count == 1)
            #expect(try await ScreeningResult.query(on: app.db).filter(\.$caregiverID == coping.requireID()).count() == 2)
        }
    }

    @Test("Memo notes past their time are purged by the job; the audit trail says that, never what the note said")
    func memoPurge() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let caregiver = try await world.register(app, "Maria Andersson")
            let now = Date()
            let secret = "Maken blev arg när jag nämnde korttidsboende"
            let old = try await FollowUpService.addMemo(caregiverID: try caregiver.requireID(), text: secret, by: world.consultant, on: app.db,
                                                        now: now.addingTimeInterval(-31 * 86400))
            let recent = try await FollowUpService.addMemo(caregiverID: try caregiver.requireID(), text: "Ring tillbaka på torsdag",
                                                           by: world.consultant, on: app.db, now: now.addingTimeInterval(-29 * 86400))
            #expect(abs(old.purgeAfter.timeIntervalSince(now.addingTimeInterval(-86400))) < 1)

            #expect(try await FollowUpService.purgeMemos(now: now, on: app.db) == 1)
            #expect(try await MemoNote.query(on: app.db).all().map(\.id) == [recent.id])
            #expect(try await FollowUpService.purgeMemos(now: now, on: app.db) == 0)

            let purges = try await AuditEvent.query(on: app.db).filter(\.$action == "memo.purge").all()
            #expect(purges.map(\.recordID) == [old.id?.uuidString])
            #expect(purges.first?.actorKind == "system")
            #expect(purges.first?.organisationID == world.organisation.id)
            for event in try await AuditEvent.query(on: app.db).all() {
                for value in [event.action, event.recordType, event.recordID ?? "", event.actorKind, event.hash, event.previousHash] {
                    #expect(!value.contains("Maken"))
                    #expect(!value.contains("korttidsboende"))
                }
            }
            // Two days later the recent one goes too.
            #expect(try await FollowUpService.purgeMemos(now: now.addingTimeInterval(2 * 86400), on: app.db) == 1)
            #expect(try await MemoNote.query(on: app.db).count() == 0)
        }
    }

    @Test("A consultant's whole flow leaves one audit event per change, in an unbroken chain")
    func everyChangeIsAudited() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let before = try await AuditEvent.query(on: app.db).count()
            let (caregiver, recipient, relationship) = try await world.pair(app, "Maria Andersson", caring: "Gösta Andersson", in: world.unitA)
            let caregiverID = try caregiver.requireID()
            try await world.consent(app, relationship, ConsentCategory.allCases)
            let invitation = try await world.invite(app, relationship)
            try await ConsentService.recordAttendance(invitationID: try invitation.requireID(), attendance: "tookPart", by: world.consultant, on: app.db)
            let restriction = try await world.restrict(app, relationship, by: world.consultant)
            try await ConsentService.lift(restrictionID: try restriction.requireID(), reason: "Oron var obefogad", by: world.consultant, on: app.db)
            try await world.withdraw(app, relationship)
            _ = try await FollowUpService.addConversation(
                caregiverID: caregiverID,
                ConversationInput(heldOn: CalendarDate.today().iso, helpToCare: "Hjälper med allt i hemmet", ownLife: "Har slutat träna",
                                  recipientLife: "Trivs hemma", serviceQuality: "Hemtjänsten byter personal ofta", agreedActions: "Ansöka om avlösning"),
                by: world.consultant, on: app.db)
            _ = try await FollowUpService.recordVoluntariness(caregiverID: caregiverID, VoluntarinessInput(wantsToContinue: "no"),
                                                              by: world.consultant, on: app.db)
            let instrument = try RecordWorld.instrument(app)
            _ = try await FollowUpService.screen(caregiverID: caregiverID, instrument: instrument,
                                                 answers: Dictionary(uniqueKeysWithValues: instrument.items.map { ($0.id, $0.options[0].value) }),
                                                 screenedOn: nil, by: world.consultant, on: app.db)
            _ = try await FollowUpService.savePlan(caregiverID: caregiverID,
                                                   PlanInput(outcomes: "Få sova", reviewOn: CalendarDate.today().addingMonths(6).iso),
                                                   by: world.consultant, on: app.db)
            let need = try await FollowUpService.saveSupport(nil, caregiverID: caregiverID,
                                                             SupportInput(needKind: "respiteAtHome", requestedOn: CalendarDate.today().iso),
                                                             by: world.consultant, on: app.db)
            _ = try await FollowUpService.saveSupport(need.id, caregiverID: caregiverID,
                                                      SupportInput(needKind: "respiteAtHome", status: "notOffered", requestedOn: CalendarDate.today().iso,
                                                                   outcome: "Ingen plats i höst", version: 1),
                                                      by: world.consultant, on: app.db)
            _ = try await FollowUpService.saveFeedback(nil, caregiverID: caregiverID,
                                                       FeedbackInput(kind: "complaint", summary: "Fick inte veta om ny kontaktperson"),
                                                       by: world.consultant, on: app.db)
            _ = try await FollowUpService.addMemo(caregiverID: caregiverID, text: "Ring på fredag", by: world.consultant, on: app.db)
            let task = try #require(try await openTasks(app, .discussVoluntariness, of: caregiver).first)
            try await CaregiverTaskService.markDone(try task.requireID(), by: world.consultant, on: app.db)
            #expect(await refusal { try await CaregiverTaskService.markDone(try task.requireID(), by: world.consultant, on: app.db) }?
                .messageKey == "caregiver.task_done_already")
            _ = try await CaregiverService.saveRecipient(recipient.id, RecipientInput(name: "Gösta Andersson", unitIds: [try world.unitA.requireID().uuidString],
                                                                                      patientContract: true, version: 1),
                                                         by: world.consultant, on: app.db)

            let actions = Array(try await auditActions(app).dropFirst(before))
            #expect(actions == [
                "caregiver.create", "recipient.create", "relationship.create", "consent.consent", "invitation.create", "invitation.attendance",
                "restriction.create", "restriction.lift", "consent.withdrawal", "conversation.create", "voluntariness.record", "screening.record",
                "support_plan.create", "support_need.create", "support_need.update", "feedback.create", "memo.create", "caregiver_task.done",
                "recipient.update",
            ])
            let events = try await AuditEvent.query(on: app.db).sort(\.$sequence).all().dropFirst(before)
            #expect(events.allSatisfy { $0.organisationID == world.organisation.id && $0.actorUserID == world.consultant.id })
            #expect(events.first?.recordID == caregiverID.uuidString)
            #expect(try await AuditTrail.verify(on: app.db) == nil)
        }
    }
}
