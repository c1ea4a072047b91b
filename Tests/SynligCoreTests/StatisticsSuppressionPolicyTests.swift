import Testing
@testable import SynligCore

@Suite("Statistics: the threshold and how a withheld count reads")
struct SuppressionPolicyTests {
    @Test("The threshold is 5 unless set higher; lower is refused")
    func threshold() {
        #expect(SuppressionPolicy.standard.threshold == 5)
        #expect(SuppressionPolicy(threshold: 10)?.threshold == 10)
        #expect(SuppressionPolicy(threshold: 5) == .standard)
        #expect(SuppressionPolicy(threshold: 4) == nil)
        #expect(SuppressionPolicy(threshold: 0) == nil)
    }

    @Test("Counts 1 up to the threshold are withheld; 0 is shown")
    func belowThreshold() {
        let policy = SuppressionPolicy.standard
        #expect(!policy.isBelowThreshold(0))
        #expect((1...4).allSatisfy(policy.isBelowThreshold))
        #expect(!policy.isBelowThreshold(5))
        #expect(SuppressionPolicy(threshold: 10)!.isBelowThreshold(9))
    }

    @Test("'< 5' below the threshold, '..' where a larger count hides a small one")
    func labels() {
        #expect(PublishedCount.count(12).text(under: .standard) == "12")
        #expect(PublishedCount.suppressed(.belowThreshold).text(under: .standard) == "< 5")
        #expect(PublishedCount.suppressed(.belowThreshold).text(under: SuppressionPolicy(threshold: 10)!) == "< 10")
        #expect(PublishedCount.suppressed(.complementary).text(under: .standard) == "..")
        #expect(PublishedCount.suppressed(.complementary).value == nil)
    }

    @Test("No percentage of a withheld count, over a withheld base, or over nothing")
    func percentages() {
        #expect(PublishedCount.percentage(.count(5), of: .count(20)) == 25)
        #expect(PublishedCount.percentage(.count(0), of: .count(20)) == 0)
        #expect(PublishedCount.percentage(.suppressed(.belowThreshold), of: .count(20)) == nil)
        #expect(PublishedCount.percentage(.count(5), of: .suppressed(.complementary)) == nil)
        #expect(PublishedCount.percentage(.count(0), of: .count(0)) == nil)
    }
}
