import Fluent
import SynligCore
import Vapor

/// What was told to a family caregiver: the topic, when, by whom and within which consent
/// category (or general information, which needs none). Added to, never edited.
package final class CaregiverInformation: Model, OrganisationScoped, @unchecked Sendable {
    package static let schema = "caregiver_information"

    @ID(key: .id) package var id: UUID?
    @Field(key: "organisation_id") package var organisationID: UUID
    @Field(key: "caregiver_id") package var caregiverID: UUID
    /// The relationship whose consent covered it; nil for general information.
    @OptionalField(key: "relationship_id") var relationshipID: UUID?
    @Field(key: "scope") var scope: InformationScope
    @Field(key: "topic") var topic: InformationTopic
    @Field(key: "topic_text") var topicText: String
    @Field(key: "given_on") var givenOn: String
    @Field(key: "given_by") var givenBy: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    package static var organisationIDKey: KeyPath<CaregiverInformation, FieldProperty<CaregiverInformation, UUID>> { \.$organisationID }

    package init() {}
}

/// Information given, as the record's form and `/api/v1` send it.
package struct InformationInput: Decodable, Sendable {
    package var topic: String?
    package var topicText: String?
    package var scope: String?
    package var relationshipId: String?
    package var givenOn: String?
    /// The next information occasion, when one is planned now.
    package var nextOn: String?

    package init(topic: String? = nil, topicText: String? = nil, scope: String? = nil, relationshipId: String? = nil,
                 givenOn: String? = nil, nextOn: String? = nil) {
        self.topic = topic
        self.topicText = topicText
        self.scope = scope
        self.relationshipId = relationshipId
        self.givenOn = givenOn
        self.nextOn = nextOn
    }
}

/// Minor children at home, as the record's form and `/api/v1` send it.
package struct ChildrenInput: Decodable, Sendable {
    var situation: String?
    var count: String?
    var version: Int?

    package init(situation: String? = nil, count: String? = nil, version: Int? = nil) {
        self.situation = situation
        self.count = count
        self.version = version
    }
}

/// Information given to caregivers, the next occasion planned, and children in the household.
package enum InformationService {
    /// Records information given. Information about the person must be covered by the current
    /// consent of the relationship it concerns; otherwise 422 with what secrecy does not stop.
    package static func record(caregiverID: UUID, _ input: InformationInput, by user: CurrentUser, on db: any Database,
                               today: CalendarDate = .today()) async throws -> CaregiverInformation {
        var check = InputChecker()
        let topic = check.choice(input.topic, "topic", as: InformationTopic.self)
        let text = check.text(input.topicText, "topicText", required: topic == .other, max: 2000)
        let scope = check.choice(input.scope ?? InformationScope.general.rawValue, "scope", as: InformationScope.self)
        let relationshipID = check.id(input.relationshipId, "relationshipId")
        let givenOn = check.date(input.givenOn ?? today.iso, "givenOn")
        if let givenOn, givenOn > today { check.fail("givenOn", "input.date_future") }
        let nextOn = check.date(input.nextOn, "nextOn", required: false)
        if let nextOn, nextOn <= today { check.fail("nextOn", "information.next_past") }
        if let scope, scope.requiredCategory != nil, relationshipID == nil, check.problems.isEmpty {
            check.fail("relationshipId", "information.relationship_required")
        }
        try check.finish()
        guard let topic, let scope, let givenOn else { throw SynligError.invalid(check.problems) }
        return try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            let caregiver = try await CaregiverAccess.caregiver(caregiverID, for: user, on: tx)
            if let relationshipID {
                let relationship = try await CaregiverAccess.relationship(relationshipID, for: user, on: tx)
                guard relationship.caregiverID == caregiverID else { throw SynligError.invalid([.init(field: "relationshipId", messageKey: "information.relationship_other")]) }
                if let category = scope.requiredCategory {
                    let permission = try await CaregiverAccess.permission(for: relationship, on: tx, today: today)
                    guard !permission.restricted, permission.consent.allows(category) else {
                        throw SynligError.invalid([.init(field: "scope", messageKey: "information.outside_consent")])
                    }
                }
            }
            let entry = CaregiverInformation()
            entry.organisationID = user.organisationID
            entry.caregiverID = caregiverID
            entry.relationshipID = relationshipID
            entry.scope = scope
            entry.topic = topic
            entry.topicText = text
            entry.givenOn = givenOn.iso
            entry.givenBy = user.id
            try await entry.create(on: tx)
            // Information given is the occasion that was planned; the next is planned anew.
            try await CaregiverTaskService.complete(.informationDue, caregiverID: caregiverID, on: tx)
            if let nextOn { try await CaregiverTaskService.schedule(.informationDue, for: caregiver, due: nextOn, on: tx) }
            if topic == .childrenSupport { try await CaregiverTaskService.complete(.childrenSupport, caregiverID: caregiverID, on: tx) }
            audit.record("information.record", "caregiver_information", id: entry.id, organisation: user.organisationID)
            return entry
        }
    }

    /// Plans the next information occasion: a task on the worklist for that day.
    package static func scheduleNext(caregiverID: UUID, nextOn raw: String?, by user: CurrentUser, on db: any Database,
                                     today: CalendarDate = .today()) async throws -> CalendarDate {
        var check = InputChecker()
        let nextOn = check.date(raw, "nextOn")
        if let nextOn, nextOn <= today { check.fail("nextOn", "information.next_past") }
        try check.finish()
        guard let nextOn else { throw SynligError.invalid(check.problems) }
        try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            let caregiver = try await CaregiverAccess.caregiver(caregiverID, for: user, on: tx)
            try await CaregiverTaskService.schedule(.informationDue, for: caregiver, due: nextOn, on: tx)
            audit.record("information.schedule", "caregiver", id: caregiverID, organisation: user.organisationID)
        }
        return nextOn
    }

    /// Records whether minor children live at home with the caregiver or the person cared for.
    /// Children at home put "information, advice and support to the children" on the worklist
    /// until information with the children topic is recorded.
    package static func saveChildren(caregiverID: UUID, _ input: ChildrenInput, by user: CurrentUser, on db: any Database,
                                     today: CalendarDate = .today()) async throws -> Caregiver {
        var check = InputChecker()
        let situation = check.classification(input.situation, "situation", as: ChildrenInHousehold.self)
        var count: Int?
        if let raw = input.count?.trimmingCharacters(in: .whitespaces), !raw.isEmpty {
            count = Int(raw)
            if count.map({ (1...ChildrenInHousehold.maxCount).contains($0) }) != true { check.fail("count", "children.count_invalid") }
            else if !situation.hasChildren { check.fail("count", "children.count_without_children") }
        }
        try check.finish()
        let children = count
        return try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            let caregiver = try await CaregiverAccess.caregiver(caregiverID, for: user, on: tx)
            guard input.version == caregiver.version else { throw SynligError.staleEdit }
            let had = caregiver.childrenInHousehold.hasChildren
            let before = CorrectionHistory.before(caregiver)
            caregiver.childrenInHousehold = situation
            caregiver.childrenCount = children
            caregiver.version += 1
            try await caregiver.update(on: tx)
            try await CorrectionHistory.record(before, after: caregiver, by: user.id, on: tx)
            if situation.hasChildren, !had {
                try await CaregiverTaskService.schedule(.childrenSupport, for: caregiver, due: today.addingDays(ChildrenInHousehold.actWithinDays), on: tx)
            } else if !situation.hasChildren {
                try await CaregiverTaskService.complete(.childrenSupport, caregiverID: caregiverID, on: tx)
            }
            audit.record("children.update", "caregiver", id: caregiverID, organisation: user.organisationID)
            return caregiver
        }
    }
}
