import Fluent
import SynligCore
import Vapor

/// The statistics page for staff who may read aggregates: viewers, strategists, consultants,
/// administrators. Filters are in the query string: they name a period and a unit, never a person.
struct StatisticsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.signedIn.grouped(RequireRole(roles: StatisticsService.readers)).get(SiteURL.statistics.pattern, use: show)
    }

    @Sendable func show(req: Request) async throws -> Response {
        let user = try req.currentUser
        let scope = try await Self.scope(from: req, user: user)
        let report = try await Self.report(scope, req: req)
        let units = try await Unit.scoped(to: user.organisationID, on: req.db).sort(\.$name).all()
        let today = CalendarDate.today()
        let periods = Self.periodChoices(today: today).map {
            SelectOption(value: $0.description, label: Self.periodLabel($0, req: req), selected: $0 == scope.period)
        }
        var unitOptions = [SelectOption(value: "", label: req.t("statistics.whole_organisation"), selected: scope.unitID == nil)]
        unitOptions += try units.map { SelectOption(value: try $0.requireID().uuidString, label: $0.name, selected: $0.id == scope.unitID) }
        let scopeLabel = units.first { $0.id == scope.unitID }?.name ?? user.organisationName
        return try await req.renderPage("statistics/overview", StatisticsPage(
            report, page: .make(for: req, titleKey: "statistics.title"), periods: periods, units: unitOptions,
            scopeLabel: scopeLabel + " · " + Self.periodLabel(scope.period, req: req), request: req))
    }

    /// The period and unit asked for; an unknown period or another organisation's unit is a 400/404.
    static func scope(from req: Request, user: CurrentUser) async throws -> StatisticsScope {
        let today = CalendarDate.today()
        var period = StatisticsPeriod.year(today.year) ?? .quarter(containing: today)
        if let raw = req.query[String.self, at: "period"], !raw.isEmpty {
            guard let chosen = StatisticsPeriod(raw) else { throw SynligError(.badRequest, "statistics.bad_period") }
            period = chosen
        }
        var unitID: UUID?
        if let raw = req.query[String.self, at: "unit"], !raw.isEmpty {
            guard let id = UUID(uuidString: raw) else { throw SynligError(.badRequest, "statistics.bad_unit") }
            unitID = try await Unit.find(id, in: user.organisationID, on: req.db).requireID()
        }
        return StatisticsScope(organisationID: user.organisationID, unitID: unitID, period: period)
    }

    static func report(_ scope: StatisticsScope, req: Request) async throws -> StatisticsReport {
        let counts = try await StatisticsService.counts(scope, on: req.db)
        return StatisticsReport(counts, scope: scope, policy: .standard, label: { req.t($0) })
    }

    /// This year and the two before, and the quarters of this year and the last.
    static func periodChoices(today: CalendarDate) -> [StatisticsPeriod] {
        let years = (today.year - 2...today.year).reversed().compactMap(StatisticsPeriod.year)
        let quarters = [today.year, today.year - 1].flatMap { year in (1...4).reversed().compactMap { StatisticsPeriod.quarter($0, of: year) } }
            .filter { $0.start <= today }
        return years + quarters
    }

    static func periodLabel(_ period: StatisticsPeriod, req: Request) -> String {
        period.quarter.map { req.t("statistics.quarter", String($0), String(period.year)) } ?? String(period.year)
    }
}
