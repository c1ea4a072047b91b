/// Crisis readiness (krisberedskap): "Anhöriga kan ha särskilt behov av stöd vid exempelvis en
/// värmebölja, en pandemi eller ett strömavbrott. Det är betydelsefullt att verksamheten har system
/// för att kunna nå de anhöriga även vid driftsstörningar i IT-systemen" (Socialstyrelsen, Integrera
/// anhörigperspektivet …, seed 003). The rules of the crisis list live here, once: the page, the
/// encrypted file and the command line all ask them.

/// How urgently a caregiver on the crisis list is to be reached. Lower is more urgent.
public enum CrisisPriority: Int, Sendable, Codable, CaseIterable, Comparable {
    /// The person cared for is alone without them: they give personal care or supervision and
    /// live with the person or give twenty hours a week or more. If they fall ill or cannot get
    /// there, someone else must step in at once.
    case first = 1
    /// The person leans on them: personal care or supervision, or more than ten hours a week —
    /// or they live with the person and are old enough (75+) to be at risk themselves in a heat wave.
    case second = 2
    /// They live with the person cared for and share the crisis at home, with less care to give.
    case third = 3

    public static func < (lhs: CrisisPriority, rhs: CrisisPriority) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// What the record says about one care relationship that matters in a crisis.
public struct CrisisCircumstances: Sendable, Equatable {
    public var livesTogether: Bool
    public var hours: HoursBand
    public var tasks: Set<CareTask>
    /// The caregiver's age this year, when their birth year is recorded.
    public var caregiverAge: Int?

    public init(livesTogether: Bool, hours: HoursBand, tasks: Set<CareTask>, caregiverAge: Int? = nil) {
        self.livesTogether = livesTogether
        self.hours = hours
        self.tasks = tasks
        self.caregiverAge = caregiverAge
    }
}

public enum CrisisList {
    /// Why the list exists, verbatim from the seed (Swedish in every language, like the question bank).
    public static let seedQuote = "Anhöriga kan ha särskilt behov av stöd vid exempelvis en värmebölja, en pandemi eller ett "
        + "strömavbrott. Det är betydelsefullt att verksamheten har system för att kunna nå de anhöriga även vid "
        + "driftsstörningar i IT-systemen"
    public static let seedSource = "Socialstyrelsen, Integrera anhörigperspektivet …, seed 003"

    /// From this age a caregiver is themselves at risk in a heat wave or a power cut.
    public static let olderCaregiverAge = 75
    /// An exported copy (paper or file) is to be destroyed after this many days and replaced by a
    /// fresh one: an older list calls people who no longer care, and misses those who started.
    public static let exportValidityDays = 30
    /// Caregivers per page of the list on screen: a large municipality's list runs to thousands,
    /// and each one shown is a read in the access log. The printed list and the exports hold all.
    public static let pageSize = 100
    /// The passphrase of an encrypted export: long enough that guessing it offline is hopeless.
    public static let minimumPassphraseLength = 12
    public static let maximumPassphraseLength = 200

    /// Whether a caregiver belongs on the crisis list for this relationship, and how urgently.
    /// nil: they neither depend on being reached about the person nor does the person depend on
    /// them (help with paperwork, emotional support a few hours a week, not living together).
    /// Hours not stated are not known to be many, like everywhere else in Synlig.
    public static func priority(_ circumstances: CrisisCircumstances) -> CrisisPriority? {
        let hands = !circumstances.tasks.isDisjoint(with: [.personalCare, .supervision])
        let heavy: Bool = switch circumstances.hours {
        case .from20to34, .from35to49, .from50: true
        case .under5, .from5to9, .from10to19, .notStated: false
        }
        if hands && (circumstances.livesTogether || heavy) { return .first }
        let older = (circumstances.caregiverAge ?? 0) >= olderCaregiverAge
        if hands || circumstances.hours.isMoreThanTen || (circumstances.livesTogether && older) { return .second }
        if circumstances.livesTogether { return .third }
        return nil
    }

    /// Whether a relationship can be on the list at all, before the caregiver's age is known:
    /// its priority if the caregiver were as old as anyone can be.
    public static func mayBeListed(livesTogether: Bool, hours: HoursBand, tasks: Set<CareTask>) -> Bool {
        priority(CrisisCircumstances(livesTogether: livesTogether, hours: hours, tasks: tasks, caregiverAge: .max)) != nil
    }

    /// Whether a row of the crisis list may carry the caregiver's phone, address and plans, or
    /// says "contact through the unit only". The relationship itself must allow calling round
    /// about the person (`InvolvementPermission.mayContactFromCrisisList`), and a restriction on
    /// involvement in any of the caregiver's relationships withholds their contact details on
    /// every row: a list that hid the phone next to one person but printed it next to another
    /// would still hand it out.
    public static func showsContact(_ permission: InvolvementPermission, restrictedInAnyRelationship: Bool) -> Bool {
        !restrictedInAnyRelationship && permission.mayContactFromCrisisList
    }

    /// How many days before a copy's destroy-by day the manager's worklist asks for a fresh one.
    public static let refreshReminderDays = 7

    /// When the whole organisation's list is due to be taken out afresh, or nil while the latest
    /// copy is still good for more than a week. Never taken: due today, so an organisation has an
    /// offline copy before it needs one.
    public static func refreshDue(latestWholeListTakenOn latest: CalendarDate?, today: CalendarDate) -> CalendarDate? {
        guard let latest else { return today }
        let due = destroyBy(exportedOn: latest)
        return today >= due.addingDays(-refreshReminderDays) ? due : nil
    }

    /// The day by which an export made on `exportedOn` is to be destroyed.
    public static func destroyBy(exportedOn: CalendarDate) -> CalendarDate {
        exportedOn.addingDays(exportValidityDays)
    }
}
