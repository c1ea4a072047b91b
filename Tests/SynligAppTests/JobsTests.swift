import Fluent
import NIOConcurrencyHelpers
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

/// Scheduled jobs as an operator of several instances sees them: each period runs once, every
/// run is recorded and audited, a failure is tried again at the next tick, and administrators
/// can read it all.
@Suite("Scheduled jobs")
struct JobsTests {
    /// A job whose runs are counted; it fails while `failing` is above zero.
    final class Probe: Sendable {
        let runs = NIOLockedValueBox(0)
        let failing: NIOLockedValueBox<Int>
        let pause: Duration

        init(failing: Int = 0, pause: Duration = .zero) {
            self.failing = NIOLockedValueBox(failing)
            self.pause = pause
        }

        struct Failure: Error, CustomStringConvertible {
            var description: String { "could not purge the notes of anna@test.se" }
        }

        func job(_ name: String = "probe", interval: TimeInterval = 3600) -> ScheduledJob {
            ScheduledJob(name: name, interval: interval) { _ in
                self.runs.withLockedValue { $0 += 1 }
                if self.pause > .zero { try await Task.sleep(for: self.pause) }
                let fail = self.failing.withLockedValue { left in
                    defer { left = max(0, left - 1) }
                    return left > 0
                }
                if fail { throw Failure() }
                return 7
            }
        }

        var count: Int { runs.withLockedValue { $0 } }
    }

    static func runs(of job: String, on db: any Database) async throws -> [JobRun] {
        try await JobRun.query(on: db).filter(\.$job == job).sort(\.$startedAt).all()
    }

    @Test("Every run is recorded with its instance, times and counts, audited, and not repeated within its period")
    func runsAreRecordedAndAudited() async throws {
        try await withSynlig { app in
            let now = Date()
            try await LoginAttempt(keyHash: "old", occurredAt: now.addingTimeInterval(-2 * 86400), succeeded: false).create(on: app.db)
            try await LoginAttempt(keyHash: "new", occurredAt: now, succeeded: false).create(on: app.db)
            let token = try #require(try await SetupController.issueTokenIfEmpty(on: app.db))
            try await SetupToken.query(on: app.db).set(\.$expiresAt, to: now.addingTimeInterval(-1)).update()
            _ = token

            let ran = await Jobs.runDue(app, instance: "host-a-1-cafe")
            #expect(Set(ran) == Set(Jobs.all.map(\.name)))
            #expect(try await LoginAttempt.query(on: app.db).all(\.$keyHash) == ["new"])

            let runs = try await JobRun.query(on: app.db).all()
            #expect(runs.count == Jobs.all.count)
            for run in runs {
                #expect(run.outcome == .succeeded)
                #expect(run.instance == "host-a-1-cafe")
                #expect(run.trigger == .schedule)
                #expect(run.failure == nil)
                let finished = try #require(run.finishedAt)
                #expect(finished >= run.startedAt)
                // The claim and the times come from the database's clock, which agrees with ours here.
                #expect(abs(run.startedAt.timeIntervalSince(now)) < 60)
            }
            let affected = Dictionary(uniqueKeysWithValues: runs.map { ($0.job, $0.affected) })
            #expect(affected["purge-login-attempts"] == 1)
            #expect(affected["purge-setup-tokens"] == 1)
            #expect(affected["purge-memo-notes"] == 0)

            // One audit event per run, also for the purges that found nothing; the chain holds.
            let events = try await AuditEvent.query(on: app.db).filter(\.$action == "job.run").all()
            #expect(Set(events.compactMap(\.recordID)) == Set(runs.compactMap { $0.id?.uuidString }))
            #expect(events.allSatisfy { $0.recordType == "job_run" && $0.actorKind == "system" && $0.organisationID == nil })
            #expect(try await AuditTrail.verify(on: app.db) == nil)

            // The next period starts one interval after this run started.
            let locks = try await JobLock.query(on: app.db).all()
            for lock in locks {
                let run = try #require(runs.first { $0.job == lock.id })
                let interval = try #require(Jobs.all.first { $0.name == lock.id }?.interval)
                #expect(abs(lock.lockedUntil.timeIntervalSince(run.startedAt.addingTimeInterval(interval))) < 1)
                #expect(lock.holder == run.id?.uuidString)
            }
            #expect(await Jobs.runDue(app, instance: "host-b-2-beef").isEmpty)
            #expect(try await JobRun.query(on: app.db).count() == Jobs.all.count)
        }
    }

    @Test("A run that fails is recorded as failed with its kind of error, audited, and tried again at the next tick")
    func failedRunIsRetriedAtNextTick() async throws {
        try await withSynlig { app in
            let probe = Probe(failing: 1)
            let job = probe.job()
            #expect(await Jobs.runDue(app, instance: "one", jobs: [job]).isEmpty)
            let failed = try #require(try await Self.runs(of: "probe", on: app.db).first)
            #expect(failed.outcome == .failed)
            #expect(failed.finishedAt != nil)
            #expect(failed.affected == nil)
            let kind = try #require(failed.failure)
            #expect(kind.hasSuffix("Probe.Failure"))
            #expect(!kind.contains("anna"), "the error's text can hold personal data")
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "job.fail")
                .filter(\.$recordID == failed.id?.uuidString).count() == 1)

            // The next tick, well within the hour, runs it again — on any instance.
            #expect(await Jobs.runDue(app, instance: "two", jobs: [job]) == ["probe"])
            let runs = try await Self.runs(of: "probe", on: app.db)
            #expect(runs.map(\.outcome) == [.failed, .succeeded])
            #expect(runs.last?.affected == 7)
            #expect(runs.last?.instance == "two")
            #expect(probe.count == 2)

            // Then it waits for its next period.
            #expect(await Jobs.runDue(app, instance: "one", jobs: [job]).isEmpty)
            #expect(probe.count == 2)
        }
    }

    @Test("Two app instances ticking at the same moment run each period once")
    func twoInstancesRunAPeriodOnce() async throws {
        try await withSynlig { app in
            try await withSecondInstance(of: app) { second in
                let probe = Probe(pause: .milliseconds(50))
                let job = probe.job()
                for _ in 0..<5 {
                    async let first = Jobs.runDue(app, instance: "one", jobs: [job])
                    async let other = Jobs.runDue(second, instance: "two", jobs: [job])
                    _ = await (first, other)
                }
                #expect(probe.count == 1)
                let runs = try await Self.runs(of: "probe", on: app.db)
                #expect(runs.count == 1)
                #expect(runs.first?.outcome == .succeeded)

                // When the period is over, exactly one of them takes the next.
                try await JobLock.query(on: app.db).filter(\.$id == "probe")
                    .set(\.$lockedUntil, to: Date().addingTimeInterval(-3600)).update()
                async let first = Jobs.runDue(app, instance: "one", jobs: [job])
                async let other = Jobs.runDue(second, instance: "two", jobs: [job])
                let (a, b) = await (first, other)
                #expect(a.count + b.count == 1)
                #expect(probe.count == 2)
            }
        }
    }

    @Test("A claim is decided by the database's clock, not the instance's")
    func claimUsesDatabaseClock() async throws {
        try await withSynlig { app in
            let job = Probe().job()
            let databaseNow = try await Jobs.databaseNow(on: app.db)
            #expect(abs(databaseNow.timeIntervalSinceNow) < 60)
            let run = try #require(try await Jobs.claim(job, instance: "one", on: app.db))
            #expect(try await Jobs.claim(job, instance: "two", on: app.db) == nil)
            // Due only when the database's clock says so: a lock ending in five minutes by that
            // clock holds, one that ended a second ago does not.
            try await JobLock.query(on: app.db).set(\.$lockedUntil, to: databaseNow.addingTimeInterval(300)).update()
            #expect(try await Jobs.claim(job, instance: "two", on: app.db) == nil)
            try await JobLock.query(on: app.db).set(\.$lockedUntil, to: databaseNow.addingTimeInterval(-1)).update()
            let next = try #require(try await Jobs.claim(job, instance: "two", on: app.db))
            #expect(next.id != run.id)
            #expect(next.startedAt >= databaseNow)
        }
    }

    @Test("`synlig purge` runs every purge now and records each run")
    func purgeCommandRecordsRuns() async throws {
        try await withSynlig { app in
            try await runCommand(app, "purge")
            let runs = try await JobRun.query(on: app.db).all()
            #expect(Set(runs.map(\.job)) == Set(Jobs.all.map(\.name)))
            #expect(runs.allSatisfy { $0.trigger == .command && $0.outcome == .succeeded && $0.instance == Jobs.instanceID })
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "job.run").count() == Jobs.all.count)
            // A run outside the schedule does not move the schedule.
            #expect(try await JobLock.query(on: app.db).count() == 0)
        }
    }

    @Test("Administrators see each job's last and next run and the latest runs on a page, in the API and from `synlig jobs`; others get 403")
    func operatorsSeeTheRuns() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "admin@test.se", roles: [.admin])
            try await makeUser(app, in: organisation, email: "pia@test.se", roles: [.consultant])
            let flaky = Probe(failing: 1).job("purge-memo-notes")
            let jobs = Jobs.all.map { $0.name == flaky.name ? flaky : $0 }
            await Jobs.runDue(app, instance: "host-a-1-cafe", jobs: jobs)

            let admin = Browser(app)
            try await admin.signIn("admin@test.se")
            let home = try await admin.get("/")
            #expect(home.body.string.contains(#"href="/admin/jobs""#))
            let page = try await admin.get("/admin/jobs")
            #expect(page.status == .ok)
            #expect(page.headers.first(name: .cacheControl)?.contains("no-store") == true)
            let html = page.body.string
            #expect(html.contains("<title>Schemalagda jobb"))
            #expect(html.contains("<caption>Jobben och när de körs</caption>"))
            #expect(html.contains(#"<th scope="row">Gallra minnesanteckningar <code>purge-memo-notes</code></th>"#))
            #expect(html.contains("host-a-1-cafe"))
            #expect(html.contains("misslyckades"))
            #expect(html.contains("Probe.Failure"))
            #expect(html.contains("Inom en minut"), "the failed job is due at the next tick")
            #expect(html.contains("varje timme") && html.contains("var 5:e minut") && html.contains("varje dygn"),
                    "intervals in the largest whole unit: hourly purges, the five-minute seal, the daily file purge")
            let english = try await admin.get("/admin/jobs", headers: ["Accept-Language": "en"])
            #expect(english.body.string.contains("Latest runs"))

            let api = try await APIClient.signedIn(app, "admin@test.se")
            let answer = try await api.send(.GET, "/api/v1/jobs")
            #expect(answer.status == .ok)
            let body = try answer.decoded(API.JobsOut.self)
            #expect(body.jobs.map(\.name) == Jobs.all.map(\.name))
            #expect(body.jobs.first { $0.name == "purge-memo-notes" }?.state == "next-tick")
            #expect(body.jobs.first { $0.name == "purge-login-attempts" }?.state == "scheduled")
            #expect(body.runs.count == Jobs.all.count)

            let text = JobsCommand.text(try await JobOverview.load(on: app.db))
            #expect(text.contains("purge-memo-notes"))
            #expect(text.contains("host-a-1-cafe"))
            #expect(text.contains("failed"))
            #expect(text.contains("next tick"))
            try await runCommand(app, "jobs")

            let consultant = Browser(app)
            try await consultant.signIn("pia@test.se")
            #expect(try await consultant.get("/admin/jobs").status == .forbidden)
            #expect(try await APIClient.signedIn(app, "pia@test.se").send(.GET, "/api/v1/jobs").status == .forbidden)
            #expect(try await APIClient(app: app).send(.GET, "/api/v1/jobs").status == .unauthorized)
        }
    }
}
