import Fluent
import SQLKit
import Vapor

enum CoordinatedPlanMigrations {
    static func register(in app: Application) {
        app.migrations.add(CreateCoordinatedPlans())
        app.migrations.add(IndexRecipientWorklistInItsOrder())
    }
}

/// The person's tasks share the caregiver worklist's page, so they get its indexes (see there).
struct IndexRecipientWorklistInItsOrder: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await IndexWorklistInItsOrder.replace("recipient_tasks_worklist_idx", on: RecipientTask.schema, database: database)
    }

    func revert(on database: any Database) async throws {
        try await IndexWorklistInItsOrder.restore("recipient_tasks_worklist_idx", on: RecipientTask.schema, database: database)
    }
}

/// Discharges from inpatient care, SIP offers with their outcome history and responsibilities,
/// patient contracts, and the worklist's tasks about the person cared for. The meeting kind
/// `needsAssessment` needs no change here: `meeting_invitations.kind` is a plain string column.
struct CreateCoordinatedPlans: AsyncMigration {
    func prepare(on database: any Database) async throws {
        func recipientOwned(_ schema: String) -> SchemaBuilder {
            database.schema(schema).id()
                .field("organisation_id", .uuid, .required, .references("organisations", "id"))
                .field("recipient_id", .uuid, .required, .references("care_recipients", "id", onDelete: .cascade))
        }
        try await recipientOwned(InpatientDischarge.schema)
            .field("discharged_on", .string, .required)
            .field("discharged_from", .string, .required)
            .field("responsible_user_id", .uuid, .required, .references("users", "id"))
            .field("recorded_by", .uuid, .required, .references("users", "id"))
            .field("created_at", .datetime)
            .create()
        try await recipientOwned(CoordinatedPlanOffer.schema)
            .field("discharge_id", .uuid, .references(InpatientDischarge.schema, "id", onDelete: .setNull))
            .field("offered_on", .string, .required)
            .field("outcome", .string, .required)
            .field("outcome_on", .string)
            .field("offered_by", .uuid, .required, .references("users", "id"))
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .create()
        try await recipientOwned(CoordinatedPlanOutcomeEntry.schema)
            .field("offer_id", .uuid, .required, .references(CoordinatedPlanOffer.schema, "id", onDelete: .cascade))
            .field("outcome", .string, .required)
            .field("outcome_on", .string, .required)
            .field("participants", .custom("TEXT"), .required)
            .field("invitation_id", .uuid, .references("meeting_invitations", "id", onDelete: .setNull))
            .field("recorded_by", .uuid, .required, .references("users", "id"))
            .field("sequence", .int, .required)
            .field("created_at", .datetime)
            .create()
        try await recipientOwned(CoordinatedPlanResponsibility.schema)
            .field("offer_id", .uuid, .required, .references(CoordinatedPlanOffer.schema, "id", onDelete: .cascade))
            .field("actor", .string, .required)
            .field("task", .custom("TEXT"), .required)
            .field("due_on", .string, .required)
            .field("follow_up_on", .string, .required)
            .field("owner_user_id", .uuid, .references("users", "id"))
            .field("overall", .bool, .required)
            .field("done_on", .string)
            .field("recorded_by", .uuid, .required, .references("users", "id"))
            .field("created_at", .datetime)
            .create()
        try await recipientOwned(PatientContract.schema)
            .field("agreed", .custom("TEXT"), .required)
            .field("agreed_on", .string, .required)
            .field("follow_up_on", .string, .required)
            .field("follow_up_user_id", .uuid, .required, .references("users", "id"))
            .field("result", .string)
            .field("followed_up_on", .string)
            .field("comment", .custom("TEXT"), .required)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .create()
        try await recipientOwned(RecipientTask.schema)
            .field("kind", .string, .required)
            .field("due_on", .string, .required)
            .field("assignee_id", .uuid, .references("users", "id"))
            .field("subject_id", .uuid, .required)
            .field("open", .bool, .required)
            .field("done_at", .datetime)
            .field("created_at", .datetime)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        for schema in [InpatientDischarge.schema, CoordinatedPlanOffer.schema, CoordinatedPlanOutcomeEntry.schema,
                       CoordinatedPlanResponsibility.schema, PatientContract.schema] {
            try await sql.create(index: "\(schema)_recipient_idx").on(schema).column("recipient_id").run()
        }
        // The statistics count offers and discharges of one organisation by date.
        try await sql.create(index: "coordinated_plan_offers_org_date_idx").on(CoordinatedPlanOffer.schema)
            .column("organisation_id").column("offered_on").run()
        try await sql.create(index: "inpatient_discharges_org_date_idx").on(InpatientDischarge.schema)
            .column("organisation_id").column("discharged_on").run()
        // The worklist: open tasks of one organisation by assignee and due date, as for caregivers.
        try await sql.create(index: "recipient_tasks_worklist_idx").on(RecipientTask.schema)
            .column("organisation_id").column("open").column("assignee_id").column("due_on").run()
        try await sql.create(index: "recipient_tasks_subject_idx").on(RecipientTask.schema).column("subject_id").column("open").run()
    }

    func revert(on database: any Database) async throws {
        for schema in [RecipientTask.schema, PatientContract.schema, CoordinatedPlanResponsibility.schema,
                       CoordinatedPlanOutcomeEntry.schema, CoordinatedPlanOffer.schema, InpatientDischarge.schema] {
            try await database.schema(schema).delete()
        }
    }
}
