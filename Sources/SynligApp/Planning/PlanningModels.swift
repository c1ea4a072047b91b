import Fluent
import SQLKit
import SynligCore
import Vapor

package enum GoalStatus: String, Codable, Sendable, CaseIterable {
    case active, achieved, dropped
}

package enum ActionStatus: String, Codable, Sendable, CaseIterable {
    case planned, inProgress, done, stopped

    var isOpen: Bool { self == .planned || self == .inProgress }
}

/// A målsättning: what the organisation or a unit wants to reach, written from a mapping's gaps.
package final class Goal: Model, OrganisationScoped, @unchecked Sendable {
    package static let schema = "goals"

    @ID(key: .id) package var id: UUID?
    @Field(key: "organisation_id") package var organisationID: UUID
    /// nil: the goal is the whole organisation's.
    @OptionalField(key: "unit_id") package var unitID: UUID?
    @Field(key: "title") var title: String
    @Field(key: "description") package var description: String
    @Field(key: "target_date") var targetDate: String
    @Field(key: "owner_user_id") var ownerUserID: UUID
    @Field(key: "status") var status: GoalStatus
    /// Months between follow-ups; 0 means no recurring follow-up.
    @Field(key: "follow_up_months") var followUpMonths: Int
    @OptionalField(key: "next_follow_up") var nextFollowUp: String?
    @OptionalField(key: "source_mapping_id") var sourceMappingID: UUID?
    /// The register's measure the goal is followed by (a `PracticeIndicator`), if any.
    @OptionalField(key: "indicator") var indicator: String?
    @Field(key: "version") package var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    package static var organisationIDKey: KeyPath<Goal, FieldProperty<Goal, UUID>> { \.$organisationID }

    package init() {}
}

/// Which mapping question or routine a goal answers.
final class GoalLink: Model, @unchecked Sendable {
    static let schema = "goal_links"

    @ID(key: .id) var id: UUID?
    @Field(key: "organisation_id") var organisationID: UUID
    @Field(key: "goal_id") var goalID: UUID
    @Field(key: "item_key") var itemKey: String

    init() {}

    init(organisationID: UUID, goalID: UUID, itemKey: String) {
        self.organisationID = organisationID
        self.goalID = goalID
        self.itemKey = itemKey
    }
}

/// An åtgärd in the action plan, with an owner and a due date.
package final class PlanAction: Model, OrganisationScoped, @unchecked Sendable {
    package static let schema = "plan_actions"

    @ID(key: .id) package var id: UUID?
    @Field(key: "organisation_id") package var organisationID: UUID
    @Field(key: "goal_id") var goalID: UUID
    @Field(key: "title") var title: String
    @Field(key: "description") package var description: String
    @Field(key: "owner_user_id") var ownerUserID: UUID
    @Field(key: "due_date") var dueDate: String
    @Field(key: "status") var status: ActionStatus
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    package static var organisationIDKey: KeyPath<PlanAction, FieldProperty<PlanAction, UUID>> { \.$organisationID }

    package init() {}
}

package enum FollowUpProgress: String, Codable, Sendable, CaseIterable {
    case onTrack, delayed, atRisk, reached
}

/// An uppföljning: a dated note on how a goal or one of its actions is going.
package final class PlanFollowUp: Model, @unchecked Sendable {
    package static let schema = "plan_follow_ups"

    @ID(key: .id) package var id: UUID?
    @Field(key: "organisation_id") var organisationID: UUID
    @Field(key: "goal_id") var goalID: UUID
    @OptionalField(key: "action_id") var actionID: UUID?
    @Field(key: "date") var date: String
    @Field(key: "progress") var progress: FollowUpProgress
    @Field(key: "note") var note: String
    @Field(key: "author_user_id") var authorUserID: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    package init() {}
}

/// Where a unit stands with one of question 2's routines. Kept current from closed mappings,
/// from actions marked done, and by hand.
final class RoutineStatus: Model, @unchecked Sendable {
    static let schema = "routine_statuses"

    @ID(key: .id) var id: UUID?
    @Field(key: "organisation_id") var organisationID: UUID
    @Field(key: "unit_id") package var unitID: UUID
    @Field(key: "routine_key") var routineKey: String
    @Field(key: "state") var state: RoutineState
    /// "mapping", "action" or "manual": why the state is what it is.
    @Field(key: "source") var source: String
    @Field(key: "reference") var reference: String
    @Field(key: "updated_at") var updatedAt: Date
    @Field(key: "updated_by") var updatedBy: UUID

    init() {}
}
