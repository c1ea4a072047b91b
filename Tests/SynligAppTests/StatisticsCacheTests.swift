import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import SynligCore
import Testing
import Vapor
@testable import SynligApp

/// The statistics' counts are computed once and kept while nothing is written (issue 11); any
/// audited write, through this instance or any other sharing the database, is counted at once.
@Suite("Statistics kept until the record changes")
struct StatisticsCacheTests {
    static func identified(_ api: APIClient, _ year: Int) async throws -> Int? {
        let response = try await api.send(.GET, "/api/v1/statistics?period=\(year)")
        #expect(response.status == .ok)
        let json = try JSONSerialization.jsonObject(with: Data(response.body.string.utf8)) as? [String: Any]
        return (json?["identified"] as? [String: Any])?["count"] as? Int
    }

    @Test("Counted once while nothing is written; an audited write anywhere is counted on the next view, on page and API")
    func keptUntilWritten() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let year = CalendarDate.today().year
            for index in 0..<6 { try await world.register(app, "Statistikperson \(index)") }
            let api = try await APIClient.signedIn(app, world.strategist.email)
            #expect(try await Self.identified(api, year) == 6)
            #expect(app.statisticsCache.keptCount == 1)

            // A change that bypasses the audit trail (only a database administrator could make one)
            // is not seen: the second view is served from memory, which is what makes it fast.
            let sql = try #require(app.db as? any SQLDatabase)
            try await sql.raw("UPDATE caregivers SET registered_on = '2199-01-01' WHERE name = 'Statistikperson 0'").run()
            #expect(try await Self.identified(api, year) == 6)

            // Any audited write moves the chain's head, as one on another instance would: the next
            // view counts again, and sees both changes.
            try await world.register(app, "Statistikperson 6")
            #expect(try await Self.identified(api, year) == 6, "one moved out of the period, one registered")
            let browser = Browser(app)
            try await browser.signIn(world.strategist.email)
            #expect(try await browser.get("/statistics?period=\(year)").status == .ok)
            try await AuditTrail.transaction(on: app.db, actor: .system) { tx, audit in
                try await (tx as! any SQLDatabase).raw("UPDATE caregivers SET registered_on = '2199-01-01' WHERE name = 'Statistikperson 1'").run()
                audit.record("test.change", "caregiver", id: nil, organisation: try world.organisation.requireID())
            }
            #expect(try await Self.identified(api, year) == 5)
        }
    }

    @Test("Signing in and out is not a change to the record: the kept counts are served; a record change is counted")
    func signInsKeepTheCounts() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let year = CalendarDate.today().year
            for index in 0..<5 { try await world.register(app, "Statistikperson \(index)") }
            let api = try await APIClient.signedIn(app, world.strategist.email)
            #expect(try await Self.identified(api, year) == 5)
            let sql = try #require(app.db as? any SQLDatabase)
            // Bypassing the audit shows whether the next view is computed or served from memory.
            try await sql.raw("UPDATE caregivers SET registered_on = '2199-01-01' WHERE name = 'Statistikperson 0'").run()

            // A morning of sign-ins, on the page and through the API, and a sign-out: all audited.
            let before = try #require(try await AuditChainHead.find(1, on: app.db))
            let browser = Browser(app)
            try await browser.signIn(world.consultant.email)
            try await browser.get("/")
            #expect(try await browser.post("/logout", form: []).status == .seeOther)
            _ = try await APIClient.signedIn(app, world.viewer.email)
            let after = try #require(try await AuditChainHead.find(1, on: app.db))
            #expect(after.sequence > before.sequence, "the sign-ins are in the audit trail")
            #expect(try await Self.identified(api, year) == 5, "served from memory: nothing in the record changed")

            // A change to the record is counted at once, with the one made behind the audit's back.
            try await world.register(app, "Statistikperson 5")
            #expect(try await Self.identified(api, year) == 5, "one moved out of the period, one registered")
        }
    }

    @Test("Each period and cross table is kept apart, and another organisation's are never served")
    func keysKeptApart() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let other = try await RecordWorld.make(app, name: "Annan kommun", code: "0181")
            let year = CalendarDate.today().year
            for index in 0..<5 { try await world.register(app, "Statistikperson \(index)") }
            for index in 0..<7 { try await other.register(app, "Annan person \(index)") }
            let ours = try await APIClient.signedIn(app, world.strategist.email)
            let theirs = try await APIClient.signedIn(app, other.strategist.email)
            #expect(try await Self.identified(ours, year) == 5)
            #expect(try await Self.identified(theirs, year) == 7)
            let previous = try await Self.identified(ours, year - 1)
            #expect(previous == nil || previous == 0)
            let crossed = try await ours.send(.GET, "/api/v1/statistics?period=\(year)&rows=ageBand&columns=relation")
            #expect(crossed.status == .ok)
            #expect(app.statisticsCache.keptCount == 4)
        }
    }

    @Test("Viewers asking for the same figures at once share one computation")
    func oneComputationForManyViewers() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let scope = StatisticsScope(organisationID: try world.organisation.requireID(), unitID: nil,
                                        period: try #require(StatisticsPeriod.year(CalendarDate.today().year)))
            let key = StatisticsCache.Key(scope, cross: .genderByHours, today: .today())
            let computed = NIOLockedValueBox(0)
            let cache = app.statisticsCache
            let db = app.db
            let results = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        try await cache.counts(key, on: db) {
                            computed.withLockedValue { $0 += 1 }
                            try await Task.sleep(for: .milliseconds(200))
                            return try await StatisticsService.counts(scope, on: db)
                        }.caregivers.reduce(0, +)
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(results.count == 8 && Set(results) == [0])
            #expect(computed.withLockedValue { $0 } == 1, "eight viewers, one computation")
            // A write moves the head: the next viewer computes again, once.
            try await world.register(app, "Ny person")
            let after = try await cache.counts(key, on: db) {
                computed.withLockedValue { $0 += 1 }
                return try await StatisticsService.counts(scope, on: db)
            }
            #expect(after.caregivers.reduce(0, +) == 1)
            #expect(computed.withLockedValue { $0 } == 2)
        }
    }
}
