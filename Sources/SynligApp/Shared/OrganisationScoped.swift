import Fluent
import SynligCore
import Vapor

/// A record that belongs to one organisation. Every read of such records goes through
/// `scoped(to:on:)` or `find(_:in:on:)`, so isolation between organisations is enforced
/// here, once, and a record of another organisation is simply not found.
package protocol OrganisationScoped: Model where IDValue == UUID {
    var organisationID: UUID { get }
    static var organisationIDKey: KeyPath<Self, FieldProperty<Self, UUID>> { get }
}

extension OrganisationScoped {
    package static func scoped(to organisationID: UUID, on db: any Database) -> QueryBuilder<Self> {
        query(on: db).filter(organisationIDKey == organisationID)
    }

    /// The record with this id in this organisation, or 404.
    static func find(_ id: UUID?, in organisationID: UUID, on db: any Database) async throws -> Self {
        guard let id, let found = try await scoped(to: organisationID, on: db).filter(\._$id == id).first() else {
            throw SynligError.notFound
        }
        return found
    }
}

/// A random token for a cookie or bearer header, and the hash that is stored instead.
enum SecretToken {
    static func generate() -> String {
        URIText.base64URL([UInt8].random(count: 32))
    }

    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).hex
    }
}

