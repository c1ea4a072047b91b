import Foundation
import SynligCore
import Vapor

/// The JSON shapes of the development plan in `/api/v1`, as described in `Resources/openapi.yaml`.
extension API {
    // MARK: Goals, actions, follow-ups

    struct GoalSummary: Content {
        var id: UUID
        var title: String
        var unitId: UUID?
        var targetDate: String
        var ownerUserId: UUID
        var status: GoalStatus
        var followUpMonths: Int
        var nextFollowUp: String?
        var sourceMappingId: UUID?
        var version: Int
        var createdAt: Date?

        init(_ goal: Goal) throws {
            id = try goal.requireID()
            title = goal.title
            unitId = goal.unitID
            targetDate = goal.targetDate
            ownerUserId = goal.ownerUserID
            status = goal.status
            followUpMonths = goal.followUpMonths
            nextFollowUp = goal.nextFollowUp
            sourceMappingId = goal.sourceMappingID
            version = goal.version
            createdAt = goal.createdAt
        }
    }

    struct ActionOut: Content {
        var id: UUID
        var goalId: UUID
        var title: String
        var description: String
        var ownerUserId: UUID
        var dueDate: String
        var status: ActionStatus
        var version: Int
        var createdAt: Date?

        init(_ action: PlanAction) throws {
            id = try action.requireID()
            goalId = action.goalID
            title = action.title
            description = action.description
            ownerUserId = action.ownerUserID
            dueDate = action.dueDate
            status = action.status
            version = action.version
            createdAt = action.createdAt
        }
    }

    struct FollowUpOut: Content {
        var id: UUID
        var goalId: UUID
        var actionId: UUID?
        var date: String
        var progress: FollowUpProgress
        var note: String
        var authorUserId: UUID
        var createdAt: Date?

        init(_ followUp: PlanFollowUp) throws {
            id = try followUp.requireID()
            goalId = followUp.goalID
            actionId = followUp.actionID
            date = followUp.date
            progress = followUp.progress
            note = followUp.note
            authorUserId = followUp.authorUserID
            createdAt = followUp.createdAt
        }
    }

    struct GoalOut: Content {
        var id: UUID
        var title: String
        var description: String
        var unitId: UUID?
        var targetDate: String
        var ownerUserId: UUID
        var status: GoalStatus
        var followUpMonths: Int
        var nextFollowUp: String?
        var sourceMappingId: UUID?
        var version: Int
        var createdAt: Date?
        /// The questions and routines the goal answers.
        var itemKeys: [String]
        var actions: [ActionOut]
        /// Newest first.
        var followUps: [FollowUpOut]
        /// The register's measure the goal is followed by, and its value in each of the last three years.
        var indicator: String?
        var measured: [MeasuredOut]
    }

    /// A measure's value in one year: `done` of `of`, withheld as in the statistics.
    struct MeasuredOut: Content {
        var year: Int
        @ExplicitNull var done: PublishedCountOut?
        var of: PublishedCountOut
        @ExplicitNull var share: Double?
    }

    struct GoalCreate: StrictJSONBody {
        var title: String
        var description: String?
        var unitId: UUID?
        var targetDate: String
        var ownerUserId: UUID?
        var followUpMonths: Int?
        var itemKeys: [String]?
        var sourceMappingId: UUID?
        /// One of the practice measures' ids; left out for none.
        var indicator: String?
    }

    struct GoalStatusChange: StrictJSONBody {
        var status: String
        var version: Int
    }

    struct ActionCreate: StrictJSONBody {
        var title: String
        var description: String?
        var ownerUserId: UUID
        var dueDate: String
        var status: String?
    }

    struct ActionUpdate: StrictJSONBody {
        var title: String?
        var description: String?
        var ownerUserId: UUID?
        var dueDate: String?
        var status: String
        var version: Int
    }

    struct FollowUpCreate: StrictJSONBody {
        var date: String
        var progress: String
        var note: String
        var actionId: UUID?
    }

    // MARK: Routine catalogue

    struct RoutineStatusOut: Content {
        var unitId: UUID
        var routineKey: String
        var state: RoutineState
        /// `mapping`, `action` or `manual`: why the state is what it is.
        var source: String
        var reference: String
        var updatedAt: Date

        init(_ status: RoutineStatus) {
            unitId = status.unitID
            routineKey = status.routineKey
            state = status.state
            source = status.source
            reference = status.reference
            updatedAt = status.updatedAt
        }
    }
}
