/// When the recurring follow-ups of a caregiver's situation fall due.
public struct FollowUpSchedule: Sendable, Equatable {
    /// Voluntariness is asked at registration and then every this many months (default 6).
    public var voluntarinessMonths: Int
    /// Strain is screened again after this many months.
    public var screeningMonths: Int
    /// "Partly" or "no", a rising strain: the services talk with the caregiver within this many days.
    public var discussWithinDays: Int

    public static let standard = FollowUpSchedule(voluntarinessMonths: 6, screeningMonths: 12, discussWithinDays: 14)
    public static let allowedVoluntarinessMonths = 1...24

    public init(voluntarinessMonths: Int, screeningMonths: Int, discussWithinDays: Int) {
        self.voluntarinessMonths = voluntarinessMonths
        self.screeningMonths = screeningMonths
        self.discussWithinDays = discussWithinDays
    }

    public func nextVoluntariness(after asked: CalendarDate) -> CalendarDate { asked.addingMonths(voluntarinessMonths) }
    public func nextScreening(after screened: CalendarDate) -> CalendarDate { screened.addingMonths(screeningMonths) }
    public func discussionDue(from day: CalendarDate) -> CalendarDate { day.addingDays(discussWithinDays) }
}

/// Whether a due date is overdue, due soon or later, for the worklist.
public enum DueState: String, Sendable, Equatable {
    case overdue, dueSoon, later

    /// "Soon" is the next two weeks, on the staff page, the start page and in the API alike.
    public static let soonDays = 14

    /// The dates a "due soon" filter takes, today through `soonDays` ahead, as ISO strings for a query.
    public static func soonWindow(today: CalendarDate) -> (from: String, through: String) {
        (today.iso, today.addingDays(soonDays).iso)
    }

    public static func of(_ due: CalendarDate, today: CalendarDate, soonDays: Int = DueState.soonDays) -> DueState {
        if due < today { return .overdue }
        return today.days(until: due) <= soonDays ? .dueSoon : .later
    }
}

/// The seed: caregivers are often forced into coordinating the person's care when services'
/// coordination fails. Three or more contacts, or any sign that the caregiver carries the
/// coordination, is a signal to consider SIP or a fixed care contact.
public enum CoordinationSignal {
    public static let contactThreshold = 3
    /// A raised signal puts "consider SIP or a fixed care contact" on the worklist, due this many days on.
    public static let actWithinDays = 14

    public static func raised(coordinatedContacts: Int, carriesCoordination: Bool, tasks: Set<CareTask>) -> Bool {
        coordinatedContacts >= contactThreshold || carriesCoordination || tasks.contains(.coordination)
    }
}
