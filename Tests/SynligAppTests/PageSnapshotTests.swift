import Foundation
import SnapshotTesting
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

/// The rendered HTML of the key pages, pinned as text, so a template or view-model change shows
/// up as a reviewed diff in `__Snapshots__/` instead of slipping through. What changes from run
/// to run (ids, dates, tokens) is replaced by a placeholder first. To accept a deliberate
/// change, delete the snapshot file and run the test once: it records the new one and fails.
@Suite("Snapshots of key pages")
struct PageSnapshotTests {
    /// Ids, CSRF tokens, dates and times replaced, so the snapshot holds only what a template made.
    static func normalized(_ html: String) -> String {
        let months = "januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december"
            + "|January|February|March|April|May|June|July|August|September|October|November|December"
        let rules: [(String, String)] = [
            ("[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}", "<id>"),
            (#"name="_csrf" value="[^"]*""#, #"name="_csrf" value="<csrf>""#),
            (#"name="(started|stamp)" value="[^"]*""#, #"name="$1" value="<stamp>""#),
            (#"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?(\.\d+)?Z?)?"#, "<date>"),
            (#"\d{1,2} (\#(months)) \d{4}"#, "<date>"),
            (#"\b\d{2}:\d{2}\b"#, "<time>"),
        ]
        var text = html
        for (pattern, replacement) in rules {
            text = text.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
        }
        return text
    }

    func assertPage(_ html: String, named name: String, fileID: StaticString = #fileID, file: StaticString = #filePath,
                    testName: String = #function, line: UInt = #line, column: UInt = #column) {
        assertSnapshot(of: Self.normalized(html), as: .lines, named: name, fileID: fileID, file: file,
                       testName: testName, line: line, column: column)
    }

    @Test("The caregiver record and the worklist")
    func caregiverPages() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let caregiver = try await CaregiverService.save(nil, CaregiverInput(
                name: "Åsa Öberg", personalIdentityNumber: "19121212-1212", phone: "070-123 45 67", preferredLanguage: "sv",
                interpreterNeed: "notStated"), by: world.consultant, on: app.db)
            let recipient = try await world.recipient(app, "Maj Öberg", units: [world.unitA], careContact: "Distriktssköterska Eva")
            _ = try await world.link(app, caregiver, recipient, contacts: ["Vårdcentralen", "Hemtjänsten", "Minnesmottagningen"])
            let browser = Browser(app)
            try await browser.signIn(world.consultant.email)
            let record = try await browser.get(SiteURL.caregiver(try caregiver.requireID()).path)
            #expect(record.status == .ok)
            assertPage(record.body.string, named: "caregiver-record")
            let worklist = try await browser.get(SiteURL.caregiverWorklist.path)
            #expect(worklist.status == .ok)
            assertPage(worklist.body.string, named: "caregiver-worklist")
        }
    }

    @Test("A mapping's results")
    func mappingResults() async throws {
        try await withSynlig { app in
            let world = try await MappingWorld.make(app)
            let (mapping, invited, workshop) = try await makeOpenMapping(app, world)
            let respondent = try await currentUser(app, world.respondent)
            _ = try await MappingService.saveAnswers(responseID: try invited.requireID(), answers: [
                "q1": AnswerInput(choice: "no", text: nil), "q1.no": AnswerInput(choice: nil, text: "Ingen har fått i uppdrag"),
                "q2": AnswerInput(choice: "partly", text: nil), "q2.r1": AnswerInput(choice: "exists", text: nil),
                "q7": AnswerInput(choice: nil, text: "Introduktion för nya medarbetare"),
            ], submit: true, by: respondent, on: app.db)
            _ = try await MappingService.saveAnswers(responseID: try workshop.requireID(), answers: [
                "q1": AnswerInput(choice: "yes", text: nil), "q2": AnswerInput(choice: "no", text: nil),
            ], submit: true, by: try await world.strategistUser(app), on: app.db)
            let browser = Browser(app)
            try await browser.signIn(world.strategist.email)
            let results = try await browser.get(SiteURL.mappingResults(try mapping.requireID()).path)
            #expect(results.status == .ok)
            assertPage(results.body.string, named: "mapping-results")
        }
    }

    @Test("The caregivers' public start page and a municipality's support page")
    func publicPages() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            let karin = try await currentUser(app, try await makeUser(app, in: organisation, email: "karin@test.se", roles: [.consultant]))
            _ = try await SupportService.save(nil, OfferingInput(
                name: "Avlösning i hemmet", kind: SupportKind.respiteAtHome.rawValue, provider: "municipality", providerName: "",
                civilSocietyId: nil, targetGroups: [SupportTargetGroup.dementia.rawValue], needsAssessment: true, cost: "Gratis",
                languages: ["sv", "fi"], interpreter: true, accessibility: nil, address: nil, schedule: "Vardagar 8–17",
                phone: "0123-456 78", email: nil, website: "https://example.se/avlosning", description: "Någon tar över en stund",
                eligibility: nil, lastChecked: CalendarDate.today().iso, published: true, version: nil), by: karin, on: app.db)
            let start = try await app.testing().sendRequest(.GET, "/stod")
            #expect(start.status == .ok)
            assertPage(start.body.string, named: "public-start")
            let municipality = try await app.testing().sendRequest(.GET, "/stod/0180")
            #expect(municipality.status == .ok)
            assertPage(municipality.body.string, named: "public-municipality")
        }
    }
}
