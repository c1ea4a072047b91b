import Foundation
import Vapor

/// The scheduled jobs for administrators: the same picture as the admin page and `synlig jobs`.
struct JobsAPIController: APIRouteCollection {
    func boot(api: APIRoutes) throws {
        api.signedIn.grouped(RequireRole(roles: [.admin])).get("jobs", use: list)
    }

    @Sendable func list(req: Request) async throws -> API.JobsOut {
        try API.JobsOut(try await JobOverview.load(on: req.db))
    }
}

extension API {
    struct JobsOut: Content {
        struct Job: Content {
            var name: String
            var intervalSeconds: Int
            /// `next-tick` (due now), `scheduled` (at `nextRunAt`) or `running` (since `runningSince`).
            var state: String
            var nextRunAt: Date?
            var runningSince: Date?
            var lastRun: Run?
        }

        struct Run: Content {
            var id: UUID
            var job: String
            var instance: String
            var trigger: JobRun.Trigger
            var startedAt: Date
            var finishedAt: Date?
            var outcome: JobRun.Outcome
            var affected: Int?
            var failure: String?

            init(_ run: JobRun) throws {
                id = try run.requireID()
                job = run.job
                instance = run.instance
                trigger = run.trigger
                startedAt = run.startedAt
                finishedAt = run.finishedAt
                outcome = run.outcome
                affected = run.affected
                failure = run.failure
            }
        }

        var databaseTime: Date
        var jobs: [Job]
        var runs: [Run]

        init(_ overview: JobOverview) throws {
            databaseTime = overview.now
            jobs = try overview.jobs.map { job in
                var out = Job(name: job.name, intervalSeconds: Int(job.interval), state: "next-tick",
                              lastRun: try job.lastRun.map(Run.init))
                switch job.next {
                case .nextTick: break
                case .at(let date): (out.state, out.nextRunAt) = ("scheduled", date)
                case .running(let since): (out.state, out.runningSince) = ("running", since)
                }
                return out
            }
            runs = try overview.recentRuns.map(Run.init)
        }
    }
}
