import Fluent
import SynligCore
import Vapor

/// A stored version of a question bank. The official bank is installed by a migration and
/// never changes; an organisation's own versions are copies it may edit until first used.
package final class QuestionBank: Model, @unchecked Sendable {
    package static let schema = "question_banks"

    @ID(key: .id) package var id: UUID?
    /// nil for the official, built-in bank shared by every organisation.
    @OptionalField(key: "organisation_id") var organisationID: UUID?
    @Field(key: "title") var title: String
    @Field(key: "is_official") package var isOfficial: Bool
    @OptionalField(key: "based_on_id") var basedOnID: UUID?
    /// The questions as JSON (`QuestionBankContent`): a bank is read and used whole.
    @Field(key: "content") var contentJSON: String
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    package init() {}

    init(organisationID: UUID?, title: String, isOfficial: Bool, basedOnID: UUID?, content: QuestionBankContent) throws {
        self.organisationID = organisationID
        self.title = title
        self.isOfficial = isOfficial
        self.basedOnID = basedOnID
        self.contentJSON = try QuestionBank.encode(content)
        self.version = 1
    }

    package var content: QuestionBankContent {
        get throws { try JSONDecoder().decode(QuestionBankContent.self, from: Data(contentJSON.utf8)) }
    }

    static func encode(_ content: QuestionBankContent) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(content), as: UTF8.self)
    }

    /// The banks an organisation may use: the official ones and its own.
    static func available(to organisationID: UUID, on db: any Database) -> QueryBuilder<QuestionBank> {
        query(on: db).group(.or) { $0.filter(\.$isOfficial == true).filter(\.$organisationID == organisationID) }
    }

    static func find(_ id: UUID?, availableTo organisationID: UUID, on db: any Database) async throws -> QuestionBank {
        guard let id, let bank = try await available(to: organisationID, on: db).filter(\.$id == id).first() else {
            throw SynligError.notFound
        }
        return bank
    }
}

package enum MappingStatus: String, Codable, Sendable, CaseIterable {
    case draft, open, closed
}

package enum MappingScope: String, Codable, Sendable, CaseIterable {
    /// The whole organisation answers as one.
    case organisation
    /// Chosen units answer, each for itself, so units can be compared.
    case units
}

/// A kartläggning: one run of the mapping questions for the organisation or chosen units.
package final class Mapping: Model, OrganisationScoped, @unchecked Sendable {
    package static let schema = "mappings"

    @ID(key: .id) package var id: UUID?
    @Field(key: "organisation_id") package var organisationID: UUID
    @Field(key: "bank_id") var bankID: UUID
    @Field(key: "title") var title: String
    /// Dates as ISO `YYYY-MM-DD`: a period is calendar days, not instants.
    @Field(key: "period_start") var periodStart: String
    @Field(key: "period_end") var periodEnd: String
    @Field(key: "responsible_user_id") var responsibleUserID: UUID
    @Field(key: "status") var status: MappingStatus
    @Field(key: "scope") var scope: MappingScope
    @Field(key: "version") var version: Int
    @OptionalField(key: "closed_at") var closedAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    package static var organisationIDKey: KeyPath<Mapping, FieldProperty<Mapping, UUID>> { \.$organisationID }

    package init() {}

    /// A closed mapping is a record of what was found; nothing in it changes any more.
    func ensureOpenForChanges() throws {
        if status == .closed { throw SynligError(.conflict, "mapping.closed") }
    }
}

/// A unit taking part in a unit-scoped mapping.
final class MappingUnit: Model, @unchecked Sendable {
    static let schema = "mapping_units"

    @ID(key: .id) var id: UUID?
    @Field(key: "mapping_id") var mappingID: UUID
    @Field(key: "unit_id") package var unitID: UUID
    @Field(key: "organisation_id") var organisationID: UUID

    init() {}

    init(mappingID: UUID, unitID: UUID, organisationID: UUID) {
        self.mappingID = mappingID
        self.unitID = unitID
        self.organisationID = organisationID
    }
}

package enum ResponseKind: String, Codable, Sendable, CaseIterable {
    /// An invited user answers on their own.
    case individual
    /// A group answers together; who took part is recorded.
    case workshop
}

enum ResponseStatus: String, Codable, Sendable, CaseIterable {
    case draft, submitted
}

/// One answer sheet in a mapping: a respondent's, or a workshop's, for the organisation or one unit.
package final class MappingResponse: Model, OrganisationScoped, @unchecked Sendable {
    package static let schema = "mapping_responses"

    @ID(key: .id) package var id: UUID?
    @Field(key: "organisation_id") package var organisationID: UUID
    @Field(key: "mapping_id") var mappingID: UUID
    /// nil when the sheet speaks for the whole organisation.
    @OptionalField(key: "unit_id") package var unitID: UUID?
    @Field(key: "kind") package var kind: ResponseKind
    /// The invited respondent, or who keeps the workshop's record.
    @Field(key: "respondent_user_id") var respondentUserID: UUID
    /// For a workshop: who took part (names and roles, as the group wants them recorded).
    @Field(key: "participants") var participants: String
    @Field(key: "status") var status: ResponseStatus
    @OptionalField(key: "submitted_at") var submittedAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    package static var organisationIDKey: KeyPath<MappingResponse, FieldProperty<MappingResponse, UUID>> { \.$organisationID }

    package init() {}
}

/// The answer to one question or one routine item on a sheet. `choice` holds a
/// `YesNoChoice` for yes/no questions, a `RoutineState` for routines, nothing for open questions.
final class MappingAnswer: Model, @unchecked Sendable {
    static let schema = "mapping_answers"

    @ID(key: .id) var id: UUID?
    @Field(key: "organisation_id") var organisationID: UUID
    @Field(key: "response_id") var responseID: UUID
    @Field(key: "mapping_id") var mappingID: UUID
    /// A question key ("q1"), a follow-up key ("q1.no") or a routine key ("q2.r3").
    @Field(key: "item_key") var itemKey: String
    @OptionalField(key: "choice") var choice: String?
    @Field(key: "text") var text: String
    @Field(key: "updated_by") var updatedBy: UUID
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}

/// What an answer was before each change: answers can be changed until the mapping closes,
/// and the history shows how they moved.
final class MappingAnswerHistory: Model, @unchecked Sendable {
    static let schema = "mapping_answer_history"

    @ID(key: .id) var id: UUID?
    @Field(key: "organisation_id") var organisationID: UUID
    @Field(key: "answer_id") var answerID: UUID
    @OptionalField(key: "choice") var choice: String?
    @Field(key: "text") var text: String
    @Field(key: "changed_by") var changedBy: UUID
    @Field(key: "changed_at") var changedAt: Date

    init() {}
}

/// The reflection on one area: what did we learn, what surprised us.
final class AreaReflection: Model, @unchecked Sendable {
    static let schema = "mapping_reflections"

    @ID(key: .id) var id: UUID?
    @Field(key: "organisation_id") var organisationID: UUID
    @Field(key: "mapping_id") var mappingID: UUID
    @Field(key: "area_key") var areaKey: String
    @Field(key: "text") var text: String
    @Field(key: "updated_by") var updatedBy: UUID
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}
