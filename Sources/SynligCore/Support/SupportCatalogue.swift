import Foundation

/// The forms of support a catalogue holds (seed 000: avlösning, korttidsboende, dagverksamhet,
/// anhöriglotsar, anhörigombud, anhörigkonsulenter; seed 003: where caregivers can turn).
public enum SupportKind: String, Codable, Sendable, CaseIterable {
    case respiteAtHome
    case shortStay
    case dayCare
    case consultant
    case navigator
    case caregiverAgent
    case individualCounselling
    case supportGroup
    case education
    case meetingPlace
    case financialSupport
    case digitalSupport
    case informationAndAdvice
    case other

    /// What a caregiver looking for this kind of help would say they need.
    public var needs: Set<SupportNeed> {
        switch self {
        case .respiteAtHome, .shortStay: [.aBreak, .helpForThePerson]
        case .dayCare: [.aBreak, .helpForThePerson]
        case .consultant: [.someoneToTalkTo, .learnMore]
        case .navigator, .caregiverAgent: [.helpForThePerson, .learnMore]
        case .individualCounselling, .supportGroup, .meetingPlace: [.someoneToTalkTo]
        case .education: [.learnMore]
        case .financialSupport: [.moneyAndWork]
        case .digitalSupport: [.learnMore, .someoneToTalkTo]
        case .informationAndAdvice: [.learnMore, .moneyAndWork]
        case .other: []
        }
    }
}

/// The five doors on the public page, in a caregiver's own words.
public enum SupportNeed: String, Codable, Sendable, CaseIterable {
    case aBreak
    case someoneToTalkTo
    case helpForThePerson
    case moneyAndWork
    case learnMore
}

public enum SupportTargetGroup: String, Codable, Sendable, CaseIterable {
    case olderPeople
    case dementia
    case mentalIllness
    case disability
    case childrenWithDisability
    case youngAdultCaregivers
    case workingCaregivers
    /// Barn som anhöriga: support for children whose parent, or another adult they live with,
    /// is ill or has particular difficulties (seed 003, "Kommuners och regioners ansvar").
    case childrenAsRelatives
    case all
}

public enum SupportProvider: String, Codable, Sendable, CaseIterable {
    case municipality
    case region
    case unit
    case civilSociety
}

/// Languages support can be offered in: Swedish, the national minority languages and common
/// languages of people born abroad (27 % of the population has a foreign background, seed 003).
public enum SupportLanguage {
    public static let codes = ["sv", "en", "fi", "fit", "se", "rom", "yi", "ar", "so", "fa", "ti", "bs", "pl", "es", "tr", "uk"]
}

public enum CatalogueFreshness {
    /// An entry nobody has checked for six months gets a warning: caregivers rely on it.
    public static func isStale(lastChecked: CalendarDate, today: CalendarDate) -> Bool {
        lastChecked.addingMonths(6) < today
    }
}

/// What a caregiver filters the public page by.
public struct SupportFilter: Sendable, Equatable {
    public var need: SupportNeed?
    public var group: SupportTargetGroup?
    public var language: String?

    public init(need: SupportNeed? = nil, group: SupportTargetGroup? = nil, language: String? = nil) {
        self.need = need
        self.group = group
        self.language = language
    }

    /// True when an offering of this kind, for these groups, in these languages fits the filter.
    /// An offering for everyone fits every group; Swedish is not assumed unless listed.
    public func matches(kind: SupportKind, groups: Set<SupportTargetGroup>, languages: Set<String>) -> Bool {
        if let need, !kind.needs.contains(need) { return false }
        if let group, !(groups.contains(group) || groups.contains(.all)) { return false }
        if let language, !languages.contains(language) { return false }
        return true
    }
}
