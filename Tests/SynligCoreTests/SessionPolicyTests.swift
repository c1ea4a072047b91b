import Foundation
import Testing
@testable import SynligCore

@Suite("SessionPolicy")
struct SessionPolicyTests {
    let policy = SessionPolicy()
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func ago(_ seconds: TimeInterval) -> Date { now.addingTimeInterval(-seconds) }

    @Test func defaultsAreThirtyMinutesIdleAndTwelveHoursAbsolute() {
        #expect(policy.idleTimeout == 30 * 60)
        #expect(policy.absoluteLimit == 12 * 60 * 60)
    }

    @Test func validInsideBothLimits() {
        #expect(policy.isValid(createdAt: ago(3600), lastSeenAt: ago(60), now: now))
        #expect(policy.isValid(createdAt: now, lastSeenAt: now, now: now))
    }

    @Test func idleExpiryAtThirtyMinutes() {
        #expect(policy.isValid(createdAt: ago(3600), lastSeenAt: ago(30 * 60 - 1), now: now))
        #expect(!policy.isValid(createdAt: ago(3600), lastSeenAt: ago(30 * 60), now: now))
        #expect(!policy.isValid(createdAt: ago(3600), lastSeenAt: ago(45 * 60), now: now))
    }

    @Test func absoluteExpiryAtTwelveHoursEvenWhenActive() {
        let twelveHours: TimeInterval = 12 * 60 * 60
        #expect(policy.isValid(createdAt: ago(twelveHours - 1), lastSeenAt: ago(1), now: now))
        #expect(!policy.isValid(createdAt: ago(twelveHours), lastSeenAt: now, now: now))
        #expect(!policy.isValid(createdAt: ago(twelveHours + 60), lastSeenAt: now, now: now))
    }

    @Test func customLimitsAreHonoured() {
        let short = SessionPolicy(idleTimeout: 60, absoluteLimit: 300)
        #expect(short.isValid(createdAt: ago(200), lastSeenAt: ago(59), now: now))
        #expect(!short.isValid(createdAt: ago(200), lastSeenAt: ago(60), now: now))
        #expect(!short.isValid(createdAt: ago(300), lastSeenAt: ago(1), now: now))
    }

    @Test func needsTouchOnlyAfterSixtySeconds() {
        #expect(!policy.needsTouch(lastSeenAt: now, now: now))
        #expect(!policy.needsTouch(lastSeenAt: ago(59), now: now))
        #expect(!policy.needsTouch(lastSeenAt: ago(59.9), now: now))
        #expect(policy.needsTouch(lastSeenAt: ago(60), now: now))
        #expect(policy.needsTouch(lastSeenAt: ago(600), now: now))
    }
}
