import Fluent
import Foundation
import SQLKit
import SynligCore
import Testing
import Vapor
@testable import SynligApp
@testable import SynligDemo

/// Organisation A is the demo's Exempelkommun, full of records of every kind, and asks for a
/// strong sign-in before people's records; organisation B is an empty municipality. Each has
/// one user per role (unit-scoped roles in every unit of their organisation), and A has each
/// role twice: signed in strongly and with the password alone.
struct MatrixWorld: Sendable {
    let a: Organisation
    let b: Organisation
    /// A record of A for each kind of `:id`, by the path before it (see `kinds`).
    let records: [String: UUID]
    let mappingResponse: UUID
    let crisisContact: UUID
    /// What every form the matrix posts carries: the copy form names the bank it copies (the
    /// official one, which every organisation may copy); other forms ignore it.
    let formFields: [(String, String)]

    enum Org: String, CaseIterable { case a, b }

    static func email(_ org: Org, _ role: Role, strong: Bool) -> String {
        "matrix-\(role.rawValue.lowercased())-\(strong ? "strong" : "weak")@\(org.rawValue).test.se"
    }

    /// The table an `:id` after these path segments names. The last two segments are tried
    /// first, then the last one; a new kind of record needs a line here.
    static let kinds: [String: String] = [
        "units": "units", "users": "users", "identity-providers": "identity_providers",
        "mappings": "mappings", "question-banks": "question_banks",
        "plan/goals": "goals", "goals": "goals", "plan/actions": "plan_actions", "actions": "plan_actions",
        "decisions/analyses": "consequence_analyses",
        "support": "support_offerings", "support-offerings": "support_offerings",
        "support/occasions": "group_occasions", "group-occasions": "group_occasions", "group-sign-ups": "group_sign_ups",
        "support/requests": "contact_requests", "contact-requests": "contact_requests",
        "referrals": "referrals", "referrals/received": "referrals",
        "caregivers": "caregivers",
        "caregivers/relationships": "care_relationships", "relationships": "care_relationships",
        "caregivers/restrictions": "involvement_restrictions", "restrictions": "involvement_restrictions",
        "caregivers/invitations": "meeting_invitations", "invitations": "meeting_invitations",
        "caregivers/support": "caregiver_support", "support-needs": "caregiver_support",
        "caregivers/feedback": "caregiver_feedback", "feedback": "caregiver_feedback",
        "caregivers/tasks": "caregiver_tasks", "tasks": "caregiver_tasks",
        "recipients": "care_recipients", "recipients/tasks": "recipient_tasks", "recipient-tasks": "recipient_tasks",
        "plans": "coordinated_plan_offers", "coordinated-plans": "coordinated_plan_offers",
        "plans/responsibilities": "coordinated_plan_responsibilities", "responsibilities": "coordinated_plan_responsibilities",
        "plans/contracts": "patient_contracts", "patient-contracts": "patient_contracts",
        "crisis/events": "crisis_events",
        "caregivers/corrections": "caregiver_corrections", "recipients/corrections": "recipient_corrections",
    ]

    /// Kinds made for the record the matrix names rather than taken from the demo (a history row
    /// must be the named person's own).
    static let made: Set<String> = ["caregiver_corrections", "recipient_corrections"]

    static func make(_ app: Application) async throws -> MatrixWorld {
        _ = try await DemoSeeder.seed(app, password: testPassword)
        let a = try #require(try await Organisation.query(on: app.db).filter(\.$code == DemoSeeder.organisationCode).first())
        let b = try await makeOrganisation(app, name: "Kommun B", code: "0202")
        let unitsA = try await Unit.query(on: app.db).filter(\.$organisationID == a.requireID()).all()
        let unitB = try await makeUnit(app, in: b, name: "Hemtjänst B")
        for role in Role.allCases {
            for strong in [true, false] {
                try await makeUser(app, in: a, email: email(.a, role, strong: strong), roles: [role], units: role.isUnitScoped ? unitsA : [])
            }
            try await makeUser(app, in: b, email: email(.b, role, strong: true), roles: [role], units: role.isUnitScoped ? [unitB] : [])
        }
        let policy = try await OrganisationSignInPolicy.forOrganisation(a.requireID(), on: app.db)
        policy.recordsNeedStrongSignIn = true
        try await policy.save(on: app.db)

        // The demo has no crisis under way; one is started with its contact list.
        let admin = try #require(try await User.query(on: app.db).filter(\.$email == email(.a, .admin, strong: true)).first())
        _ = try await CrisisEventService.start(kind: .heatWave, title: "Värmebölja", unitID: nil,
                                               by: try await currentUser(app, admin), on: app.db)
        // Kinds the demo has none of: an own question bank, a consequence analysis, an e-ID provider.
        let strategist = try await currentUser(app, try #require(try await User.query(on: app.db)
            .filter(\.$email == email(.a, .strategist, strong: true)).first()))
        let official = try #require(try await QuestionBank.query(on: app.db).filter(\.$isOfficial == true).first())
        _ = try await QuestionBankService.copy(try official.requireID(), title: "Egen version", by: strategist, on: app.db)
        _ = try await DecisionService.saveAnalysis(nil, try JSONDecoder().decode(AnalysisInput.self, from: Data(#"{"title":"Konsekvensanalys","decisionDate":"2026-11-02","whatChanges":"Nya öppettider","consultedCaregivers":false,"consultedCivilSociety":false,"final":false}"#.utf8)), by: strategist, on: app.db)
        let provider = IdentityProvider()
        provider.organisationID = try a.requireID()
        provider.name = "Testinloggning"
        provider.issuer = "https://idp.example.se"
        provider.clientID = "synlig"
        provider.clientAuthentication = .clientSecretBasic
        provider.userClaim = "email"
        provider.extraScopes = ""
        provider.requiredAssurance = ""
        provider.active = false
        provider.version = 1
        try await provider.create(on: app.db)

        let sql = try #require(app.db as? any SQLDatabase)
        let aID = try a.requireID()
        func first(_ query: SQLQueryString) async throws -> UUID? {
            try await sql.raw(query).first()?.decode(column: "id", as: UUID.self)
        }
        var records: [String: UUID] = [:]
        var missing: [String] = []
        for table in Set(kinds.values).subtracting(made).sorted() {
            let id: UUID? = switch table {
            // A caregiver with a relationship (so unit-scoped roles see them) and a support plan.
            case "caregivers": try await first("""
                SELECT r.caregiver_id AS id FROM care_relationships r JOIN caregiver_support_plans p ON p.caregiver_id = r.caregiver_id
                WHERE r.organisation_id = \(bind: aID) ORDER BY r.caregiver_id LIMIT 1
                """)
            // Not one of the matrix's own users: deactivating it leaves every session as it was.
            case "users": try await first("SELECT id FROM users WHERE email = 'politiker@exempel.se'")
            // A workshop sheet, which planners may fill in on the group's behalf.
            case "mappings": try await first("SELECT mapping_id AS id FROM mapping_responses WHERE organisation_id = \(bind: aID) AND kind = 'workshop' ORDER BY id LIMIT 1")
            default: try await first("SELECT id FROM \(unsafeRaw: table) WHERE organisation_id = \(bind: aID) ORDER BY id LIMIT 1")
            }
            if let id { records[table] = id } else { missing.append(table) }
        }
        #expect(missing.isEmpty, "A has no record in \(missing): add one to MatrixWorld")
        // A history row of the caregiver and of the person cared for the matrix names.
        let author = try #require(try await User.query(on: app.db).filter(\.$email == email(.a, .consultant, strong: true)).first()).requireID()
        if let caregiverID = records["caregivers"] {
            let row = CaregiverCorrection()
            (row.organisationID, row.caregiverID, row.field, row.previousValue, row.version, row.changedBy) = (aID, caregiverID, "phone", "070-000 00 00", 1, author)
            try await row.create(on: app.db)
            records["caregiver_corrections"] = try row.requireID()
        }
        if let recipientID = records["care_recipients"] {
            let row = RecipientCorrection()
            (row.organisationID, row.recipientID, row.field, row.previousValue, row.version, row.changedBy) = (aID, recipientID, "fixedCareContact", "Tidigare kontakt", 1, author)
            try await row.create(on: app.db)
            records["recipient_corrections"] = try row.requireID()
        }
        // Open data names a service by its offering's id; only a published one is a service.
        records["published_support_offering"] = try await first(
            "SELECT id FROM support_offerings WHERE organisation_id = \(bind: aID) AND published = \(bind: true) ORDER BY id LIMIT 1")
        let mappingID = records["mappings"] ?? UUID()
        let eventID = records["crisis_events"] ?? UUID()
        let response = try await first("SELECT id FROM mapping_responses WHERE mapping_id = \(bind: mappingID) AND kind = 'workshop' ORDER BY id LIMIT 1")
        let contact = try await first("SELECT id FROM crisis_event_contacts WHERE event_id = \(bind: eventID) ORDER BY id LIMIT 1")
        #expect(response != nil && contact != nil, "A needs a workshop sheet and a crisis event with contacts")
        return MatrixWorld(a: a, b: b, records: records, mappingResponse: response ?? UUID(), crisisContact: contact ?? UUID(),
                           formFields: [("source", try official.requireID().uuidString)])
    }

    /// The value for each parameter of `route`, and whether one of them is a record of A.
    func path(_ route: MatrixRoute) -> (path: String, namesRecord: Bool)? {
        var parts: [String] = []
        var namesRecord = false
        var constants: [String] = []
        for segment in route.segments {
            switch segment {
            case .constant(let text):
                parts.append(text)
                constants.append(text)
            case .parameter(let name):
                let value: String
                switch name {
                case "token": value = "matrix-unknown-token"
                case "code": value = constants.last == "language" ? "en" : a.code
                case "areaKey": value = "leadership"
                case "responseID", "responseId":
                    value = mappingResponse.uuidString
                    namesRecord = true
                case "contactID":
                    value = crisisContact.uuidString
                    namesRecord = true
                case "serviceId":
                    value = (records["published_support_offering"] ?? UUID()).uuidString
                    namesRecord = true
                case "file": value = "services.csv"
                default:
                    let two = constants.suffix(2).joined(separator: "/")
                    guard let table = Self.kinds[two] ?? constants.last.flatMap({ Self.kinds[$0] }), let id = records[table] else { return nil }
                    value = id.uuidString
                    namesRecord = true
                }
                parts.append(value)
            }
        }
        return ("/" + parts.joined(separator: "/"), namesRecord)
    }
}

