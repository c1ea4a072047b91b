import Fluent
import SynligApp
import SynligCore
import Vapor

/// What the executable installs as its demo (`app.demoData`).
package struct ExempelkommunDemo: DemoData {
    package init() {}

    package func seed(_ app: Application, password: String?, baseURL: String) async throws -> String {
        try await DemoSeeder.seed(app, password: password).text(baseURL: baseURL)
    }
}

/// Exempelkommun: a demo organisation full of synthetic people, created once.
/// Later capabilities add their own demo data here.
enum DemoSeeder {
    static let organisationCode = "9999"
    static let organisationName = "Exempelkommun"

    static let logins: [(email: String, name: String, role: Role, units: [String])] = [
        ("admin@exempel.se", "Alva Admin", .admin, []),
        ("strateg@exempel.se", "Sara Strateg", .strategist, []),
        ("konsulent@exempel.se", "Karin Konsulent", .consultant, []),
        ("handlaggare@exempel.se", "Hassan Handläggare", .caseOfficer, ["Hemtjänst Norra", "Biståndsenheten äldre"]),
        ("personal@exempel.se", "Pia Personal", .staff, ["Hemtjänst Norra"]),
        ("politiker@exempel.se", "Per Politiker", .viewer, []),
    ]

    static let units: [(String, UnitKind)] = [
        ("Hemtjänst Norra", .homeCare),
        ("Hemtjänst Södra", .homeCare),
        ("Biståndsenheten äldre", .elderlyCare),
        ("Solgläntans äldreboende", .elderlyCare),
        ("LSS-boende Björken", .disability),
        ("Socialpsykiatri", .socialPsychiatry),
        ("Individ- och familjeomsorg", .individualAndFamilyCare),
        ("Palliativa teamet", .palliativeCare),
    ]

    struct Report {
        var created: Bool
        var password: String?
        var passwordSource: String

        func text(baseURL: String) -> String {
            var lines = ["Synlig demo: \(DemoSeeder.organisationName). Every person in it is synthetic.",
                         "Sign in at \(baseURL)/login as:"]
            for login in DemoSeeder.logins { lines.append("  \(login.email)  (\(login.role.rawValue))") }
            lines.append("and in \(RegionDemo.name), the region beside it:")
            for login in RegionDemo.logins { lines.append("  \(login.email)  (\(login.role.rawValue))") }
            if let password {
                lines.append("Password for all demo users: \(password)  (\(passwordSource))")
            } else {
                lines.append("The demo password was printed when the demo was first created; set SYNLIG_DEMO_PASSWORD to choose a new one.")
            }
            return lines.joined(separator: "\n")
        }
    }

    static func seed(_ app: Application, password chosen: String?) async throws -> Report {
        let existing = try await Organisation.query(on: app.db).filter(\.$code == organisationCode).first()
        let password = chosen.flatMap { $0.isEmpty ? nil : $0 }
        if let existing {
            // A password given again resets the demo users to it; otherwise they keep theirs.
            if let password {
                let hash = try await app.password.async(on: app.threadPool, hopTo: app.eventLoopGroup.any()).hash(password).get()
                try await User.scoped(to: existing.requireID(), on: app.db).set(\.$passwordHash, to: hash).update()
                if let region = try await Organisation.query(on: app.db).filter(\.$code == RegionDemo.code).first() {
                    try await User.scoped(to: region.requireID(), on: app.db).set(\.$passwordHash, to: hash).update()
                }
                return Report(created: false, password: password, passwordSource: "from SYNLIG_DEMO_PASSWORD")
            }
            return Report(created: false, password: nil, passwordSource: "")
        }
        let finalPassword = password ?? generatedPassword()
        let hash = try await app.password.async(on: app.threadPool, hopTo: app.eventLoopGroup.any()).hash(finalPassword).get()
        // One transaction: the demo is there whole or not at all, and its thousands of changes
        // join the audit chain together.
        try await AuditTrail.batch(on: app.db) { tx in
            let organisationID = try await AuditTrail.transaction(on: tx, actor: .system) { tx, audit in
                let organisation = Organisation(name: organisationName, code: organisationCode, kind: .municipality, isDemo: true)
                try await organisation.create(on: tx)
                let organisationID = try organisation.requireID()
                audit.record("organisation.create", "organisation", id: organisationID, organisation: organisationID)
                var unitIDs: [String: UUID] = [:]
                for (name, kind) in units {
                    let unit = SynligApp.Unit(organisationID: organisationID, name: name, kind: kind)
                    try await unit.create(on: tx)
                    unitIDs[name] = try unit.requireID()
                    audit.record("unit.create", "unit", id: unit.id, organisation: organisationID)
                }
                for login in logins {
                    let valid = UserService.Valid(email: login.email, displayName: login.name, password: nil,
                                                  roles: [login.role], unitIDs: Set(login.units.compactMap { unitIDs[$0] }))
                    _ = try await UserService.insert(valid, passwordHash: hash, organisationID: organisationID, on: tx, audit: audit)
                }
                return organisationID
            }
            try await MappingDemo.seed(on: tx, organisationID: organisationID)
            if let consultant = try await User.scoped(to: organisationID, on: tx).filter(\.$email == "konsulent@exempel.se").first() {
                try await SupportDemo.seed(on: tx, organisationID: organisationID, as: MappingDemo.actor(consultant, roles: [.consultant]))
            }
            try await CaregiverDemo.seed(app, on: tx, organisationID: organisationID)
            try await RegionDemo.seed(on: tx, passwordHash: hash, municipalityID: organisationID)
            // Exempelkommun publishes its indicators, so the open data has something to show.
            if let admin = try await User.scoped(to: organisationID, on: tx).filter(\.$email == "admin@exempel.se").first() {
                let alva = MappingDemo.actor(admin, roles: [.admin])
                try await StatisticsPublicationService.set(published: true, by: alva, on: tx)
                // A small municipality's adults, so the page shows reach against the population.
                try await StatisticsPopulationService.set(PopulationInput(adults: "16 400", year: String(CalendarDate.today().year - 1),
                                                                          source: "SCB, påhittad för demon"), by: alva, on: tx)
            }
        }
        return Report(created: true, password: finalPassword,
                      passwordSource: password == nil ? "generated now; set SYNLIG_DEMO_PASSWORD to choose one" : "from SYNLIG_DEMO_PASSWORD")
    }

    /// Four groups of letters: easy to type from a terminal, 80+ bits of randomness.
    private static func generatedPassword() -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyz23456789")
        return (0..<4).map { _ in String((0..<5).map { _ in alphabet.randomElement()! }) }.joined(separator: "-")
    }
}
