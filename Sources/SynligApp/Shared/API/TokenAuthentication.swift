import Vapor

/// Signs in the API client from `Authorization: Bearer …`.
struct BearerAuthenticator: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let bearer = request.headers.bearerAuthorization,
           let user = try await SessionIdentity.user(token: bearer.token, kind: .api, request: request) {
            request.auth.login(user)
        }
        return try await next.respond(to: request)
    }
}

/// The API needs a bearer token: 401 with a problem document otherwise.
struct RequireAPIUser: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.auth.has(CurrentUser.self) else {
            throw SynligError(.unauthorized, "error.unauthorized", headers: ["WWW-Authenticate": "Bearer"])
        }
        return try await next.respond(to: request)
    }
}
