import Fluent
import SynligCore
import Vapor

/// The statistics page for staff who may read aggregates: viewers, strategists, consultants,
/// administrators. Filters are in the query string: they name a period and a unit, never a person.
struct StatisticsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let readers = routes.signedIn.grouped(RequireRole(roles: StatisticsService.readers))
        readers.get(SiteURL.statistics.pattern, use: show)
        readers.get(SiteURL.statisticsCSV.pattern, use: csv)
        readers.get(SiteURL.statisticsNational.pattern, use: national)
        routes.signedIn(as: .admin).post(SiteURL.statisticsPublication.pattern, use: setPublication)
        routes.signedIn(as: .admin).post(SiteURL.statisticsPopulation.pattern, use: setPopulation)
    }

    /// An administrator enters the adult population that reach is measured against.
    @Sendable func setPopulation(req: Request) async throws -> Response {
        let input = try FormValues(request: req).decode(PopulationInput.self)
        do {
            try await StatisticsPopulationService.set(input, by: try req.currentUser, on: req.db)
            return req.redirect(to: SiteURL.statistics.path + "#stat-reach")
        } catch let error as SynligError where !error.fieldProblems.isEmpty {
            return try await render(req, population: input, errors: FormErrors(error.fieldProblems, request: req), status: error.status)
        }
    }

    static let populationFields: [(id: String, labelKey: String)] = [
        ("adults", "statistics.population.adults"), ("year", "statistics.population.year"), ("source", "statistics.population.source"),
    ]

    /// An administrator publishes the indicators as open data, or stops.
    @Sendable func setPublication(req: Request) async throws -> Response {
        let publish = (try? req.content.get(String.self, at: "publish")) == "1"
        try await StatisticsPublicationService.set(published: publish, by: try req.currentUser, on: req.db)
        return req.redirect(to: SiteURL.statistics.path + "#open-data")
    }

    /// Every table of the page as one CSV file: what was published, withheld counts as the page
    /// shows them. UTF-8 with BOM, every cell quoted and safe from spreadsheet formulas.
    @Sendable func csv(req: Request) async throws -> Response {
        let scope = try await Self.scope(from: req, user: try req.currentUser)
        let report = try await Self.report(scope, req: req)
        let policy = report.policy
        func share(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "" }
        let notBrokenDown = req.t("statistics.not_broken_down")
        // The whole organisation's table shown by its total alone says why, as the page does.
        let totalAlone = req.t(report.scope.unitID == nil ? "statistics.not_broken_down_whole" : "statistics.not_broken_down")
        var rows: [[String]] = []
        // A quarter's tables say, as the page does, why some kinds stand together as "other" and
        // which tables are per year only, so the file is not read as the whole answer.
        if report.scope.period.quarter != nil {
            rows.append([req.t("statistics.csv.note"), req.t("statistics.quarter_events_note"), "", ""])
        }
        rows += [
            [req.t("statistics.identified"), "", report.identified.text(under: policy), ""],
            [req.t("statistics.new"), "", report.new?.text(under: policy) ?? notBrokenDown, ""],
            [req.t("statistics.active"), "", report.active?.text(under: policy) ?? notBrokenDown, ""],
        ]
        let tables = report.breakdowns.map { ($0.title, $0.categories, $0.total) } + report.activities.map { ($0.title, $0.categories, $0.total) }
        for (title, categories, total) in tables {
            rows += categories.map { [title, $0.label, $0.count.text(under: policy), share($0.share)] }
            if categories.isEmpty { rows.append([title, totalAlone, "", ""]) }
            rows.append([title, req.t("statistics.total"), total.text(under: policy), ""])
        }
        rows += report.perYearOnly.map { [$0.title, req.t("statistics.csv.per_year_only"), "", ""] }
        if let cross = report.cross {
            for (row, label) in cross.rowLabels.enumerated() {
                for (column, columnLabel) in cross.columnLabels.enumerated() {
                    rows.append([cross.title, label + " / " + columnLabel, cross.cells[row][column].text(under: policy), ""])
                }
            }
        }
        let document = CSVText.document(
            header: [req.t("statistics.csv.table"), req.t("statistics.category"), req.t("statistics.csv.count"), req.t("statistics.share")],
            rows: rows)
        return .csvDownload(document, filename: "statistik-\(scope.period.description).csv")
    }

    /// Organisations side by side on the published indicators.
    @Sendable func national(req: Request) async throws -> Response {
        let comparison = try await NationalComparison.make(year: try NationalComparison.year(from: req),
                                                           for: try req.currentUser, on: req.db)
        let page = NationalComparisonPage(comparison, page: .make(for: req, titleKey: "statistics.national.title"), request: req)
        return try await req.renderPage("statistics/national", page)
    }

    @Sendable func show(req: Request) async throws -> Response {
        try await render(req, population: nil, errors: .none, status: .ok)
    }

    /// The page; `population` and `errors` refill the population form after a refused entry.
    private func render(_ req: Request, population entered: PopulationInput?, errors: FormErrors, status: HTTPResponseStatus) async throws -> Response {
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
        var csv = URLComponents()
        csv.path = SiteURL.statisticsCSV.path
        csv.queryItems = [URLQueryItem(name: "period", value: scope.period.description)]
            + (scope.unitID.map { [URLQueryItem(name: "unit", value: $0.uuidString)] } ?? [])
        var page = StatisticsPage(
            report, page: .make(for: req, titleKey: "statistics.title", errors: errors.summary(Self.populationFields, request: req)),
            periods: periods, units: unitOptions,
            scopeLabel: scopeLabel + " · " + Self.periodLabel(scope.period, req: req), csvHref: csv.string ?? SiteURL.statisticsCSV.path,
            request: req)
        let code = try await Organisation.find(user.organisationID, on: req.db)?.code ?? ""
        page.publication = .init(published: try await StatisticsPublicationService.isPublished(user.organisationID, on: req.db),
                                 action: user.has(.admin) ? SiteURL.statisticsPublication.path : nil,
                                 openDataHref: "/api/v1/open-data/\(code)/indicators")
        if user.has(.admin), scope.unitID == nil {
            // The stored figure is the one the report's reach was computed from.
            let stored = report.reach
            page.populationForm = .init(
                action: SiteURL.statisticsPopulation.path,
                adults: entered?.adults ?? stored.map { String($0.adults) } ?? "",
                year: entered?.year ?? stored.map { String($0.year) } ?? String(CalendarDate.today().year - 1),
                source: entered?.source ?? stored?.source ?? "SCB", errors: errors)
        }
        return try await req.renderPage("statistics/overview", page, status: status)
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
        var scope = StatisticsScope(organisationID: user.organisationID, unitID: unitID, period: period)
        if let raw = req.query[String.self, at: "trendYears"], !raw.isEmpty {
            guard let years = Int(raw), StatisticsScope.trendYearChoices.contains(years) else {
                throw SynligError(.badRequest, "statistics.bad_trend_years")
            }
            scope.trendYears = years
        }
        return scope
    }

    static func report(_ scope: StatisticsScope, req: Request) async throws -> StatisticsReport {
        let cross = try crossChoice(req), today = CalendarDate.today()
        let counts = try await req.application.statisticsCache.counts(.init(scope, cross: cross, today: today), on: req.db) {
            try await StatisticsService.counts(scope, cross: cross, today: today, on: req.db)
        }
        let population = try await StatisticsPopulationService.current(scope.organisationID, on: req.db)
        return StatisticsReport(counts, scope: scope, policy: .standard, population: population, label: { req.t($0) })
    }

    /// `?rows=ageBand&columns=relation`: the two breakdowns to cross; gender × hours by default,
    /// each on its own, as openapi.yaml states (`?rows=ageBand` is age band × hours).
    static func crossChoice(_ req: Request) throws -> CrossChoice {
        func dimension(_ name: String, default fallback: StatisticsDimension) throws -> StatisticsDimension {
            guard let raw = req.query[String.self, at: name], !raw.isEmpty else { return fallback }
            guard let dimension = StatisticsDimension(rawValue: raw) else { throw SynligError(.badRequest, "statistics.bad_cross") }
            return dimension
        }
        let rows = try dimension("rows", default: CrossChoice.genderByHours.rows)
        let columns = try dimension("columns", default: CrossChoice.genderByHours.columns)
        guard let choice = CrossChoice(rows, columns) else { throw SynligError(.badRequest, "statistics.bad_cross") }
        return choice
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
