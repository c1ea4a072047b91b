import Fluent
import Foundation
import SynligCore
import Testing
import Vapor
@testable import SynligApp

/// The defects a FHIR validator found in the export, each pinned: no empty arrays, a withdrawal
/// is an active denying Consent, the relationship's words say what its code says, the Patient
/// carries the identifier the record knows, and every resource has a narrative.
@Suite("FHIR export conformance")
struct FHIRConformanceTests {
    /// The export as parsed JSON, in the given language with the real texts.
    private static func parsed(_ app: Application, _ world: RecordWorld, _ caregiver: Caregiver, language: Language = .sv) async throws
        -> (bundle: [String: Any], resources: [[String: Any]]) {
        let record = try await CaregiverFHIRExport.load(caregiverID: try caregiver.requireID(), for: world.consultant, on: app.db)
        let localizer = app.localizer
        let bundle = try CaregiverFHIRExport.bundle(record, today: .today()) { localizer.text($0, language, $1) }
        let object = try #require(try JSONSerialization.jsonObject(with: try JSONEncoder().encode(bundle)) as? [String: Any])
        let resources = (object["entry"] as? [[String: Any]] ?? []).compactMap { $0["resource"] as? [String: Any] }
        return (object, resources)
    }

    private static func link(_ app: Application, _ world: RecordWorld, _ caregiver: Caregiver, _ recipient: CareRecipient,
                             _ relation: RelationKind) async throws -> CareRelationship {
        try await CaregiverService.saveRelationship(nil, caregiverID: caregiver.id, recipientID: recipient.id,
                                                    RelationshipInput(relation: relation.rawValue, livesTogether: false, tasks: [],
                                                                      carriesCoordination: false),
                                                    by: world.consultant, on: app.db)
    }

    @Test("A family caregiver with no relationship gets a Bundle without entry, and no empty array anywhere")
    func noRelationshipNoEmptyArray() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let caregiver = try await world.register(app, "Ensam Ek")
            let (bundle, resources) = try await Self.parsed(app, world, caregiver)
            #expect(bundle["entry"] == nil)
            #expect(resources.isEmpty)
            #expect(bundle["resourceType"] as? String == "Bundle")
            #expect(fhirHasNoEmpties(bundle))
            // The same through the API.
            let client = try await APIClient.signedIn(app, "karin@0180.test.se")
            let response = try await client.send(.GET, "/api/v1/caregivers/\(try caregiver.requireID())/fhir")
            #expect(response.status == .ok)
            #expect(!response.body.string.contains("[]"))
        }
    }

    @Test("A withdrawal is an active Consent that denies; the consent it ends is inactive; nothing is rejected")
    func withdrawalIsActiveDeny() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let caregiver = try await world.register(app, "Åsa Öberg")
            let mother = try await world.recipient(app, "Maja Öberg", units: [world.unitA])
            let relationship = try await Self.link(app, world, caregiver, mother, .parent)
            _ = try await ConsentService.record(
                relationshipID: try relationship.requireID(),
                ConsentInput(kind: "consent", categories: ["healthCondition"], form: "oral", date: CalendarDate.today().addingDays(-10).iso),
                by: world.consultant, on: app.db)
            _ = try await ConsentService.record(relationshipID: try relationship.requireID(),
                                                ConsentInput(kind: "withdrawal", date: CalendarDate.today().addingDays(-2).iso),
                                                by: world.consultant, on: app.db)
            let consents = try await Self.parsed(app, world, caregiver).resources.filter { $0["resourceType"] as? String == "Consent" }
            #expect(consents.count == 2)
            #expect(!consents.contains { $0["status"] as? String == "rejected" })
            let withdrawal = try #require(consents.first { ($0["provision"] as? [String: Any])?["type"] as? String == "deny" })
            #expect(withdrawal["status"] as? String == "active")
            #expect(withdrawal["dateTime"] as? String == CalendarDate.today().addingDays(-2).iso)
            let earlier = try #require(consents.first { ($0["provision"] as? [String: Any])?["type"] as? String == "permit" })
            #expect(earlier["status"] as? String == "inactive")
        }
    }

    /// What the family caregiver is to the patient, for each relation the record knows:
    /// (relation stored, v3-RoleCode, Swedish words, English words).
    static let directions: [(RelationKind, String?, String, String)] = [
        (.partner, "SIGOTHR", "make, maka, sambo eller partner", "spouse or partner"),
        (.parent, "CHILD", "barn", "child"),
        (.child, "PRN", "förälder", "parent"),
        (.sibling, "SIB", "syskon", "sibling"),
        (.otherRelative, "FAMMEMB", "släkting", "relative"),
        (.friend, "FRND", "vän", "friend"),
        (.neighbour, "NBOR", "granne", "neighbour"),
        (.guardian, "GUARD", "god man eller förvaltare", "trustee or administrator"),
        (.other, nil, "annan närstående", "other close person"),
    ]

    @Test("The relationship's code and words both say what the family caregiver is to the patient",
          arguments: FHIRConformanceTests.directions.map(\.0))
    func relationshipDirection(_ relation: RelationKind) async throws {
        let expected = try #require(Self.directions.first { $0.0 == relation })
        #expect(Self.directions.count == RelationKind.allCases.count - 1, "every stated relation has a row")
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let caregiver = try await world.register(app, "Kim Lund")
            let recipient = try await world.recipient(app, "Alex Lund", units: [world.unitA])
            _ = try await Self.link(app, world, caregiver, recipient, relation)
            for (language, words) in [(Language.sv, expected.2), (.en, expected.3)] {
                let resources = try await Self.parsed(app, world, caregiver, language: language).resources
                let person = try #require(resources.first { $0["resourceType"] as? String == "RelatedPerson" })
                let concept = try #require((person["relationship"] as? [[String: Any]])?.first)
                let coding = (concept["coding"] as? [[String: Any]])?.first
                #expect(coding?["code"] as? String == expected.1)
                #expect(concept["text"] as? String == words)
                let div = ((person["text"] as? [String: Any])?["div"] as? String) ?? ""
                #expect(div.contains(words), "the narrative says \(words)")
            }
        }
    }

    @Test("The Patient carries the identifier the record knows: a case reference, or a personnummer or samordningsnummer with HL7 Sweden's system")
    func patientIdentifier() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let caregiver = try await world.register(app, "Eva Berg")
            let units = [try world.unitA.requireID().uuidString]
            let cases: [(String, String, String?, String)] = [
                ("Akt 2024-0012", "https://synlig.se/fhir/sid/case-reference/" + world.organisation.id!.uuidString.lowercased(),
                 "secondary", "Akt 2024-0012"),
                ("19121212-1212", "http://electronichealth.se/identifier/personnummer", "official", "191212121212"),
                ("196109732393", "http://electronichealth.se/identifier/samordningsnummer", "official", "196109732393"),
            ]
            for (index, (reference, system, use, value)) in cases.enumerated() {
                let recipient = try await CaregiverService.saveRecipient(
                    nil, RecipientInput(name: "Person \(index)", externalReference: reference, unitIds: units, patientContract: false),
                    by: world.consultant, on: app.db)
                _ = try await Self.link(app, world, caregiver, recipient, .child)
                let resources = try await Self.parsed(app, world, caregiver).resources
                let patient = try #require(resources.first { $0["resourceType"] as? String == "Patient" && $0["id"] as? String
                    == recipient.id?.uuidString.lowercased() })
                let identifier = try #require((patient["identifier"] as? [[String: Any]])?.first)
                #expect(identifier["system"] as? String == system)
                #expect(identifier["use"] as? String == use)
                #expect(identifier["value"] as? String == value)
            }
            // None known, none sent (and no empty array).
            let bare = try await world.recipient(app, "Utan Referens", units: [world.unitA])
            _ = try await Self.link(app, world, caregiver, bare, .friend)
            let patient = try #require(try await Self.parsed(app, world, caregiver).resources.first {
                $0["id"] as? String == bare.id?.uuidString.lowercased() })
            #expect(patient["identifier"] == nil)
        }
    }

    @Test("Every resource has a generated XHTML narrative, with names escaped")
    func narrative() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let caregiver = try await world.register(app, "Lo <b>Ek</b> & Co")
            let recipient = try await world.recipient(app, "Bo Ek", units: [world.unitA])
            let relationship = try await world.link(app, caregiver, recipient, contacts: ["Vårdcentralen", "Hemtjänsten", "Apoteket"])
            _ = try await world.consent(app, relationship, [.healthCondition])
            let resources = try await Self.parsed(app, world, caregiver).resources
            #expect(Set(resources.compactMap { $0["resourceType"] as? String }) == ["Patient", "RelatedPerson", "Consent", "Flag"])
            for resource in resources {
                let text = try #require(resource["text"] as? [String: Any], "\(resource["resourceType"] ?? "?") has no text")
                #expect(text["status"] as? String == "generated")
                let div = try #require(text["div"] as? String)
                #expect(div.hasPrefix("<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>") && div.hasSuffix("</p></div>"))
                #expect(!div.contains("<b>"))
            }
            let person = try #require(resources.first { $0["resourceType"] as? String == "RelatedPerson" })
            #expect(((person["text"] as? [String: Any])?["div"] as? String)?.contains("Lo &lt;b&gt;Ek&lt;/b&gt; &amp; Co, barn till Bo Ek") == true)
        }
    }
}

/// FHIR JSON has no nulls, no empty strings, no empty arrays or objects.
func fhirHasNoEmpties(_ value: Any) -> Bool {
    switch value {
    case is NSNull: return false
    case let text as String: return !text.isEmpty
    case let array as [Any]: return !array.isEmpty && array.allSatisfy(fhirHasNoEmpties)
    case let object as [String: Any]: return !object.isEmpty && object.values.allSatisfy(fhirHasNoEmpties)
    default: return true
    }
}
