import Foundation

/// A text in Swedish (the official wording) with an English translation. For the official
/// bank the English is unofficial and marked so wherever it is shown.
public struct LocalizedText: Codable, Sendable, Equatable, Hashable {
    public var sv: String
    public var en: String

    public init(sv: String, en: String) {
        self.sv = sv
        self.en = en
    }

    public func text(_ language: String) -> String { language == "en" ? en : sv }
}

/// How a question is answered.
public enum AnswerFormat: String, Codable, Sendable, CaseIterable {
    /// ja / delvis / nej / vet inte, then the follow-up that matches the answer.
    case yesNo
    /// Free text only.
    case open
}

/// The answer to a yes/no question.
public enum YesNoChoice: String, Codable, Sendable, CaseIterable {
    case yes, partly, no, unknown

    /// Answers that point at something to develop: they land on the gap list.
    public var isGap: Bool { self != .yes }
}

/// How far a routine of question 2 has come in a unit.
public enum RoutineState: String, Codable, Sendable, CaseIterable {
    case exists, planned, missing
}

/// When a follow-up prompt applies.
public enum FollowUpCondition: String, Codable, Sendable, CaseIterable {
    /// "Om ja, …": shown for ja and delvis.
    case ifYes
    /// "Om nej, …": shown for nej, delvis and vet inte.
    case ifNo
    /// Always shown (e.g. "Hur kan utmaningarna hanteras?", the aspects of question 11).
    case always

    public func applies(to choice: YesNoChoice?) -> Bool {
        switch self {
        case .always: return true
        case .ifYes: return choice == .yes || choice == .partly
        case .ifNo: return choice == .no || choice == .partly || choice == .unknown
        }
    }
}

public struct FollowUpPrompt: Codable, Sendable, Equatable, Hashable {
    public var key: String
    public var condition: FollowUpCondition
    public var text: LocalizedText

    public init(key: String, condition: FollowUpCondition, text: LocalizedText) {
        self.key = key
        self.condition = condition
        self.text = text
    }
}

/// One of the example routines listed under question 2.
public struct RoutineItem: Codable, Sendable, Equatable, Hashable {
    public var key: String
    public var text: LocalizedText

    public init(key: String, text: LocalizedText) {
        self.key = key
        self.text = text
    }
}

public struct Question: Codable, Sendable, Equatable, Hashable {
    /// Stable across bank versions so answers, goals and comparisons over time line up ("q1" … "q14").
    public var key: String
    /// The number shown, as in the source ("1" … "14"); custom questions get their own.
    public var number: String
    public var area: String
    public var format: AnswerFormat
    public var text: LocalizedText
    public var followUps: [FollowUpPrompt]
    public var routines: [RoutineItem]
    /// True for questions an organisation added itself.
    public var isCustom: Bool

    public init(key: String, number: String, area: String, format: AnswerFormat, text: LocalizedText,
                followUps: [FollowUpPrompt] = [], routines: [RoutineItem] = [], isCustom: Bool = false) {
        self.key = key
        self.number = number
        self.area = area
        self.format = format
        self.text = text
        self.followUps = followUps
        self.routines = routines
        self.isCustom = isCustom
    }
}

public struct QuestionArea: Codable, Sendable, Equatable, Hashable {
    /// "leadership", "knowledge", "collaboration" for the official areas.
    public var key: String
    public var title: LocalizedText

    public init(key: String, title: LocalizedText) {
        self.key = key
        self.title = title
    }
}

/// Where the questions come from, named wherever they are shown.
public struct QuestionSource: Codable, Sendable, Equatable, Hashable {
    public var publisher: String
    public var title: String
    public var part: String
    /// Note shown beside the English text of official questions.
    public var translationNote: LocalizedText

    public init(publisher: String, title: String, part: String, translationNote: LocalizedText) {
        self.publisher = publisher
        self.title = title
        self.part = part
        self.translationNote = translationNote
    }
}

/// A versioned set of mapping questions. The official bank is read-only; an organisation's
/// own version starts as a copy and may add, reword or leave out questions.
public struct QuestionBankContent: Codable, Sendable, Equatable {
    public var source: QuestionSource
    public var areas: [QuestionArea]
    public var questions: [Question]

    public init(source: QuestionSource, areas: [QuestionArea], questions: [Question]) {
        self.source = source
        self.areas = areas
        self.questions = questions
    }

    public func questions(in area: String) -> [Question] { questions.filter { $0.area == area } }

    public func question(_ key: String) -> Question? { questions.first { $0.key == key } }

    /// Every routine item with the question it belongs to.
    public var routines: [(question: Question, routine: RoutineItem)] {
        questions.flatMap { question in question.routines.map { (question, $0) } }
    }

    public enum Problem: Error, Equatable, Sendable {
        case duplicateKey(String)
        case unknownArea(question: String, area: String)
        case emptyText(String)
    }

    /// Keys unique, every question in a known area, no empty texts.
    public func validate() -> [Problem] {
        var problems: [Problem] = []
        var seen = Set<String>()
        let areaKeys = Set(areas.map(\.key))
        for question in questions {
            for key in [question.key] + question.followUps.map(\.key) + question.routines.map(\.key) {
                if !seen.insert(key).inserted { problems.append(.duplicateKey(key)) }
            }
            if !areaKeys.contains(question.area) { problems.append(.unknownArea(question: question.key, area: question.area)) }
            let texts = [(question.key, question.text.sv)] + question.followUps.map { ($0.key, $0.text.sv) }
                + question.routines.map { ($0.key, $0.text.sv) }
            for (key, text) in texts where key.isEmpty || text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                problems.append(.emptyText(key))
            }
        }
        return problems
    }
}

/// Text from a PDF extraction: runs of white space and the extraction's line breaks become
/// single spaces; words are not changed.
public enum SourceText {
    public static func normalise(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}

extension QuestionBankContent {
    /// Routine items are keyed `<question>.r<n>` ("q2.r3"), in every bank version.
    public static func isRoutineKey(_ key: String) -> Bool {
        let parts = key.split(separator: ".")
        guard parts.count == 2, let last = parts.last, last.first == "r", last.count > 1 else { return false }
        return last.dropFirst().allSatisfy(\.isNumber)
    }
}
