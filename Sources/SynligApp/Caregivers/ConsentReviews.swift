import Fluent
import SynligCore
import Vapor

/// The person's stance on sharing "kan … behöva följas upp så det fortfarande är aktuellt"
/// (seed 003, 003_8f6e70672cea0072.txt, Bilaga 2): every stance is reviewed on the
/// organisation's schedule. A review is a new dated entry in the consent history — the stance
/// confirmed unchanged, or a new consent, withdrawal or harm assessment — and it clears the task.
extension ConsentService {
    static func reviewMonths(for organisationID: UUID, on db: any Database) async throws -> Int {
        try await CaregiverSettings.scoped(to: organisationID, on: db).first()?.consentReviewMonths ?? ConsentReviewSchedule.standardMonths
    }

    /// The day the current stance was taken: the latest entry's date (nil without a history).
    static func stanceDate(of relationshipID: UUID, on db: any Database) async throws -> CalendarDate? {
        try await ConsentRecord.query(on: db).filter(\.$relationshipID == relationshipID).all(\.$date).compactMap(CalendarDate.init).max()
    }

    /// Closes the review task of the stance before (kept as done; not when only the interval
    /// changed, `reviewed: false`) and puts the next one on the
    /// responsible staff's worklist, due when the current stance becomes older than the interval.
    /// `months`: the organisation's interval when the caller already has it (a whole
    /// organisation rescheduled at once reads it once, not once per relationship).
    static func scheduleReview(of relationship: CareRelationship, reviewed: Bool = true, months known: Int? = nil,
                               on tx: any Database) async throws {
        let id = try relationship.requireID()
        guard let stance = try await stanceDate(of: id, on: tx),
              let caregiver = try await Caregiver.find(relationship.caregiverID, on: tx) else { return }
        let months: Int
        if let known { months = known } else { months = try await reviewMonths(for: relationship.organisationID, on: tx) }
        if reviewed { try await CaregiverTaskService.complete(.consentReview, caregiverID: relationship.caregiverID, subject: id, on: tx) }
        try await CaregiverTaskService.schedule(.consentReview, for: caregiver, due: ConsentReviewSchedule.due(after: stance, months: months),
                                                subject: id, on: tx)
    }

    /// The stance reviewed and found unchanged: the latest entry is recorded again, dated today
    /// and marked as a review. `sequence` is the latest entry the reviewer saw; another entry
    /// recorded meanwhile makes the review stale (409).
    package static func confirmUnchanged(relationshipID: UUID, sequence: Int?, by user: CurrentUser, on db: any Database,
                                         today: CalendarDate = .today()) async throws -> ConsentRecord {
        try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            let relationship = try await CaregiverAccess.relationship(relationshipID, for: user, on: tx)
            let entries = try await ConsentRecord.query(on: tx).filter(\.$relationshipID == relationshipID).all()
            guard let latest = entries.filter({ (CalendarDate($0.date) ?? today) <= today })
                .max(by: { ($0.date, $0.sequence) < ($1.date, $1.sequence) }) else {
                throw SynligError(.conflict, "consent.review_nothing")
            }
            guard sequence == entries.map(\.sequence).max() else { throw SynligError.staleEdit }
            let record = ConsentRecord()
            record.organisationID = user.organisationID
            record.relationshipID = relationshipID
            record.kind = latest.kind
            record.categoriesText = latest.categoriesText
            record.form = latest.form
            record.documentReference = latest.documentReference
            record.harmDecision = latest.harmDecision
            record.decidedBy = latest.decidedBy
            record.date = today.iso
            record.endsOn = latest.endsOn
            record.note = ""
            record.documentedBy = user.id
            record.sequence = entries.count + 1
            record.review = true
            try await record.create(on: tx)
            try await scheduleReview(of: relationship, on: tx)
            audit.record("consent.review", "consent", id: record.id, organisation: user.organisationID)
            return record
        }
    }

    /// A new interval moves every stance's next review; a history recorded before reviews were
    /// scheduled gets its first review task here.
    static func rescheduleReviews(organisationID: UUID, on tx: any Database) async throws {
        let relationshipIDs = Set(try await ConsentRecord.scoped(to: organisationID, on: tx).all(\.$relationshipID))
        guard !relationshipIDs.isEmpty else { return }
        let months = try await reviewMonths(for: organisationID, on: tx)
        for relationship in try await CareRelationship.scoped(to: organisationID, on: tx).filter(\.$id ~~ Array(relationshipIDs)).all() {
            try await scheduleReview(of: relationship, reviewed: false, months: months, on: tx)
        }
    }
}

extension ConsentText {
    /// "Ställningstagandet är 14 månader gammalt" per relationship a review task is about, for the worklist.
    static func stanceAges(of tasks: [WorklistQuery.Entry], organisationID: UUID, req: Request) async throws -> [UUID: String] {
        let ids = tasks.filter { $0.isAboutCaregiver && $0.kind == CaregiverTaskKind.consentReview.rawValue }.compactMap(\.subject_id)
        guard !ids.isEmpty else { return [:] }
        var latest: [UUID: CalendarDate] = [:]
        for entry in try await ConsentRecord.scoped(to: organisationID, on: req.db).filter(\.$relationshipID ~~ ids).withoutNotes().all() {
            guard let date = CalendarDate(entry.date) else { continue }
            latest[entry.relationshipID] = max(latest[entry.relationshipID] ?? date, date)
        }
        let today = CalendarDate.today()
        return latest.mapValues { req.tp("consent.stance_age", ConsentReviewSchedule.ageInMonths(of: $0, today: today)) }
    }
}
