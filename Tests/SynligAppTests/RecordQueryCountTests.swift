import Fluent
import Foundation
import Logging
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

/// The caregiver record is the page staff open most. Its queries must not grow with the
/// caregiver's relationships: a query per relationship made a caregiver of many a slow page.
@Suite("The caregiver record reads a fixed number of queries")
struct RecordQueryCountTests {
    @Test("A caregiver caring for four people costs the record no more queries than one caring for one, and each relationship still shows its own consent, restriction and stance")
    func relationshipsDoNotAddQueries() async throws {
        let capture = LogCapture()
        try await withSynlig(prepare: { app in
            app.logger = Logger(label: "synlig-test") { capture.handler(label: $0) }
            app.logger.logLevel = .debug
        }) { app in
            let world = try await RecordWorld.make(app)
            let (one, _, single) = try await world.pair(app, "Ella Ensam", caring: "Erik Ensam", in: world.unitA)
            try await world.consent(app, single, [.careAndServices])
            let many = try await world.register(app, "Maja Många")
            var relationships: [CareRelationship] = []
            for name in ["Anna", "Bo", "Cilla", "Dag"] {
                relationships.append(try await world.link(app, many, try await world.recipient(app, "\(name) Mottagare", units: [world.unitA])))
            }
            try await world.consent(app, relationships[0], [.careAndServices])
            _ = try await world.restrict(app, relationships[1], by: world.consultant)
            try await world.consent(app, relationships[2], [.healthCondition, .planningAndMeetings])

            let browser = Browser(app)
            try await browser.signIn(world.consultant.email)
            func queries(_ caregiver: Caregiver) async throws -> (count: Int, html: String) {
                let before = capture.all.filter { $0.contains("Running query") }.count
                let page = try await browser.get("/caregivers/\(try caregiver.requireID().uuidString)")
                #expect(page.status == .ok)
                return (capture.all.filter { $0.contains("Running query") }.count - before, page.body.string)
            }
            _ = try await queries(one)
            let (oneCount, _) = try await queries(one)
            let (manyCount, html) = try await queries(many)
            #expect(manyCount <= oneCount, "one relationship: \(oneCount) queries, four: \(manyCount)")
            #expect(oneCount > 5, "the capture should see the page's queries")
            for name in ["Anna", "Bo", "Cilla", "Dag"] { #expect(html.contains("\(name) Mottagare")) }
            // Only Bo's relationship is restricted; Anna's and Cilla's have a stance to review.
            #expect(html.components(separatedBy: "Olämpligt att involvera den anhörige (misstänkt våld)").count - 1 == 1)
            for (index, relationship) in relationships.enumerated() {
                #expect(html.contains(SiteURL.consentReview(try relationship.requireID()).path) == [0, 2].contains(index), "relationship \(index)")
            }
        }
    }
}
