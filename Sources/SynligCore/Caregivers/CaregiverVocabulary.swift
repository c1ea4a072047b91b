/// The fixed vocabularies of the caregiver record. Stored as their raw values; each has the
/// localisation key `caregiver.<type>.<raw>` for what people read.

/// A classification that a person may leave unanswered: gender, background, hours of care and
/// the like. `notStated` is a value of its own — what an untouched form or an API call without
/// the field stores — so a statistic counts what was recorded and shows how much was not,
/// instead of counting whatever a default made up.
public protocol OptionalClassification: RawRepresentable, CaseIterable, Hashable, Sendable where RawValue == String {
    static var notStated: Self { get }
}

extension OptionalClassification {
    public var isStated: Bool { self != Self.notStated }

    /// "Not stated" first, then the answers: the order a form offers them in, so that the
    /// option a browser sends for an untouched select is the honest one.
    public static var formOrder: [Self] { [notStated] + allCases.filter { $0 != notStated } }
}

/// Whom the caregiver cares for, as staff and statistics say it: "cares for a parent" is
/// `parent`. `guardian` is the exception: the caregiver is the person's god man or förvaltare.
public enum RelationKind: String, Sendable, Codable, CaseIterable, OptionalClassification {
    case partner, parent, child, sibling, otherRelative, friend, neighbour, guardian, other, notStated
}

/// Hours of care a week, banded as in the national statistics.
public enum HoursBand: String, Sendable, Codable, CaseIterable, OptionalClassification {
    case under5, from5to9, from10to19, from20to34, from35to49, from50, notStated

    /// More than ten hours a week: the "almost a third" of the seed's figures. Hours not stated
    /// are not known to be more than ten, so they are not counted as such.
    public var isMoreThanTen: Bool {
        switch self {
        case .from10to19, .from20to34, .from35to49, .from50: true
        case .under5, .from5to9, .notStated: false
        }
    }
}

/// Kinds of care and support the caregiver gives.
public enum CareTask: String, Sendable, Codable, CaseIterable {
    case personalCare, practicalHelp, supervision, emotionalSupport, coordination, economicAdministrative
}

public enum ContactChannel: String, Sendable, Codable, CaseIterable {
    case phone, email, letter, textMessage, visit
}

/// Asked voluntarily, for equity statistics only.
public enum Gender: String, Sendable, Codable, CaseIterable, OptionalClassification {
    case woman, man, other, notStated
}

public enum ForeignBackground: String, Sendable, Codable, CaseIterable, OptionalClassification {
    case yes, no, notStated
}

/// The national-minority languages, for equity statistics and for offering support in the
/// caregiver's language. `none` is an answer ("speaks none of them"); `notStated` is no answer.
public enum MinorityLanguage: String, Sendable, Codable, CaseIterable, OptionalClassification {
    case none, finnish, meankieli, sami, romani, yiddish, notStated
}

public enum Occupation: String, Sendable, Codable, CaseIterable, OptionalClassification {
    case works, studies, worksAndStudies, neither, notStated
}

/// Whether the caregiver needs an interpreter. Once a checkbox, which could not tell "no" from
/// "nobody asked"; an unticked box now means nothing was stated.
public enum InterpreterNeed: String, Sendable, Codable, CaseIterable, OptionalClassification {
    case yes, no, notStated
}

/// What the cared-for person's need of care and support mainly comes from, as the caregiver
/// strategy and Socialstyrelsen group caregivers: to see which groups are reached.
public enum CareNeedArea: String, Sendable, Codable, CaseIterable, OptionalClassification {
    case dementia, mentalIllness, substanceUse, disability, longTermIllness, oldAge, other, notStated
}

/// What a consent (or a harm assessment) allows to be shared with the caregiver — Bilaga 2.
public enum ConsentCategory: String, Sendable, Codable, CaseIterable {
    /// The person's health condition.
    case healthCondition
    /// The care and services the person is given.
    case careAndServices
    /// Taking part in planning and meetings (SIP, care planning).
    case planningAndMeetings
}

public enum ConsentForm: String, Sendable, Codable, CaseIterable {
    case oral, written, powerOfAttorney
}

/// An entry in the consent history. Entries are only ever added: a withdrawal is a new entry.
public enum ConsentEntryKind: String, Sendable, Codable, CaseIterable {
    case consent, withdrawal, harmAssessment
}

/// The outcome of a harm assessment (menprövning) where the person cannot consent.
public enum HarmDecision: String, Sendable, Codable, CaseIterable {
    /// Disclosure does not harm the person: the categories assessed may be shared.
    case mayDisclose
    /// Disclosure would harm the person: nothing may be shared.
    case mayNotDisclose
}

/// Why involving a caregiver in a person's care is inappropriate.
public enum RestrictionReason: String, Sendable, Codable, CaseIterable {
    case suspectedViolence, knownViolence, threats, coercion, other
}

/// The forms of support a caregiver asks for or is offered, used until (and beside) the
/// organisation's own support catalogue.
public enum SupportNeedKind: String, Sendable, Codable, CaseIterable {
    case respiteAtHome, shortStay, dayCare, counselling, supportGroup, education, consultant, financialSupport,
         digitalSupport, civilSocietyOrganisation
}

/// Why a caregiver's file is erased on request before it is due for gallring, recorded in the
/// audit trail (GDPR art. 17, where the Social Services Act does not require the file to be kept).
public enum ErasureReason: String, Sendable, Codable, CaseIterable {
    /// The wrong person, or someone who was never a caregiver of the organisation's.
    case registeredByMistake
    /// Data that should never have been recorded.
    case unlawfullyProcessed
    /// Support given on the caregiver's consent, which they withdrew.
    case consentWithdrawn
    /// The caregiver objected and the objection was upheld (art. 21).
    case objectionUpheld
}

/// Why a caregiver's file is kept past the day gallring would remove it (undantag från gallring).
public enum RetentionExemption: String, Sendable, Codable, CaseIterable {
    /// The archive authority decided the file is to be kept.
    case archiveDecision
    /// A matter still open needs the file: a complaint, supervision or a court case.
    case pendingMatter
}

/// A service offered without a formal needs assessment, or support after one (legal reference `needs_assessment`).
public enum SupportDecision: String, Sendable, Codable, CaseIterable {
    case serviceSupport, assessedSupport
}

/// Where a support need stands. `notOffered` is kept for statistics: requested but not offered.
public enum SupportStatus: String, Sendable, Codable, CaseIterable {
    case requested, offered, given, declined, ended, notOffered
}

/// `needsAssessment`: a meeting in a needs assessment (utredning om insats), not only SIP and
/// care planning.
public enum MeetingKind: String, Sendable, Codable, CaseIterable {
    case coordinatedPlan, carePlanning, needsAssessment
}

public enum MeetingAttendance: String, Sendable, Codable, CaseIterable {
    /// `cancelled`: a restriction or a withdrawn consent stopped an invitation not yet held.
    case notYetHeld, tookPart, didNotTakePart, cancelled
}

public enum FeedbackKind: String, Sendable, Codable, CaseIterable {
    case opinion, complaint, praise
}

public enum FeedbackStatus: String, Sendable, Codable, CaseIterable {
    case received, handled, answered, closed
}

/// What a caregiver task on the worklist asks its owner to do.
public enum CaregiverTaskKind: String, Sendable, Codable, CaseIterable {
    case voluntarinessFollowUp, discussVoluntariness, screening, strainFollowUp, planReview, restrictionReview,
         informFixedContactChange, coordinationSignal,
         /// The consent stance is older than the organisation's review interval.
         consentReview,
         /// Information to the caregiver was scheduled for this day.
         informationDue,
         /// Minor children at home: information, advice and support to them.
         childrenSupport
}
