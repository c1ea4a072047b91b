import Fluent
import Foundation
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

/// The indicators beside the breakdowns, on a register whose answers are known: who was in
/// contact during the period, and invitations to SIP meetings and whether the caregiver came.
@Suite("Statistics: contact during the period and invitations to meetings")
struct StatisticsIndicatorTests {
    /// A person cared for, a relationship with consent to planning and meetings, and a SIP
    /// invitation for the given day that the caregiver took part in.
    func invitedToSIP(_ app: Application, _ world: RecordWorld, _ caregiver: Caregiver, on day: String) async throws {
        let recipient = try await world.recipient(app, "Närstående till \(caregiver.name)", units: [world.unitA])
        let relationship = try await CaregiverService.saveRelationship(
            nil, caregiverID: caregiver.id, recipientID: recipient.id,
            RelationshipInput(livesTogether: false, tasks: [], carriesCoordination: false), by: world.consultant, on: app.db)
        let consentDay = try #require(CalendarDate("2026-01-15"))
        _ = try await ConsentService.record(
            relationshipID: try relationship.requireID(),
            ConsentInput(kind: ConsentEntryKind.consent.rawValue, categories: [ConsentCategory.planningAndMeetings.rawValue],
                         form: ConsentForm.oral.rawValue, date: consentDay.iso),
            by: world.consultant, on: app.db, today: consentDay)
        let invitation = try await ConsentService.invite(
            relationshipID: try relationship.requireID(), InvitationInput(kind: MeetingKind.coordinatedPlan.rawValue, meetingOn: day),
            by: world.consultant, on: app.db, today: consentDay)
        try await ConsentService.recordAttendance(invitationID: try invitation.requireID(), attendance: MeetingAttendance.tookPart.rawValue,
                                                  by: world.consultant, on: app.db)
    }

    @Test("Active: registered in the period or any dated contact in it, each caregiver once; invitations by attendance")
    func activeAndInvitations() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let tests = StatisticsTests()
            try await tests.register(app, world)
            let caregivers = try await Caregiver.query(on: app.db).sort(\.$name).all()
            func named(_ name: String) throws -> Caregiver { try #require(caregivers.first { $0.name == "Statistikperson \(name)" }) }
            // 2025's K0 has a conversation in 2026, twice; K1 begins support in 2026; K2 had a conversation in 2025 only.
            for day in ["2026-02-01", "2026-03-01"] {
                _ = try await FollowUpService.addConversation(caregiverID: try named("K0").requireID(), ConversationInput(heldOn: day, helpToCare: "Samtal om läget"),
                                                              by: world.consultant, on: app.db, today: try #require(CalendarDate(day)))
            }
            _ = try await FollowUpService.saveSupport(nil, caregiverID: try named("K1").requireID(), SupportInput(
                needKind: SupportNeedKind.respiteAtHome.rawValue, decision: SupportDecision.serviceSupport.rawValue, status: SupportStatus.given.rawValue,
                requestedOn: "2025-11-01", offeredOn: "2025-12-01", startedOn: "2026-01-10"), by: world.consultant, on: app.db)
            _ = try await FollowUpService.addConversation(caregiverID: try named("K2").requireID(), ConversationInput(heldOn: "2025-06-01", helpToCare: "Samtal om läget"),
                                                          by: world.consultant, on: app.db, today: try #require(CalendarDate("2025-06-01")))
            // The five men of 2025 are invited to a SIP meeting in 2026 and take part.
            for index in 0..<5 { try await invitedToSIP(app, world, try named("M\(index)"), on: "2026-04-0\(index + 1)") }

            let year = try await tests.report(app, world, "2026")
            // 8 registered in 2026, K0, K1 and the five men: 15 active; K2–K6 were not in contact.
            #expect(year.active == .count(15))
            let sip = try #require(year.activities.first { $0.kind == .sipInvitations })
            #expect(sip.total == .count(5))
            #expect(sip.categories.first { $0.key == MeetingAttendance.tookPart.rawValue }?.count == .count(5))
            #expect(sip.categories.first { $0.key == MeetingAttendance.didNotTakePart.rawValue }?.count == .count(0))
            let planning = try #require(year.activities.first { $0.kind == .planningInvitations })
            #expect(planning.total == .count(0))
            // In 2025 nobody was invited, and the 12 registered then were all in contact (they were new).
            let earlier = try await tests.report(app, world, "2025")
            #expect(earlier.active == .count(12))
            #expect(earlier.activities.first { $0.kind == .sipInvitations }?.total == .count(0))

            // The API and the page say the same.
            let api = try await APIClient.signedIn(app, world.viewer.email)
            let body = try await api.send(.GET, "/api/v1/statistics?period=2026")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(body.body.string.utf8)) as? [String: Any])
            #expect((json["active"] as? [String: Any])?["count"] as? Int == 15)
            let viewer = Browser(app)
            try await viewer.signIn(world.viewer.email)
            let html = try await viewer.get("/statistics?period=2026").body.string
            #expect(html.contains("<dt>Anhöriga med kontakt under perioden</dt><dd>15</dd>"))
            #expect(html.contains("Inbjudningar till samordnad individuell plan (SIP)"))
        }
    }

    @Test("Any two breakdowns crossed: each column adds up to the breakdown's published count, small cells withheld, bad choices refused")
    func crossTables() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let tests = StatisticsTests()
            try await tests.register(app, world)
            let api = try await APIClient.signedIn(app, world.viewer.email)
            func cross(_ query: String) async throws -> [String: Any] {
                let response = try await api.send(.GET, "/api/v1/statistics?period=2026&" + query)
                #expect(response.status == .ok)
                let json = try #require(try JSONSerialization.jsonObject(with: Data(response.body.string.utf8)) as? [String: Any])
                return try #require(json["crossTable"] as? [String: Any])
            }
            let age = try await cross("rows=ageBand&columns=gender")
            #expect(age["rowDimension"] as? String == "ageBand" && age["columnDimension"] as? String == "gender")
            let keys = try #require(age["columnKeys"] as? [String])
            let rows = AgeBand.allCases.map(\.rawValue).filter { $0 != "notStated" } + ["notStated"]
            func cell(_ band: String, _ gender: String) -> [String: Any]? {
                guard let row = rows.firstIndex(of: band), let column = keys.firstIndex(of: gender) else { return nil }
                return ((age["cells"] as? [[[String: Any]]])?[row])?[column]
            }
            // Women: seven born 1960 and five born 2001; both shown. Men: five born 1950 and three with no birth year.
            #expect(cell("from65to79", "woman")?["count"] as? Int == 7)
            #expect(cell("from25to44", "woman")?["count"] as? Int == 5)
            // The three men of April 2026 are fewer than the threshold, so "man" stays settled at
            // the five of 2025 and the three are in the rest; both are withheld (unit B's hidden
            // part of the rest is small), and a column whose count is withheld is not split.
            #expect(!keys.contains("man"))
            #expect(age["omittedColumns"] as? Bool == true)
            // A caregiver breakdown and a relationship breakdown count relationships, columns the relationship one.
            let turned = try await cross("rows=hoursBand&columns=gender")
            #expect(turned["rowDimension"] as? String == "gender" && turned["columnDimension"] as? String == "hoursBand")
            #expect(turned["unit"] as? String == "relationships")
            // One breakdown named, the other takes its documented default (rows gender, columns hours).
            let ageByHours = try await cross("rows=ageBand")
            #expect(ageByHours["rowDimension"] as? String == "ageBand" && ageByHours["columnDimension"] as? String == "hoursBand")
            let genderByRelation = try await cross("columns=relation")
            #expect(genderByRelation["rowDimension"] as? String == "gender" && genderByRelation["columnDimension"] as? String == "relation")
            #expect(try await api.send(.GET, "/api/v1/statistics?rows=gender&columns=gender").status == .badRequest)
            #expect(try await api.send(.GET, "/api/v1/statistics?rows=hoursBand").status == .badRequest)
            #expect(try await api.send(.GET, "/api/v1/statistics?rows=shoeSize&columns=gender").status == .badRequest)

            let viewer = Browser(app)
            try await viewer.signIn(world.viewer.email)
            let page = try await viewer.get("/statistics?period=2026&rows=ageBand&columns=gender")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("Ålder × kön (anhöriga)"))
            #expect(page.body.string.contains(#"<option value="ageBand" selected>"#))
        }
    }

    @Test("Contact requests by how soon they were handled, counted from tallies that outlive the requests' purge")
    func contactRequests() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let organisationID = try world.organisation.requireID()
            let received = try #require(ISO8601DateFormatter().date(from: "2026-03-01T10:00:00Z"))
            var requests: [ContactRequest] = []
            for index in 0..<10 {
                requests.append(try await ContactRequestService.receive(.init(name: "Förfrågan \(index)", reach: "070-000 00 0\(index)",
                                                                             about: "Vill ha kontakt", consent: true),
                                                                       organisationID: organisationID, now: received, on: app.db))
            }
            // Six handled the next day, two after nineteen days, two still open.
            for (index, request) in requests.prefix(8).enumerated() {
                try await ContactRequestService.close(try request.requireID(), reason: "Ringt upp", by: world.consultant, on: app.db,
                                                      today: try #require(CalendarDate(index < 6 ? "2026-03-02" : "2026-03-20")))
            }
            let tests = StatisticsTests()
            func handled() async throws -> [String: PublishedCount] {
                let report = try await tests.report(app, world, "2026")
                return Dictionary(uniqueKeysWithValues: (report.contactRequests?.categories ?? []).map { ($0.key, $0.count) })
            }
            var counts = try await handled()
            #expect(counts["within2Days"] == .count(6))
            #expect(counts["within30Days"] == .suppressed(.belowThreshold))
            #expect(counts["notYetHandled"] == .suppressed(.belowThreshold))
            #expect(try await tests.report(app, world, "2026").contactRequests?.total == .count(10))
            // The requests are purged; what statistics keep of them holds no name and stays.
            _ = try await ContactRequestService.purge(now: received.addingTimeInterval(400 * 86400), on: app.db)
            #expect(try await ContactRequest.query(on: app.db).count() == 0)
            counts = try await handled()
            #expect(counts["within2Days"] == .count(6))
            // A unit has no contact requests of its own.
            #expect(try await tests.report(app, world, "2026", unit: world.unitA).contactRequests == nil)
        }
    }

    @Test("Voluntariness by each question: wants, able, should not carry; checks asked the earlier way counted apart")
    func voluntarinessDimensions() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let tests = StatisticsTests()
            try await tests.register(app, world)
            let caregivers = try await Caregiver.query(on: app.db).sort(\.$name).all()
            let day = try #require(CalendarDate("2026-05-01"))
            // Six want to go on but cannot fully; five only say they want to; five answered the earlier single question.
            for caregiver in caregivers.prefix(6) {
                _ = try await FollowUpService.recordVoluntariness(caregiverID: try caregiver.requireID(), VoluntarinessInput(
                    wantsToContinue: "yes", ableToContinue: "partly", shouldNotCarry: "much", askedOn: day.iso), by: world.consultant, on: app.db, today: day)
            }
            for caregiver in caregivers.dropFirst(6).prefix(5) {
                _ = try await FollowUpService.recordVoluntariness(caregiverID: try caregiver.requireID(), VoluntarinessInput(
                    wantsToContinue: "yes", askedOn: day.iso), by: world.consultant, on: app.db, today: day)
            }
            for caregiver in caregivers.dropFirst(11).prefix(5) {
                _ = try await FollowUpService.recordVoluntariness(caregiverID: try caregiver.requireID(), VoluntarinessInput(
                    answer: "yes", askedOn: day.iso), by: world.consultant, on: app.db, today: day)
            }
            let report = try await tests.report(app, world, "2026")
            func table(_ kind: ActivityTable.Kind) -> [String: PublishedCount] {
                Dictionary(uniqueKeysWithValues: (report.activities.first { $0.kind == kind }?.categories ?? []).map { ($0.key, $0.count) })
            }
            #expect(table(.voluntarinessWants)["yes"] == .count(11))
            #expect(table(.voluntarinessWants)["notAsked"] == .count(5))
            #expect(table(.voluntarinessAble)["partly"] == .count(6))
            #expect(table(.voluntarinessAble)["notStated"] == .count(5))
            #expect(table(.voluntarinessShouldNotCarry)["much"] == .count(6))
            // The overall answer still counts every check: partly for the six, yes for the rest.
            #expect(table(.voluntariness)["partly"] == .count(6))
            #expect(table(.voluntariness)["yes"] == .count(10))
            let viewer = Browser(app)
            try await viewer.signIn(world.viewer.email)
            let html = try await viewer.get("/statistics?period=2026").body.string
            #expect(html.contains("Kan fortsätta med omsorgen"))
            #expect(html.contains("Frågat med den tidigare enda frågan"))
        }
    }

    @Test("Reviews of restrictions due in the period: held on time (kept or lifted), late, or not yet; one not due yet is not counted")
    func restrictionReviews() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            func day(_ iso: String) throws -> CalendarDate { try #require(CalendarDate(iso)) }
            func restrict(_ index: Int, _ group: String, decided: String, review: String) async throws -> UUID {
                let (_, _, relationship) = try await world.pair(app, "\(group) \(index)", caring: "Närstående \(group) \(index)", in: world.unitA)
                let restriction = try await ConsentService.restrict(relationshipID: try relationship.requireID(), RestrictionInput(
                    reason: RestrictionReason.suspectedViolence.rawValue, note: "", decidedOn: decided, reviewOn: review),
                    by: world.consultant, on: app.db, today: try day(decided))
                return try restriction.requireID()
            }
            for index in 0..<5 {
                // Reviewed before it was due and kept, then lifted before the next review was due: two on time.
                let kept = try await restrict(index, "I tid", decided: "2026-01-10", review: "2026-03-01")
                try await ConsentService.review(restrictionID: kept, reviewOn: "2026-09-01", by: world.consultant, on: app.db, today: try day("2026-02-20"))
                try await ConsentService.lift(restrictionID: kept, reason: "Utrett", by: world.consultant, on: app.db, today: try day("2026-08-01"))
                // Reviewed six weeks late, then the next review (due 1 October) is never held.
                let late = try await restrict(index, "Sent", decided: "2026-01-10", review: "2026-03-01")
                try await ConsentService.review(restrictionID: late, reviewOn: "2026-10-01", by: world.consultant, on: app.db, today: try day("2026-04-15"))
                // Due on 20 December: on 6 December it is neither late nor missed.
                _ = try await restrict(index, "Senare", decided: "2026-11-01", review: "2026-12-20")
            }
            let scope = StatisticsScope(organisationID: try world.organisation.requireID(), unitID: nil, period: try #require(StatisticsPeriod("2026")))
            let counts = try await StatisticsService.counts(scope, today: try day("2026-12-06"), on: app.db)
            let report = StatisticsReport(counts, scope: scope, policy: .standard, label: { $0 })
            let table = Dictionary(uniqueKeysWithValues: (report.activities.first { $0.kind == .restrictionReviews }?.categories ?? []).map { ($0.key, $0.count) })
            #expect(table["onTime"] == .count(10))
            #expect(table["late"] == .count(5))
            #expect(table["notReviewed"] == .count(5))
            #expect(try await RestrictionReview.query(on: app.db).count() == 25, "every review due, held or pending, is kept")
        }
    }

    @Test("Coordination signals to be acted on in the period: answered with a SIP invitation, handled otherwise, or open")
    func coordinationSignals() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let raised = try #require(CalendarDate("2026-03-01"))
            for index in 0..<15 {
                let caregiver = try await world.register(app, "Samordnare \(index)")
                let recipient = try await world.recipient(app, "Närstående \(index)", units: [world.unitA])
                // Three care contacts to keep together: the signal is raised, to be acted on within 14 days.
                let relationship = try await world.link(app, caregiver, recipient, contacts: ["Vårdcentralen", "Hemtjänsten", "Minnesmottagningen"],
                                                        today: raised)
                let caregiverID = try caregiver.requireID()
                let task = try #require(try await CaregiverTask.query(on: app.db).filter(\.$kind == .coordinationSignal)
                    .filter(\.$caregiverID == caregiverID).first())
                #expect(task.dueOn == "2026-03-15")
                switch index % 3 {
                case 0:
                    try await world.consent(app, relationship, ConsentCategory.allCases)
                    _ = try await world.invite(app, relationship)
                case 1: try await CaregiverTaskService.markDone(try task.requireID(), by: world.consultant, on: app.db)
                default: break
                }
            }
            let report = try await StatisticsTests().report(app, world, "2026")
            let table = Dictionary(uniqueKeysWithValues: (report.activities.first { $0.kind == .coordinationSignals }?.categories ?? []).map { ($0.key, $0.count) })
            #expect(table["sipInvited"] == .count(5))
            #expect(table["handledOtherwise"] == .count(5))
            #expect(table["open"] == .count(5))
            let other = try await StatisticsTests().report(app, world, "2025")
            #expect(other.activities.first { $0.kind == .coordinationSignals }?.total == .count(0), "signals belong to the period they were due in")
        }
    }

    @Test("The migration gives each restriction in force one pending review, due on the date it names, and none to a lifted one")
    func restrictionReviewsBackfilled() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let (_, _, inForce) = try await world.pair(app, "Kvar", caring: "Närstående Kvar", in: world.unitA)
            let (_, _, lifted) = try await world.pair(app, "Hävd", caring: "Närstående Hävd", in: world.unitA)
            let kept = try await world.restrict(app, inForce, by: world.consultant)
            let gone = try await world.restrict(app, lifted, by: world.consultant)
            try await ConsentService.lift(restrictionID: try gone.requireID(), reason: "Utrett", by: world.consultant, on: app.db)
            // As a database from before the reviews were kept: the table made anew.
            try await CreateRestrictionReviews().revert(on: app.db)
            try await CreateRestrictionReviews().prepare(on: app.db)
            let reviews = try await RestrictionReview.query(on: app.db).all()
            #expect(reviews.map(\.restrictionID) == [try kept.requireID()])
            #expect(reviews.first?.dueOn == kept.reviewOn && reviews.first?.reviewedOn == nil)
        }
    }

    @Test("Voluntariness follow-ups on time or late, by the day the follow-up was due; a check entered for an earlier day has none")
    func voluntarinessOnTime() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let tests = StatisticsTests()
            func ask(_ caregiver: Caregiver, on day: String, entered: String? = nil) async throws {
                let asked = try #require(CalendarDate(day))
                _ = try await FollowUpService.recordVoluntariness(caregiverID: try caregiver.requireID(), VoluntarinessInput(
                    wantsToContinue: "yes", ableToContinue: "yes", askedOn: asked.iso), by: world.consultant, on: app.db,
                    today: try #require(CalendarDate(entered ?? day)))
            }
            for index in 0..<5 {
                // Registered on 10 January: the first follow-up is due that day and held that day.
                let caregiver = try await tests.caregiver(app, world, "I tid \(index)", on: "2026-01-10", gender: .woman)
                try await ask(caregiver, on: "2026-01-10")
                // The next is due six months on, 10 July, and is held on 1 September: late.
                try await ask(caregiver, on: "2026-09-01")
                // A check for 5 January entered afterwards answers no follow-up that was due.
                try await ask(caregiver, on: "2026-01-05", entered: "2026-09-02")
            }
            let report = try await tests.report(app, world, "2026")
            let table = Dictionary(uniqueKeysWithValues: (report.activities.first { $0.kind == .voluntarinessOnTime }?.categories ?? []).map { ($0.key, $0.count) })
            #expect(table["onTime"] == .count(5))
            #expect(table["late"] == .count(5))
            #expect(table["noDueDate"] == .count(5))
        }
    }
}
