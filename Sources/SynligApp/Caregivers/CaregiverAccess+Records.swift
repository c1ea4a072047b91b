import Fluent
import SynligCore
import Vapor

/// The records under a caregiver or a relationship, found as the user may see them: in their
/// organisation, and about people they may see (else 404). Routes name them with `naming`
/// so the record is found before a body is judged.
extension CaregiverAccess {
    static func restriction(_ id: UUID?, for user: CurrentUser, on db: any Database) async throws -> InvolvementRestriction {
        let restriction = try await InvolvementRestriction.find(id, in: user.organisationID, on: db)
        _ = try await relationship(restriction.relationshipID, for: user, on: db)
        return restriction
    }

    /// A restriction to lift or review: other roles are told who may (403), before anything else.
    static func restrictionToLift(_ id: UUID?, for user: CurrentUser, on db: any Database) async throws -> InvolvementRestriction {
        guard user.hasAny(restrictionLifters) else { throw SynligError(.forbidden, "restriction.lift_forbidden") }
        return try await restriction(id, for: user, on: db)
    }

    static func invitation(_ id: UUID?, for user: CurrentUser, on db: any Database) async throws -> MeetingInvitation {
        let invitation = try await MeetingInvitation.find(id, in: user.organisationID, on: db)
        _ = try await relationship(invitation.relationshipID, for: user, on: db)
        return invitation
    }

    static func supportNeed(_ id: UUID?, for user: CurrentUser, on db: any Database) async throws -> CaregiverSupport {
        try await underCaregiver(CaregiverSupport.find(id, in: user.organisationID, on: db), for: user, on: db)
    }

    static func feedback(_ id: UUID?, for user: CurrentUser, on db: any Database) async throws -> CaregiverFeedback {
        try await underCaregiver(CaregiverFeedback.find(id, in: user.organisationID, on: db), for: user, on: db)
    }

    static func task(_ id: UUID?, for user: CurrentUser, on db: any Database) async throws -> CaregiverTask {
        let task = try await CaregiverTask.find(id, in: user.organisationID, on: db)
        _ = try await caregiver(task.caregiverID, for: user, on: db)
        return task
    }

    private static func underCaregiver<Record: CaregiverOwnedRecord>(_ record: Record, for user: CurrentUser,
                                                                    on db: any Database) async throws -> Record {
        _ = try await caregiver(record.caregiverID, for: user, on: db)
        return record
    }
}
