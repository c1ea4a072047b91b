/// Keeping consent and information current over time. The person's stance on sharing "kan …
/// behöva följas upp så det fortfarande är aktuellt" (seed 003, 003_8f6e70672cea0072.txt,
/// Bilaga 2), and caregivers should get "individanpassad och återkommande information" (same
/// seed, "Anhörigperspektivet i styrning och ledning").

/// How often a consent stance is reviewed; the organisation sets the number of months.
public enum ConsentReviewSchedule {
    public static let standardMonths = 12
    public static let allowedMonths = 1...36

    public static func due(after stance: CalendarDate, months: Int) -> CalendarDate { stance.addingMonths(months) }

    /// Whole months from the stance to today: a stance from 3 January is one month old on 3 February.
    public static func ageInMonths(of stance: CalendarDate, today: CalendarDate) -> Int {
        guard stance < today else { return 0 }
        var months = (today.year - stance.year) * 12 + (today.month - stance.month)
        if today.day < stance.day { months -= 1 }
        return max(0, months)
    }
}

/// What information given to a family caregiver was about. General information (what support
/// there is, what a diagnosis means in general, support for children) is not about the person
/// cared for and needs no consent; the rest is shared within a consent category.
public enum InformationScope: String, Sendable, Codable, CaseIterable {
    case general, healthCondition, careAndServices, planningAndMeetings

    /// The consent category that must cover this information, or nil when none is needed.
    public var requiredCategory: ConsentCategory? {
        switch self {
        case .general: nil
        case .healthCondition: .healthCondition
        case .careAndServices: .careAndServices
        case .planningAndMeetings: .planningAndMeetings
        }
    }
}

/// The topic of the information, from a short list; free text says more.
public enum InformationTopic: String, Sendable, Codable, CaseIterable {
    case supportOffers, conditionInGeneral, personsHealth, personsCare, planningAndMeetings, childrenSupport, other
}

/// Minor children living at home with the family caregiver or the person cared for — without
/// their identities. Health care must "särskilt beakta barns behov av information, råd och
/// stöd" (seed 003, 003_8f6e70672cea0072.txt, "Kommuners och regioners ansvar").
public enum ChildrenInHousehold: String, Sendable, Codable, CaseIterable, OptionalClassification {
    case none, caregiversChildren, recipientsChildren, both, notStated

    public var hasChildren: Bool { self == .caregiversChildren || self == .recipientsChildren || self == .both }

    /// The children's need of information, advice and support is followed up within this many days.
    public static let actWithinDays = 14
    public static let maxCount = 20
}
