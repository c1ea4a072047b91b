import Fluent
import Foundation
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

/// Consent and information kept current, and children in the household (issue 16): the review
/// of a consent stance, information given within the consent, information planned ahead, and
/// the prompt and task when there are minor children at home.
@Suite("The caregiver record over time: consent reviewed, information given, children at home")
struct CaregiverCurrentTests {
    let seedReviewReason = "kan den enskildes ställningstagande behöva följas upp så det fortfarande är aktuellt"
    let seedSecrecy = "kan anhöriga behöva information och stöd, utan att sekretess eller tystnadsplikt bryts"
    let seedChildren = "skyldiga att särskilt beakta barns behov av information, råd och stöd"

    @discardableResult
    func consent(_ app: Application, _ world: RecordWorld, _ relationship: CareRelationship, _ categories: [ConsentCategory],
                 on day: CalendarDate) async throws -> ConsentRecord {
        try await ConsentService.record(relationshipID: try relationship.requireID(),
                                        ConsentInput(kind: "consent", categories: categories.map(\.rawValue), form: "oral", date: day.iso),
                                        by: world.consultant, on: app.db)
    }

    @Test("A stance older than the review interval is on the worklist with its age; reviewed unchanged from the record it is a new dated entry and the task clears")
    func consentReviewFromTheWorklist() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let today = CalendarDate.today()
            let (caregiver, _, relationship) = try await world.pair(app, "Lena Nilsson", caring: "Gösta Nilsson", in: world.unitA)
            let stance = today.addingMonths(-14)
            try await consent(app, world, relationship, [.healthCondition, .careAndServices], on: stance)
            let review = try await openTasks(app, .consentReview, of: caregiver)
            #expect(review.count == 1)
            #expect(review.first?.subjectID == relationship.id)
            #expect(review.first?.dueOn == stance.addingMonths(12).iso)

            let browser = Browser(app)
            try await browser.signIn("karin@0180.test.se")
            let worklist = try await browser.get(SiteURL.caregiverWorklist.path + "?kind=consentReview").body.string
            #expect(worklist.contains("Följ upp samtycket"))
            #expect(worklist.contains("Ställningstagandet är 14 månader gammalt."))
            #expect(worklist.contains("Lena Nilsson"))

            let recordPath = SiteURL.caregiver(try caregiver.requireID()).path
            let record = try await browser.get(recordPath).body.string
            #expect(record.contains("Ställningstagandet är 14 månader gammalt."))
            #expect(record.contains(seedReviewReason))
            let reviewAction = SiteURL.consentReview(try relationship.requireID()).path
            let reviewed = try await browser.submitForm(on: recordPath, action: reviewAction)
            #expect(reviewed.status == .seeOther)
            #expect(reviewed.headers.first(name: .location) == recordPath)

            let history = try await ConsentRecord.query(on: app.db).filter(\.$relationshipID == relationship.requireID()).sort(\.$sequence).all()
            #expect(history.count == 2)
            #expect(history.last?.review == true)
            #expect(history.last?.date == today.iso)
            #expect(history.last?.categories == [.healthCondition, .careAndServices])
            #expect(history.last?.documentedBy == world.consultant.id)
            #expect(try await CaregiverTask.find(review.first?.id, on: app.db)?.open == false)
            let next = try await openTasks(app, .consentReview, of: caregiver)
            #expect(next.map(\.dueOn) == [today.addingMonths(12).iso])
            #expect(try await auditActions(app).contains("consent.review"))
            let after = try await browser.get(recordPath).body.string
            #expect(after.contains("Ställningstagandet är 0 månader gammalt."))
            #expect(!after.contains(seedReviewReason))

            // A review that began before another entry was recorded is stale.
            let api = try await APIClient.signedIn(app, "karin@0180.test.se")
            let stale = try await api.send(.POST, "/api/v1/relationships/\(try relationship.requireID())/consent-reviews", json: json(["sequence": 1]))
            #expect(stale.status == .conflict)
            let fresh = try await api.send(.POST, "/api/v1/relationships/\(try relationship.requireID())/consent-reviews", json: json(["sequence": 2]))
            #expect(fresh.status == .created)
            #expect(try fresh.decoded(API.ConsentOut.self).review)
            // Changing the stance is a review too: a withdrawal moves the next review on from today.
            try await world.withdraw(app, relationship)
            #expect(try await openTasks(app, .consentReview, of: caregiver).map(\.dueOn) == [today.addingMonths(12).iso])
        }
    }

    @Test("A database upgraded with stances recorded before reviews existed gets a review task for each")
    func upgradeSchedulesExistingStances() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let (_, _, relationship) = try await world.pair(app, "Alma Ek", caring: "Arne Ek", in: world.unitA)
            try await consent(app, world, relationship, [.careAndServices], on: CalendarDate.today().addingMonths(-13))
            // As before the upgrade: the stance is there, its review task is not.
            try await CaregiverTask.query(on: app.db).filter(\.$kind == .consentReview).delete()
            try await ScheduleReviewsOfExistingStances().prepare(on: app.db)
            let tasks = try await CaregiverTask.query(on: app.db).filter(\.$kind == .consentReview).filter(\.$open == true).all()
            #expect(tasks.count == 1)
            #expect(tasks.first?.subjectID == relationship.id)
            #expect(tasks.first.flatMap { CalendarDate($0.dueOn) }.map { $0 < CalendarDate.today() } == true, "a 13-month-old stance is overdue")
        }
    }

    @Test("The organisation sets how often stances are reviewed; the next reviews move with it and a bad interval is refused at its field")
    func reviewInterval() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let today = CalendarDate.today()
            let (caregiver, _, relationship) = try await world.pair(app, "Olle Svensson", caring: "Ingrid Svensson", in: world.unitA)
            try await consent(app, world, relationship, ConsentCategory.allCases, on: today.addingMonths(-2))
            let browser = Browser(app)
            try await browser.signIn("karin@0180.test.se")
            let settings = SiteURL.caregiverSettings.path
            let form = try BrowserForm(html: try await browser.get(settings).body.string, action: settings)
            #expect(form.value("consentReviewMonths") == "12")
            let bad = try await browser.submitForm(on: settings, typing: [("consentReviewMonths", "99")])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("Ange ett antal månader mellan 1 och 36."))
            let saved = try await browser.submitForm(on: settings, typing: [("consentReviewMonths", "1")])
            #expect(saved.status == .seeOther)
            let task = try #require(try await openTasks(app, .consentReview, of: caregiver).first)
            #expect(task.dueOn == today.addingMonths(-1).iso)
            #expect(try await CaregiverTask.query(on: app.db).filter(\.$kind == .consentReview).count() == 1)
        }
    }

    @Test("Information within the consent is recorded with who gave it; about the person cared for outside the consent it is refused with the seed's words on what secrecy does not stop")
    func informationWithinConsent() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let (caregiver, _, relationship) = try await world.pair(app, "Jonas Holm", caring: "Eva Holm", in: world.unitA)
            try await consent(app, world, relationship, [.healthCondition], on: .today())
            let caregiverID = try caregiver.requireID(), relationshipID = try relationship.requireID()
            var api = try await APIClient.signedIn(app, "karin@0180.test.se")
            api.language = "sv"
            let path = "/api/v1/caregivers/\(caregiverID)/information"

            let outside = try await api.send(.POST, path, json: json(["topic": "personsCare", "scope": "careAndServices",
                                                                     "relationshipId": relationshipID.uuidString]))
            #expect(outside.status == .unprocessableEntity)
            #expect(outside.fieldProblems["scope"]?.contains(seedSecrecy) == true)
            #expect(outside.fieldProblems["scope"]?.contains("medarbetare hjälper anhöriga att förstå vad olika diagnoser innebär") == true)
            let noRelationship = try await api.send(.POST, path, json: json(["topic": "personsHealth", "scope": "healthCondition"]))
            #expect(noRelationship.fieldProblems.keys.sorted() == ["relationshipId"])
            let badInput = try await api.send(.POST, path, json: json(["topic": "gossip", "givenOn": "2999-01-01"]))
            #expect(badInput.status == .unprocessableEntity)
            #expect(badInput.fieldProblems.keys.sorted() == ["givenOn", "topic"])
            let otherNeedsText = try await api.send(.POST, path, json: json(["topic": "other"]))
            #expect(otherNeedsText.fieldProblems.keys.sorted() == ["topicText"])
            #expect(try await api.send(.POST, path, json: json(["topic": "supportOffers", "secret": "x"])).status == .badRequest)
            #expect(try await CaregiverInformation.query(on: app.db).count() == 0)

            let general = try await api.send(.POST, path, json: json(["topic": "conditionInGeneral", "topicText": "Vad demens innebär"]))
            #expect(general.status == .created)
            let within = try await api.send(.POST, path, json: json(["topic": "personsHealth", "scope": "healthCondition",
                                                                    "relationshipId": relationshipID.uuidString]))
            #expect(within.status == .created)
            let entry = try within.decoded(API.InformationOut.self)
            #expect(entry.givenByUserId == world.consultant.id)
            #expect(entry.givenOn == CalendarDate.today().iso)
            #expect(try await auditActions(app).filter { $0 == "information.record" }.count == 2)

            let logged = try await AccessLogEntry.query(on: app.db).filter(\.$recordID == caregiverID).count()
            let list = try await api.send(.GET, path)
            #expect(try list.decoded(API.InformationHistoryOut.self).entries.map(\.topic) == [.personsHealth, .conditionInGeneral])
            #expect(try await AccessLogEntry.query(on: app.db).filter(\.$recordID == caregiverID).count() == logged + 1)

            // The page's form, as a browser sends it: general information first, a topic to choose.
            let browser = Browser(app)
            try await browser.signIn("karin@0180.test.se")
            let page = SiteURL.caregiverPart(caregiverID, .informationNew).path
            let offered = try BrowserForm(html: try await browser.get(page).body.string, action: page)
            #expect(offered.options["scope"]?.first == "general")
            #expect(offered.options["relationshipId"] == ["", relationshipID.uuidString])
            #expect(try await browser.submitForm(on: page).status == .unprocessableEntity)
            let refused = try await browser.submitForm(on: page, typing: [("topic", "personsCare"), ("scope", "careAndServices"),
                                                                          ("relationshipId", relationshipID.uuidString)])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains(seedSecrecy))
            let given = try await browser.submitForm(on: page, typing: [("topic", "supportOffers"), ("topicText", "Anhöriggruppen")])
            #expect(given.status == .seeOther)
            let stored = try #require(try await CaregiverInformation.query(on: app.db).filter(\.$topic == .supportOffers).first())
            #expect(stored.scope == .general)
            #expect(stored.relationshipID == nil)
            let record = try await browser.get(SiteURL.caregiver(caregiverID).path).body.string
            #expect(record.contains("Stöd som finns att söka: Anhöriggruppen"))
        }
    }

    @Test("The next information occasion is planned on the worklist and clears when the information is given")
    func plannedInformation() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let today = CalendarDate.today()
            let caregiver = try await world.register(app, "Gerd Ek")
            let caregiverID = try caregiver.requireID()
            let browser = Browser(app)
            try await browser.signIn("karin@0180.test.se")
            let page = SiteURL.caregiverPart(caregiverID, .informationNext).path
            #expect(try await browser.submitForm(on: page, typing: [("nextOn", today.iso)]).status == .unprocessableEntity)
            #expect(try await browser.submitForm(on: page, typing: [("nextOn", "snart")]).status == .unprocessableEntity)
            #expect(try await browser.submitForm(on: page, typing: [("nextOn", today.addingDays(10).iso)]).status == .seeOther)
            #expect(try await openTasks(app, .informationDue, of: caregiver).map(\.dueOn) == [today.addingDays(10).iso])
            let worklist = try await browser.get(SiteURL.caregiverWorklist.path + "?due=soon").body.string
            #expect(worklist.contains("Ge planerad information"))
            #expect(worklist.contains("Gerd Ek"))
            #expect(try await browser.get(SiteURL.caregiver(caregiverID).path).body.string.contains("Nästa informationstillfälle:"))

            let api = try await APIClient.signedIn(app, "karin@0180.test.se")
            let moved = try await api.send(.PUT, "/api/v1/caregivers/\(caregiverID)/information-schedule", json: json(["nextOn": today.addingDays(20).iso]))
            #expect(moved.status == .ok)
            #expect(try await openTasks(app, .informationDue, of: caregiver).map(\.dueOn) == [today.addingDays(20).iso])
            let given = try await api.send(.POST, "/api/v1/caregivers/\(caregiverID)/information",
                                           json: json(["topic": "supportOffers", "nextOn": today.addingMonths(3).iso]))
            #expect(given.status == .created)
            #expect(try await openTasks(app, .informationDue, of: caregiver).map(\.dueOn) == [today.addingMonths(3).iso])
            _ = try await api.send(.POST, "/api/v1/caregivers/\(caregiverID)/information", json: json(["topic": "supportOffers"]))
            #expect(try await openTasks(app, .informationDue, of: caregiver).isEmpty)
            #expect(try await CaregiverTask.query(on: app.db).filter(\.$kind == .informationDue).filter(\.$open == false).count() == 2)
        }
    }

    @Test("Children at home start as not stated; stated, they give the seed's prompt with support for children as relatives and a task that information to the children clears")
    func childrenAtHome() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let caregiver = try await world.register(app, "Anna Berg")
            let caregiverID = try caregiver.requireID()
            #expect(caregiver.childrenInHousehold == .notStated)
            func offering(_ name: String, _ groups: [SupportTargetGroup]) -> OfferingInput {
                OfferingInput(name: name, kind: SupportKind.supportGroup.rawValue, provider: "region", providerName: "Region Test", civilSocietyId: nil,
                              targetGroups: groups.map(\.rawValue), needsAssessment: false, cost: "Kostnadsfritt", languages: ["sv"],
                              interpreter: false, accessibility: nil, address: nil, schedule: nil, phone: nil, email: nil, website: nil,
                              description: "Om \(name)", eligibility: nil, lastChecked: CalendarDate.today().iso, published: true, version: nil)
            }
            _ = try await SupportService.save(nil, offering("Barngruppen Ekorren", [.childrenAsRelatives]), by: world.consultant, on: app.db)
            _ = try await SupportService.save(nil, offering("Demenscaféet", [.dementia]), by: world.consultant, on: app.db)

            let browser = Browser(app)
            try await browser.signIn("karin@0180.test.se")
            let page = SiteURL.caregiverPart(caregiverID, .children).path
            let offered = try BrowserForm(html: try await browser.get(page).body.string, action: page)
            #expect(offered.options["situation"]?.first == "notStated")
            #expect(try await browser.submitForm(on: page).status == .seeOther)
            #expect(try await Caregiver.find(caregiverID, on: app.db)?.childrenInHousehold == .notStated)
            #expect(try await openTasks(app, .childrenSupport, of: caregiver).isEmpty)
            #expect(try await browser.submitForm(on: page, typing: [("situation", "caregiversChildren"), ("count", "många")]).status == .unprocessableEntity)
            #expect(try await browser.submitForm(on: page, typing: [("situation", "none"), ("count", "2")]).status == .unprocessableEntity)
            #expect(try await browser.submitForm(on: page, typing: [("situation", "caregiversChildren"), ("count", "2")]).status == .seeOther)
            let stored = try #require(try await Caregiver.find(caregiverID, on: app.db))
            #expect(stored.childrenInHousehold == .caregiversChildren)
            #expect(stored.childrenCount == 2)
            #expect(try await openTasks(app, .childrenSupport, of: caregiver).count == 1)

            let record = try await browser.get(SiteURL.caregiver(caregiverID).path).body.string
            #expect(record.contains(seedChildren))
            #expect(record.contains("Barngruppen Ekorren"))
            #expect(!record.contains("Demenscaféet"))
            #expect(record.contains("2 barn"))

            // A stale edit through the API is refused; information to the children clears the task.
            let api = try await APIClient.signedIn(app, "karin@0180.test.se")
            let stale = try await api.send(.PUT, "/api/v1/caregivers/\(caregiverID)/children", json: json(["situation": "both", "version": 1]))
            #expect(stale.status == .conflict)
            let read = try await api.send(.GET, "/api/v1/caregivers/\(caregiverID)/children")
            #expect(try read.decoded(API.ChildrenOut.self).situation == .caregiversChildren)
            let informed = try await browser.submitForm(on: SiteURL.caregiverPart(caregiverID, .informationNew).path + "?topic=childrenSupport",
                                                        action: SiteURL.caregiverPart(caregiverID, .informationNew).path)
            #expect(informed.status == .seeOther)
            #expect(try await openTasks(app, .childrenSupport, of: caregiver).isEmpty)
            #expect(try await auditActions(app).contains("children.update"))

            // The public catalogue filters on the new target group.
            let children = try await app.testing().sendRequest(.GET, "/stod/0180?group=childrenAsRelatives").body.string
            #expect(children.contains("Barngruppen Ekorren"))
            #expect(!children.contains("Demenscaféet"))
            #expect(children.contains("Barn som anhöriga"))
        }
    }

    @Test("The register extract holds the information given, the children at home and the reviewed consent entries")
    func registerExtract() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let (caregiver, _, relationship) = try await world.pair(app, "Maja Lind", caring: "Rut Lind", in: world.unitA)
            let caregiverID = try caregiver.requireID()
            try await consent(app, world, relationship, ConsentCategory.allCases, on: CalendarDate.today().addingMonths(-13))
            _ = try await ConsentService.confirmUnchanged(relationshipID: try relationship.requireID(), sequence: 1, by: world.consultant, on: app.db)
            _ = try await InformationService.record(caregiverID: caregiverID, InformationInput(topic: "personsCare", topicText: "Ny hemtjänstplan",
                                                    scope: "careAndServices", relationshipId: try relationship.requireID().uuidString),
                                                    by: world.consultant, on: app.db)
            _ = try await InformationService.saveChildren(caregiverID: caregiverID, ChildrenInput(situation: "recipientsChildren", version: caregiver.version),
                                                          by: world.consultant, on: app.db)
            let extract = try await RegisterExtractService.make(.caregiver, id: caregiverID, organisationID: world.organisation.requireID(), on: app.db)
            let information = try #require(extract.sections.first { $0.table == "caregiver_information" })
            #expect(information.needsSecrecyAssessment)
            #expect(information.rows.first?["topic_text"] == .text("Ny hemtjänstplan"))
            #expect(information.rows.first?["scope"] == .text("careAndServices"))
            let own = try #require(extract.sections.first { $0.table == "caregivers" })
            #expect(own.rows.first?["children_in_household"] == .text("recipientsChildren"))
            let consents = try #require(extract.sections.first { $0.table == "consents" })
            #expect(consents.rows.map { $0["review"] }.contains(.flag(true)))

            let browser = Browser(app)
            try await browser.signIn("karin@0180.test.se")
            let page = try await browser.get(SiteURL.caregiverPart(caregiverID, .extract).path).body.string
            #expect(page.contains("Information till den anhörige"))
            #expect(page.contains("Ny hemtjänstplan"))
        }
    }

    @Test("The statistics count caregivers with children at home and information given in the period, small counts withheld as the rest")
    func statistics() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let today = CalendarDate.today()
            for index in 0..<14 {
                // Registered a year back: counts of people are placed by category only after a
                // whole quarter in which at least five came in (`StockSettlement`).
                let caregiver = try await world.register(app, "Statistikperson \(index)", today: today.addingDays(-366))
                let situation: ChildrenInHousehold = index < 8 ? .caregiversChildren : index < 10 ? .both : .none
                _ = try await InformationService.saveChildren(caregiverID: try caregiver.requireID(),
                                                              ChildrenInput(situation: situation.rawValue, version: caregiver.version),
                                                              by: world.consultant, on: app.db)
                if index < 7 {
                    _ = try await InformationService.record(caregiverID: try caregiver.requireID(), InformationInput(topic: "supportOffers"),
                                                            by: world.consultant, on: app.db)
                }
            }
            let report = try await StatisticsTests().report(app, world, String(today.year))
            let children = StatisticsTests().counts(report, .childrenInHousehold)
            #expect(children["caregiversChildren"] == .count(8))
            #expect(children["both"] != .count(2), "two caregivers are too few to publish")
            let information = Dictionary(uniqueKeysWithValues: (report.activities.first { $0.kind == .informationGiven }?.categories ?? [])
                .map { ($0.key, $0.count) })
            #expect(information["supportOffers"] == .count(7))
            let earlier = try await StatisticsTests().report(app, world, String(today.year - 1))
            #expect(earlier.activities.first { $0.kind == .informationGiven }?.total == .count(0), "information belongs to the period it was given in")
        }
    }
}
