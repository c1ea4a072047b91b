import Fluent
import Foundation
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

/// A year's events are the sum of its quarters'. Asked for the year and for each quarter, the
/// answers must not let a reader take the year minus three quarters to get a fourth that was withheld.
@Suite("Statistics: a year's events set against its quarters single no one out")
struct StatisticsQuarterEventsTests {
    /// Support begun in 2026: respite 6, 6, 6 and 2 in the four quarters (20), support groups 8 in
    /// each (32), day care 3 in the second quarter and counselling 6 in the third: the year
    /// withholds day care, and counselling beside it.
    func register(_ app: Application, _ world: RecordWorld) async throws {
        try await StatisticsTests().register(app, world)
        var schedule: [(SupportNeedKind, String, Int)] = []
        for (day, respite) in [("2026-02-01", 6), ("2026-05-01", 6), ("2026-08-01", 6), ("2026-11-01", 2)] {
            schedule += [(.respiteAtHome, day, respite), (.supportGroup, day, 8)]
        }
        try await begin(app, world, schedule + [(.dayCare, "2026-05-02", 3), (.counselling, "2026-08-02", 6)])
    }

    /// Support of each kind begun on each day, as many times as given, spread over the register's caregivers.
    func begin(_ app: Application, _ world: RecordWorld, _ schedule: [(kind: SupportNeedKind, day: String, times: Int)]) async throws {
        let caregivers = try await Caregiver.query(on: app.db).sort(\.$name).all()
        var next = 0
        for (kind, day, times) in schedule {
            for _ in 0..<times {
                _ = try await FollowUpService.saveSupport(nil, caregiverID: try caregivers[next % caregivers.count].requireID(), SupportInput(
                    needKind: kind.rawValue, decision: SupportDecision.serviceSupport.rawValue, status: SupportStatus.given.rawValue,
                    requestedOn: day, offeredOn: day, startedOn: day), by: world.consultant, on: app.db)
                next += 1
            }
        }
    }

    struct Table {
        var counts: [String: Int?]
        var total: Int?
    }

    /// The support begun as the API gives it for a period, and the tables it shows per year only.
    func supportGiven(_ api: APIClient, _ query: String) async throws -> (table: Table?, perYearOnly: [String], json: [String: Any]) {
        let response = try await api.send(.GET, "/api/v1/statistics?" + query)
        #expect(response.status == .ok)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(response.body.string.utf8)) as? [String: Any])
        let perYearOnly = json["perYearOnly"] as? [String] ?? []
        guard let activity = (json["activities"] as? [[String: Any]])?.first(where: { $0["kind"] as? String == "supportGiven" }) else {
            return (nil, perYearOnly, json)
        }
        let categories = activity["categories"] as? [[String: Any]] ?? []
        let counts = Dictionary(uniqueKeysWithValues: categories.map { ($0["key"] as? String ?? "", ($0["value"] as? [String: Any])?["count"] as? Int) })
        return (Table(counts: counts, total: (activity["total"] as? [String: Any])?["count"] as? Int), perYearOnly, json)
    }

    @Test("The year minus three quarters does not give the fourth quarter's withheld count, and every quarter adds up to the year")
    func yearMinusQuarters() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            try await register(app, world)
            let api = try await APIClient.signedIn(app, world.viewer.email)
            let year = try #require(try await supportGiven(api, "period=2026").table)
            #expect(year.counts["respiteAtHome"] == .some(20) && year.counts["supportGroup"] == .some(32))
            // Day care's 3 is withheld for the year, and counselling's 6 beside it.
            #expect(year.counts["dayCare"] == .some(nil) && year.counts["counselling"] == .some(nil))
            var quarters: [Table] = []
            for quarter in 1...4 {
                let answer = try await supportGiven(api, "period=2026-Q\(quarter)")
                quarters.append(try #require(answer.table))
                #expect(answer.perYearOnly.contains("outcomes") && answer.perYearOnly.contains("coordinatedPlans"))
            }
            // The fourth quarter's 2 respite is withheld, and so is another quarter's, so 20 minus
            // what is shown leaves two unknowns.
            #expect(quarters[3].counts["respiteAtHome"] == .some(nil))
            for (key, whole) in year.counts {
                guard let whole else {
                    // A kind the year withholds is never shown on its own by quarter.
                    #expect(quarters.allSatisfy { $0.counts[key] == nil }, "\(key) is shown by quarter though the year withholds it")
                    continue
                }
                let unknown = quarters.filter { ($0.counts[key] ?? nil) == nil }
                #expect(unknown.count != 1, "\(key): the year's \(whole) minus three shown quarters gives the fourth")
                if unknown.isEmpty { #expect(quarters.compactMap { $0.counts[key] ?? nil }.reduce(0, +) == whole) }
            }
            // The kinds the year withholds stand together as "other" in the quarters: a key no category has.
            #expect(quarters.allSatisfy { $0.counts.keys.contains("otherCategories") })
            #expect(quarters.filter { $0.total == nil }.count != 1)
            if let yearTotal = year.total, quarters.allSatisfy({ $0.total != nil }) {
                #expect(quarters.compactMap(\.total).reduce(0, +) == yearTotal)
            }
        }
    }

    @Test("A unit's events are shown per year only: a quarter of a unit is neither the year's nor the organisation's")
    func unitQuarterPerYearOnly() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            try await register(app, world)
            let api = try await APIClient.signedIn(app, world.viewer.email)
            let unit = try world.unitB.requireID()
            let quarter = try await supportGiven(api, "period=2026-Q2&unit=\(unit)")
            #expect(quarter.table == nil)
            #expect(quarter.perYearOnly.contains("supportGiven") && quarter.perYearOnly.contains("voluntariness"))
            #expect((quarter.json["activities"] as? [Any])?.isEmpty == true)
            let year = try await supportGiven(api, "period=2026&unit=\(try world.unitA.requireID())")
            #expect(year.table != nil && year.perYearOnly.isEmpty)
            // Unit B's three caregivers are too few to show: it has no count of events to show
            // either, rather than a "< 5" that may be untrue.
            let small = try await supportGiven(api, "period=2026&unit=\(unit)")
            #expect(small.table == nil && small.perYearOnly.isEmpty)

            // The page says so, in words.
            let viewer = Browser(app)
            try await viewer.signIn(world.viewer.email)
            let page = try await viewer.get("/statistics?period=2026-Q2&unit=\(unit)")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("Visas bara per år och för hela organisationen"))
            let organisation = try await viewer.get("/statistics?period=2026-Q2")
            #expect(organisation.body.string.contains("Övriga (visas var för sig bara per år)"))
            #expect(organisation.body.string.contains("Uppföljningen av utfall visas bara per år"))
            // The CSV says the same: the note on "other", and each table shown per year only.
            let csv = try await viewer.get("/statistics.csv?period=2026-Q2&unit=\(unit)").body.string
            #expect(csv.contains("Anmärkning") && csv.contains("Ett kvartal visas bredvid sitt år"))
            #expect(csv.contains("Visas bara per år (och för hela organisationen) för denna period"))
            let yearCSV = try await viewer.get("/statistics.csv?period=2026").body.string
            #expect(!yearCSV.contains("Anmärkning") && !yearCSV.contains("Visas bara per år (och"))
        }
    }

    @Test("In a year under way the quarters to come are empty, and an empty quarter hides no count")
    func yearUnderWay() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            try await StatisticsTests().register(app, world)
            // Asked on 20 May: respite 1 in the first quarter and 5 in the second; support groups 8 and 8.
            try await begin(app, world, [(.respiteAtHome, "2026-02-01", 1), (.respiteAtHome, "2026-05-01", 5),
                                         (.supportGroup, "2026-02-02", 8), (.supportGroup, "2026-05-02", 8)])
            let today = try #require(CalendarDate("2026-05-20"))
            func given(_ period: String) async throws -> [String: PublishedCount] {
                let scope = StatisticsScope(organisationID: try world.organisation.requireID(), unitID: nil, period: try #require(StatisticsPeriod(period)))
                let report = StatisticsReport(try await StatisticsService.counts(scope, today: today, on: app.db), scope: scope, policy: .standard, label: { $0 })
                let table = report.activities.first { $0.kind == .supportGiven }
                return Dictionary(uniqueKeysWithValues: (table?.categories ?? []).map { ($0.key, $0.count) })
            }
            let year = try await given("2026")
            #expect(year["respiteAtHome"] == .count(6) && year["supportGroup"] == .count(16))
            let quarters = [try await given("2026-Q1"), try await given("2026-Q2"), try await given("2026-Q3"), try await given("2026-Q4")]
            // The quarters to come show 0; the 1 of the first quarter could only hide behind them,
            // so respite is not shown one by one by quarter (6 − 5 would give it).
            #expect(quarters[2]["supportGroup"] == .count(0) && quarters[3]["supportGroup"] == .count(0))
            #expect(quarters.allSatisfy { $0["respiteAtHome"] == nil })
            for (key, whole) in year {
                guard let whole = whole.value else { continue }
                let unknown = quarters.filter { ($0[key]?.value) == nil }
                #expect(unknown.count != 1, "\(key): the year's \(whole) minus three quarters gives the fourth")
            }
        }
    }

    @Test("Behind a quarter stands the year's own table of events, with its units as at the year's end")
    func sameYearBehindEveryQuarter() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            try await register(app, world)
            // Unit B has three caregivers from April and six from October: too few to show at the end
            // of the second quarter, enough at the year's end.
            for index in 0..<3 {
                try await StatisticsTests().caregiver(app, world, "Höstperson \(index)", on: "2026-10-01", gender: .woman, unit: world.unitB)
            }
            func published(_ period: String) async throws -> PublishedStatistics {
                let scope = StatisticsScope(organisationID: try world.organisation.requireID(), unitID: nil, period: try #require(StatisticsPeriod(period)))
                return PublishedStatistics(try await StatisticsService.counts(scope, on: app.db), policy: .standard, quarters: true)
            }
            let year = try await published("2026")
            let unitB = try #require(try await StatisticsService.unitRows(try world.organisation.requireID(), on: app.db).firstIndex(of: try world.unitB.requireID()))
            #expect(year.activities.allSatisfy { $0.units[unitB] != nil })
            for quarter in 1...4 {
                let quarterly = try await published("2026-Q\(quarter)")
                #expect(quarterly.activities == year.activities, "2026-Q\(quarter) leans on another year's table than the year's page shows")
                #expect(quarterly.activityQuarters == year.activityQuarters)
            }
        }
    }
}
