import Fluent
import Foundation
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

/// The log review (loggkontroll): flags on a hand-made log, the month's sample, and documented
/// reviews.
@Suite("Access-log review: flags, the monthly sample and documented reviews")
struct AccessLogReviewTests {
    /// A Wednesday and a Saturday in November 2026, at ten in the morning Swedish time.
    static let wednesday = CalendarDate(year: 2026, month: 11, day: 18)
    static let saturday = CalendarDate(year: 2026, month: 11, day: 21)

    static func at(_ day: CalendarDate, hour: Int) -> Date { day.startInSweden.addingTimeInterval(Double(hour) * 3600) }

    @discardableResult
    static func read(_ app: Application, _ world: RecordWorld, by user: CurrentUser, _ type: AccessLogRecordType, _ id: UUID,
                     at date: Date) async throws -> AccessLogEntry {
        let entry = AccessLogEntry(occurredAt: date, organisationID: try world.organisation.requireID(), userID: user.id,
                                   recordType: type.rawValue, recordID: id, via: "/caregivers/:id")
        try await entry.create(on: app.db)
        return entry
    }

    @Test("Each flag fires on the read it describes and not on a clean one")
    func flags() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let (inA, recipientA, _) = try await world.pair(app, "Anna Andersson", caring: "Greta Andersson", in: world.unitA)
            let (inB, _, linkB) = try await world.pair(app, "Bo Berg", caring: "Gun Berg", in: world.unitB)
            let (restricted, _, link) = try await world.pair(app, "Cecilia Ceder", caring: "Carl Ceder", in: world.unitA)
            _ = try await world.restrict(app, link, by: world.consultant)
            _ = linkB

            let clean = try await Self.read(app, world, by: world.staffA, .caregiver, try inA.requireID(), at: Self.at(Self.wednesday, hour: 10))
            let cleanRecipient = try await Self.read(app, world, by: world.staffA, .careRecipient, try recipientA.requireID(),
                                                     at: Self.at(Self.wednesday, hour: 11))
            let weekend = try await Self.read(app, world, by: world.staffA, .caregiver, try inA.requireID(), at: Self.at(Self.saturday, hour: 10))
            let evening = try await Self.read(app, world, by: world.staffA, .caregiver, try inA.requireID(), at: Self.at(Self.wednesday, hour: 21))
            let otherUnit = try await Self.read(app, world, by: world.staffA, .caregiver, try inB.requireID(), at: Self.at(Self.wednesday, hour: 10))
            // The consultant belongs to no unit: reading unit B's caregiver is their work.
            let consultant = try await Self.read(app, world, by: world.consultant, .caregiver, try inB.requireID(), at: Self.at(Self.wednesday, hour: 10))
            let underRestriction = try await Self.read(app, world, by: world.consultant, .caregiver, try restricted.requireID(),
                                                       at: Self.at(Self.wednesday, hour: 10))
            // Forty-one different people in one day by the case officer; forty by nobody else.
            var busy: [AccessLogEntry] = []
            for minute in 0...AccessLogFlag.manyPeoplePerDay {
                busy.append(try await Self.read(app, world, by: world.caseOfficerB, .caregiver, UUID(),
                                                at: Self.at(Self.wednesday, hour: 9).addingTimeInterval(Double(minute) * 60)))
            }
            // Pia signs in with e-ID as 19121212-1212 and reads Dora, whose file holds that number;
            // Pia reading Anna (another number) or the consultant reading Dora is not marked.
            let pia = try #require(try await User.find(world.staffA.id, on: app.db))
            pia.signInIdentity = "191212121212"
            try await pia.update(on: app.db)
            let (dora, _, _) = try await world.pair(app, "Dora Dahl", caring: "Dag Dahl", in: world.unitA)
            dora.personalIdentityNumber = "191212121212"
            try await dora.update(on: app.db)
            inA.personalIdentityNumber = "194001011239"
            try await inA.update(on: app.db)
            let ownRecord = try await Self.read(app, world, by: world.staffA, .caregiver, try dora.requireID(), at: Self.at(Self.wednesday, hour: 14))
            let anotherReadsDora = try await Self.read(app, world, by: world.consultant, .caregiver, try dora.requireID(), at: Self.at(Self.wednesday, hour: 14))
            let entries = [clean, cleanRecipient, weekend, evening, otherUnit, consultant, underRestriction, ownRecord, anotherReadsDora] + busy
            let flags = try await AccessLogFlags.of(entries, organisationID: try world.organisation.requireID(), on: app.db)
            func of(_ entry: AccessLogEntry) -> Set<AccessLogFlag> { flags[entry.id!] ?? [] }
            #expect(of(ownRecord) == [.ownRecord])
            #expect(of(anotherReadsDora).isEmpty)
            #expect(of(cleanRecipient).isEmpty)
            #expect(of(weekend) == [.outsideHours])
            #expect(of(evening) == [.outsideHours])
            #expect(of(otherUnit) == [.outsideUnits])
            #expect(of(consultant).isEmpty)
            #expect(of(underRestriction) == [.restricted])
            #expect(busy.allSatisfy { of($0) == [.manyReads] })

            // Forty is an ordinary busy day.
            try await AccessLogEntry.query(on: app.db).filter(\.$id == busy[0].id!).delete()
            let fewer = try await AccessLogFlags.of(Array(busy.dropFirst()), organisationID: try world.organisation.requireID(), on: app.db)
            #expect(fewer.isEmpty)

            // The page shows the marks in words.
            _ = try await makeUser(app, in: world.organisation, email: "admin@0180.test.se", roles: [.admin])
            let admin = Browser(app)
            try await admin.signIn("admin@0180.test.se")
            let page = try await admin.get("/admin/access-log?from=2026-11-01&through=2026-11-30&user=\(world.staffA.id)").body.string
            #expect(page.contains("Utanför användarens verksamheter") && page.contains("Utanför arbetstid"))
            #expect(page.contains("Användarens egna uppgifter"))
            // The number itself is compared, never shown.
            #expect(!page.contains("191212121212") && !page.contains("121212-1212"))
        }
    }

    @Test("The month's sample: a tenth of the month's readers, at least one, the same at every look")
    func monthlySample() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let readers = [world.consultant, world.staffA, world.caseOfficerB]
            for (index, reader) in readers.enumerated() {
                try await Self.read(app, world, by: reader, .caregiver, UUID(), at: Self.at(Self.wednesday, hour: 9 + index))
            }
            // A read in October is not a November reader.
            try await Self.read(app, world, by: world.strategist, .caregiver, UUID(), at: Self.at(CalendarDate(year: 2026, month: 10, day: 14), hour: 10))
            _ = try await makeUser(app, in: world.organisation, email: "admin@0180.test.se", roles: [.admin])
            let admin = Browser(app)
            try await admin.signIn("admin@0180.test.se")
            let first = try await admin.get("/admin/access-log?month=2026-11")
            #expect(first.status == .ok)
            let html = first.body.string
            #expect(html.contains("Stickprov för november 2026"))
            #expect(html.contains("1 användare är slumpvis utvald av 3 som läste journaler under månaden."))
            let drawn = readers.filter { html.contains("<li><a href=\"/admin/access-log?user=\($0.id.uuidString)&amp;from=2026-11-01&amp;through=2026-11-30\">") }
            #expect(drawn.count == 1)
            let again = try await admin.get("/admin/access-log?month=2026-11").body.string
            #expect(readers.filter { again.contains("user=\($0.id.uuidString)&amp;from=2026-11-01") }.map(\.id) == drawn.map(\.id))
            #expect(try await admin.get("/admin/access-log?month=2026-13").status == .badRequest)
            #expect(try await admin.get("/admin/access-log?month=2999-01").status == .badRequest)
        }
    }

    @Test("A review is documented as the browser sends the form, refused with clear messages when incomplete, listed and audited; the API does the same")
    func documentedReviews() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            _ = try await makeUser(app, in: world.organisation, email: "admin@0180.test.se", roles: [.admin])
            let admin = Browser(app)
            try await admin.signIn("admin@0180.test.se")
            let form = try await admin.get("/admin/access-log/reviews/new?periodFrom=2026-11-01&periodThrough=2026-11-30&kind=sample")
            #expect(form.status == .ok)
            #expect(form.body.string.contains(#"value="2026-11-01""#))

            // Untouched conclusion: the first option, "Välj", is sent.
            let untouched = try await admin.post("/admin/access-log/reviews", form: [
                ("periodFrom", "2026-11-01"), ("periodThrough", "2026-11-30"), ("kind", "sample"), ("scope", "Stickprovet"),
                ("conclusion", ""), ("actions", ""),
            ])
            #expect(untouched.status == .unprocessableEntity)
            let remarksWithoutActions = try await admin.post("/admin/access-log/reviews", form: [
                ("periodFrom", "2026-11-01"), ("periodThrough", "2026-11-30"), ("kind", "targeted"), ("scope", "Kvällsläsningar"),
                ("conclusion", "remarks"), ("actions", ""),
            ])
            #expect(remarksWithoutActions.status == .unprocessableEntity)
            let reversed = try await admin.post("/admin/access-log/reviews", form: [
                ("periodFrom", "2026-11-30"), ("periodThrough", "2026-11-01"), ("kind", "sample"), ("scope", "Stickprovet"),
                ("conclusion", "noRemarks"), ("actions", ""),
            ])
            #expect(reversed.status == .unprocessableEntity)
            #expect(reversed.body.string.contains("Stickprovet"), "what was typed is kept")
            #expect(try await AccessLogReviewRecord.query(on: app.db).count() == 0)

            let saved = try await admin.post("/admin/access-log/reviews", form: [
                ("periodFrom", "2026-11-01"), ("periodThrough", "2026-11-30"), ("kind", "targeted"), ("scope", "Kvällsläsningar i november"),
                ("conclusion", "remarks"), ("actions", "Samtal med användaren; behörigheten ändrad."),
            ])
            #expect(saved.status == .seeOther)
            let list = try await admin.get("/admin/access-log?reviewed=1").body.string
            #expect(list.contains("Loggkontrollen är dokumenterad.") && list.contains("Kvällsläsningar i november")
                && list.contains("Med anmärkning") && list.contains("Samtal med användaren; behörigheten ändrad."))
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "access_log_review.record").count() == 1)

            // The API records and lists the same reviews, with the same rules.
            let api = try await APIClient.signedIn(app, "admin@0180.test.se")
            let refused = try await api.send(.POST, "/api/v1/access-log/reviews", json: #"{"periodFrom":"2026-10-01","periodThrough":"2026-10-31","kind":"sample","scope":"Stickprovet","conclusion":"noRemarks","actions":"Något"}"#)
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.fieldProblems.keys.contains("actions"))
            let created = try await api.send(.POST, "/api/v1/access-log/reviews", json: #"{"periodFrom":"2026-10-01","periodThrough":"2026-10-31","kind":"sample","scope":"Stickprovet för oktober","conclusion":"noRemarks"}"#)
            #expect(created.status == .created, "\(created.body.string)")
            let listed = try await api.send(.GET, "/api/v1/access-log/reviews")
            #expect(listed.status == .ok)
            let reviews = try #require(try JSONSerialization.jsonObject(with: Data(listed.body.string.utf8)) as? [[String: Any]])
            #expect(reviews.compactMap { $0["scope"] as? String } == ["Kvällsläsningar i november", "Stickprovet för oktober"])
            #expect(try await APIClient.signedIn(app, world.staffA.email).send(.GET, "/api/v1/access-log/reviews").status == .forbidden)

            // Only administrators review the log.
            let staff = Browser(app)
            try await staff.signIn(world.staffA.email)
            #expect(try await staff.get("/admin/access-log/reviews/new").status == .forbidden)
            #expect(try await staff.post("/admin/access-log/reviews", form: [("conclusion", "noRemarks")]).status == .forbidden)
        }
    }
}
