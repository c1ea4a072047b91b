import Fluent
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

@Suite("Consequence analyses and procurement")
struct DecisionTests {
    @Test("A consequence analysis is drafted, finalised (then locked) and counted in questions 1 and 4 of a mapping of its period")
    func consequenceAnalysis() async throws {
        try await withSynlig { app in
            let world = try await MappingWorld.make(app)
            let (mapping, _, _) = try await makeOpenMapping(app, world)
            let browser = Browser(app)
            try await browser.signIn(world.strategist.email)
            try await browser.get("/decisions/analyses/new")
            let invalid = try await browser.post("/decisions/analyses", form: [("title", ""), ("decisionDate", "nästa vecka"), ("final", "1")])
            #expect(invalid.status == .unprocessableEntity)
            #expect(invalid.body.string.contains("Vad förändras? Fältet måste fyllas i."))

            let draft = try await browser.post("/decisions/analyses", form: [
                ("title", "Dagverksamheten flyttar"), ("decisionReference", "SN 2026/123"), ("decisionDate", "2026-09-15"),
                ("whatChanges", "Dagverksamheten Solrosen flyttar till Centrum"), ("final", "0"),
            ])
            #expect(draft.status == .seeOther)
            let path = try #require(draft.headers.first(name: .location))
            try await browser.get(path)
            let final = try await browser.post(path, form: [
                ("title", "Dagverksamheten flyttar"), ("decisionReference", "SN 2026/123"), ("decisionDate", "2026-09-15"),
                ("whatChanges", "Dagverksamheten Solrosen flyttar till Centrum"), ("affectedGroups", "Anhöriga till personer med demens"),
                ("effects", "Längre resväg"), ("mitigation", "Färdtjänst ingår"), ("consultedCaregivers", "on"), ("final", "1"), ("version", "1"),
            ])
            #expect(final.status == .seeOther)
            let shown = try await browser.get(path)
            #expect(shown.body.string.contains("Analysen är fastställd"))
            #expect(shown.body.string.contains("Anhöriga till personer med demens"))
            let again = try await browser.post(path, form: [("title", "Ändrad"), ("decisionDate", "2026-09-15"), ("whatChanges", "x"), ("final", "0"), ("version", "2")])
            #expect(again.status == .conflict)

            let results = try await browser.get(SiteURL.mappingResults(try mapping.requireID()).path)
            #expect(results.body.string.contains("Under perioden fastställdes 1 konsekvensanalys med anhörigperspektiv"))
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "analysis.update").count() == 1)
        }
    }

    @Test("Procurement requirements are reusable text blocks, and procurements record which ones they used")
    func procurementChecklist() async throws {
        try await withSynlig { app in
            let world = try await MappingWorld.make(app)
            let (mapping, _, _) = try await makeOpenMapping(app, world)
            let browser = Browser(app)
            try await browser.signIn(world.strategist.email)
            try await browser.get("/decisions")
            #expect(try await browser.post("/decisions/procurement/requirements", form: [
                ("requirementTitle", "Anhöriga bjuds in"), ("requirementText", "Utföraren ska bjuda in anhöriga till genomförandeplanering när den enskilde samtycker."),
            ]).status == .seeOther)
            let requirement = try #require(try await ProcurementRequirement.query(on: app.db).first())
            #expect(try await browser.post("/decisions/procurement/records", form: [
                ("procurementTitle", "Hemtjänst enligt LOV"), ("procurementReference", "UH 2026/7"), ("procurementDate", "2026-10-01"),
                ("requirements[]", try requirement.requireID().uuidString),
            ]).status == .seeOther)
            #expect(try await browser.post("/decisions/procurement/records", form: [
                ("procurementTitle", "Matdistribution"), ("procurementDate", "2026-10-02"),
            ]).status == .seeOther)
            let page = try await browser.get("/decisions")
            #expect(page.body.string.contains("Hemtjänst enligt LOV"))
            #expect(page.body.string.contains("Inga krav på anhörigperspektiv"))
            let bad = try await browser.post("/decisions/procurement/records", form: [
                ("procurementTitle", "Fel"), ("procurementDate", "2026-10-02"), ("requirements[]", UUID().uuidString),
            ])
            #expect(bad.status == .unprocessableEntity)

            let results = try await browser.get(SiteURL.mappingResults(try mapping.requireID()).path)
            #expect(results.body.string.contains("Under perioden registrerades 2 upphandlingar. Med krav på anhörigperspektiv: 1."))

            let staff = Browser(app)
            try await staff.signIn(world.respondent.email)
            #expect(try await staff.get("/decisions").status == .forbidden)
            let other = try await MappingWorld.make(app, code: "0202")
            let outsider = Browser(app)
            try await outsider.signIn(other.strategist.email)
            #expect(!(try await outsider.get("/decisions")).body.string.contains("Hemtjänst enligt LOV"))
        }
    }
}
