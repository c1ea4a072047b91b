import Fluent
import Foundation
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

@Suite("The caregiver record: people, search, visibility and stale edits")
struct CaregiverRecordTests {
    @Test("A personnummer is checked, stored as 12 digits, and found only by an exact match; names are found case-insensitively")
    func personalIdentityNumbersAndSearch() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let today = CalendarDate(year: 2026, month: 3, day: 2)
            let asa = try await world.register(app, "Åsa Öberg", pin: "19121212-1212", today: today)
            #expect(asa.personalIdentityNumber == "191212121212")
            // Ten digits: the century follows from today.
            let bo = try await world.register(app, "Bo Ekström", pin: "850709-9805", today: today)
            #expect(bo.personalIdentityNumber == "198507099805")
            // A samordningsnummer adds 60 to the day.
            let coordination = try await world.register(app, "Amira Haddad", pin: "19121272-1219", today: today)
            #expect(coordination.personalIdentityNumber == "191212721219")
            try await world.register(app, "Åke Lindqvist", today: today)

            for (pin, key) in [("19121212-1213", "pin.check_digit"), ("19990230-1234", "pin.date"), ("1912121-1212", "pin.format"),
                               ("20300101-1234", "pin.date")] {
                let error = await refusal { try await world.register(app, "Fel Nummer", pin: pin, today: today) }
                #expect(error?.status == .unprocessableEntity, "\(pin)")
                #expect(error?.fieldProblems == [.init(field: "personalIdentityNumber", messageKey: key)], "\(pin)")
            }
            #expect(try await Caregiver.query(on: app.db).filter(\.$name == "Fel Nummer").count() == 0)

            // "121212-1212" would be read as born 2012: ten digits with a hyphen mean under 100 years.
            for query in ["19121212-1212", "191212121212", "121212+1212"] {
                let found = try await CaregiverService.search(query, for: world.consultant, on: app.db)
                #expect(found.rows.map(\.name) == ["Åsa Öberg"], "\(query)")
            }
            #expect(try await CaregiverService.search("19121272-1219", for: world.consultant, on: app.db).rows.map(\.name) == ["Amira Haddad"])
            #expect(try await CaregiverService.search("19850709-9805", for: world.consultant, on: app.db).total == 1)
            // A valid number nobody has finds nobody, not everybody.
            #expect(try await CaregiverService.search("19460713-7454", for: world.consultant, on: app.db).total == 0)

            #expect(try await CaregiverService.search("åsa", for: world.consultant, on: app.db).rows.map(\.name) == ["Åsa Öberg"])
            #expect(try await CaregiverService.search("ÖBERG", for: world.consultant, on: app.db).rows.map(\.name) == ["Åsa Öberg"])
            #expect(Set(try await CaregiverService.search("Å", for: world.consultant, on: app.db).rows.map(\.name)) == ["Åsa Öberg", "Åke Lindqvist"])
            #expect(try await CaregiverService.search("ström", for: world.consultant, on: app.db).rows.map(\.name) == ["Bo Ekström"])
            // Wildcards are not patterns.
            #expect(try await CaregiverService.search("%", for: world.consultant, on: app.db).total == 4)
            #expect(try await CaregiverService.search("_", for: world.consultant, on: app.db).total == 4)
        }
    }

    @Test("Staff see the caregivers of their unit's people and nobody else's; consultants see all; strategists and viewers see no one")
    func unitScopedVisibility() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let (inA, recipientA, relationshipA) = try await world.pair(app, "Anna Lund", caring: "Karl Lund", in: world.unitA)
            let (inB, recipientB, relationshipB) = try await world.pair(app, "Bertil Ås", caring: "Greta Ås", in: world.unitB)

            #expect(try await CaregiverAccess.caregiver(inA.id, for: world.staffA, on: app.db).name == "Anna Lund")
            #expect(try await CaregiverAccess.recipient(recipientA.id, for: world.staffA, on: app.db).name == "Karl Lund")
            #expect(await refusal { try await CaregiverAccess.caregiver(inB.id, for: world.staffA, on: app.db) }?.status == .notFound)
            #expect(await refusal { try await CaregiverAccess.recipient(recipientB.id, for: world.staffA, on: app.db) }?.status == .notFound)
            #expect(await refusal { try await CaregiverAccess.relationship(relationshipB.id, for: world.staffA, on: app.db) }?.status == .notFound)
            #expect(await refusal { try await world.consent(app, relationshipB, [.healthCondition], by: world.staffA) }?.status == .notFound)
            #expect(try await CaregiverService.search(nil, for: world.staffA, on: app.db).rows.map(\.name) == ["Anna Lund"])
            #expect(try await CaregiverService.search("Bertil", for: world.staffA, on: app.db).total == 0)
            #expect(try await CaregiverService.search(nil, for: world.caseOfficerB, on: app.db).rows.map(\.name) == ["Bertil Ås"])
            #expect(await refusal { try await CaregiverAccess.caregiver(inA.id, for: world.caseOfficerB, on: app.db) }?.status == .notFound)
            // Staff act on their own unit's people.
            try await world.consent(app, relationshipA, [.healthCondition], by: world.staffA)
            // Anna also cares for someone in unit B: Pia sees Anna, but not that person or what they consented to.
            let elsewhere = try await world.link(app, inA, recipientB)
            #expect(await refusal { try await CaregiverAccess.relationship(elsewhere.id, for: world.staffA, on: app.db) }?.status == .notFound)
            #expect(await refusal { try await world.consent(app, elsewhere, [.healthCondition], by: world.staffA) }?.status == .notFound)
            #expect(try await CaregiverService.search(nil, for: world.caseOfficerB, on: app.db).total == 2)
            try await world.consent(app, elsewhere, [.healthCondition], by: world.caseOfficerB)


            #expect(try await CaregiverService.search(nil, for: world.consultant, on: app.db).total == 2)
            _ = try await CaregiverAccess.caregiver(inB.id, for: world.consultant, on: app.db)

            // A caregiver registered by staff without a recipient belongs to their unit and stays in sight.
            let own = try await world.register(app, "Cecilia Strand", by: world.staffA)
            #expect(own.unitID == world.unitA.id)
            #expect(own.responsibleUserID == nil)
            #expect(try await CaregiverService.search(nil, for: world.staffA, on: app.db).total == 2)
            #expect(await refusal { try await CaregiverAccess.caregiver(own.id, for: world.caseOfficerB, on: app.db) }?.status == .notFound)

            for outsider in [world.strategist, world.viewer] {
                #expect(await refusal { try await CaregiverAccess.caregiver(inA.id, for: outsider, on: app.db) }?.status == .forbidden)
                #expect(await refusal { try await CaregiverService.search(nil, for: outsider, on: app.db) }?.status == .forbidden)
                #expect(await refusal { try await world.register(app, "Ny Person", by: outsider) }?.status == .forbidden)
                #expect(await refusal { try await CaregiverAccess.recipients(for: outsider, on: app.db) }?.status == .forbidden)
            }
        }
    }

    @Test("Another organisation's caregivers, recipients and relationships are not found, whatever the role")
    func notFoundAcrossOrganisations() async throws {
        try await withSynlig { app in
            let home = try await RecordWorld.make(app)
            let other = try await RecordWorld.make(app, name: "Grannkommun", code: "0181")
            let (caregiver, recipient, relationship) = try await home.pair(app, "Anna Lund", caring: "Karl Lund", in: home.unitA)
            let restriction = try await home.restrict(app, relationship, by: home.consultant)
            let intruder = other.consultant

            #expect(await refusal { try await CaregiverAccess.caregiver(caregiver.id, for: intruder, on: app.db) }?.status == .notFound)
            #expect(await refusal { try await CaregiverAccess.recipient(recipient.id, for: intruder, on: app.db) }?.status == .notFound)
            #expect(await refusal { try await CaregiverAccess.relationship(relationship.id, for: intruder, on: app.db) }?.status == .notFound)
            #expect(await refusal {
                try await CaregiverService.save(caregiver.id, CaregiverInput(name: "Kapad", preferredLanguage: "sv", interpreterNeed: InterpreterNeed.no.rawValue, version: 1),
                                                by: intruder, on: app.db)
            }?.status == .notFound)
            #expect(await refusal {
                try await CaregiverService.saveRecipient(recipient.id, RecipientInput(name: "Kapad", unitIds: [], patientContract: false, version: 1),
                                                         by: intruder, on: app.db)
            }?.status == .notFound)
            #expect(await refusal { try await other.consent(app, relationship, [.healthCondition]) }?.status == .notFound)
            #expect(await refusal { try await other.invite(app, relationship) }?.status == .notFound)
            #expect(await refusal { try await ConsentService.lift(restrictionID: try restriction.requireID(), reason: "x", by: intruder, on: app.db) }?
                .status == .notFound)
            #expect(await refusal {
                try await FollowUpService.addMemo(caregiverID: try caregiver.requireID(), text: "x", by: intruder, on: app.db)
            }?.status == .notFound)
            // Linking their own caregiver to our recipient does not work either.
            let theirs = try await other.register(app, "Främling")
            #expect(await refusal { try await other.link(app, theirs, recipient) }?.status == .notFound)
            #expect(try await CaregiverService.search("Anna", for: intruder, on: app.db).total == 0)
            #expect(try await Caregiver.find(caregiver.id, on: app.db)?.name == "Anna Lund")
            #expect(try await ConsentRecord.query(on: app.db).count() == 0)
            #expect(try await InvolvementRestriction.find(restriction.id, on: app.db)?.isActive == true)
        }
    }

    @Test("A stale edit of a caregiver, a recipient or a support plan is refused and the stored record is unchanged")
    func staleEditsRefused() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let caregiver = try await world.register(app, "Maria Andersson")
            let id = try caregiver.requireID()
            func edit(_ name: String, version: Int?) -> CaregiverInput {
                CaregiverInput(name: name, phone: "070-111 22 33", preferredLanguage: "sv", interpreterNeed: InterpreterNeed.no.rawValue, version: version)
            }
            let saved = try await CaregiverService.save(id, edit("Maria Andersson Berg", version: 1), by: world.consultant, on: app.db)
            #expect(saved.version == 2)
            let stale = await refusal { try await CaregiverService.save(id, edit("Maria A.", version: 1), by: world.consultant, on: app.db) }
            #expect(stale?.status == .conflict)
            #expect(stale?.messageKey == "error.stale_edit")
            #expect(await refusal { try await CaregiverService.save(id, edit("Maria A.", version: nil), by: world.consultant, on: app.db) }?
                .messageKey == "error.stale_edit")
            let stored = try #require(try await Caregiver.find(id, on: app.db))
            #expect(stored.name == "Maria Andersson Berg")
            #expect(stored.version == 2)

            let recipient = try await world.recipient(app, "Gösta Andersson", units: [world.unitA])
            func recipientEdit(_ name: String, version: Int) throws -> RecipientInput {
                RecipientInput(name: name, unitIds: [try world.unitA.requireID().uuidString], patientContract: true, version: version)
            }
            _ = try await CaregiverService.saveRecipient(recipient.id, try recipientEdit("Gösta Andersson d.ä.", version: 1), by: world.consultant, on: app.db)
            #expect(await refusal {
                try await CaregiverService.saveRecipient(recipient.id, try recipientEdit("Gösta A.", version: 1), by: world.staffA, on: app.db)
            }?.messageKey == "error.stale_edit")
            let storedRecipient = try #require(try await CareRecipient.find(recipient.id, on: app.db))
            #expect(storedRecipient.name == "Gösta Andersson d.ä.")
            #expect(storedRecipient.version == 2)

            func plan(_ outcomes: String, version: Int?) -> PlanInput {
                PlanInput(outcomes: outcomes, agreedSupport: "Avlösning varannan vecka", emergencyPlan: "Ring dottern Eva",
                          futurePlan: "Korttidsboende på sikt", reviewOn: CalendarDate.today().addingMonths(6).iso, version: version)
            }
            let first = try await FollowUpService.savePlan(caregiverID: id, plan("Sova en hel natt i veckan", version: nil), by: world.consultant, on: app.db)
            #expect(first.version == 1)
            _ = try await FollowUpService.savePlan(caregiverID: id, plan("Sova två hela nätter i veckan", version: 1), by: world.consultant, on: app.db)
            let stalePlan = await refusal {
                try await FollowUpService.savePlan(caregiverID: id, plan("Något annat", version: 1), by: world.consultant, on: app.db)
            }
            #expect(stalePlan?.status == .conflict)
            #expect(stalePlan?.messageKey == "error.stale_edit")
            let storedPlan = try #require(try await SupportPlan.query(on: app.db).filter(\.$caregiverID == id).first())
            #expect(storedPlan.outcomes == "Sova två hela nätter i veckan")
            #expect(storedPlan.version == 2)
            #expect(try await SupportPlan.query(on: app.db).count() == 1)
            #expect(try await openTasks(app, .planReview, of: caregiver).map(\.dueOn) == [CalendarDate.today().addingMonths(6).iso])
            let actions = try await auditActions(app)
            #expect(actions.filter { $0 == "caregiver.update" }.count == 1)
            #expect(actions.filter { $0 == "support_plan.update" }.count == 1)
        }
    }
}
