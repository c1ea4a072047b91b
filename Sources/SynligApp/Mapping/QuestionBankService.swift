import Fluent
import SynligCore
import Vapor

/// One question as an administrator edits it in an own bank version.
struct QuestionEdit: Sendable {
    var include: Bool
    var sv: String?
    var en: String?
}

struct NewQuestionInput: Sendable {
    var area: String?
    var format: String?
    var sv: String?
    var en: String?
}

/// An organisation's own versions of the question bank. The official bank never changes; an
/// own version starts as a copy and may add, reword or leave out questions until a mapping
/// has used it — after that it is the record of what was asked, and a new copy is the way on.
enum QuestionBankService {
    static let maxQuestionLength = 1000

    static func copy(_ bankID: UUID, title rawTitle: String?, by user: CurrentUser, on db: any Database) async throws -> QuestionBank {
        guard user.hasAny(MappingService.managers) else { throw SynligError.forbidden }
        let (title, problem) = TextInput.check(rawTitle, required: true, maxLength: 200)
        if let problem { throw SynligError.invalid([.init(field: "title", messageKey: problem.rawValue)]) }
        return try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            let original = try await QuestionBank.find(bankID, availableTo: user.organisationID, on: tx)
            var content = try original.content
            if original.isOfficial {
                content.source.part += " – " + "egen version"
            }
            let bank = try QuestionBank(organisationID: user.organisationID, title: title, isOfficial: false,
                                        basedOnID: try original.requireID(), content: content)
            try await bank.create(on: tx)
            audit.record("question_bank.copy", "question_bank", id: bank.id, organisation: user.organisationID)
            return bank
        }
    }

    static func isInUse(_ bankID: UUID, on db: any Database) async throws -> Bool {
        try await Mapping.query(on: db).filter(\.$bankID == bankID).count() > 0
    }

    /// Loads an own bank for editing: 404 for others' and the official one, 409 once used.
    private static func editable(_ bankID: UUID, user: CurrentUser, on db: any Database) async throws -> QuestionBank {
        guard user.hasAny(MappingService.managers) else { throw SynligError.forbidden }
        let bank = try await QuestionBank.find(bankID, availableTo: user.organisationID, on: db)
        guard !bank.isOfficial else { throw SynligError(.conflict, "bank.official_read_only") }
        if try await isInUse(bankID, on: db) { throw SynligError(.conflict, "bank.in_use") }
        return bank
    }

    static func edit(_ bankID: UUID, edits: [String: QuestionEdit], version: Int?, by user: CurrentUser, on db: any Database) async throws -> QuestionBank {
        try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            let bank = try await editable(bankID, user: user, on: tx)
            guard version == bank.version else { throw SynligError.staleEdit }
            var content = try bank.content
            var problems: [SynligError.FieldProblem] = []
            var kept: [Question] = []
            for var question in content.questions {
                let edit = edits[question.key] ?? QuestionEdit(include: true, sv: nil, en: nil)
                guard edit.include else { continue }
                if let sv = edit.sv {
                    let (text, problem) = TextInput.check(sv, required: true, maxLength: maxQuestionLength, multiline: true)
                    if let problem { problems.append(.init(field: "sv-\(question.key)", messageKey: problem.rawValue)) }
                    if text != question.text.sv { question.text.sv = text; question.isCustom = true }
                }
                if let en = edit.en {
                    let (text, problem) = TextInput.check(en, required: false, maxLength: maxQuestionLength, multiline: true)
                    if let problem { problems.append(.init(field: "en-\(question.key)", messageKey: problem.rawValue)) }
                    question.text.en = text.isEmpty ? question.text.sv : text
                }
                kept.append(question)
            }
            if kept.isEmpty { problems.append(.init(field: "questions", messageKey: "bank.no_questions")) }
            guard problems.isEmpty else { throw SynligError.invalid(problems) }
            content.questions = kept
            bank.contentJSON = try QuestionBank.encode(content)
            bank.version += 1
            try await bank.update(on: tx)
            audit.record("question_bank.edit", "question_bank", id: bankID, organisation: user.organisationID)
            return bank
        }
    }

    static func addQuestion(_ bankID: UUID, _ input: NewQuestionInput, by user: CurrentUser, on db: any Database) async throws -> QuestionBank {
        try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            let bank = try await editable(bankID, user: user, on: tx)
            var content = try bank.content
            var problems: [SynligError.FieldProblem] = []
            let (sv, svProblem) = TextInput.check(input.sv, required: true, maxLength: maxQuestionLength, multiline: true)
            if let svProblem { problems.append(.init(field: "newSv", messageKey: svProblem.rawValue)) }
            let (en, enProblem) = TextInput.check(input.en, required: false, maxLength: maxQuestionLength, multiline: true)
            if let enProblem { problems.append(.init(field: "newEn", messageKey: enProblem.rawValue)) }
            let format = input.format.flatMap(AnswerFormat.init(rawValue:))
            if format == nil { problems.append(.init(field: "newFormat", messageKey: "bank.format_invalid")) }
            guard let area = input.area, content.areas.contains(where: { $0.key == area }) else {
                throw SynligError.invalid(problems + [.init(field: "newArea", messageKey: "bank.area_invalid")])
            }
            guard problems.isEmpty, let format else { throw SynligError.invalid(problems) }
            let customCount = content.questions.filter { $0.key.hasPrefix("c") }.count
            var number = customCount + 1
            while content.questions.contains(where: { $0.key == "c\(number)" }) { number += 1 }
            var question = Question(key: "c\(number)", number: "E\(number)", area: area, format: format,
                                    text: LocalizedText(sv: sv, en: en.isEmpty ? sv : en), isCustom: true)
            if format == .yesNo {
                question.followUps = [
                    FollowUpPrompt(key: "c\(number).yes", condition: .ifYes, text: LocalizedText(sv: "Om ja, hur?", en: "If yes, how?")),
                    FollowUpPrompt(key: "c\(number).no", condition: .ifNo, text: LocalizedText(sv: "Om nej, vad krävs?", en: "If no, what is needed?")),
                ]
            }
            // New questions go last in their area, so the official order stays recognisable.
            let lastIndexInArea = content.questions.lastIndex { $0.area == area } ?? (content.questions.count - 1)
            content.questions.insert(question, at: lastIndexInArea + 1)
            bank.contentJSON = try QuestionBank.encode(content)
            bank.version += 1
            try await bank.update(on: tx)
            audit.record("question_bank.add_question", "question_bank", id: bankID, organisation: user.organisationID)
            return bank
        }
    }
}
