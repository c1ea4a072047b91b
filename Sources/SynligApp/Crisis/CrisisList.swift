import Fluent
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

/// Builds the crisis list of one organisation, or of one unit in it, in a few queries per
/// five hundred relationships. Every query is scoped to the organisation.
enum CrisisListQuery {
    static func load(organisationID: UUID, unitID: UUID?, on db: any Database, today: CalendarDate = .today()) async throws -> [CrisisEntry] {
        let all = try await CareRelationship.scoped(to: organisationID, on: db).all()
        // Only relationships that can be on the list, and only their caregivers' people are read;
        // a restriction in any relationship of such a caregiver still counts (below).
        let relationships = all.filter { CrisisList.mayBeListed(livesTogether: $0.livesTogether, hours: $0.hoursBand, tasks: $0.tasks) }
        guard !relationships.isEmpty else { return [] }
        let listedCaregivers = Set(relationships.map(\.caregiverID))
        let units = try await Unit.scoped(to: organisationID, on: db).all()
        let unitNames = Dictionary(units.compactMap { unit in unit.id.map { ($0, unit.name) } }, uniquingKeysWith: { first, _ in first })
        var recipientUnits: [UUID: [UUID]] = [:]
        for link in try await CareRecipientUnit.query(on: db).filter(\.$organisationID == organisationID).all() {
            recipientUnits[link.recipientID, default: []].append(link.unitID)
        }

        // A restriction in any of a caregiver's relationships withholds their contact everywhere.
        let theirs = all.filter { listedCaregivers.contains($0.caregiverID) }
        let permissions = try await CaregiverAccess.permissions(for: theirs, on: db, today: today)
        var restrictedCaregivers: Set<UUID> = []
        for relationship in theirs where permissions[try relationship.requireID()]?.restricted ?? true {
            restrictedCaregivers.insert(relationship.caregiverID)
        }

        var caregivers: [UUID: Caregiver] = [:]
        var recipients: [UUID: CareRecipient] = [:]
        var plans: [UUID: SupportPlan] = [:]
        for chunk in Array(Set(relationships.map(\.caregiverID))).chunked(500) {
            for caregiver in try await Caregiver.scoped(to: organisationID, on: db).filter(\.$id ~~ chunk).all() {
                caregivers[try caregiver.requireID()] = caregiver
            }
            for plan in try await SupportPlan.scoped(to: organisationID, on: db).filter(\.$caregiverID ~~ chunk).all() {
                plans[plan.caregiverID] = plan
            }
        }
        for chunk in Array(Set(relationships.map(\.recipientID))).chunked(500) {
            for recipient in try await CareRecipient.scoped(to: organisationID, on: db).filter(\.$id ~~ chunk).all() {
                recipients[try recipient.requireID()] = recipient
            }
        }

        var entries: [CrisisEntry] = []
        for relationship in relationships {
            guard let caregiver = caregivers[relationship.caregiverID], let recipient = recipients[relationship.recipientID],
                  let permission = permissions[try relationship.requireID()] else { continue }
            let circumstances = CrisisCircumstances(livesTogether: relationship.livesTogether, hours: relationship.hoursBand,
                                                    tasks: relationship.tasks, caregiverAge: caregiver.birthYear.map { today.year - $0 })
            guard let priority = CrisisList.priority(circumstances) else { continue }
            let responsible = recipientUnits[relationship.recipientID] ?? caregiver.unitID.map { [$0] } ?? []
            if let unitID, !responsible.contains(unitID) { continue }
            let named = responsible.compactMap { id in unitNames[id].map { (id, $0) } }.sorted { $0.1 < $1.1 }
            var contact: CrisisEntry.Contact?
            if CrisisList.showsContact(permission, restrictedInAnyRelationship: restrictedCaregivers.contains(relationship.caregiverID)) {
                let plan = plans[relationship.caregiverID]
                contact = CrisisEntry.Contact(
                    phone: caregiver.phone, email: caregiver.email, address: caregiver.address,
                    recipientAddress: relationship.livesTogether && !caregiver.address.isEmpty ? caregiver.address : nil,
                    emergencyPlan: plan?.emergencyPlan ?? "", futurePlan: plan?.futurePlan ?? "")
            }
            entries.append(CrisisEntry(
                caregiverID: relationship.caregiverID, caregiverName: caregiver.name, recipientID: relationship.recipientID,
                recipientName: recipient.name, relation: relationship.relation, livesTogether: relationship.livesTogether,
                hours: relationship.hoursBand, tasks: CareTask.allCases.filter(relationship.tasks.contains),
                careNeed: recipient.careNeedArea, priority: priority, unitIDs: named.map(\.0), unitNames: named.map(\.1),
                contact: contact))
        }
        return sorted(entries)
    }

    /// By area (unit), the most urgent first, then by name; people without a unit come last.
    static func sorted(_ entries: [CrisisEntry]) -> [CrisisEntry] {
        let swedish = Locale(identifier: "sv_SE")
        func order(_ a: String, _ b: String) -> ComparisonResult { a.compare(b, options: [.caseInsensitive], range: nil, locale: swedish) }
        return entries.sorted { a, b in
            if a.area != b.area {
                if a.area.isEmpty || b.area.isEmpty { return b.area.isEmpty }
                return order(a.area, b.area) == .orderedAscending
            }
            if a.priority != b.priority { return a.priority < b.priority }
            let byName = order(a.caregiverName, b.caregiverName)
            if byName != .orderedSame { return byName == .orderedAscending }
            return order(a.recipientName, b.recipientName) == .orderedAscending
        }
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
