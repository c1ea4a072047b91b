import Fluent
import SQLKit
import SynligCore
import Vapor

/// Rättelse: when a caregiver's personal data is changed, the earlier value is kept, so that what
/// the file said before a correction can still be read by those who may read the file. One row
/// per field and change, with who changed it and when. A personnummer's earlier value is kept
/// masked (birth year only): removing a wrong number must not leave it readable in the history.
/// The rows belong to the caregiver's file (`PersonalDataRegistry`): they are in the register
/// extract and go with the file at gallring or erasure.
package final class CaregiverCorrection: Model, OrganisationScoped, CorrectionEntry, @unchecked Sendable {
    package static let schema = "caregiver_corrections"

    @ID(key: .id) package var id: UUID?
    @Field(key: "organisation_id") package var organisationID: UUID
    @Field(key: "caregiver_id") package var caregiverID: UUID
    /// The field's name as the API spells it (`CorrectedField`).
    @Field(key: "field") var field: String
    /// Sealed at rest (`SealedText`): an earlier value may be a note on the caregiver's health.
    @Field(key: "previous_value") var sealedPreviousValue: SealedText
    var previousValue: String { get { sealedPreviousValue.text } set { sealedPreviousValue = SealedText(newValue) } }
    /// The record's version the change made: the rows of one change share it, and it orders the
    /// history whatever the clocks of the instances that wrote it said.
    @Field(key: "version") var version: Int
    @Field(key: "changed_by") var changedBy: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    package static var organisationIDKey: KeyPath<CaregiverCorrection, FieldProperty<CaregiverCorrection, UUID>> { \.$organisationID }

    package init() {}
}

/// The fields of a caregiver's record whose earlier values are kept, and how a value is shown.
/// The unit and the responsible colleague are how the organisation files the record, not data
/// about the person, and are not listed.
enum CorrectedField: String, CaseIterable, Sendable, CorrectedValue {
    case name, personalIdentityNumber, phone, email, address, preferredChannel, preferredLanguage, interpreterNeed
    case gender, birthYear, foreignBackground, minorityLanguage, occupation, ownHealthNote
    case childrenInHousehold, childrenCount

    /// The label the edit form gives the field.
    var labelKey: String {
        switch self {
        case .name: "caregiver.field.name"
        case .personalIdentityNumber: "caregiver.field.pin"
        case .phone: "caregiver.field.phone"
        case .email: "caregiver.field.email"
        case .address: "caregiver.field.address"
        case .preferredChannel: "caregiver.field.channel"
        case .preferredLanguage: "caregiver.field.language"
        case .interpreterNeed: "caregiver.field.interpreter"
        case .gender: "caregiver.field.gender"
        case .birthYear: "caregiver.field.birth_year"
        case .foreignBackground: "caregiver.field.foreign_background"
        case .minorityLanguage: "caregiver.field.minority_language"
        case .occupation: "caregiver.field.occupation"
        case .ownHealthNote: "caregiver.field.own_health"
        case .childrenInHousehold: "children.field.situation"
        case .childrenCount: "children.field.count"
        }
    }

    var choicePrefix: String? {
        switch self {
        case .preferredChannel: "caregiver.channel"
        case .preferredLanguage: "language.name"
        case .interpreterNeed: "caregiver.interpreter"
        case .gender: "caregiver.gender"
        case .foreignBackground: "caregiver.foreign_background"
        case .minorityLanguage: "caregiver.minority_language"
        case .occupation: "caregiver.occupation"
        case .childrenInHousehold: "children.situation"
        default: nil
        }
    }

    /// The field's value in `caregiver`, as it is kept in the history.
    func value(of caregiver: Caregiver) -> String {
        switch self {
        case .name: caregiver.name
        case .personalIdentityNumber:
            caregiver.personalIdentityNumber.flatMap { try? PersonalIdentityNumber.parse($0).get().masked } ?? ""
        case .phone: caregiver.phone
        case .email: caregiver.email
        case .address: caregiver.address
        case .preferredChannel: caregiver.preferredChannel.rawValue
        case .preferredLanguage: caregiver.preferredLanguage
        case .interpreterNeed: caregiver.interpreterNeed.rawValue
        case .gender: caregiver.gender.rawValue
        case .birthYear: caregiver.birthYear.map(String.init) ?? ""
        case .foreignBackground: caregiver.foreignBackground.rawValue
        case .minorityLanguage: caregiver.minorityLanguage.rawValue
        case .occupation: caregiver.occupation.rawValue
        case .ownHealthNote: caregiver.ownHealthNote
        case .childrenInHousehold: caregiver.childrenInHousehold.rawValue
        case .childrenCount: caregiver.childrenCount.map(String.init) ?? ""
        }
    }
}

enum CorrectionHistory {
    /// The caregiver's values before a change, to compare with after it (`record`).
    struct Before: Sendable {
        fileprivate var values: [CorrectedField: String]
        /// The stored personnummer itself: a changed number is a correction even when both mask alike.
        fileprivate var number: String?
    }

    static func before(_ caregiver: Caregiver) -> Before {
        Before(values: Dictionary(uniqueKeysWithValues: CorrectedField.allCases.map { ($0, $0.value(of: caregiver)) }),
               number: caregiver.personalIdentityNumber)
    }

    /// Keeps the earlier value of every field the change altered, in the change's transaction.
    static func record(_ before: Before, after caregiver: Caregiver, by user: UUID, on db: any Database) async throws {
        let id = try caregiver.requireID()
        for field in CorrectedField.allCases {
            let changed = field == .personalIdentityNumber
                ? before.number != caregiver.personalIdentityNumber
                : before.values[field] != field.value(of: caregiver)
            guard changed else { continue }
            let row = CaregiverCorrection()
            row.organisationID = caregiver.organisationID
            row.caregiverID = id
            row.field = field.rawValue
            row.previousValue = before.values[field] ?? ""
            row.version = caregiver.version
            row.changedBy = user
            try await row.create(on: db)
        }
    }

    /// The caregiver's corrections, newest change first, each change's fields in the form's order.
    static func list(caregiverID: UUID, organisationID: UUID, on db: any Database) async throws -> [CaregiverCorrection] {
        CorrectionOrder.sorted(try await CaregiverCorrection.scoped(to: organisationID, on: db).filter(\.$caregiverID == caregiverID).all(),
                               fields: CorrectedField.allCases)
    }
}

struct CreateCaregiverCorrections: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await CorrectionTable.create(CaregiverCorrection.schema, of: "caregiver_id", in: "caregivers", on: database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema(CaregiverCorrection.schema).delete()
    }
}

extension API {
    struct CorrectionOut: Content {
        var field: String
        var previousValue: String
        @ExplicitNull var changedAt: Date?
        var changedBy: UUID

        init(_ correction: any CorrectionEntry) {
            field = correction.field
            previousValue = correction.previousValue
            changedAt = correction.createdAt
            changedBy = correction.changedBy
        }
    }
}
