import Fluent
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

    @Test("A national statistics reader, granted from the command line, compares every organisation, withheld the same way; revoking takes it back")
    func nationalReaderSeesEveryOrganisation() async throws {
        try await withSynlig { app in
            let indicators = OpenIndicatorsTests()
            let own = try await RecordWorld.make(app)
            try await indicators.register(app, own, women: 12, men: 8)
            let neighbour = try await RecordWorld.make(app, name: "Grannkommun", code: "0181")
            try await indicators.register(app, neighbour, women: 30, men: 10)
            let admin = try await currentUser(app, try await makeUser(app, in: neighbour.organisation, email: "alva@0181.test.se", roles: [.admin]))
            try await StatisticsPublicationService.set(published: true, by: admin, on: app.db)
            let quiet = try await RecordWorld.make(app, name: "Tystkommun", code: "0182")
            try await indicators.register(app, quiet, women: 6, men: 2)
            let year = indicators.lastYear
            func names(_ response: TestingHTTPResponse) throws -> [String] {
                let json = try #require(try JSONSerialization.jsonObject(with: Data(response.body.string.utf8)) as? [String: Any])
                return (json["organisations"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            }

            try await runCommand(app, "national-statistics", "grant", "--email", own.viewer.email.uppercased())
            let api = try await APIClient.signedIn(app, own.viewer.email)
            let every = try await api.send(.GET, "/api/v1/statistics/national?year=\(year)")
            #expect(every.status == .ok)
            #expect(try names(every) == ["Grannkommun", "Testkommun", "Tystkommun"])
            #expect(every.body.string.contains(#""coverage":"every""#))
            // Tystkommun's two men are protected exactly as if it published: fewer than the
            // threshold, "men" stays settled at 0 and the two are in the rest (8 − 6 − 0).
            let json = try #require(try JSONSerialization.jsonObject(with: Data(every.body.string.utf8)) as? [String: Any])
            let quietRow = try #require((json["organisations"] as? [[String: Any]])?.last)
            #expect((quietRow["men"] as? [String: Any])?["count"] as? Int == 0)
            #expect((quietRow["women"] as? [String: Any])?["count"] as? Int == 6)
            #expect((quietRow["caregiversKnown"] as? [String: Any])?["count"] as? Int == 8)
            let viewer = Browser(app)
            try await viewer.signIn(own.viewer.email)
            let page = try await viewer.get("/statistics/national?year=\(year)").body.string
            #expect(page.contains("Tystkommun") && page.contains("behörighet för nationell statistik"))
            let granted = try await AuditEvent.query(on: app.db).filter(\.$action == "statistics.national_grant").count()
            #expect(granted == 1)

            // A colleague without the grant, and the same reader after revoking, see the publishers and their own.
            let colleague = try await APIClient.signedIn(app, own.consultant.email)
            let publishing = try await colleague.send(.GET, "/api/v1/statistics/national?year=\(year)")
            #expect(try names(publishing) == ["Grannkommun", "Testkommun"])
            #expect(publishing.body.string.contains(#""coverage":"publishing""#))
            try await runCommand(app, "national-statistics", "revoke", "--email", own.viewer.email)
            #expect(try names(try await api.send(.GET, "/api/v1/statistics/national?year=\(year)")) == ["Grannkommun", "Testkommun"])
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "statistics.national_revoke").count() == 1)

            // Only the operator gives it: an unknown or inactive account is refused with a message.
            await #expect(throws: NationalStatisticsCommand.Failure.self) {
                try await runCommand(app, "national-statistics", "grant", "--email", "nobody@test.se")
            }
        }
    }

    @Test("An administrator sets the population and publishes through the API, as on the page; others read the settings only")
    func settingsThroughTheAPI() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            _ = try await makeUser(app, in: world.organisation, email: "alva@0180.test.se", roles: [.admin])
            let admin = try await APIClient.signedIn(app, "alva@0180.test.se")
            let viewer = try await APIClient.signedIn(app, world.viewer.email)
            let year = OpenIndicatorsTests().lastYear
            let empty = try await viewer.send(.GET, "/api/v1/statistics/settings")
            #expect(empty.status == .ok)
            #expect(empty.body.string.contains(#""population":null"#), "\(empty.body.string)")

            let set = try await admin.send(.PUT, "/api/v1/statistics/population", json: #"{"adults": 12500, "year": \#(year), "source": "SCB"}"#)
            #expect(set.status == .ok, "\(set.body.string)")
            let settings = try await viewer.send(.GET, "/api/v1/statistics/settings").decoded(API.StatisticsSettingsOut.self)
            #expect(settings.population?.adults == 12500 && settings.population?.source == "SCB" && !settings.published)

            let bad = try await admin.send(.PUT, "/api/v1/statistics/population", json: #"{"adults": 0, "year": 1990, "source": ""}"#)
            #expect(bad.status == .unprocessableEntity)
            #expect(Set(bad.fieldProblems.keys) == ["adults", "year", "source"])
            #expect(try await admin.send(.PUT, "/api/v1/statistics/population", json: #"{"adults": 5, "year": \#(year), "source": "SCB", "x": 1}"#).status == .badRequest)
            #expect(try await viewer.send(.PUT, "/api/v1/statistics/population", json: #"{"adults": 1, "year": \#(year), "source": "SCB"}"#).status == .forbidden)
            #expect(try await StatisticsPopulationService.current(try world.organisation.requireID(), on: app.db)?.adults == 12500, "nothing refused was saved")

            // Publishing opens the organisation's open data at once; withdrawing closes it.
            let open = APIClient(app: app)
            #expect(try await open.send(.GET, "/api/v1/open-data/0180/indicators").status == .notFound)
            #expect(try await viewer.send(.PUT, "/api/v1/statistics/publication", json: #"{"published": true}"#).status == .forbidden)
            let published = try await admin.send(.PUT, "/api/v1/statistics/publication", json: #"{"published": true}"#)
            #expect(try published.decoded(API.StatisticsSettingsOut.self).published)
            #expect(try await open.send(.GET, "/api/v1/open-data/0180/indicators").status == .ok)
            _ = try await admin.send(.PUT, "/api/v1/statistics/publication", json: #"{"published": false}"#)
            #expect(try await open.send(.GET, "/api/v1/open-data/0180/indicators").status == .notFound)
        }
    }

    @Test("Many organisations counted in one query each get what they would alone: units and 'no unit' never mix between them")
    func batchedEqualsAlone() async throws {
        try await withSynlig { app in
            let year = OpenIndicatorsTests().lastYear
            let day = try #require(CalendarDate("\(year)-05-10"))
            // Each organisation has caregivers in a unit and without one, in sizes where what is
            // withheld differs, so rows taken from the wrong organisation would change a value.
            let worlds = [try await RecordWorld.make(app), try await RecordWorld.make(app, name: "Grannkommun", code: "0181"),
                          try await RecordWorld.make(app, name: "Tomkommun", code: "0182")]
            for (world, (inUnit, noUnit)) in zip(worlds, [(7, 2), (3, 9), (0, 0)]) {
                for index in 0..<(inUnit + noUnit) {
                    let unit = index < inUnit ? try world.unitA.requireID().uuidString : nil
                    let caregiver = try await CaregiverService.save(nil, CaregiverInput(name: "Batch \(index)", preferredLanguage: "sv",
                                                                                       gender: index.isMultiple(of: 2) ? "woman" : "man", unitId: unit),
                                                                    by: world.consultant, on: app.db, today: day)
                    _ = try await FollowUpService.recordVoluntariness(caregiverID: caregiver.requireID(), VoluntarinessInput(wantsToContinue: "yes", askedOn: day.iso),
                                                                      by: world.consultant, on: app.db, today: day)
                }
            }
            let ids = try worlds.map { try $0.organisation.requireID() }
            let together = try await OpenIndicators.values(organisations: ids, year: year, on: app.db)
            for id in ids {
                let alone = try await OpenIndicators.values(organisations: [id], year: year, on: app.db)[id]
                #expect(together[id] == alone, "\(id)")
            }
            #expect(ids.map { together[$0]?.known } == [9, 12, 0])
            #expect(together[ids[1]]?.caregiversKnown == .count(12))
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
