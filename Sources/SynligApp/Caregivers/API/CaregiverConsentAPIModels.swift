import Foundation
import SynligCore
import Vapor

/// The JSON shapes of consent, restrictions on involvement and meeting invitations in
/// `/api/v1` (Bilaga 2), as described in `Resources/openapi.yaml`. Consent entries are only
/// ever added: a withdrawal is a new entry.
// The API takes the services' inputs as its bodies: one field list for the form, the service
// and `/api/v1` (openapi.yaml is checked against it).
extension ConsentInput: StrictJSONBody {}
extension RestrictionInput: StrictJSONBody {}

extension API {
    // MARK: Consent

    struct ConsentOut: Content {
        var id: UUID
        var relationshipId: UUID
        var kind: ConsentEntryKind
        var categories: [ConsentCategory]
        var form: ConsentForm?
        var documentReference: String
        var harmDecision: HarmDecision?
        var decidedBy: String
        var date: String
        var endsOn: String?
        var note: String
        var documentedByUserId: UUID
        var sequence: Int
        /// An entry that confirms the stance before it, unchanged, at a review.
        var review: Bool
        var createdAt: Date?

        init(_ record: ConsentRecord) throws {
            id = try record.requireID()
            relationshipId = record.relationshipID
            kind = record.kind
            categories = record.categories.sorted { $0.rawValue < $1.rawValue }
            form = record.form
            documentReference = record.documentReference
            harmDecision = record.harmDecision
            decidedBy = record.decidedBy
            date = record.date
            endsOn = record.endsOn
            note = record.note
            documentedByUserId = record.documentedBy
            sequence = record.sequence
            review = record.review
            createdAt = record.createdAt
        }
    }

    /// The consent history of one relationship, newest entry first, and what it allows today.
    struct ConsentHistoryOut: Content {
        var relationshipId: UUID
        var consent: ConsentStateOut
        var restricted: Bool
        var mayInvite: Bool
        var mayInformAboutCare: Bool
        var entries: [ConsentOut]
    }

    // MARK: Restrictions

    struct RestrictionLift: StrictJSONBody {
        var reason: String?
    }

    struct RestrictionReview: StrictJSONBody {
        var reviewOn: String?
    }

    struct RestrictionOut: Content {
        var id: UUID
        var relationshipId: UUID
        var reason: RestrictionReason
        var note: String
        var decidedOn: String
        var reviewOn: String
        var authorUserId: UUID
        var active: Bool
        var liftedAt: Date?
        var liftedByUserId: UUID?
        var liftedReason: String?
        var createdAt: Date?

        init(_ restriction: InvolvementRestriction) throws {
            id = try restriction.requireID()
            relationshipId = restriction.relationshipID
            reason = restriction.reason
            note = restriction.note
            decidedOn = restriction.decidedOn
            reviewOn = restriction.reviewOn
            authorUserId = restriction.authorID
            active = restriction.isActive
            liftedAt = restriction.liftedAt
            liftedByUserId = restriction.liftedBy
            liftedReason = restriction.liftedReason
            createdAt = restriction.createdAt
        }
    }

    // MARK: Invitations

    struct InvitationCreate: StrictJSONBody {
        var kind: String?
        var meetingOn: String?
    }

    struct AttendanceUpdate: StrictJSONBody {
        var attendance: String?
    }

    struct InvitationOut: Content {
        var id: UUID
        var relationshipId: UUID
        var kind: MeetingKind
        var meetingOn: String
        var invitedByUserId: UUID
        var attendance: MeetingAttendance
        var createdAt: Date?

        init(_ invitation: MeetingInvitation) throws {
            id = try invitation.requireID()
            relationshipId = invitation.relationshipID
            kind = invitation.kind
            meetingOn = invitation.meetingOn
            invitedByUserId = invitation.invitedBy
            attendance = invitation.attendance
            createdAt = invitation.createdAt
        }
    }
}
