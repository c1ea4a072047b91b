import Foundation
import Testing
@testable import SynligCore

@Suite("LoginThrottlePolicy")
struct LoginThrottlePolicyTests {
    let policy = LoginThrottlePolicy.perAccount
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// Failures the given number of seconds before `now`.
    func failures(_ secondsAgo: [TimeInterval]) -> [Date] {
        secondsAgo.map { now.addingTimeInterval(-$0) }
    }

    @Test func perAccountIsFiveFailuresInFifteenMinutes() {
        #expect(LoginThrottlePolicy.perAccount.maxFailures == 5)
        #expect(LoginThrottlePolicy.perAccount.window == 15 * 60)
    }

    @Test func perAddressAllowsMoreButIsStillLimited() {
        #expect(LoginThrottlePolicy.perAddress.maxFailures == 20)
        #expect(LoginThrottlePolicy.perAddress.window == 15 * 60)
    }

    @Test func noFailuresIsNotLocked() {
        #expect(policy.lockedUntil(failures: [], now: now) == nil)
    }

    @Test func fourFailuresInWindowIsNotLocked() {
        #expect(policy.lockedUntil(failures: failures([600, 500, 400, 300]), now: now) == nil)
    }

    @Test func fiveFailuresInWindowLocksUntilOldestPlusWindow() {
        let until = policy.lockedUntil(failures: failures([600, 500, 400, 300, 200]), now: now)
        #expect(until == now.addingTimeInterval(-600 + 900))
    }

    @Test func failuresOlderThanWindowAreIgnored() {
        // Four recent failures plus old ones: still allowed.
        let list = failures([3600, 1800, 901, 900, 400, 300, 200, 100])
        #expect(policy.lockedUntil(failures: list, now: now) == nil)
    }

    @Test func withMoreThanFiveFailuresLockLastsUntilEnoughAgeOut() {
        // Six recent failures: the lock lifts when only four remain, i.e. when the
        // second oldest (700 s ago) ages out, not when the oldest does.
        let list = failures([800, 700, 600, 500, 400, 300])
        #expect(policy.lockedUntil(failures: list, now: now) == now.addingTimeInterval(-700 + 900))
    }

    @Test func orderOfFailuresDoesNotMatter() {
        let ordered = failures([800, 700, 600, 500, 400, 300])
        let shuffled = [ordered[3], ordered[0], ordered[5], ordered[1], ordered[4], ordered[2]]
        #expect(policy.lockedUntil(failures: shuffled, now: now) == policy.lockedUntil(failures: ordered, now: now))
    }

    @Test func lockLiftsExactlyWhenEnoughFailuresAgeOut() throws {
        let list = failures([600, 500, 400, 300, 200])
        let until = try #require(policy.lockedUntil(failures: list, now: now))
        #expect(until == now.addingTimeInterval(300))
        // One second before the end: still locked, and still until the same moment.
        #expect(policy.lockedUntil(failures: list, now: until.addingTimeInterval(-1)) == until)
        // At the end: open again.
        #expect(policy.lockedUntil(failures: list, now: until) == nil)
        #expect(policy.lockedUntil(failures: list, now: until.addingTimeInterval(1)) == nil)
    }

    @Test func anotherFailureAfterTheLockLiftsLocksAgain() throws {
        let list = failures([600, 500, 400, 300, 200])
        let until = try #require(policy.lockedUntil(failures: list, now: now))
        // Four failures remain in the window; one more failure locks again,
        // until the next-oldest (500 s before `now`) ages out.
        let again = policy.lockedUntil(failures: list + [until], now: until)
        #expect(again == now.addingTimeInterval(-500 + 900))
    }

    @Test func customPolicyUsesItsOwnLimits() {
        let strict = LoginThrottlePolicy(maxFailures: 2, window: 60)
        #expect(strict.lockedUntil(failures: failures([30]), now: now) == nil)
        #expect(strict.lockedUntil(failures: failures([30, 10]), now: now) == now.addingTimeInterval(30))
        #expect(strict.lockedUntil(failures: failures([90, 10]), now: now) == nil)
    }
}
