import Foundation

/// Every table Synlig keeps, and whether its rows are about a caregiver or a person cared for —
/// the one list the register extract reads (and that retention and erasure are to read), so a
/// table added later cannot hold people's data unnoticed: a test fails until the new table is
/// listed here, one way or the other.
enum PersonalDataRegistry {
    /// How a table's rows belong to a person.
    enum Link: Sendable, Equatable {
        /// The column holds the caregiver's id (`id` for the caregiver's own row).
        case caregiver(String)
        /// The column holds the id of the person cared for.
        case recipient(String)
        /// The column holds one of the person's care relationships.
        case relationship(String)
        /// A log row about a record: the column holds the person's id, as a uuid or as text.
        case record(String)
    }

    struct Table: Sendable {
        var name: String
        var links: [Link]
        /// Rows that may hold what others said about the person (a restriction's reason, a
        /// consent decided by the person cared for): a secrecy assessment (menprövning) is made
        /// before the extract is handed out.
        var needsSecrecyAssessment = false
        var titleKey: String { "extract.table.\(name)" }
        /// A log about records (the audit trail, the access log), not the person's own rows.
        var isLog: Bool { links.contains { if case .record = $0 { true } else { false } } }
    }

    /// Tables about caregivers and the people they care for, in the order an extract shows them.
    static let aboutPeople: [Table] = [
        Table(name: "caregivers", links: [.caregiver("id")]),
        // Earlier values of the caregiver's own fields, kept at each correction (rättelse).
        Table(name: "caregiver_corrections", links: [.caregiver("caregiver_id")]),
        Table(name: "care_recipients", links: [.recipient("id")]),
        Table(name: "care_recipient_units", links: [.recipient("recipient_id")]),
        Table(name: "recipient_corrections", links: [.recipient("recipient_id")]),
        Table(name: "care_relationships", links: [.caregiver("caregiver_id"), .recipient("recipient_id")]),
        Table(name: "care_relationship_states", links: [.relationship("relationship_id")]),
        Table(name: "consents", links: [.relationship("relationship_id")], needsSecrecyAssessment: true),
        Table(name: "involvement_restrictions", links: [.relationship("relationship_id")], needsSecrecyAssessment: true),
        Table(name: "restriction_reviews", links: [.relationship("relationship_id")], needsSecrecyAssessment: true),
        Table(name: "caregiver_conversations", links: [.caregiver("caregiver_id")]),
        Table(name: "voluntariness_checks", links: [.caregiver("caregiver_id")]),
        Table(name: "screening_results", links: [.caregiver("caregiver_id")]),
        Table(name: "caregiver_support_plans", links: [.caregiver("caregiver_id")]),
        Table(name: "caregiver_support", links: [.caregiver("caregiver_id")]),
        Table(name: "group_sign_ups", links: [.caregiver("caregiver_id")]),
        Table(name: "meeting_invitations", links: [.relationship("relationship_id")]),
        Table(name: "caregiver_feedback", links: [.caregiver("caregiver_id")]),
        Table(name: "memo_notes", links: [.caregiver("caregiver_id")]),
        // What the caregiver was told about the person cared for is read for a secrecy assessment too.
        Table(name: "caregiver_information", links: [.caregiver("caregiver_id"), .relationship("relationship_id")], needsSecrecyAssessment: true),
        Table(name: "caregiver_tasks", links: [.caregiver("caregiver_id")]),
        Table(name: "inpatient_discharges", links: [.recipient("recipient_id")]),
        Table(name: "coordinated_plan_offers", links: [.recipient("recipient_id")]),
        // Who took part in a SIP names other people and organisations.
        Table(name: "coordinated_plan_outcomes", links: [.recipient("recipient_id")], needsSecrecyAssessment: true),
        Table(name: "coordinated_plan_responsibilities", links: [.recipient("recipient_id")]),
        Table(name: "patient_contracts", links: [.recipient("recipient_id")]),
        Table(name: "recipient_tasks", links: [.recipient("recipient_id")]),
        Table(name: "crisis_event_contacts", links: [.caregiver("caregiver_id"), .recipient("recipient_id")]),
        // The sender's note of a referral, and the receiver's copy once it became a record there.
        Table(name: "sent_referrals", links: [.caregiver("caregiver_id")]),
        Table(name: "referrals", links: [.caregiver("created_caregiver_id")]),
        Table(name: "audit_events", links: [.record("record_id")]),
        Table(name: "access_log", links: [.record("record_id")]),
    ]

    /// Tables that hold no data about caregivers or the people they care for, and why.
    static let notAboutPeople: [String: String] = [
        "_fluent_migrations": "which migrations have run",
        "organisations": "the municipalities and regions",
        "units": "the organisation's units",
        "users": "staff accounts (staff, not caregivers)",
        "user_roles": "staff roles",
        "unit_memberships": "staff membership of units",
        "access_log_reviews": "documented log reviews: the period, the conclusion and who reviewed (staff, not caregivers)",
        "auth_sessions": "staff sign-in sessions",
        "identity_providers": "the organisation's sign-in services (OpenID Connect)",
        "identity_provider_logins": "staff sign-ins on their way through the identity provider",
        "organisation_sign_in_policies": "how the organisation's staff may sign in",
        "login_attempts": "sign-in throttling: a hash of the account or address, no name",
        "user_second_factors": "staff accounts' authenticator app keys (staff, not caregivers)",
        "user_recovery_codes": "hashes of staff accounts' reserve codes (staff, not caregivers)",
        "second_factor_challenges": "a staff sign-in waiting five minutes for its one-time code",
        "rate_events": "rate limiting of public forms: a hash of the address",
        "setup_tokens": "the one-time link to create the first administrator",
        "contact_requests": "a request from the public pages, kept by the inbox and purged; it is not linked to a record",
        "contact_request_tallies": "counts of contact requests by day, with no person",
        "caregiver_settings": "the organisation's follow-up and retention settings",
        "civil_society_organisations": "the support catalogue's organisations",
        "support_offerings": "the support catalogue",
        "group_occasions": "the dates and times of group support, courses and meeting places; who signed up is in group_sign_ups",
        "question_banks": "the mapping's questions",
        "mappings": "the organisation's self-assessments",
        "mapping_units": "the units a mapping covers",
        "mapping_responses": "staff answering a mapping",
        "mapping_answers": "answers about the organisation's routines",
        "mapping_answer_history": "earlier answers about the organisation's routines",
        "mapping_reflections": "reflections on the organisation's mapping",
        "goals": "the development plan",
        "goal_links": "the development plan",
        "plan_actions": "the development plan",
        "plan_follow_ups": "the development plan",
        "routine_statuses": "which routines each unit has",
        "consequence_analyses": "decisions' consequences for caregivers as a group",
        "procurement_requirements": "requirements in procurements",
        "procurement_records": "procurements",
        "procurement_record_requirements": "procurements",
        "statistics_populations": "the number of adults in the municipality",
        "statistics_publications": "whether the statistics are published",
        "national_statistics_grants": "which staff accounts may compare every organisation (staff, not caregivers)",
        "crisis_events": "a crisis event and its scope; each person's row is in crisis_event_contacts",
        "crisis_exports": "who exported a crisis list and how many people it held",
        "audit_chain_heads": "the audit chain's head",
        "job_locks": "scheduled jobs",
        "job_runs": "scheduled jobs' runs",
    ]

    /// Yes/no columns of the tables above. SQLite declares them INTEGER, as it does numbers, so
    /// the extract is told which they are.
    static let flagColumns: Set<String> = ["lives_together", "carries_coordination", "open", "patient_contract", "review"]

    /// Columns every reader of an extract can do without: keys, versions, hashes. The JSON keeps them.
    static let technicalColumns: Set<String> = [
        "id", "organisation_id", "version", "name_folded", "seal_batch", "seq", "prev_hash", "hash", "sequence",
    ]
}
