import Fluent
import SQLKit
import Vapor

enum CaregiverMigrations {
    static func register(in app: Application) {
        app.migrations.add(CreateCaregiverRecord())
        app.migrations.add(RecordWhatWasNotStated())
        app.migrations.add(AskVoluntarinessDimensions())
        app.migrations.add(RecordVoluntarinessDueDates())
        app.migrations.add(CreateRestrictionReviews())
        app.migrations.add(CreateRelationshipHistory())
        app.migrations.add(TagNeedsWithLifeAreas())
        // Group support's sign-ups point at caregivers, so they come after the record's tables.
        app.migrations.add(CreateGroupAttendance())
        app.migrations.add(KeepConsentAndInformationCurrent())
        app.migrations.add(ScheduleReviewsOfExistingStances())
        app.migrations.add(IndexListsInTheirOrder())
        app.migrations.add(IndexWorklistInItsOrder())
        app.migrations.add(FoldRecipientNamesForSearch())
        app.migrations.add(ExemptFilesFromRetention())
        app.migrations.add(CreateCaregiverCorrections())
        app.migrations.add(KeepContactRequestsByOrganisation())
        app.migrations.add(KeepFilesByDecision())
        app.migrations.add(VersionCaregiverSettings())
        app.migrations.add(CreateRecipientCorrections())
    }
}

/// Undantag från gallring: a file the archive authority or an open matter needs is kept when due.
struct ExemptFilesFromRetention: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("caregivers").field("retention_exempt", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("caregivers").deleteField("retention_exempt").update()
    }
}

/// The caregiver record: people, relationships, consent, restrictions, follow-ups and the
/// worklist's tasks. Every table carries `organisation_id`; indexes serve the worklist, search
/// and the per-person reads.
struct CreateCaregiverRecord: AsyncMigration {
    func prepare(on database: any Database) async throws {
        func organisation(_ builder: SchemaBuilder) -> SchemaBuilder {
            builder.id().field("organisation_id", .uuid, .required, .references("organisations", "id"))
        }
        try await organisation(database.schema("caregivers"))
            .field("name", .string, .required)
            .field("name_folded", .string, .required)
            .field("personal_identity_number", .string)
            .field("phone", .string, .required)
            .field("email", .string, .required)
            .field("address", .string, .required)
            .field("preferred_channel", .string, .required)
            .field("preferred_language", .string, .required)
            .field("interpreter_needed", .bool, .required)
            .field("gender", .string, .required)
            .field("birth_year", .int)
            .field("foreign_background", .string, .required)
            .field("minority_language", .string, .required)
            .field("occupation", .string, .required)
            .field("own_health_note", .custom("TEXT"), .required)
            .field("unit_id", .uuid, .references("units", "id"))
            .field("responsible_user_id", .uuid, .references("users", "id"))
            .field("registered_on", .string, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await organisation(database.schema("care_recipients"))
            .field("name", .string, .required)
            .field("external_reference", .string, .required)
            .field("fixed_care_contact", .string, .required)
            .field("fixed_doctor_contact", .string, .required)
            .field("fixed_care_home_contact", .string, .required)
            .field("patient_contract", .bool, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .create()
        try await organisation(database.schema("care_recipient_units"))
            .field("recipient_id", .uuid, .required, .references("care_recipients", "id", onDelete: .cascade))
            .field("unit_id", .uuid, .required, .references("units", "id"))
            .unique(on: "recipient_id", "unit_id")
            .create()
        try await organisation(database.schema("care_relationships"))
            .field("caregiver_id", .uuid, .required, .references("caregivers", "id", onDelete: .cascade))
            .field("recipient_id", .uuid, .required, .references("care_recipients", "id", onDelete: .cascade))
            .field("relation", .string, .required)
            .field("lives_together", .bool, .required)
            .field("since", .string)
            .field("hours_band", .string, .required)
            .field("tasks", .string, .required)
            .field("coordinated_contacts", .custom("TEXT"), .required)
            .field("carries_coordination", .bool, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .unique(on: "caregiver_id", "recipient_id")
            .create()
        try await organisation(database.schema("consents"))
            .field("relationship_id", .uuid, .required, .references("care_relationships", "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("categories", .string, .required)
            .field("form", .string)
            .field("document_reference", .string, .required)
            .field("harm_decision", .string)
            .field("decided_by", .string, .required)
            .field("date", .string, .required)
            .field("ends_on", .string)
            .field("note", .custom("TEXT"), .required)
            .field("documented_by", .uuid, .required, .references("users", "id"))
            .field("sequence", .int, .required)
            .field("created_at", .datetime)
            .create()
        try await organisation(database.schema("involvement_restrictions"))
            .field("relationship_id", .uuid, .required, .references("care_relationships", "id", onDelete: .cascade))
            .field("reason", .string, .required)
            .field("note", .custom("TEXT"), .required)
            .field("decided_on", .string, .required)
            .field("review_on", .string, .required)
            .field("author_id", .uuid, .required, .references("users", "id"))
            .field("lifted_at", .datetime)
            .field("lifted_by", .uuid, .references("users", "id"))
            .field("lifted_reason", .custom("TEXT"))
            .field("created_at", .datetime)
            .create()
        try await createFollowUps(on: database, organisation: organisation)
        try await createIndexes(on: database as! any SQLDatabase)
    }

    private func createFollowUps(on database: any Database, organisation: (SchemaBuilder) -> SchemaBuilder) async throws {
        func caregiverOwned(_ schema: String) -> SchemaBuilder {
            organisation(database.schema(schema))
                .field("caregiver_id", .uuid, .required, .references("caregivers", "id", onDelete: .cascade))
        }
        try await caregiverOwned("caregiver_conversations")
            .field("held_on", .string, .required)
            .field("help_to_care", .custom("TEXT"), .required)
            .field("own_life", .custom("TEXT"), .required)
            .field("recipient_life", .custom("TEXT"), .required)
            .field("service_quality", .custom("TEXT"), .required)
            .field("agreed_actions", .custom("TEXT"), .required)
            .field("author_id", .uuid, .required, .references("users", "id"))
            .field("created_at", .datetime)
            .create()
        try await caregiverOwned("voluntariness_checks")
            .field("asked_on", .string, .required)
            .field("answer", .string, .required)
            .field("comment", .custom("TEXT"), .required)
            .field("author_id", .uuid, .required, .references("users", "id"))
            .field("created_at", .datetime)
            .create()
        try await caregiverOwned("screening_results")
            .field("instrument_id", .string, .required)
            .field("instrument_version", .int, .required)
            .field("answers", .custom("TEXT"), .required)
            .field("score", .int, .required)
            .field("level", .string, .required)
            .field("screened_on", .string, .required)
            .field("author_id", .uuid, .required, .references("users", "id"))
            .field("created_at", .datetime)
            .create()
        try await caregiverOwned("caregiver_support_plans")
            .field("outcomes", .custom("TEXT"), .required)
            .field("agreed_support", .custom("TEXT"), .required)
            .field("emergency_plan", .custom("TEXT"), .required)
            .field("future_plan", .custom("TEXT"), .required)
            .field("review_on", .string, .required)
            .field("version", .int, .required)
            .field("updated_at", .datetime)
            .unique(on: "caregiver_id")
            .create()
        try await caregiverOwned("caregiver_support")
            .field("need_kind", .string, .required)
            .field("offering_id", .uuid, .references("support_offerings", "id", onDelete: .setNull))
            .field("decision", .string, .required)
            .field("status", .string, .required)
            .field("requested_on", .string, .required)
            .field("offered_on", .string)
            .field("started_on", .string)
            .field("ended_on", .string)
            .field("outcome", .custom("TEXT"), .required)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .create()
        try await organisation(database.schema("meeting_invitations"))
            .field("relationship_id", .uuid, .required, .references("care_relationships", "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("meeting_on", .string, .required)
            .field("invited_by", .uuid, .required, .references("users", "id"))
            .field("attendance", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await caregiverOwned("caregiver_feedback")
            .field("kind", .string, .required)
            .field("received_on", .string, .required)
            .field("summary", .custom("TEXT"), .required)
            .field("status", .string, .required)
            .field("response", .custom("TEXT"), .required)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .create()
        try await caregiverOwned("memo_notes")
            .field("text", .custom("TEXT"), .required)
            .field("author_id", .uuid, .required, .references("users", "id"))
            .field("purge_after", .datetime, .required)
            .field("created_at", .datetime)
            .create()
        try await caregiverOwned("caregiver_tasks")
            .field("kind", .string, .required)
            .field("due_on", .string, .required)
            .field("assignee_id", .uuid, .references("users", "id"))
            .field("subject_id", .uuid)
            .field("open", .bool, .required)
            .field("done_at", .datetime)
            .field("created_at", .datetime)
            .create()
        try await organisation(database.schema("caregiver_settings"))
            .field("voluntariness_months", .int, .required)
            .field("memo_retention_days", .int, .required)
            .unique(on: "organisation_id")
            .create()
    }

    private func createIndexes(on sql: any SQLDatabase) async throws {
        // Search: by name within the organisation, and the exact personnummer.
        try await sql.create(index: "caregivers_org_name_idx").on("caregivers").column("organisation_id").column("name_folded").run()
        try await sql.create(index: "caregivers_org_pin_idx").on("caregivers").column("organisation_id").column("personal_identity_number").run()
        try await sql.create(index: "care_recipients_org_name_idx").on("care_recipients").column("organisation_id").column("name").run()
        // Unit-scoped visibility walks unit → recipients → relationships → caregivers.
        try await sql.create(index: "care_recipient_units_unit_idx").on("care_recipient_units").column("unit_id").column("recipient_id").run()
        try await sql.create(index: "care_relationships_recipient_idx").on("care_relationships").column("recipient_id").run()
        try await sql.create(index: "consents_relationship_idx").on("consents").column("relationship_id").run()
        try await sql.create(index: "restrictions_relationship_idx").on("involvement_restrictions").column("relationship_id").run()
        try await sql.create(index: "meeting_invitations_relationship_idx").on("meeting_invitations").column("relationship_id").run()
        for schema in ["caregiver_conversations", "voluntariness_checks", "screening_results", "caregiver_support",
                       "caregiver_feedback", "memo_notes"] {
            try await sql.create(index: "\(schema)_caregiver_idx").on(schema).column("caregiver_id").run()
        }
        try await sql.create(index: "memo_notes_purge_idx").on("memo_notes").column("purge_after").run()
        // The worklist: open tasks of one organisation by assignee and due date.
        try await sql.create(index: "caregiver_tasks_worklist_idx").on("caregiver_tasks")
            .column("organisation_id").column("open").column("assignee_id").column("due_on").run()
        try await sql.create(index: "caregiver_tasks_caregiver_idx").on("caregiver_tasks").column("caregiver_id").column("open").run()
    }

    func revert(on database: any Database) async throws {
        for schema in ["caregiver_settings", "caregiver_tasks", "memo_notes", "caregiver_feedback", "meeting_invitations",
                       "caregiver_support", "caregiver_support_plans", "screening_results", "voluntariness_checks",
                       "caregiver_conversations", "involvement_restrictions", "consents", "care_relationships",
                       "care_recipient_units", "care_recipients", "caregivers"] {
            try await database.schema(schema).delete()
        }
    }
}

/// Optional classifications start at "not stated" (`notStated`), so statistics count what was
/// recorded, not what a default made up.
///
/// - The interpreter need was a checkbox (`interpreter_needed`, a bool) and could not tell "no"
///   from "nobody asked". It becomes `interpreter_need` (yes / no / notStated). A stored `true`
///   was a ticked box: `yes`. A stored `false` may as well be a box nobody touched, so it becomes
///   `notStated`, never `no`. The old column is dropped in the same migration: one field, one truth.
/// - The cared-for person gets `care_need_area` (dementia, mental illness, …): never asked
///   before, so every existing person is `notStated`.
///
/// Nothing else is rewritten: a stored gender, background or occupation may have come from a
/// form's first option, but which ones cannot be known, so they are left as they were.
/// `ALTER TABLE … DROP COLUMN` is the same on PostgreSQL and SQLite (3.35 and later).
struct RecordWhatWasNotStated: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await database.schema("caregivers")
            .field("interpreter_need", .string, .required, .sql(.default("notStated")))
            .update()
        try await sql.update("caregivers").set("interpreter_need", to: "yes").where("interpreter_needed", .equal, true).run()
        try await sql.raw("ALTER TABLE caregivers DROP COLUMN interpreter_needed").run()
        try await database.schema("care_recipients")
            .field("care_need_area", .string, .required, .sql(.default("notStated")))
            .update()
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await database.schema("caregivers")
            .field("interpreter_needed", .bool, .required, .sql(.default(false)))
            .update()
        try await sql.update("caregivers").set("interpreter_needed", to: true).where("interpreter_need", .equal, "yes").run()
        try await sql.raw("ALTER TABLE caregivers DROP COLUMN interpreter_need").run()
        try await sql.raw("ALTER TABLE care_recipients DROP COLUMN care_need_area").run()
    }
}

/// The voluntariness follow-up asks whether the caregiver wants to continue, is able to, and how
/// much they should not have to carry (with what, in their words), each on its own.
///
/// The columns are nullable and stay NULL for the checks already stored: those asked the single
/// question "want to and can continue?", whose `answer` is kept as it was. NULL is "not asked",
/// which is not the same as `notStated` ("asked, not answered"), so nothing is back-filled.
/// `ADD COLUMN` and `DROP COLUMN` read the same on PostgreSQL and SQLite (3.35 and later).
struct AskVoluntarinessDimensions: AsyncMigration {
    static let columns = ["wants_to_continue", "able_to_continue", "should_not_carry", "should_not_carry_what"]

    func prepare(on database: any Database) async throws {
        // SQLite adds one column per ALTER TABLE, so each is its own statement on both.
        for column in Self.columns {
            // The free text is TEXT like the check's comment; the answers are short strings.
            let type: DatabaseSchema.DataType = column == "should_not_carry_what" ? .custom("TEXT") : .string
            try await database.schema("voluntariness_checks").field(FieldKey(stringLiteral: column), type).update()
        }
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        for column in Self.columns.reversed() {
            try await sql.raw("ALTER TABLE voluntariness_checks DROP COLUMN \(ident: column)").run()
        }
    }
}

/// The day a voluntariness follow-up was due, kept on the check that answered it, so the
/// statistics can say how many were on time (the worklist's task moves on to the next date).
struct RecordVoluntarinessDueDates: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("voluntariness_checks").field("due_on", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("voluntariness_checks").deleteField("due_on").update()
    }
}
