import SynligCore
import Vapor

/// The administrator's page of scheduled jobs: when each last ran and runs next, and the latest
/// runs on every instance. Jobs work across all organisations, so the page shows only what a
/// job did (counts, error kinds), never whose rows.
struct JobsController: RouteCollection {
    struct JobRow: Encodable {
        var name: String
        var label: String
        var every: String
        var lastRun: String
        var next: String
    }

    struct RunRow: Encodable {
        var job: String
        var started: String
        var finished: String
        var instance: String
        var trigger: String
        var outcome: String
        var failed: Bool
        var affected: String
        var failure: String
    }

    struct JobsPage: Encodable {
        var page: PageContext
        var jobs: [JobRow]
        var runs: [RunRow]
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.signedIn(as: .admin).get(SiteURL.adminJobs.pattern, use: show)
    }

    @Sendable func show(req: Request) async throws -> Response {
        try await req.renderPage("admin/jobs", Self.page(try await JobOverview.load(on: req.db), request: req))
    }

    static func page(_ overview: JobOverview, request req: Request) -> JobsPage {
        let language = req.language.rawValue
        func time(_ date: Date) -> String { SwedishTime.format(date, language: language) }
        let jobs = overview.jobs.map { job in
            let next = switch job.next {
            case .nextTick: req.t("jobs.next_tick")
            case .at(let date): time(date)
            case .running(let since): req.t("jobs.running_since", time(since))
            }
            return JobRow(
                name: job.name, label: req.t("jobs.job.\(job.name)"),
                every: Self.every(job.interval, req),
                lastRun: job.lastRun.map { "\(time($0.startedAt)) – \(req.t("jobs.outcome.\($0.outcome.rawValue)"))" } ?? req.t("jobs.never"),
                next: next)
        }
        let runs = overview.recentRuns.map { run in
            RunRow(job: req.t("jobs.job.\(run.job)"), started: time(run.startedAt), finished: run.finishedAt.map(time) ?? "–",
                   instance: run.instance, trigger: req.t("jobs.trigger.\(run.trigger.rawValue)"),
                   outcome: req.t("jobs.outcome.\(run.outcome.rawValue)"), failed: run.outcome == .failed,
                   affected: run.affected.map(String.init) ?? "–", failure: run.failure ?? "")
        }
        return JobsPage(page: .make(for: req, titleKey: "jobs.title"), jobs: jobs, runs: runs)
    }

    /// "every 5 minutes", "every hour", "every day": the largest whole unit.
    static func every(_ interval: TimeInterval, _ req: Request) -> String {
        let minutes = Int(interval / 60)
        if minutes % 1440 == 0 { return req.tp("jobs.every_days", minutes / 1440) }
        if minutes % 60 == 0 { return req.tp("jobs.every_hours", minutes / 60) }
        return req.tp("jobs.every_minutes", minutes)
    }
}
