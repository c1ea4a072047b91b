import Fluent
import Vapor

/// Second factors for password accounts (issue 13), added after sign-in shipped.
enum SecondFactorMigrations {
    static func register(in app: Application) {
        app.migrations.add(CreateUserSecondFactors())
        app.migrations.add(CreateUserRecoveryCodes())
        app.migrations.add(CreateSecondFactorChallenges())
    }
}

struct CreateUserSecondFactors: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("user_second_factors")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("organisation_id", .uuid, .required, .references("organisations", "id"))
            .field("secret_sealed", .string, .required)
            .field("confirmed_at", .datetime)
            .field("last_used_step", .int64)
            .field("created_at", .datetime, .required)
            .unique(on: "user_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("user_second_factors").delete()
    }
}

struct CreateUserRecoveryCodes: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("user_recovery_codes")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("organisation_id", .uuid, .required, .references("organisations", "id"))
            .field("code_hash", .string, .required)
            .field("used_at", .datetime)
            .unique(on: "user_id", "code_hash")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("user_recovery_codes").delete()
    }
}

struct CreateSecondFactorChallenges: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("second_factor_challenges")
            .id()
            .field("token_hash", .string, .required)
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("return_path", .string, .required)
            .field("expires_at", .datetime, .required)
            .unique(on: "token_hash")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("second_factor_challenges").delete()
    }
}
