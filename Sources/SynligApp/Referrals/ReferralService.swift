import Fluent
import SynligCore
import Vapor

/// What staff type when they refer a caregiver.
package struct ReferralInput: Sendable {
    var receivingOrganisationId: String?
    var consentCategories: [String]
    var consentForm: String?
    var reason: String?
    var ownNeeds: String?

    package init(receivingOrganisationId: String?, consentCategories: [String], consentForm: String?, reason: String?, ownNeeds: String? = nil) {
        self.receivingOrganisationId = receivingOrganisationId
        self.consentCategories = consentCategories
        self.consentForm = consentForm
        self.reason = reason
        self.ownNeeds = ownNeeds
    }
}

/// Referrals between organisations — the only door between them. Everything that crosses goes
/// through here: the sender's covered fields are copied into the receiver's `Referral` when it
/// is sent, and the receiver's status is copied back into the sender's `SentReferral`. Neither
/// side ever queries the other's tables.
package enum ReferralService {
    /// Those who may edit caregivers send and receive referrals.
    static let handlers = CaregiverAccess.readers

    /// The latest referrals this organisation sent about caregivers the user may see, with their
    /// names: the sender's own rows only, narrowed to what the user's units may see.
    static func sent(for user: CurrentUser, limit: Int = 200, on db: any Database) async throws -> [(SentReferral, String)] {
        let latest = try await SentReferral.scoped(to: user.organisationID, on: db).sort(\.$sentAt, .descending).sort(\.$id)
            .limit(limit * 2).all()
        let ids = Array(Set(latest.map(\.caregiverID)))
        let names = ids.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await CaregiverAccess.caregivers(for: user, on: db)
            .filter(\.$id ~~ ids).all().map { (try $0.requireID(), $0.name) })
        return Array(latest.compactMap { row in names[row.caregiverID].map { (row, $0) } }.prefix(limit))
    }

    /// The organisations one may refer to: every other organisation in Synlig.
    static func receivers(for user: CurrentUser, on db: any Database) async throws -> [Organisation] {
        try await Organisation.query(on: db).filter(\.$id != user.organisationID).sort(\.$name).all()
    }

    package static func send(caregiverID: UUID, _ input: ReferralInput, by user: CurrentUser, on db: any Database,
                             now: Date = Date()) async throws -> SentReferral {
        guard user.hasAny(handlers) else { throw SynligError.forbidden }
        let caregiver = try await CaregiverAccess.caregiver(caregiverID, for: user, on: db)
        var check = InputChecker()
        var receiver: Organisation?
        if let id = check.id(input.receivingOrganisationId, "receivingOrganisationId") {
            if id == user.organisationID {
                check.fail("receivingOrganisationId", "referral.own_organisation")
            } else if let found = try await Organisation.find(id, on: db) {
                receiver = found
            } else {
                check.fail("receivingOrganisationId", "referral.unknown_organisation")
            }
        } else if check.problems.isEmpty {
            check.fail("receivingOrganisationId", "input.required")
        }
        let categories = check.choices(input.consentCategories, "consentCategories", as: ReferralConsentCategory.self)
        if categories.isEmpty, !check.problems.contains(where: { $0.field == "consentCategories" }) {
            check.fail("consentCategories", "referral.consent_required")
        }
        var form: ReferralConsentForm?
        if (input.consentForm ?? "").isEmpty {
            check.fail("consentForm", "referral.consent_form_required")
        } else {
            form = check.choice(input.consentForm, "consentForm", as: ReferralConsentForm.self)
        }
        let reason = check.text(input.reason, "reason", required: true, max: ReferralRules.maxReason)
        let needs = check.text(input.ownNeeds, "ownNeeds", max: ReferralRules.maxNeeds)
        if !needs.isEmpty, !categories.contains(.ownNeeds) { check.fail("ownNeeds", "referral.needs_without_consent") }
        try check.finish()
        guard let receiver, let form else { throw SynligError.invalid(check.problems) }

        // The copy: only what the consent covers, read now and never again.
        var situation: String?
        if categories.contains(.careSituation) {
            let relationships = try await CareRelationship.scoped(to: user.organisationID, on: db)
                .filter(\.$caregiverID == caregiverID).sort(\.$createdAt).all()
            situation = relationships.map { "\($0.relation.rawValue)|\($0.hoursBand.rawValue)|\($0.livesTogether ? "1" : "0")" }
                .joined(separator: "\n")
        }
        let receiverID = try receiver.requireID()
        let receiverName = receiver.name
        let senderID = user.organisationID
        let senderName = try await Organisation.find(senderID, on: db)?.name ?? ""
        let contact = categories.contains(.contactDetails)
        let (name, phone, email, language) = (caregiver.name, caregiver.phone, caregiver.email, caregiver.preferredLanguage)
        let snapshot = situation
        return try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            let sent = SentReferral()
            sent.id = UUID()
            sent.organisationID = senderID
            sent.caregiverID = caregiverID
            sent.receivingOrganisationID = receiverID
            sent.receivingOrganisationName = receiverName
            sent.consentCategoriesText = categories.storedText
            sent.consentForm = form
            sent.reason = reason
            sent.sentBy = user.id
            sent.status = .sent
            sent.sentAt = now
            try await sent.create(on: tx)

            let referral = Referral()
            referral.organisationID = receiverID
            referral.sendingOrganisationID = senderID
            referral.sendingOrganisationName = senderName
            referral.sentReferralID = try sent.requireID()
            referral.consentCategoriesText = categories.storedText
            referral.consentForm = form
            referral.reason = reason
            referral.name = contact ? name : nil
            referral.phone = contact && !phone.isEmpty ? phone : nil
            referral.email = contact && !email.isEmpty ? email : nil
            referral.preferredLanguage = contact ? language : nil
            referral.careSituation = snapshot
            referral.ownNeeds = categories.contains(.ownNeeds) && !needs.isEmpty ? needs : nil
            referral.status = .sent
            referral.sentAt = now
            referral.version = 1
            try await referral.create(on: tx)
            audit.record("referral.send", "sent_referral", id: sent.id, organisation: senderID)
            audit.record("referral.receive", "referral", id: referral.id, organisation: receiverID)
            return sent
        }
    }

    /// The receiver opens a referral: the first time, it becomes "received" on both sides.
    static func open(_ id: UUID, by user: CurrentUser, on db: any Database, now: Date = Date()) async throws -> Referral {
        guard user.hasAny(handlers) else { throw SynligError.forbidden }
        let referral = try await Referral.find(id, in: user.organisationID, on: db)
        guard referral.status == .sent else { return referral }
        return try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            let referral = try await Referral.find(id, in: user.organisationID, on: tx)
            guard referral.status == .sent else { return referral }
            try await move(referral, to: .received, at: now, action: "referral.open", on: tx, audit: audit)
            return referral
        }
    }

    /// The receiver moves the status forward (contacted, closed); a stale version is refused.
    static func setStatus(_ id: UUID, status raw: String?, version: Int?, by user: CurrentUser, on db: any Database,
                          now: Date = Date()) async throws -> Referral {
        guard user.hasAny(handlers) else { throw SynligError.forbidden }
        // The record first (404 for another organisation's id), then the input (422).
        _ = try await Referral.find(id, in: user.organisationID, on: db)
        var check = InputChecker()
        let status = check.choice(raw, "status", as: ReferralStatus.self)
        try check.finish()
        guard let status else { throw SynligError.invalid(check.problems) }
        return try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            let referral = try await Referral.find(id, in: user.organisationID, on: tx)
            guard version == referral.version else { throw SynligError.staleEdit }
            guard referral.status.mayMove(to: status) else { throw SynligError(.conflict, "referral.status_not_allowed") }
            try await move(referral, to: status, at: now, action: "referral.status." + status.rawValue, on: tx, audit: audit)
            return referral
        }
    }

    /// Changes the status on the receiver's row and copies it to the sender's, auditing both.
    private static func move(_ referral: Referral, to status: ReferralStatus, at now: Date, action: String,
                             on tx: any Database, audit: AuditRecorder) async throws {
        if status != .received, referral.receivedAt == nil { referral.move(to: .received, at: now) }
        referral.move(to: status, at: now)
        referral.version += 1
        try await referral.update(on: tx)
        audit.record(action, "referral", id: referral.id, organisation: referral.organisationID)
        // The door back: the sender learns the status and its times, nothing else.
        if let sent = try await SentReferral.find(referral.sentReferralID, on: tx) {
            sent.status = referral.status
            sent.receivedAt = referral.receivedAt
            sent.contactedAt = referral.contactedAt
            sent.closedAt = referral.closedAt
            try await sent.update(on: tx)
            audit.record("referral.status_returned." + referral.status.rawValue, "sent_referral", id: sent.id, organisation: sent.organisationID)
        }
    }

    /// The caregiver form's values from what the referral carries; the rest stays "not stated".
    static func prefill(_ referral: Referral) -> CaregiverInput {
        CaregiverInput(name: referral.name, phone: referral.phone, email: referral.email,
                       preferredLanguage: referral.preferredLanguage ?? "sv")
    }

    /// Links the caregiver just registered to the referral it came from, inside the
    /// registration's transaction; a referral already made into a record is refused (409).
    static func takeUp(_ id: UUID, caregiver: Caregiver, by user: CurrentUser, on tx: any Database, audit: AuditRecorder,
                       now: Date = Date()) async throws {
        let referral = try await Referral.find(id, in: user.organisationID, on: tx)
        guard referral.createdCaregiverID == nil else { throw SynligError(.conflict, "referral.already_taken_up") }
        if referral.status == .sent {
            try await move(referral, to: .received, at: now, action: "referral.open", on: tx, audit: audit)
        }
        referral.createdCaregiverID = try caregiver.requireID()
        referral.version += 1
        try await referral.update(on: tx)
        audit.record("referral.take_up", "referral", id: referral.id, organisation: referral.organisationID)
    }

    /// A referral nobody made into a record is purged: unhandled after `untakenRetentionDays`,
    /// closed ones `closedRetentionDays` after closing. One that became a record is part of it.
    /// The sender's note keeps the last status it was given.
    static func purgeable(now: Date, on db: any Database) -> QueryBuilder<Referral> {
        let untakenCutoff = now.addingTimeInterval(-Double(ReferralRules.untakenRetentionDays) * 86400)
        let closedCutoff = now.addingTimeInterval(-Double(ReferralRules.closedRetentionDays) * 86400)
        return Referral.query(on: db).filter(\.$createdCaregiverID == nil).group(.or) { group in
            group.group(.and) { $0.filter(\.$status != .closed).filter(\.$sentAt < untakenCutoff) }
            group.group(.and) { $0.filter(\.$status == .closed).filter(\.$closedAt < closedCutoff) }
        }
    }

    static func purge(now: Date = Date(), on db: any Database) async throws -> Int {
        try await AuditTrail.transaction(on: db, actor: .system) { tx, audit in
            let doomed = try await purgeable(now: now, on: tx).all()
            for referral in doomed {
                try await referral.delete(on: tx)
                audit.record("referral.purge", "referral", id: referral.id, organisation: referral.organisationID)
            }
            return doomed.count
        }
    }
}
