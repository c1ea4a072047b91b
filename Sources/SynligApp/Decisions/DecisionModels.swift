import Fluent
import SQLKit
import SynligCore
import Vapor

enum AnalysisStatus: String, Codable, Sendable, CaseIterable {
    case draft, final
}

/// A konsekvensanalys med anhörigperspektiv: before a decision that changes the care on
/// offer, who among caregivers is affected, how, what softens it and who was asked.
final class ConsequenceAnalysis: Model, OrganisationScoped, @unchecked Sendable {
    static let schema = "consequence_analyses"

    @ID(key: .id) var id: UUID?
    @Field(key: "organisation_id") var organisationID: UUID
    @Field(key: "title") var title: String
    @Field(key: "decision_reference") var decisionReference: String
    @Field(key: "decision_date") var decisionDate: String
    @Field(key: "what_changes") var whatChanges: String
    @Field(key: "affected_groups") var affectedGroups: String
    @Field(key: "effects") var effects: String
    @Field(key: "mitigation") var mitigation: String
    @Field(key: "consulted_caregivers") var consultedCaregivers: Bool
    @Field(key: "consulted_civil_society") var consultedCivilSociety: Bool
    @Field(key: "consultation_notes") var consultationNotes: String
    @Field(key: "status") var status: AnalysisStatus
    @Field(key: "author_user_id") var authorUserID: UUID
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    static var organisationIDKey: KeyPath<ConsequenceAnalysis, FieldProperty<ConsequenceAnalysis, UUID>> { \.$organisationID }

    init() {}
}

/// A reusable text block with a caregiver-perspective requirement for procurement documents.
final class ProcurementRequirement: Model, OrganisationScoped, @unchecked Sendable {
    static let schema = "procurement_requirements"

    @ID(key: .id) var id: UUID?
    @Field(key: "organisation_id") var organisationID: UUID
    @Field(key: "title") var title: String
    @Field(key: "text") var text: String
    @Field(key: "active") var active: Bool
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    static var organisationIDKey: KeyPath<ProcurementRequirement, FieldProperty<ProcurementRequirement, UUID>> { \.$organisationID }

    init() {}
}

/// A procurement and the requirement blocks it used (question 5 of the mapping).
final class ProcurementRecord: Model, OrganisationScoped, @unchecked Sendable {
    static let schema = "procurement_records"

    @ID(key: .id) var id: UUID?
    @Field(key: "organisation_id") var organisationID: UUID
    @Field(key: "title") var title: String
    @Field(key: "reference") var reference: String
    @Field(key: "date") var date: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    static var organisationIDKey: KeyPath<ProcurementRecord, FieldProperty<ProcurementRecord, UUID>> { \.$organisationID }

    init() {}
}

final class ProcurementRecordRequirement: Model, @unchecked Sendable {
    static let schema = "procurement_record_requirements"

    @ID(key: .id) var id: UUID?
    @Field(key: "organisation_id") var organisationID: UUID
    @Field(key: "record_id") var recordID: UUID
    @Field(key: "requirement_id") var requirementID: UUID

    init() {}
}
