import Vapor

/// `GET /health`: 200 with the database in use, 503 when the database does not answer.
struct HealthController: RouteCollection {
    struct Health: Content {
        var status: String
        var database: String
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get("health", use: health)
    }

    @Sendable func health(req: Request) async throws -> Response {
        let reachable = await DatabaseSetup.isReachable(req.db)
        let body = Health(status: reachable ? "ok" : "unavailable", database: req.application.synligConfig.databaseName)
        let response = try await body.encodeResponse(status: reachable ? .ok : .serviceUnavailable, for: req)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}
