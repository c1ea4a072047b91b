import Fluent
import Foundation
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

/// The caregiver indicators as open data in Kolada's shape: published only by an
/// administrator's choice, whole years, withheld where a count is small, and nothing else.
@Suite("Open data: caregiver indicators in the shape of Kolada")
struct OpenIndicatorsTests {
    let lastYear = CalendarDate.today().year - 1

    func register(_ app: Application, _ world: RecordWorld, women: Int, men: Int, year: Int? = nil) async throws {
        let day = try #require(CalendarDate("\(year ?? lastYear)-06-15"))
        for (gender, count) in [(Gender.woman, women), (.man, men)] {
            for index in 0..<count {
                let caregiver = try await CaregiverService.save(nil, CaregiverInput(name: "Öppen \(gender.rawValue) \(index)", preferredLanguage: "sv", gender: gender.rawValue),
                                                                by: world.consultant, on: app.db, today: day)
                _ = try await FollowUpService.recordVoluntariness(caregiverID: caregiver.requireID(), VoluntarinessInput(wantsToContinue: "yes", askedOn: day.iso),
                                                                  by: world.consultant, on: app.db, today: day)
            }
        }
    }

    func publish(_ app: Application, _ world: RecordWorld) async throws {
        let admin = try await currentUser(app, try await makeUser(app, in: world.organisation, email: "alva@0180.test.se", roles: [.admin]))
        try await StatisticsPublicationService.set(published: true, by: admin, on: app.db)
    }

    @Test("Nothing is published until an administrator chooses to; then the values are Kolada's shape with known answers")
    func publishedValues() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            try await register(app, world, women: 8, men: 7)
            let client = APIClient(app: app)
            #expect(try await client.send(.GET, "/api/v1/open-data/0180/indicators").status == .notFound)
            let before = try await client.send(.GET, "/api/v1/open-data/indicators")
            #expect(before.status == .ok)
            #expect(try before.content.decode(OpenIndicatorsController.Listing<OpenIndicatorRow>.self).count == 0)

            // The administrator publishes from the statistics page; a viewer may not.
            let viewer = Browser(app)
            try await viewer.signIn(world.viewer.email)
            #expect(try await viewer.get("/statistics").body.string.contains("statistics/publication") == false)
            #expect(try await viewer.post("/statistics/publication", form: [("publish", "1")]).status == .forbidden)
            let alva = try await makeUser(app, in: world.organisation, email: "alva@0180.test.se", roles: [.admin])
            let admin = Browser(app)
            try await admin.signIn(alva.email)
            try await admin.get("/statistics")
            let published = try await admin.post("/statistics/publication", form: [("publish", "1")])
            #expect(published.status == .seeOther, "\(published.status) \(published.body.string.prefix(300))")
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "statistics.publish").count() == 1)
            #expect(try await admin.get("/statistics").body.string.contains("/api/v1/open-data/0180/indicators"))

            let answer = try await client.send(.GET, "/api/v1/open-data/0180/indicators?year=\(lastYear)")
            #expect(answer.status == .ok)
            let rows = try answer.content.decode(OpenIndicatorsController.Listing<OpenIndicatorRow>.self).values
            let known = try #require(rows.first { $0.kpi == "SYN001" })
            #expect(known.municipality == "0180")
            #expect(known.period == lastYear)
            #expect(known.values.map(\.gender) == ["T", "K", "M"])
            #expect(known.values.map(\.value) == [15, 8, 7])
            #expect(known.values.allSatisfy { $0.status == "" && $0.count == 1 })
            #expect(rows.first { $0.kpi == "SYN002" }?.values.map(\.value) == [15])
            // No support began: zero is a count like any other.
            #expect(rows.first { $0.kpi == "SYN003" }?.values.map(\.value) == [0])

            // Every published year is there without ?year=, and the same values for all organisations.
            let all = try await client.send(.GET, "/api/v1/open-data/indicators")
            let everyone = try all.content.decode(OpenIndicatorsController.Listing<OpenIndicatorRow>.self).values
            // Years before anyone was registered are not published as zeros.
            #expect(Set(everyone.map(\.period)) == [lastYear])
            #expect(everyone.filter { $0.period == lastYear } == rows)

            // Withdrawing takes effect at once.
            #expect(try await admin.post("/statistics/publication", form: [("publish", "0")]).status == .seeOther)
            #expect(try await client.send(.GET, "/api/v1/open-data/0180/indicators").status == .notFound)
        }
    }

    @Test("Each year counts those known by its end and what happened in it: earlier years carry forward, events do not")
    func yearsAddUp() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            try await register(app, world, women: 6, men: 5, year: lastYear - 2)
            try await register(app, world, women: 7, men: 0, year: lastYear)
            try await publish(app, world)
            let answer = try await APIClient(app: app).send(.GET, "/api/v1/open-data/0180/indicators")
            let rows = try answer.content.decode(OpenIndicatorsController.Listing<OpenIndicatorRow>.self).values
            func values(_ kpi: String, _ year: Int) -> [Int?]? { rows.first { $0.kpi == kpi && $0.period == year }?.values.map(\.value) }
            #expect(values("SYN001", lastYear - 2) == [11, 6, 5])
            #expect(values("SYN001", lastYear - 1) == [11, 6, 5], "nobody new: the same people are known")
            #expect(values("SYN001", lastYear) == [18, 13, 5])
            #expect(values("SYN002", lastYear - 2) == [11])
            #expect(values("SYN002", lastYear - 1) == [0], "no follow-up held that year")
            #expect(values("SYN002", lastYear) == [7])
            // The years before the first registration are not published as zeros.
            #expect(values("SYN001", lastYear - 3) == nil)
        }
    }

    @Test("Small counts are withheld as null with status suppressed, and the raw JSON keeps the key")
    func smallCountsWithheld() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            // Four in all: below the threshold, so the total and both genders are withheld. (A
            // gender on its own is never small: below five it stays settled at 0, and the people
            // are in the rest, `StockSettlement`.)
            try await register(app, world, women: 3, men: 1)
            try await publish(app, world)
            let answer = try await APIClient(app: app).send(.GET, "/api/v1/open-data/0180/indicators?year=\(lastYear)")
            let rows = try answer.content.decode(OpenIndicatorsController.Listing<OpenIndicatorRow>.self).values
            let known = try #require(rows.first { $0.kpi == "SYN001" })
            for gender in ["T", "K", "M"] {
                let value = try #require(known.values.first { $0.gender == gender })
                #expect(value.value == nil && value.status == "suppressed" && value.count == 0, "\(gender)")
            }
            #expect(answer.body.string.contains(#""value":null"#))
        }
    }

    @Test("Years outside the last five whole ones are refused with a clear message; unknown organisations are 404")
    func badRequests() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            try await publish(app, world)
            let client = APIClient(app: app)
            let thisYear = CalendarDate.today().year
            for year in ["\(thisYear)", "\(thisYear - 6)", "förra", ""] where !year.isEmpty {
                let answer = try await client.send(.GET, "/api/v1/open-data/0180/indicators?year=\(year.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? "")")
                #expect(answer.status == .badRequest, "\(year)")
            }
            #expect(try await client.send(.GET, "/api/v1/open-data/9998/indicators").status == .notFound)
            #expect(try await client.send(.GET, "/api/v1/open-data/\(String(repeating: "9", count: 300))/indicators").status == .notFound)
        }
    }

    @Test("The CSV has the same values, a BOM and a header; the KPI list names every indicator in Swedish")
    func csvAndKPIList() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            try await register(app, world, women: 8, men: 7)
            try await publish(app, world)
            let client = APIClient(app: app)
            let csv = try await client.send(.GET, "/api/v1/open-data/0180/indicators.csv?year=\(lastYear)")
            #expect(csv.status == .ok)
            #expect(csv.headers.contentType?.subType == "csv")
            let text = csv.body.string
            #expect(text.hasPrefix("\u{FEFF}"))
            let lines = text.dropFirst().split(whereSeparator: \.isNewline).map(String.init)
            #expect(lines.first == #""kpi","municipality","period","gender","value","status""#)
            #expect(lines.contains(#""SYN001","0180","\#(lastYear)","K","8","""#))
            let kpis = try await client.send(.GET, "/api/v1/open-data/kpi")
            let list = try kpis.content.decode(OpenIndicatorsController.Listing<OpenIndicatorsController.KPI>.self)
            #expect(list.values.map(\.id) == OpenIndicator.allCases.map(\.rawValue))
            #expect(list.values.first?.title.contains("Anhöriga") == true)
            #expect(list.values.filter(\.is_divided_by_gender).map(\.id) == ["SYN001"])
        }
    }
}
