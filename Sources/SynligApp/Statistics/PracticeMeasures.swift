import Fluent
import Foundation
import SQLKit
import SynligCore
import Vapor

/// What the record shows of a routine the self-assessment asks about (question 2's list, question
/// 14): the mapping says whether a routine exists, the register says how often it was done. Each
/// measure is a share of the caregivers (or care relationships) known by the end of a year that had
/// the thing done during it, counted per unit in SQL and published through the same protection as
/// the statistics page, with the units' counts as row totals.
enum PracticeIndicator: String, CaseIterable, Sendable, Codable {
    /// Relationships with an invitation to a SIP or care-planning meeting dated in the year.
    case invitedToMeetings
    /// Relationships whose hours a week of care are recorded.
    case careGivenRecorded
    /// Caregivers with a conversation about their situation during the year.
    case experienceAsked
    /// Caregivers with a conversation, a voluntariness follow-up or a strain screening during the year.
    case followedUp
    /// Caregivers whose voluntariness was followed up during the year.
    case voluntarinessFollowedUp
    /// Caregivers whose strain was screened during the year.
    case strainScreened
    /// Caregivers for whom support was asked for or offered during the year.
    case referredToSupport
    /// Caregivers whose feedback or complaint was received during the year.
    case feedbackReceived
    /// Caregivers offered support from a civil-society organisation during the year.
    case civilSocietySupport

    /// The routine (or question) of the official question bank that this measures.
    var itemKey: String {
        switch self {
        case .invitedToMeetings: "q2.r2"
        case .careGivenRecorded: "q2.r4"
        case .experienceAsked: "q2.r6"
        case .followedUp: "q2.r7"
        case .voluntarinessFollowedUp: "q2.r8"
        case .strainScreened: "q2.r9"
        case .referredToSupport: "q2.r10"
        case .feedbackReceived: "q2.r11"
        case .civilSocietySupport: "q14"
        }
    }

    var counts: StatisticsDimension.Unit {
        self == .invitedToMeetings || self == .careGivenRecorded ? .relationships : .caregivers
    }

    var titleKey: String { "practice.\(rawValue)" }

    static func measuring(_ itemKey: String) -> [PracticeIndicator] { allCases.filter { $0.itemKey == itemKey } }

    /// The condition a counted caregiver `c` (or relationship `r`) meets, as SQL with its binds.
    fileprivate func condition(start: String, end: String) -> SQLQueryString {
        func dated(_ table: String, _ column: String, owner: String = "x.caregiver_id = c.id", extra: String = "") -> SQLQueryString {
            DatedRecord.exists(table, column, owner: owner, extra: extra, from: start, before: end)
        }
        switch self {
        case .invitedToMeetings:
            // SIP and care planning, as the indicator says; a needs-assessment meeting is not planning.
            return dated("meeting_invitations", "meeting_on", owner: "x.relationship_id = r.id",
                         extra: " AND x.kind <> '\(MeetingKind.needsAssessment.rawValue)'")
        case .careGivenRecorded: return SQLQueryString("r.hours_band <> \(bind: HoursBand.notStated.rawValue)")
        case .experienceAsked: return dated("caregiver_conversations", "held_on")
        case .followedUp:
            return SQLQueryString("(") + dated("caregiver_conversations", "held_on") + SQLQueryString(" OR ")
                + dated("voluntariness_checks", "asked_on") + SQLQueryString(" OR ") + dated("screening_results", "screened_on") + SQLQueryString(")")
        case .voluntarinessFollowedUp: return dated("voluntariness_checks", "asked_on")
        case .strainScreened: return dated("screening_results", "screened_on")
        case .referredToSupport:
            return SQLQueryString("(") + dated("caregiver_support", "requested_on") + SQLQueryString(" OR ")
                + dated("caregiver_support", "offered_on") + SQLQueryString(")")
        case .feedbackReceived: return dated("caregiver_feedback", "received_on")
        case .civilSocietySupport:
            return dated("caregiver_support", "offered_on", extra: " AND x.need_kind = '\(SupportNeedKind.civilSocietyOrganisation.rawValue)'")
        }
    }
}

/// One measure for one organisation or unit: `done` of `of`, and the share where both are shown.
struct PracticeValue: Sendable {
    var done: PublishedCount?
    var of: PublishedCount
    var share: Double?
}

/// Every practice measure of one organisation for one year, for the organisation and each unit.
struct PracticeMeasures: Sendable {
    var year: Int
    var units: [UUID?]
    var caregivers: PublishedBreakdown
    var relationships: PublishedBreakdown
    var published: [PracticeIndicator: PublishedHierarchy]

    /// `indicators` narrows the work to the measures wanted (a goal follows one).
    static func load(organisationID: UUID, year: Int, indicators: [PracticeIndicator] = PracticeIndicator.allCases,
                     policy: SuppressionPolicy = .standard, on db: any Database) async throws -> PracticeMeasures {
        guard let sql = db as? any SQLDatabase, let period = StatisticsPeriod.year(year) else { throw Abort(.internalServerError) }
        let scope = StatisticsScope(organisationID: organisationID, unitID: nil, period: period)
        let units = try await StatisticsService.unitRows(organisationID, on: db)
        // The same unit counts as the statistics page's, so the two can be read together.
        let caregivers = try await StatisticsService.breakdownCounts(.gender, scope, units: units, on: sql).map { $0.reduce(0, +) }
        let relationships = indicators.contains { $0.counts == .relationships }
            ? try await StatisticsService.breakdownCounts(.relation, scope, units: units, on: sql).map { $0.reduce(0, +) }
            : Array(repeating: 0, count: units.count)
        let caregiverTotals = PublishedStatistics.unitTotals(caregivers, policy)
        let relationshipTotals = PublishedStatistics.unitTotals(relationships, policy)
        var published: [PracticeIndicator: PublishedHierarchy] = [:]
        for indicator in indicators {
            let byCaregiver = indicator.counts == .caregivers
            var query = SQLQueryString("SELECT c.unit_id AS u, COUNT(*) AS n FROM ")
            query = query + SQLQueryString(byCaregiver ? "caregivers c" : "care_relationships r JOIN caregivers c ON r.caregiver_id = c.id")
            query = query + SQLQueryString(" WHERE c.organisation_id = \(bind: organisationID) AND c.registered_on < \(bind: period.end.iso) AND ")
                + indicator.condition(start: period.start.iso, end: period.end.iso) + SQLQueryString(" GROUP BY c.unit_id")
            let done = try await DatedRecord.perUnit(query, units: units, on: sql)
            let totals = byCaregiver ? caregivers : relationships
            published[indicator] = PublishedStatistics.people(zip(done, totals).map { [$0, max(0, $1 - $0)] },
                                                              byCaregiver ? caregiverTotals : relationshipTotals, policy)
        }
        return PracticeMeasures(year: year, units: units, caregivers: caregiverTotals, relationships: relationshipTotals, published: published)
    }

    /// The measure for the whole organisation (`unit` nil) or one unit.
    func value(_ indicator: PracticeIndicator, unit: UUID?) -> PracticeValue {
        let totals = indicator.counts == .caregivers ? caregivers : relationships
        guard let hierarchy = published[indicator] else { return PracticeValue(done: nil, of: .suppressed(.belowThreshold)) }
        let table: PublishedBreakdown?
        let of: PublishedCount
        if let unit {
            let row = units.firstIndex(of: unit)
            table = row.flatMap { hierarchy.units[$0] }
            of = row.map { totals.counts[$0] } ?? .suppressed(.belowThreshold)
        } else {
            table = hierarchy.organisation
            of = totals.total
        }
        let done = table?.counts.first
        return PracticeValue(done: done, of: of, share: done.flatMap { PublishedCount.percentage($0, of: of) }.map { $0 / 100 })
    }
}
