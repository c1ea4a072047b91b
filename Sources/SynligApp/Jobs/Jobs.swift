import Fluent
import Foundation
import Vapor

/// A recurring piece of housekeeping (purges, reminders) run inside `serve`. `run` returns how
/// many rows it purged or handled, for the run's record.
struct ScheduledJob: Sendable {
    var name: String
    var interval: TimeInterval
    /// For a purge: how many rows a run now would remove, changing nothing (`synlig purge --dry-run`).
    var preview: (@Sendable (Application) async throws -> Int)? = nil
    var run: @Sendable (Application) async throws -> Int
}

/// The scheduled jobs and the loop that runs them. How a run is claimed, recorded and audited
/// is in `Jobs+Runs.swift`.
enum Jobs {
    /// The foundation's own housekeeping. Later capabilities append theirs here.
    static let all: [ScheduledJob] = [
        purging("purge-ended-sessions") { db in
            let cutoff = Date().addingTimeInterval(-24 * 3600)
            // Sessions past their limits are ended lazily on use; purge both kinds after a day.
            return AuthSession.query(on: db).group(.or) { $0.filter(\.$endedAt < cutoff).filter(\.$lastSeenAt < cutoff) }
        },
        purging("purge-login-attempts") { db in
            LoginAttempt.query(on: db).filter(\.$occurredAt < Date().addingTimeInterval(-24 * 3600))
        },
        purging("purge-setup-tokens") { db in
            SetupToken.query(on: db).filter(\.$expiresAt < Date())
        },
        ScheduledJob(name: "purge-contact-requests", interval: 3600,
                     preview: { app in try await ContactRequestService.purgeable(now: Date(), on: app.db).count() }) { app in
            try await ContactRequestService.purge(on: app.db)
        },
        ScheduledJob(name: "purge-referrals", interval: 3600,
                     preview: { app in try await ReferralService.purgeable(now: Date(), on: app.db).count() }) { app in
            try await ReferralService.purge(on: app.db)
        },
        ScheduledJob(name: "purge-memo-notes", interval: 3600,
                     preview: { app in try await MemoNote.query(on: app.db).filter(\.$purgeAfter <= Date()).count() }) { app in
            try await FollowUpService.purgeMemos(on: app.db)
        },
        // Attendance lists of group support, twelve months after the occasion (`GroupAttendanceRetention`).
        ScheduledJob(name: "purge-group-attendance", interval: 86400,
                     preview: { app in try await GroupSupportService.purgeable(on: app.db).count() }) { app in
            try await GroupSupportService.purge(on: app.db)
        },
        // Caregivers' files five years after their last entry (`FileRetention`), once a day.
        ScheduledJob(name: "purge-caregiver-files", interval: 86400,
                     preview: { app in try await FileRetentionService.plan(on: app.db).due.count }) { app in
            try await FileRetentionService.purge(on: app.db)
        },
        // Files of people cared for, once no caregiver's file names them and their own last entry is as old.
        ScheduledJob(name: "purge-recipient-files", interval: 86400,
                     preview: { app in try await FileRetentionService.recipientsDue(on: app.db).count }) { app in
            try await FileRetentionService.purgeRecipients(on: app.db)
        },
        ScheduledJob(name: "seal-access-log", interval: 300) { app in
            try await AccessLogSealing.seal(on: app.db)
        },
    ]

    /// A purge of what `query` selects, hourly, with its dry run.
    private static func purging<M: Model>(_ name: String, _ query: @escaping @Sendable (any Database) -> QueryBuilder<M>) -> ScheduledJob {
        ScheduledJob(name: name, interval: 3600, preview: { app in try await query(app.db).count() }) { app in
            try await purge(on: app.db, query)
        }
    }

    /// Deletes what `query` selects and says how many rows that was, in one transaction.
    private static func purge<M: Model>(on db: any Database, _ query: @escaping @Sendable (any Database) -> QueryBuilder<M>) async throws -> Int {
        try await WriteTransaction.run(on: db) { tx in
            let count = try await query(tx).count()
            if count > 0 { try await query(tx).delete() }
            return count
        }
    }

    /// This process among the instances sharing the database: host, process id and a random
    /// suffix, since a restarted process can get the same id again.
    static let instanceID: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        let host = gethostname(&buffer, buffer.count) == 0
            ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "unknown-host"
        let suffix = String(UInt32.random(in: 0...0xFFFF_FFFF), radix: 16)
        return "\(host)-\(ProcessInfo.processInfo.processIdentifier)-\(suffix)"
    }()

    /// How often the loop looks for due jobs. A failed run is tried again at the next look.
    static let tick: Duration = .seconds(60)

    /// Starts the loop inside `serve`; it ends when the application shuts down.
    static func start(_ app: Application) {
        let task = Task.detached {
            while !Task.isCancelled {
                await runDue(app)
                try? await Task.sleep(for: tick)
            }
        }
        app.lifecycle.use(JobLoopStopper(task: task))
    }

    private struct JobLoopStopper: LifecycleHandler {
        let task: Task<Void, Never>
        func shutdown(_ application: Application) { task.cancel() }
    }
}
