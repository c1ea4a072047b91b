import Fluent
import Foundation
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

@Suite("Crisis list: who is on it, what it shows, who may see it")
struct CrisisListPageTests {
    @Test("The consultant's list shows the caregivers to reach with phone, address, needs and plans; restricted and non-consenting caregivers say 'contact through the unit only'; others are left out")
    func whoIsOnTheList() async throws {
        try await withSynlig { app in
            let crisis = try await CrisisWorld.make(app)
            let browser = Browser(app)
            try await browser.signIn("karin@0180.test.se")
            let page = try await browser.get("/crisis")
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("Anna Åberg") && html.contains("Sven Åberg"))
            #expect(html.contains(CrisisWorld.annaPhone))
            #expect(html.contains(#"href="tel:+46701111111""#))
            #expect(html.contains("Storgatan 1, Norrby"), "lives together: the caregiver's address is where the care is given")
            #expect(html.contains("Ring hemtjänstens larmnummer") && html.contains("Korttidsboende om Anna blir sjuk."))
            #expect(html.contains("Personlig omvårdnad"))

            #expect(html.contains("Bo Ek") && html.contains("Cia Lund"), "restricted and non-consenting caregivers are on the list")
            #expect(html.components(separatedBy: "Kontakt endast via enheten").count - 1 >= 2)
            for secret in CrisisWorld.boPhoneForms + CrisisWorld.ciaPhoneForms + [CrisisWorld.boAddress, CrisisWorld.boPlan, "Lundvägen 3"] {
                #expect(!html.contains(secret), "\(secret)")
            }
            #expect(!html.contains("Eva Papper"), "paperwork a few hours a week is not on the list")
            #expect(!html.contains("Frida Främling") && !html.contains("Fritz Främling"), "another municipality's people never")

            // By area, then priority: Hemtjänst Norra's Anna (1) and Bo (1) before Socialpsykiatri's Cia (2).
            let list = String(html[(html.range(of: #"class="crisis-area""#)?.lowerBound ?? html.endIndex)...])
            let order = ["Hemtjänst Norra", "Anna Åberg", "Bo Ek", "Socialpsykiatri", "Cia Lund"].compactMap { list.range(of: $0)?.lowerBound }
            #expect(order.count == 5)
            #expect(zip(order, order.dropFirst()).allSatisfy { $0 < $1 }, "sorted by area and priority")
            #expect(html.contains("<caption") && html.contains(#"<th scope="col""#) && html.contains(#"<th scope="row">"#))
            #expect(html.contains(CrisisList.seedQuote))
            #expect(!html.contains(" style=") && !html.contains("<script"))
        }
    }

    @Test("A restriction in a relationship not on the list still withholds the caregiver's contact; names run in Swedish order")
    func restrictionElsewhereAndOrder() async throws {
        try await withSynlig { app in
            let crisis = try await CrisisWorld.make(app)
            let world = crisis.world
            // Greta's care of Hugo puts her on the list, with consent; her paperwork for Ines does
            // not, but that relationship is restricted, and so her phone is shown nowhere.
            let (greta, _, hugoLink) = try await CrisisWorld.person(app, world, "Greta Grann", phone: "070-777 77 77", address: "Grannvägen 2",
                                                                    caring: "Hugo Grann", in: world.unitB, together: true, .from20to34, [.personalCare])
            try await world.consent(app, hugoLink, ConsentCategory.allCases)
            let ines = try await world.recipient(app, "Ines Grann", units: [world.unitB])
            let inesLink = try await CaregiverService.saveRelationship(
                nil, caregiverID: greta.id, recipientID: ines.id,
                RelationshipInput(relation: RelationKind.parent.rawValue, livesTogether: false, hoursBand: HoursBand.under5.rawValue,
                                  tasks: [CareTask.economicAdministrative.rawValue], coordinatedContacts: "", carriesCoordination: false),
                by: world.consultant, on: app.db)
            _ = try await world.restrict(app, inesLink, by: world.consultant)
            // Two more in the same area and priority as Greta: Z before Å, as a Swedish list runs.
            for (name, person) in [("Åsa Önnestad", "Örjan Önnestad"), ("Zara Wik", "Ulf Wik")] {
                let (_, _, link) = try await CrisisWorld.person(app, world, name, phone: "070-888 88 88", address: "Vägen 1",
                                                                caring: person, in: world.unitB, together: true, .from20to34, [.personalCare])
                try await world.consent(app, link, ConsentCategory.allCases)
            }
            let browser = Browser(app)
            try await browser.signIn("karin@0180.test.se")
            let html = try await browser.get("/crisis?unit=\(try world.unitB.requireID())").body.string
            #expect(html.contains("Greta Grann") && !html.contains("Ines Grann"), "the paperwork is not on the list")
            #expect(!html.contains("070-777 77 77") && !html.contains("Grannvägen 2"), "the restriction elsewhere withholds her contact")
            let order = ["Greta Grann", "Zara Wik", "Åsa Önnestad"].compactMap { html.range(of: $0)?.lowerBound }
            #expect(order.count == 3 && zip(order, order.dropFirst()).allSatisfy { $0 < $1 }, "G, Z, Å")
            // The printed list, which reads everyone, holds to the same rule.
            let printed = try await browser.get("/crisis/print?unit=\(try world.unitB.requireID())").body.string
            #expect(printed.contains("Greta Grann") && !printed.contains("070-777 77 77"))
        }
    }

    @Test("The unit filter narrows the list; a unit that is not the organisation's is a clear 400")
    func unitFilter() async throws {
        try await withSynlig { app in
            let crisis = try await CrisisWorld.make(app)
            let browser = Browser(app)
            try await browser.signIn("karin@0180.test.se")
            let unitB = try await browser.get("/crisis?unit=\(try crisis.world.unitB.requireID())")
            #expect(unitB.status == .ok)
            #expect(unitB.body.string.contains("Cia Lund") && !unitB.body.string.contains("Anna Åberg"))
            #expect(unitB.body.string.contains("<title>Krislista: anhöriga att nå – Socialpsykiatri – Synlig</title>"))
            for bad in ["nonsense", UUID().uuidString, try crisis.other.unitA.requireID().uuidString] {
                let refused = try await browser.get("/crisis?unit=\(bad)")
                #expect(refused.status == .badRequest, "\(bad)")
                #expect(refused.body.string.contains("Enheten finns inte i din organisation"))
                #expect(!refused.body.string.contains("Frida"))
            }
        }
    }

    @Test("A long list is shown a page at a time, and only the page's people are read; a page that is not there is a clear 400")
    func pages() async throws {
        try await withSynlig { app in
            let crisis = try await CrisisWorld.make(app)
            // Unit B: Cia and a hundred more, one more than a page.
            for index in 0..<CrisisList.pageSize {
                _ = try await CrisisWorld.person(app, crisis.world, "Sidperson \(index)", phone: "070-600 00 \(index)", address: "Sidgatan \(index)",
                                                 caring: "Vårdtagare \(index)", in: crisis.world.unitB, together: false, .from10to19, [.practicalHelp])
            }
            let browser = Browser(app)
            try await browser.signIn("sara@0180.test.se")
            let unit = try crisis.world.unitB.requireID()
            let first = try await browser.get("/crisis?unit=\(unit)")
            #expect(first.status == .ok)
            let html = first.body.string
            #expect(html.contains("101 anhöriga på listan") && html.contains("Sida 1 av 2"))
            #expect(html.contains("href=\"/crisis?unit=\(unit.uuidString)&amp;page=2\"") || html.contains("href=\"/crisis?unit=\(unit.uuidString)&page=2\""))
            #expect(html.components(separatedBy: "Sidperson ").count - 1 + (html.contains("Cia Lund") ? 1 : 0) == CrisisList.pageSize)
            func readCaregivers() async throws -> Int {
                try await AccessLogEntry.query(on: app.db).filter(\.$via == "GET /crisis").filter(\.$recordType == "caregiver").count()
            }
            #expect(try await readCaregivers() == CrisisList.pageSize)
            let second = try await browser.get("/crisis?unit=\(unit)&page=2")
            #expect(second.status == .ok && second.body.string.contains("Sida 2 av 2") && second.body.string.contains("Föregående sida"))
            #expect(!second.body.string.contains("Nästa sida"))
            #expect(try await readCaregivers() == CrisisList.pageSize + 1)
            for bad in ["0", "3", "-1", "två", "99999999999999999999"] {
                let refused = try await browser.get("/crisis?unit=\(unit)&page=\(bad)")
                #expect(refused.status == .badRequest, "\(bad)")
                #expect(refused.body.string.contains("Sidan finns inte i listan"))
            }
            // The printed list holds everyone.
            let printed = try await browser.get("/crisis/print?unit=\(unit)")
            #expect(printed.body.string.contains("101 anhöriga på listan") && printed.body.string.components(separatedBy: "Sidperson ").count - 1 == CrisisList.pageSize)
        }
    }

    @Test("Consultants, administrators and strategists see the list; case officers, staff and viewers are refused; signed out goes to the login")
    func roles() async throws {
        try await withSynlig { app in
            _ = try await CrisisWorld.make(app)
            for email in ["karin@0180.test.se", "admin@0180.test.se", "sara@0180.test.se"] {
                let browser = Browser(app)
                try await browser.signIn(email)
                for path in ["/crisis", "/crisis/print", "/crisis/export"] {
                    #expect(try await browser.get(path).status == .ok, "\(email) \(path)")
                }
                #expect(try await browser.get("/").body.string.contains(#"href="/crisis""#), "\(email) finds it in the navigation")
            }
            for email in ["pia@0180.test.se", "hassan@0180.test.se", "per@0180.test.se"] {
                let browser = Browser(app)
                try await browser.signIn(email)
                for path in ["/crisis", "/crisis/print", "/crisis/export"] {
                    #expect(try await browser.get(path).status == .forbidden, "\(email) \(path)")
                }
                try await browser.get("/")
                let post = try await browser.post("/crisis/export", form: [("passphrase", "lång lösenfras här"), ("confirmation", "lång lösenfras här")])
                #expect(post.status == .forbidden, "\(email) cannot export")
            }
            #expect(try await CrisisExport.query(on: app.db).count() == 3, "only the three allowed print views were recorded")
            let anonymous = try await Browser(app).get("/crisis")
            #expect(anonymous.status != .ok)
            #expect(!anonymous.body.string.contains("Anna"))
        }
    }

    @Test("Viewing the list writes an access-log row for every caregiver and person cared for on it, and for no one else")
    func accessLog() async throws {
        try await withSynlig { app in
            let crisis = try await CrisisWorld.make(app)
            let browser = Browser(app)
            try await browser.signIn("sara@0180.test.se")
            try await browser.get("/crisis")
            let rows = try await AccessLogEntry.query(on: app.db).filter(\.$via == "GET /crisis").all()
            #expect(rows.allSatisfy { $0.userID == crisis.world.strategist.id && $0.organisationID == crisis.world.organisation.id })
            let caregivers = Set(rows.filter { $0.recordType == "caregiver" }.map(\.recordID))
            #expect(caregivers == Set([try crisis.anna.requireID(), try crisis.bo.requireID(), try crisis.cia.requireID()]))
            #expect(rows.filter { $0.recordType == "care_recipient" }.count == 3)
            #expect(rows.count == 6)

            try await browser.get("/crisis/print?unit=\(try crisis.world.unitB.requireID())")
            let printed = try await AccessLogEntry.query(on: app.db).filter(\.$via == "GET /crisis/print").all()
            #expect(Set(printed.filter { $0.recordType == "caregiver" }.map(\.recordID)) == [try crisis.cia.requireID()])
        }
    }

    @Test("The printable list says by when to destroy it, and taking it out is recorded and audited with scope and count, never names")
    func printIsAudited() async throws {
        try await withSynlig { app in
            let crisis = try await CrisisWorld.make(app)
            let browser = Browser(app)
            try await browser.signIn("karin@0180.test.se")
            let page = try await browser.get("/crisis/print")
            #expect(page.status == .ok)
            let destroyBy = SwedishTime.formatDate(CrisisList.destroyBy(exportedOn: .today()), language: "sv")
            #expect(page.body.string.contains("Förstör listan senast \(destroyBy)"))
            #expect(page.body.string.contains("Anna Åberg"))
            let export = try #require(try await CrisisExport.query(on: app.db).first())
            #expect(export.format == .print && export.peopleCount == 3 && export.unitID == nil)
            #expect(export.actorUserID == crisis.world.consultant.id && export.actorKind == "user")
            #expect(export.destroyBy == CrisisList.destroyBy(exportedOn: .today()).iso)
            let event = try #require(try await AuditEvent.query(on: app.db).filter(\.$action == "crisis.export").first())
            #expect(event.recordID == export.id?.uuidString && event.actorUserID == crisis.world.consultant.id)
            #expect(try await AuditTrail.verify(on: app.db) == nil)

            let list = try await browser.get("/crisis")
            #expect(list.body.string.contains("Utskrift") && list.body.string.contains(export.destroyBy), "the list page shows copies in circulation")
        }
    }

    @Test("Managers' worklists ask for a fresh whole-organisation list when there is none, and a week before the latest is to be destroyed")
    func refreshReminder() async throws {
        try await withSynlig { app in
            let crisis = try await CrisisWorld.make(app)
            let strategist = Browser(app)
            try await strategist.signIn("sara@0180.test.se")
            #expect(try await strategist.get("/").body.string.contains("Ta ut krislistan för offline-bruk – ingen kopia finns"))
            let consultant = Browser(app)
            try await consultant.signIn("karin@0180.test.se")
            #expect(!(try await consultant.get("/").body.string.contains("krislista")), "the reminder is the managers'")

            // A unit's copy does not refresh the whole list; the whole list does.
            try await strategist.get("/crisis/print?unit=\(try crisis.world.unitA.requireID())")
            #expect(try await strategist.get("/").body.string.contains("ingen kopia finns"))
            try await strategist.get("/crisis/print")
            let fresh = try await strategist.get("/").body.string
            #expect(!fresh.contains("ingen kopia finns") && !fresh.contains("Ta ut en ny krislista"))

            // 25 days later the copy has five days left: the reminder is back, with the day to destroy it by.
            let export = try #require(try await CrisisExport.query(on: app.db).filter(\.$unitID == nil).first())
            export.exportedAt = Date().addingTimeInterval(-25 * 86_400)
            try await export.update(on: app.db)
            let admin = Browser(app)
            try await admin.signIn("admin@0180.test.se")
            let due = CalendarDate.today(now: export.exportedAt).addingDays(CrisisList.exportValidityDays)
            let home = try await admin.get("/").body.string
            #expect(home.contains("Ta ut en ny krislista") && home.contains("senast \(due.iso)"))
            let other = Browser(app)
            try await other.signIn("sara@0181.test.se")
            #expect(try await other.get("/").body.string.contains("ingen kopia finns"), "each organisation has its own copies")
        }
    }

    @Test("The English page is complete, and every key the crisis pages build at run time exists in both languages")
    func english() async throws {
        try await withSynlig { app in
            _ = try await CrisisWorld.make(app)
            let browser = Browser(app)
            try await browser.signIn("karin@0180.test.se")
            let page = try await browser.get("/crisis", headers: ["Accept-Language": "en"])
            #expect(page.body.string.contains("Contact through the unit only"))
            #expect(page.body.string.contains("<title>Crisis list: family caregivers to reach – Synlig</title>"))
            let keys = CrisisPriority.allCases.map { "crisis.priority.\($0)" }
                + ["crisis.format.print", "crisis.format.encrypted_pdf", "crisis.passphrase_short", "crisis.passphrase_long",
                   "crisis.pdf_footer", "crisis.count_pdf", "crisis.count.one", "crisis.count.other", "nav.crisis", "nav.crisis.description"]
            for language in Language.allCases {
                for key in keys { #expect(app.localizer.tables[language.rawValue]?[key] != nil, "\(key) in \(language)") }
            }
        }
    }
}
