import Fluent
import Foundation
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

/// A region beside a municipality: Nora, a nurse at the region's health centre, has registered
/// Lena, who cares for her husband Gösta. The municipality is `RecordWorld`'s, with Karin its
/// consultant. Rita is the region's consultant (she may make register extracts).
struct ReferralWorld {
    let region: Organisation
    let municipality: RecordWorld
    let nurse: CurrentUser
    let regionConsultant: CurrentUser
    let lena: Caregiver
    let gosta: CareRecipient
    let relationship: CareRelationship

    static let nurseEmail = "nora@13.test.se"
    static let regionConsultantEmail = "rita@13.test.se"
    static let consultantEmail = "karin@0180.test.se"

    static func make(_ app: Application) async throws -> ReferralWorld {
        let region = Organisation(name: "Region Test", code: "13", kind: .region)
        try await region.create(on: app.db)
        let centre = try await makeUnit(app, in: region, name: "Vårdcentralen Test", kind: .primaryCare)
        let nurse = try await currentUser(app, try await makeUser(app, in: region, email: nurseEmail, roles: [.staff], units: [centre]))
        let rita = try await currentUser(app, try await makeUser(app, in: region, email: regionConsultantEmail, roles: [.consultant]))
        let municipality = try await RecordWorld.make(app)
        let lena = try await CaregiverService.save(nil, CaregiverInput(
            name: "Lena Lindqvist", personalIdentityNumber: "19121212-1212", phone: "070-174 06 12", email: "lena@example.se",
            address: "Storgatan 1, Regionstad", preferredLanguage: "sv", ownHealthNote: "Egen hjärtsjukdom"), by: nurse, on: app.db)
        let gosta = try await CaregiverService.saveRecipient(nil, RecipientInput(name: "Gösta Lindqvist", unitIds: [try centre.requireID().uuidString],
                                                                                patientContract: false), by: nurse, on: app.db)
        let relationship = try await CaregiverService.saveRelationship(
            nil, caregiverID: lena.id, recipientID: gosta.id,
            RelationshipInput(relation: RelationKind.partner.rawValue, livesTogether: true, hoursBand: HoursBand.from20to34.rawValue,
                              tasks: [CareTask.practicalHelp.rawValue], carriesCoordination: false),
            by: nurse, on: app.db)
        return ReferralWorld(region: region, municipality: municipality, nurse: nurse, regionConsultant: rita, lena: lena, gosta: gosta,
                             relationship: relationship)
    }

    var municipalityID: UUID { get throws { try municipality.organisation.requireID() } }

    /// Nora refers Lena to the municipality with the consent given.
    @discardableResult
    func refer(_ app: Application, _ categories: [ReferralConsentCategory], needs: String? = nil,
               reason: String = "Mycket trött, vill prata med en anhörigkonsulent.") async throws -> (SentReferral, Referral) {
        let sent = try await ReferralService.send(
            caregiverID: try lena.requireID(),
            ReferralInput(receivingOrganisationId: try municipalityID.uuidString, consentCategories: categories.map(\.rawValue),
                          consentForm: ReferralConsentForm.oral.rawValue, reason: reason, ownNeeds: needs),
            by: nurse, on: app.db)
        let referral = try #require(try await Referral.query(on: app.db).filter(\.$sentReferralID == sent.requireID()).first())
        return (sent, referral)
    }
}
