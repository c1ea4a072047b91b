import Testing
@testable import SynligCore

@Suite("Statistics: withholding in a one-way table with its total")
struct BreakdownSuppressionTests {
    private func publish(_ counts: [Int]) throws -> PublishedBreakdown {
        try #require(SuppressionPolicy.standard.publish(breakdown: counts))
    }

    @Test("Nothing small: everything shown, zeros too")
    func nothingSmall() throws {
        let published = try publish([12, 0, 7])
        #expect(published.counts == [.count(12), .count(0), .count(7)])
        #expect(published.total == .count(19))
    }

    @Test("A single small count would be total minus the rest, so the smallest other count goes too")
    func singleSmallCount() throws {
        let published = try publish([3, 20, 7, 0])
        #expect(published.counts == [.suppressed(.belowThreshold), .count(20), .suppressed(.complementary), .count(0)])
        #expect(published.total == .count(30))
    }

    @Test("Two small counts hide each other")
    func twoSmallCounts() throws {
        let published = try publish([3, 2, 20])
        #expect(published.counts == [.suppressed(.belowThreshold), .suppressed(.belowThreshold), .count(20)])
        #expect(published.total == .count(25))
    }

    @Test("Two '< 5' that must add up to 8 would both be 4, so a third count is withheld")
    func labelsAloneReveal() throws {
        let published = try publish([4, 4, 10])
        #expect(published.counts == [.suppressed(.belowThreshold), .suppressed(.belowThreshold), .suppressed(.complementary)])
        #expect(published.total == .count(18))
    }

    @Test("A complement exactly at the threshold cannot go lower, so a 1 needs a larger one")
    func complementMustMove() throws {
        // 1 + 5 = 6 could only be 1 + 5 (a "< 5" is at least 1, a ".." at least 5); 1 + 6 could be 2 + 5.
        let published = try publish([1, 5, 6, 20])
        #expect(published.counts == [.suppressed(.belowThreshold), .count(5), .suppressed(.complementary), .count(20)])
    }

    @Test("With nothing else to withhold, the total goes")
    func totalWithheld() throws {
        let published = try publish([4, 4, 4])
        #expect(published.counts.allSatisfy { $0 == .suppressed(.belowThreshold) })
        #expect(published.total == .suppressed(.complementary))
    }

    @Test("Fewer than five in all: nothing is shown, not even the zeros")
    func tinyPopulation() throws {
        let published = try publish([3, 0, 0])
        #expect(published.counts.allSatisfy { $0 == .suppressed(.belowThreshold) })
        #expect(published.total == .suppressed(.belowThreshold))
        #expect(try publish([0, 0]) == PublishedBreakdown(counts: [.count(0), .count(0)], total: .count(0)))
    }

    @Test("A negative count is refused")
    func negative() {
        #expect(SuppressionPolicy.standard.publish(breakdown: [3, -1]) == nil)
    }
}
