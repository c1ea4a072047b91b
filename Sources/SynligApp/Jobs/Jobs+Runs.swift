import Fluent
import SQLKit
import Vapor

/// Claiming, running and recording a job, so that each job's period runs once across every
/// instance sharing the database, and every run leaves a record and an audit event.
///
/// A job's row in `job_locks` says until when it is taken. A run claims it with a conditional
/// UPDATE that only one instance can win — on SQLite through the single write lock, on
/// PostgreSQL because the losing UPDATE re-reads the row after the winner commits — and holds
/// it for one interval, long enough that no second instance starts the same period. A run that
/// succeeds moves the lock to its start plus the interval: the next period. A run that fails
/// hands the lock back at once, so the next tick (on any instance) tries again. "Now" is always
/// the database's clock.
extension Jobs {
    /// Runs every job that is due and this instance could claim. Returns the names that succeeded.
    @discardableResult
    static func runDue(_ app: Application, instance: String = Jobs.instanceID, jobs: [ScheduledJob] = Jobs.all) async -> [String] {
        var succeeded: [String] = []
        for job in jobs {
            do {
                guard let run = try await claim(job, instance: instance, on: app.db) else { continue }
                if try await perform(job, run: run, app: app, holdsLock: true) == .succeeded {
                    succeeded.append(job.name)
                }
            } catch {
                app.logger.error("Scheduled job \(job.name) could not be claimed or recorded: \(failureKind(error))")
            }
        }
        return succeeded
    }

    /// Runs `job` now, whatever its schedule, as `synlig purge` does; recorded like any run.
    /// Returns the finished run's record.
    static func runNow(_ job: ScheduledJob, app: Application, instance: String = Jobs.instanceID) async throws -> JobRun {
        let run = try await insertRun(of: job, trigger: .command, instance: instance, on: app.db)
        _ = try await perform(job, run: run, app: app, holdsLock: false)
        return try await JobRun.find(run.requireID(), on: app.db) ?? run
    }

    /// Takes `job` for one interval if it is due, and records the run as started.
    /// Nil when the job is not due or another instance has it.
    static func claim(_ job: ScheduledJob, instance: String, on db: any Database) async throws -> JobRun? {
        let sql = db as! any SQLDatabase
        // A job's first claim needs its row; the epoch makes it due at once.
        try await sql.insert(into: JobLock.schema)
            .columns("name", "locked_until", "holder")
            .values(SQLBind(job.name), SQLBind(Date(timeIntervalSince1970: 0)), SQLBind(""))
            .ignoringConflicts(with: ["name"])
            .run()
        return try await WriteTransaction.run(on: db) { tx in
            let sql = tx as! any SQLDatabase
            let runID = UUID()
            let won = try await sql.update(JobLock.schema)
                .set("locked_until", to: DialectSQL.now(on: sql, plus: job.interval))
                .set("holder", to: SQLBind(runID.uuidString))
                .where("name", .equal, SQLBind(job.name))
                .where("locked_until", .lessThanOrEqual, DialectSQL.now(on: sql))
                .returning("name")
                .all()
            guard !won.isEmpty else { return nil }
            return try await insertRun(of: job, id: runID, trigger: .schedule, instance: instance, on: tx)
        }
    }

    private static func insertRun(of job: ScheduledJob, id: UUID = UUID(), trigger: JobRun.Trigger, instance: String,
                                  on db: any Database) async throws -> JobRun {
        let sql = db as! any SQLDatabase
        try await sql.insert(into: JobRun.schema)
            .columns("id", "job", "instance", "trigger", "started_at", "outcome")
            .values(SQLBind(id), SQLBind(job.name), SQLBind(instance), SQLBind(trigger.rawValue),
                    DialectSQL.now(on: sql), SQLBind(JobRun.Outcome.running.rawValue))
            .run()
        guard let run = try await JobRun.find(id, on: db) else {
            throw SynligError(.internalServerError, "error.internal")
        }
        return run
    }

    /// Runs the job and records how it went, with its audit event, in one transaction.
    private static func perform(_ job: ScheduledJob, run: JobRun, app: Application, holdsLock: Bool) async throws -> JobRun.Outcome {
        let result: Result<Int, any Error>
        do { result = .success(try await job.run(app)) } catch { result = .failure(error) }
        let runID = try run.requireID()
        let outcome: JobRun.Outcome = if case .success = result { .succeeded } else { .failed }
        if case .failure(let error) = result {
            app.logger.error("Scheduled job \(job.name) failed: \(failureKind(error))")
        }
        try await AuditTrail.transaction(on: app.db, actor: .system) { tx, audit in
            let sql = tx as! any SQLDatabase
            var update = sql.update(JobRun.schema)
                .set("finished_at", to: DialectSQL.now(on: sql))
                .set("outcome", to: SQLBind(outcome.rawValue))
            switch result {
            case .success(let affected): update = update.set("affected", to: SQLBind(affected))
            case .failure(let error): update = update.set("failure", to: SQLBind(failureKind(error)))
            }
            try await update.where("id", .equal, SQLBind(runID)).run()
            if holdsLock {
                // Only this run's own claim is moved: a lock another run has since taken is left alone.
                let next: any SQLExpression = outcome == .succeeded
                    ? SQLBind(run.startedAt.addingTimeInterval(job.interval)) : DialectSQL.now(on: sql)
                try await sql.update(JobLock.schema)
                    .set("locked_until", to: next)
                    .where("name", .equal, SQLBind(job.name))
                    .where("holder", .equal, SQLBind(runID.uuidString))
                    .run()
            }
            audit.record(outcome == .succeeded ? "job.run" : "job.fail", "job_run", id: runID, organisation: nil)
        }
        return outcome
    }

    /// The database's clock, which every instance shares.
    static func databaseNow(on db: any Database) async throws -> Date {
        let sql = db as! any SQLDatabase
        guard let row = try await sql.select().column(DialectSQL.now(on: sql), as: "now").first() else {
            throw SynligError(.internalServerError, "error.internal")
        }
        return try row.decode(column: "now", as: Date.self)
    }

    /// What went wrong, as a kind an operator can search for; never the error's text, which
    /// may quote a row.
    static func failureKind(_ error: any Error) -> String {
        if let error = error as? SynligError { return "SynligError(\(error.messageKey))" }
        return String(String(reflecting: type(of: error)).prefix(200))
    }
}
