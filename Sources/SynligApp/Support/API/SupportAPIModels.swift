import Foundation
import SynligCore
import Vapor

/// The JSON shapes of the support-catalogue part of `/api/v1`, as described in
/// `Resources/openapi.yaml`. Kinds, providers, target groups and languages are checked by
/// `SupportService`, so a bad value is a 422 naming the field, not a decoding error.
extension API {
    // MARK: Offerings

    /// The fields of an offering as a client writes them. A PUT replaces the entry: a field
    /// left out is stored empty (or false), as on the staff page's form.
    struct OfferingCreate: StrictJSONFields {
        enum CodingKeys: String, CodingKey, CaseIterable {
            case name, kind, provider, providerName, civilSocietyId, targetGroups, needsAssessment, cost, languages,
                interpreter, accessibility, address, schedule, phone, email, website, description, eligibility,
                lastChecked, published
        }
        var name: String?
        var kind: String?
        var provider: String?
        var providerName: String?
        var civilSocietyId: UUID?
        var targetGroups: [String]?
        var needsAssessment: Bool?
        var cost: String?
        var languages: [String]?
        var interpreter: Bool?
        var accessibility: String?
        var address: String?
        var schedule: String?
        var phone: String?
        var email: String?
        var website: String?
        var description: String?
        var eligibility: String?
        var lastChecked: String?
        var published: Bool?

        func input(version: Int?) -> OfferingInput {
            OfferingInput(name: name, kind: kind, provider: provider, providerName: providerName,
                          civilSocietyID: civilSocietyId?.uuidString, targetGroups: targetGroups ?? [],
                          needsAssessment: needsAssessment ?? false, cost: cost, languages: languages ?? [],
                          interpreter: interpreter ?? false, accessibility: accessibility, address: address, schedule: schedule,
                          phone: phone, email: email, website: website, description: description, eligibility: eligibility,
                          lastChecked: lastChecked, published: published ?? false, version: version)
        }
    }

    /// The same fields and the version being edited (required: an edit of an older version is 409).
    struct OfferingUpdate: StrictJSONBody {
        static let allowedKeys: Set<String> = OfferingCreate.allowedKeys.union(["version"])
        var fields: OfferingCreate
        var version: Int

        private enum CodingKeys: String, CodingKey { case version }

        init(from decoder: any Decoder) throws {
            fields = try OfferingCreate(from: decoder)
            version = try decoder.container(keyedBy: CodingKeys.self).decode(Int.self, forKey: .version)
        }
    }

    struct OfferingOut: Content {
        var id: UUID
        var name: String
        var kind: SupportKind
        var provider: SupportProvider
        var providerName: String
        var civilSocietyId: UUID?
        var targetGroups: [String]
        var needsAssessment: Bool
        var cost: String
        var languages: [String]
        var interpreter: Bool
        var accessibility: String
        var address: String
        var schedule: String
        var phone: String
        var email: String
        var website: String
        var description: String
        var eligibility: String
        var lastChecked: String
        var published: Bool
        /// Not checked for six months (`CatalogueFreshness`), or no readable date.
        var stale: Bool
        var version: Int
        var createdAt: Date?

        init(_ offering: SupportOffering, today: CalendarDate = .today()) throws {
            id = try offering.requireID()
            name = offering.name
            kind = offering.kind
            provider = offering.provider
            providerName = offering.providerName
            civilSocietyId = offering.civilSocietyID
            targetGroups = offering.targetGroups.map(\.rawValue).sorted()
            needsAssessment = offering.needsAssessment
            cost = offering.cost
            languages = offering.languages.sorted()
            interpreter = offering.interpreter
            accessibility = offering.accessibility
            address = offering.address
            schedule = offering.schedule
            phone = offering.phone
            email = offering.email
            website = offering.website
            description = offering.description
            eligibility = offering.eligibility
            lastChecked = offering.lastChecked
            published = offering.published
            stale = CalendarDate(offering.lastChecked).map { CatalogueFreshness.isStale(lastChecked: $0, today: today) } ?? true
            version = offering.version
            createdAt = offering.createdAt
        }
    }

    // MARK: Civil-society organisations

    struct CivilSocietyCreate: StrictJSONFields {
        enum CodingKeys: String, CodingKey, CaseIterable { case name, description, contact, stateGrant, cooperation }
        var name: String?
        var description: String?
        var contact: String?
        var stateGrant: Bool?
        var cooperation: String?
    }

    struct CivilSocietyOut: Content {
        var id: UUID
        var name: String
        var description: String
        var contact: String
        var stateGrant: Bool
        var cooperation: String
        var createdAt: Date?

        init(_ organisation: CivilSocietyOrganisation) throws {
            id = try organisation.requireID()
            name = organisation.name
            description = organisation.description
            contact = organisation.contact
            stateGrant = organisation.stateGrant
            cooperation = organisation.cooperation
            createdAt = organisation.createdAt
        }
    }

    // MARK: Contact requests

    /// A request in the inbox: no name, no way to reach them, nothing they wrote. Reading those
    /// is opening the request, which is logged.
    struct ContactRequestSummary: Content {
        var id: UUID
        var status: ContactRequestStatus
        var receivedAt: Date
        var language: String

        init(_ request: ContactRequest) throws {
            id = try request.requireID()
            status = request.status
            receivedAt = request.createdAt
            language = request.language
        }
    }

    struct ContactRequestOut: Content {
        var id: UUID
        var status: ContactRequestStatus
        var receivedAt: Date
        var language: String
        var name: String
        var reach: String
        var about: String
        var closedReason: String?
        var closedByUserId: UUID?
        var closedAt: Date?

        init(_ request: ContactRequest) throws {
            id = try request.requireID()
            status = request.status
            receivedAt = request.createdAt
            language = request.language
            name = request.name
            reach = request.reach
            about = request.about
            closedReason = request.closedReason
            closedByUserId = request.closedBy
            closedAt = request.closedAt
        }
    }

    struct ContactRequestClose: StrictJSONFields {
        enum CodingKeys: String, CodingKey, CaseIterable { case reason }
        var reason: String?
    }
}
