/// What of the caregiver's own information the caregiver agreed may be passed on in a referral
/// to another organisation. The record's consent categories are the person cared for's consent
/// to share *their* information with the caregiver; a referral moves the caregiver's *own*
/// information, so it has categories of its own.
public enum ReferralConsentCategory: String, Sendable, Codable, CaseIterable {
    /// Name, phone, e-mail and preferred language: how the receiver can get in touch.
    case contactDetails
    /// Whom the caregiver cares for (the kind of relation only, never the person) and how many
    /// hours a week.
    case careSituation
    /// The caregiver's own description of what they need.
    case ownNeeds
}

/// How the caregiver gave their consent to the referral.
public enum ReferralConsentForm: String, Sendable, Codable, CaseIterable {
    case oral, written, digital
}

/// Where a referral stands. The receiver moves it forward; the sender sees only this.
public enum ReferralStatus: String, Sendable, Codable, CaseIterable {
    /// Sent and waiting in the receiver's inbox, not yet opened.
    case sent
    /// Opened by someone in the receiving organisation.
    case received
    /// The receiver has been in touch with the caregiver.
    case contacted
    /// Handled; nothing more will happen to it.
    case closed

    /// The statuses a receiver may set by hand: forward only, and never back to "sent".
    public func mayMove(to next: ReferralStatus) -> Bool {
        guard self != .closed, next != .sent else { return false }
        return next.order > order
    }

    private var order: Int { Self.allCases.firstIndex(of: self) ?? 0 }
}

/// The limits of a referral, in one place for the form, the service and the API.
public enum ReferralRules {
    public static let maxReason = 1000
    public static let maxNeeds = 2000
    /// A referral nobody took up is personal data about someone who is not (yet) a caregiver in
    /// the receiving organisation: purged like an unhandled contact request.
    public static let untakenRetentionDays = 90
    /// A closed referral that did not become a record is purged this long after closing.
    public static let closedRetentionDays = 30
}
