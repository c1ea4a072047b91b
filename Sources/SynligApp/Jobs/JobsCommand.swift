import Foundation
import Vapor

/// `synlig jobs`: the scheduled jobs, when each last ran and runs next, and the latest runs,
/// as plain text for an operator's terminal. Times are UTC, from the database's clock.
struct JobsCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Lists the scheduled jobs, their next run and their latest runs." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let overview = try await JobOverview.load(on: context.application.db)
        context.console.output(Self.text(overview).consoleText())
    }

    static func text(_ overview: JobOverview) -> String {
        var lines = ["Scheduled jobs (times in UTC, database clock \(time(overview.now))):"]
        lines += table([["JOB", "EVERY", "LAST RUN", "NEXT"]] + overview.jobs.map { job in
            let last = job.lastRun.map { "\(time($0.startedAt)) \($0.outcome.rawValue)" } ?? "never"
            let next = switch job.next {
            case .nextTick: "next tick"
            case .at(let date): time(date)
            case .running(let since): "running since \(time(since))"
            }
            return [job.name, "\(Int(job.interval / 60)) min", last, next]
        })
        lines.append("")
        guard !overview.recentRuns.isEmpty else {
            lines.append("No runs yet.")
            return lines.joined(separator: "\n")
        }
        lines.append("Latest runs:")
        lines += table([["STARTED", "FINISHED", "JOB", "INSTANCE", "TRIGGER", "OUTCOME", "ROWS", "FAILURE"]]
            + overview.recentRuns.map { run in
                [time(run.startedAt), run.finishedAt.map(time) ?? "-", run.job, run.instance, run.trigger.rawValue,
                 run.outcome.rawValue, run.affected.map(String.init) ?? "-", run.failure ?? ""]
            })
        return lines.joined(separator: "\n")
    }

    /// Columns padded to their widest cell, two spaces apart.
    private static func table(_ rows: [[String]]) -> [String] {
        let widths = rows.reduce(into: [Int]()) { widths, row in
            for (index, cell) in row.enumerated() {
                if index < widths.count { widths[index] = max(widths[index], cell.count) } else { widths.append(cell.count) }
            }
        }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
    }

    private static func time(_ date: Date) -> String {
        var style = Date.ISO8601FormatStyle(timeZone: .gmt)
        style = style.dateTimeSeparator(.space)
        return date.formatted(style)
    }
}
