import Foundation
import SQLKit
import SynligCore
import Testing
import Vapor
@testable import SynligApp
@testable import SynligDemo

/// `synlig generate`: synthetic caregivers at national scale, checked at a small scale.
@Suite("Synthetic data")
struct GenerateTests {
    static func request(municipalities: Int = 3, regions: Int = 0, caregivers: Int = 300, seed: UInt64 = 7) -> SyntheticDataRequest {
        SyntheticDataRequest(municipalities: municipalities, regions: regions, caregivers: caregivers, seed: seed,
                             password: testPassword, today: .today())
    }

    static func count(_ sql: any SQLDatabase, _ query: String) async throws -> Int {
        try await sql.raw(SQLQueryString(query)).first()?.decode(column: "n", as: Int.self) ?? 0
    }

    /// Counts by one column's values.
    static func counts(_ sql: any SQLDatabase, _ table: String, _ column: String) async throws -> [String: Int] {
        let rows = try await sql.raw("SELECT \(unsafeRaw: column) AS k, COUNT(*) AS n FROM \(unsafeRaw: table) GROUP BY \(unsafeRaw: column)").all()
        var result: [String: Int] = [:]
        for row in rows { result[try row.decode(column: "k", as: String.self)] = try row.decode(column: "n", as: Int.self) }
        return result
    }

    static func share(_ counts: [String: Int], _ keys: Set<String>) -> Double {
        Double(counts.filter { keys.contains($0.key) }.values.reduce(0, +)) / Double(max(1, counts.values.reduce(0, +)))
    }

    @Test("Gives the organisations and caregivers asked for, sized unevenly, each with units and accounts")
    func requestedCounts() async throws {
        try await withSynlig { app in
            let summary = try await SyntheticGenerator.run(app, Self.request(regions: 1))
            let sql = try #require(app.db as? any SQLDatabase)
            #expect(try await Organisation.query(on: app.db).count() == 4)
            #expect(try await Self.count(sql, "SELECT COUNT(*) AS n FROM caregivers") == 300)
            #expect(summary.organisations.map(\.caregivers).reduce(0, +) == 300)
            #expect(Set(summary.organisations.map(\.caregivers)).count > 1, "sizes differ")
            for organisation in try await Organisation.query(on: app.db).all() {
                #expect(OrganisationCode.isValid(organisation.code, kind: organisation.kind) && organisation.code != DemoSeeder.organisationCode)
                let id = try organisation.requireID()
                let planned = try #require(summary.organisations.first { $0.code == organisation.code })
                #expect(try await Caregiver.scoped(to: id, on: app.db).count() == planned.caregivers)
                #expect(try await SynligApp.Unit.scoped(to: id, on: app.db).count() >= 3)
                #expect(try await User.scoped(to: id, on: app.db).count() == 2)
            }
            #expect(try await Self.count(sql, "SELECT COUNT(*) AS n FROM care_relationships") >= 300)
            #expect(try await Self.count(sql, "SELECT COUNT(*) AS n FROM care_recipients")
                == Self.count(sql, "SELECT COUNT(*) AS n FROM care_relationships"))
            for table in ["caregiver_support", "voluntariness_checks", "screening_results", "caregiver_tasks"] {
                #expect(try await Self.count(sql, "SELECT COUNT(*) AS n FROM \(table)") > 30, "\(table)")
            }
            // A second run adds organisations under codes still free.
            _ = try await SyntheticGenerator.run(app, Self.request(municipalities: 2, caregivers: 20))
            #expect(try await Organisation.query(on: app.db).count() == 6)
        }
    }

    /// Everything a generation stored, in a stable order, to compare two runs.
    static func fingerprint(_ app: Application) async throws -> [String] {
        let sql = try #require(app.db as? any SQLDatabase)
        let queries = [
            "SELECT o.code || ' ' || c.name || ' ' || c.gender || ' ' || COALESCE(CAST(c.birth_year AS TEXT), '-') || ' ' || c.registered_on"
                + " || ' ' || c.foreign_background || ' ' || c.occupation AS line FROM caregivers c JOIN organisations o ON o.id = c.organisation_id",
            "SELECT c.name || ' ' || r.relation || ' ' || r.hours_band || ' ' || r.tasks AS line FROM care_relationships r"
                + " JOIN caregivers c ON c.id = r.caregiver_id",
            "SELECT c.name || ' ' || s.need_kind || ' ' || s.status || ' ' || s.requested_on AS line FROM caregiver_support s"
                + " JOIN caregivers c ON c.id = s.caregiver_id",
            "SELECT c.name || ' ' || v.asked_on || ' ' || v.answer AS line FROM voluntariness_checks v JOIN caregivers c ON c.id = v.caregiver_id",
            "SELECT c.name || ' ' || s.screened_on || ' ' || s.level AS line FROM screening_results s JOIN caregivers c ON c.id = s.caregiver_id",
        ]
        var lines: [String] = []
        for query in queries {
            lines += try await sql.raw(SQLQueryString(query)).all().map { try $0.decode(column: "line", as: String.self) }.sorted()
        }
        return lines
    }

    @Test("The same seed gives the same data; another seed other data")
    func reproducible() async throws {
        let first = try await withSynlig { app in
            _ = try await SyntheticGenerator.run(app, Self.request(caregivers: 120))
            return try await Self.fingerprint(app)
        }
        let again = try await withSynlig { app in
            _ = try await SyntheticGenerator.run(app, Self.request(caregivers: 120))
            return try await Self.fingerprint(app)
        }
        let other = try await withSynlig { app in
            _ = try await SyntheticGenerator.run(app, Self.request(caregivers: 120, seed: 8))
            return try await Self.fingerprint(app)
        }
        #expect(first.count > 120)
        #expect(first == again)
        #expect(first != other)
    }

    @Test("The seeds' figures hold: a third for a parent, a fifth each for a partner and a child, a third over ten hours, 27 % foreign background")
    func distributions() async throws {
        try await withSynlig { app in
            _ = try await SyntheticGenerator.run(app, Self.request(caregivers: 1500))
            let sql = try #require(app.db as? any SQLDatabase)
            let relation = try await Self.counts(sql, "care_relationships", "relation")
            #expect(abs(Self.share(relation, ["parent"]) - 0.33) < 0.05, "\(relation)")
            #expect(abs(Self.share(relation, ["partner"]) - 0.20) < 0.04, "\(relation)")
            #expect(abs(Self.share(relation, ["child"]) - 0.20) < 0.04, "\(relation)")
            let heavy = HoursBand.allCases.filter(\.isMoreThanTen).map { "'\($0.rawValue)'" }.joined(separator: ",")
            let heavyCarers = try await Self.count(sql, "SELECT COUNT(DISTINCT caregiver_id) AS n FROM care_relationships WHERE hours_band IN (\(heavy))")
            #expect(abs(Double(heavyCarers) / 1500 - 0.33) < 0.05, "\(heavyCarers)")
            let background = try await Self.counts(sql, "caregivers", "foreign_background")
            #expect(abs(Self.share(background, ["yes"]) - 0.27) < 0.04, "\(background)")
            // Women give more of the heaviest care (35 hours a week or more).
            let heaviest = "('\(HoursBand.from35to49.rawValue)','\(HoursBand.from50.rawValue)')"
            func heaviestShare(_ gender: Gender) async throws -> Double {
                let join = "FROM care_relationships r JOIN caregivers c ON c.id = r.caregiver_id WHERE c.gender = '\(gender.rawValue)'"
                return Double(try await Self.count(sql, "SELECT COUNT(*) AS n \(join) AND r.hours_band IN \(heaviest)"))
                    / Double(max(1, try await Self.count(sql, "SELECT COUNT(*) AS n \(join)")))
            }
            #expect(try await heaviestShare(.woman) > heaviestShare(.man))
            // Every optional classification is sometimes not stated, never mostly.
            for (table, column) in [("caregivers", "gender"), ("caregivers", "foreign_background"), ("caregivers", "occupation"),
                                    ("caregivers", "interpreter_need"), ("caregivers", "minority_language"),
                                    ("care_relationships", "relation"), ("care_relationships", "hours_band"), ("care_recipients", "care_need_area")] {
                let share = Self.share(try await Self.counts(sql, table, column), [StatisticsDimension.notStated])
                #expect(share > 0.01 && share < 0.45, "\(column): \(share)")
            }
            let years = try await Self.count(sql, "SELECT COUNT(DISTINCT SUBSTR(registered_on, 1, 4)) AS n FROM caregivers")
            #expect(years >= 6)
        }
    }

    @Test("Every stored classification is a raw value of its vocabulary, and support moves forward in time")
    func validValues() async throws {
        try await withSynlig { app in
            _ = try await SyntheticGenerator.run(app, Self.request(regions: 1))
            let sql = try #require(app.db as? any SQLDatabase)
            func raw<T: RawRepresentable & CaseIterable>(_ type: T.Type) -> Set<String> where T.RawValue == String { Set(T.allCases.map(\.rawValue)) }
            let vocabularies: [(String, String, Set<String>)] = [
                ("caregivers", "gender", raw(Gender.self)), ("caregivers", "foreign_background", raw(ForeignBackground.self)),
                ("caregivers", "minority_language", raw(MinorityLanguage.self)), ("caregivers", "occupation", raw(Occupation.self)),
                ("caregivers", "interpreter_need", raw(InterpreterNeed.self)), ("caregivers", "preferred_channel", raw(ContactChannel.self)),
                ("caregivers", "preferred_language", Set(SupportLanguage.codes)),
                ("care_relationships", "relation", raw(RelationKind.self)), ("care_relationships", "hours_band", raw(HoursBand.self)),
                ("care_recipients", "care_need_area", raw(CareNeedArea.self)),
                ("caregiver_support", "need_kind", raw(SupportNeedKind.self)), ("caregiver_support", "decision", raw(SupportDecision.self)),
                ("caregiver_support", "status", raw(SupportStatus.self)), ("voluntariness_checks", "answer", raw(VoluntarinessAnswer.self)),
                ("screening_results", "level", raw(ScreeningLevel.self)), ("units", "kind", raw(UnitKind.self)),
                ("organisations", "kind", raw(OrganisationKind.self)), ("user_roles", "role", raw(Role.self)),
                ("caregiver_tasks", "kind", raw(CaregiverTaskKind.self)), ("meeting_invitations", "kind", raw(MeetingKind.self)),
                ("meeting_invitations", "attendance", raw(MeetingAttendance.self)),
                ("involvement_restrictions", "reason", raw(RestrictionReason.self)),
            ]
            for (table, column, allowed) in vocabularies {
                let stored = Set(try await Self.counts(sql, table, column).keys)
                #expect(stored.isSubset(of: allowed), "\(table).\(column): \(stored.subtracting(allowed))")
            }
            let tasks = try await Self.counts(sql, "care_relationships", "tasks").keys.flatMap { $0.split(separator: ",").map(String.init) }
            #expect(Set(tasks).isSubset(of: raw(CareTask.self)))
            let today = CalendarDate.today().iso
            #expect(try await Self.count(sql, "SELECT COUNT(*) AS n FROM caregivers WHERE registered_on > '\(today)'") == 0)
            #expect(try await Self.count(sql, """
                SELECT COUNT(*) AS n FROM caregiver_support s JOIN caregivers c ON c.id = s.caregiver_id
                WHERE s.requested_on < c.registered_on OR s.offered_on < s.requested_on OR s.started_on < s.offered_on
                   OR s.ended_on < s.started_on OR s.requested_on > '\(today)' OR s.ended_on > '\(today)'
                """) == 0)
            #expect(try await Self.count(sql, "SELECT COUNT(*) AS n FROM caregivers WHERE personal_identity_number IS NOT NULL") == 0)
            // Each caregiver followed up has one open follow-up, on the responsible consultant's worklist.
            let followUp = CaregiverTaskKind.voluntarinessFollowUp.rawValue, signal = CaregiverTaskKind.coordinationSignal.rawValue
            #expect(try await Self.count(sql, "SELECT COUNT(*) AS n FROM caregiver_tasks WHERE open AND kind = '\(followUp)'")
                == Self.count(sql, "SELECT COUNT(*) AS n FROM caregivers WHERE responsible_user_id IS NOT NULL"))
            #expect(try await Self.count(sql, """
                SELECT COUNT(*) AS n FROM caregiver_tasks t JOIN caregivers c ON c.id = t.caregiver_id
                WHERE t.kind = '\(followUp)' AND (c.responsible_user_id IS NULL OR t.assignee_id <> c.responsible_user_id)
                """) == 0)
            // A coordination signal for each relationship that raises one (the caregiver coordinates), about that relationship.
            #expect(try await Self.count(sql, """
                SELECT COUNT(*) AS n FROM care_relationships WHERE carries_coordination OR tasks LIKE '%coordination%'
                """) == Self.count(sql, """
                SELECT COUNT(*) AS n FROM caregiver_tasks t JOIN care_relationships r ON r.id = t.subject_id AND r.caregiver_id = t.caregiver_id
                WHERE t.kind = '\(signal)'
                """))
            #expect(try await Self.count(sql, "SELECT COUNT(*) AS n FROM caregiver_tasks WHERE kind = '\(signal)'") > 0)
            // Invitations to meetings after the caregiver was known and not after today; reviews after their restriction.
            #expect(try await Self.count(sql, "SELECT COUNT(*) AS n FROM meeting_invitations") > 0)
            #expect(try await Self.count(sql, """
                SELECT COUNT(*) AS n FROM meeting_invitations m JOIN care_relationships r ON r.id = m.relationship_id
                JOIN caregivers c ON c.id = r.caregiver_id WHERE m.meeting_on < c.registered_on OR m.meeting_on > '\(today)'
                """) == 0)
            #expect(try await Self.count(sql, """
                SELECT COUNT(*) AS n FROM restriction_reviews v JOIN involvement_restrictions x ON x.id = v.restriction_id
                WHERE v.due_on <> x.review_on OR v.reviewed_on < x.decided_on OR v.reviewed_on > '\(today)' OR x.relationship_id <> v.relationship_id
                """) == 0)
        }
    }

    @Test("A generated organisation's statistics page and API answer its viewer, counting every caregiver generated")
    func statisticsOfAGeneratedOrganisation() async throws {
        try await withSynlig { app in
            let summary = try await SyntheticGenerator.run(app, Self.request(municipalities: 2, caregivers: 200))
            let largest = try #require(summary.organisations.max { $0.caregivers < $1.caregivers })
            let year = CalendarDate.today().year
            let api = try await APIClient.signedIn(app, SyntheticGenerator.viewerEmail(code: largest.code))
            let response = try await api.send(.GET, "/api/v1/statistics?period=\(year)")
            #expect(response.status == .ok)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(response.body.string.utf8)) as? [String: Any])
            #expect((json["identified"] as? [String: Any])?["count"] as? Int == largest.caregivers)
            #expect(!response.body.string.contains("Anhörig \(largest.code)-"))
            let viewer = Browser(app)
            try await viewer.signIn(SyntheticGenerator.viewerEmail(code: largest.code))
            #expect(try await viewer.get("/statistics?period=\(year)").status == .ok)
            let open = try await APIClient(app: app).send(.GET, "/api/v1/open-data/indicators")
            #expect(open.status == .ok)
            #expect(open.body.string.contains(#""municipality":"\#(largest.code)""#))
        }
    }

    @Test("A register and a worklist longer than the count's cap say 'more than', and page on to the end")
    func longListsCountToTheirCap() async throws {
        try await withSynlig { app in
            let summary = try await SyntheticGenerator.run(app, Self.request(municipalities: 1, caregivers: 1_060))
            let code = try #require(summary.organisations.first?.code)
            let consultant = Browser(app)
            try await consultant.signIn(SyntheticGenerator.consultantEmail(code: code))
            let first = try await consultant.get("/caregivers").body.string
            #expect(first.contains("Fler än 1\u{00A0}000 anhöriga som du får se."), "the register counts to its cap")
            #expect(first.contains("Nästa sida"))
            // Page 22 holds people 1,051–1,060: the last page, found past the cap, with no next.
            let last = try await consultant.post("/caregivers", form: [("q", ""), ("page", "22")]).body.string
            #expect(last.components(separatedBy: "<tr><td><a href=").count - 1 == 10)
            #expect(!last.contains("Nästa sida") && last.contains("Föregående sida"))
            let search = try await consultant.post("/caregivers", form: [("q", "Anhörig \(code)-10")]).body.string
            // -10, -100 … -109, -1000 … -1060: 1 + 10 + 61 people.
            #expect(search.contains("72 träffar."))
            // The people cared for open the same way: the first 200 names and a count to the cap.
            let recipients = try await consultant.get("/recipients").body.string
            #expect(recipients.contains("Fler än 1\u{00A0}000 närstående som du får se."))
            #expect(recipients.components(separatedBy: "<li><a href=\"/recipients/").count - 1 == RecipientController.shownAtMost)
            let api = try await APIClient.signedIn(app, SyntheticGenerator.consultantEmail(code: code))
            let page = try await api.send(.GET, "/api/v1/caregivers?per=10").decoded(API.Page<API.CaregiverSummary>.self)
            #expect(page.total == 1_060, "the API's total is exact")
            let tasks = try await Self.count(app.db as! any SQLDatabase, "SELECT COUNT(*) AS n FROM caregiver_tasks WHERE open")
            let worklist = try await consultant.get("/caregivers/worklist").body.string
            #expect(worklist.contains(tasks > WorklistController.countCap ? "Fler än 1\u{00A0}000 uppgifter." : "\(tasks) uppgifter."), "\(tasks)")
        }
    }

    @Test("synlig generate runs from the command line; a build without the demo target refuses")
    func command() async throws {
        try await withSynlig { app in
            await #expect(throws: (any Error).self) { try await runCommand(app, "generate", "--organisations", "2", "--caregivers", "40") }
            #expect(try await Organisation.query(on: app.db).count() == 0)
            app.syntheticData = NationalSyntheticData()
            try await runCommand(app, "generate", "--organisations", "2", "--regions", "1", "--caregivers", "40", "--seed", "3")
            #expect(try await Organisation.query(on: app.db).all().filter { $0.kind == .region }.count == 1)
            #expect(try await Caregiver.query(on: app.db).count() == 40)
            // Generated notes are sealed as any other: a start finds nothing waiting for reseal-texts.
            let census = try await SealedColumns.census(on: app.db)
            #expect(census.clear == 0 && census.byKey[TestDatabase.encryptionKey.id, default: 0] >= 40)
        }
    }
}
