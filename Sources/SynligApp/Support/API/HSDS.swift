import Foundation
import SynligCore
import Vapor

/// The published catalogue in the shape of Open Referral's Human Services Data Specification
/// 3.0 (schema/service.json and friends, https://github.com/openreferral/specification, 3.0):
/// every nested object has its own `id`, addresses are split into their parts, and each
/// classification is an attribute pointing at a taxonomy term. Ids of objects Synlig does not
/// store (a phone, a schedule, an address) are derived from the offering, so they stay the
/// same from one fetch to the next. Optional values left nil are left out of the JSON.
enum HSDS {
    struct Taxonomy: Content {
        var id: String
        var name: String
        var description: String
    }

    struct TaxonomyTerm: Content {
        var id: String
        var code: String
        var name: String
        var description: String
        var taxonomy: String
        var taxonomy_id: String
        var taxonomy_detail: Taxonomy
        var language: String
    }

    struct Attribute: Content {
        var id: String
        var link_id: String
        var taxonomy_term_id: String
        var link_entity: String
        var taxonomy_term: TaxonomyTerm
    }

    struct Language: Content { var id: String; var service_id: String; var code: String }
    struct Phone: Content { var id: String; var service_id: String; var number: String }
    struct Schedule: Content { var id: String; var service_id: String; var description: String }
    struct Accessibility: Content { var id: String; var location_id: String; var description: String }

    struct Address: Content {
        var id: String
        var location_id: String
        var address_1: String
        var city: String
        var state_province: String
        var postal_code: String
        var country: String
        var address_type: String
    }

    struct Location: Content {
        var id: String
        var location_type: String
        var organization_id: String
        var name: String
        var addresses: [Address]
        var accessibility: [Accessibility]?
    }

    struct ServiceAtLocation: Content {
        var id: String
        var service_id: String
        var location_id: String
        var location: Location
    }

    struct OrganizationIdentifier: Content {
        var id: String
        var organization_id: String
        var identifier_type: String
        var identifier: String
    }

    struct Organization: Content {
        var id: String
        var name: String
        var description: String
        var organization_identifiers: [OrganizationIdentifier]
    }

    struct Service: Content {
        var id: String
        var organization_id: String
        var name: String
        var description: String
        var url: String?
        var email: String?
        var status: String
        var interpretation_services: String?
        var application_process: String
        var fees_description: String
        var eligibility_description: String
        var assured_date: String?
        var phones: [Phone]?
        var schedules: [Schedule]?
        var service_at_locations: [ServiceAtLocation]?
        var languages: [Language]?
        var organization: Organization
        var attributes: [Attribute]?
    }

    /// HSDS's paginated answer (`Page` in the 3.0 OpenAPI, with the items in `contents`).
    struct Page: Content {
        var total_items: Int
        var total_pages: Int
        var page_number: Int
        var size: Int
        var first_page: Bool
        var last_page: Bool
        var empty: Bool
        var contents: [Service]
    }

    /// The base of ids that belong to no organisation (the taxonomies and their terms).
    static let namespace = UUID(uuidString: "00000000-0000-0000-0000-000000000000")!

    /// A stable id for something derived from a stored record.
    static func id(_ namespace: String, _ base: UUID) -> String { string(CaregiverFHIRExport.derivedID("hsds-" + namespace, base)) }

    /// Ids as HSDS writes them: lower-case UUIDs.
    static func string(_ id: UUID) -> String { id.uuidString.lowercased() }

    /// Swedish counties (län) by the first two digits of an SCB municipality code, for
    /// `state_province`.
    static func county(ofCode code: String) -> String {
        let counties = ["01": "Stockholms län", "03": "Uppsala län", "04": "Södermanlands län", "05": "Östergötlands län",
                        "06": "Jönköpings län", "07": "Kronobergs län", "08": "Kalmar län", "09": "Gotlands län",
                        "10": "Blekinge län", "12": "Skåne län", "13": "Hallands län", "14": "Västra Götalands län",
                        "17": "Värmlands län", "18": "Örebro län", "19": "Västmanlands län", "20": "Dalarnas län",
                        "21": "Gävleborgs län", "22": "Västernorrlands län", "23": "Jämtlands län", "24": "Västerbottens län",
                        "25": "Norrbottens län"]
        return counties[String(code.prefix(2))] ?? ""
    }

    /// A catalogue address as people write it ("Storgatan 1, 123 45 Exempelstad" or
    /// "Storgatan 1, Exempelstad") split into street, postal code and city. Without a comma the
    /// whole text is the street.
    static func addressParts(_ text: String) -> (street: String, postalCode: String, city: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let comma = trimmed.lastIndex(of: ",") else { return (trimmed, "", "") }
        let street = trimmed[..<comma].trimmingCharacters(in: .whitespaces)
        var rest = trimmed[trimmed.index(after: comma)...].trimmingCharacters(in: .whitespaces)
        var postalCode = ""
        // A Swedish postal code: five digits, often written "123 45".
        let digits = rest.prefix(6).filter(\.isNumber)
        if digits.count == 5, let match = rest.range(of: #"^\d{3} ?\d{2}\b"#, options: .regularExpression) {
            postalCode = String(digits.prefix(3)) + " " + String(digits.suffix(2))
            rest = rest[match.upperBound...].trimmingCharacters(in: .whitespaces)
        }
        return (street, postalCode, rest)
    }
}
