import Fluent
import Logging
import NIOConcurrencyHelpers
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

@Suite("Server log and personal data")
struct LogPrivacyTests {
    @Test("Signing in, reading a person's account, and a caregiver's contact request leave no personal data in the server log")
    func noPersonalDataInLog() async throws {
        let capture = LogCapture()
        // Everything down to trace is captured: personal data must stay out even at LOG_LEVEL=trace.
        try await withSynlig(prepare: { app in
            app.logger = Logger(label: "synlig-test") { capture.handler(label: $0) }
            app.logger.logLevel = .trace
        }) { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "admin@test.se", roles: [.admin, .consultant])
            let secretPerson = try await makeUser(app, in: organisation, email: "hemlig.person@test.se", roles: [.staff])
            let browser = Browser(app)
            try await browser.signIn("admin@test.se")
            try await browser.get("/admin/users/\(try secretPerson.requireID())")
            try await Browser(app).signIn("hemlig.person@test.se", password: "fel lösenord helt klart")

            let caregiver = Browser(app)
            try await caregiver.get("/stod/0180/kontakt")
            let started = Int(Date().timeIntervalSince1970) - 30
            let stamp = ContactRequestService.stamp(startedAt: started, token: caregiver.cookies[CSRFMiddleware.cookieName] ?? "")
            try await caregiver.post("/stod/0180/kontakt", form: [
                ("name", "Greta Hemligsson"), ("reach", "070-999 88 77"), ("about", "Min make Sven har demens"),
                ("consent", "on"), ("started", String(started)), ("stamp", stamp)])
            let request = try #require(try await ContactRequest.query(on: app.db).first())
            try await browser.get("/support/requests/\(try request.requireID())")
            try await APIClient(app: app).send(.POST, "/api/v1/auth/token", json: #"{"email":"hemlig.person@test.se","password":"fel"}"#)
        }
        let log = capture.all.joined(separator: "\n")
        #expect(log.contains("POST /login"), "the capture should see the request log: \(log.prefix(500))")
        #expect(log.contains("Running query"), "the capture should see the database's debug log")
        for secret in ["hemlig.person", "admin@test.se", "Greta", "Hemligsson", "070-999", "Sven", "demens", "fel lösenord"] {
            #expect(!log.contains(secret), "the server log contains \(secret)")
        }
    }
}
