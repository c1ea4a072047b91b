/// One entry in the consent history between a care recipient and a caregiver.
public struct ConsentEntry: Sendable, Equatable {
    public var kind: ConsentEntryKind
    public var categories: Set<ConsentCategory>
    public var date: CalendarDate
    public var endsOn: CalendarDate?
    public var harmDecision: HarmDecision?
    /// The order in which entries were recorded, for entries of the same date.
    public var sequence: Int

    public init(kind: ConsentEntryKind, categories: Set<ConsentCategory>, date: CalendarDate, endsOn: CalendarDate? = nil,
                harmDecision: HarmDecision? = nil, sequence: Int) {
        self.kind = kind
        self.categories = categories
        self.date = date
        self.endsOn = endsOn
        self.harmDecision = harmDecision
        self.sequence = sequence
    }
}

/// What may be shared with a caregiver today, following from the consent history. The latest
/// entry in force decides: a withdrawal ends everything before it, a consent or a harm
/// assessment replaces what came before, and a consent with an end date is in force up to and
/// including that day. A withdrawal always withdraws everything; narrowing a consent is simply a
/// new, partial consent entry. A harm assessment without a decision shares nothing.
public struct ConsentState: Sendable, Equatable {
    public enum Basis: String, Sendable, Equatable {
        case none, consent, harmAssessment, withdrawn, expired, harmFound
    }

    public var basis: Basis
    public var categories: Set<ConsentCategory>

    public static let nothing = ConsentState(basis: .none, categories: [])

    public init(basis: Basis, categories: Set<ConsentCategory>) {
        self.basis = basis
        self.categories = categories
    }

    public static func evaluate(_ entries: [ConsentEntry], today: CalendarDate) -> ConsentState {
        let inForce = entries.filter { $0.date <= today }
            .sorted { ($0.date, $0.sequence) < ($1.date, $1.sequence) }
        guard let latest = inForce.last else { return .nothing }
        switch latest.kind {
        case .withdrawal:
            return ConsentState(basis: .withdrawn, categories: [])
        case .consent:
            if let ends = latest.endsOn, ends < today { return ConsentState(basis: .expired, categories: []) }
            return ConsentState(basis: .consent, categories: latest.categories)
        case .harmAssessment:
            guard latest.harmDecision == .mayDisclose else { return ConsentState(basis: .harmFound, categories: []) }
            return ConsentState(basis: .harmAssessment, categories: latest.categories)
        }
    }

    public func allows(_ category: ConsentCategory) -> Bool { categories.contains(category) }

    /// Full when every category is covered.
    public var isFull: Bool { categories == Set(ConsentCategory.allCases) }
}

/// What staff may do with a caregiver in one relationship: consent and a restriction together.
public struct InvolvementPermission: Sendable, Equatable {
    public var consent: ConsentState
    public var restricted: Bool

    public init(consent: ConsentState, restricted: Bool) {
        self.consent = consent
        self.restricted = restricted
    }

    /// Invitations to SIP and care-planning meetings need consent to planning and no restriction.
    public var mayInvite: Bool { !restricted && consent.allows(.planningAndMeetings) }

    /// Telling the caregiver about the person's care (e.g. a new fixed care contact).
    public var mayInformAboutCare: Bool { !restricted && consent.allows(.careAndServices) }

    /// Exports of the caregiver's contact details for this person (contact lists, crisis lists).
    public var mayExportContact: Bool { !restricted }

    /// Calling the caregiver from a crisis list (a heat wave, a pandemic, a power cut) is about
    /// the person's care — "home care cannot come tomorrow" — so it needs what exporting the
    /// contact details needs and the consent (or harm assessment) that informing about care needs.
    /// Without it the list says "contact through the unit only".
    public var mayContactFromCrisisList: Bool { mayExportContact && mayInformAboutCare }
}
