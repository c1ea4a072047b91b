import Fluent
import SQLKit
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

@Suite("Register extract and the registry of personal data")
struct RegisterExtractTests {
    @Test("Every table is in the registry, as about people or not, and every column an extract shows has a name in Swedish and English")
    func everyTableIsRegistered() async throws {
        try await withSynlig { app in
            let sql = try #require(app.db as? any SQLDatabase)
            let tables = Set(try await DialectSQL.tables(on: sql))
            let aboutPeople = Set(PersonalDataRegistry.aboutPeople.map(\.name))
            let notAboutPeople = Set(PersonalDataRegistry.notAboutPeople.keys)
            // A new table fails here until someone decides whether the extract must read it.
            #expect(tables.subtracting(aboutPeople).subtracting(notAboutPeople).sorted() == [])
            #expect(aboutPeople.intersection(notAboutPeople).isEmpty)
            #expect(aboutPeople.union(notAboutPeople).subtracting(tables).sorted() == [])
            for table in PersonalDataRegistry.aboutPeople {
                let columns = try await DialectSQL.columns(of: table.name, on: sql).map(\.name)
                #expect(columns.contains("organisation_id"), "\(table.name) is read per organisation")
                for link in table.links {
                    let column: String = switch link {
                    case .caregiver(let name), .recipient(let name), .relationship(let name), .record(let name): name
                    }
                    #expect(columns.contains(column), "\(table.name).\(column)")
                }
                for language in ["sv", "en"] {
                    #expect(app.localizer.tables[language]?[table.titleKey] != nil, "\(table.titleKey) in \(language)")
                    for column in columns where !PersonalDataRegistry.technicalColumns.contains(column) {
                        #expect(app.localizer.tables[language]?["extract.column.\(column)"] != nil, "\(table.name).\(column) in \(language)")
                    }
                }
            }
        }
    }

    @Test("A caregiver's extract holds every stored row about them, from the page and as JSON, and nobody else's")
    func caregiverExtract() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let (caregiver, recipient, relationship) = try await world.pair(app, "Eva Extraktsson", caring: "Olle Extraktsson", in: world.unitA)
            let caregiverID = try caregiver.requireID()
            try await world.consent(app, relationship, [.healthCondition])
            _ = try await FollowUpService.addMemo(caregiverID: caregiverID, text: "Ring tillbaka om växelvård", by: world.consultant, on: app.db)
            _ = try await FollowUpService.addConversation(
                caregiverID: caregiverID, ConversationInput(heldOn: CalendarDate.today().iso, helpToCare: "Behöver avlösning på tisdagar"),
                by: world.consultant, on: app.db)
            let (other, _, _) = try await world.pair(app, "Bodil Annansson", caring: "Gustav Annansson", in: world.unitA)
            _ = try await FollowUpService.addMemo(caregiverID: try other.requireID(), text: "Annans anteckning", by: world.consultant, on: app.db)
            // A read of the record before the extract: the extract shows who has read it.
            let browser = Browser(app)
            try await browser.signIn("karin@0180.test.se")
            #expect(try await browser.get(SiteURL.caregiver(caregiverID).path).status == .ok)

            let page = try await browser.get(SiteURL.caregiverPart(caregiverID, .extract).path)
            #expect(page.status == .ok)
            let html = page.body.string
            for expected in ["Registerutdrag: Eva Extraktsson", "Ring tillbaka om växelvård", "Behöver avlösning på tisdagar",
                             "Olle Extraktsson", "Samtycken och menprövningar", "Vem som har läst uppgifterna",
                             "Sekretessprövas", "Test karin@0180.test.se"] {
                #expect(html.contains(expected), "the page shows \(expected)")
            }
            for unexpected in ["Bodil Annansson", "Annans anteckning", "extract.column.", "extract.table."] {
                #expect(!html.contains(unexpected), "the page does not show \(unexpected)")
            }

            let api = try await APIClient.signedIn(app, "karin@0180.test.se")
            let response = try await api.send(.GET, "/api/v1/caregivers/\(caregiverID.uuidString)/extract")
            #expect(response.status == .ok)
            let json = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
            let sections = try #require(json?["sections"] as? [[String: Any]])
            func rows(_ table: String) -> [[String: Any]] {
                sections.first { $0["table"] as? String == table }?["rows"] as? [[String: Any]] ?? []
            }
            #expect(rows("caregivers").first?["name"] as? String == "Eva Extraktsson")
            #expect(rows("memo_notes").map { $0["text"] as? String } == ["Ring tillbaka om växelvård"])
            #expect(rows("care_relationships").count == 1)
            #expect(response.body.string.contains(#""lives_together" : false"#), "a yes/no column is a JSON boolean on both databases")
            #expect(rows("consents").count == 1)
            #expect(rows("care_recipients").isEmpty, "the person cared for has their own extract")
            #expect(!rows("audit_events").isEmpty && !rows("access_log").isEmpty)
            let names = try #require(json?["names"] as? [String: String])
            #expect(names[try recipient.requireID().uuidString] == "Olle Extraktsson")
            #expect(!response.body.string.contains("Bodil") && !response.body.string.contains("Annans anteckning"))
        }
    }

    @Test("Making an extract is logged as a read and audited; only consultants make one, and only of their organisation's people")
    func extractIsLoggedAndGuarded() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let (caregiver, recipient, _) = try await world.pair(app, "Eva Extraktsson", caring: "Olle Extraktsson", in: world.unitA)
            let caregiverID = try caregiver.requireID(), recipientID = try recipient.requireID()
            let karin = try await APIClient.signedIn(app, "karin@0180.test.se")
            #expect(try await karin.send(.GET, "/api/v1/recipients/\(recipientID.uuidString)/extract").status == .ok)
            let reads = try await AccessLogEntry.query(on: app.db).filter(\.$recordID == recipientID).all()
            #expect(reads.contains { $0.via.contains("extract") })
            #expect(try await AccessLogEntry.query(on: app.db).filter(\.$recordID == caregiverID).all().contains { $0.via.contains("extract") },
                    "the caregiver named in the recipient's extract is logged as read too")
            #expect(try await auditActions(app).contains("register_extract.create"))

            // Staff of the unit see the record but may not take the whole organisation's data out.
            let pia = try await APIClient.signedIn(app, "pia@0180.test.se")
            #expect(try await pia.send(.GET, "/api/v1/caregivers/\(caregiverID.uuidString)/extract").status == .forbidden)
            let viewer = try await APIClient.signedIn(app, "per@0180.test.se")
            #expect(try await viewer.send(.GET, "/api/v1/caregivers/\(caregiverID.uuidString)/extract").status == .forbidden)
            // Another municipality's consultant finds no such person.
            let elsewhere = try await RecordWorld.make(app, name: "Annan kommun", code: "0181")
            _ = elsewhere
            let other = try await APIClient.signedIn(app, "karin@0181.test.se")
            #expect(try await other.send(.GET, "/api/v1/caregivers/\(caregiverID.uuidString)/extract").status == .notFound)
            #expect(try await other.send(.GET, "/api/v1/caregivers/not-an-id/extract").status == .notFound)
        }
    }

    @Test("A recipient's extract holds their own rows and the relationship, not the caregiver's notes")
    func recipientExtract() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let (caregiver, recipient, _) = try await world.pair(app, "Eva Extraktsson", caring: "Olle Extraktsson", in: world.unitA)
            _ = try await FollowUpService.addMemo(caregiverID: try caregiver.requireID(), text: "Den anhöriges anteckning", by: world.consultant, on: app.db)
            let browser = Browser(app)
            try await browser.signIn("karin@0180.test.se")
            let page = try await browser.get(SiteURL.recipientExtract(try recipient.requireID()).path)
            #expect(page.status == .ok)
            #expect(page.body.string.contains("Registerutdrag: Olle Extraktsson"))
            #expect(page.body.string.contains("Hemtjänst Norra"), "the unit serving the person, by name")
            #expect(!page.body.string.contains("Den anhöriges anteckning"))
        }
    }
}
