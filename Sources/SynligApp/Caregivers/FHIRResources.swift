import Foundation

/// The FHIR R4 data types and resources the export uses — only the elements it fills. Optional
/// elements left nil are left out of the JSON, as FHIR wants (no nulls, no empty arrays).
enum FHIR {
    struct Bundle: Encodable, Sendable {
        let resourceType = "Bundle"
        var id: String
        let type = "collection"
        /// When the bundle was assembled (an `instant`).
        var timestamp: String
        /// Left out when there is nothing to carry: FHIR JSON forbids empty arrays.
        var entry: [Entry]?
    }

    struct Entry: Encodable, Sendable {
        var fullUrl: String
        var resource: Resource

        init(_ id: UUID, _ resource: Resource) {
            fullUrl = CaregiverFHIRExport.urn(id)
            self.resource = resource
        }
    }

    enum Resource: Encodable, Sendable {
        case patient(Patient)
        case relatedPerson(RelatedPerson)
        case consent(Consent)
        case flag(Flag)

        func encode(to encoder: any Encoder) throws {
            switch self {
            case .patient(let resource): try resource.encode(to: encoder)
            case .relatedPerson(let resource): try resource.encode(to: encoder)
            case .consent(let resource): try resource.encode(to: encoder)
            case .flag(let resource): try resource.encode(to: encoder)
            }
        }

        var resourceType: String {
            switch self {
            case .patient: "Patient"
            case .relatedPerson: "RelatedPerson"
            case .consent: "Consent"
            case .flag: "Flag"
            }
        }
    }

    struct Coding: Encodable, Sendable {
        var system: String
        var code: String
        var display: String?
    }

    struct CodeableConcept: Encodable, Sendable {
        var coding: [Coding]?
        var text: String?
    }

    struct Reference: Encodable, Sendable {
        var reference: String?
        var display: String?
    }

    struct Identifier: Encodable, Sendable {
        /// `official` for a national identity number, `secondary` for a local reference.
        var use: String?
        var type: CodeableConcept?
        var system: String
        var value: String
    }

    /// The human-readable summary every DomainResource should carry (`text`, dom-6).
    struct Narrative: Encodable, Sendable {
        let status = "generated"
        /// XHTML in a `div` of the XHTML namespace, with the text escaped.
        var div: String
    }

    struct HumanName: Encodable, Sendable {
        var text: String
    }

    struct ContactPoint: Encodable, Sendable {
        /// `phone` or `email`.
        var system: String
        var value: String
        /// 1 marks the caregiver's preferred way to be reached.
        var rank: Int?
    }

    struct Address: Encodable, Sendable {
        var text: String
    }

    struct Period: Encodable, Sendable {
        var start: String?
        var end: String?
    }

    struct Attachment: Encodable, Sendable {
        var title: String
    }

    struct Extension: Encodable, Sendable {
        var url: String
        var valueReference: Reference
    }

    struct Communication: Encodable, Sendable {
        var language: CodeableConcept
        var preferred: Bool
    }

    struct Patient: Encodable, Sendable {
        let resourceType = "Patient"
        var id: String
        var text: Narrative
        var identifier: [Identifier]?
        var name: [HumanName]
    }

    struct RelatedPerson: Encodable, Sendable {
        let resourceType = "RelatedPerson"
        var id: String
        var text: Narrative
        var identifier: [Identifier]?
        var active = true
        var patient: Reference
        /// Left out when the relation was not stated: FHIR has no code for "unknown relation",
        /// and a text saying so carries nothing a receiver could use.
        var relationship: [CodeableConcept]?
        var name: [HumanName]
        var telecom: [ContactPoint]?
        /// `male`, `female`, `other` or `unknown` (AdministrativeGender).
        var gender: String
        /// FHIR `date`: the birth year alone is a valid value.
        var birthDate: String?
        var address: [Address]?
        var period: Period?
        var communication: [Communication]
    }

    struct ProvisionActor: Encodable, Sendable {
        var role: CodeableConcept
        var reference: Reference
    }

    struct Provision: Encodable, Sendable {
        /// `permit` or `deny`.
        var type: String
        var period: Period
        var actor: [ProvisionActor]
        /// The categories of information the consent covers.
        var code: [CodeableConcept]?
    }

    struct Consent: Encodable, Sendable {
        let resourceType = "Consent"
        var id: String
        var text: Narrative
        /// `active` for the entry that decides today, `inactive` for superseded or expired ones.
        /// A withdrawal is an `active` consent that denies (never `rejected`, which R4 keeps for
        /// a consent that was never in force).
        var status: String
        var scope: CodeableConcept
        var category: [CodeableConcept]
        var patient: Reference
        var dateTime: String
        var performer: [Reference]?
        var sourceAttachment: Attachment?
        var policyRule: CodeableConcept
        var provision: Provision
    }

    struct Flag: Encodable, Sendable {
        let resourceType = "Flag"
        var id: String
        var text: Narrative
        /// `flag-detail`: the `RelatedPerson` the flag is about (R4 lets a flag's subject only be the patient).
        var `extension`: [Extension]
        var status: String
        var category: [CodeableConcept]
        var code: CodeableConcept
        var subject: Reference
        var period: Period?
    }
}
