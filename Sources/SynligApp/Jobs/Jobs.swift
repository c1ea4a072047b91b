import Fluent
import SQLKit
import Vapor

/// A recurring piece of housekeeping (purges, reminders) run inside `serve`.
struct ScheduledJob: Sendable {
    var name: String
    var interval: TimeInterval
    var run: @Sendable (Application) async throws -> Void
}

/// Runs scheduled jobs so that each runs once per interval even when several app instances
/// share one database: a row in `job_locks` is claimed with a conditional UPDATE, which only
/// one instance can win.
enum Jobs {
    /// The foundation's own housekeeping. Later capabilities append theirs here.
    static let all: [ScheduledJob] = [
        ScheduledJob(name: "purge-ended-sessions", interval: 3600) { app in
            let cutoff = Date().addingTimeInterval(-24 * 3600)
            // Sessions past their limits are ended lazily on use; purge both kinds after a day.
            try await AuthSession.query(on: app.db)
                .group(.or) { $0.filter(\.$endedAt < cutoff).filter(\.$lastSeenAt < cutoff) }
                .delete()
        },
        ScheduledJob(name: "purge-login-attempts", interval: 3600) { app in
            try await LoginAttempt.query(on: app.db).filter(\.$occurredAt < Date().addingTimeInterval(-24 * 3600)).delete()
        },
        ScheduledJob(name: "purge-setup-tokens", interval: 3600) { app in
            try await SetupToken.query(on: app.db).filter(\.$expiresAt < Date()).delete()
        },
        ScheduledJob(name: "purge-contact-requests", interval: 3600) { app in
            _ = try await ContactRequestService.purge(on: app.db)
        },
        ScheduledJob(name: "purge-memo-notes", interval: 3600) { app in
            _ = try await FollowUpService.purgeMemos(on: app.db)
        },
    ]

    /// Claims `name` until `now + interval` if nobody holds it; true when this instance won.
    static func claim(_ name: String, interval: TimeInterval, holder: String, now: Date = Date(), on db: any Database) async throws -> Bool {
        let sql = db as! any SQLDatabase
        try await sql.insert(into: "job_locks")
            .columns("name", "locked_until", "holder")
            .values(SQLBind(name), SQLBind(Date(timeIntervalSince1970: 0)), SQLBind(""))
            .ignoringConflicts(with: ["name"])
            .run()
        let rows = try await sql.update("job_locks")
            .set("locked_until", to: SQLBind(now.addingTimeInterval(interval)))
            .set("holder", to: SQLBind(holder))
            .where("name", .equal, SQLBind(name))
            .where("locked_until", .lessThanOrEqual, SQLBind(now))
            .returning("name")
            .all()
        return !rows.isEmpty
    }

    /// Runs every job that is due and this instance could claim. Returns the names it ran.
    @discardableResult
    static func runDue(_ app: Application, holder: String, jobs: [ScheduledJob] = Jobs.all) async -> [String] {
        var ran: [String] = []
        for job in jobs {
            do {
                guard try await claim(job.name, interval: job.interval, holder: holder, on: app.db) else { continue }
                try await job.run(app)
                ran.append(job.name)
            } catch {
                app.logger.error("Scheduled job \(job.name) failed: \(String(reflecting: type(of: error)))")
            }
        }
        return ran
    }

    /// Starts the loop inside `serve`; it ends when the application shuts down.
    static func start(_ app: Application) {
        let holder = UUID().uuidString
        let task = Task.detached {
            while !Task.isCancelled {
                await runDue(app, holder: holder)
                try? await Task.sleep(for: .seconds(60))
            }
        }
        app.lifecycle.use(JobLoopStopper(task: task))
    }

    private struct JobLoopStopper: LifecycleHandler {
        let task: Task<Void, Never>
        func shutdown(_ application: Application) { task.cancel() }
    }
}
