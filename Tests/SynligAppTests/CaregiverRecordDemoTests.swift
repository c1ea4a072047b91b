import Fluent
import Foundation
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp
@testable import SynligDemo

@Suite("The caregiver record in demo mode")
struct CaregiverRecordDemoTests {
    @Test("Demo mode fills Exempelkommun with a realistic spread of caregivers and a worklist for everyone who works with them")
    func demoCaregivers() async throws {
        try await withSynlig(adjust: { $0.demoMode = true }) { app in
            _ = try await DemoSeeder.seed(app, password: "demo-losenord-123")
            let db = app.db
            let caregivers = try await Caregiver.query(on: db).all()
            #expect((280...320).contains(caregivers.count))
            #expect((240...280).contains(try await CareRecipient.query(on: db).count()))
            let relationships = try await CareRelationship.query(on: db).all()
            func share(_ part: Int, of whole: Int) -> Double { Double(part) / Double(max(whole, 1)) }
            func relationShare(_ kind: RelationKind) -> Double { share(relationships.filter { $0.relation == kind }.count, of: relationships.count) }
            #expect((0.28...0.40).contains(relationShare(.parent)))
            #expect((0.15...0.26).contains(relationShare(.partner)))
            #expect((0.15...0.26).contains(relationShare(.child)))
            #expect((0.27...0.40).contains(share(relationships.filter(\.hoursBand.isMoreThanTen).count, of: relationships.count)))
            // Women give more of the time.
            let heavy = Set(relationships.filter { [.from35to49, .from50].contains($0.hoursBand) }.map(\.caregiverID))
            let heavyCarers = caregivers.filter { heavy.contains($0.id!) }
            #expect(heavyCarers.filter { $0.gender == .woman }.count > heavyCarers.filter { $0.gender == .man }.count)
            #expect((0.22...0.32).contains(share(caregivers.filter { $0.foreignBackground == .yes }.count, of: caregivers.count)))
            #expect(caregivers.contains { $0.minorityLanguage == .finnish && $0.preferredLanguage == "fi" })
            #expect(caregivers.filter { $0.interpreterNeed == .yes }.count >= 5)
            // Every classification has some answers missing, as in a real register, so the demo's
            // statistics show how complete the data is.
            let recipients = try await CareRecipient.query(on: db).all()
            let notStated: [(String, Double)] = [
                ("gender", share(caregivers.filter { !$0.gender.isStated }.count, of: caregivers.count)),
                ("birthYear", share(caregivers.filter { $0.birthYear == nil }.count, of: caregivers.count)),
                ("foreignBackground", share(caregivers.filter { !$0.foreignBackground.isStated }.count, of: caregivers.count)),
                ("minorityLanguage", share(caregivers.filter { !$0.minorityLanguage.isStated }.count, of: caregivers.count)),
                ("occupation", share(caregivers.filter { !$0.occupation.isStated }.count, of: caregivers.count)),
                ("interpreterNeed", share(caregivers.filter { !$0.interpreterNeed.isStated }.count, of: caregivers.count)),
                ("relation", share(relationships.filter { !$0.relation.isStated }.count, of: relationships.count)),
                ("hoursBand", share(relationships.filter { !$0.hoursBand.isStated }.count, of: relationships.count)),
                ("careNeedArea", share(recipients.filter { !$0.careNeedArea.isStated }.count, of: recipients.count)),
            ]
            for (classification, missing) in notStated {
                #expect((0.03...0.2).contains(missing), "\(classification): \(missing) not stated")
            }
            // Some people in the network give no care (yet) and have no recipient.
            let linked = Set(relationships.map(\.caregiverID))
            #expect(caregivers.contains { !linked.contains($0.id!) })
            // Personnummer, where given, are valid and unique.
            let pins = caregivers.compactMap(\.personalIdentityNumber)
            #expect(!pins.isEmpty)
            #expect(Set(pins).count == pins.count)
            #expect(pins.allSatisfy { (try? PersonalIdentityNumber.parse($0).get())?.canonical == $0 })

            let consents = try await ConsentRecord.query(on: db).all()
            #expect(consents.filter { $0.kind == .consent }.count > relationships.count / 2)
            #expect(consents.contains { $0.kind == .withdrawal })
            #expect(consents.contains { $0.kind == .harmAssessment })
            #expect(consents.contains { $0.kind == .consent && $0.categories != Set(ConsentCategory.allCases) })
            #expect((2...3).contains(try await InvolvementRestriction.query(on: db).filter(\.$liftedAt == nil).count()))
            let checks = try await VoluntarinessCheck.query(on: db).all()
            #expect(checks.count >= caregivers.count / 2)
            #expect(checks.contains { $0.answer == .partly })
            #expect(checks.contains { $0.answer == .no })
            // Every demo check asks the three questions, with some variety in each.
            #expect(checks.allSatisfy { $0.dimensions != nil })
            #expect(Set(checks.compactMap(\.ableToContinue)).isSuperset(of: [.yes, .partly, .no]))
            #expect(Set(checks.compactMap(\.wantsToContinue)).isSuperset(of: [.yes, .partly]))
            #expect(Set(checks.compactMap(\.shouldNotCarry)).isSuperset(of: [.nothing, .some, .much]))
            #expect(checks.contains { $0.shouldNotCarryWhat?.isEmpty == false })
            #expect(checks.allSatisfy { $0.dimensions?.combinedAnswer == $0.answer })
            let screenings = try await ScreeningResult.query(on: db).sort(\.$screenedOn).all()
            #expect(screenings.count >= 50)
            let rising = Dictionary(grouping: screenings, by: \.caregiverID).values.filter { results in
                results.count >= 3 && zip(results, results.dropFirst()).allSatisfy { $0.score < $1.score }
            }
            #expect(rising.count >= 2)
            #expect(try await SupportPlan.query(on: db).count() >= 30)
            let support = try await CaregiverSupport.query(on: db).all()
            let offerings = Set(try await SupportOffering.query(on: db).all().compactMap(\.id))
            #expect(support.contains { $0.offeringID.map(offerings.contains) == true })
            #expect(support.contains { $0.status == .notOffered })
            #expect(try await MeetingInvitation.query(on: db).count() >= 3)
            #expect(try await CaregiverFeedback.query(on: db).count() >= 1)
            #expect(try await MemoNote.query(on: db).count() >= 3)
            #expect(try await CaregiverConversation.query(on: db).count() >= 20)

            // Every demo user who carries follow-ups has open tasks, some of them overdue; staff,
            // who carry none, see the caregivers of their unit.
            let today = CalendarDate.today().iso
            for login in DemoSeeder.logins where login.role == .staff {
                let user = try #require(try await User.query(on: db).filter(\.$email == login.email).first())
                let current = try await currentUser(app, user)
                #expect(try await CaregiverAccess.caregivers(for: current, on: db).count() >= 10, "\(login.email)")
                #expect(try await CaregiverTask.query(on: db).filter(\.$assigneeID == user.id).count() == 0, "\(login.email)")
            }
            for login in DemoSeeder.logins where [.consultant, .caseOfficer].contains(login.role) {
                let user = try #require(try await User.query(on: db).filter(\.$email == login.email).first())
                let open = try await CaregiverTask.query(on: db).filter(\.$assigneeID == user.id).filter(\.$open == true).all()
                #expect(open.count >= 3, "\(login.email)")
                #expect(open.contains { $0.dueOn < today }, "\(login.email) has nothing overdue")
                #expect(open.contains { $0.dueOn >= today }, "\(login.email) has nothing coming up")
                // …about people they may see.
                let current = try await currentUser(app, user)
                let visible = Set(try await CaregiverAccess.caregivers(for: current, on: db).all().compactMap(\.id))
                #expect(open.allSatisfy { visible.contains($0.caregiverID) }, "\(login.email)")
            }
            // What was created is in the audit trail, and the chain holds.
            #expect(try await AuditEvent.query(on: db).filter(\.$action == "caregiver.create").count() == caregivers.count)
            #expect(try await AuditEvent.query(on: db).filter(\.$action == "relationship.create").count() == relationships.count)
            #expect(try await AuditTrail.verify(on: db) == nil)
        }
    }
}
