import Foundation
import SQLKit
import SynligCore

/// What happened during the period, counted from the record's follow-ups: support asked for,
/// offered and begun, by kind (who gets respite, who only information); voluntariness answers;
/// strain levels; invitations to SIP and care-planning meetings and whether the caregiver took
/// part. Each is a one-way table of events, counted in SQL, scoped through the caregiver
/// (organisation and unit) and published through the same suppression as the rest.
struct ActivityTable: Sendable, Equatable {
    enum Kind: String, CaseIterable, Sendable, Codable {
        case supportRequested, supportOffered, supportGiven, supportNotOffered, voluntariness, screening
        /// The voluntariness follow-up's three questions asked separately (seed 003: what the
        /// caregiver does not want, cannot or should not carry).
        case voluntarinessWants, voluntarinessAble, voluntarinessShouldNotCarry
        /// Voluntariness follow-ups by whether they were held by the day they were due.
        case voluntarinessOnTime
        case sipInvitations, planningInvitations
        /// Reviews of involvement restrictions due during the period (and by today): held by the
        /// day they were due, later, or not yet (`RestrictionReview`).
        case restrictionReviews
        /// Signals that a caregiver coordinates the care (three contacts or more, or says so),
        /// by the day they were to be acted on: answered with a SIP invitation for the
        /// relationship, handled otherwise, or still open (`CoordinationSignal`).
        case coordinationSignals
        /// Information given to caregivers during the period, by topic (`CaregiverInformation`).
        case informationGiven
        /// Sign-ups for group support held in the period, by whether the caregiver came.
        case groupAttendance
    }

    var kind: Kind
    var categories: [String]
    /// `counts[unit][category]` over the whole year of the period, units as in `CaregiverCounts.units`.
    var counts: [[Int]]
    /// `quarters[quarter][category]`: the whole organisation's, for the four quarters of that year.
    /// A quarter is published only beside its year (`SuppressionPolicy.publish(quarters:year:)`),
    /// so the year's table is what is counted per unit, whatever the period.
    var quarters: [[Int]]

    /// Where the events are: the table, the date that places one in the period, the column grouped
    /// by, an extra condition where one is needed, and whether the table reaches its caregiver
    /// through a care relationship (invitations are to a relationship's meetings).
    struct Source {
        var table: String
        var date: String
        var column: String
        var condition: (column: String, value: String)? = nil
        var throughRelationship = false
        /// The category a missing value is counted as (a check asked with the earlier single question).
        var missing: String? = nil
        /// SQL that computes the grouped value from the row (`x` is the table), instead of `column`.
        var computed: String? = nil
        /// Only events whose date has come: a review due next month is not late yet.
        var dueByToday = false
        /// A table the date is on, joined by `table.<column> = <via>.id` (a sign-up is dated by its occasion).
        var datedBy: (table: String, column: String)? = nil
    }

    /// A voluntariness check asked with the earlier single question has no answer to the separate ones.
    static let notAsked = "notAsked"

    static func source(_ kind: Kind) -> Source {
        switch kind {
        case .supportRequested: Source(table: "caregiver_support", date: "requested_on", column: "need_kind")
        case .supportOffered: Source(table: "caregiver_support", date: "offered_on", column: "need_kind")
        case .supportGiven: Source(table: "caregiver_support", date: "started_on", column: "need_kind")
        case .supportNotOffered: Source(table: "caregiver_support", date: "requested_on", column: "need_kind",
                                        condition: ("status", SupportStatus.notOffered.rawValue))
        case .voluntariness: Source(table: "voluntariness_checks", date: "asked_on", column: "answer")
        case .voluntarinessWants: Source(table: "voluntariness_checks", date: "asked_on", column: "wants_to_continue", missing: notAsked)
        case .voluntarinessAble: Source(table: "voluntariness_checks", date: "asked_on", column: "able_to_continue", missing: notAsked)
        case .voluntarinessShouldNotCarry: Source(table: "voluntariness_checks", date: "asked_on", column: "should_not_carry", missing: notAsked)
        case .voluntarinessOnTime:
            Source(table: "voluntariness_checks", date: "asked_on", column: "due_on",
                   computed: "CASE WHEN voluntariness_checks.due_on IS NULL THEN 'noDueDate' WHEN voluntariness_checks.asked_on <= voluntariness_checks.due_on THEN 'onTime' ELSE 'late' END")
        case .screening: Source(table: "screening_results", date: "screened_on", column: "level")
        case .restrictionReviews:
            Source(table: "restriction_reviews", date: "due_on", column: "reviewed_on", throughRelationship: true,
                   computed: "CASE WHEN restriction_reviews.reviewed_on IS NULL THEN 'notReviewed' WHEN restriction_reviews.reviewed_on <= restriction_reviews.due_on THEN 'onTime' ELSE 'late' END",
                   dueByToday: true)
        case .coordinationSignals:
            Source(table: "caregiver_tasks", date: "due_on", column: "open",
                   condition: ("kind", CaregiverTaskKind.coordinationSignal.rawValue),
                   computed: "CASE WHEN EXISTS (SELECT 1 FROM meeting_invitations m WHERE m.relationship_id = caregiver_tasks.subject_id"
                       + " AND m.kind = '\(MeetingKind.coordinatedPlan.rawValue)') THEN 'sipInvited'"
                       + " WHEN caregiver_tasks.open THEN 'open' ELSE 'handledOtherwise' END")
        case .sipInvitations: Source(table: "meeting_invitations", date: "meeting_on", column: "attendance",
                                     condition: ("kind", MeetingKind.coordinatedPlan.rawValue), throughRelationship: true)
        case .planningInvitations: Source(table: "meeting_invitations", date: "meeting_on", column: "attendance",
                                          condition: ("kind", MeetingKind.carePlanning.rawValue), throughRelationship: true)
        case .informationGiven: Source(table: "caregiver_information", date: "given_on", column: "topic")
        case .groupAttendance: Source(table: "group_sign_ups", date: "held_on", column: "attendance", datedBy: ("group_occasions", "occasion_id"))
        }
    }

    static func categories(_ kind: Kind) -> [String] {
        switch kind {
        case .supportRequested, .supportOffered, .supportGiven, .supportNotOffered: SupportNeedKind.allCases.map(\.rawValue)
        case .voluntariness: VoluntarinessAnswer.allCases.map(\.rawValue)
        case .screening: ScreeningLevel.allCases.map(\.rawValue)
        case .sipInvitations, .planningInvitations: MeetingAttendance.allCases.map(\.rawValue)
        case .voluntarinessWants, .voluntarinessAble: ContinuationAnswer.allCases.map(\.rawValue) + [notAsked]
        case .voluntarinessShouldNotCarry: ShouldNotCarryAnswer.allCases.map(\.rawValue) + [notAsked]
        case .voluntarinessOnTime: ["onTime", "late", "noDueDate"]
        case .restrictionReviews: ["onTime", "late", "notReviewed"]
        case .coordinationSignals: ["sipInvited", "handledOtherwise", "open"]
        case .informationGiven: InformationTopic.allCases.map(\.rawValue)
        case .groupAttendance: GroupAttendance.allCases.map(\.rawValue)
        }
    }

    static func labelKey(_ kind: Kind, _ category: String) -> String {
        switch kind {
        case .supportRequested, .supportOffered, .supportGiven, .supportNotOffered: "support_need.kind.\(category)"
        case .voluntariness: "voluntariness.answer.\(category)"
        case .screening: "screening.level.\(category)"
        case .sipInvitations, .planningInvitations: "invitation.attendance.\(category)"
        case _ where category == notAsked: "statistics.voluntariness.not_asked"
        case .voluntarinessWants, .voluntarinessAble: "voluntariness.continue.\(category)"
        case .voluntarinessShouldNotCarry: "voluntariness.carry.\(category)"
        case .voluntarinessOnTime, .restrictionReviews: "statistics.on_time.\(category)"
        case .coordinationSignals: "statistics.coordination.\(category)"
        case .informationGiven: "information.topic.\(category)"
        case .groupAttendance: "occasion.attendance.\(category)"
        }
    }

    var titleKey: String { "statistics.activity.\(kind.rawValue)" }
    var unitKey: String {
        switch kind {
        case .voluntariness, .screening, .voluntarinessWants, .voluntarinessAble, .voluntarinessShouldNotCarry, .voluntarinessOnTime:
            "statistics.unit.follow_ups"
        case .sipInvitations, .planningInvitations: "statistics.unit.invitations"
        case .restrictionReviews: "statistics.unit.reviews"
        case .coordinationSignals: "statistics.unit.signals"
        case .informationGiven: "statistics.unit.information"
        case .groupAttendance: "statistics.unit.sign_ups"
        default: "statistics.unit.support"
        }
    }

    /// Every table for the year of the scope's period, a row per unit, and the organisation's
    /// quarters of it. Kinds read from the same rows by the same date (the five voluntariness
    /// tables, say) are counted in one GROUP BY over all their values, by month; the passes run
    /// side by side.
    static func counts(_ scope: StatisticsScope, kinds: [Kind] = Kind.allCases, units: [UUID?],
                       today: CalendarDate = .today(), on sql: any SQLDatabase) async throws -> [ActivityTable] {
        var passes: [[Kind]] = []
        for kind in kinds {
            if let index = passes.firstIndex(where: { passKey($0[0]) == passKey(kind) }) { passes[index].append(kind) } else { passes.append([kind]) }
        }
        guard let year = StatisticsPeriod.year(scope.period.year) else { return [] }
        let tables = try await passes.concurrentMap { pass in
            let source = Self.source(pass[0])
            // The month of the event's date ("2026-05-14" → "05"): a text date in both databases.
            let month = SQLFunction("SUBSTR", args: SQLColumn(source.date, table: source.datedBy?.table ?? source.table),
                                    SQLLiteral.numeric("6"), SQLLiteral.numeric("2"))
            let rows = try await grouped(pass, scope, from: year.start.iso, before: year.end.iso, today: today,
                                         extra: (month, "m"), on: sql).all()
            var counts = pass.map { Array(repeating: Array(repeating: 0, count: Self.categories($0).count), count: units.count) }
            var quarters = pass.map { Array(repeating: Array(repeating: 0, count: Self.categories($0).count), count: 4) }
            for row in rows {
                guard let month = Int(try row.decode(column: "m", as: String.self)), (1...12).contains(month) else { continue }
                for (index, kind) in pass.enumerated() {
                    guard let cell = try cell(row, kind, units: units, column: "k\(index)") else { continue }
                    counts[index][cell.unit][cell.category] += cell.count
                    quarters[index][(month - 1) / 3][cell.category] += cell.count
                }
            }
            return pass.indices.map { ActivityTable(kind: pass[$0], categories: Self.categories(pass[$0]), counts: counts[$0], quarters: quarters[$0]) }
        }.joined()
        return kinds.compactMap { kind in tables.first { $0.kind == kind } }
    }

    /// Kinds with the same key are counted from the same rows: all but the grouped value agree,
    /// so their totals are the same numbers (`publish(quarters:totalsKnown:)`).
    static func passKey(_ kind: Kind) -> String {
        let source = source(kind)
        return [source.table, source.date, source.condition.map { "\($0.column)=\($0.value)" } ?? "", "\(source.throughRelationship)",
                "\(source.dueByToday)", source.datedBy.map { "\($0.table).\($0.column)" } ?? ""].joined(separator: "|")
    }

    /// The events of `kind` in the scope dated in [start, end), counted by unit (column `u`) and
    /// category (`k0`) into `n`, and also by `extra` when given (the open indicators add the year).
    static func grouped(_ kind: Kind, _ scope: StatisticsScope, from start: String, before end: String, today: CalendarDate,
                        extra: (expression: any SQLExpression, alias: String)? = nil, on sql: any SQLDatabase) -> SQLSelectBuilder {
        grouped([kind], scope, from: start, before: end, today: today, extra: extra, on: sql)
    }

    /// As `grouped(_:)` for kinds of one pass (`passKey`): each kind's value is column `k<index>`.
    static func grouped(_ kinds: [Kind], _ scope: StatisticsScope, from start: String, before end: String, today: CalendarDate,
                        extra: (expression: any SQLExpression, alias: String)? = nil, on sql: any SQLDatabase) -> SQLSelectBuilder {
        precondition(!kinds.isEmpty && kinds.allSatisfy { passKey($0) == passKey(kinds[0]) }, "kinds of one pass")
        let source = Self.source(kinds[0])
        let table = source.table, date = SQLColumn(source.date, table: source.datedBy?.table ?? source.table)
        // Each grouped value: the column as text, or an expression over the row.
        let values: [any SQLExpression] = kinds.map { kind in
            let source = Self.source(kind)
            return source.computed.map { SQLRaw($0) }
                ?? SQLFunction("CAST", args: SQLList([SQLColumn(source.column, table: table), SQLRaw("TEXT")], separator: SQLRaw(" AS ")))
        }
        var select = sql.select().column(StatisticsService.unitKey(scope), as: "u")
        for (index, value) in values.enumerated() { select = select.column(value, as: "k\(index)") }
        select = select.column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(table)
        if let extra { select = select.column(extra.expression, as: extra.alias) }
        if let datedBy = source.datedBy {
            select = select.join(datedBy.table, on: SQLColumn(datedBy.column, table: table), .equal, SQLColumn("id", table: datedBy.table))
        }
        if source.throughRelationship {
            select = select
                .join("care_relationships", on: SQLColumn("relationship_id", table: table), .equal, SQLColumn("id", table: "care_relationships"))
                .join("caregivers", on: SQLColumn("caregiver_id", table: "care_relationships"), .equal, SQLColumn("id", table: "caregivers"))
        } else {
            select = select.join("caregivers", on: SQLColumn("caregiver_id", table: table), .equal, SQLColumn("id", table: "caregivers"))
        }
        select = StatisticsService.inScope(select, scope)
            .where(date, .greaterThanOrEqual, SQLBind(start))
            .where(date, .lessThan, SQLBind(end))
        if source.dueByToday {
            select = select.where(date, .lessThanOrEqual, SQLBind(today.iso))
        }
        if let condition = source.condition {
            select = select.where(SQLColumn(condition.column, table: table), .equal, SQLBind(condition.value))
        }
        select = select.groupBy(StatisticsService.unitKey(scope))
        for value in values { select = select.groupBy(value) }
        return extra.map { select.groupBy($0.expression) } ?? select
    }

    /// Where a row of `grouped` counts: its unit's row and category's column, or nil for a row
    /// outside the layout.
    static func cell(_ row: any SQLRow, _ kind: Kind, units: [UUID?], column: String = "k0") throws -> (unit: Int, category: Int, count: Int)? {
        guard let key = try row.decode(column: column, as: String?.self) ?? source(kind).missing,
              let category = categories(kind).firstIndex(of: key),
              let unit = units.firstIndex(of: try row.decode(column: "u", as: UUID?.self)) else { return nil }
        return (unit, category, try row.decode(column: "n", as: Int.self))
    }
}
