import Fluent
import Foundation
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

/// Reach against the adult population on a register whose answers are known: 24 caregivers in
/// a municipality of 1,600 adults, where one would expect 240 (15 %) and 80 of them (a third)
/// giving more than ten hours a week; 8 of the 24 do.
@Suite("Statistics: how many of the municipality's caregivers are reached")
struct StatisticsReachTests {
    func register(_ app: Application, _ world: RecordWorld) async throws {
        // Registered a year ago: counts of people are placed by category only after a whole
        // quarter in which at least five came in (`StockSettlement`), never during the one running.
        let day = CalendarDate.today().addingDays(-366)
        let recipient = try await world.recipient(app, "Räckvidd Närstående", units: [world.unitA])
        for index in 0..<24 {
            let caregiver = try await CaregiverService.save(nil, CaregiverInput(name: "Räckvidd \(index)", preferredLanguage: "sv"),
                                                            by: world.consultant, on: app.db, today: day)
            _ = try await CaregiverService.saveRelationship(
                nil, caregiverID: caregiver.id, recipientID: recipient.id,
                RelationshipInput(livesTogether: false, hoursBand: (index < 8 ? HoursBand.from20to34 : .under5).rawValue, tasks: [],
                                  carriesCoordination: false),
                by: world.consultant, on: app.db, today: day)
        }
    }

    @Test("An administrator enters the population through the page; refused entries say why and keep what was typed")
    func enterPopulation() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            try await register(app, world)
            let alva = try await makeUser(app, in: world.organisation, email: "alva@0180.test.se", roles: [.admin])
            let admin = Browser(app)
            try await admin.signIn(alva.email)
            let before = try await admin.get("/statistics").body.string
            #expect(before.contains("Ange hur många vuxna som bor i kommunen"))

            let refused = try await admin.post("/statistics/population", form: [("adults", "många"), ("year", "1990"), ("source", "")])
            #expect(refused.status == .unprocessableEntity)
            let page = refused.body.string
            #expect(page.contains("Skriv antalet vuxna invånare som en siffra"))
            #expect(page.contains("Skriv året som siffrorna gäller"))
            #expect(page.contains(#"value="många""#))
            #expect(try await StatisticsPopulation.query(on: app.db).count() == 0)

            try await admin.get("/statistics")
            #expect(try await admin.post("/statistics/population", form: [("adults", "1 600"), ("year", "2025"), ("source", "SCB")]).status == .seeOther)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "statistics.population.update").count() == 1)
            let shown = try await admin.get("/statistics").body.string
            #expect(shown.contains("<dt>Vuxna invånare</dt><dd>1\u{00A0}600 (SCB, 2025)</dd>"))
            #expect(shown.contains("<dt>Kända anhöriga per 1 000 vuxna</dt><dd>15,0</dd>"))
            #expect(shown.contains("<dt>Uppskattat antal anhöriga (15 % av de vuxna)</dt><dd>240</dd>"))
            #expect(shown.contains("<dt>Andel av dem som kommunen känner till</dt><dd>10 %</dd>"))
            #expect(shown.contains("<dt>Kända anhöriga som ger mer än tio timmar i veckan</dt><dd>8</dd>"))

            // Others read it but may not change it; a unit's page does not pretend to a population.
            let viewer = Browser(app)
            try await viewer.signIn(world.viewer.email)
            let read = try await viewer.get("/statistics").body.string
            #expect(read.contains("<dd>240</dd>") && !read.contains("statistics/population"))
            #expect(try await viewer.post("/statistics/population", form: [("adults", "9"), ("year", "2025"), ("source", "x")]).status == .forbidden)
            let unit = try await viewer.get("/statistics?unit=\(try world.unitA.requireID().uuidString)").body.string
            #expect(unit.contains("visas för hela organisationen") && !unit.contains("<dd>240</dd>"))

            let api = try await APIClient.signedIn(app, world.viewer.email)
            let reach = try #require(try await api.send(.GET, "/api/v1/statistics").content.decode(API.StatisticsOut.self).reach)
            #expect(reach.adults == 1600 && reach.estimatedCaregivers == 240 && reach.estimatedMoreThanTenHours == 80)
            #expect(reach.identifiedShare == 0.1 && reach.moreThanTenHoursShare == 0.1 && reach.perThousandAdults == 15)
            #expect(reach.identifiedMoreThanTenHours.count == 8)
        }
    }
}
