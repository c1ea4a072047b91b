import Foundation
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

/// Organisations side by side: those that publish, and the reader's own, on the open data's
/// numbers, with the rate per 1,000 adults where the population is known.
@Suite("Statistics: comparing organisations")
struct StatisticsNationalTests {
    @Test("A viewer compares the own organisation with those that publish; others stay out, per 1,000 adults where known")
    func comparison() async throws {
        try await withSynlig { app in
            let indicators = OpenIndicatorsTests()
            let own = try await RecordWorld.make(app)
            try await indicators.register(app, own, women: 12, men: 8)
            let neighbour = try await RecordWorld.make(app, name: "Grannkommun", code: "0181")
            try await indicators.register(app, neighbour, women: 30, men: 10)
            let admin = try await currentUser(app, try await makeUser(app, in: neighbour.organisation, email: "alva@0181.test.se", roles: [.admin]))
            try await StatisticsPublicationService.set(published: true, by: admin, on: app.db)
            try await StatisticsPopulationService.set(PopulationInput(adults: "10000", year: String(indicators.lastYear), source: "SCB"),
                                                      by: admin, on: app.db)
            let quiet = try await RecordWorld.make(app, name: "Tystkommun", code: "0182")
            try await indicators.register(app, quiet, women: 6, men: 6)

            let api = try await APIClient.signedIn(app, own.viewer.email)
            let response = try await api.send(.GET, "/api/v1/statistics/national?year=\(indicators.lastYear)")
            #expect(response.status == .ok)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(response.body.string.utf8)) as? [String: Any])
            let rows = try #require(json["organisations"] as? [[String: Any]])
            #expect(rows.compactMap { $0["name"] as? String } == ["Grannkommun", "Testkommun"])
            func count(_ row: [String: Any], _ key: String) -> Int? { (row[key] as? [String: Any])?["count"] as? Int }
            #expect(count(rows[0], "caregiversKnown") == 40 && count(rows[0], "women") == 30 && count(rows[0], "men") == 10)
            #expect(rows[0]["perThousandAdults"] as? Double == 4.0)
            #expect(rows[0]["own"] as? Bool == false)
            #expect(count(rows[1], "caregiversKnown") == 20 && rows[1]["own"] as? Bool == true)
            #expect(rows[1]["perThousandAdults"] is NSNull)
            #expect(count(rows[0], "voluntarinessFollowUps") == 40)
            #expect(!response.body.string.contains("Öppen"))

            let viewer = Browser(app)
            try await viewer.signIn(own.viewer.email)
            let page = try await viewer.get("/statistics/national?year=\(indicators.lastYear)")
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("Grannkommun") && html.contains("<td>4,0</td>"))
            #expect(!html.contains("Tystkommun"))
            #expect(!html.contains("Öppen"))
            #expect(try await viewer.get("/statistics").body.string.contains(#"href="/statistics/national""#))

            #expect(try await api.send(.GET, "/api/v1/statistics/national?year=1999").status == .badRequest)
            #expect(try await viewer.get("/statistics/national?year=abc").status == .badRequest)
            let staff = Browser(app)
            try await staff.signIn(own.staffA.email)
            #expect(try await staff.get("/statistics/national").status == .forbidden)
        }
    }

    @Test("A small count is withheld in the comparison as in the open data, and no rate is given for it")
    func smallCounts() async throws {
        try await withSynlig { app in
            let indicators = OpenIndicatorsTests()
            let own = try await RecordWorld.make(app)
            try await indicators.register(app, own, women: 2, men: 1)
            let admin = try await currentUser(app, try await makeUser(app, in: own.organisation, email: "alva@0180.test.se", roles: [.admin]))
            try await StatisticsPopulationService.set(PopulationInput(adults: "5000", year: String(indicators.lastYear), source: "SCB"),
                                                      by: admin, on: app.db)
            let comparison = try await NationalComparison.make(year: indicators.lastYear, for: try own.organisation.requireID(), on: app.db)
            let row = try #require(comparison.rows.first)
            #expect(row.values?.caregiversKnown == .suppressed(.belowThreshold))
            #expect(row.perThousandAdults == nil && row.adults == 5000)
        }
    }
}
