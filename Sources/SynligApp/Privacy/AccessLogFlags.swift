import Fluent
import SynligCore
import Vapor

/// The flags of one page of the access log (see `AccessLogFlag`), worked out for the whole page
/// in a handful of queries: the people's units and restrictions once, and the readers' volume
/// once per day on the page.
enum AccessLogFlags {
    static func of(_ entries: [AccessLogEntry], organisationID: UUID, on db: any Database) async throws -> [UUID: Set<AccessLogFlag>] {
        var flags: [UUID: Set<AccessLogFlag>] = [:]
        func flag(_ entry: AccessLogEntry, _ flag: AccessLogFlag) {
            if let id = entry.id { flags[id, default: []].insert(flag) }
        }
        for entry in entries where WorkingHours.isOutside(entry.occurredAt) { flag(entry, .outsideHours) }

        let people = try await People.load(entries, organisationID: organisationID, on: db)
        let readers = Array(Set(entries.map(\.userID)))
        // A reader's own identity number is known where their sign-in identity is one (e-ID).
        var ownNumber: [UUID: String] = [:]
        for user in try await User.query(on: db).filter(\.$id ~~ readers).filter(\.$signInIdentity != nil).all() {
            if let id = user.id, let identity = user.signInIdentity, case .success(let number) = PersonalIdentityNumber.parse(identity) {
                ownNumber[id] = number.canonical
            }
        }
        var unitsOf: [UUID: Set<UUID>] = [:]
        for membership in try await UnitMembership.query(on: db).filter(\.$user.$id ~~ readers).all() {
            unitsOf[membership.$user.id, default: []].insert(membership.$unit.id)
        }
        for entry in entries {
            guard let type = AccessLogRecordType(rawValue: entry.recordType) else { continue }
            let key = People.Key(type: type, id: entry.recordID)
            if people.restricted.contains(key) { flag(entry, .restricted) }
            if let own = ownNumber[entry.userID], people.numbers[key] == own { flag(entry, .ownRecord) }
            // A reader with no unit reads for the whole organisation by role; only someone who
            // belongs to units can read outside them.
            if let units = unitsOf[entry.userID], !units.isEmpty, let personUnits = people.units[key], personUnits.isDisjoint(with: units) {
                flag(entry, .outsideUnits)
            }
        }

        let days = Dictionary(grouping: entries) { CalendarDate.today(now: $0.occurredAt) }
        for (day, onDay) in days {
            let users = Array(Set(onDay.map(\.userID)))
            let pairs = try await AccessLogEntry.query(on: db).filter(\.$organisationID == organisationID)
                .filter(\.$userID ~~ users)
                .filter(\.$occurredAt >= day.startInSweden).filter(\.$occurredAt < day.addingDays(1).startInSweden)
                .unique().field(\.$userID).field(\.$recordID).all()
            let read = Dictionary(grouping: pairs, by: \.userID).mapValues(\.count)
            for entry in onDay where (read[entry.userID] ?? 0) > AccessLogFlag.manyPeoplePerDay { flag(entry, .manyReads) }
        }
        return flags
    }

    /// What the flags need to know of the people on the page: the units each belongs to, whether
    /// an involvement restriction is in force on any of their relationships, and their identity number.
    struct People {
        struct Key: Hashable {
            var type: AccessLogRecordType
            var id: UUID
        }

        var units: [Key: Set<UUID>] = [:]
        var restricted: Set<Key> = []
        /// Identity numbers where recorded (caregivers'), compared and never shown.
        var numbers: [Key: String] = [:]

        static func load(_ entries: [AccessLogEntry], organisationID: UUID, on db: any Database) async throws -> People {
            let caregiverIDs = Array(Set(entries.filter { $0.recordType == AccessLogRecordType.caregiver.rawValue }.map(\.recordID)))
            let recipientIDs = Array(Set(entries.filter { $0.recordType == AccessLogRecordType.careRecipient.rawValue }.map(\.recordID)))
            var people = People()
            guard !caregiverIDs.isEmpty || !recipientIDs.isEmpty else { return people }
            let relationships = try await CareRelationship.scoped(to: organisationID, on: db).group(.or) {
                $0.filter(\.$caregiverID ~~ caregiverIDs).filter(\.$recipientID ~~ recipientIDs)
            }.all()
            let allRecipients = Array(Set(recipientIDs + relationships.map(\.recipientID)))
            var recipientUnits: [UUID: Set<UUID>] = [:]
            for link in try await CareRecipientUnit.query(on: db).filter(\.$recipientID ~~ allRecipients).all() {
                recipientUnits[link.recipientID, default: []].insert(link.unitID)
            }
            for id in recipientIDs { people.units[Key(type: .careRecipient, id: id)] = recipientUnits[id] ?? [] }
            // A caregiver belongs to the unit that registered them and to the units of the
            // people they care for, as `CaregiverAccess` decides who may see them.
            let caregivers = try await Caregiver.scoped(to: organisationID, on: db).filter(\.$id ~~ caregiverIDs).all()
            for caregiver in caregivers {
                guard let id = caregiver.id else { continue }
                var units = Set(caregiver.unitID.map { [$0] } ?? [])
                for relationship in relationships where relationship.caregiverID == id {
                    units.formUnion(recipientUnits[relationship.recipientID] ?? [])
                }
                people.units[Key(type: .caregiver, id: id)] = units
                if let number = caregiver.personalIdentityNumber { people.numbers[Key(type: .caregiver, id: id)] = number }
            }
            let restrictedRelationships = Set(try await InvolvementRestriction.scoped(to: organisationID, on: db)
                .filter(\.$relationshipID ~~ relationships.compactMap(\.id)).filter(\.$liftedAt == nil).all(\.$relationshipID))
            for relationship in relationships where relationship.id.map(restrictedRelationships.contains) == true {
                people.restricted.insert(Key(type: .caregiver, id: relationship.caregiverID))
                people.restricted.insert(Key(type: .careRecipient, id: relationship.recipientID))
            }
            return people
        }
    }
}

/// The month's sample for the systematic review: drawn from the users who read any record in it.
enum AccessLogMonthlySample {
    struct Sample {
        var month: String
        var from: CalendarDate
        var through: CalendarDate
        var readers: Int
        var users: [UUID]
    }

    /// The sample of the month `month` (`2026-11`), or of the last whole month.
    static func of(month raw: String?, organisationID: UUID, request req: Request, today: CalendarDate = .today()) async throws -> Sample {
        let lastMonth = CalendarDate(year: today.year, month: today.month, day: 1).addingMonths(-1)
        var first = lastMonth
        if let raw, !raw.isEmpty {
            guard let parsed = CalendarDate(raw + "-01"), parsed <= today else { throw SynligError(.badRequest, "access_log.sample_month_invalid") }
            first = parsed
        }
        let next = first.addingMonths(1)
        let readers = try await AccessLogEntry.query(on: req.db).filter(\.$organisationID == organisationID)
            .filter(\.$occurredAt >= first.startInSweden).filter(\.$occurredAt < next.startInSweden)
            .unique().field(\.$userID).all().map(\.userID)
        let month = String(first.iso.prefix(7))
        let users = AccessLogSample.draw(from: readers, organisation: organisationID, month: month,
                                         secret: req.application.secretBox.derivedKey(for: "access-log-sample"))
        return Sample(month: month, from: first, through: next.addingDays(-1), readers: Set(readers).count, users: users)
    }
}
