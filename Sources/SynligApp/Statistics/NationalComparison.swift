import Fluent
import SynligCore
import Vapor

/// Organisations side by side on the same published indicators: every organisation that
/// publishes its indicators as open data, and the reader's own. Counts are the open data's, so
/// the comparison shows nothing the open data does not; the rate per 1,000 adults is given only
/// where the count is published and the organisation has entered its adult population.
struct NationalComparison: Sendable {
    struct Row: Sendable {
        var name: String
        var code: String
        var kind: OrganisationKind
        var isOwn: Bool
        /// Nil: the organisation had registered nobody by the year's end, so it has nothing to compare.
        var values: OpenIndicators.Values?
        var adults: Int?
        var perThousandAdults: Double?
        /// Women's share of those known, 0–1, where women and the total are published.
        var womenShare: Double?
    }

    var year: Int
    var rows: [Row]
    /// True for a national statistics reader: every organisation, published or not.
    var coversEveryOrganisation: Bool

    /// Years that can be compared: the open data's, whole years only.
    static func years(today: CalendarDate = .today()) -> ClosedRange<Int> { OpenIndicators.years(today: today) }

    /// The comparison `reader` may see: organisations that publish and the reader's own, or every
    /// organisation for a holder of the national statistics grant.
    static func make(year: Int, for reader: CurrentUser, on db: any Database) async throws -> NationalComparison {
        let everyOrganisation = try await NationalStatisticsAccess.holds(reader.id, on: db)
        return try await make(year: year, for: reader.organisationID, everyOrganisation: everyOrganisation, on: db)
    }

    static func make(year: Int, for organisationID: UUID, everyOrganisation: Bool = false,
                     on db: any Database) async throws -> NationalComparison {
        let published = everyOrganisation ? [] : Set(try await StatisticsPublication.query(on: db).all(\.$organisationID))
        let organisations = try await Organisation.query(on: db).sort(\.$name).all()
            .filter { everyOrganisation || ($0.id.map { published.contains($0) || $0 == organisationID } ?? false) }
        guard StatisticsPeriod.year(year) != nil else { throw SynligError(.badRequest, "statistics.bad_period") }
        let adultsOf = Dictionary(try await StatisticsPopulation.query(on: db).all().map { ($0.organisationID, $0.adults) }) { first, _ in first }
        let values = try await OpenIndicators.values(organisations: try organisations.map { try $0.requireID() }, year: year, on: db)
        var rows: [Row] = []
        for organisation in organisations {
            let id = try organisation.requireID()
            let adults = adultsOf[id]
            var row = Row(name: organisation.name, code: organisation.code, kind: organisation.kind, isOwn: id == organisationID,
                          adults: adults)
            if let values = values[id], values.known > 0 {
                row.values = values
                row.perThousandAdults = adults.flatMap { CaregiverRate.perThousandAdults(values.caregiversKnown, adults: $0) }
                row.womenShare = PublishedCount.percentage(values.women, of: values.caregiversKnown).map { $0 / 100 }
            }
            rows.append(row)
        }
        return NationalComparison(year: year, rows: rows, coversEveryOrganisation: everyOrganisation)
    }
}

extension NationalComparison {
    /// `?year=2025`, one of the comparable years; by default the last whole year.
    static func year(from req: Request) throws -> Int {
        let years = Self.years()
        guard let raw = req.query[String.self, at: "year"], !raw.isEmpty else { return years.upperBound }
        guard let year = Int(raw), years.contains(year) else {
            throw SynligError(.badRequest, "open_data.year_invalid", arguments: [String(years.lowerBound), String(years.upperBound)])
        }
        return year
    }
}

/// `/statistics/national`: the comparison as a page, a table with a bar per rate beside it.
struct NationalComparisonPage: Encodable {
    struct Row: Encodable {
        var name: String
        var own: Bool
        var known: String
        var women: String
        var adults: String
        var perThousand: String
        /// Bar length 0–100 against the highest rate shown; no bar where there is no rate.
        var bar: Double?
        var voluntariness: String
        var supportBegun: String
        var summary: String
    }

    var page: PageContext
    var action: String
    var years: [SelectOption]
    var heading: String
    var rows: [Row]
    var apiHref: String
    /// Who is on the list: publishing organisations and the reader's own, or every organisation.
    var coverage: String

    init(_ comparison: NationalComparison, page: PageContext, request req: Request) {
        self.page = page
        action = SiteURL.statisticsNational.path
        years = NationalComparison.years().reversed().map { SelectOption(value: String($0), label: String($0), selected: $0 == comparison.year) }
        heading = req.t("statistics.national.year", String(comparison.year))
        apiHref = "/api/v1/statistics/national?year=\(comparison.year)"
        coverage = req.t(comparison.coversEveryOrganisation ? "statistics.national.coverage_all" : "statistics.national.coverage_published")
        let policy = SuppressionPolicy.standard
        let highest = comparison.rows.compactMap(\.perThousandAdults).max() ?? 0
        func text(_ count: PublishedCount?) -> String { count?.text(under: policy) ?? "–" }
        rows = comparison.rows.map { row in
            let rate = row.perThousandAdults.map { StatisticsPage.decimal($0, req) } ?? "–"
            return Row(name: row.name, own: row.isOwn, known: text(row.values?.caregiversKnown),
                       women: row.womenShare.map { String(format: "%.0f %%", $0 * 100) } ?? "–",
                       adults: row.adults.map { req.grouped($0) } ?? "–", perThousand: rate,
                       bar: row.perThousandAdults.flatMap { highest > 0 ? $0 / highest * 100 : nil },
                       voluntariness: text(row.values?.voluntarinessFollowUps), supportBegun: text(row.values?.supportBegun),
                       summary: req.t("statistics.national.bar_summary", row.name, rate))
        }
    }
}
