import Fluent
import SQLKit
import SynligCore
import Vapor

/// The mapping's tables and the official question bank, in the order they shipped. Append
/// new migrations; never edit one that has shipped.
enum MappingMigrations {
    static func register(in app: Application) {
        app.migrations.add(CreateQuestionBanks())
        app.migrations.add(InstallOfficialQuestionBankV1(path: OfficialQuestionBank.path(in: app)))
        app.migrations.add(CreateMappings())
    }
}

/// The official bank shipped with Synlig, read from `Resources/QuestionBanks/`.
enum OfficialQuestionBank {
    static let fileName = "official-v1.json"
    static let title = "Socialstyrelsen: Frågor för kartläggning och reflektion (Bilaga 1)"

    static func path(in app: Application) -> String {
        app.directory.resourcesDirectory + "QuestionBanks/" + fileName
    }

    static func load(path: String) throws -> QuestionBankContent {
        try JSONDecoder().decode(QuestionBankContent.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }
}

struct CreateQuestionBanks: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("question_banks")
            .id()
            .field("organisation_id", .uuid, .references("organisations", "id"))
            .field("title", .string, .required)
            .field("is_official", .bool, .required)
            .field("based_on_id", .uuid, .references("question_banks", "id"))
            .field("content", .custom("TEXT"), .required)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("question_banks").delete()
    }
}

/// Installs version 1 of the official bank. A later official version is a new migration,
/// so mappings keep pointing at the wording they were answered with.
struct InstallOfficialQuestionBankV1: AsyncMigration {
    let path: String

    func prepare(on database: any Database) async throws {
        let content = try OfficialQuestionBank.load(path: path)
        let bank = try QuestionBank(organisationID: nil, title: OfficialQuestionBank.title, isOfficial: true,
                                    basedOnID: nil, content: content)
        try await bank.create(on: database)
    }

    func revert(on database: any Database) async throws {
        try await QuestionBank.query(on: database).filter(\.$isOfficial == true).delete()
    }
}

struct CreateMappings: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("mappings")
            .id()
            .field("organisation_id", .uuid, .required, .references("organisations", "id"))
            .field("bank_id", .uuid, .required, .references("question_banks", "id"))
            .field("title", .string, .required)
            .field("period_start", .string, .required)
            .field("period_end", .string, .required)
            .field("responsible_user_id", .uuid, .required, .references("users", "id"))
            .field("status", .string, .required)
            .field("scope", .string, .required)
            .field("version", .int, .required)
            .field("closed_at", .datetime)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await database.schema("mapping_units")
            .id()
            .field("mapping_id", .uuid, .required, .references("mappings", "id", onDelete: .cascade))
            .field("unit_id", .uuid, .required, .references("units", "id"))
            .field("organisation_id", .uuid, .required, .references("organisations", "id"))
            .unique(on: "mapping_id", "unit_id")
            .create()
        try await database.schema("mapping_responses")
            .id()
            .field("organisation_id", .uuid, .required, .references("organisations", "id"))
            .field("mapping_id", .uuid, .required, .references("mappings", "id", onDelete: .cascade))
            .field("unit_id", .uuid, .references("units", "id"))
            .field("kind", .string, .required)
            .field("respondent_user_id", .uuid, .required, .references("users", "id"))
            .field("participants", .custom("TEXT"), .required)
            .field("status", .string, .required)
            .field("submitted_at", .datetime)
            .field("created_at", .datetime)
            .create()
        try await database.schema("mapping_answers")
            .id()
            .field("organisation_id", .uuid, .required, .references("organisations", "id"))
            .field("response_id", .uuid, .required, .references("mapping_responses", "id", onDelete: .cascade))
            .field("mapping_id", .uuid, .required, .references("mappings", "id", onDelete: .cascade))
            .field("item_key", .string, .required)
            .field("choice", .string)
            .field("text", .custom("TEXT"), .required)
            .field("updated_by", .uuid, .required, .references("users", "id"))
            .field("updated_at", .datetime, .required)
            .unique(on: "response_id", "item_key")
            .create()
        try await database.schema("mapping_answer_history")
            .id()
            .field("organisation_id", .uuid, .required, .references("organisations", "id"))
            .field("answer_id", .uuid, .required, .references("mapping_answers", "id", onDelete: .cascade))
            .field("choice", .string)
            .field("text", .custom("TEXT"), .required)
            .field("changed_by", .uuid, .required, .references("users", "id"))
            .field("changed_at", .datetime, .required)
            .create()
        try await database.schema("mapping_reflections")
            .id()
            .field("organisation_id", .uuid, .required, .references("organisations", "id"))
            .field("mapping_id", .uuid, .required, .references("mappings", "id", onDelete: .cascade))
            .field("area_key", .string, .required)
            .field("text", .custom("TEXT"), .required)
            .field("updated_by", .uuid, .required, .references("users", "id"))
            .field("updated_at", .datetime, .required)
            .unique(on: "mapping_id", "area_key")
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "mappings_organisation_idx").on("mappings").column("organisation_id").column("status").run()
        try await sql.create(index: "mapping_responses_mapping_idx").on("mapping_responses").column("mapping_id").run()
        try await sql.create(index: "mapping_responses_respondent_idx").on("mapping_responses").column("respondent_user_id").column("status").run()
        try await sql.create(index: "mapping_answers_mapping_item_idx").on("mapping_answers").column("mapping_id").column("item_key").run()
        try await sql.create(index: "mapping_answer_history_answer_idx").on("mapping_answer_history").column("answer_id").run()
    }

    func revert(on database: any Database) async throws {
        for schema in ["mapping_reflections", "mapping_answer_history", "mapping_answers",
                       "mapping_responses", "mapping_units", "mappings"] {
            try await database.schema(schema).delete()
        }
    }
}
