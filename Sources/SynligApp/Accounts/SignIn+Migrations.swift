import Fluent
import SQLKit
import Vapor

/// Strong authentication and identity providers, added after the first accounts shipped.
enum SignInMigrations {
    static func register(in app: Application) {
        app.migrations.add(AddSignInMethodToSessions())
    }
}

/// A session remembers how it was signed in, so reading a record can ask for a strong one.
/// Sessions from before stay password sessions.
struct AddSignInMethodToSessions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One column per statement: SQLite's ALTER TABLE adds a single column at a time.
        try await database.schema("auth_sessions").field("sign_in_method", .string, .required, .sql(.default("password"))).update()
        try await database.schema("auth_sessions").field("strong", .bool, .required, .sql(.default(false))).update()
        try await database.schema("auth_sessions").field("assurance", .string).update()
        try await database.schema("auth_sessions").field("identity_provider_id", .uuid).update()
    }

    func revert(on database: any Database) async throws {
        for column in ["sign_in_method", "strong", "assurance", "identity_provider_id"] {
            try await database.schema("auth_sessions").deleteField(.string(column)).update()
        }
    }
}
