import Fluent
import Foundation
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

/// Group support's occasions, sign-ups and attendance: only group offerings get occasions, only
/// coming occasions take sign-ups, attendance is marked from the day on, every change is
/// audited, reads are access-logged, lists are purged after twelve months, and the caregiver's
/// register extract shows their sign-ups.
@Suite("Sign-up and attendance for group support")
struct GroupAttendanceTests {
    func offering(_ app: Application, _ world: RecordWorld, _ name: String, kind: SupportKind) async throws -> SupportOffering {
        try await SupportService.save(nil, SupportCatalogueTests().offering(name, kind: kind), by: world.consultant, on: app.db)
    }

    func occasion(_ app: Application, _ world: RecordWorld, _ offering: SupportOffering, on day: CalendarDate,
                  today: CalendarDate = .today()) async throws -> GroupOccasion {
        try await GroupSupportService.createOccasion(OccasionInput(offeringId: try offering.requireID().uuidString, heldOn: day.iso,
                                                                   startsAt: "18:00"), by: world.consultant, on: app.db, today: today)
    }

    @Test("Only group offerings get occasions; a past occasion takes no sign-up; a caregiver signs up once; attendance from the day on")
    func attendanceWorkflow() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let group = try await offering(app, world, "Anhöriggrupp demens", kind: .supportGroup)
            let respite = try await offering(app, world, "Avlösning i hemmet", kind: .respiteAtHome)
            let today = CalendarDate.today()

            let notGroup = await refusal { try await occasion(app, world, respite, on: today.addingDays(7)) }
            #expect(notGroup?.fieldProblems.map(\.messageKey) == ["occasion.not_group"])
            let past = await refusal { try await occasion(app, world, group, on: today.addingDays(-1)) }
            #expect(past?.fieldProblems.map(\.messageKey) == ["occasion.held_on_past"])
            let badTime = await refusal {
                try await GroupSupportService.createOccasion(OccasionInput(offeringId: try group.requireID().uuidString, heldOn: today.iso,
                                                                           startsAt: "25:00"), by: world.consultant, on: app.db)
            }
            #expect(badTime?.fieldProblems.map(\.field) == ["startsAt"])

            // Planned a week ahead, held today.
            let meeting = try await occasion(app, world, group, on: today, today: today.addingDays(-7))
            let lena = try await world.register(app, "Lena Nilsson")
            let olle = try await world.register(app, "Olle Svensson")
            let signUp = try await GroupSupportService.signUp(occasionID: meeting.requireID(), caregiverID: lena.id, by: world.consultant,
                                                              on: app.db, today: today.addingDays(-7))
            #expect(signUp.attendance == .notMarked)
            let twice = await refusal {
                try await GroupSupportService.signUp(occasionID: meeting.requireID(), caregiverID: lena.id, by: world.consultant, on: app.db)
            }
            #expect(twice?.messageKey == "occasion.already_signed_up")
            #expect(twice?.status == .conflict)

            // Marked before the day: refused; on the day: kept, and audited.
            let early = await refusal {
                try await GroupSupportService.mark(signUpID: signUp.requireID(), attendance: "present", by: world.consultant, on: app.db,
                                                   today: today.addingDays(-1))
            }
            #expect(early?.messageKey == "occasion.attendance_before")
            let marked = try await GroupSupportService.mark(signUpID: signUp.requireID(), attendance: "present", by: world.consultant, on: app.db)
            #expect(marked.attendance == .present)
            #expect(await refusal {
                try await GroupSupportService.mark(signUpID: signUp.requireID(), attendance: "late", by: world.consultant, on: app.db)
            }?.fieldProblems.map(\.field) == ["attendance"])

            // The day after, nobody can sign up for it any more.
            let afterwards = await refusal {
                try await GroupSupportService.signUp(occasionID: meeting.requireID(), caregiverID: olle.id, by: world.consultant, on: app.db,
                                                     today: today.addingDays(1))
            }
            #expect(afterwards?.messageKey == "occasion.sign_up_past")

            // Staff of unit A see only caregivers linked to their unit: Olle is not one of them.
            #expect(await refusal {
                try await GroupSupportService.signUp(occasionID: meeting.requireID(), caregiverID: olle.id, by: world.staffA, on: app.db,
                                                     today: today.addingDays(-1))
            }?.status == .notFound)
            let actions = try await auditActions(app)
            #expect(actions.filter { $0 == "group_occasion.create" }.count == 1)
            #expect(actions.filter { $0 == "group_sign_up.create" }.count == 1)
            #expect(actions.filter { $0 == "group_attendance.present" }.count == 1)
        }
    }

    @Test("Pages as a browser submits them: an occasion is added, a caregiver signed up from the record, attendance marked, reads logged")
    func pagesEndToEnd() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let group = try await offering(app, world, "Anhörigcirkel", kind: .education)
            _ = try await offering(app, world, "Korttidsboende", kind: .shortStay)
            let lena = try await world.register(app, "Lena Nilsson")
            let browser = Browser(app)
            try await browser.signIn("karin@0180.test.se")

            // The form offers group support only, and an untouched select chooses nothing.
            let form = try BrowserForm(html: try await browser.get("/support/occasions/new").body.string, action: "/support/occasions/new")
            #expect(form.options["offeringId"] == ["", try group.requireID().uuidString])
            let untouched = try await browser.submitForm(on: "/support/occasions/new")
            #expect(untouched.status == .unprocessableEntity)
            let today = CalendarDate.today()
            let added = try await browser.submitForm(on: "/support/occasions/new", typing: [
                ("offeringId", try group.requireID().uuidString), ("heldOn", today.iso), ("startsAt", "09:30")])
            #expect(added.status == .seeOther, "\(added.body.string.prefix(300))")
            let occasionPath = try #require(added.headers.first(name: .location))
            let occasion = try #require(try await GroupOccasion.query(on: app.db).first())
            #expect(occasion.startsAt == "09:30")

            let recordForm = "/caregivers/\(try lena.requireID())/group-sign-ups"
            let signedUp = try await browser.submitForm(on: recordForm, typing: [("occasionId", try occasion.requireID().uuidString)])
            #expect(signedUp.status == .seeOther)
            let record = try await browser.get("/caregivers/\(try lena.requireID())").body.string
            #expect(record.contains("Anhörigcirkel"))
            #expect(record.contains("Inte markerad"))
            let again = try await browser.submitForm(on: recordForm, typing: [("occasionId", try occasion.requireID().uuidString)])
            #expect(again.status == .conflict)
            #expect(again.body.string.contains("redan anmäld"))

            let before = try await AccessLogEntry.query(on: app.db).filter(\.$recordID == lena.requireID()).count()
            let page = try await browser.get(occasionPath).body.string
            #expect(page.contains("Lena Nilsson"))
            #expect(try await AccessLogEntry.query(on: app.db).filter(\.$recordID == lena.requireID()).count() == before + 1)
            let signUp = try #require(try await GroupSignUp.query(on: app.db).first())
            let field = "attendance-\(try signUp.requireID().uuidString)"
            // Untouched, the list keeps "not marked"; then one is marked present.
            _ = try await browser.submitForm(on: occasionPath, action: occasionPath + "/attendance")
            #expect(try await GroupSignUp.find(signUp.id, on: app.db)?.attendance == .notMarked)
            let saved = try await browser.submitForm(on: occasionPath, action: occasionPath + "/attendance", typing: [(field, "present")])
            #expect(saved.status == .seeOther)
            #expect(try await GroupSignUp.find(signUp.id, on: app.db)?.attendance == .present)
            #expect(try await auditActions(app).filter { $0.hasPrefix("group_attendance.") } == ["group_attendance.present"])
        }
    }

    @Test("The API adds an occasion, signs up, marks attendance; a non-group offering is 422, a repeated sign-up 409")
    func api() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let group = try await offering(app, world, "Träffpunkt", kind: .meetingPlace)
            let respite = try await offering(app, world, "Avlösning", kind: .respiteAtHome)
            let lena = try await world.register(app, "Lena Nilsson")
            let api = try await APIClient.signedIn(app, "karin@0180.test.se")
            let today = CalendarDate.today().iso
            let refused = try await api.send(.POST, "/api/v1/group-occasions",
                                             json: json(["offeringId": try respite.requireID().uuidString, "heldOn": today, "startsAt": "10:00"]))
            #expect(refused.status == .unprocessableEntity)
            let created = try await api.send(.POST, "/api/v1/group-occasions",
                                             json: json(["offeringId": try group.requireID().uuidString, "heldOn": today, "startsAt": "10:00"]))
            #expect(created.status == .created)
            let occasion = try created.decoded(API.GroupOccasionOut.self)
            let signUp = try await api.send(.POST, "/api/v1/group-occasions/\(occasion.id)/sign-ups",
                                            json: json(["caregiverId": try lena.requireID().uuidString]))
            #expect(signUp.status == .created)
            let signUpID = try signUp.decoded(API.GroupSignUpOut.self).id
            #expect(try await api.send(.POST, "/api/v1/group-occasions/\(occasion.id)/sign-ups",
                                       json: json(["caregiverId": try lena.requireID().uuidString])).status == .conflict)
            let marked = try await api.send(.PUT, "/api/v1/group-sign-ups/\(signUpID)/attendance", json: json(["attendance": "absent"]))
            #expect(marked.status == .ok)
            #expect(try marked.decoded(API.GroupSignUpOut.self).attendance == .absent)
            let detail = try await api.send(.GET, "/api/v1/group-occasions/\(occasion.id)")
            #expect(try detail.decoded(API.GroupOccasionDetail.self).signUps.map(\.caregiverName) == ["Lena Nilsson"])
            let list = try await api.send(.GET, "/api/v1/group-occasions")
            #expect(try list.decoded([API.GroupOccasionOut].self).map(\.signedUp) == [1])
        }
    }

    @Test("The statistics count sign-ups for group support held in the period by attendance, withheld like every count")
    func statisticsCountAttendance() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let group = try await offering(app, world, "Anhöriggrupp demens", kind: .supportGroup)
            let held = try #require(CalendarDate("2026-03-10")), planned = try #require(CalendarDate("2026-03-01"))
            let meeting = try await occasion(app, world, group, on: held, today: planned)
            for index in 0..<11 {
                let caregiver = try await world.register(app, "Gruppdeltagare \(index)", today: planned)
                let signUp = try await GroupSupportService.signUp(occasionID: meeting.requireID(), caregiverID: caregiver.id,
                                                                  by: world.consultant, on: app.db, today: planned)
                _ = try await GroupSupportService.mark(signUpID: signUp.requireID(), attendance: index < 6 ? "present" : "absent",
                                                       by: world.consultant, on: app.db, today: held)
            }
            let year = try await StatisticsTests().report(app, world, "2026")
            let table = try #require(year.activities.first { $0.kind == .groupAttendance })
            let counts = Dictionary(uniqueKeysWithValues: table.categories.map { ($0.key, $0.count) })
            #expect(counts["present"] == .count(6))
            #expect(counts["absent"] == .count(5))
            #expect(counts["notMarked"] == .count(0))
            #expect(table.total == .count(11))
            let otherQuarter = try await StatisticsTests().report(app, world, "2026-Q2")
            #expect(otherQuarter.activities.first { $0.kind == .groupAttendance }?.total == .count(0), "a sign-up belongs to the period its occasion was held in")
        }
    }

    @Test("Attendance lists are purged twelve months after the occasion; the register extract shows a caregiver's sign-ups")
    func purgeAndExtract() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let group = try await offering(app, world, "Anhöriggrupp", kind: .supportGroup)
            let lena = try await world.register(app, "Lena Nilsson")
            let today = CalendarDate.today()
            let old = try await occasion(app, world, group, on: today.addingMonths(-13), today: today.addingMonths(-14))
            let recent = try await occasion(app, world, group, on: today.addingMonths(-11), today: today.addingMonths(-12))
            for occasion in [old, recent] {
                _ = try await GroupSupportService.signUp(occasionID: occasion.requireID(), caregiverID: lena.id, by: world.consultant, on: app.db,
                                                         today: CalendarDate(occasion.heldOn)!.addingDays(-1))
            }
            let extract = try await RegisterExtractService.make(.caregiver, id: try lena.requireID(),
                                                                organisationID: try world.organisation.requireID(), on: app.db)
            let section = try #require(extract.sections.first { $0.table == "group_sign_ups" })
            #expect(section.rows.count == 2)
            #expect(extract.names.values.contains { $0.hasPrefix("Anhöriggrupp \(old.heldOn)") })

            #expect(try await GroupSupportService.purgeable(on: app.db).count() == 1)
            #expect(try await GroupSupportService.purge(on: app.db) == 1)
            #expect(try await GroupSignUp.query(on: app.db).all().map(\.occasionID) == [try recent.requireID()])
            #expect(try await GroupOccasion.query(on: app.db).count() == 1)
            #expect(try await auditActions(app).contains("group_sign_up.purge"))
        }
    }
}
