import Crypto
import Foundation
import SynligCore
import Testing

@Suite("The log review's monthly sample")
struct AccessLogSampleTests {
    let organisation = UUID()
    let secret = SymmetricKey(size: .bits256)

    @Test func aTenthRoundedUpAndAtLeastOne() {
        #expect([0, 1, 9, 10, 11, 14, 20, 21, 100].map(AccessLogSample.size(of:)) == [0, 1, 1, 1, 2, 2, 2, 3, 10])
    }

    @Test func theSameReadersGiveTheSameSampleInAnyOrder() {
        let readers = (0..<37).map { _ in UUID() }
        let sample = AccessLogSample.draw(from: readers, organisation: organisation, month: "2026-11", secret: secret)
        #expect(sample.count == 4)
        #expect(Set(sample).isSubset(of: Set(readers)))
        #expect(AccessLogSample.draw(from: readers.reversed() + readers, organisation: organisation, month: "2026-11", secret: secret) == sample)
    }

    @Test func anotherMonthOrAnotherSecretDrawsAnew() {
        let readers = (0..<200).map { _ in UUID() }
        let november = AccessLogSample.draw(from: readers, organisation: organisation, month: "2026-11", secret: secret)
        let december = AccessLogSample.draw(from: readers, organisation: organisation, month: "2026-12", secret: secret)
        let otherKey = AccessLogSample.draw(from: readers, organisation: organisation, month: "2026-11", secret: SymmetricKey(size: .bits256))
        // Twenty of two hundred: two draws sharing every member would be a broken draw.
        #expect(Set(november) != Set(december))
        #expect(Set(november) != Set(otherKey))
    }
}
