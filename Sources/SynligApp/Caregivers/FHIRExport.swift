import Fluent
import Foundation
import SynligCore
import Vapor

/// One caregiver as a FHIR R4 `Bundle` of type `collection`, for a health-care system that
/// wants to know who is around a patient: a `RelatedPerson` per relationship (with a `Patient`
/// carrying only the cared-for person's name), a `Consent` per entry of the consent history,
/// and a `Flag` for each restriction on involvement in force and for each coordination
/// signal. Built from Codable structs, so the JSON is well-formed by construction; the shapes
/// follow the R4 JSON structure (required elements, value sets named where R4 binds one).
///
/// A restriction does not stop the export — the receiving system must see the warning, so it
/// travels as a `Flag` on the patient, pointing at the caregiver.
enum CaregiverFHIRExport {
    static let mediaType = HTTPMediaType(type: "application", subType: "fhir+json", parameters: ["charset": "utf-8"])

    enum System {
        static let personnummer = "http://electronichealth.se/identifier/personnummer"
        static let samordningsnummer = "http://electronichealth.se/identifier/samordningsnummer"
        static let roleCode = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
        static let actCode = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
        static let participationType = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
        static let consentScope = "http://terminology.hl7.org/CodeSystem/consentscope"
        static let loinc = "http://loinc.org"
        static let flagCategory = "http://terminology.hl7.org/CodeSystem/flag-category"
        static let language = "urn:ietf:bcp:47"
        static let flagDetail = "http://hl7.org/fhir/StructureDefinition/flag-detail"
        /// Synlig's own vocabularies, where no national or HL7 code system fits.
        static let consentCategory = "https://synlig.se/fhir/CodeSystem/consent-category"
        static let consentEntryKind = "https://synlig.se/fhir/CodeSystem/consent-entry-kind"
        static let restrictionReason = "https://synlig.se/fhir/CodeSystem/involvement-restriction-reason"
        static let caregiverSignal = "https://synlig.se/fhir/CodeSystem/caregiver-signal"
        /// Followed by the organisation's id: a case reference is unique within one organisation.
        static let caseReference = "https://synlig.se/fhir/sid/case-reference/"
    }

    /// What the export is built from: the caregiver and the relationships the reader may see.
    struct Record: Sendable {
        struct Link: Sendable {
            var relationship: CareRelationship
            var recipient: CareRecipient
            var consents: [ConsentRecord]
            var activeRestrictions: [InvolvementRestriction]
        }
        var caregiver: Caregiver
        var links: [Link]
    }

    /// Reads the record as the user may see it (404 for anyone else's caregiver).
    static func load(caregiverID: UUID, for user: CurrentUser, on db: any Database) async throws -> Record {
        let caregiver = try await CaregiverAccess.caregiver(caregiverID, for: user, on: db)
        let relationships = try await CareRelationship.scoped(to: user.organisationID, on: db)
            .filter(\.$caregiverID == caregiverID).sort(\.$createdAt).sort(\.$id).all()
        let recipientIDs = relationships.map(\.recipientID)
        let recipients = recipientIDs.isEmpty ? [] : try await CaregiverAccess.recipients(for: user, on: db)
            .filter(\.$id ~~ recipientIDs).all()
        let relationshipIDs = try relationships.map { try $0.requireID() }
        let consents = relationshipIDs.isEmpty ? [] : try await ConsentRecord.scoped(to: user.organisationID, on: db)
            .filter(\.$relationshipID ~~ relationshipIDs).sort(\.$sequence).all()
        let restrictions = relationshipIDs.isEmpty ? [] : try await InvolvementRestriction.scoped(to: user.organisationID, on: db)
            .filter(\.$relationshipID ~~ relationshipIDs).filter(\.$liftedAt == nil).all()
        let links = relationships.compactMap { relationship -> Record.Link? in
            guard let recipient = recipients.first(where: { $0.id == relationship.recipientID }) else { return nil }
            return Record.Link(relationship: relationship, recipient: recipient,
                               consents: consents.filter { $0.relationshipID == relationship.id },
                               activeRestrictions: restrictions.filter { $0.relationshipID == relationship.id })
        }
        return Record(caregiver: caregiver, links: links)
    }

    /// The bundle. `text` gives the words people read in the receiving system, in the
    /// reader's language.
    static func bundle(_ record: Record, today: CalendarDate, now: Date = Date(), text: (String, [String]) -> String) throws -> FHIR.Bundle {
        var entries: [FHIR.Entry] = []
        var flags: [FHIR.Entry] = []
        let caregiver = record.caregiver
        for link in record.links {
            let relationshipID = try link.relationship.requireID()
            let recipientID = try link.recipient.requireID()
            let patient = FHIR.Reference(reference: urn(recipientID))
            let related = FHIR.Reference(reference: urn(relationshipID))
            if !entries.contains(where: { $0.fullUrl == urn(recipientID) }) {
                let identifier = patientIdentifier(link.recipient, text: text)
                entries.append(FHIR.Entry(recipientID, .patient(FHIR.Patient(
                    id: recipientID.uuidString.lowercased(),
                    text: narrative([link.recipient.name, identifier.map { ($0.type?.text ?? "") + " " + $0.value }.map {
                        $0.trimmingCharacters(in: .whitespaces) } ?? ""]),
                    identifier: identifier.map { [$0] },
                    name: [FHIR.HumanName(text: link.recipient.name)]))))
            }
            entries.append(FHIR.Entry(relationshipID, .relatedPerson(
                relatedPerson(caregiver, link.relationship, patient: patient, patientName: link.recipient.name,
                              restricted: !link.activeRestrictions.isEmpty, text: text))))

            let entriesInForce = link.consents.compactMap { record in record.entry.map { (record, $0) } }.filter { $0.1.date <= today }
            let deciding = entriesInForce.max { ($0.1.date, $0.1.sequence) < ($1.1.date, $1.1.sequence) }?.0.id
            for (consent, entry) in entriesInForce {
                let id = try consent.requireID()
                entries.append(FHIR.Entry(id, .consent(self.consent(consent, entry: entry, deciding: consent.id == deciding, today: today,
                                                                    patient: patient, relatedPerson: related, text: text))))
            }

            for restriction in link.activeRestrictions {
                let reason = label("restriction.reason", restriction.reason.rawValue, text)
                let words = text("fhir.flag.restriction", [caregiver.name, reason, restriction.reviewOn])
                flags.append(FHIR.Entry(try restriction.requireID(), .flag(FHIR.Flag(
                    id: try restriction.requireID().uuidString.lowercased(),
                    text: narrative([words]),
                    extension: [FHIR.Extension(url: System.flagDetail, valueReference: related)],
                    status: "active",
                    category: [FHIR.CodeableConcept(coding: [FHIR.Coding(system: System.flagCategory, code: "safety", display: "Safety")])],
                    code: FHIR.CodeableConcept(
                        coding: [FHIR.Coding(system: System.restrictionReason, code: restriction.reason.rawValue, display: reason)],
                        text: words),
                    subject: patient, period: FHIR.Period(start: restriction.decidedOn)))))
            }
            if link.relationship.coordinationSignal {
                // Derived, not stored: the id is fixed by the relationship, so exports agree.
                let id = derivedID("coordination-signal", relationshipID)
                let words = text("fhir.flag.coordination", [caregiver.name])
                flags.append(FHIR.Entry(id, .flag(FHIR.Flag(
                    id: id.uuidString.lowercased(),
                    text: narrative([words]),
                    extension: [FHIR.Extension(url: System.flagDetail, valueReference: related)],
                    status: "active",
                    category: [FHIR.CodeableConcept(coding: [FHIR.Coding(system: System.flagCategory, code: "admin", display: "Administrative")])],
                    code: FHIR.CodeableConcept(
                        coding: [FHIR.Coding(system: System.caregiverSignal, code: "coordinationBurden", display: nil)],
                        text: words),
                    subject: patient, period: nil))))
            }
        }
        let all = entries + flags
        return FHIR.Bundle(id: UUID().uuidString.lowercased(), timestamp: instant(now), entry: all.isEmpty ? nil : all)
    }

    /// A restricted pair travels without the caregiver's contact details: the restriction blocks
    /// contact exports, and the Flag says why.
    private static func relatedPerson(_ caregiver: Caregiver, _ relationship: CareRelationship, patient: FHIR.Reference, patientName: String,
                                      restricted: Bool, text: (String, [String]) -> String) -> FHIR.RelatedPerson {
        var identifier: [FHIR.Identifier]?
        if let stored = caregiver.personalIdentityNumber, case .success(let number) = PersonalIdentityNumber.parse(stored) {
            identifier = [FHIR.Identifier(system: number.kind == .samordningsnummer ? System.samordningsnummer : System.personnummer,
                                          value: number.canonical)]
        }
        var telecom: [FHIR.ContactPoint] = []
        if !caregiver.phone.isEmpty, !restricted {
            telecom.append(FHIR.ContactPoint(system: "phone", value: caregiver.phone,
                                             rank: [.phone, .textMessage].contains(caregiver.preferredChannel) ? 1 : nil))
        }
        if !caregiver.email.isEmpty, !restricted {
            telecom.append(FHIR.ContactPoint(system: "email", value: caregiver.email, rank: caregiver.preferredChannel == .email ? 1 : nil))
        }
        let relation = roleCode(relationship.relation)
        let relationText = relationshipText(relationship.relation, text)
        return FHIR.RelatedPerson(
            id: (relationship.id ?? UUID()).uuidString.lowercased(),
            text: narrative([relationText.map { text("fhir.narrative.related_person", [caregiver.name, $0, patientName]) }
                ?? text("fhir.narrative.related_person_unstated", [caregiver.name, patientName])]),
            identifier: identifier,
            patient: patient,
            relationship: relationText.map { [FHIR.CodeableConcept(
                coding: relation.map { [FHIR.Coding(system: System.roleCode, code: $0.code, display: $0.display)] },
                text: $0)] },
            name: [FHIR.HumanName(text: caregiver.name)],
            telecom: telecom.isEmpty ? nil : telecom,
            // A gender not stated is `unknown`, which AdministrativeGender has for exactly this.
            gender: administrativeGender(caregiver.gender),
            birthDate: caregiver.birthYear.map { String(format: "%04d", $0) },
            address: caregiver.address.isEmpty || restricted ? nil : [FHIR.Address(text: caregiver.address)],
            period: relationship.since.map { FHIR.Period(start: $0) },
            communication: [FHIR.Communication(
                language: FHIR.CodeableConcept(coding: [FHIR.Coding(system: System.language, code: caregiver.preferredLanguage, display: nil)]),
                preferred: true)])
    }

    private static func consent(_ record: ConsentRecord, entry: ConsentEntry, deciding: Bool, today: CalendarDate,
                                patient: FHIR.Reference, relatedPerson: FHIR.Reference, text: (String, [String]) -> String) -> FHIR.Consent {
        let status: String
        let permits: Bool
        var rule = [FHIR.Coding(system: System.consentEntryKind, code: record.kind.rawValue, display: nil)]
        switch record.kind {
        case .withdrawal:
            // In force and denying while it decides; `rejected` would say it never applied.
            (status, permits) = (deciding ? "active" : "inactive", false)
            rule.insert(FHIR.Coding(system: System.actCode, code: "OPTOUT", display: "opt-out"), at: 0)
        case .consent:
            let expired = entry.endsOn.map { $0 < today } ?? false
            (status, permits) = (deciding && !expired ? "active" : "inactive", true)
            rule.insert(FHIR.Coding(system: System.actCode, code: "OPTIN", display: "opt-in"), at: 0)
        case .harmAssessment:
            (status, permits) = (deciding ? "active" : "inactive", record.harmDecision == .mayDisclose)
        }
        let categories = record.categories.sorted { $0.rawValue < $1.rawValue }.map {
            FHIR.CodeableConcept(coding: [FHIR.Coding(system: System.consentCategory, code: $0.rawValue,
                                                      display: CaregiverFHIRExport.label("consent.category", $0.rawValue, text))])
        }
        // The person gives or withdraws consent; a harm assessment is made by staff.
        let performer = record.kind == .harmAssessment ? FHIR.Reference(display: record.decidedBy.isEmpty ? nil : record.decidedBy) : patient
        return FHIR.Consent(
            id: (record.id ?? UUID()).uuidString.lowercased(),
            text: CaregiverFHIRExport.narrative([text("fhir.narrative.consent", [CaregiverFHIRExport.label("consent.kind", record.kind.rawValue, text), record.date,
                                                             text("fhir.consent.status." + status, [])])]
                            + (permits ? categories.compactMap { $0.coding?.first?.display } : [])),
            status: status,
            scope: FHIR.CodeableConcept(coding: [FHIR.Coding(system: System.consentScope, code: "patient-privacy", display: "Privacy Consent")]),
            category: [FHIR.CodeableConcept(coding: [FHIR.Coding(system: System.loinc, code: "59284-0", display: "Consent Document")])],
            patient: patient,
            dateTime: record.date,
            performer: performer.reference == nil && performer.display == nil ? nil : [performer],
            sourceAttachment: record.documentReference.isEmpty ? nil : FHIR.Attachment(title: record.documentReference),
            policyRule: FHIR.CodeableConcept(coding: rule),
            provision: FHIR.Provision(
                type: permits ? "permit" : "deny",
                period: FHIR.Period(start: record.date, end: record.endsOn),
                actor: [FHIR.ProvisionActor(
                    role: FHIR.CodeableConcept(coding: [FHIR.Coding(system: System.participationType, code: "IRCP", display: "information recipient")]),
                    reference: relatedPerson)],
                code: permits && !categories.isEmpty ? categories : nil))
    }

    /// v3-RoleCode says what the related person (the caregiver) is to the patient. `RelationKind`
    /// says whom the caregiver cares for ("I care for my parent"), so parent and child swap here;
    /// `guardian` is the caregiver's own role. `other` has no code and travels as text.
    static func roleCode(_ relation: RelationKind) -> (code: String, display: String)? {
        switch relation {
        // A partner may be a spouse, a registered partner or a cohabitant (sambo): SIGOTHR
        // covers them all, where SPS would claim a marriage the record does not know of.
        case .partner: ("SIGOTHR", "significant other")
        case .parent: ("CHILD", "child")
        case .child: ("PRN", "parent")
        case .sibling: ("SIB", "sibling")
        case .otherRelative: ("FAMMEMB", "family member")
        case .friend: ("FRND", "unrelated friend")
        case .neighbour: ("NBOR", "neighbor")
        case .guardian: ("GUARD", "guardian")
        case .other, .notStated: nil
        }
    }

    static func administrativeGender(_ gender: Gender) -> String {
        switch gender {
        case .woman: "female"
        case .man: "male"
        case .other: "other"
        case .notStated: "unknown"
        }
    }

    static func urn(_ id: UUID) -> String { "urn:uuid:" + id.uuidString.lowercased() }

    /// A name-based UUID (version 5 layout over SHA-256), stable for the same inputs.
    static func derivedID(_ namespace: String, _ id: UUID) -> UUID {
        var bytes = Array(SHA256.hash(data: Data((namespace + ":" + id.uuidString).utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x50
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }

    private static func instant(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}

extension CaregiverFHIRExport {
    /// The Bundle as an HTTP answer in the reader's language, for the API and the staff page
    /// alike. Exporting is a read of the record, so it is access-logged here, once.
    static func response(caregiverID: UUID, req: Request) async throws -> Response {
        let record = try await load(caregiverID: caregiverID, for: try req.currentUser, on: req.db)
        try await req.logAccess(recordType: .caregiver, recordID: try record.caregiver.requireID())
        let localizer = req.application.localizer
        let language = req.textLanguage
        let bundle = try bundle(record, today: .today()) { localizer.text($0, language, $1) }
        let response = Response(status: .ok, body: .init(data: try JSONEncoder().encode(bundle)))
        response.headers.contentType = mediaType
        response.headers.replaceOrAdd(name: .contentLanguage, value: language)
        return response
    }
}
