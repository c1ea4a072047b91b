import Foundation
import SynligCore

/// The parts of the FHIR export that say things in words: each resource's narrative, the
/// relationship as the receiving system reads it, and the patient's identifier.
extension CaregiverFHIRExport {
    /// A generated narrative of one or more paragraphs, escaped for XHTML.
    static func narrative(_ paragraphs: [String]) -> FHIR.Narrative {
        let body = paragraphs.filter { !$0.isEmpty }.map { "<p>" + xhtmlEscaped($0) + "</p>" }.joined()
        return FHIR.Narrative(div: "<div xmlns=\"http://www.w3.org/1999/xhtml\">" + body + "</div>")
    }

    static func xhtmlEscaped(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// What the caregiver is to the patient, in words: `RelatedPerson.relationship` describes the
    /// related person's relation to the patient, so "cares for a parent" reads "child". Nil when
    /// the relation was not stated.
    static func relationshipText(_ relation: RelationKind, _ text: (String, [String]) -> String) -> String? {
        relation.isStated ? label("fhir.relationship", relation.rawValue, text) : nil
    }

    /// The identifier the record knows for the person cared for. Synlig keeps a case or journal
    /// reference, not a personnummer; should the reference be a valid personnummer or
    /// samordningsnummer, it travels with the national system (HL7 Sweden's base profile: 12
    /// digits, no hyphen), otherwise as the organisation's own reference.
    static func patientIdentifier(_ recipient: CareRecipient, text: (String, [String]) -> String) -> FHIR.Identifier? {
        let reference = recipient.externalReference.trimmingCharacters(in: .whitespaces)
        guard !reference.isEmpty else { return nil }
        if case .success(let number) = PersonalIdentityNumber.parse(reference) {
            return FHIR.Identifier(use: "official", system: number.kind == .samordningsnummer ? System.samordningsnummer : System.personnummer,
                                   value: number.canonical)
        }
        return FHIR.Identifier(use: "secondary", type: FHIR.CodeableConcept(text: text("recipient.field.reference", [])),
                               system: System.caseReference + recipient.organisationID.uuidString.lowercased(), value: reference)
    }

    /// The localized word for a vocabulary value, or the value itself while no text exists.
    static func label(_ prefix: String, _ raw: String, _ text: (String, [String]) -> String) -> String {
        let key = prefix + "." + raw
        let found = text(key, [])
        return found == key ? raw : found
    }
}
