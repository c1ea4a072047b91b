import Foundation
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

/// Outcome follow-up on a register whose answers are known: strain before support began and in
/// the year after, beside those who asked and were not offered it.
@Suite("Statistics: the year after support began")
struct StatisticsOutcomeTests {
    /// A strain screening with a given level on a given day (the arrangement; the instrument's scoring has its own tests).
    func screened(_ app: Application, _ world: RecordWorld, _ caregiver: Caregiver, _ level: ScreeningLevel, on day: String) async throws {
        let result = ScreeningResult()
        result.organisationID = try world.organisation.requireID()
        result.caregiverID = try caregiver.requireID()
        result.instrumentID = "test"
        result.instrumentVersion = 1
        result.answersJSON = "{}"
        result.score = level.rank
        result.level = level
        result.screenedOn = day
        result.authorID = world.consultant.id
        try await result.create(on: app.db)
    }

    func support(_ app: Application, _ world: RecordWorld, _ caregiver: Caregiver, _ status: SupportStatus,
                 requested: String, started: String? = nil) async throws {
        _ = try await FollowUpService.saveSupport(nil, caregiverID: try caregiver.requireID(), SupportInput(
            needKind: SupportNeedKind.respiteAtHome.rawValue, decision: SupportDecision.serviceSupport.rawValue, status: status.rawValue,
            requestedOn: requested, offeredOn: started, startedOn: started), by: world.consultant, on: app.db)
    }

    @Test("Respite begun: five better, five not screened again; asked and not offered: five unchanged")
    func respite() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let tests = StatisticsTests()
            var given: [Caregiver] = [], refused: [Caregiver] = []
            for index in 0..<10 { given.append(try await tests.caregiver(app, world, "Utfall G\(index)", on: "2025-06-01", gender: .woman)) }
            for index in 0..<5 { refused.append(try await tests.caregiver(app, world, "Utfall R\(index)", on: "2025-06-01", gender: .man)) }
            for (index, caregiver) in given.enumerated() {
                try await screened(app, world, caregiver, .high, on: "2026-01-15")
                try await support(app, world, caregiver, .given, requested: "2026-02-01", started: "2026-03-01")
                // Half are screened again within the year: low. A screening after the year does not count.
                if index < 5 { try await screened(app, world, caregiver, .low, on: "2026-09-01") }
                else { try await screened(app, world, caregiver, .low, on: "2027-03-02") }
            }
            for caregiver in refused {
                try await screened(app, world, caregiver, .raised, on: "2026-01-10")
                try await support(app, world, caregiver, .notOffered, requested: "2026-02-01")
                try await screened(app, world, caregiver, .raised, on: "2026-10-01")
            }
            let report = try await tests.report(app, world, "2026")
            func row(_ measure: OutcomeStatistics.Measure, _ group: OutcomeStatistics.Group) -> StatisticsReport.Outcome? {
                report.outcomes.first { $0.measure == measure && $0.group == group && $0.kind == SupportNeedKind.respiteAtHome.rawValue }
            }
            let strain = try #require(row(.strain, .given))
            #expect(strain.total == .count(10))
            #expect(strain.changes == [.count(5), .count(0), .count(0), .count(5)])
            let comparison = try #require(row(.strain, .notOffered))
            #expect(comparison.total == .count(5))
            #expect(comparison.changes == [.count(0), .count(5), .count(0), .count(0)])
            // Nobody's voluntariness was followed up: all "no follow-up to compare".
            #expect(row(.voluntariness, .given)?.changes == [.count(0), .count(0), .count(0), .count(10)])

            let viewer = Browser(app)
            try await viewer.signIn(world.viewer.email)
            let html = try await viewer.get("/statistics?period=2026").body.string
            #expect(html.contains("Året efter att stödet började"))
            #expect(html.contains("visar inte att stödet var orsaken"))
            #expect(html.contains("Avlösning i hemmet – fick stödet"))
            let api = try await APIClient.signedIn(app, world.viewer.email)
            let body = try await api.send(.GET, "/api/v1/statistics?period=2026").body.string
            let json = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
            let outcomes = try #require(json["outcomes"] as? [[String: Any]])
            let strainGiven = try #require(outcomes.first { $0["measure"] as? String == "strain" && $0["group"] as? String == "given" })
            #expect((strainGiven["improved"] as? [String: Any])?["count"] as? Int == 5)
            // A unit shows none: a unit's outcome table would be the organisation's minus the others'.
            let unit = try await tests.report(app, world, "2026", unit: world.unitA)
            #expect(unit.outcomes.isEmpty)
        }
    }
}
