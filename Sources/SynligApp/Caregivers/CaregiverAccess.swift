import Fluent
import SynligCore
import Vapor

/// Who may see which caregivers and care recipients. Consultants see the whole organisation;
/// case officers and staff see only people linked to their units: recipients the unit is
/// responsible for, their caregivers, and caregivers the unit registered. Everyone else —
/// administrators, strategists, viewers — sees no person at all.
package enum CaregiverAccess {
    static let readers: Set<Role> = [.consultant, .caseOfficer, .staff]
    /// Only these lift a restriction on involvement.
    static let restrictionLifters: Set<Role> = [.consultant, .caseOfficer]

    static func seesWholeOrganisation(_ user: CurrentUser) -> Bool { user.has(.consultant) }

    /// The recipients a unit-scoped user's units are responsible for; nil means all.
    private static func unitRecipientIDs(_ user: CurrentUser, on db: any Database) async throws -> [UUID]? {
        guard !seesWholeOrganisation(user) else { return nil }
        guard !user.unitIDs.isEmpty else { return [] }
        return try await CareRecipientUnit.query(on: db)
            .filter(\.$organisationID == user.organisationID)
            .filter(\.$unitID ~~ Array(user.unitIDs)).all(\.$recipientID)
    }

    /// Caregivers this user may see, as a query to narrow further (search, lists).
    static func caregivers(for user: CurrentUser, on db: any Database) async throws -> QueryBuilder<Caregiver> {
        guard user.hasAny(readers) else { throw SynligError.forbidden }
        let query = Caregiver.scoped(to: user.organisationID, on: db)
        guard let recipientIDs = try await unitRecipientIDs(user, on: db) else { return query }
        let viaRecipients = recipientIDs.isEmpty ? [] : try await CareRelationship.scoped(to: user.organisationID, on: db)
            .filter(\.$recipientID ~~ recipientIDs).all(\.$caregiverID)
        let units = Array(user.unitIDs)
        return query.group(.or) { group in
            group.filter(\.$id ~~ Array(Set(viaRecipients)))
            if !units.isEmpty { group.filter(\.$unitID ~~ units) }
        }
    }

    static func recipients(for user: CurrentUser, on db: any Database) async throws -> QueryBuilder<CareRecipient> {
        guard user.hasAny(readers) else { throw SynligError.forbidden }
        let query = CareRecipient.scoped(to: user.organisationID, on: db)
        guard let recipientIDs = try await unitRecipientIDs(user, on: db) else { return query }
        // Also the people cared for by a caregiver the user's unit registered.
        let ownCaregivers = user.unitIDs.isEmpty ? [] : try await Caregiver.scoped(to: user.organisationID, on: db)
            .filter(\.$unitID ~~ Array(user.unitIDs)).all(\.$id)
        let viaCaregivers = ownCaregivers.isEmpty ? [] : try await CareRelationship.scoped(to: user.organisationID, on: db)
            .filter(\.$caregiverID ~~ ownCaregivers.compactMap { $0 }).all(\.$recipientID)
        return query.filter(\.$id ~~ Array(Set(recipientIDs + viaCaregivers)))
    }

    /// The caregiver, or 404 when it does not exist, is in another organisation, or is outside
    /// the user's units: a person the user may not see is simply not there.
    static func caregiver(_ id: UUID?, for user: CurrentUser, on db: any Database) async throws -> Caregiver {
        guard let id, let found = try await caregivers(for: user, on: db).filter(\.$id == id).first() else { throw SynligError.notFound }
        return found
    }

    static func recipient(_ id: UUID?, for user: CurrentUser, on db: any Database) async throws -> CareRecipient {
        guard let id, let found = try await recipients(for: user, on: db).filter(\.$id == id).first() else { throw SynligError.notFound }
        return found
    }

    /// A relationship is visible when both its caregiver and the person cared for are.
    static func relationship(_ id: UUID?, for user: CurrentUser, on db: any Database) async throws -> CareRelationship {
        let relationship = try await CareRelationship.find(id, in: user.organisationID, on: db)
        _ = try await caregiver(relationship.caregiverID, for: user, on: db)
        _ = try await recipient(relationship.recipientID, for: user, on: db)
        return relationship
    }

    /// What may be shared with the caregiver of this relationship today.
    package static func permission(for relationship: CareRelationship, on db: any Database, today: CalendarDate = .today()) async throws -> InvolvementPermission {
        guard let permission = try await permissions(for: [relationship], on: db, today: today)[try relationship.requireID()] else {
            throw SynligError.notFound
        }
        return permission
    }

    /// The same rule for many relationships at once (the crisis list), in a few queries.
    package static func permissions(for relationships: [CareRelationship], on db: any Database,
                                    today: CalendarDate = .today()) async throws -> [UUID: InvolvementPermission] {
        let ids = try relationships.map { try $0.requireID() }
        var entries: [UUID: [ConsentEntry]] = [:]
        var restricted: Set<UUID> = []
        for chunk in ids.chunked(500) {
            for record in try await ConsentRecord.query(on: db).filter(\.$relationshipID ~~ chunk).all() {
                if let entry = record.entry { entries[record.relationshipID, default: []].append(entry) }
            }
            restricted.formUnion(try await InvolvementRestriction.query(on: db).filter(\.$relationshipID ~~ chunk)
                .filter(\.$liftedAt == nil).all(\.$relationshipID))
        }
        return Dictionary(ids.map { id in
            (id, InvolvementPermission(consent: ConsentState.evaluate(entries[id] ?? [], today: today), restricted: restricted.contains(id)))
        }, uniquingKeysWith: { first, _ in first })
    }
}
