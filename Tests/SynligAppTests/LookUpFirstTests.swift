import Foundation
import Testing
import Vapor
import VaporTesting
@testable import SynligApp
@testable import SynligDemo

/// A form or API body aimed at a record that is not the caller's (another organisation's id, or
/// none at all) is 404 before anything is validated: a 422 would judge input for a record the
/// caller cannot see. Generated from the router, so every write route with an id is held to it.
@Suite("Look the record up first, then validate")
struct LookUpFirstTests {
    static let password = "demo-losenord-123"

    @Test("Every write route with an id answers 404 (or 403), never 400, 422 or 428, for a record not in the organisation")
    func everyWriteRouteLooksUpFirst() async throws {
        try await withSynlig(adjust: { $0.demoMode = true }) { app in
            _ = try await DemoSeeder.seed(app, password: Self.password)
            let roles = ["admin", "konsulent", "strateg", "handlaggare"]
            var browsers: [Browser] = []
            for role in roles {
                let browser = Browser(app)
                try await browser.signIn("\(role)@exempel.se", password: Self.password)
                try await browser.get("/")
                browsers.append(browser)
            }
            let api = HostileAPIClient(app: app, prefix: "/api/v1")
            try await api.signIn(roles.map { "\($0)@exempel.se" }, password: Self.password)
            // Another organisation's records: ids that are nowhere in this one.
            let elsewhere = UUID().uuidString
            var tried = 0
            var found = 0
            var wrong: [String] = []
            for route in app.routes.all where [.POST, .PUT, .PATCH, .DELETE].contains(route.method) {
                let segments = route.path.map(\.description)
                guard segments.contains(where: { $0.hasPrefix(":") }), !segments.contains("**") else { continue }
                let path = "/" + segments.map { segment in
                    guard segment.hasPrefix(":") else { return segment }
                    return segment.lowercased().contains("code") ? DemoSeeder.organisationCode : elsewhere
                }.joined(separator: "/")
                tried += 1
                var statuses: [UInt] = []
                if segments.first == "api" {
                    for token in api.tokens {
                        // A body with a field of the wrong type: judged, it would be 400 or 422.
                        let answer = try await api.send(route.method, String(path.dropFirst("/api/v1".count)), token: token,
                                                        raw: #"{"version": 1}"#, headers: ["If-Match": "\"1\""])
                        statuses.append(answer.status)
                    }
                } else {
                    for browser in browsers {
                        statuses.append(try await browser.post(path, form: [("version", "1")]).status.code)
                    }
                }
                if statuses.contains(404) { found += 1 }
                // Judged before the look-up, the body would be 400 (a field this route does not
                // take), 422 (a field it needs) or 428 (no version to edit).
                if statuses.contains(where: { [400, 422, 428].contains($0) || $0 >= 500 }) {
                    wrong.append("\(route.method) \(path.replacingOccurrences(of: elsewhere, with: ":id")): \(statuses)")
                }
            }
            #expect(tried > 60)
            #expect(found * 2 > tried, "only \(found) of \(tried) routes answered 404")
            #expect(wrong.isEmpty, "\(wrong.count) routes judge input before finding the record: \(wrong)")
        }
    }
}
