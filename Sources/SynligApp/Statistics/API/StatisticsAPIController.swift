import Vapor

/// `GET /api/v1/statistics?period=2026&unit=<id>`: the numbers of the statistics page.
struct StatisticsAPIController: APIRouteCollection {
    func boot(api: APIRoutes) throws {
        let readers = api.signedIn.grouped(RequireRole(roles: StatisticsService.readers))
        readers.get("statistics", use: statistics)
        readers.get("statistics", "national", use: national)
        readers.get("statistics", "settings", use: settings)
        // Administrators only, refused before the body is read (the services check it again).
        let admin = api.signedIn.grouped(RequireRole(roles: [.admin]))
        admin.put("statistics", "population", use: setPopulation)
        admin.put("statistics", "publication", use: setPublication)
    }

    /// `GET /api/v1/statistics/settings`: whether the indicators are published as open data,
    /// and the adult population reach is measured against.
    @Sendable func settings(req: Request) async throws -> API.StatisticsSettingsOut {
        let organisationID = try req.currentUser.organisationID
        return API.StatisticsSettingsOut(
            published: try await StatisticsPublicationService.isPublished(organisationID, on: req.db),
            population: try await StatisticsPopulationService.current(organisationID, on: req.db)
                .map { API.StatisticsSettingsOut.Population(adults: $0.adults, year: $0.year, source: $0.source) })
    }

    /// `PUT /api/v1/statistics/population` (administrators): the organisation's adults, from a public source.
    @Sendable func setPopulation(req: Request) async throws -> API.StatisticsSettingsOut {
        let body = try req.decodeStrict(API.StatisticsSettingsOut.Population.self)
        try await StatisticsPopulationService.set(PopulationInput(adults: String(body.adults), year: String(body.year), source: body.source),
                                                  by: try req.currentUser, on: req.db)
        return try await settings(req: req)
    }

    /// `PUT /api/v1/statistics/publication` (administrators): publish the indicators as open data, or withdraw them.
    @Sendable func setPublication(req: Request) async throws -> API.StatisticsSettingsOut {
        let body = try req.decodeStrict(API.StatisticsPublicationIn.self)
        try await StatisticsPublicationService.set(published: body.published, by: try req.currentUser, on: req.db)
        return try await settings(req: req)
    }

    /// `GET /api/v1/statistics/national?year=2025`: the published indicators of every
    /// organisation that publishes them, and the reader's own, side by side; of every
    /// organisation for a national statistics reader.
    @Sendable func national(req: Request) async throws -> API.NationalComparisonOut {
        let comparison = try await NationalComparison.make(year: try NationalComparison.year(from: req),
                                                           for: try req.currentUser, on: req.db)
        return API.NationalComparisonOut(comparison)
    }

    @Sendable func statistics(req: Request) async throws -> API.StatisticsOut {
        let scope = try await StatisticsController.scope(from: req, user: try req.currentUser)
        return API.StatisticsOut(try await StatisticsController.report(scope, req: req), request: req)
    }
}
