import Foundation
import SynligCore

/// The crisis list in words, one language: what the page, the printable list and the encrypted
/// file show. A row without contact details says so, and carries nothing to hide.
struct CrisisRowText: Encodable, Sendable {
    var priority: Int
    var caregiver: String
    var throughUnit: Bool
    var phone: String?
    var telHref: String?
    var email: String?
    var recipient: String
    var relation: String
    var livesTogether: Bool
    /// The cared-for person's address, or "not recorded — ask the unit".
    var address: String
    var needs: String
    var care: String
    var emergencyPlan: String?
    var futurePlan: String?
    var units: String
}

struct CrisisAreaText: Encodable, Sendable {
    var name: String
    var count: Int
    var rows: [CrisisRowText]
}

enum CrisisListText {
    typealias Translate = (String, [String]) -> String

    /// The entries grouped by area (responsible unit) in the order the query sorted them.
    static func areas(_ entries: [CrisisEntry], _ t: Translate) -> [CrisisAreaText] {
        var areas: [CrisisAreaText] = []
        for entry in entries {
            let name = entry.area.isEmpty ? t("crisis.no_unit", []) : entry.area
            let row = self.row(entry, t)
            if areas.last?.name == name {
                areas[areas.count - 1].rows.append(row)
                areas[areas.count - 1].count += 1
            } else {
                areas.append(CrisisAreaText(name: name, count: 1, rows: [row]))
            }
        }
        return areas
    }

    static func row(_ entry: CrisisEntry, _ t: Translate) -> CrisisRowText {
        let contact = entry.contact
        let tasks = entry.tasks.map { t("caregiver.task.\($0.rawValue)", []) }
        var care = tasks.joined(separator: ", ")
        if entry.hours.isStated { care += (care.isEmpty ? "" : ". ") + t("caregiver.hours.\(entry.hours.rawValue)", []) }
        // A row without contact details says so once, beside the name; the address column stays empty.
        let address: String = if contact == nil { "–" } else { contact?.recipientAddress ?? t("crisis.address_not_recorded", []) }
        return CrisisRowText(
            priority: entry.priority.rawValue, caregiver: entry.caregiverName, throughUnit: contact == nil,
            phone: contact.flatMap { $0.phone.isEmpty ? nil : $0.phone },
            telHref: contact.flatMap { PhoneNumber.telURI($0.phone) },
            email: contact.flatMap { $0.email.isEmpty ? nil : $0.email },
            recipient: entry.recipientName, relation: t("caregiver.relation.\(entry.relation.rawValue)", []),
            livesTogether: entry.livesTogether, address: address,
            needs: t("recipient.care_need_area.\(entry.careNeed.rawValue)", []), care: care,
            emergencyPlan: contact.map { $0.emergencyPlan.isEmpty ? t("crisis.no_plan", []) : $0.emergencyPlan },
            futurePlan: contact.map { $0.futurePlan.isEmpty ? t("crisis.no_plan", []) : $0.futurePlan },
            units: entry.unitNames.joined(separator: ", "))
    }
}
