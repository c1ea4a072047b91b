import Fluent
import SQLKit
import SynligCore
import Vapor

/// Rättelse for a person cared for, as for a caregiver (`CaregiverCorrection`): when their
/// details change, the earlier value is kept with who changed it and when, readable by those who
/// may read the person's file. The rows belong to the person's file (`PersonalDataRegistry`):
/// they are in the register extract and go with the file at gallring or erasure.
package final class RecipientCorrection: Model, OrganisationScoped, CorrectionEntry, @unchecked Sendable {
    package static let schema = "recipient_corrections"

    @ID(key: .id) package var id: UUID?
    @Field(key: "organisation_id") package var organisationID: UUID
    @Field(key: "recipient_id") package var recipientID: UUID
    /// The field's name as the API spells it (`RecipientCorrectedField`).
    @Field(key: "field") var field: String
    /// Sealed at rest (`SealedText`), as the caregiver's history is.
    @Field(key: "previous_value") var sealedPreviousValue: SealedText
    var previousValue: String { get { sealedPreviousValue.text } set { sealedPreviousValue = SealedText(newValue) } }
    /// The person's version the change made: orders the history whatever the clocks said.
    @Field(key: "version") var version: Int
    @Field(key: "changed_by") var changedBy: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    package static var organisationIDKey: KeyPath<RecipientCorrection, FieldProperty<RecipientCorrection, UUID>> { \.$organisationID }

    package init() {}
}

/// The details of a person cared for whose earlier values are kept. The responsible units are
/// how the organisation files the person, not data about them, and are not listed.
enum RecipientCorrectedField: String, CaseIterable, Sendable, CorrectedValue {
    case name, externalReference, fixedCareContact, fixedDoctorContact, fixedCareHomeContact, patientContract, careNeedArea

    var labelKey: String {
        switch self {
        case .name: "recipient.field.name"
        case .externalReference: "recipient.field.reference"
        case .fixedCareContact: "recipient.field.fixed_care_contact"
        case .fixedDoctorContact: "recipient.field.fixed_doctor_contact"
        case .fixedCareHomeContact: "recipient.field.fixed_care_home_contact"
        case .patientContract: "recipient.field.patient_contract"
        case .careNeedArea: "recipient.field.care_need_area"
        }
    }

    var choicePrefix: String? {
        switch self {
        case .patientContract: "correction.checkbox"
        case .careNeedArea: "recipient.care_need_area"
        default: nil
        }
    }

    func value(of recipient: CareRecipient) -> String {
        switch self {
        case .name: recipient.name
        case .externalReference: recipient.externalReference
        case .fixedCareContact: recipient.fixedCareContact
        case .fixedDoctorContact: recipient.fixedDoctorContact
        case .fixedCareHomeContact: recipient.fixedCareHomeContact
        case .patientContract: recipient.patientContract ? "checked" : "unchecked"
        case .careNeedArea: recipient.careNeedArea.rawValue
        }
    }
}

enum RecipientCorrectionHistory {
    static func before(_ recipient: CareRecipient) -> [RecipientCorrectedField: String] {
        Dictionary(uniqueKeysWithValues: RecipientCorrectedField.allCases.map { ($0, $0.value(of: recipient)) })
    }

    /// Keeps the earlier value of every field the change altered, in the change's transaction.
    static func record(_ before: [RecipientCorrectedField: String], after recipient: CareRecipient, by user: UUID,
                       on db: any Database) async throws {
        let id = try recipient.requireID()
        for field in RecipientCorrectedField.allCases where before[field] != field.value(of: recipient) {
            let row = RecipientCorrection()
            row.organisationID = recipient.organisationID
            row.recipientID = id
            row.field = field.rawValue
            row.previousValue = before[field] ?? ""
            row.version = recipient.version
            row.changedBy = user
            try await row.create(on: db)
        }
    }

    /// The person's corrections, newest change first, each change's fields in the form's order.
    static func list(recipientID: UUID, organisationID: UUID, on db: any Database) async throws -> [RecipientCorrection] {
        CorrectionOrder.sorted(try await RecipientCorrection.scoped(to: organisationID, on: db).filter(\.$recipientID == recipientID).all(),
                               fields: RecipientCorrectedField.allCases)
    }
}

struct CreateRecipientCorrections: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await CorrectionTable.create(RecipientCorrection.schema, of: "recipient_id", in: "care_recipients", on: database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema(RecipientCorrection.schema).delete()
    }
}
