import Fluent
import Foundation
import SQLKit
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

/// A relationship's hours band, tasks and coordinated contacts are kept over time: each edit that
/// changes them ends one state and begins the next, the page, the API and the register extract
/// show the history, and the statistics count the band in force at a period's end.
@Suite("The history of a care relationship")
struct RelationshipHistoryTests {
    func edit(_ app: Application, _ world: RecordWorld, _ relationship: CareRelationship, hours: HoursBand,
              tasks: [CareTask] = [.practicalHelp], contacts: [String] = [], livesTogether: Bool = false,
              on day: String) async throws -> CareRelationship {
        let current = try #require(try await CareRelationship.find(relationship.requireID(), on: app.db))
        return try await CaregiverService.saveRelationship(
            try relationship.requireID(), caregiverID: nil, recipientID: nil,
            RelationshipInput(relation: RelationKind.parent.rawValue, livesTogether: livesTogether, hoursBand: hours.rawValue,
                              tasks: tasks.map(\.rawValue), coordinatedContacts: contacts.joined(separator: "\n"),
                              carriesCoordination: false, version: current.version),
            by: world.consultant, on: app.db, today: try #require(CalendarDate(day)))
    }

    func states(_ app: Application, _ relationship: CareRelationship) async throws -> [CareRelationshipState] {
        try await RelationshipHistory.states(of: [relationship.requireID()], organisationID: relationship.organisationID, on: app.db)
    }

    @Test("Two edits leave three states that tile time, each with who changed it; an edit of other fields adds none")
    func historyKeptThroughEdits() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let caregiver = try await world.register(app, "Lena Nilsson", today: CalendarDate(year: 2025, month: 1, day: 10))
            let recipient = try await world.recipient(app, "Gösta Nilsson", units: [world.unitA])
            let relationship = try await world.link(app, caregiver, recipient, today: CalendarDate(year: 2025, month: 1, day: 10))
            _ = try await edit(app, world, relationship, hours: .from20to34, tasks: [.practicalHelp, .personalCare], on: "2025-06-01")
            // Only whether they live together: not part of the history.
            _ = try await edit(app, world, relationship, hours: .from20to34, tasks: [.practicalHelp, .personalCare], livesTogether: true,
                               on: "2025-07-01")
            _ = try await edit(app, world, relationship, hours: .from35to49, tasks: [.practicalHelp, .personalCare],
                               contacts: ["Vårdcentralen", "Hemtjänsten"], on: "2026-02-01")

            let history = try await states(app, relationship)
            #expect(history.map(\.validFrom) == [nil, "2025-06-01", "2026-02-01"])
            #expect(history.map(\.validTo) == ["2025-06-01", "2026-02-01", nil])
            #expect(history.map(\.hoursBand) == [.from10to19, .from20to34, .from35to49])
            #expect(history.map(\.tasks) == [[.practicalHelp], [.practicalHelp, .personalCare], [.practicalHelp, .personalCare]])
            #expect(history.last?.coordinatedContacts == ["Vårdcentralen", "Hemtjänsten"])
            #expect(history.allSatisfy { $0.changedBy == world.consultant.id })
            #expect(try await auditActions(app).filter { $0 == "relationship.update" }.count == 3)
        }
    }

    @Test("Statistics count the hours band in force at the period's end, from the history")
    func statisticsAsOfPeriodEnd() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let start = CalendarDate(year: 2025, month: 3, day: 1)
            // Five, so the band's count is settled and shown (`StockSettlement`).
            for name in ["Lena", "Olle", "Kim", "Sara", "Per"] {
                let caregiver = try await world.register(app, "\(name) Nilsson", today: start)
                let recipient = try await world.recipient(app, "Gösta \(name)", units: [world.unitA])
                let relationship = try await world.link(app, caregiver, recipient, today: start)
                _ = try await edit(app, world, relationship, hours: .from35to49, on: "2026-02-01")
            }

            let sql = try #require(app.db as? any SQLDatabase)
            let organisationID = try world.organisation.requireID()
            let units = try await StatisticsService.unitRows(organisationID, on: app.db)
            func bands(_ period: String) async throws -> [String: Int] {
                let scope = StatisticsScope(organisationID: organisationID, unitID: nil, period: try #require(StatisticsPeriod(period)))
                let table = try await StatisticsService.breakdownCounts(.hoursBand, scope, units: units, on: sql)
                let categories = StatisticsDimension.hoursBand.categories
                return Dictionary(uniqueKeysWithValues: categories.indices.map { column in (categories[column], table.reduce(0) { $0 + $1[column] }) })
                    .filter { $0.value > 0 }
            }
            #expect(try await bands("2025") == ["from10to19": 5])
            #expect(try await bands("2026-Q1") == ["from35to49": 5])
            // The last day of January is still the old band; the change counts from its own day.
            #expect(try await bands("2025-Q4") == ["from10to19": 5])
            #expect(try await StatisticsService.counts(StatisticsScope(organisationID: organisationID, unitID: nil,
                                                                       period: try #require(StatisticsPeriod("2025"))), on: app.db)
                .moreThanTenHours == 5)
        }
    }

    @Test("The edit form as a browser submits it starts a new state; the page, the API and the register extract show the history")
    func historyOnPageAPIAndExtract() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let (caregiver, _, relationship) = try await world.pair(app, "Lena Nilsson", caring: "Gösta Nilsson", in: world.unitA)
            let id = try relationship.requireID()
            let browser = Browser(app)
            try await browser.signIn("karin@0180.test.se")
            let saved = try await browser.submitForm(on: SiteURL.relationshipPart(id, .edit).path, typing: [("hoursBand", HoursBand.from35to49.rawValue)])
            #expect(saved.status == .seeOther, "\(saved.body.string.prefix(400))")

            let page = try await browser.get(SiteURL.relationship(id).path).body.string
            #expect(page.contains("Så har hjälpen förändrats över tid"))
            #expect(page.contains("Från start (registrerad"))
            let history = try await states(app, relationship)
            #expect(history.map(\.hoursBand) == [.from10to19, .from35to49])
            #expect(history.last?.validFrom == CalendarDate.today().iso)

            let api = try await APIClient.signedIn(app, "karin@0180.test.se")
            let record = try await api.send(.GET, "/api/v1/caregivers/\(try caregiver.requireID())")
            #expect(record.status == .ok)
            let out = try record.decoded(API.CaregiverOut.self)
            #expect(out.relationships.first?.history.map(\.hoursBand) == [.from10to19, .from35to49])
            #expect(out.relationships.first?.history.first?.validFrom == nil)
            #expect(out.relationships.first?.history.last?.changedByUserId == world.consultant.id)

            let extract = try await RegisterExtractService.make(.caregiver, id: try caregiver.requireID(),
                                                                organisationID: try world.organisation.requireID(), on: app.db)
            let section = try #require(extract.sections.first { $0.table == "care_relationship_states" })
            #expect(section.rows.count == 2)
            #expect(section.rows.compactMap { if case .text(let band)? = $0["hours_band"] { band } else { nil } }.sorted()
                == ["from10to19", "from35to49"])
        }
    }

    @Test("Erasing a caregiver's file removes the relationship's history with it")
    func erasedWithTheFile() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let (caregiver, _, relationship) = try await world.pair(app, "Lena Nilsson", caring: "Gösta Nilsson", in: world.unitA)
            _ = try await edit(app, world, relationship, hours: .from50, on: CalendarDate.today().iso)
            #expect(try await CareRelationshipState.query(on: app.db).count() == 2)
            try await FileRetentionService.erase(caregivers: [caregiver.requireID()], on: try #require(app.db as? any SQLDatabase))
            #expect(try await CareRelationshipState.query(on: app.db).count() == 0)
            #expect(try await CareRelationship.query(on: app.db).count() == 0)
        }
    }
}
