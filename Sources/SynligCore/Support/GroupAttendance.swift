/// Sign-up and attendance for support given in groups: support groups, courses and meeting
/// places. Seed 003 ("Hur ska dokumentationen göras?", Vad får dokumenteras?) allows only the
/// documentation that is needed: "Det kan till exempel behöva kontrolleras att personer som
/// anmält sig till en stödinsats är på plats." So a sign-up holds who and which occasion, and
/// attendance is one of three marks — no notes.
extension SupportKind {
    /// Offered to a group on set occasions, so people sign up and attendance can be checked.
    public var isGroup: Bool {
        switch self {
        case .supportGroup, .education, .meetingPlace: true
        default: false
        }
    }
}

public enum GroupAttendance: String, Codable, Sendable, CaseIterable {
    /// First, so an untouched select keeps "not marked" rather than marking anyone.
    case notMarked, present, absent
}

public enum GroupAttendanceRetention {
    /// Attendance lists are purged twelve months after the occasion. The list is needed to see
    /// that those who signed up came (seed 003) and for the year's follow-up of the support
    /// given; a year after the occasion both are done — the annual statistics and the support
    /// plan's review (every six months by default) have used it — and keeping it longer would
    /// be collecting more than the seed says is needed.
    public static let months = 12

    /// Occasions held before this day have their attendance lists purged.
    public static func purgeBefore(today: CalendarDate) -> CalendarDate { today.addingMonths(-months) }

    /// A sign-up only for an occasion that has not yet been held.
    public static func maySignUp(heldOn: CalendarDate, today: CalendarDate) -> Bool { heldOn >= today }

    /// Attendance is marked on the day or after, never before.
    public static func mayMark(heldOn: CalendarDate, today: CalendarDate) -> Bool { heldOn <= today }
}
