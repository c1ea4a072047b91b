import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import SynligCore
import Vapor

/// The statistics' counts, kept in memory until anything is written (issue 11). At 100,000
/// caregivers one set of counts is some thirty aggregates over the whole organisation, seconds of
/// work, while the answer stays the same until the record changes; a viewer changing the cross
/// table or the unit, or a second viewer, should not pay for it again.
///
/// "Until anything is written" is read from the database, so it holds across instances: every
/// change to the record goes through `AuditTrail.transaction`, which moves the chain head's count
/// of data changes in the same transaction (sign-ins and other access-only events do not). The
/// counts are kept with the count they were computed after, read before computing, and served
/// only while it is unchanged. Only aggregates are kept, never a person.
final class StatisticsCache: Sendable {
    /// Bounds memory when every period, cross and unit is tried: past this, start over.
    static let capacity = 256

    struct Key: Hashable, Sendable {
        var organisations: [UUID]
        var period: StatisticsPeriod
        var trendYears: Int
        var rows: String
        var columns: String
        /// Overdue and on-time counts depend on the day.
        var today: String

        init(_ scope: StatisticsScope, cross: CrossChoice, today: CalendarDate) {
            organisations = scope.organisations ?? [scope.organisationID]
            period = scope.period
            trendYears = scope.trendYears
            rows = cross.rows.rawValue
            columns = cross.columns.rawValue
            self.today = today.iso
        }
    }

    private struct Kept {
        var version: String
        var counts: CaregiverCounts
    }

    private struct State {
        var kept: [Key: Kept] = [:]
        /// Computations under way: a second viewer of the same figures waits for the first
        /// one's, instead of starting the same seconds of work beside it.
        var running: [Key: (version: String, task: Task<CaregiverCounts, any Error>)] = [:]
    }

    private let state = NIOLockedValueBox(State())

    /// The counts for `key`: from memory while nothing has been written since, else computed once
    /// however many ask at the same time.
    func counts(_ key: Key, on db: any Database,
                compute: @escaping @Sendable () async throws -> CaregiverCounts) async throws -> CaregiverCounts {
        let version = try await Self.dataVersion(on: db)
        enum Found { case kept(CaregiverCounts), running(Task<CaregiverCounts, any Error>) }
        let found: Found = state.withLockedValue { state in
            if let hit = state.kept[key], hit.version == version { return .kept(hit.counts) }
            if let running = state.running[key], running.version == version { return .running(running.task) }
            let task = Task { try await compute() }
            state.running[key] = (version, task)
            return .running(task)
        }
        let task: Task<CaregiverCounts, any Error>
        switch found {
        case .kept(let counts): return counts
        case .running(let running): task = running
        }
        do {
            let counts = try await task.value
            state.withLockedValue { state in
                guard state.running[key]?.version == version else { return }
                state.running[key] = nil
                if state.kept.count >= Self.capacity { state.kept = [:] }
                state.kept[key] = Kept(version: version, counts: counts)
            }
            return counts
        } catch {
            state.withLockedValue { state in
                if state.running[key]?.version == version { state.running[key] = nil }
            }
            throw error
        }
    }

    /// The count of committed changes to the record, as text (`AuditTrail.mayChangeData`): every
    /// audited write moves it in its own transaction, on any instance; sign-ins do not.
    static func dataVersion(on db: any Database) async throws -> String {
        guard let sql = db as? any SQLDatabase else { return UUID().uuidString }
        struct Head: Decodable { var data_changes: Int64 }
        let head = try await sql.select().column("data_changes").from(AuditChainHead.schema)
            .where("id", .equal, SQLBind(1)).first(decoding: Head.self)
        return head.map { String($0.data_changes) } ?? UUID().uuidString
    }

    /// How many sets of counts are kept now; for tests.
    var keptCount: Int { state.withLockedValue { $0.kept.count } }
}

extension Application {
    private struct StatisticsCacheKey: StorageKey {
        typealias Value = StatisticsCache
    }

    /// One per process, made at configuration.
    var statisticsCache: StatisticsCache {
        get {
            guard let cache = storage[StatisticsCacheKey.self] else { fatalError("StatisticsCache was not registered") }
            return cache
        }
        set { storage[StatisticsCacheKey.self] = newValue }
    }
}
