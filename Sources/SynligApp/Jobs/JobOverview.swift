import Fluent
import Foundation

/// What an operator wants to know about the scheduled jobs: for each, its last run and when
/// it runs next; and the latest runs of all of them. The admin page, the API and
/// `synlig jobs` all show this one picture.
struct JobOverview: Sendable {
    struct Job: Sendable {
        enum Next: Sendable, Equatable {
            /// Never claimed yet, or handed back after a failure: the next tick runs it.
            case nextTick
            case at(Date)
            /// A run holds the job now.
            case running(since: Date)
        }

        var name: String
        var interval: TimeInterval
        var lastRun: JobRun?
        var next: Next
    }

    var jobs: [Job]
    var recentRuns: [JobRun]
    /// The database's clock when the overview was read, to tell a due job from a future one.
    var now: Date

    static let recentLimit = 50

    static func load(jobs: [ScheduledJob] = Jobs.all, on db: any Database) async throws -> JobOverview {
        let now = try await Jobs.databaseNow(on: db)
        let locks = Dictionary(uniqueKeysWithValues: try await JobLock.query(on: db).all().compactMap { lock in lock.id.map { ($0, lock) } })
        let recent = try await JobRun.query(on: db).sort(\.$startedAt, .descending).limit(recentLimit).all()
        var rows: [Job] = []
        for job in jobs {
            let last = try await JobRun.query(on: db).filter(\.$job == job.name).sort(\.$startedAt, .descending).first()
            let next: Job.Next
            if let lock = locks[job.name], lock.lockedUntil > now {
                if let last, last.outcome == .running, last.id?.uuidString == lock.holder {
                    next = .running(since: last.startedAt)
                } else {
                    next = .at(lock.lockedUntil)
                }
            } else {
                next = .nextTick
            }
            rows.append(Job(name: job.name, interval: job.interval, lastRun: last, next: next))
        }
        return JobOverview(jobs: rows, recentRuns: recent, now: now)
    }
}
