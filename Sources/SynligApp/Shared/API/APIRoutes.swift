import SynligCore
import Vapor

/// `/api/v1`, mounted once in `routes.swift`. `open` answers anyone; `signedIn` has the bearer
/// token authenticator and refuses requests without a valid token, so no capability can forget
/// either.
struct APIRoutes {
    let open: any RoutesBuilder
    let signedIn: any RoutesBuilder

    init(mountedOn routes: any RoutesBuilder) {
        open = routes.grouped("api", "v1")
        signedIn = open.grouped(BearerAuthenticator(), RequireAPIUser())
    }

    /// Endpoints that return people's records: these roles, and a strong sign-in when the
    /// organisation asks for one.
    func recordReaders(_ roles: Set<Role>) -> any RoutesBuilder {
        signedIn.grouped(RequireRole(roles: roles), RequireStrongSignIn(answer: .api))
    }

    func register(_ collection: some APIRouteCollection) throws {
        try collection.boot(api: self)
    }
}

/// A capability's part of the JSON API.
protocol APIRouteCollection {
    func boot(api: APIRoutes) throws
}
