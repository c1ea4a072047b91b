import Fluent
import SynligApp
import SynligCore
import Vapor

/// Region Exempel: the region beside Exempelkommun, so a referral can be shown crossing from a
/// primary-care centre to the municipality. A nurse has registered two caregivers she met in
/// primary care and, with one's consent, referred her to Exempelkommun's consultants.
enum RegionDemo {
    static let code = "99"
    static let name = "Region Exempel"
    static let unitName = "Vårdcentralen Exempel"

    static let logins: [(email: String, name: String, role: Role, units: [String])] = [
        ("admin@region-exempel.se", "Rami Regionadmin", .admin, []),
        ("sjukskoterska@region-exempel.se", "Nora Sjuksköterska", .staff, [unitName]),
    ]

    static func seed(on tx: any Database, passwordHash: String, municipalityID: UUID) async throws {
        let (regionID, nurse) = try await AuditTrail.transaction(on: tx, actor: .system) { tx, audit in
            let region = Organisation(name: name, code: code, kind: .region, isDemo: true)
            try await region.create(on: tx)
            let regionID = try region.requireID()
            audit.record("organisation.create", "organisation", id: regionID, organisation: regionID)
            let unit = SynligApp.Unit(organisationID: regionID, name: unitName, kind: .primaryCare)
            try await unit.create(on: tx)
            audit.record("unit.create", "unit", id: unit.id, organisation: regionID)
            var nurse: CurrentUser?
            for login in logins {
                let units: Set<UUID> = login.units.isEmpty ? [] : [try unit.requireID()]
                let valid = UserService.Valid(email: login.email, displayName: login.name, password: nil, roles: [login.role], unitIDs: units)
                let user = try await UserService.insert(valid, passwordHash: passwordHash, organisationID: regionID, on: tx, audit: audit)
                if login.role == .staff {
                    nurse = CurrentUser(id: try user.requireID(), organisationID: regionID, organisationName: name, organisationIsDemo: true,
                                        displayName: login.name, email: login.email, roles: [.staff], unitIDs: units,
                                        sessionID: UUID(), csrfToken: "")
                }
            }
            return (regionID, nurse)
        }
        guard let nurse, let unitID = nurse.unitIDs.first else { return }
        // Lena is left for a user to refer; Bo was referred last week and waits in the inbox.
        _ = try await caregiver("Lena Lindqvist", phone: "070-174 06 12", caring: "Gösta Lindqvist", relation: .partner, hours: .from20to34,
                                unitID: unitID, by: nurse, on: tx)
        let bo = try await caregiver("Bo Ek", phone: "070-174 06 34", caring: "Elsa Ek", relation: .parent, hours: .from10to19,
                                     unitID: unitID, by: nurse, on: tx)
        _ = try await ReferralService.send(
            caregiverID: try bo.requireID(),
            ReferralInput(receivingOrganisationId: municipalityID.uuidString,
                          consentCategories: [ReferralConsentCategory.contactDetails.rawValue, ReferralConsentCategory.careSituation.rawValue],
                          consentForm: ReferralConsentForm.oral.rawValue,
                          reason: "Bo hjälper sin mamma varje dag och är mycket trött. Han vill gärna prata med en anhörigkonsulent om avlösning."),
            by: nurse, on: tx, now: Date().addingTimeInterval(-6 * 86400))
        _ = regionID
    }

    private static func caregiver(_ caregiverName: String, phone: String, caring recipientName: String, relation: RelationKind,
                                  hours: HoursBand, unitID: UUID, by nurse: CurrentUser, on tx: any Database) async throws -> Caregiver {
        let caregiver = try await CaregiverService.save(nil, CaregiverInput(name: caregiverName, phone: phone, preferredLanguage: "sv",
                                                                           unitId: unitID.uuidString),
                                                        by: nurse, on: tx)
        let recipient = try await CaregiverService.saveRecipient(nil, RecipientInput(name: recipientName, unitIds: [unitID.uuidString],
                                                                                    patientContract: false),
                                                                 by: nurse, on: tx)
        _ = try await CaregiverService.saveRelationship(
            nil, caregiverID: caregiver.id, recipientID: recipient.id,
            RelationshipInput(relation: relation.rawValue, livesTogether: relation == .partner, hoursBand: hours.rawValue,
                              tasks: [CareTask.practicalHelp.rawValue], carriesCoordination: false),
            by: nurse, on: tx)
        return caregiver
    }
}
