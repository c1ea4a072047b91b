import Vapor

/// `GET /api/v1/statistics?period=2026&unit=<id>`: the numbers of the statistics page.
struct StatisticsAPIController: APIRouteCollection {
    func boot(api: APIRoutes) throws {
        api.signedIn.grouped(RequireRole(roles: StatisticsService.readers)).get("statistics", use: statistics)
    }

    @Sendable func statistics(req: Request) async throws -> API.StatisticsOut {
        let scope = try await StatisticsController.scope(from: req, user: try req.currentUser)
        return API.StatisticsOut(try await StatisticsController.report(scope, req: req), request: req)
    }
}
