import Foundation
import SynligCore
import Vapor

/// Sign-in and the signed-in user, as API clients see them.
extension API {
    struct TokenRequest: StrictJSONBody {
        var email: String
        var password: String
        /// The one-time code from the authenticator app, or a reserve code; required when the
        /// account has a second factor.
        var code: String?
    }

    struct TokenResponse: Content {
        var token: String
        var tokenType: String
        var expiresAt: Date
        var idleTimeoutSeconds: Int
    }

    struct OrganisationOut: Content {
        var id: UUID
        var name: String
        var code: String
        var kind: OrganisationKind
    }

    struct Me: Content {
        var id: UUID
        var email: String
        var displayName: String
        var organisation: OrganisationOut
        var roles: [Role]
        var unitIds: [UUID]
    }
}
