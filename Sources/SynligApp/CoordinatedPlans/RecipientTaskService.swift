import Fluent
import SynligCore
import Vapor

/// The worklist's tasks about the person cared for (a SIP to draw up, a caregiver to invite, a
/// responsibility or a patient contract to follow up). At most one open task of a kind per
/// subject: scheduling again moves it, completing closes it.
package enum RecipientTaskService {
    static func schedule(_ kind: RecipientTaskKind, recipient: CareRecipient, due: CalendarDate, assignee: UUID?, subject: UUID,
                         on tx: any Database) async throws {
        let existing = try await openTasks(kind, subject: subject, on: tx).first()
        let task = existing ?? RecipientTask()
        task.organisationID = recipient.organisationID
        task.recipientID = try recipient.requireID()
        task.kind = kind
        task.subjectID = subject
        task.dueOn = due.iso
        task.assigneeID = assignee
        task.open = true
        try await task.save(on: tx)
    }

    static func complete(_ kind: RecipientTaskKind, subject: UUID, on tx: any Database) async throws {
        for task in try await openTasks(kind, subject: subject, on: tx).all() {
            task.open = false
            task.doneAt = Date()
            try await task.update(on: tx)
        }
    }

    private static func openTasks(_ kind: RecipientTaskKind, subject: UUID, on tx: any Database) -> QueryBuilder<RecipientTask> {
        RecipientTask.query(on: tx).filter(\.$subjectID == subject).filter(\.$kind == kind).filter(\.$open == true)
    }

    /// Drawing up the SIP and inviting the caregiver may be settled outside Synlig (the person
    /// declined, the meeting was called by the region); following up a responsibility or a
    /// contract is done by recording it.
    static let doneByHand: Set<RecipientTaskKind> = [.drawUpCoordinatedPlan, .inviteCaregiverToPlan]

    package static func markDone(_ id: UUID, by user: CurrentUser, on db: any Database) async throws {
        try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            let task = try await RecipientTask.find(id, in: user.organisationID, on: tx)
            _ = try await CaregiverAccess.recipient(task.recipientID, for: user, on: tx)
            guard task.open else { throw SynligError(.conflict, "caregiver.task_done_already") }
            guard doneByHand.contains(task.kind) else { throw SynligError(.conflict, "caregiver.task_done_by_doing") }
            task.open = false
            task.doneAt = Date()
            try await task.update(on: tx)
            audit.record("recipient_task.done", "recipient_task", id: id, organisation: user.organisationID)
        }
    }

    /// The user's open tasks about people they may see: their own, and for consultants those
    /// nobody is assigned to.
    static func openTasks(for user: CurrentUser, on db: any Database) async throws -> QueryBuilder<RecipientTask> {
        let query = RecipientTask.scoped(to: user.organisationID, on: db).filter(\.$open == true).group(.or) { group in
            group.filter(\.$assigneeID == user.id)
            if user.has(.consultant) { group.filter(\.$assigneeID == nil) }
        }
        if !CaregiverAccess.seesWholeOrganisation(user) {
            query.filter(\.$recipientID ~~ (try await CaregiverAccess.recipients(for: user, on: db).all(\.$id)))
        }
        return query
    }

    /// Where a task is done: the caregiver's relationship for an invitation, otherwise the
    /// person's SIP page.
    static func href(of task: RecipientTask) -> String {
        href(kind: task.kind, recipientID: task.recipientID, subjectID: task.subjectID)
    }

    static func href(kind: RecipientTaskKind, recipientID: UUID, subjectID: UUID?) -> String {
        if kind == .inviteCaregiverToPlan, let subjectID { return SiteURL.relationship(subjectID).path }
        return SiteURL.recipientPlans(recipientID).path
    }
}
