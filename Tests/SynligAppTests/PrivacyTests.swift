import Fluent
import SQLKit
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

@Suite("Audit trail and access log")
struct PrivacyTests {
    @Test("Each change writes an audit row with who, what and which record, never the values")
    func changesAreAudited() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            let admin = try await makeUser(app, in: organisation, email: "admin@test.se", roles: [.admin])
            let api = try await APIClient.signedIn(app, "admin@test.se")
            let created = try await api.send(.POST, "/api/v1/units", json: #"{"name":"Hemlig Enhet","kind":"other"}"#)
            let unit = try created.content.decode(API.UnitOut.self)

            let events = try await AuditEvent.query(on: app.db).filter(\.$action == "unit.create").all()
            #expect(events.count == 1)
            let event = try #require(events.first)
            #expect(event.actorUserID == admin.id)
            #expect(event.organisationID == organisation.id)
            #expect(event.recordType == "unit")
            #expect(event.recordID == unit.id.uuidString)
            let everything = try await AuditEvent.query(on: app.db).all()
            for row in everything {
                for field in [row.action, row.recordType, row.recordID ?? "", row.actorKind] {
                    #expect(!field.contains("Hemlig"))
                    #expect(!field.contains("admin@test.se"))
                }
            }
            #expect(try await AuditTrail.verify(on: app.db) == nil)
        }
    }

    @Test("A change and its audit row commit together: a failed change leaves no audit row")
    func auditIsTransactional() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            let before = try await AuditEvent.query(on: app.db).count()
            await #expect(throws: (any Error).self) {
                try await AuditTrail.transaction(on: app.db, actor: .system) { tx, audit in
                    let unit = Unit(organisationID: try organisation.requireID(), name: "Halv", kind: .other)
                    try await unit.create(on: tx)
                    audit.record("unit.create", "unit", id: unit.id, organisation: organisation.id)
                    throw SynligError(.conflict, "error.conflict")
                }
            }
            #expect(try await AuditEvent.query(on: app.db).count() == before)
            #expect(try await Unit.query(on: app.db).count() == 0)
        }
    }

    @Test("Concurrent changes all land in one unbroken chain")
    func concurrentAppends() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            let organisationID = try organisation.requireID()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        try await AuditTrail.transaction(on: app.db, actor: .system) { tx, audit in
                            let unit = Unit(organisationID: organisationID, name: "Enhet \(index)", kind: .other)
                            try await unit.create(on: tx)
                            audit.record("unit.create", "unit", id: unit.id, organisation: organisationID)
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await AuditEvent.query(on: app.db).count() == 20)
            #expect(try await AuditTrail.verify(on: app.db) == nil)
        }
    }

    @Test("Editing, deleting or truncating audit rows is detected, also by `synlig verify-audit`")
    func tamperingIsDetected() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            for index in 0..<4 { try await makeUnitAudited(app, organisation, name: "Enhet \(index)") }
            #expect(try await AuditTrail.verify(on: app.db) == nil)
            try await runCommand(app, "verify-audit")

            let sql = app.db as! any SQLDatabase
            try await sql.update(AuditEvent.schema).set("action", to: SQLBind("unit.delete")).where("seq", .equal, SQLBind(Int64(2))).run()
            #expect(try await AuditTrail.verify(on: app.db) == .contentHashMismatch(sequence: 2))
            await #expect(throws: (any Error).self) { try await runCommand(app, "verify-audit") }
            try await sql.update(AuditEvent.schema).set("action", to: SQLBind("unit.create")).where("seq", .equal, SQLBind(Int64(2))).run()
            #expect(try await AuditTrail.verify(on: app.db) == nil)

            try await sql.delete(from: AuditEvent.schema).where("seq", .equal, SQLBind(Int64(3))).run()
            #expect(try await AuditTrail.verify(on: app.db) == .sequenceGap(expected: 3, found: 4))
        }
    }

    @Test("Sealed access-log rows cannot be deleted, changed or forged unnoticed; the newest wait for the next seal")
    func accessLogIsSealed() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            let admin = try await makeUser(app, in: organisation, email: "admin@test.se", roles: [.admin])
            let colleague = try await makeUser(app, in: organisation, email: "pia@test.se", roles: [.staff])
            let now = Date()
            func read(_ secondsAgo: TimeInterval) async throws -> AccessLogEntry {
                let entry = AccessLogEntry(occurredAt: now.addingTimeInterval(-secondsAgo), organisationID: try organisation.requireID(),
                                           userID: try admin.requireID(), recordType: "user", recordID: try colleague.requireID(),
                                           via: "GET /admin/users/:id")
                try await entry.create(on: app.db)
                return entry
            }
            for seconds in [600.0, 500, 400] { _ = try await read(seconds) }
            let fresh = try await read(1)
            #expect(try await AccessLogSealing.seal(on: app.db, now: now) == 3)
            #expect(try await AccessLogSealing.seal(on: app.db, now: now) == 0, "sealed rows are not sealed again")
            #expect(try await AccessLogEntry.find(fresh.id, on: app.db)?.sealBatch == nil, "a read of the last seconds waits for the next seal")
            #expect(try await AccessLogSealing.verify(on: app.db) == nil)
            #expect(try await AuditTrail.verify(on: app.db) == nil, "the seal is an event of the audit chain")
            try await runCommand(app, "verify-audit")

            let sealed = try await AccessLogEntry.query(on: app.db).filter(\.$sealBatch != nil).sort(\.$occurredAt).all()
            let sql = app.db as! any SQLDatabase
            // Changed: whose record was read.
            try await sql.update(AccessLogEntry.schema).set("via", to: SQLBind("GET /")).where("id", .equal, SQLBind(try sealed[1].requireID())).run()
            #expect(try await AccessLogSealing.verify(on: app.db) != nil)
            await #expect(throws: (any Error).self) { try await runCommand(app, "verify-audit") }
            try await sql.update(AccessLogEntry.schema).set("via", to: SQLBind(sealed[1].via)).where("id", .equal, SQLBind(try sealed[1].requireID())).run()
            #expect(try await AccessLogSealing.verify(on: app.db) == nil)
            // Forged: a row passed off as sealed in a batch no seal records.
            let forged = try await read(300)
            let fakeBatch = UUID()
            forged.sealBatch = fakeBatch
            try await forged.update(on: app.db)
            #expect(try await AccessLogSealing.verify(on: app.db) == .unknownBatch(batch: fakeBatch.uuidString, rows: 1))
            try await forged.delete(on: app.db)
            // Deleted.
            try await sealed[0].delete(on: app.db)
            #expect(try await AccessLogSealing.verify(on: app.db) == .batchAltered(batch: sealed[0].sealBatch?.uuidString ?? "", sealedCount: 3, foundCount: 2))
        }
    }

    @Test("Deleting the newest audit rows is detected through the chain head")
    func truncationIsDetected() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            for index in 0..<3 { try await makeUnitAudited(app, organisation, name: "Enhet \(index)") }
            let sql = app.db as! any SQLDatabase
            try await sql.delete(from: AuditEvent.schema).where("seq", .equal, SQLBind(Int64(3))).run()
            #expect(try await AuditTrail.verify(on: app.db) == .sequenceGap(expected: 3, found: 2))
        }
    }

    @Test("Reading a person's account writes the access log, from the page and from the API")
    func readsAreLogged() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            let admin = try await makeUser(app, in: organisation, email: "admin@test.se", roles: [.admin])
            let colleague = try await makeUser(app, in: organisation, email: "pia@test.se", roles: [.staff])
            let colleagueID = try colleague.requireID()
            let browser = Browser(app)
            try await browser.signIn("admin@test.se")
            #expect(try await browser.get("/admin/users/\(colleagueID)").status == .ok)
            let api = try await APIClient.signedIn(app, "admin@test.se")
            #expect(try await api.send(.GET, "/api/v1/users/\(colleagueID)").status == .ok)

            let entries = try await AccessLogEntry.query(on: app.db).sort(\.$occurredAt).all()
            #expect(entries.count == 2)
            #expect(entries.allSatisfy { $0.userID == admin.id && $0.recordID == colleagueID && $0.recordType == "user" })
            #expect(entries.map(\.via) == ["GET /admin/users/:id", "GET /api/v1/users/:id"])
            #expect(entries.allSatisfy { $0.organisationID == organisation.id })

            let review = try await browser.get("/admin/access-log")
            #expect(review.status == .ok)
            #expect(review.body.string.contains(colleagueID.uuidString))
            #expect(review.body.string.contains("GET /api/v1/users/:id"))
            let audit = try await browser.get("/admin/audit?verify=1")
            #expect(audit.body.string.contains("Loggen är obruten."))
        }
    }

    @Test("The log review filters by user, person, kind and period, links each row, and marks reads outside working hours")
    func logReviewFilters() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            let admin = try await makeUser(app, in: organisation, email: "admin@test.se", roles: [.admin])
            let karin = try await makeUser(app, in: organisation, email: "karin@test.se", roles: [.consultant])
            let caregiverID = UUID(), recipientID = UUID()
            func read(_ user: User, _ type: AccessLogRecordType, _ record: UUID, at local: String) async throws {
                // Swedish local time, as the reviewer reads it.
                var calendar = Calendar(identifier: .gregorian)
                calendar.timeZone = SwedishTime.timeZone
                let parts = local.split(whereSeparator: { "- :".contains($0) }).compactMap { Int($0) }
                let date = try #require(calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2], hour: parts[3], minute: parts[4])))
                try await AccessLogEntry(occurredAt: date, organisationID: try organisation.requireID(), userID: try user.requireID(),
                                         recordType: type.rawValue, recordID: record, via: "GET /caregivers/:id").create(on: app.db)
            }
            try await read(karin, .caregiver, caregiverID, at: "2026-11-24 10:00")     // a Tuesday morning
            try await read(karin, .caregiver, caregiverID, at: "2026-11-24 22:30")     // the same evening
            try await read(karin, .careRecipient, recipientID, at: "2026-11-28 12:00") // a Saturday
            try await read(admin, .caregiver, caregiverID, at: "2026-11-20 09:00")
            let browser = Browser(app)
            try await browser.signIn("admin@test.se")
            func rows(_ query: String) async throws -> Int {
                let page = try await browser.get("/admin/access-log" + query)
                #expect(page.status == .ok, "\(query)")
                return page.body.string.components(separatedBy: "<tr><td>").count - 1
            }
            #expect(try await rows("") == 4)
            #expect(try await rows("?user=\(try karin.requireID())") == 3)
            #expect(try await rows("?record=\(caregiverID)") == 3)
            #expect(try await rows("?type=care_recipient") == 1)
            #expect(try await rows("?from=2026-11-24&through=2026-11-24") == 2, "a day is a Swedish day, evening included")
            #expect(try await rows("?user=\(try karin.requireID())&from=2026-11-25") == 1)

            let html = try await browser.get("/admin/access-log?record=\(caregiverID)").body.string
            #expect(!html.contains(#"href="/caregivers/\#(caregiverID)""#), "an administrator, who may not read records, gets no link that answers 403")
            #expect(html.contains("Personens logg") && html.contains("Test karin@test.se"))
            #expect(html.components(separatedBy: "Utanför arbetstid").count - 1 == 1, "only the evening read of the three is flagged")
            #expect(try await browser.get("/admin/access-log?type=care_recipient").body.string.contains("Utanför arbetstid"), "a Saturday is flagged")

            let bad = try await browser.get("/admin/access-log?user=nobody&from=2026-11-30&through=2026-11-01")
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("Slutdatumet kan inte ligga före startdatumet."))
        }
    }

    @Test("An administrator reviews only their own organisation's logs")
    func reviewIsScoped() async throws {
        try await withSynlig { app in
            let a = try await makeOrganisation(app, name: "A", code: "0101")
            let b = try await makeOrganisation(app, name: "B", code: "0202")
            try await makeUser(app, in: a, email: "admin@a.se", roles: [.admin])
            try await makeUser(app, in: b, email: "admin@b.se", roles: [.admin])
            let secret = try await makeUnitAudited(app, b, name: "Enhet B")
            let browser = Browser(app)
            try await browser.signIn("admin@a.se")
            let audit = try await browser.get("/admin/audit")
            #expect(!audit.body.string.contains(try secret.requireID().uuidString))
        }
    }

    @discardableResult
    func makeUnitAudited(_ app: Application, _ organisation: Organisation, name: String) async throws -> Unit {
        let organisationID = try organisation.requireID()
        return try await AuditTrail.transaction(on: app.db, actor: .system) { tx, audit in
            let unit = Unit(organisationID: organisationID, name: name, kind: .other)
            try await unit.create(on: tx)
            audit.record("unit.create", "unit", id: unit.id, organisation: organisationID)
            return unit
        }
    }
}
