import Foundation
import SynligCore
import Vapor

/// The JSON shapes of the mapping and development-plan part of `/api/v1`, as described in
/// `Resources/openapi.yaml`. Ids in request bodies are typed as UUIDs, so a malformed id is
/// refused with 400 naming the field instead of being quietly dropped. Calendar days are
/// `YYYY-MM-DD` strings, checked by the services.
extension API {
    // MARK: Question banks

    struct QuestionBankSummary: Content {
        var id: UUID
        var title: String
        var isOfficial: Bool
        var version: Int
        var basedOnId: UUID?
        var createdAt: Date?

        init(_ bank: QuestionBank) throws {
            id = try bank.requireID()
            title = bank.title
            isOfficial = bank.isOfficial
            version = bank.version
            basedOnId = bank.basedOnID
            createdAt = bank.createdAt
        }
    }

    /// A bank with everything a client needs to render the answer sheet, in both languages.
    struct QuestionBankOut: Content {
        var id: UUID
        var title: String
        var isOfficial: Bool
        var version: Int
        var basedOnId: UUID?
        var createdAt: Date?
        var source: QuestionSource
        var areas: [QuestionArea]
        var questions: [Question]

        init(_ bank: QuestionBank) throws {
            let content = try bank.content
            id = try bank.requireID()
            title = bank.title
            isOfficial = bank.isOfficial
            version = bank.version
            basedOnId = bank.basedOnID
            createdAt = bank.createdAt
            source = content.source
            areas = content.areas
            questions = content.questions
        }
    }

    // MARK: Mappings

    struct MappingSummary: Content {
        var id: UUID
        var title: String
        var periodStart: String
        var periodEnd: String
        var status: MappingStatus
        var scope: MappingScope
        var bankId: UUID
        var responsibleUserId: UUID
        var version: Int
        var closedAt: Date?
        var createdAt: Date?

        init(_ mapping: Mapping) throws {
            id = try mapping.requireID()
            title = mapping.title
            periodStart = mapping.periodStart
            periodEnd = mapping.periodEnd
            status = mapping.status
            scope = mapping.scope
            bankId = mapping.bankID
            responsibleUserId = mapping.responsibleUserID
            version = mapping.version
            closedAt = mapping.closedAt
            createdAt = mapping.createdAt
        }
    }

    struct MappingUnitOut: Content {
        var id: UUID
        var name: String
    }

    struct MappingCounts: Content {
        /// Every sheet: invitations and workshops.
        var responses: Int
        var submitted: Int
        var drafts: Int
    }

    struct ReflectionOut: Content {
        var areaKey: String
        var text: String
        var updatedAt: Date
        var updatedBy: UUID

        init(_ reflection: AreaReflection) {
            areaKey = reflection.areaKey
            text = reflection.text
            updatedAt = reflection.updatedAt
            updatedBy = reflection.updatedBy
        }
    }

    struct MappingOut: Content {
        var id: UUID
        var title: String
        var periodStart: String
        var periodEnd: String
        var status: MappingStatus
        var scope: MappingScope
        var bankId: UUID
        var responsibleUserId: UUID
        var version: Int
        var closedAt: Date?
        var createdAt: Date?
        /// The units taking part, by name; empty when the whole organisation answers as one.
        var units: [MappingUnitOut]
        var counts: MappingCounts
        var reflections: [ReflectionOut]
    }

    struct MappingCreate: StrictJSONBody {
        var title: String
        var periodStart: String
        var periodEnd: String
        var scope: String
        var unitIds: [UUID]?
        var bankId: UUID?
        var responsibleUserId: UUID?
    }

    struct MappingStatusChange: StrictJSONBody {
        var status: String
    }

    // MARK: Sheets

    struct ResponseOut: Content {
        var id: UUID
        var mappingId: UUID
        var kind: ResponseKind
        var unitId: UUID?
        var respondentUserId: UUID
        var respondentName: String?
        var participants: String
        var status: ResponseStatus
        var submittedAt: Date?
        var createdAt: Date?

        init(_ response: MappingResponse, respondentName: String?) throws {
            id = try response.requireID()
            mappingId = response.mappingID
            kind = response.kind
            unitId = response.unitID
            respondentUserId = response.respondentUserID
            self.respondentName = respondentName
            participants = response.participants
            status = response.status
            submittedAt = response.submittedAt
            createdAt = response.createdAt
        }
    }

    struct ResponseCreate: StrictJSONBody {
        var kind: String
        var respondentUserId: UUID?
        var unitId: UUID?
        var participants: String?
    }

    struct AnswerOut: Content {
        var itemKey: String
        var choice: String?
        var text: String
        var updatedAt: Date

        init(_ answer: MappingAnswer) {
            itemKey = answer.itemKey
            choice = answer.choice
            text = answer.text
            updatedAt = answer.updatedAt
        }
    }

    /// One answer sheet with its answers, for the respondent or a reader.
    struct SheetOut: Content {
        var id: UUID
        var mappingId: UUID
        var bankId: UUID
        var mappingStatus: MappingStatus
        var kind: ResponseKind
        var unitId: UUID?
        var respondentUserId: UUID
        var participants: String
        var status: ResponseStatus
        var submittedAt: Date?
        /// True when the caller may write on this sheet now (their sheet, the mapping open).
        var mayAnswer: Bool
        var answers: [AnswerOut]
    }

    struct AnswerBody: Decodable, Sendable {
        var choice: String?
        var text: String?
    }

    struct AnswersUpdate: StrictJSONBody {
        static let answerKeys: Set<String> = ["choice", "text"]
        var answers: [String: AnswerBody]
        var submit: Bool?
    }

    struct ReflectionUpdate: StrictJSONBody {
        var text: String
    }

    // MARK: Results and gaps

    /// How the submitted sheets of one group (all, or one unit) answered one item.
    struct DistributionOut: Content {
        var unitId: UUID?
        var sheets: Int
        var counts: [String: Int]
        var unanswered: Int
        /// Whole percentages per choice and `unanswered`, summing to 100 (0 everywhere without sheets).
        var percentages: [String: Int]

        init(_ distribution: AnswerDistribution, order: [String], unitId: UUID? = nil) {
            self.unitId = unitId
            sheets = distribution.sheets
            counts = Dictionary(uniqueKeysWithValues: order.map { ($0, distribution.count($0)) })
            unanswered = distribution.unanswered
            percentages = distribution.percentages(order: order)
        }
    }

    /// The change of the "good" answer's share since the previous closed mapping.
    struct ChangeOut: Content {
        var choice: String
        var percentagePoints: Int
        var previousPercent: Int
        var currentPercent: Int

        init(_ change: MappingChange, choice: String) {
            self.choice = choice
            percentagePoints = change.percentagePoints
            previousPercent = Int((change.previousShare * 100).rounded())
            currentPercent = Int((change.currentShare * 100).rounded())
        }
    }

    struct ItemResultOut: Content {
        var itemKey: String
        var questionKey: String
        /// `yesNo` for a question, `routine` for one of its routines.
        var kind: String
        /// The choices, in the order they are shown.
        var choices: [String]
        var overall: DistributionOut
        var units: [DistributionOut]
        var change: ChangeOut?
        /// What the caregiver register shows for the same routine (empty where no measure belongs
        /// to it): the self-assessment's answer beside measured practice.
        var practice: [PracticeOut]
    }

    /// One practice measure for the year the mapping's period ends in, for the whole
    /// organisation and each unit in the mapping's scope, withheld as on the statistics page.
    struct PracticeOut: Content {
        struct Value: Content {
            var unitId: UUID?
            /// Null for a unit too small to show.
            @ExplicitNull var done: PublishedCountOut?
            var of: PublishedCountOut
            @ExplicitNull var share: Double?

            init(_ value: PracticeValue, unitId: UUID?, policy: SuppressionPolicy) {
                self.unitId = unitId
                done = value.done.map { PublishedCountOut($0, policy: policy) }
                of = PublishedCountOut(value.of, policy: policy)
                share = value.share
            }
        }
        var indicator: PracticeIndicator
        var year: Int
        var overall: Value
        var units: [Value]

        init(_ indicator: PracticeIndicator, measures: PracticeMeasures, unitIDs: [UUID], policy: SuppressionPolicy = .standard) {
            self.indicator = indicator
            year = measures.year
            overall = Value(measures.value(indicator, unit: nil), unitId: nil, policy: policy)
            units = unitIDs.map { Value(measures.value(indicator, unit: $0), unitId: $0, policy: policy) }
        }
    }

    struct ResultsOut: Content {
        var mappingId: UUID
        var status: MappingStatus
        var sheets: Int
        var unitIds: [UUID]
        var previousMappingId: UUID?
        var items: [ItemResultOut]
    }

    struct GapOut: Content {
        var itemKey: String
        var questionKey: String
        var unitId: UUID?
        var choice: String
        var followUpTexts: [String]

        init(_ gap: MappingGap) {
            itemKey = gap.itemKey
            questionKey = gap.questionKey
            unitId = gap.unitID
            choice = gap.choice
            followUpTexts = gap.followUpTexts
        }
    }
}
