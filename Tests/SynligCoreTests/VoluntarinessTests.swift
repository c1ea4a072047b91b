import Testing
@testable import SynligCore

@Suite("Voluntariness asked in its three dimensions")
struct VoluntarinessTests {
    private func dims(_ wants: ContinuationAnswer, _ able: ContinuationAnswer, _ carry: ShouldNotCarryAnswer) -> VoluntarinessDimensions {
        VoluntarinessDimensions(wantsToContinue: wants, ableToContinue: able, shouldNotCarry: carry)
    }

    @Test("The earlier single answer is derived: no if either is no, partly if either is partly or something should not be carried, yes otherwise")
    func combinedAnswer() {
        #expect(dims(.yes, .yes, .nothing).combinedAnswer == .yes)
        #expect(dims(.yes, .notStated, .notStated).combinedAnswer == .yes)
        #expect(dims(.notStated, .yes, .nothing).combinedAnswer == .yes)
        #expect(dims(.yes, .partly, .nothing).combinedAnswer == .partly)
        #expect(dims(.partly, .yes, .nothing).combinedAnswer == .partly)
        #expect(dims(.yes, .yes, .some).combinedAnswer == .partly)
        #expect(dims(.yes, .yes, .much).combinedAnswer == .partly)
        #expect(dims(.notStated, .notStated, .much).combinedAnswer == .partly)
        #expect(dims(.no, .yes, .nothing).combinedAnswer == .no)
        #expect(dims(.yes, .no, .nothing).combinedAnswer == .no)
        #expect(dims(.partly, .no, .much).combinedAnswer == .no)
        // Nothing stated about going on, and nothing to carry: nothing to record.
        #expect(dims(.notStated, .notStated, .notStated).combinedAnswer == nil)
        #expect(dims(.notStated, .notStated, .nothing).combinedAnswer == nil)
    }

    @Test("A talk is asked for exactly when the derived answer is partly or no, for every combination")
    func discussionMatchesDerivedAnswer() {
        for wants in ContinuationAnswer.allCases {
            for able in ContinuationAnswer.allCases {
                for carry in ShouldNotCarryAnswer.allCases {
                    let answers = dims(wants, able, carry)
                    guard let combined = answers.combinedAnswer else {
                        #expect(!answers.needsDiscussion, "\(answers)")
                        continue
                    }
                    #expect(combined.needsDiscussion == answers.needsDiscussion, "\(answers)")
                }
            }
        }
    }

    @Test("Forms offer 'not stated' first for each dimension")
    func notStatedFirst() {
        #expect(ContinuationAnswer.formOrder.first == .notStated)
        #expect(ShouldNotCarryAnswer.formOrder.first == .notStated)
    }
}
