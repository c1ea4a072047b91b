/// What a signed-in person may do. A user holds one or more roles within one organisation.
public enum Role: String, Sendable, Codable, CaseIterable, Comparable {
    case admin
    case strategist
    case consultant
    case caseOfficer
    case staff
    case viewer

    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// Case officers and staff see only people linked to their units; consultants see all.
    public var isUnitScoped: Bool { self == .caseOfficer || self == .staff }
}

/// Kinds of operational unit (verksamhet), from the foundation issue's list.
public enum UnitKind: String, Sendable, Codable, CaseIterable {
    case elderlyCare
    case homeCare
    case disability
    case socialPsychiatry
    case individualAndFamilyCare
    case primaryCare
    case somaticInpatientCare
    case psychiatry
    case palliativeCare
    case childAndAdolescentPsychiatry
    case habilitation
    case other
}
