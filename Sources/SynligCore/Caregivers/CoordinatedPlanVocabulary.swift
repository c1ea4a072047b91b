/// SIP (samordnad individuell plan): offered to the person cared for, with an outcome over time,
/// and the patient contract — stored as strings, named here once.

/// What came of an offered SIP. `pending` until the person answers; `held` when the planning
/// meeting took place.
public enum CoordinatedPlanOutcome: String, Sendable, Codable, CaseIterable {
    case pending, accepted, declined, held
}

/// How a patient contract's follow-up went.
public enum PatientContractResult: String, Sendable, Codable, CaseIterable {
    case kept, notKept
}

/// Tasks about the person cared for (not about one caregiver) on a staff member's worklist.
public enum RecipientTaskKind: String, Sendable, Codable, CaseIterable {
    /// A discharge from inpatient care: draw up a SIP.
    case drawUpCoordinatedPlan
    /// The same discharge, for a caregiver whose consent allows planning: invite them.
    case inviteCaregiverToPlan
    /// A responsibility in a SIP is due for follow-up.
    case responsibilityFollowUp
    /// A patient contract is due for follow-up.
    case patientContractFollowUp
}

/// The statistics' window: a discharge counts as followed by a SIP when a SIP was offered to
/// the person within this many days after it.
public enum DischargeFollowUp {
    public static let windowDays = 30

    /// Whether an offer on `offeredOn` follows a discharge on `dischargedOn` within the window.
    public static func isFollowed(dischargedOn: CalendarDate, offeredOn: CalendarDate) -> Bool {
        let days = dischargedOn.days(until: offeredOn)
        return days >= 0 && days <= windowDays
    }
}

/// What the knowledge support says about SIP, verbatim from seed 003
/// (`003_8f6e70672cea0072.txt`, "Gemensam planering för ökad samordning").
public enum CoordinatedPlanSeed {
    public static let dischargeQuote = "En SIP ska alltid upprättas när en patient skrivs ut från sluten hälso- och sjukvård"
    public static let responsibilityQuote = "I en SIP ska ansvarsfördelningen mellan aktörerna tydligt framgå."
    public static let source = "Socialstyrelsen, Integrera anhörigperspektivet inom hälso- och sjukvården och socialtjänsten, "
        + "avsnittet ”Gemensam planering för ökad samordning” (seed 003_8f6e70672cea0072.txt)"
}
