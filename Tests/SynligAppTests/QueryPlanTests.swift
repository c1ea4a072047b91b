import Fluent
import FluentSQL
import NIOConcurrencyHelpers
import SQLKit
import SynligCore
import Testing
import Vapor
@testable import SynligApp

/// Hot queries must use their index, so a missing index fails here rather than for a user
/// with a long worklist. Each plan is of the SQL the app's own query builder produces, with
/// its real parameters, so the test and the page cannot drift apart.
@Suite("Query plans of hot queries")
struct QueryPlanTests {
    /// Turns a Fluent query into SQL as the driver would; the app's queries use no custom types,
    /// so the plain delegate renders them as the drivers do.
    struct PlainConverterDelegate: SQLConverterDelegate {
        func customDataType(_ dataType: DatabaseSchema.DataType) -> (any SQLExpression)? { nil }
    }

    /// The plan of a query built by the app, on either database. PostgreSQL is told to avoid
    /// sequential scans for the check, since on a near-empty table it would rightly prefer one.
    static func plan<M: Model>(of query: QueryBuilder<M>, on db: any Database) async throws -> String {
        // Fluent names the columns only when it runs the query; every column is what it reads.
        var read = query.query
        if read.fields.isEmpty { read.fields = [.custom(SQLLiteral.all)] }
        return try await plan(of: SQLQueryConverter(delegate: PlainConverterDelegate()).convert(read), on: db)
    }

    /// The plan of a statement built with SQLKit, as the statistics build theirs.
    static func plan(of statement: any SQLExpression, on db: any Database) async throws -> String {
        try await db.transaction { tx in
            let sql = try #require(tx as? any SQLDatabase)
            let lines = NIOLockedValueBox<[String]>([])
            let (explain, column) = TestDatabase.isPostgres ? ("EXPLAIN", "QUERY PLAN") : ("EXPLAIN QUERY PLAN", "detail")
            if TestDatabase.isPostgres { try await sql.raw("SET LOCAL enable_seqscan = off").run() }
            try await sql.execute(sql: SQLList([SQLRaw(explain), statement], separator: SQLRaw(" "))) { row in
                let line = (try? row.decode(column: column, as: String.self)) ?? ""
                lines.withLockedValue { $0.append(line) }
            }
            return lines.withLockedValue { $0 }.joined(separator: "\n")
        }
    }

    @Test("A page of the worklist is read from its indexes in due order or by kind, with nothing sorted per request")
    func caregiverWorklist() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            // Pia sees one person through her unit, so her list is narrowed to a real set.
            let recipient = try await world.recipient(app, "Maj", units: [world.unitA])
            _ = try await world.link(app, try await world.register(app, "Åsa"), recipient)
            for (order, index) in [(WorklistQuery.Order.due, "due_order_idx"), (.kind, "kind_order_idx")] {
                let consultant = try await WorklistQuery.make(for: world.consultant, on: app.db)
                let plan = try await Self.plan(of: try #require(consultant.pageStatement(offset: 50, limit: 50, order: order)), on: app.db)
                if TestDatabase.isPostgres {
                    // Without statistics PostgreSQL may take either of the two; both lead with the assignee.
                    #expect(plan.contains("caregiver_tasks_") && plan.contains("recipient_tasks_") && plan.contains("_order_idx"), "\(plan)")
                } else {
                    #expect(plan.contains("caregiver_tasks_\(index)") && plan.contains("recipient_tasks_\(index)"), "\(plan)")
                    // SQLite merges the ranges in order; a temporary B-tree would sort every task of the user.
                    #expect(!plan.contains("TEMP B-TREE"), "\(plan)")
                }
            }
            // A staff member's list is narrowed to the people they see: either index serves it.
            let staff = try await WorklistQuery.make(for: world.staffA, on: app.db)
            let plan = try await Self.plan(of: try #require(staff.pageStatement(offset: 0, limit: 50, order: .due)), on: app.db)
            #expect(plan.contains("caregiver_tasks_due_order_idx") || plan.contains("caregiver_tasks_caregiver_idx")
                    || plan.contains("caregiver_tasks_kind_order_idx"), "\(plan)")
        }
    }

    @Test("Searching by personnummer, and the unit-scoped list of a staff member, use their indexes")
    func caregiverSearchAndVisibility() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            // Several indexes start with the organisation: with no statistics PostgreSQL cannot
            // tell them apart, so it is given those of a few caregivers of one organisation.
            for name in ["Åke", "Berit", "Cilla"] { _ = try await world.register(app, name) }
            if TestDatabase.isPostgres { try await (app.db as? any SQLDatabase)?.raw("ANALYZE caregivers").run() }
            let byNumber = try await CaregiverService.searchQuery("19121212-1212", for: world.consultant, on: app.db)
            let plan = try await Self.plan(of: byNumber, on: app.db)
            #expect(plan.contains("caregivers_org_pin_idx"), "\(plan)")
            // Staff see the people linked to their units: each caregiver or person cared for is
            // checked through its own relationships and unit links by index, never by a scan.
            let recipient = try await world.recipient(app, "Maj", units: [world.unitA])
            _ = try await world.link(app, try await world.register(app, "Åsa"), recipient)
            for (name, query) in [("caregivers", try await Self.plan(of: CaregiverAccess.caregivers(for: world.staffA, on: app.db), on: app.db)),
                                  ("recipients", try await Self.plan(of: CaregiverAccess.recipients(for: world.staffA, on: app.db), on: app.db))] {
                for table in ["care_relationships", "care_recipient_units", "caregivers"] {
                    #expect(!query.contains("Seq Scan on \(table) v"), "\(name): \(query)")
                }
                for alias in ["vr", "vu", "vc"] { #expect(!query.contains("SCAN \(alias)"), "\(name): \(query)") }
            }
        }
    }

    @Test("A page of the register is read in name order from its index, not sorted per request")
    func caregiverListOrder() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            for name in ["Åke", "Berit", "Cilla"] { _ = try await world.register(app, name) }
            if TestDatabase.isPostgres { try await (app.db as? any SQLDatabase)?.raw("ANALYZE caregivers").run() }
            let register = try await CaregiverService.searchQuery(nil, for: world.consultant, on: app.db)
            let plan = try await Self.plan(of: CaregiverService.inListOrder(register, limit: 50, offset: 50), on: app.db)
            #expect(plan.contains("caregivers_org_name_order_idx"), "\(plan)")
            // SQLite says when it sorts the rows itself; at 100,000 caregivers that cost 3 s a page.
            #expect(!plan.contains("TEMP B-TREE"), "\(plan)")
        }
    }

    @Test("The statistics count one organisation's caregivers of a period through the registration index")
    func statisticsByRegistration() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            _ = try await world.register(app, "Åsa")
            let sql = try #require(app.db as? any SQLDatabase)
            let scope = StatisticsScope(organisationID: try world.organisation.requireID(), unitID: nil, period: try #require(StatisticsPeriod.year(2026)))
            let plan = try await Self.plan(of: StatisticsService.newPerUnitQuery(sql, scope).query, on: app.db)
            #expect(plan.contains("caregivers_org_registered_idx"), "\(plan)")
        }
    }

    @Test("A relationship's invitations are read through the relationship, not through the organisation in date order")
    func relationshipInvitations() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let (_, _, relationship) = try await world.pair(app, "Åsa", caring: "Maj", in: world.unitA)
            let query = MeetingInvitation.scoped(to: try world.organisation.requireID(), on: app.db)
                .filter(\.$relationshipID ~~ [try relationship.requireID()]).sort(\.$meetingOn, .descending).sort(\.$createdAt, .descending)
            let plan = try await Self.plan(of: query, on: app.db)
            #expect(plan.contains("meeting_invitations_relationship_idx"), "\(plan)")
        }
    }

    @Test("The start page finds a user's due actions, goal follow-ups and draft sheets by index")
    func startPageWorklists() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let today = CalendarDate.today()
            let actions = try await Self.plan(of: PlanningWorklist.dueActions(for: world.strategist, today: today, on: app.db), on: app.db)
            #expect(actions.contains("plan_actions_owner_due_idx"), "\(actions)")
            let goals = try await Self.plan(of: PlanningWorklist.dueGoalFollowUps(for: world.strategist, today: today, on: app.db), on: app.db)
            #expect(goals.contains("goals_owner_follow_up_idx"), "\(goals)")
            let sheets = try await Self.plan(of: MappingWorklist.draftSheets(for: world.staffA, on: app.db), on: app.db)
            #expect(sheets.contains("mapping_responses_respondent_idx"), "\(sheets)")
        }
    }

    @Test("The access-log review reads one page, newest first, by index")
    func accessLogReview() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            for before in [nil, Date()] as [Date?] {
                let page = PrivacyReviewController.accessLogPage(organisationID: try world.organisation.requireID(), before: before, on: app.db)
                let plan = try await Self.plan(of: page, on: app.db)
                #expect(plan.contains("access_log_organisation_time_idx"), "\(plan)")
            }
        }
    }

    @Test("A mapping's answers, a relationship's consents and the memo purge use their indexes")
    func recordDetails() async throws {
        try await withSynlig { app in
            let id = UUID()
            let answers = MappingAnswer.query(on: app.db).filter(\.$mappingID == id)
            let plan3 = try await Self.plan(of: answers, on: app.db)
            #expect(plan3.contains("mapping_answers_mapping_item_idx"), "\(plan3)")
            let consents = ConsentRecord.query(on: app.db).filter(\.$relationshipID == id)
            let plan4 = try await Self.plan(of: consents, on: app.db)
            #expect(plan4.contains("consents_relationship_idx"), "\(plan4)")
            let purge = MemoNote.query(on: app.db).filter(\.$purgeAfter <= Date())
            let plan5 = try await Self.plan(of: purge, on: app.db)
            #expect(plan5.contains("memo_notes_purge_idx"), "\(plan5)")
        }
    }
}
