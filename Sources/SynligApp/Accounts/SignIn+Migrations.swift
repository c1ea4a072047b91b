import Fluent
import SQLKit
import Vapor

/// Strong authentication and identity providers, added after the first accounts shipped.
enum SignInMigrations {
    static func register(in app: Application) {
        app.migrations.add(AddSignInMethodToSessions())
        app.migrations.add(CreateIdentityProviders())
    }
}

/// A session remembers how it was signed in, so reading a record can ask for a strong one.
/// Sessions from before stay password sessions.
struct AddSignInMethodToSessions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One column per statement: SQLite adds one column per ALTER TABLE.
        let schema = { database.schema("auth_sessions") }
        try await schema().field("sign_in_method", .string, .required, .sql(.default("password"))).update()
        try await schema().field("strong", .bool, .required, .sql(.default(false))).update()
        try await schema().field("assurance", .string).update()
        try await schema().field("identity_provider_id", .uuid).update()
    }

    func revert(on database: any Database) async throws {
        for column in ["sign_in_method", "strong", "assurance", "identity_provider_id"] {
            try await database.schema("auth_sessions").deleteField(.string(column)).update()
        }
    }
}

/// Identity providers, the sign-ins on their way through one, the organisation's sign-in rules,
/// and the identity a user is known by at the provider (an HSA-id, an e-mail address).
struct CreateIdentityProviders: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("identity_providers")
            .id()
            .field("organisation_id", .uuid, .required, .references("organisations", "id"))
            .field("name", .string, .required)
            .field("issuer", .string, .required)
            .field("client_id", .string, .required)
            .field("client_authentication", .string, .required)
            .field("client_secret_sealed", .string)
            .field("client_secret_file", .string)
            .field("signing_key_sealed", .string)
            .field("user_claim", .string, .required)
            .field("extra_scopes", .string, .required)
            .field("claims_request", .string)
            .field("required_assurance", .string, .required)
            .field("just_in_time_role", .string)
            .field("active", .bool, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "organisation_id", "issuer", "client_id")
            .create()
        try await database.schema("identity_provider_logins")
            .id()
            .field("state_hash", .string, .required)
            .field("browser_hash", .string, .required)
            .field("identity_provider_id", .uuid, .required, .references("identity_providers", "id", onDelete: .cascade))
            .field("nonce", .string, .required)
            .field("code_verifier_sealed", .string, .required)
            .field("return_path", .string, .required)
            .field("created_at", .datetime, .required)
            .field("used_at", .datetime)
            .unique(on: "state_hash")
            .create()
        try await database.schema("organisation_sign_in_policies")
            .id()
            .field("organisation_id", .uuid, .required, .references("organisations", "id"))
            .field("password_sign_in", .string, .required)
            .field("break_glass_user_id", .uuid, .references("users", "id"))
            .field("records_need_strong_sign_in", .bool, .required)
            .field("version", .int, .required)
            .field("updated_at", .datetime)
            .unique(on: "organisation_id")
            .create()
        try await database.schema("users")
            .field("sign_in_identity", .string)
            .update()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "users_sign_in_identity_idx").on("users")
            .column("organisation_id").column("sign_in_identity").unique().run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("users").deleteField("sign_in_identity").update()
        try await database.schema("organisation_sign_in_policies").delete()
        try await database.schema("identity_provider_logins").delete()
        try await database.schema("identity_providers").delete()
    }
}
