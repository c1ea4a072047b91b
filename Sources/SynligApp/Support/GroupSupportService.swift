import Fluent
import SQLKit
import SynligCore
import Vapor

/// What staff send to put an occasion of a group offering in the calendar.
package struct OccasionInput: Decodable, Sendable {
    var offeringId: String?
    var heldOn: String?
    var startsAt: String?

    package init(offeringId: String?, heldOn: String?, startsAt: String?) {
        self.offeringId = offeringId
        self.heldOn = heldOn
        self.startsAt = startsAt
    }
}

/// Occasions of group offerings, sign-ups and attendance, with the least documentation that
/// lets staff see that those who signed up came (`GroupAttendance`). Every change is audited;
/// who may sign a caregiver up is who may see the caregiver (`CaregiverAccess`).
package enum GroupSupportService {
    /// Occasions are for support given in groups; from today on (an occasion already held has
    /// nobody to sign up).
    package static func createOccasion(_ input: OccasionInput, by user: CurrentUser, on db: any Database,
                                       today: CalendarDate = .today()) async throws -> GroupOccasion {
        guard user.hasAny(CaregiverAccess.readers) else { throw SynligError.forbidden }
        var check = InputChecker()
        let offeringID = check.id(input.offeringId, "offeringId")
        if input.offeringId?.isEmpty ?? true { check.fail("offeringId", "input.required") }
        let heldOn = check.date(input.heldOn, "heldOn")
        if let heldOn, heldOn < today { check.fail("heldOn", "occasion.held_on_past") }
        let startsAt = (input.startsAt ?? "").trimmingCharacters(in: .whitespaces)
        if startsAt.range(of: #"^([01][0-9]|2[0-3]):[0-5][0-9]$"#, options: .regularExpression) == nil {
            check.fail("startsAt", "occasion.starts_at_invalid")
        }
        try check.finish()
        guard let offeringID, let heldOn else { throw SynligError.invalid(check.problems) }
        return try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            guard let offering = try await SupportOffering.scoped(to: user.organisationID, on: tx).filter(\.$id == offeringID).first() else {
                throw SynligError.invalid([.init(field: "offeringId", messageKey: "input.invalid_id")])
            }
            guard offering.kind.isGroup else { throw SynligError.invalid([.init(field: "offeringId", messageKey: "occasion.not_group")]) }
            let occasion = GroupOccasion()
            occasion.organisationID = user.organisationID
            occasion.offeringID = offeringID
            occasion.heldOn = heldOn.iso
            occasion.startsAt = startsAt
            occasion.createdBy = user.id
            try await occasion.create(on: tx)
            audit.record("group_occasion.create", "group_occasion", id: occasion.id, organisation: user.organisationID)
            return occasion
        }
    }

    /// Signs a caregiver the user may see up for an occasion not yet held, once.
    package static func signUp(occasionID: UUID, caregiverID: UUID?, by user: CurrentUser, on db: any Database,
                               today: CalendarDate = .today()) async throws -> GroupSignUp {
        try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            let occasion = try await GroupOccasion.find(occasionID, in: user.organisationID, on: tx)
            guard let caregiverID else { throw SynligError.invalid([.init(field: "caregiverId", messageKey: "input.required")]) }
            let caregiver = try await CaregiverAccess.caregiver(caregiverID, for: user, on: tx)
            guard let heldOn = CalendarDate(occasion.heldOn), GroupAttendanceRetention.maySignUp(heldOn: heldOn, today: today) else {
                throw SynligError(.conflict, "occasion.sign_up_past")
            }
            let existing = try await GroupSignUp.query(on: tx).filter(\.$occasionID == occasionID)
                .filter(\.$caregiverID == caregiver.requireID()).count()
            guard existing == 0 else { throw SynligError(.conflict, "occasion.already_signed_up") }
            let signUp = GroupSignUp()
            signUp.organisationID = user.organisationID
            signUp.occasionID = occasionID
            signUp.caregiverID = try caregiver.requireID()
            signUp.attendance = .notMarked
            signUp.signedUpBy = user.id
            try await signUp.create(on: tx)
            audit.record("group_sign_up.create", "group_sign_up", id: signUp.id, organisation: user.organisationID)
            return signUp
        }
    }

    /// Marks whether a signed-up caregiver came: on the day of the occasion or after.
    package static func mark(signUpID: UUID, attendance: String?, by user: CurrentUser, on db: any Database,
                             today: CalendarDate = .today()) async throws -> GroupSignUp {
        guard let mark = attendance.flatMap(GroupAttendance.init(rawValue:)) else {
            throw SynligError.invalid([.init(field: "attendance", messageKey: "input.invalid_choice")])
        }
        return try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            let signUp = try await GroupSignUp.find(signUpID, in: user.organisationID, on: tx)
            _ = try await CaregiverAccess.caregiver(signUp.caregiverID, for: user, on: tx)
            let occasion = try await GroupOccasion.find(signUp.occasionID, in: user.organisationID, on: tx)
            guard let heldOn = CalendarDate(occasion.heldOn), GroupAttendanceRetention.mayMark(heldOn: heldOn, today: today) else {
                throw SynligError(.conflict, "occasion.attendance_before")
            }
            guard signUp.attendance != mark else { return signUp }
            signUp.attendance = mark
            try await signUp.save(on: tx)
            audit.record("group_attendance.\(mark.rawValue)", "group_sign_up", id: signUp.id, organisation: user.organisationID)
            return signUp
        }
    }

    /// How many are signed up for each occasion (the lists show the number, not the names).
    static func signUpCounts(_ occasions: [GroupOccasion], organisationID: UUID, on db: any Database) async throws -> [UUID: Int] {
        let ids = try occasions.map { try $0.requireID() }
        guard !ids.isEmpty else { return [:] }
        var counts: [UUID: Int] = [:]
        for signUp in try await GroupSignUp.scoped(to: organisationID, on: db).filter(\.$occasionID ~~ ids).all() {
            counts[signUp.occasionID, default: 0] += 1
        }
        return counts
    }

    /// Occasions whose attendance lists are due for purging (the job's dry run counts them).
    static func purgeable(today: CalendarDate = .today(), on db: any Database) -> QueryBuilder<GroupOccasion> {
        GroupOccasion.query(on: db).filter(\.$heldOn < GroupAttendanceRetention.purgeBefore(today: today).iso)
    }

    /// Purges the attendance lists of occasions held more than the retention period ago, with
    /// the occasions themselves; how many sign-ups went.
    static func purge(today: CalendarDate = .today(), on db: any Database) async throws -> Int {
        try await AuditTrail.transaction(on: db, actor: .system) { tx, audit in
            let occasions = try await purgeable(today: today, on: tx).all().map { try $0.requireID() }
            guard !occasions.isEmpty else { return 0 }
            var purged = 0
            for chunk in occasions.chunked(500) {
                for signUp in try await GroupSignUp.query(on: tx).filter(\.$occasionID ~~ chunk).all() {
                    audit.record("group_sign_up.purge", "group_sign_up", id: signUp.id, organisation: signUp.organisationID)
                    purged += 1
                }
                try await GroupSignUp.query(on: tx).filter(\.$occasionID ~~ chunk).delete()
                try await GroupOccasion.query(on: tx).filter(\.$id ~~ chunk).delete()
            }
            return purged
        }
    }
}
