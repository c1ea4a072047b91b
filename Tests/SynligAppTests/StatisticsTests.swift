import Fluent
import Foundation
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

/// Statistics on a small hand-made register whose answers are known: the arithmetic, the period
/// boundaries, what is withheld, who may read it, and that no answer names a person.
@Suite("Statistics of the caregivers reached")
struct StatisticsTests {
    /// Registers a caregiver on a given day with the classifications given.
    @discardableResult
    func caregiver(_ app: Application, _ world: RecordWorld, _ name: String, on day: String, gender: Gender,
                   birthYear: Int? = nil, foreign: ForeignBackground = .notStated, unit: Unit? = nil) async throws -> Caregiver {
        try await CaregiverService.save(nil, CaregiverInput(
            name: name, preferredLanguage: "sv", interpreterNeed: "notStated", gender: gender.rawValue,
            birthYear: birthYear.map(String.init), foreignBackground: foreign.rawValue,
            unitId: try unit?.requireID().uuidString), by: world.consultant, on: app.db, today: try #require(CalendarDate(day)))
    }

    /// Twelve caregivers registered in 2025 and eight in 2026 (three of them in unit B).
    func register(_ app: Application, _ world: RecordWorld) async throws {
        for index in 0..<7 { try await caregiver(app, world, "Statistikperson K\(index)", on: "2025-05-0\(index + 1)", gender: .woman, birthYear: 1960, foreign: .no) }
        for index in 0..<5 { try await caregiver(app, world, "Statistikperson M\(index)", on: "2025-12-31", gender: .man, birthYear: 1950, foreign: .yes) }
        for index in 0..<5 { try await caregiver(app, world, "Statistikperson N\(index)", on: "2026-03-31", gender: .woman, birthYear: 2001) }
        for index in 0..<3 { try await caregiver(app, world, "Statistikperson B\(index)", on: "2026-04-01", gender: .man, unit: world.unitB) }
    }

    func report(_ app: Application, _ world: RecordWorld, _ period: String, unit: Unit? = nil) async throws -> StatisticsReport {
        let scope = StatisticsScope(organisationID: try world.organisation.requireID(), unitID: try unit?.requireID(),
                                    period: try #require(StatisticsPeriod(period)))
        return StatisticsReport(try await StatisticsService.counts(scope, on: app.db), scope: scope, policy: .standard, label: { $0 })
    }

    func counts(_ report: StatisticsReport, _ dimension: StatisticsDimension) -> [String: PublishedCount] {
        let breakdown = report.breakdowns.first { $0.dimension == dimension }
        return Dictionary(uniqueKeysWithValues: (breakdown?.categories ?? []).map { ($0.key, $0.count) })
    }

    @Test("Counts, breakdowns and age bands add up on a register whose answers are known")
    func arithmetic() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            try await register(app, world)
            let year = try await report(app, world, "2026")
            #expect(year.identified == .count(20))
            #expect(year.new == .count(8))
            let gender = counts(year, .gender)
            #expect(gender["woman"] == .count(12))
            // Five men by the end of 2025; the three of April 2026 are fewer than the threshold, so
            // "man" stays settled at five and they count in the rest ("not stated or not yet
            // shown"). They are all of unit B, which is too small to show and is hidden with the
            // caregivers of no unit; the hidden rest is small, so the rest and the smallest
            // category beside it are withheld, or they would say how many B has.
            #expect(gender["man"] == .suppressed(.complementary))
            #expect(gender["other"] == .count(0))
            #expect(gender["notStated"] == .suppressed(.belowThreshold))
            // The first quarter says five men, and the year cannot be set against it to give away
            // the three newcomers' gender.
            #expect(counts(try await report(app, world, "2026-Q1"), .gender)["man"] == .count(5))
            // Born 1960 and 1950 are 65–79 in 2026; born 2001 is 25; no birth year is not stated.
            let age = counts(year, .ageBand)
            // Three without a birth year (unit B's) are the rest, withheld as above.
            #expect(age["from65to79"] == .count(12))
            #expect(age["notStated"] == .suppressed(.belowThreshold))
            #expect(age["from25to44"] == .suppressed(.complementary))
            let foreign = counts(year, .foreignBackground)
            #expect(foreign["no"] == .count(7))
            #expect(foreign["yes"] == .count(5))
            #expect(foreign["notStated"] == .count(8))
            let share = try #require(year.breakdowns.first { $0.dimension == .foreignBackground }?.notStatedShare)
            #expect(abs(share - 0.4) < 0.0001)
        }
    }

    @Test("Support asked for, offered, begun and not offered is counted by kind within the period")
    func supportDuringPeriod() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            try await register(app, world)
            let caregivers = try await Caregiver.query(on: app.db).sort(\.$name).all()
            func support(_ caregiver: Caregiver, _ kind: SupportNeedKind, _ status: SupportStatus, requested: String,
                         offered: String? = nil, started: String? = nil) async throws {
                _ = try await FollowUpService.saveSupport(nil, caregiverID: try caregiver.requireID(), SupportInput(
                    needKind: kind.rawValue, decision: SupportDecision.serviceSupport.rawValue, status: status.rawValue,
                    requestedOn: requested, offeredOn: offered, startedOn: started), by: world.consultant, on: app.db)
            }
            // Six asked for respite in 2026, five got it offered, five began; six asked for a support group and were not offered one.
            for caregiver in caregivers.prefix(6) {
                try await support(caregiver, .respiteAtHome, .given, requested: "2026-02-01", offered: "2026-02-10", started: "2026-03-01")
            }
            try await support(caregivers[6], .respiteAtHome, .requested, requested: "2026-05-01")
            for caregiver in caregivers.suffix(6) { try await support(caregiver, .supportGroup, .notOffered, requested: "2026-06-01") }
            // Asked for in 2025: outside the period.
            try await support(caregivers[7], .dayCare, .given, requested: "2025-11-01", offered: "2025-11-15", started: "2025-12-01")

            let year = try await report(app, world, "2026")
            func activity(_ kind: ActivityTable.Kind) -> [String: PublishedCount] {
                let table = year.activities.first { $0.kind == kind }
                return Dictionary(uniqueKeysWithValues: (table?.categories ?? []).map { ($0.key, $0.count) })
            }
            #expect(activity(.supportRequested)["respiteAtHome"] == .count(7))
            #expect(activity(.supportRequested)["supportGroup"] == .count(6))
            #expect(activity(.supportRequested)["dayCare"] == .count(0))
            #expect(activity(.supportOffered)["respiteAtHome"] == .count(6))
            #expect(activity(.supportGiven)["respiteAtHome"] == .count(6))
            #expect(activity(.supportNotOffered)["supportGroup"] == .count(6))
            #expect(activity(.supportNotOffered)["respiteAtHome"] == .count(0))
            let lastYear = try await report(app, world, "2025")
            #expect(lastYear.activities.first { $0.kind == .supportGiven }?.total == .suppressed(.belowThreshold))
        }
    }

    @Test("Period boundaries: the last day of a quarter belongs to it, the first day of the next does not")
    func periodBoundaries() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            try await register(app, world)
            let first = try await report(app, world, "2026-Q1")
            #expect(first.identified == .count(17))
            #expect(first.new == .count(5))
            let second = try await report(app, world, "2026-Q2")
            #expect(second.identified == .count(20))
            // Three new in the quarter would be a small count, and 20 − 17 gives it away: both withheld.
            #expect(second.new == .suppressed(.belowThreshold))
            let lastYear = try await report(app, world, "2025")
            #expect(lastYear.identified == .count(12))
            #expect(lastYear.new == .count(12))
            // New per quarter over two whole years; 2026's three in Q2 are withheld, and so is Q1,
            // or the year's total would give them away.
            let trend = try await report(app, world, "2026").trend.map { "\($0.quarter): \($0.new?.value.map(String.init) ?? "-")" }
            #expect(trend == ["2025-Q1: 0", "2025-Q2: 7", "2025-Q3: 0", "2025-Q4: 5", "2026-Q1: -", "2026-Q2: -", "2026-Q3: 0", "2026-Q4: 0"])
        }
    }

    @Test("The trend covers the years the reader chooses, one to five, on the page and in the API")
    func trendOverSeveralYears() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            try await register(app, world)
            let api = try await APIClient.signedIn(app, world.viewer.email)
            let response = try await api.send(.GET, "/api/v1/statistics?period=2026&trendYears=3")
            #expect(response.status == .ok)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(response.body.string.utf8)) as? [String: Any])
            let quarters = (json["trend"] as? [[String: Any]] ?? []).compactMap { $0["quarter"] as? String }
            #expect(quarters.count == 12 && quarters.first == "2024-Q1" && quarters.last == "2026-Q4")
            for bad in ["0", "6", "abc"] {
                #expect(try await api.send(.GET, "/api/v1/statistics?period=2026&trendYears=\(bad)").status == .badRequest, "\(bad)")
            }
            let viewer = Browser(app)
            try await viewer.signIn(world.viewer.email)
            // As the browser sends the form: the select's chosen option.
            let html = try await viewer.get("/statistics?period=2026&unit=&trendYears=5").body.string
            #expect(html.contains(#"<option value="5" selected>5 år</option>"#))
            #expect(html.contains(#"<input type="hidden" name="trendYears" value="5">"#))
            #expect(html.contains("<th scope=\"col\">Kvartal 1 2022</th>") && !html.contains("Kvartal 4 2021"))
            #expect(try await viewer.get("/statistics?trendYears=9").status == .badRequest)
        }
    }

    @Test("A filter narrowed to three people withholds every count, in every table")
    func smallUnitWithheld() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            try await register(app, world)
            let unit = try await report(app, world, "2026", unit: world.unitB)
            #expect(unit.identified == .suppressed(.belowThreshold))
            for breakdown in unit.breakdowns where breakdown.dimension.unit == .caregivers {
                #expect(breakdown.total.isSuppressed, "\(breakdown.dimension)")
                #expect(!breakdown.brokenDown, "\(breakdown.dimension)")
                #expect(breakdown.categories.allSatisfy { $0.count.isSuppressed || $0.count == .count(0) }, "\(breakdown.dimension)")
                #expect(breakdown.categories.allSatisfy { $0.share == nil }, "\(breakdown.dimension)")
            }
            // The page for it draws no chart without its words: no trend line to draw, a sentence instead.
            let viewer = Browser(app)
            try await viewer.signIn(world.viewer.email)
            let html = try await viewer.get("/statistics?period=2026&unit=\(try world.unitB.requireID())").body.string
            #expect(!html.contains(#"aria-label="""#))
            #expect(html.contains("För få i verksamheten för att visas uppdelat"))
        }
    }

    func staffCannot(_ app: Application, _ world: RecordWorld, _ path: String) async throws -> Bool {
        let staff = Browser(app)
        try await staff.signIn(world.staffA.email)
        return try await staff.get(path).status == .forbidden
    }

    @Test("The page and the API give the same numbers to a viewer, name nobody, and refuse staff and bad filters")
    func pageAndAPI() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            try await register(app, world)
            try await caregiver(app, world, "Åsa Unik Öberg", on: "2026-06-01", gender: .other, birthYear: 1930)
            let viewer = Browser(app)
            try await viewer.signIn(world.viewer.email)
            let page = try await viewer.get("/statistics?period=2026")
            #expect(page.status == .ok)
            #expect(page.headers.first(name: .cacheControl)?.contains("no-store") == true)
            let html = page.body.string
            #expect(html.contains("<dt>Anhöriga registrerade vid periodens slut</dt><dd>21</dd>"))
            #expect(html.contains("&lt; 5"))
            #expect(!html.contains("Åsa Unik Öberg"))
            #expect(!html.contains("Statistikperson"))

            let api = try await APIClient.signedIn(app, world.viewer.email)
            let body = try await api.send(.GET, "/api/v1/statistics?period=2026")
            #expect(body.status == .ok)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(body.body.string.utf8)) as? [String: Any])
            #expect((json["identified"] as? [String: Any])?["count"] as? Int == 21)
            #expect(!body.body.string.contains("Åsa"))
            #expect(!body.body.string.contains("Statistikperson"))
            let breakdowns = try #require(json["breakdowns"] as? [[String: Any]])
            #expect(Set(breakdowns.compactMap { $0["dimension"] as? String }) == Set(StatisticsDimension.allCases.map(\.rawValue)))
            let gender = try #require(breakdowns.first { $0["dimension"] as? String == "gender" })
            // The one "other" of June is fewer than the threshold: "other" stays settled at 0, and
            // the person is in the rest (not stated, or not yet shown by category), with the three
            // men of April; withheld, as unit B's part of it is hidden and small.
            let categories = try #require(gender["categories"] as? [[String: Any]])
            let other = try #require(categories.first { $0["key"] as? String == "other" })
            #expect((other["value"] as? [String: Any])?["count"] as? Int == 0)
            let rest = try #require(categories.first { $0["key"] as? String == "notStated" })
            #expect((rest["value"] as? [String: Any])?["suppressed"] as? String == "belowThreshold")
            #expect((rest["value"] as? [String: Any])?["count"] is NSNull)

            // Every table as CSV, as published: BOM, withheld counts as on the page, nobody named.
            #expect(html.contains(#"href="/statistics.csv?period=2026""#))
            let csv = try await viewer.get("/statistics.csv?period=2026")
            #expect(csv.status == .ok)
            #expect(csv.headers.contentType?.subType == "csv")
            #expect(csv.body.string.hasPrefix("\u{FEFF}"))
            #expect(csv.body.string.contains(#""Kön","Kvinna","12","#))
            #expect(csv.body.string.contains(#""Kön","Annat","0","#))
            #expect(csv.body.string.contains(#""Kön","Ej angivet eller inte redovisat än","< 5","""#))
            #expect(!csv.body.string.contains("Åsa"))
            #expect(try await staffCannot(app, world, "/statistics.csv"))

            #expect(try await api.send(.GET, "/api/v1/statistics?period=2026-Q5").status == .badRequest)
            #expect(try await viewer.get("/statistics?period=igår").status == .badRequest)
            #expect(try await api.send(.GET, "/api/v1/statistics?unit=\(UUID().uuidString)").status == .notFound)

            let staff = Browser(app)
            try await staff.signIn(world.staffA.email)
            #expect(try await staff.get("/statistics").status == .forbidden)
        }
    }
}
