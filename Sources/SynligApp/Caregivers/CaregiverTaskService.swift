import Fluent
import SynligCore
import Vapor

/// The worklist's tasks about caregivers. At most one open task of a kind per caregiver and
/// subject: scheduling again moves it, completing closes it.
package enum CaregiverTaskService {
    static func schedule(_ kind: CaregiverTaskKind, for caregiver: Caregiver, due: CalendarDate, subject: UUID? = nil,
                         on tx: any Database) async throws {
        let caregiverID = try caregiver.requireID()
        let existing = try await openTasks(kind, caregiverID: caregiverID, subject: subject, on: tx).first()
        let task = existing ?? CaregiverTask()
        task.organisationID = caregiver.organisationID
        task.caregiverID = caregiverID
        task.kind = kind
        task.subjectID = subject
        task.dueOn = due.iso
        task.assigneeID = caregiver.responsibleUserID
        task.open = true
        try await task.save(on: tx)
    }

    static func complete(_ kind: CaregiverTaskKind, caregiverID: UUID, subject: UUID? = nil, on tx: any Database) async throws {
        for task in try await openTasks(kind, caregiverID: caregiverID, subject: subject, on: tx).all() {
            task.open = false
            task.doneAt = Date()
            try await task.update(on: tx)
        }
    }

    private static func openTasks(_ kind: CaregiverTaskKind, caregiverID: UUID, subject: UUID?, on tx: any Database) -> QueryBuilder<CaregiverTask> {
        let query = CaregiverTask.query(on: tx).filter(\.$caregiverID == caregiverID).filter(\.$kind == kind).filter(\.$open == true)
        if let subject { query.filter(\.$subjectID == subject) }
        return query
    }

    /// Tasks that are done by hand. The others are done by doing them — asking about
    /// voluntariness, screening, reviewing the plan or the restriction — which also schedules the
    /// next one, so a recurring follow-up cannot be closed away by mistake.
    static let doneByHand: Set<CaregiverTaskKind> = [.discussVoluntariness, .strainFollowUp, .informFixedContactChange, .coordinationSignal]

    /// Marks a task done from the worklist.
    package static func markDone(_ id: UUID, by user: CurrentUser, on db: any Database) async throws {
        try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            let task = try await CaregiverTask.find(id, in: user.organisationID, on: tx)
            _ = try await CaregiverAccess.caregiver(task.caregiverID, for: user, on: tx)
            guard task.open else { throw SynligError(.conflict, "caregiver.task_done_already") }
            guard doneByHand.contains(task.kind) else { throw SynligError(.conflict, "caregiver.task_done_by_doing") }
            task.open = false
            task.doneAt = Date()
            try await task.update(on: tx)
            audit.record("caregiver_task.done", "caregiver_task", id: id, organisation: user.organisationID)
        }
    }

    /// A new responsible consultant takes over the open tasks.
    static func reassign(caregiverID: UUID, to userID: UUID?, on tx: any Database) async throws {
        try await CaregiverTask.query(on: tx).filter(\.$caregiverID == caregiverID).filter(\.$open == true)
            .set(\.$assigneeID, to: userID).update()
    }
}
