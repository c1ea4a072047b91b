import Fluent
import SQLKit
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

@Suite("Gallring of caregivers' files")
struct CaregiverFileRetentionTests {
    /// Moves every written time of every registry table back to `date`, as if all of it had
    /// been written then.
    private func age(_ app: Application, to date: Date) async throws {
        let sql = try #require(app.db as? any SQLDatabase)
        for table in PersonalDataRegistry.aboutPeople {
            for column in try await DialectSQL.columns(of: table.name, on: sql).map(\.name) where ["created_at", "updated_at"].contains(column) {
                try await sql.update(table.name).set(SQLIdentifier(column), to: SQLBind(date)).run()
            }
        }
    }

    @Test("A file five years past its last entry is purged with everything linked to it; a newer entry, or a birth on the 15th, keeps it")
    func purgesWhatTheRuleSays() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let (old, recipient, relationship) = try await world.pair(app, "Gamla Akten", caring: "Olle Kvar", in: world.unitA)
            try await world.consent(app, relationship, [.healthCondition])
            _ = try await FollowUpService.addMemo(caregiverID: try old.requireID(), text: "Gammal anteckning", by: world.consultant, on: app.db)
            _ = try await FollowUpService.addConversation(caregiverID: try old.requireID(), ConversationInput(heldOn: "2019-05-02", helpToCare: "Avlösning"),
                                                          by: world.consultant, on: app.db)
            let (recent, _, _) = try await world.pair(app, "Nyare Akten", caring: "Stina Kvar", in: world.unitA)
            try await world.register(app, "Forskningsakten", pin: "194005159878")
            let today = CalendarDate.today()
            try await age(app, to: today.addingMonths(-12 * 6).startInSweden)
            // The second file has an entry only a year old: it is not due.
            _ = try await FollowUpService.addConversation(caregiverID: try recent.requireID(), ConversationInput(heldOn: today.iso, helpToCare: "Ny"),
                                                          by: world.consultant, on: app.db)
            let sql = try #require(app.db as? any SQLDatabase)
            try await sql.update("caregiver_conversations").set("created_at", to: SQLBind(today.addingMonths(-12).startInSweden))
                .where("caregiver_id", .equal, SQLBind(try recent.requireID())).run()

            let plan = try await FileRetentionService.plan(today: today, on: app.db)
            #expect(plan.due == [try old.requireID()])
            #expect(plan.keptForResearch == 1)

            // The dry run says so and changes nothing.
            try await runCommand(app, "purge", "--dry-run")
            #expect(try await Caregiver.query(on: app.db).count() == 3)
            #expect(try await JobRun.query(on: app.db).count() == 0)

            try await runCommand(app, "purge")
            let left = try await Caregiver.query(on: app.db).all().map(\.name).sorted()
            #expect(left == ["Forskningsakten", "Nyare Akten"])
            let oldID = try old.requireID()
            #expect(try await MemoNote.query(on: app.db).filter(\.$caregiverID == oldID).count() == 0)
            #expect(try await CareRelationship.query(on: app.db).filter(\.$caregiverID == oldID).count() == 0)
            #expect(try await ConsentRecord.query(on: app.db).filter(\.$relationshipID == (try relationship.requireID())).count() == 0)
            // The person cared for has a file of their own: it goes by its own rule, once no
            // caregiver's file names them and their own entries are as old (here, in the same run).
            #expect(try await CareRecipient.find(try recipient.requireID(), on: app.db) == nil)
            #expect(try await JobRun.query(on: app.db).filter(\.$job == "purge-recipient-files").first()?.affected == 1)
            // The run is recorded with the count, and the audit trail names no one purged.
            let run = try #require(try await JobRun.query(on: app.db).filter(\.$job == "purge-caregiver-files").first())
            #expect(run.affected == 1 && run.outcome == .succeeded)
            #expect(try await AuditTrail.verify(on: app.db) == nil)
        }
    }

    @Test("A file about a person cared for goes once no caregiver's file names them and their own last entry is as old; not before")
    func recipientsFiles() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            // Olle's only caregiver's file is due; Stina's caregiver has a new entry; Maja has no
            // caregiver at all but a recent entry of her own.
            let (_, olle, _) = try await world.pair(app, "Gamla Akten", caring: "Olle Kvar", in: world.unitA)
            let (recent, stina, _) = try await world.pair(app, "Nyare Akten", caring: "Stina Kvar", in: world.unitA)
            let maja = try await world.recipient(app, "Maja Ensam", units: [world.unitA])
            let today = CalendarDate.today()
            try await age(app, to: today.addingMonths(-12 * 6).startInSweden)
            _ = try await FollowUpService.addConversation(caregiverID: try recent.requireID(), ConversationInput(heldOn: today.iso, helpToCare: "Ny"),
                                                          by: world.consultant, on: app.db)
            let sql = try #require(app.db as? any SQLDatabase)
            try await sql.update(CareRecipient.schema).set("created_at", to: SQLBind(today.addingMonths(-12).startInSweden))
                .where("id", .equal, SQLBind(try maja.requireID())).run()
            // While a caregiver's file names Olle, his file is kept with it.
            #expect(try await FileRetentionService.recipientsDue(today: today, on: app.db).isEmpty)

            try await runCommand(app, "purge")
            let left = try await CareRecipient.query(on: app.db).all().map(\.name).sorted()
            #expect(left == ["Maja Ensam", "Stina Kvar"], "Olle's file went after his caregiver's; Stina is named, Maja's entry is recent")
            #expect(try await CareRecipientUnit.query(on: app.db).filter(\.$recipientID == (try olle.requireID())).count() == 0)
            #expect(try await CareRecipient.find(try stina.requireID(), on: app.db) != nil)
            let run = try #require(try await JobRun.query(on: app.db).filter(\.$job == "purge-recipient-files").first())
            #expect(run.affected == 1 && run.outcome == .succeeded)
            #expect(try await AuditTrail.verify(on: app.db) == nil)
        }
    }

    @Test("An exempt file is kept when due and purged again once the exemption is lifted; setting it is no entry in the file")
    func exemption() async throws {
        try await withSynlig { app in
            let world = try await RecordWorld.make(app)
            let (file, _, _) = try await world.pair(app, "Undantagna Akten", caring: "Ulla Kvar", in: world.unitA)
            let id = try file.requireID()
            let today = CalendarDate.today()
            try await age(app, to: today.addingMonths(-12 * 6).startInSweden)
            #expect(try await FileRetentionService.plan(today: today, on: app.db).due == [id])

            // The consultant exempts it on the page: the archive authority decided to keep it.
            let karin = Browser(app)
            try await karin.signIn(world.consultant.email)
            #expect(try await karin.get("/caregivers/\(id)").body.string.contains("href=\"/caregivers/\(id)/retention\""))
            let form = try await karin.get("/caregivers/\(id)/retention")
            #expect(form.status == .ok && form.body.string.contains("Inget undantag: akten gallras när den är tid"))
            let saved = try await karin.post("/caregivers/\(id)/retention", form: [("exemption", "archiveDecision")])
            #expect(saved.headers.first(name: .location) == "/caregivers/\(id)")
            #expect(try await karin.get("/caregivers/\(id)").body.string.contains("Undantagen från gallring: Arkivmyndigheten har beslutat att akten ska bevaras"))
            var plan = try await FileRetentionService.plan(today: today, on: app.db)
            #expect(plan.due.isEmpty && plan.keptExempt == 1)
            try await runCommand(app, "purge")
            #expect(try await Caregiver.find(id, on: app.db) != nil)

            // Through the API: case officers may not; a value not on the list is refused; null lifts it.
            let hassan = try await APIClient.signedIn(app, world.caseOfficerB.email)
            #expect(try await hassan.send(.POST, "/api/v1/caregivers/\(id)/retention-exemption", json: #"{"exemption": null}"#).status == .forbidden)
            let api = try await APIClient.signedIn(app, world.consultant.email)
            #expect(try await api.send(.POST, "/api/v1/caregivers/\(id)/retention-exemption", json: #"{"exemption": "forever"}"#).status == .unprocessableEntity)
            let lifted = try await api.send(.POST, "/api/v1/caregivers/\(id)/retention-exemption", json: #"{"exemption": null}"#)
            #expect(lifted.status == .ok && lifted.body.string.contains(#""exemption":null"#))
            // Lifting it is no new entry either: the file is due at once.
            plan = try await FileRetentionService.plan(today: today, on: app.db)
            #expect(plan.due == [id] && plan.keptExempt == 0)
            let actions = try await AuditEvent.query(on: app.db).filter(\.$recordID == id.uuidString).all().map(\.action)
            #expect(actions.contains("caregiver.retention_exempt.archiveDecision") && actions.contains("caregiver.retention_exempt_lifted"))
        }
    }

    @Test("An organisation that decided to keep every file keeps its caregivers' and its people's files; another's are purged; set in the form, cleared in the API, both audited")
    func keptByDecision() async throws {
        try await withSynlig { app in
            let a = try await RecordWorld.make(app)
            let b = try await RecordWorld.make(app, name: "Bkommun", code: "0181")
            let (keptCaregiver, _, _) = try await a.pair(app, "Bevarad Akt", caring: "Olle Bevarad", in: a.unitA)
            let (purgedCaregiver, _, _) = try await b.pair(app, "Gallrad Akt", caring: "Olle Gallrad", in: b.unitA)
            let keptAlone = try await a.recipient(app, "Ensam Bevarad", units: [a.unitA])
            let purgedAlone = try await b.recipient(app, "Ensam Gallrad", units: [b.unitA])
            let today = CalendarDate.today()
            try await age(app, to: today.addingMonths(-12 * 6).startInSweden)
            #expect(try await FileRetentionService.plan(today: today, on: app.db).due.count == 2)

            // The decision is entered on the settings page, as a browser sends the form.
            let karin = Browser(app)
            try await karin.signIn(a.consultant.email)
            let decision = "Arkivmyndighetens beslut 2026-03-01, dnr KS 2026/45"
            #expect(try await karin.submitForm(on: SiteURL.caregiverSettings.path, typing: [("keepFilesDecision", decision)]).status == .seeOther)
            let plan = try await FileRetentionService.plan(today: today, on: app.db)
            #expect(plan.due == [try purgedCaregiver.requireID()] && plan.keptByDecision == 1)
            let recipients = try await FileRetentionService.recipientPlan(today: today, on: app.db)
            #expect(recipients.due == [try purgedAlone.requireID()] && recipients.keptByDecision == 1, "the dry run counts the person kept too")
            try await runCommand(app, "purge")
            #expect(try await Caregiver.find(try keptCaregiver.requireID(), on: app.db) != nil)
            #expect(try await CareRecipient.find(try keptAlone.requireID(), on: app.db) != nil)
            #expect(try await Caregiver.find(try purgedCaregiver.requireID(), on: app.db) == nil)
            #expect(try await CareRecipient.find(try purgedAlone.requireID(), on: app.db) == nil)
            let kept = try await AuditEvent.query(on: app.db).filter(\.$action == "retention.keep_all_files").all()
            #expect(kept.count == 1 && kept.first?.organisationID == a.organisation.id)
            #expect(kept.first?.recordID?.contains("Arkiv") == false, "the trail records ids, not the decision's text")
            // Nor is a file erased on request while the decision stands.
            let erasure = try await karin.post(SiteURL.caregiverPart(try keptCaregiver.requireID(), .erase).path,
                                               form: [("reason", ErasureReason.registeredByMistake.rawValue), ("confirm", "on")])
            #expect(erasure.status == .conflict)
            #expect(erasure.body.string.contains("bevarar alla akter"))
            #expect(try await Caregiver.find(try keptCaregiver.requireID(), on: app.db) != nil)

            // The API shows it; leaving it out of a PUT is refused rather than read as an end; null ends it.
            let api = try await APIClient.signedIn(app, a.consultant.email)
            let shown = try await api.send(.GET, "/api/v1/caregiver-settings")
            #expect(try shown.content.decode(API.CaregiverSettingsOut.self).keepFilesDecision == decision)
            let settings = #"{"voluntarinessMonths":6,"memoRetentionDays":30,"consentReviewMonths":12,"contactRequestUnhandledDays":90,"contactRequestClosedDays":30,"version":2"#
            #expect(try await api.send(.PUT, "/api/v1/caregiver-settings", json: settings + "}").status == .badRequest)
            #expect(try await FileRetentionService.plan(today: today, on: app.db).keptByDecision == 1)
            let disguised = try await api.send(.PUT, "/api/v1/caregiver-settings", json: settings + #","keepFilesDecision":"Beslut\u202Ednr 45"}"#)
            #expect(disguised.status == .unprocessableEntity)
            let changed = try await api.send(.PUT, "/api/v1/caregiver-settings", json: settings + #","keepFilesDecision":"Nytt beslut, dnr KS 2026/99"}"#)
            #expect(changed.status == .ok)
            #expect(try changed.content.decode(API.CaregiverSettingsOut.self).keepFilesDecision == "Nytt beslut, dnr KS 2026/99")
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "retention.keep_all_files").count() == 2,
                    "a new decision is audited; the refused one is not")
            let ended = settings.replacingOccurrences(of: #""version":2"#, with: #""version":3"#) + #","keepFilesDecision":null}"#
            #expect(try await api.send(.PUT, "/api/v1/caregiver-settings", json: ended).status == .ok)
            #expect(try await FileRetentionService.plan(today: today, on: app.db).due == [try keptCaregiver.requireID()])
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "retention.purge_files").count() == 1)
        }
    }

    @Test("A settings form opened before a colleague recorded a keep decision cannot end it: 409, what was typed shown again, the decision stands")
    func staleSettingsFormKeepsTheDecision() async throws {
        try await withSynlig { app in
            let a = try await RecordWorld.make(app)
            try await makeUser(app, in: a.organisation, email: "admin@aby.se", roles: [.admin])
            let karin = Browser(app)
            try await karin.signIn(a.consultant.email)
            var opened = try BrowserForm(html: try await karin.get(SiteURL.caregiverSettings.path).body.string, action: SiteURL.caregiverSettings.path)
            try opened.fill("memoRetentionDays", "14")

            let admin = Browser(app)
            try await admin.signIn("admin@aby.se")
            let decision = "Arkivmyndighetens beslut, dnr KS 2026/45"
            #expect(try await admin.submitForm(on: SiteURL.caregiverSettings.path, typing: [("keepFilesDecision", decision)]).status == .seeOther)

            let stale = try await karin.post(SiteURL.caregiverSettings.path, form: opened.fields.map { ($0.name, $0.value) }, includeCSRF: false)
            #expect(stale.status == .conflict)
            #expect(stale.body.string.contains("Någon annan har ändrat"))
            #expect(stale.body.string.contains(#"value="14""#), "what Karin typed is shown again")
            let saved = try await CaregiverSettingsController.current(try a.organisation.requireID(), on: app.db)
            #expect(saved.keepFilesDecision == decision && saved.memoRetentionDays == 30 && saved.version == 2)

            // Reloaded, the form carries the decision and Karin's change saves on top of it.
            #expect(try await karin.submitForm(on: SiteURL.caregiverSettings.path, typing: [("memoRetentionDays", "14")]).status == .seeOther)
            let after = try await CaregiverSettingsController.current(try a.organisation.requireID(), on: app.db)
            #expect(after.keepFilesDecision == decision && after.memoRetentionDays == 14 && after.version == 3)
        }
    }
}
