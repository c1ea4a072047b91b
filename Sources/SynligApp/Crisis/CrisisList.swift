import Fluent
import SQLKit
import Foundation
import SynligCore
import Vapor

/// Who may see and export the crisis list: consultants, who work with caregivers, and the
/// administrators and strategists/managers who must reach them when the IT systems fail. Case
/// officers, staff and viewers are refused; they call through their unit.
enum CrisisAccess {
    static let readers: Set<Role> = [.consultant, .admin, .strategist]
}

/// One row of the crisis list: a caregiver and the person they care for. Plain data, read by
/// the page, the printable list and the encrypted file alike.
struct CrisisEntry: Sendable {
    /// Present only when `CrisisList.showsContact` allows it; otherwise the row says "contact
    /// through the unit only" and nothing here leaves the database.
    struct Contact: Sendable {
        var phone: String
        var email: String
        var address: String
        /// The caregiver's address when they live with the person cared for.
        var recipientAddress: String?
        var emergencyPlan: String
        var futurePlan: String
    }

    var relationshipID: UUID
    var caregiverID: UUID
    var caregiverName: String
    var recipientID: UUID
    var recipientName: String
    var relation: RelationKind
    var livesTogether: Bool
    var hours: HoursBand
    var tasks: [CareTask]
    var careNeed: CareNeedArea
    var priority: CrisisPriority
    /// The responsible units: the person's, or the caregiver's registering unit when the person has none.
    var unitIDs: [UUID]
    var unitNames: [String]
    var contact: Contact?

    /// The area the list is sorted and grouped by: the first responsible unit; none sorts last.
    var area: String { unitNames.first ?? "" }
}

/// Builds the crisis list of one organisation, or of one unit in it. The list's order needs only
/// who is on it and how urgently, so `outline` reads that for everyone in one query of the
/// columns it uses; contact details, plans and consents are read by `withContact` only for the
/// rows shown (a page of a hundred on screen, everyone in a print). Every query is scoped to the
/// organisation.
enum CrisisListQuery {
    /// The whole list with contact details where they may be shown.
    static func load(organisationID: UUID, unitID: UUID?, on db: any Database, today: CalendarDate = .today()) async throws -> [CrisisEntry] {
        try await withContact(outline(organisationID: organisationID, unitID: unitID, on: db, today: today),
                              organisationID: organisationID, on: db, today: today)
    }

    /// One relationship as the outline reads it.
    private struct Row: Decodable {
        var id: UUID
        var caregiver_id: UUID
        var recipient_id: UUID
        var relation: RelationKind
        var lives_together: Bool
        var hours_band: HoursBand
        var tasks: String
        var caregiver_name: String
        var birth_year: Int?
        var caregiver_unit: UUID?
        var recipient_name: String
        var care_need_area: CareNeedArea
    }

    /// Everyone on the list in its printed order, without contact details (`contact` nil).
    static func outline(organisationID: UUID, unitID: UUID?, on db: any Database, today: CalendarDate = .today()) async throws -> [CrisisEntry] {
        let sql = db as! any SQLDatabase
        let rows = try await sql.raw("""
            SELECT r.id, r.caregiver_id, r.recipient_id, r.relation, r.lives_together, r.hours_band, r.tasks,
                   c.name AS caregiver_name, c.birth_year, c.unit_id AS caregiver_unit, p.name AS recipient_name, p.care_need_area
            FROM care_relationships r
            JOIN caregivers c ON c.id = r.caregiver_id AND c.organisation_id = r.organisation_id
            JOIN care_recipients p ON p.id = r.recipient_id AND p.organisation_id = r.organisation_id
            WHERE r.organisation_id = \(bind: organisationID)
            """).all(decoding: Row.self)
        guard !rows.isEmpty else { return [] }
        let units = try await Unit.scoped(to: organisationID, on: db).all()
        let unitNames = Dictionary(units.compactMap { unit in unit.id.map { ($0, unit.name) } }, uniquingKeysWith: { first, _ in first })
        // Each unit's sort key once, not once per row that names the unit.
        let unitKeys = unitNames.mapValues(SwedishOrder.key)
        struct Link: Decodable { var recipient_id: UUID; var unit_id: UUID }
        var recipientUnits: [UUID: [UUID]] = [:]
        for link in try await sql.raw("""
            SELECT recipient_id, unit_id FROM care_recipient_units WHERE organisation_id = \(bind: organisationID)
            """).all(decoding: Link.self) {
            recipientUnits[link.recipient_id, default: []].append(link.unit_id)
        }
        var entries: [CrisisEntry] = []
        for row in rows {
            let tasks = Set(row.tasks.split(separator: ",").compactMap { CareTask(rawValue: String($0)) })
            let circumstances = CrisisCircumstances(livesTogether: row.lives_together, hours: row.hours_band, tasks: tasks,
                                                    caregiverAge: row.birth_year.map { today.year - $0 })
            guard let priority = CrisisList.priority(circumstances) else { continue }
            let responsible = recipientUnits[row.recipient_id] ?? row.caregiver_unit.map { [$0] } ?? []
            if let unitID, !responsible.contains(unitID) { continue }
            let named = responsible.compactMap { id in unitNames[id].map { (id, $0, unitKeys[id] ?? []) } }
                .sorted { $0.2 == $1.2 ? $0.1 < $1.1 : $0.2.lexicographicallyPrecedes($1.2) }
            entries.append(CrisisEntry(
                relationshipID: row.id, caregiverID: row.caregiver_id, caregiverName: row.caregiver_name, recipientID: row.recipient_id,
                recipientName: row.recipient_name, relation: row.relation, livesTogether: row.lives_together,
                hours: row.hours_band, tasks: CareTask.allCases.filter(tasks.contains), careNeed: row.care_need_area,
                priority: priority, unitIDs: named.map(\.0), unitNames: named.map(\.1), contact: nil))
        }
        return sorted(entries)
    }

    /// `entries` with their contact details and plans, where the relationship allows calling round
    /// and no relationship of the caregiver is restricted; only these entries' people are read.
    static func withContact(_ entries: [CrisisEntry], organisationID: UUID, on db: any Database,
                            today: CalendarDate = .today()) async throws -> [CrisisEntry] {
        guard !entries.isEmpty else { return [] }
        let caregiverIDs = Array(Set(entries.map(\.caregiverID)))
        struct Relationship: Decodable { var id: UUID; var caregiver_id: UUID }
        struct Reach: Decodable { var id: UUID; var phone: String; var email: String; var address: String }
        struct Plan: Decodable { var caregiver_id: UUID; var emergency_plan: String; var future_plan: String }
        let sql = db as! any SQLDatabase
        var relationships: [Relationship] = []
        var caregivers: [UUID: Reach] = [:]
        var plans: [UUID: Plan] = [:]
        for chunk in caregiverIDs.chunked(500) {
            let ids = SQLGroupExpression(chunk.map { SQLBind($0) })
            // Every relationship of these caregivers: a restriction in any of them counts (`showsContact`).
            relationships += try await sql.raw("""
                SELECT id, caregiver_id FROM care_relationships
                WHERE organisation_id = \(bind: organisationID) AND caregiver_id IN \(ids)
                """).all(decoding: Relationship.self)
            for caregiver in try await sql.raw("""
                SELECT id, phone, email, address FROM caregivers WHERE organisation_id = \(bind: organisationID) AND id IN \(ids)
                """).all(decoding: Reach.self) {
                caregivers[caregiver.id] = caregiver
            }
            for plan in try await sql.raw("""
                SELECT caregiver_id, emergency_plan, future_plan FROM caregiver_support_plans
                WHERE organisation_id = \(bind: organisationID) AND caregiver_id IN \(ids)
                """).all(decoding: Plan.self) {
                plans[plan.caregiver_id] = plan
            }
        }
        let permissions = try await CaregiverAccess.permissions(relationshipIDs: relationships.map(\.id), organisationID: organisationID,
                                                                on: db, today: today)
        var restrictedCaregivers: Set<UUID> = []
        for relationship in relationships where permissions[relationship.id]?.restricted ?? true {
            restrictedCaregivers.insert(relationship.caregiver_id)
        }
        return entries.map { entry in
            var entry = entry
            guard let caregiver = caregivers[entry.caregiverID],
                  let permission = permissions[entry.relationshipID],
                  CrisisList.showsContact(permission, restrictedInAnyRelationship: restrictedCaregivers.contains(entry.caregiverID))
            else {
                entry.contact = nil
                return entry
            }
            let plan = plans[entry.caregiverID]
            entry.contact = CrisisEntry.Contact(
                phone: caregiver.phone, email: caregiver.email, address: caregiver.address,
                recipientAddress: entry.livesTogether && !caregiver.address.isEmpty ? caregiver.address : nil,
                emergencyPlan: plan?.emergency_plan ?? "", futurePlan: plan?.future_plan ?? "")
            return entry
        }
    }

    /// By area (unit), the most urgent first, then by name; people without a unit come last.
    /// Names in Swedish alphabetical order, from keys computed once per row; names equal under
    /// the key by their spelling, then by relationship, so every page sees one order.
    static func sorted(_ entries: [CrisisEntry]) -> [CrisisEntry] {
        var areaKeys: [String: [UInt32]] = [:]
        let keyed = entries.map { entry in
            let area = areaKeys[entry.area] ?? SwedishOrder.key(entry.area)
            areaKeys[entry.area] = area
            return (entry: entry, area: area, caregiver: SwedishOrder.key(entry.caregiverName), recipient: SwedishOrder.key(entry.recipientName))
        }
        return keyed.sorted { a, b in
            if a.area != b.area {
                if a.area.isEmpty || b.area.isEmpty { return b.area.isEmpty }
                return a.area.lexicographicallyPrecedes(b.area)
            }
            // Two units spelt alike but for case stay two areas, each in one piece.
            if a.entry.area != b.entry.area { return a.entry.area < b.entry.area }
            if a.entry.priority != b.entry.priority { return a.entry.priority < b.entry.priority }
            if a.caregiver != b.caregiver { return a.caregiver.lexicographicallyPrecedes(b.caregiver) }
            if a.recipient != b.recipient { return a.recipient.lexicographicallyPrecedes(b.recipient) }
            if a.entry.caregiverName != b.entry.caregiverName { return a.entry.caregiverName < b.entry.caregiverName }
            if a.entry.recipientName != b.entry.recipientName { return a.entry.recipientName < b.entry.recipientName }
            return a.entry.relationshipID.uuidString < b.entry.relationshipID.uuidString
        }.map(\.entry)
    }

    /// The distinct people a list shows, for the access log: each caregiver and each person cared for.
    static func peopleShown(_ entries: [CrisisEntry]) -> (caregivers: [UUID], recipients: [UUID]) {
        var caregivers: [UUID] = [], recipients: [UUID] = []
        var seenCaregivers: Set<UUID> = [], seenRecipients: Set<UUID> = []
        for entry in entries {
            if seenCaregivers.insert(entry.caregiverID).inserted { caregivers.append(entry.caregiverID) }
            if seenRecipients.insert(entry.recipientID).inserted { recipients.append(entry.recipientID) }
        }
        return (caregivers, recipients)
    }
}
