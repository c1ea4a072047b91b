import Foundation
import SynligCore
import Vapor

/// The JSON shapes of the support-catalogue part of `/api/v1`, as described in
/// `Resources/openapi.yaml`. Kinds, providers, target groups and languages are checked by
/// `SupportService`, so a bad value is a 422 naming the field, not a decoding error.
// The API takes the service's input as its body: one field list for the staff form, the
// service and `/api/v1` (openapi.yaml is checked against it). A new offering has no version.
extension OfferingInput: StrictJSONBody {}

extension API {
    // MARK: Offerings

    /// The fields of an offering as a client writes them. A PUT replaces the entry: a field
    /// left out is stored empty (or false), as on the staff page's form.
    /// The same fields and the version being edited (required: an edit of an older version is 409).
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

    struct CivilSocietyCreate: StrictJSONBody {
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

    struct ContactRequestClose: StrictJSONBody {
        var reason: String?
    }
}
