/// Age bands for caregiver statistics. They follow the stages where caregiving differs: young
/// carers (under 18, whom the services must notice as children), young adults in studies or
/// their first jobs, working age with children of their own, older working age (most often
/// caring for a parent), the young old (often caring for a partner), and the oldest.
public enum AgeBand: String, Sendable, Codable, CaseIterable, Comparable {
    case under18, from18to24, from25to44, from45to64, from65to79, from80, notStated

    /// The lowest age in the band; nil for `notStated`.
    public var lowerAge: Int? {
        switch self {
        case .under18: return 0
        case .from18to24: return 18
        case .from25to44: return 25
        case .from45to64: return 45
        case .from65to79: return 65
        case .from80: return 80
        case .notStated: return nil
        }
    }

    /// The oldest age a record can plausibly hold; beyond it the birth year is a typing error.
    public static let oldestPlausibleAge = 120

    /// The band of someone born in `birthYear`, as of `reference`.
    ///
    /// Synlig keeps only the birth year (data minimisation), so the age is the one reached
    /// during the reference year — SCB's "age at the end of the year". Someone born in December
    /// is counted a year older for most of the year; for bands this wide that is the accepted
    /// price of not storing the birth date. No year, a year after the reference year or an age
    /// past `oldestPlausibleAge` is "not stated" rather than a guess.
    public static func of(birthYear: Int?, on reference: CalendarDate) -> AgeBand {
        guard let birthYear else { return .notStated }
        let age = reference.year - birthYear
        guard (0...oldestPlausibleAge).contains(age) else { return .notStated }
        return allCases.last { band in band.lowerAge.map { $0 <= age } ?? false } ?? .notStated
    }

    public static func < (lhs: AgeBand, rhs: AgeBand) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
