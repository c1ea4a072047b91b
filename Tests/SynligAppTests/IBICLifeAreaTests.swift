import Fluent
import Foundation
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

/// Support needs and the support plan tagged with IBIC's life areas (Socialstyrelsen), as a
/// case officer's assessment describes them: from the form, through the API, on the record and
/// in the register extract.
@Suite("IBIC life areas on support needs and the support plan")
struct IBICLifeAreaTests {
    @Test("The shipped list names its source and has IBIC's nine life areas, in Swedish and English")
    func theList() async throws {
        try await withSynlig { _ in
            let file = try #require(IBICLifeAreas.file)
            #expect(file.source["sv"]?.contains("Socialstyrelsen") == true)
            #expect(file.version == "2021")
            #expect(IBICLifeAreas.all.map(\.code) == ["d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8", "d9"])
            #expect(IBICLifeAreas.name("d6", language: "sv") == "Hemliv")
            #expect(IBICLifeAreas.name("d9", language: "sv") == "Samhällsgemenskap, socialt och medborgerligt liv")
        }
    }

    @Test("Forms as a browser submits them: untouched, nothing is tagged; ticked areas are kept, shown on the record, and in the extract")
    func formsRoundTrip() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let lena = try await world.register(app, "Lena Nilsson")
            let id = try lena.requireID()
            let browser = Browser(app)
            try await browser.signIn("karin@0180.test.se")

            let untouched = try await browser.submitForm(on: "/caregivers/\(id)/support/new", typing: [("needKind", "counselling")])
            #expect(untouched.status == .seeOther, "\(untouched.body.string.prefix(300))")
            #expect(try await CaregiverSupport.query(on: app.db).first()?.lifeAreasText == "")

            // A browser sends each ticked box; the order it sends them in does not matter.
            let html = try await browser.get("/caregivers/\(id)/support/new").body.string
            var form = try BrowserForm(html: html, action: "/caregivers/\(id)/support/new")
            try form.fill("needKind", "supportGroup")
            let fields = form.fields.map { ($0.name, $0.value) } + [("lifeAreas[]", "d9"), ("lifeAreas[]", "d7")]
            #expect(try await browser.post("/caregivers/\(id)/support/new", form: fields, includeCSRF: false).status == .seeOther)
            let tagged = try #require(try await CaregiverSupport.query(on: app.db).filter(\.$needKind == .supportGroup).first())
            #expect(tagged.lifeAreasText == "d7,d9")

            // The edit form shows the ticked boxes again, and keeps them when saved untouched.
            let editPath = "/caregivers/support/\(try tagged.requireID())"
            let edit = try BrowserForm(html: try await browser.get(editPath).body.string, action: editPath)
            #expect(edit.fields.filter { $0.name == "lifeAreas[]" }.map(\.value) == ["d7", "d9"])
            #expect(try await browser.submitForm(on: editPath).status == .seeOther)
            #expect(try await CaregiverSupport.find(tagged.id, on: app.db)?.lifeAreasText == "d7,d9")

            let unknown = try await browser.post("/caregivers/\(id)/support/new", form: [("needKind", "education"),
                                                                                           ("requestedOn", CalendarDate.today().iso),
                                                                                           ("lifeAreas[]", "d42")])
            #expect(unknown.status == .unprocessableEntity)

            let plan = try await browser.submitForm(on: "/caregivers/\(id)/plan", typing: [("outcomes", "Orka fortsätta arbeta")])
            #expect(plan.status == .seeOther)
            #expect(try await SupportPlan.query(on: app.db).first()?.lifeAreasText == "")
            let planHTML = try await browser.get("/caregivers/\(id)/plan").body.string
            var planForm = try BrowserForm(html: planHTML, action: "/caregivers/\(id)/plan")
            try planForm.fill("outcomes", "Orka fortsätta arbeta")
            #expect(try await browser.post("/caregivers/\(id)/plan", form: planForm.fields.map { ($0.name, $0.value) } + [("lifeAreas[]", "d8")],
                                           includeCSRF: false).status == .seeOther)

            let record = try await browser.get("/caregivers/\(id)").body.string
            #expect(record.contains("Mellanmänskliga interaktioner och relationer, Samhällsgemenskap, socialt och medborgerligt liv"))
            #expect(record.contains("Utbildning, arbete, sysselsättning och ekonomiskt liv"))

            let extract = try await RegisterExtractService.make(.caregiver, id: id, organisationID: try world.organisation.requireID(), on: app.db)
            let needs = try #require(extract.sections.first { $0.table == "caregiver_support" })
            #expect(needs.rows.contains { $0["life_areas"] == .text("d7,d9") })
            #expect(extract.sections.first { $0.table == "caregiver_support_plans" }?.rows.first?["life_areas"] == .text("d8"))
        }
    }

    @Test("The API takes and returns life areas as an array of codes; an unknown code is 422")
    func apiRoundTrip() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let lena = try await world.register(app, "Lena Nilsson")
            let api = try await APIClient.signedIn(app, "karin@0180.test.se")
            let base = "/api/v1/caregivers/\(try lena.requireID())"
            let today = CalendarDate.today().iso
            let need = try await api.send(.POST, base + "/support-needs",
                                          json: json(["needKind": "respiteAtHome", "requestedOn": today, "lifeAreas": ["d6", "d5"]]))
            #expect(need.status == .created)
            #expect(try need.decoded(API.SupportNeedOut.self).lifeAreas == ["d5", "d6"])
            let bad = try await api.send(.POST, base + "/support-needs",
                                         json: json(["needKind": "respiteAtHome", "requestedOn": today, "lifeAreas": ["d10"]]))
            #expect(bad.status == .unprocessableEntity)
            #expect(Set(bad.fieldProblems.keys) == ["lifeAreas"])
            let plan = try await api.send(.PUT, base + "/support-plan", json: json([
                "outcomes": "Kunna sova en hel natt", "reviewOn": CalendarDate.today().addingMonths(6).iso, "lifeAreas": ["d2"]]))
            #expect(plan.status == .created)
            #expect(try plan.decoded(API.SupportPlanOut.self).lifeAreas == ["d2"])
            #expect(try await api.send(.GET, base + "/support-needs").decoded([API.SupportNeedOut].self).first?.lifeAreas == ["d5", "d6"])
        }
    }
}
