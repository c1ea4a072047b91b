/// The kind of tenant: a kommun (municipality) or a region.
public enum OrganisationKind: String, Sendable, Codable, CaseIterable {
    case municipality
    case region

    /// SCB's codes: four digits for a kommun (e.g. 0180 Stockholm), two for a region (e.g. 01).
    public var codeLength: Int { self == .municipality ? 4 : 2 }
}

public enum OrganisationCode {
    /// True when `code` has the shape SCB uses for this kind of organisation.
    public static func isValid(_ code: String, kind: OrganisationKind) -> Bool {
        code.count == kind.codeLength && code.allSatisfy { $0.isASCII && $0.isNumber }
    }
}
