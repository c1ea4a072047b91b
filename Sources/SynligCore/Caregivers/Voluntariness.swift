/// Following up whether the caregiver's care is voluntary. Socialstyrelsen warns that
/// caregivers may be locked into a situation "som de egentligen inte vill, kan eller bör ta
/// ansvar för" (seed 003, 003_8f6e70672cea0072.txt, "Frivillighet är en utgångspunkt"), so the
/// follow-up asks the three separately: wants to continue, is able to continue, and what the
/// caregiver thinks they should not have to carry.

/// The single answer to the question asked until the dimensions were asked separately: "Do you
/// want to and can you continue with the care you give now?" Still stored for every check
/// (`voluntariness_checks.answer`): as given for the earlier checks, derived for the new ones
/// (`VoluntarinessDimensions.combinedAnswer`), so counts of it keep meaning the same thing.
public enum VoluntarinessAnswer: String, Sendable, Codable, CaseIterable {
    case yes, partly, no

    /// Partly or no: the services must discuss stepping in.
    public var needsDiscussion: Bool { self != .yes }
}

/// An answer to "Do you want to continue?" or "Are you able to continue?".
public enum ContinuationAnswer: String, Sendable, Codable, CaseIterable, OptionalClassification {
    case yes, partly, no, notStated

    /// Partly or no: something the services should talk about.
    public var needsDiscussion: Bool { self == .partly || self == .no }
}

/// How much of the care the caregiver thinks they should not have to take responsibility for.
/// Graded like the other two, so trends and statistics can count it; what it is is free text
/// beside it, since what people name ("the nights", "mother's finances", "being the only one")
/// does not fit a list of care tasks.
public enum ShouldNotCarryAnswer: String, Sendable, Codable, CaseIterable, OptionalClassification {
    case nothing, some, much, notStated

    /// Something the caregiver should not have to carry: a reason for the services to step in.
    public var needsDiscussion: Bool { self == .some || self == .much }
}

/// The three answers of one voluntariness check.
public struct VoluntarinessDimensions: Sendable, Hashable {
    public var wantsToContinue: ContinuationAnswer
    public var ableToContinue: ContinuationAnswer
    public var shouldNotCarry: ShouldNotCarryAnswer

    public init(wantsToContinue: ContinuationAnswer, ableToContinue: ContinuationAnswer, shouldNotCarry: ShouldNotCarryAnswer) {
        self.wantsToContinue = wantsToContinue
        self.ableToContinue = ableToContinue
        self.shouldNotCarry = shouldNotCarry
    }

    /// Any dimension that calls for a talk about the services stepping in.
    public var needsDiscussion: Bool {
        wantsToContinue.needsDiscussion || ableToContinue.needsDiscussion || shouldNotCarry.needsDiscussion
    }

    /// What the earlier single question ("want to and can continue?") would have had for these
    /// answers, stored in `answer` so its history and statistics read on unchanged:
    /// - `no` when the caregiver does not want to or cannot continue (either is `no`);
    /// - otherwise `partly` when either is `partly`, or there is some or much they should not
    ///   have to carry — the old "partly" was "yes, but not all of it";
    /// - otherwise `yes` when at least one of wants/able is `yes` (the other may be not stated:
    ///   nothing said calls for a talk, and the gap shows in its own column);
    /// - nil when nothing was stated that answers it: such a check records nothing and is refused.
    public var combinedAnswer: VoluntarinessAnswer? {
        let continuing = [wantsToContinue, ableToContinue]
        if continuing.contains(.no) { return .no }
        if continuing.contains(.partly) || shouldNotCarry.needsDiscussion { return .partly }
        if continuing.contains(.yes) { return .yes }
        return nil
    }
}
