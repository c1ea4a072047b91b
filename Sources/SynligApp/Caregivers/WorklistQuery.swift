import Fluent
import SQLKit
import SynligCore
import Vapor

/// A user's open tasks — about caregivers and about the people they care for — read as one list
/// in SQL: the columns the list shows and the person's name, never whole rows, one page at a
/// time, in an order an index gives. A page then costs the same whether the user has thirty
/// tasks or thirty thousand (issue 11); only counting grows, and the page counts to a cap.
struct WorklistQuery: Sendable {
    enum Due: String, Sendable { case any, overdue, soon }
    /// By due date, or grouped by kind (its stored name) and then by due date.
    enum Order: Sendable { case due, kind }

    /// One task as the list shows it.
    struct Entry: Decodable, Sendable {
        /// `c` a task about a caregiver, `r` one about the person cared for.
        var source: String
        var id: UUID
        /// The caregiver or the person cared for.
        var person_id: UUID
        var kind: String
        var due_on: String
        var subject_id: UUID?
        var assignee_id: UUID?
        var name: String

        var isAboutCaregiver: Bool { source == "c" }
    }

    private enum Source: String {
        case caregiver = "c", recipient = "r"
        var table: String { self == .caregiver ? CaregiverTask.schema : RecipientTask.schema }
        var personColumn: String { self == .caregiver ? "caregiver_id" : "recipient_id" }
        var people: String { self == .caregiver ? Caregiver.schema : CareRecipient.schema }
    }

    private let organisationID: UUID
    private let userID: UUID
    /// Consultants also see the tasks nobody is assigned to.
    private let includesUnassigned: Bool
    /// For a unit-scoped user, SQL that holds for a task about someone they may see
    /// (`CaregiverAccess.visibleCaregiver` and `visibleRecipient` on the task's person); nil for
    /// the whole organisation.
    private let visibleCaregiver: SQLQueryString?, visibleRecipient: SQLQueryString?
    /// A unit-scoped user with no unit sees nobody, so no task.
    private let seesNobody: Bool
    private let sources: [Source]
    private let kind: String?
    private let due: Due
    private let today: CalendarDate

    /// The query for `user`; `caregiverKind` or `recipientKind` narrows it to one kind of task
    /// (and so to one of the two lists), `withRecipientTasks: false` leaves the person's tasks out.
    static func make(for user: CurrentUser, caregiverKind: CaregiverTaskKind? = nil, recipientKind: RecipientTaskKind? = nil,
                     withRecipientTasks: Bool = true, due: Due = .any, today: CalendarDate = .today(),
                     on db: any Database) async throws -> WorklistQuery {
        var sources: [Source] = []
        if recipientKind == nil { sources.append(.caregiver) }
        if caregiverKind == nil, withRecipientTasks { sources.append(.recipient) }
        guard user.hasAny(CaregiverAccess.readers) else { throw SynligError.forbidden }
        // Someone outside the user's units could be assigned to them; the task stays hidden.
        let caregiverUnit: SQLQueryString = "(SELECT vp.unit_id FROM caregivers vp WHERE vp.id = t.caregiver_id)"
        return WorklistQuery(organisationID: user.organisationID, userID: user.id, includesUnassigned: user.has(.consultant),
                             visibleCaregiver: CaregiverAccess.visibleCaregiver(user, id: "t.caregiver_id", unit: caregiverUnit),
                             visibleRecipient: CaregiverAccess.visibleRecipient(user, id: "t.recipient_id"),
                             seesNobody: !CaregiverAccess.seesWholeOrganisation(user) && user.unitIDs.isEmpty,
                             sources: sources, kind: caregiverKind?.rawValue ?? recipientKind?.rawValue, due: due, today: today)
    }

    /// One page of the list, soonest due first (or by kind); ties by id, so pages never overlap.
    func page(offset: Int, limit: Int, order: Order = .due, on db: any Database) async throws -> [Entry] {
        guard let statement = pageStatement(offset: offset, limit: limit, order: order) else { return [] }
        return try await (db as! any SQLDatabase).raw(statement).all(decoding: Entry.self)
    }

    /// The page's SQL (the query-plan tests read its plan); nil when the user may see no task at all.
    func pageStatement(offset: Int, limit: Int, order: Order) -> SQLQueryString? {
        let arms = self.arms(columns: """
            SELECT '{source}' AS source, t.id AS id, t.{person} AS person_id, t.kind AS kind, t.due_on AS due_on,
                   t.subject_id AS subject_id, t.assignee_id AS assignee_id, p.name AS name
            FROM {table} t JOIN {people} p ON p.id = t.{person}
            """)
        guard !arms.isEmpty else { return nil }
        let orderBy: SQLQueryString = order == .kind ? "ORDER BY kind, due_on, id" : "ORDER BY due_on, id"
        // The arms are one index range each, already in order: the databases merge them and stop at the page's end.
        return "SELECT * FROM (" + Self.unionAll(arms) + ") w " + orderBy + " LIMIT \(bind: limit) OFFSET \(bind: offset)"
    }

    /// How many tasks the list has, counted to `cap` at most: the page says "more than" beyond it,
    /// since an exact count walks every one of the user's tasks.
    func count(upTo cap: Int? = nil, on db: any Database) async throws -> Int {
        let arms = self.arms(columns: "SELECT t.id FROM {table} t")
        guard !arms.isEmpty else { return 0 }
        struct Row: Decodable { var n: Int }
        let limit: SQLQueryString = cap.map { " LIMIT \(bind: $0 + 1)" } ?? ""
        let query: SQLQueryString = "SELECT COUNT(*) AS n FROM (SELECT * FROM (" + Self.unionAll(arms) + ") w" + limit + ") c"
        return try await (db as! any SQLDatabase).raw(query).first(decoding: Row.self)?.n ?? 0
    }

    /// One SELECT per source and assignee, so each reads one range of the worklist index.
    private func arms(columns template: String) -> [SQLQueryString] {
        var arms: [SQLQueryString] = []
        for source in sources {
            if seesNobody { continue }
            let visible = source == .caregiver ? visibleCaregiver : visibleRecipient
            for assignee in includesUnassigned ? [userID, nil] : [userID] {
                let select = template.replacingOccurrences(of: "{source}", with: source.rawValue)
                    .replacingOccurrences(of: "{table}", with: source.table).replacingOccurrences(of: "{people}", with: source.people)
                    .replacingOccurrences(of: "{person}", with: source.personColumn)
                var arm = SQLQueryString(stringLiteral: select)
                arm += " WHERE t.organisation_id = \(bind: organisationID) AND t.open = \(true) AND "
                arm += assignee.map { "t.assignee_id = \(bind: $0)" } ?? "t.assignee_id IS NULL"
                if let kind { arm += " AND t.kind = \(bind: kind)" }
                switch due {
                case .any: break
                case .overdue: arm += " AND t.due_on < \(bind: today.iso)"
                case .soon:
                    let window = DueState.soonWindow(today: today)
                    arm += " AND t.due_on >= \(bind: window.from) AND t.due_on <= \(bind: window.through)"
                }
                if let visible { arm += " AND " + visible }
                arms.append(arm)
            }
        }
        return arms
    }

    private static func unionAll(_ arms: [SQLQueryString]) -> SQLQueryString {
        arms.dropFirst().reduce(arms[0]) { $0 + " UNION ALL " + $1 }
    }
}
