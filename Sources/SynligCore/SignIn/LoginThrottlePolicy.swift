import Foundation

/// Decides whether sign-in is locked, from the recent failures recorded for one key
/// (an account or an address). Pure so the rule is tested without a clock or a database.
public struct LoginThrottlePolicy: Sendable, Equatable {
    public var maxFailures: Int
    public var window: TimeInterval

    public init(maxFailures: Int, window: TimeInterval) {
        self.maxFailures = maxFailures
        self.window = window
    }

    /// Five failures per account in fifteen minutes, as the foundation issue suggests.
    public static let perAccount = LoginThrottlePolicy(maxFailures: 5, window: 15 * 60)
    /// An office behind one address has many people; allow more there, but not unlimited guessing.
    public static let perAddress = LoginThrottlePolicy(maxFailures: 20, window: 15 * 60)

    /// When the lock ends, or nil when sign-in is allowed now.
    public func lockedUntil(failures: [Date], now: Date) -> Date? {
        let recent = failures.filter { now.timeIntervalSince($0) < window }.sorted()
        guard recent.count >= maxFailures else { return nil }
        // The lock lifts when enough failures have aged out of the window.
        let pivot = recent[recent.count - maxFailures]
        return pivot.addingTimeInterval(window)
    }
}
