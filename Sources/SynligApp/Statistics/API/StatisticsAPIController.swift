import Vapor

/// `GET /api/v1/statistics?period=2026&unit=<id>`: the numbers of the statistics page.
struct StatisticsAPIController: APIRouteCollection {
    func boot(api: APIRoutes) throws {
        let readers = api.signedIn.grouped(RequireRole(roles: StatisticsService.readers))
        readers.get("statistics", use: statistics)
        readers.get("statistics", "national", use: national)
    }

    /// `GET /api/v1/statistics/national?year=2025`: the published indicators of every
    /// organisation that publishes them, and the reader's own, side by side.
    @Sendable func national(req: Request) async throws -> API.NationalComparisonOut {
        let comparison = try await NationalComparison.make(year: try NationalComparison.year(from: req),
                                                           for: try req.currentUser.organisationID, on: req.db)
        return API.NationalComparisonOut(comparison)
    }

    @Sendable func statistics(req: Request) async throws -> API.StatisticsOut {
        let scope = try await StatisticsController.scope(from: req, user: try req.currentUser)
        return API.StatisticsOut(try await StatisticsController.report(scope, req: req), request: req)
    }
}
