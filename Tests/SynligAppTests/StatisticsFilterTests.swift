import Foundation
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

/// A reader who asks for the whole organisation and then for each unit must not be able to
/// subtract their way to a count that one of the answers withheld.
@Suite("Statistics: the organisation and its units together single no one out")
struct StatisticsFilterTests {
    /// Unit A: 20 women and 10 men. Unit B: 3 women and 7 men — B's women are the small count.
    func register(_ app: Application, _ world: RecordWorld) async throws {
        let tests = StatisticsTests()
        for index in 0..<20 { try await tests.caregiver(app, world, "Filterperson A\(index)", on: "2026-02-01", gender: .woman, unit: world.unitA) }
        for index in 0..<10 { try await tests.caregiver(app, world, "Filterperson A\(index + 20)", on: "2026-02-01", gender: .man, unit: world.unitA) }
        for index in 0..<3 { try await tests.caregiver(app, world, "Filterperson B\(index)", on: "2026-02-01", gender: .woman, unit: world.unitB) }
        for index in 0..<7 { try await tests.caregiver(app, world, "Filterperson B\(index + 3)", on: "2026-02-01", gender: .man, unit: world.unitB) }
    }

    /// Each breakdown's category counts as the API gives them; nil for a withheld count or a unit not broken down.
    func counts(_ api: APIClient, _ query: String) async throws -> [String: [String: Int?]] {
        let response = try await api.send(.GET, "/api/v1/statistics?period=2026" + query)
        #expect(response.status == .ok)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(response.body.string.utf8)) as? [String: Any])
        var tables: [String: [String: Int?]] = [:]
        for breakdown in try #require(json["breakdowns"] as? [[String: Any]]) {
            let dimension = try #require(breakdown["dimension"] as? String)
            let categories = breakdown["categories"] as? [[String: Any]] ?? []
            let keys = StatisticsDimension(rawValue: dimension)?.categories ?? []
            tables[dimension] = Dictionary(uniqueKeysWithValues: keys.map { key in
                let category = categories.first { $0["key"] as? String == key }
                return (key, (category?["value"] as? [String: Any])?["count"] as? Int)
            })
        }
        return tables
    }

    @Test("The organisation's count minus the large unit's does not give the small unit's withheld women")
    func noSubtraction() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            try await register(app, world)
            let api = try await APIClient.signedIn(app, world.viewer.email)
            let organisation = try await counts(api, "")
            let units = [try await counts(api, "&unit=\(try world.unitA.requireID())"), try await counts(api, "&unit=\(try world.unitB.requireID())")]
            // Unit B's three women are never shown as three women on its own page: fewer than the
            // threshold, they are not yet settled into "woman" (0) and count in the rest…
            #expect(units[1]["gender"]?["woman"] == .some(0))
            #expect(units[1]["gender"]?["notStated"] == .some(3))
            // …and in every table and category, a count left open by exactly one unit is either
            // withheld for the organisation too, or nobody, or at least five.
            for (dimension, categories) in organisation {
                for (key, whole) in categories {
                    guard let whole else { continue }
                    let known = units.compactMap { $0[dimension]?[key] ?? nil }
                    guard known.count == units.count - 1 else { continue }
                    let workedOut = whole - known.reduce(0, +)
                    #expect(workedOut == 0 || workedOut >= SuppressionPolicy.standard.threshold,
                            "\(dimension)/\(key): \(whole) minus the shown units leaves \(workedOut)")
                }
            }
            // The organisation shows every category: 40 caregivers, 20 women, 17 men, a rest of 3.
            #expect(organisation["gender"]?["woman"] == .some(20))
            #expect(organisation["gender"]?["man"] == .some(17))
            #expect(organisation["gender"]?["notStated"] == .some(3))
        }
    }

    @Test("Two periods set side by side give away no newcomer: every category shown in both moves by 0 or at least 5")
    func periodsSideBySide() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let tests = StatisticsTests()
            // 2025: seven women, five men; 2026-Q1: five women; 2026-Q2: three men in unit B.
            try await tests.register(app, world)
            // And one newcomer alone in 2026-Q3, with a gender nobody else has.
            try await tests.caregiver(app, world, "Ensam Nykomling", on: "2026-08-01", gender: .other, birthYear: 1990)
            let api = try await APIClient.signedIn(app, world.viewer.email)
            let periods = ["2025-Q2", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3", "2026"]
            var tables: [String: [String: [String: Int?]]] = [:]
            for period in periods {
                let response = try await api.send(.GET, "/api/v1/statistics?period=\(period)")
                #expect(response.status == .ok)
                let json = try #require(try JSONSerialization.jsonObject(with: Data(response.body.string.utf8)) as? [String: Any])
                for breakdown in try #require(json["breakdowns"] as? [[String: Any]]) {
                    let dimension = try #require(breakdown["dimension"] as? String)
                    for category in breakdown["categories"] as? [[String: Any]] ?? [] {
                        guard let key = category["key"] as? String, key != StatisticsDimension.notStated else { continue }
                        tables[period, default: [:]][dimension, default: [:]][key] = (category["value"] as? [String: Any])?["count"] as? Int
                    }
                }
            }
            var compared = 0
            for first in periods {
                for second in periods where second > first {
                    for (dimension, categories) in tables[first] ?? [:] {
                        for (key, before) in categories {
                            guard let before, let after = tables[second]?[dimension]?[key] ?? nil else { continue }
                            let move = abs(after - before)
                            #expect(move == 0 || move >= SuppressionPolicy.standard.threshold,
                                    "\(dimension)/\(key): \(before) in \(first), \(after) in \(second)")
                            compared += 1
                        }
                    }
                }
            }
            #expect(compared > 100)
            // The one newcomer of the third quarter: the total says one more, no category says who,
            // in any table: with fewer than five newcomers in a quarter, no count moves at its end.
            #expect(tables["2026-Q3"]?["gender"]?["other"] == .some(0))
            for (dimension, categories) in tables["2026-Q2"] ?? [:] {
                #expect(tables["2026-Q3"]?[dimension] == categories, "\(dimension) moved with one newcomer")
            }
        }
    }

    @Test("A unit of four women and four men: no category is placed, so its table gives nothing away and is shown")
    func unitNotBrokenDown() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let tests = StatisticsTests()
            for index in 0..<30 { try await tests.caregiver(app, world, "Filterperson A\(index)", on: "2026-02-01", gender: index < 20 ? .woman : .man, unit: world.unitA) }
            // Unit B: four women and four men. Before settlement "< 5" and "< 5" of a shown 8 were
            // both 4, so the unit showed its count alone; now neither category reaches five, so
            // both stay at 0 and the eight are the rest.
            for index in 0..<8 { try await tests.caregiver(app, world, "Filterperson B\(index)", on: "2026-02-01", gender: index < 4 ? .woman : .man, unit: world.unitB) }
            let viewer = Browser(app)
            try await viewer.signIn(world.viewer.email)
            let page = try await viewer.get("/statistics?period=2026&unit=\(try world.unitB.requireID())")
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("<dt>Anhöriga registrerade vid periodens slut</dt><dd>8</dd>"))
            #expect(html.contains("Korstabeller visas bara för hela organisationen"))
            #expect(!html.contains("Filterperson"))
            let api = try await APIClient.signedIn(app, world.viewer.email)
            let response = try await api.send(.GET, "/api/v1/statistics?period=2026&unit=\(try world.unitB.requireID())")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(response.body.string.utf8)) as? [String: Any])
            #expect(json["crossTable"] is NSNull)
            let gender = try #require((json["breakdowns"] as? [[String: Any]])?.first { $0["dimension"] as? String == "gender" })
            #expect(gender["brokenDown"] as? Bool == true)
            let counts = Dictionary(uniqueKeysWithValues: (gender["categories"] as? [[String: Any]] ?? []).compactMap { category in
                (category["key"] as? String).map { ($0, (category["value"] as? [String: Any])?["count"] as? Int) }
            })
            #expect(counts["woman"] == .some(0) && counts["man"] == .some(0) && counts["notStated"] == .some(8))
            #expect((gender["total"] as? [String: Any])?["count"] as? Int == 8)
            #expect(json.keys.contains("new"))
        }
    }
}
