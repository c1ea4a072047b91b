import Fluent
import SynligCore
import Vapor

/// A consent entry as the form and `/api/v1` send it: every field optional, checked by the service.
package struct ConsentInput: Decodable, Sendable {
    var kind: String?
    var categories: [String]?
    var form: String?
    var documentReference: String?
    var harmDecision: String?
    var decidedBy: String?
    package var date: String?
    var endsOn: String?
    var note: String?

    package init(kind: String? = nil, categories: [String]? = nil, form: String? = nil, documentReference: String? = nil,
                 harmDecision: String? = nil, decidedBy: String? = nil, date: String? = nil, endsOn: String? = nil,
                 note: String? = nil) {
        self.kind = kind
        self.categories = categories
        self.form = form
        self.documentReference = documentReference
        self.harmDecision = harmDecision
        self.decidedBy = decidedBy
        self.date = date
        self.endsOn = endsOn
        self.note = note
    }
}

package struct RestrictionInput: Decodable, Sendable {
    var reason: String?
    var note: String?
    package var decidedOn: String?
    var reviewOn: String?

    package init(reason: String? = nil, note: String? = nil, decidedOn: String? = nil, reviewOn: String? = nil) {
        self.reason = reason
        self.note = note
        self.decidedOn = decidedOn
        self.reviewOn = reviewOn
    }
}

package struct InvitationInput: Decodable, Sendable {
    var kind: String?
    var meetingOn: String?

    package init(kind: String? = nil, meetingOn: String? = nil) {
        self.kind = kind
        self.meetingOn = meetingOn
    }
}

/// Bilaga 2 made concrete: the consent history of each relationship (added to, never edited),
/// harm assessments, restrictions on involvement, and the invitations they allow.
package enum ConsentService {
    package static func record(relationshipID: UUID, _ input: ConsentInput, by user: CurrentUser, on db: any Database,
                       today: CalendarDate = .today()) async throws -> ConsentRecord {
        var check = InputChecker()
        let kind = check.choice(input.kind, "kind", as: ConsentEntryKind.self)
        let date = check.date(input.date, "date")
        if let date, date > today { check.fail("date", "consent.date_future") }
        var categories: Set<ConsentCategory> = []
        var form: ConsentForm?
        var harmDecision: HarmDecision?
        var endsOn: CalendarDate?
        let reference = check.line(input.documentReference, "documentReference")
        let decidedBy = check.line(input.decidedBy, "decidedBy", required: kind == .harmAssessment)
        let note = check.text(input.note, "note", max: 2000)
        switch kind {
        case .consent:
            categories = check.choices(input.categories ?? [], "categories", as: ConsentCategory.self, required: true)
            form = check.choice(input.form, "form", as: ConsentForm.self)
            // A power of attorney or written consent is a document: say where it is kept.
            if form == .powerOfAttorney || form == .written, reference.isEmpty { check.fail("documentReference", "consent.document_required") }
            endsOn = check.date(input.endsOn, "endsOn", required: false)
            if let endsOn, let date, endsOn < date { check.fail("endsOn", "consent.ends_before_start") }
        case .harmAssessment:
            harmDecision = check.choice(input.harmDecision, "harmDecision", as: HarmDecision.self)
            if harmDecision == .mayDisclose {
                categories = check.choices(input.categories ?? [], "categories", as: ConsentCategory.self, required: true)
            }
        case .withdrawal, nil:
            break
        }
        try check.finish()
        guard let kind, let date else { throw SynligError.invalid(check.problems) }
        let (chosenCategories, chosenForm, decision, ends) = (categories, form, harmDecision, endsOn)

        return try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            let relationship = try await CaregiverAccess.relationship(relationshipID, for: user, on: tx)
            let previous = try await ConsentRecord.query(on: tx).filter(\.$relationshipID == relationshipID).count()
            let record = ConsentRecord()
            record.organisationID = user.organisationID
            record.relationshipID = try relationship.requireID()
            record.kind = kind
            record.categoriesText = chosenCategories.storedText
            record.form = chosenForm
            record.documentReference = reference
            record.harmDecision = decision
            record.decidedBy = decidedBy
            record.date = date.iso
            record.endsOn = ends?.iso
            record.note = note
            record.documentedBy = user.id
            record.sequence = previous + 1
            record.review = false
            try await record.create(on: tx)
            try await scheduleReview(of: relationship, on: tx)
            if try await CaregiverAccess.permission(for: relationship, on: tx, today: today).consent.categories.isEmpty {
                try await withdrawInvolvement(relationship, on: tx, audit: audit, organisationID: user.organisationID)
            }
            audit.record("consent.\(kind.rawValue)", "consent", id: record.id, organisation: user.organisationID)
            return record
        }
    }

    package static func restrict(relationshipID: UUID, _ input: RestrictionInput, by user: CurrentUser, on db: any Database,
                         today: CalendarDate = .today()) async throws -> InvolvementRestriction {
        var check = InputChecker()
        let reason = check.choice(input.reason, "reason", as: RestrictionReason.self)
        let note = check.text(input.note, "note", max: 2000)
        let decidedOn = check.date(input.decidedOn, "decidedOn")
        let reviewOn = check.date(input.reviewOn, "reviewOn")
        if let reviewOn, reviewOn < today { check.fail("reviewOn", "restriction.review_past") }
        try check.finish()
        guard let reason, let decidedOn, let reviewOn else { throw SynligError.invalid(check.problems) }

        return try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            let relationship = try await CaregiverAccess.relationship(relationshipID, for: user, on: tx)
            let active = try await InvolvementRestriction.query(on: tx).filter(\.$relationshipID == relationshipID)
                .filter(\.$liftedAt == nil).count()
            guard active == 0 else { throw SynligError(.conflict, "restriction.exists") }
            let restriction = InvolvementRestriction()
            restriction.organisationID = user.organisationID
            restriction.relationshipID = try relationship.requireID()
            restriction.reason = reason
            restriction.note = note
            restriction.decidedOn = decidedOn.iso
            restriction.reviewOn = reviewOn.iso
            restriction.authorID = user.id
            try await restriction.create(on: tx)
            try await RestrictionReview.due(restriction, on: reviewOn.iso, on: tx)
            try await withdrawInvolvement(relationship, on: tx, audit: audit, organisationID: user.organisationID)
            if let caregiver = try await Caregiver.find(relationship.caregiverID, on: tx) {
                try await CaregiverTaskService.schedule(.restrictionReview, for: caregiver, due: reviewOn, subject: restriction.id, on: tx)
            }
            audit.record("restriction.create", "involvement_restriction", id: restriction.id, organisation: user.organisationID)
            return restriction
        }
    }

    /// When nothing may be shared any more (a restriction, a withdrawn consent): invitations not
    /// yet held are cancelled and no one is prompted to tell the caregiver about the person's care.
    private static func withdrawInvolvement(_ relationship: CareRelationship, on tx: any Database, audit: AuditRecorder,
                                            organisationID: UUID) async throws {
        let id = try relationship.requireID()
        for invitation in try await MeetingInvitation.query(on: tx).filter(\.$relationshipID == id).filter(\.$attendance == .notYetHeld).all() {
            invitation.attendance = .cancelled
            try await invitation.update(on: tx)
            audit.record("invitation.cancel", "meeting_invitation", id: invitation.id, organisation: organisationID)
        }
        try await CaregiverTaskService.complete(.informFixedContactChange, caregiverID: relationship.caregiverID, subject: id, on: tx)
        try await RecipientTaskService.complete(.inviteCaregiverToPlan, subject: id, on: tx)
    }

    package static func lift(restrictionID: UUID, reason rawReason: String?, by user: CurrentUser, on db: any Database,
                             today: CalendarDate = .today()) async throws {
        guard user.hasAny(CaregiverAccess.restrictionLifters) else { throw SynligError(.forbidden, "restriction.lift_forbidden") }
        var check = InputChecker()
        let reason = check.text(rawReason, "liftReason", required: true, max: 2000)
        try check.finish()
        try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            let restriction = try await InvolvementRestriction.find(restrictionID, in: user.organisationID, on: tx)
            let relationship = try await CaregiverAccess.relationship(restriction.relationshipID, for: user, on: tx)
            guard restriction.isActive else { throw SynligError(.conflict, "restriction.lifted_already") }
            restriction.liftedAt = Date()
            restriction.liftedBy = user.id
            restriction.liftedReason = reason
            try await restriction.update(on: tx)
            try await RestrictionReview.hold(restriction, outcome: .lifted, by: user.id, today: today, on: tx)
            try await CaregiverTaskService.complete(.restrictionReview, caregiverID: relationship.caregiverID, subject: restrictionID, on: tx)
            audit.record("restriction.lift", "involvement_restriction", id: restrictionID, organisation: user.organisationID)
        }
    }

    /// Reviews a restriction and keeps it: it stays in force until the new review date.
    static func review(restrictionID: UUID, reviewOn raw: String?, by user: CurrentUser, on db: any Database,
                       today: CalendarDate = .today()) async throws {
        guard user.hasAny(CaregiverAccess.restrictionLifters) else { throw SynligError(.forbidden, "restriction.lift_forbidden") }
        var check = InputChecker()
        let reviewOn = check.date(raw, "reviewOn")
        if let reviewOn, reviewOn <= today { check.fail("reviewOn", "restriction.review_past") }
        try check.finish()
        guard let reviewOn else { return }
        try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            let restriction = try await InvolvementRestriction.find(restrictionID, in: user.organisationID, on: tx)
            let relationship = try await CaregiverAccess.relationship(restriction.relationshipID, for: user, on: tx)
            guard restriction.isActive else { throw SynligError(.conflict, "restriction.lifted_already") }
            try await RestrictionReview.hold(restriction, outcome: .continued, by: user.id, today: today, on: tx)
            restriction.reviewOn = reviewOn.iso
            try await restriction.update(on: tx)
            try await RestrictionReview.due(restriction, on: reviewOn.iso, on: tx)
            if let caregiver = try await Caregiver.find(relationship.caregiverID, on: tx) {
                try await CaregiverTaskService.schedule(.restrictionReview, for: caregiver, due: reviewOn, subject: restrictionID, on: tx)
            }
            audit.record("restriction.review", "involvement_restriction", id: restrictionID, organisation: user.organisationID)
        }
    }

    /// Invites the caregiver to a SIP, care-planning or needs-assessment meeting — refused (409) without consent
    /// to planning, or while a restriction is in force.
    package static func invite(relationshipID: UUID, _ input: InvitationInput, by user: CurrentUser, on db: any Database,
                       today: CalendarDate = .today()) async throws -> MeetingInvitation {
        var check = InputChecker()
        let kind = check.choice(input.kind, "meetingKind", as: MeetingKind.self)
        let meetingOn = check.date(input.meetingOn, "meetingOn")
        try check.finish()
        guard let kind, let meetingOn else { throw SynligError.invalid(check.problems) }
        return try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            let relationship = try await CaregiverAccess.relationship(relationshipID, for: user, on: tx)
            let permission = try await CaregiverAccess.permission(for: relationship, on: tx, today: today)
            guard !permission.restricted else { throw SynligError(.conflict, "invitation.restricted") }
            guard permission.mayInvite else { throw SynligError(.conflict, "invitation.no_consent") }
            let invitation = MeetingInvitation()
            invitation.organisationID = user.organisationID
            invitation.relationshipID = relationshipID
            invitation.kind = kind
            invitation.meetingOn = meetingOn.iso
            invitation.invitedBy = user.id
            invitation.attendance = .notYetHeld
            try await invitation.create(on: tx)
            audit.record("invitation.create", "meeting_invitation", id: invitation.id, organisation: user.organisationID)
            // Inviting the caregiver to a SIP answers the task a discharge raised.
            if kind == .coordinatedPlan { try await RecipientTaskService.complete(.inviteCaregiverToPlan, subject: relationshipID, on: tx) }
            return invitation
        }
    }

    package static func recordAttendance(invitationID: UUID, attendance raw: String?, by user: CurrentUser, on db: any Database) async throws {
        var check = InputChecker()
        let attendance = check.choice(raw, "attendance", as: MeetingAttendance.self)
        try check.finish()
        guard let attendance else { return }
        try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            let invitation = try await MeetingInvitation.find(invitationID, in: user.organisationID, on: tx)
            _ = try await CaregiverAccess.relationship(invitation.relationshipID, for: user, on: tx)
            guard invitation.attendance != .cancelled, attendance != .cancelled else { throw SynligError(.conflict, "invitation.cancelled") }
            invitation.attendance = attendance
            try await invitation.update(on: tx)
            audit.record("invitation.attendance", "meeting_invitation", id: invitationID, organisation: user.organisationID)
        }
    }
}
