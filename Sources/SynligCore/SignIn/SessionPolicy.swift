import Foundation

/// Idle and absolute limits of a signed-in session.
public struct SessionPolicy: Sendable, Equatable {
    public var idleTimeout: TimeInterval
    public var absoluteLimit: TimeInterval

    public init(idleTimeout: TimeInterval = 30 * 60, absoluteLimit: TimeInterval = 12 * 60 * 60) {
        self.idleTimeout = idleTimeout
        self.absoluteLimit = absoluteLimit
    }

    public func isValid(createdAt: Date, lastSeenAt: Date, now: Date) -> Bool {
        now.timeIntervalSince(lastSeenAt) < idleTimeout && now.timeIntervalSince(createdAt) < absoluteLimit
    }

    /// Writing `last_seen_at` on every request would turn every read into a write;
    /// refreshing it once a minute keeps the idle limit accurate to a minute.
    public func needsTouch(lastSeenAt: Date, now: Date) -> Bool {
        now.timeIntervalSince(lastSeenAt) >= 60
    }
}
