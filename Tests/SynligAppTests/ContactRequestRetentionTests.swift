import Fluent
import Foundation
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

@Suite("Gallring of contact requests by each organisation's own rule")
struct ContactRequestRetentionTests {
    /// Sends a request as a caregiver would (`ContactRequestTests.send`) and returns it.
    private func send(_ app: Application, code: String) async throws -> ContactRequest {
        let requests = ContactRequestTests()
        #expect(try await requests.send(Browser(app), code: code, fields: requests.valid).status == .ok)
        return try #require(try await ContactRequest.query(on: app.db).sort(\.$createdAt, .descending).first())
    }

    /// A request that came in `daysAgo`, open, or closed `closedDaysAgo`.
    private func age(_ request: ContactRequest, cameIn daysAgo: Double, closed closedDaysAgo: Double? = nil, on db: any Database) async throws {
        request.createdAt = Date().addingTimeInterval(-daysAgo * 86400)
        if let closedDaysAgo {
            request.status = .closed
            request.closedAt = Date().addingTimeInterval(-closedDaysAgo * 86400)
        }
        try await request.update(on: db)
    }

    @Test("Set through the settings form as a browser sends it, stated on the public form and in the inbox, and followed by the purge per organisation")
    func throughTheForm() async throws {
        try await withSynlig { app in
            let a = try await makeOrganisation(app, name: "Aby", code: "0101")
            let b = try await makeOrganisation(app, name: "Bstad", code: "0202")
            try await makeUser(app, in: a, email: "karin@aby.se", roles: [.consultant])
            let karin = Browser(app)
            try await karin.signIn("karin@aby.se")

            // The form starts at Synlig's defaults; sent untouched it keeps them.
            #expect(try await karin.submitForm(on: SiteURL.caregiverSettings.path).status == .seeOther)
            #expect(try await ContactRequestRetention.of(try a.requireID(), on: app.db) == .standard)
            let refused = try await karin.submitForm(on: SiteURL.caregiverSettings.path, typing: [("contactRequestClosedDays", "0")])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("Ange ett antal dagar mellan 1 och 365."))
            let saved = try await karin.submitForm(on: SiteURL.caregiverSettings.path,
                                                   typing: [("contactRequestUnhandledDays", "20"), ("contactRequestClosedDays", "5")])
            #expect(saved.status == .seeOther)
            #expect(try await ContactRequestRetention.of(try a.requireID(), on: app.db) == .init(unhandledDays: 20, closedDays: 5))
            #expect(try await ContactRequestRetention.of(try b.requireID(), on: app.db) == .standard)
            let settings = try await CaregiverSettingsController.current(try a.requireID(), on: app.db)
            #expect(settings.memoRetentionDays == CaregiverSettings.defaultMemoRetentionDays && settings.voluntarinessMonths == 6,
                    "the other settings are kept as they stood")
            #expect(try await karin.get(SiteURL.caregiverSettings.path).body.string.contains(#"value="20""#))

            // What the caregiver is told, and what the inbox says, is each organisation's own rule.
            let formA = try await Browser(app).get("/stod/0101/kontakt").body.string
            #expect(formA.contains("raderas efter 20 dagar") && formA.contains("raderas 5 dagar efter"))
            let formB = try await Browser(app).get("/stod/0202/kontakt").body.string
            #expect(formB.contains("raderas efter 90 dagar") && formB.contains("raderas 30 dagar efter"))
            let inbox = try await karin.get("/support/requests").body.string
            #expect(inbox.contains("raderas efter 20 dagar"))

            // C keeps requests longer than the defaults; B has a settings row at the defaults.
            let c = try await makeOrganisation(app, name: "Cby", code: "0303")
            for (organisation, unhandled) in [(c, 180), (b, ContactRequestRetention.standard.unhandledDays)] {
                let settings = CaregiverSettings()
                settings.organisationID = try organisation.requireID()
                (settings.voluntarinessMonths, settings.memoRetentionDays, settings.consentReviewMonths) = (6, 30, 12)
                (settings.contactRequestUnhandledDays, settings.contactRequestClosedDays) = (unhandled, ContactRequestRetention.standard.closedDays)
                settings.version = 2
                try await settings.create(on: app.db)
            }
            // Requests of the same ages everywhere: A's rule purges its two, B's defaults keep its two.
            for code in ["0101", "0202"] {
                try await age(try await send(app, code: code), cameIn: 25, on: app.db)
                try await age(try await send(app, code: code), cameIn: 40, closed: 7, on: app.db)
            }
            // A request A keeps: closed two days ago. Unhandled for 100 days: purged at B, kept at C.
            let recent = try await send(app, code: "0101")
            try await age(recent, cameIn: 40, closed: 2, on: app.db)
            try await age(try await send(app, code: "0202"), cameIn: 100, on: app.db)
            let longKept = try await send(app, code: "0303")
            try await age(longKept, cameIn: 100, on: app.db)
            #expect(try await ContactRequestService.purgeable(now: Date(), on: app.db).count() == 3)
            #expect(try await ContactRequestService.purge(on: app.db) == 3)
            let left = try await ContactRequest.query(on: app.db).all()
            #expect(left.filter { $0.organisationID == b.id }.count == 2)
            #expect(left.filter { $0.organisationID == a.id }.map(\.id) == [recent.id])
            #expect(left.filter { $0.organisationID == c.id }.map(\.id) == [longKept.id])
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "contact_request.purge").count() == 3)
        }
    }

    @Test("GET and PUT /api/v1/caregiver-settings: the settings in force, all set at once from the version read, stale 409/412, bad values a 422 naming the field")
    func throughTheAPI() async throws {
        try await withSynlig { app in
            let a = try await makeOrganisation(app, name: "Aby", code: "0101")
            try await makeUser(app, in: a, email: "karin@aby.se", roles: [.consultant])
            let api = try await APIClient.signedIn(app, "karin@aby.se")
            let defaults = try await api.send(.GET, "/api/v1/caregiver-settings")
            #expect(defaults.status == .ok)
            #expect(try defaults.content.decode(API.CaregiverSettingsOut.self) == .init(
                voluntarinessMonths: 6, memoRetentionDays: 30, consentReviewMonths: 12, contactRequestUnhandledDays: 90, contactRequestClosedDays: 30,
                keepFilesDecision: nil, version: 1))
            #expect(defaults.headers.first(name: .eTag) == #""1""#)

            let body = #"{"voluntarinessMonths":3,"memoRetentionDays":14,"consentReviewMonths":24,"contactRequestUnhandledDays":60,"contactRequestClosedDays":10,"keepFilesDecision":null,"version":1}"#
            let put = try await api.send(.PUT, "/api/v1/caregiver-settings", json: body)
            #expect(put.status == .ok)
            #expect(put.headers.first(name: .eTag) == #""2""#)
            let expected = API.CaregiverSettingsOut(voluntarinessMonths: 3, memoRetentionDays: 14, consentReviewMonths: 24,
                                                    contactRequestUnhandledDays: 60, contactRequestClosedDays: 10, keepFilesDecision: nil, version: 2)
            #expect(try put.content.decode(API.CaregiverSettingsOut.self) == expected)
            #expect(try await api.send(.GET, "/api/v1/caregiver-settings").content.decode(API.CaregiverSettingsOut.self) == expected)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "caregiver_settings.update").count() == 1)

            // A client that read the defaults (version 1) cannot overwrite what was saved since.
            let stale = body.replacingOccurrences(of: #""memoRetentionDays":14"#, with: #""memoRetentionDays":7"#)
            #expect(try await api.send(.PUT, "/api/v1/caregiver-settings", json: stale).status == .conflict)
            let unversioned = stale.replacingOccurrences(of: #","version":1"#, with: "")
            #expect(try await api.send(.PUT, "/api/v1/caregiver-settings", json: unversioned).status == .preconditionRequired)
            #expect(try await api.send(.PUT, "/api/v1/caregiver-settings", json: unversioned, headers: ["If-Match": #""1""#]).status == .preconditionFailed)

            let wrong = try await api.send(.PUT, "/api/v1/caregiver-settings", json: body.replacingOccurrences(of: #""contactRequestClosedDays":10"#,
                                                                                                                with: #""contactRequestClosedDays":400"#)
                                                                                        .replacingOccurrences(of: #""version":1"#, with: #""version":2"#))
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.body.string.contains("contactRequestClosedDays"))
            let partial = try await api.send(.PUT, "/api/v1/caregiver-settings", json: #"{"contactRequestClosedDays":10}"#)
            #expect(partial.status.code >= 400 && partial.status.code < 500)
            #expect(try await CaregiverSettingsController.current(try a.requireID(), on: app.db) == expected, "nothing refused is saved")
        }
    }
}
