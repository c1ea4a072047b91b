import Fluent
import Foundation
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

/// The equity summary on a register whose answers are known: women are 60 % of those reached
/// but 65 % of the heaviest care; a fifth have a foreign background, against 27 % nationally.
@Suite("Statistics: the largest differences in who is reached")
struct StatisticsEquityTests {
    func register(_ app: Application, _ world: RecordWorld) async throws {
        // Registered a year ago: counts of people are placed by category only after a whole
        // quarter in which at least five came in (`StockSettlement`), never during the one running.
        let day = CalendarDate.today().addingDays(-366)
        let recipient = try await world.recipient(app, "Jämlik Närstående", units: [world.unitA])
        for index in 0..<30 {
            let woman = index < 18
            // 13 of the women and 7 of the men give 20–34 hours a week; the rest under 5.
            let heavy = woman ? index < 13 : index < 25
            let caregiver = try await CaregiverService.save(nil, CaregiverInput(
                name: "Jämlik \(index)", preferredLanguage: "sv", gender: (woman ? Gender.woman : .man).rawValue,
                foreignBackground: (index % 5 == 0 ? ForeignBackground.yes : .no).rawValue), by: world.consultant, on: app.db, today: day)
            _ = try await CaregiverService.saveRelationship(
                nil, caregiverID: caregiver.id, recipientID: recipient.id,
                RelationshipInput(relation: RelationKind.child.rawValue, livesTogether: false,
                                  hoursBand: (heavy ? HoursBand.from20to34 : .under5).rawValue, tasks: [], carriesCoordination: false),
                by: world.consultant, on: app.db, today: day)
        }
    }

    @Test("The page and the API state the differences with the known percentages, in the reader's language")
    func statedOnPageAndAPI() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            try await register(app, world)
            let viewer = Browser(app)
            try await viewer.signIn(world.viewer.email)
            let page = try await viewer.get("/statistics").body.string
            #expect(page.contains("Av de anhöriga som nås och vars kön är känt är 60 % kvinnor."))
            #expect(page.contains("där den anhörige ger 20 timmar eller mer i veckan är 65 % kvinnor"))
            #expect(page.contains("20 % av de anhöriga som nås och vars bakgrund är känd har utländsk bakgrund. I hela befolkningen är andelen 27 %"))

            var client = try await APIClient.signedIn(app, world.viewer.email)
            client.language = "en"
            let answer = try await client.send(.GET, "/api/v1/statistics")
            let equity = try answer.content.decode(API.StatisticsOut.self).equity
            #expect(equity.map(\.kind) == ["womenInHeavyCare", "foreignBackground"])
            #expect(equity.map(\.percentages) == [[60, 65], [20, 27]])
            #expect(equity.first?.text.hasPrefix("Of the family caregivers reached") == true)
        }
    }

    @Test("A unit too small to speak of shares says so instead of stating a difference")
    func smallUnitStatesNothing() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            try await register(app, world)
            let viewer = Browser(app)
            try await viewer.signIn(world.viewer.email)
            let page = try await viewer.get("/statistics?unit=\(try world.unitB.requireID().uuidString)").body.string
            #expect(page.contains("För den här perioden finns inga tydliga skillnader att visa"))
            #expect(!page.contains("% kvinnor"))
        }
    }
}
