import Fluent
import NIOConcurrencyHelpers
import Vapor

/// IBIC's life areas (Individens behov i centrum, Socialstyrelsen), read at start from
/// `Resources/IBIC/life-areas.json`, which names its source and version. Support needs and the
/// support plan are tagged with them so a case officer's assessment and the caregiver record
/// speak the same language. Stored by ICF chapter code (`d1`…`d9`), which does not change when
/// a name is reworded.
package enum IBICLifeAreas {
    struct LifeArea: Decodable, Sendable {
        var code: String
        var name: [String: String]
    }

    struct File: Decodable, Sendable {
        var id: String
        var version: String
        var source: [String: String]
        var lifeAreas: [LifeArea]
    }

    /// The list is the same for every app in the process (it is reference data, not settings),
    /// so the services can check a code without an `Application` at hand.
    private static let loaded = NIOLockedValueBox<File?>(nil)

    static func load(into app: Application) throws {
        let path = app.directory.resourcesDirectory + "IBIC/life-areas.json"
        let file = try JSONDecoder().decode(File.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        guard !file.lifeAreas.isEmpty, Set(file.lifeAreas.map(\.code)).count == file.lifeAreas.count,
              file.lifeAreas.allSatisfy({ $0.name["sv"] != nil && $0.name["en"] != nil }) else {
            throw Abort(.internalServerError, reason: "IBIC life areas: every area needs a unique code and a Swedish and English name")
        }
        loaded.withLockedValue { $0 = file }
    }

    static var file: File? { loaded.withLockedValue { $0 } }
    static var all: [LifeArea] { file?.lifeAreas ?? [] }

    static func name(_ code: String, language: String) -> String {
        all.first { $0.code == code }.flatMap { $0.name[language] ?? $0.name["sv"] } ?? code
    }

    /// The names of the stored codes, in the list's order.
    static func names(_ codes: Set<String>, language: String) -> [String] {
        all.filter { codes.contains($0.code) }.map { $0.name[language] ?? $0.name["sv"] ?? $0.code }
    }

    /// The checkbox options of a form.
    static func options(language: String) -> [(value: String, label: String)] {
        all.map { ($0.code, $0.name[language] ?? $0.name["sv"] ?? $0.code) }
    }

    /// Where the list comes from, for the form's hint.
    static func source(language: String) -> String { file.flatMap { $0.source[language] ?? $0.source["sv"] } ?? "" }

    /// The chosen codes, each one IBIC knows, stored comma-separated in list order.
    static func check(_ codes: [String], _ checker: inout InputChecker, field: String = "lifeAreas") -> String {
        let known = Set(all.map(\.code))
        if !Set(codes).isSubset(of: known) { checker.fail(field, "input.invalid_choice") }
        return all.map(\.code).filter(Set(codes).contains).joined(separator: ",")
    }

    static func codes(_ stored: String) -> [String] { stored.split(separator: ",").map(String.init) }
}

/// Support needs and the support plan carry the IBIC life areas they concern (none, one or
/// several); rows stored before carry none. One column per ALTER TABLE for SQLite.
struct TagNeedsWithLifeAreas: AsyncMigration {
    func prepare(on database: any Database) async throws {
        for table in ["caregiver_support", "caregiver_support_plans"] {
            try await database.schema(table).field("life_areas", .string, .required, .sql(.default(""))).update()
        }
    }

    func revert(on database: any Database) async throws {
        for table in ["caregiver_support", "caregiver_support_plans"] {
            try await database.schema(table).deleteField("life_areas").update()
        }
    }
}
