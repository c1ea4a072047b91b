import Fluent
import Foundation
import SynligCore
import Testing
import Vapor
@testable import SynligApp

/// The worklist is read a page at a time (issue 11): a consultant with thousands of open tasks
/// gets the soonest fifty, and can page through all of them with none twice and none missed.
@Suite("The worklist, a page at a time")
struct WorklistPagingTests {
    /// Open tasks with distinct due dates, so their order on the list is known. Tasks done by
    /// hand carry their id in the page (the done button), which lets the test read the order.
    struct Arranged {
        let world: RecordWorld
        /// Karin's tasks (hers and nobody's), soonest due first, as (id, is about a caregiver).
        let karinsInOrder: [UUID]
        let karinsCaregiverTasks: Int
        let piasTask: UUID
    }

    static func arrange(_ app: Application) async throws -> Arranged {
        let world = try await RecordWorld.make(app)
        let organisationID = try world.organisation.requireID()
        let caregiver = try await world.register(app, "Åsa Öberg")
        // Registering asks for a voluntariness follow-up; these tests arrange their own tasks.
        try await CaregiverTask.query(on: app.db).delete()
        let recipient = try await world.recipient(app, "Maj Ek", units: [world.unitA])
        let start = CalendarDate.today().addingDays(-40)
        var due: [(UUID, String)] = []
        var day = 0
        func nextDay() -> String {
            day += 1
            return start.addingDays(day).iso
        }
        // 60 of Karin's own, 30 nobody's, interleaved in time; 10 about the person cared for.
        func caregiverTask(due: String, assignee: UUID?, open: Bool = true) async throws -> CaregiverTask {
            let task = CaregiverTask()
            task.organisationID = organisationID
            task.caregiverID = try caregiver.requireID()
            task.kind = .coordinationSignal
            task.dueOn = due
            task.assigneeID = assignee
            task.open = open
            try await task.create(on: app.db)
            return task
        }
        for index in 0..<90 {
            let task = try await caregiverTask(due: nextDay(), assignee: index % 3 == 2 ? nil : world.consultant.id)
            due.append((try task.requireID(), task.dueOn))
        }
        for _ in 0..<10 {
            let task = RecipientTask()
            task.organisationID = organisationID
            task.recipientID = try recipient.requireID()
            task.kind = .drawUpCoordinatedPlan
            task.dueOn = nextDay()
            task.assigneeID = world.consultant.id
            task.subjectID = UUID()
            task.open = true
            try await task.create(on: app.db)
            due.append((try task.requireID(), task.dueOn))
        }
        // Someone else's task, and a closed one of Karin's: on neither page.
        let pias = try await caregiverTask(due: start.iso, assignee: world.staffA.id)
        _ = try await caregiverTask(due: start.iso, assignee: world.consultant.id, open: false)
        // Shuffled in the table, sorted on the list.
        return Arranged(world: world, karinsInOrder: due.sorted { $0.1 < $1.1 }.map(\.0), karinsCaregiverTasks: 90,
                        piasTask: try pias.requireID())
    }

    /// The task ids in the order the page lists them, from the done buttons.
    static func ids(in page: String) -> [UUID] {
        let pattern = /\/(?:caregivers|recipients)\/tasks\/([0-9A-Fa-f-]{36})\/done/
        return page.matches(of: pattern).compactMap { UUID(uuidString: String($0.1)) }
    }

    @Test("Pages of fifty in due order over the tasks about caregivers and about the people cared for, none twice, none missed")
    func pagesInDueOrder() async throws {
        try await withSynlig { app in
            let arranged = try await Self.arrange(app)
            let browser = Browser(app)
            try await browser.signIn("karin@0180.test.se")
            let first = try await browser.get("/caregivers/worklist")
            #expect(first.status == .ok)
            let firstPage = first.body.string
            #expect(firstPage.contains("100 uppgifter. Visar 1–50."))
            #expect(firstPage.contains(#"href="/caregivers/worklist?page=2""#))
            #expect(!firstPage.contains("Föregående sida"))
            let second = try await browser.get("/caregivers/worklist?page=2").body.string
            #expect(second.contains("Visar 51–100."))
            #expect(second.contains(#"href="/caregivers/worklist?page=1""#))
            #expect(!second.contains("Nästa sida"))
            #expect(Self.ids(in: firstPage) + Self.ids(in: second) == arranged.karinsInOrder)
            #expect(!(firstPage + second).contains(arranged.piasTask.uuidString))
            // A page past the end is empty, not an error.
            let beyond = try await browser.get("/caregivers/worklist?page=9")
            #expect(beyond.status == .ok && Self.ids(in: beyond.body.string).isEmpty)
        }
    }

    @Test("Filters and the order by kind carry over to the next page")
    func filtersCarryOver() async throws {
        try await withSynlig { app in
            let arranged = try await Self.arrange(app)
            let browser = Browser(app)
            try await browser.signIn("karin@0180.test.se")
            let overdue = try await browser.get("/caregivers/worklist?due=overdue&sort=kind").body.string
            // 39 days lie before today: tasks 1–39 are overdue, the person's tasks (days 91–100) not.
            #expect(overdue.contains("39 uppgifter."))
            #expect(Self.ids(in: overdue) == Array(arranged.karinsInOrder.prefix(39)))
            let byKind = try await browser.get("/caregivers/worklist?sort=kind").body.string
            #expect(byKind.contains(#"href="/caregivers/worklist?sort=kind&amp;page=2""#))
            // By stored kind: coordinationSignal before drawUpCoordinatedPlan, each by due date.
            let byKindSecond = try await browser.get("/caregivers/worklist?sort=kind&page=2").body.string
            #expect(Self.ids(in: byKind) + Self.ids(in: byKindSecond) == arranged.karinsInOrder)
            let people = try await browser.get("/caregivers/worklist?kind=drawUpCoordinatedPlan").body.string
            #expect(Self.ids(in: people) == Array(arranged.karinsInOrder.suffix(10)))
        }
    }

    @Test("Counting stops past the cap, so a long list costs no more than a short one; the API's total stays exact")
    func countToCap() async throws {
        try await withSynlig { app in
            let arranged = try await Self.arrange(app)
            let query = try await WorklistQuery.make(for: arranged.world.consultant, on: app.db)
            #expect(try await query.count(on: app.db) == 100)
            #expect(try await query.count(upTo: 10, on: app.db) == 11, "one past the cap says 'more than'")
            #expect(try await query.count(upTo: 100, on: app.db) == 100)
            let overdue = try await WorklistQuery.make(for: arranged.world.consultant, due: .overdue, on: app.db)
            #expect(try await overdue.count(on: app.db) == 39)
            // Pia sees only her own task, and only about people she may see.
            let pia = try await WorklistQuery.make(for: arranged.world.staffA, on: app.db)
            #expect(try await pia.count(on: app.db) == 0, "the caregiver is outside Pia's unit")

            let api = try await APIClient.signedIn(app, "karin@0180.test.se")
            let page = try await api.send(.GET, "/api/v1/worklist?per=20&page=5").decoded(API.Page<API.CaregiverTaskOut>.self)
            #expect(page.total == arranged.karinsCaregiverTasks, "the API lists the tasks about caregivers")
            #expect(page.items.map(\.id) == Array(arranged.karinsInOrder.prefix(90).dropFirst(80)))
            #expect(page.items.allSatisfy { $0.caregiverName == "Åsa Öberg" && $0.open })
        }
    }
}
