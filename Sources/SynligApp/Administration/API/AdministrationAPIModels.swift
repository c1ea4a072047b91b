import Foundation
import SynligCore
import Vapor

/// Units and users, as administrators manage them through the API.
extension API {
    struct UnitOut: Content {
        var id: UUID
        var name: String
        var kind: UnitKind
        var active: Bool
        var version: Int

        init(_ unit: Unit) throws {
            id = try unit.requireID()
            name = unit.name
            kind = unit.kind
            active = unit.active
            version = unit.version
        }
    }

    struct UnitCreate: StrictJSONBody {
        var name: String
        var kind: String
        var active: Bool?
    }

    struct UnitUpdate: StrictJSONBody {
        var name: String
        var kind: String
        var active: Bool?
        var version: Int
    }

    struct UserOut: Content {
        var id: UUID
        var email: String
        var displayName: String
        var roles: [Role]
        var unitIds: [UUID]
        var active: Bool
        var version: Int
        /// Who the user is at the identity provider (an HSA-id); absent when none is recorded.
        var signInIdentity: String?

        init(_ user: User, roles: [UserRole], units: [UnitMembership]) throws {
            id = try user.requireID()
            email = user.email
            displayName = user.displayName
            self.roles = roles.map(\.role).sorted()
            unitIds = units.map { $0.$unit.id }.sorted { $0.uuidString < $1.uuidString }
            active = user.active
            version = user.version
            signInIdentity = user.signInIdentity
        }
    }

    struct UserCreate: StrictJSONBody {
        var email: String
        var displayName: String
        var password: String
        var roles: [String]
        var unitIds: [String]?
        var signInIdentity: String?
    }

    struct UserUpdate: StrictJSONBody {
        var email: String
        var displayName: String
        var password: String?
        var roles: [String]
        var unitIds: [String]?
        var version: Int
        /// Omitted: kept as it is; "": cleared.
        var signInIdentity: String?
    }
}
