import Testing
import SynligCore

@Suite("Outcome follow-up: how a situation changed")
struct OutcomeChangeTests {
    @Test("Lower is better; a missing follow-up on either side is not a change")
    func classification() {
        #expect(OutcomeChange.between(before: ScreeningLevel.high.rank, after: ScreeningLevel.raised.rank) == .improved)
        #expect(OutcomeChange.between(before: ScreeningLevel.low.rank, after: ScreeningLevel.high.rank) == .worsened)
        #expect(OutcomeChange.between(before: ScreeningLevel.raised.rank, after: ScreeningLevel.raised.rank) == .same)
        #expect(OutcomeChange.between(before: nil, after: ScreeningLevel.low.rank) == .notFollowedUp)
        #expect(OutcomeChange.between(before: VoluntarinessAnswer.no.rank, after: nil) == .notFollowedUp)
        #expect(OutcomeChange.between(before: VoluntarinessAnswer.no.rank, after: VoluntarinessAnswer.yes.rank) == .improved)
        #expect(VoluntarinessAnswer.partly.rank > VoluntarinessAnswer.yes.rank)
    }
}
