import Fluent
import FluentSQL
import SQLKit
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

    /// Caregivers this user may see, as a query to narrow further (search, lists).
    static func caregivers(for user: CurrentUser, on db: any Database) async throws -> QueryBuilder<Caregiver> {
        guard user.hasAny(readers) else { throw SynligError.forbidden }
        let query = Caregiver.scoped(to: user.organisationID, on: db)
        guard let visible = visibleCaregiver(user, id: SQLQueryString("\(ident: Caregiver.schema).\(ident: "id")"),
                                             unit: SQLQueryString("\(ident: Caregiver.schema).\(ident: "unit_id")")) else { return query }
        return query.filter(.sql(embed: visible))
    }

    static func recipients(for user: CurrentUser, on db: any Database) async throws -> QueryBuilder<CareRecipient> {
        guard user.hasAny(readers) else { throw SynligError.forbidden }
        let query = CareRecipient.scoped(to: user.organisationID, on: db)
        guard let visible = visibleRecipient(user, id: SQLQueryString("\(ident: CareRecipient.schema).\(ident: "id")")) else { return query }
        return query.filter(.sql(embed: visible))
    }

    /// SQL that holds for a caregiver (its `id` and `unit` columns) a unit-scoped user may see:
    /// registered by one of their units, or caring for someone a unit of theirs is responsible
    /// for. Nil for users who see the whole organisation. Correlated `EXISTS`, never a list of
    /// ids: a look-up probes one caregiver's relationships, and a unit of any size stays within
    /// the databases' limits on bound values.
    static func visibleCaregiver(_ user: CurrentUser, id: SQLQueryString, unit: SQLQueryString) -> SQLQueryString? {
        guard !seesWholeOrganisation(user) else { return nil }
        guard !user.unitIDs.isEmpty else { return "1 = 0" }
        let units = Array(user.unitIDs)
        return "(" + unit + " IN (\(binds: units)) OR EXISTS (SELECT 1 FROM care_relationships vr JOIN care_recipient_units vu"
            + " ON vu.recipient_id = vr.recipient_id WHERE vr.caregiver_id = " + id + " AND vu.unit_id IN (\(binds: units))))"
    }

    /// SQL that holds for a person cared for (its `id` column) a unit-scoped user may see: one a
    /// unit of theirs is responsible for, or cared for by a caregiver one of their units
    /// registered. Nil for users who see the whole organisation.
    static func visibleRecipient(_ user: CurrentUser, id: SQLQueryString) -> SQLQueryString? {
        guard !seesWholeOrganisation(user) else { return nil }
        guard !user.unitIDs.isEmpty else { return "1 = 0" }
        let units = Array(user.unitIDs)
        return "(EXISTS (SELECT 1 FROM care_recipient_units vu WHERE vu.recipient_id = " + id + " AND vu.unit_id IN (\(binds: units)))"
            + " OR EXISTS (SELECT 1 FROM care_relationships vr JOIN caregivers vc ON vc.id = vr.caregiver_id"
            + " WHERE vr.recipient_id = " + id + " AND vc.unit_id IN (\(binds: units))))"
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
        var permissions: [UUID: InvolvementPermission] = [:]
        for (organisationID, ones) in Dictionary(grouping: relationships, by: \.organisationID) {
            permissions.merge(try await self.permissions(relationshipIDs: ones.map { try $0.requireID() }, organisationID: organisationID,
                                                         on: db, today: today)) { first, _ in first }
        }
        return permissions
    }

    /// The same from the relationships' ids; consents and restrictions are read in `organisationID` only.
    package static func permissions(relationshipIDs ids: [UUID], organisationID: UUID, on db: any Database,
                                    today: CalendarDate = .today()) async throws -> [UUID: InvolvementPermission] {
        var entries: [UUID: [ConsentEntry]] = [:]
        var restricted: Set<UUID> = []
        for chunk in ids.chunked(500) {
            for record in try await ConsentRecord.scoped(to: organisationID, on: db).filter(\.$relationshipID ~~ chunk)
                .withoutNotes().all() {
                if let entry = record.entry { entries[record.relationshipID, default: []].append(entry) }
            }
            restricted.formUnion(try await InvolvementRestriction.scoped(to: organisationID, on: db).filter(\.$relationshipID ~~ chunk)
                .filter(\.$liftedAt == nil).all(\.$relationshipID))
        }
        return Dictionary(ids.map { id in
            (id, InvolvementPermission(consent: ConsentState.evaluate(entries[id] ?? [], today: today), restricted: restricted.contains(id)))
        }, uniquingKeysWith: { first, _ in first })
    }
}
