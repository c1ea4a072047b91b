/// How a caregiver's situation changed from the last follow-up before support began (or was
/// asked for) to the last one within the year after: descriptive only, never proof of effect.
public enum OutcomeChange: String, Sendable, CaseIterable, Codable {
    case improved, same, worsened
    /// No follow-up before, or none in the year after: nothing to compare.
    case notFollowedUp

    /// `before` and `after` are ranks where lower is better (strain low < raised < high;
    /// voluntariness yes < partly < no); nil where there was no follow-up.
    public static func between(before: Int?, after: Int?) -> OutcomeChange {
        guard let before, let after else { return .notFollowedUp }
        return after < before ? .improved : after > before ? .worsened : .same
    }
}

extension ScreeningLevel {
    /// Lower is better.
    public var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }
}

extension VoluntarinessAnswer {
    /// Lower is better: continuing by choice, then partly, then not.
    public var rank: Int {
        switch self {
        case .yes: 0
        case .partly: 1
        case .no: 2
        }
    }
}
