import Testing
@testable import SynligCore

private enum SmallBank {
    static let source = QuestionSource(
        publisher: "Socialstyrelsen",
        title: "Test",
        part: "Bilaga 1",
        translationNote: LocalizedText(sv: "Inofficiell översättning", en: "Unofficial translation")
    )

    static let areas = [
        QuestionArea(key: "leadership", title: LocalizedText(sv: "Ledning och styrning", en: "Leadership")),
        QuestionArea(key: "knowledge", title: LocalizedText(sv: "Kunskap och kompetens", en: "Knowledge")),
    ]

    static func text(_ sv: String) -> LocalizedText { LocalizedText(sv: sv, en: "EN " + sv) }

    static func question(_ key: String, area: String = "leadership", sv: String? = nil,
                         followUps: [FollowUpPrompt] = [], routines: [RoutineItem] = []) -> Question {
        Question(key: key, number: String(key.dropFirst()), area: area, format: .yesNo,
                 text: text(sv ?? "Fråga \(key)?"), followUps: followUps, routines: routines)
    }

    static func followUp(_ key: String, _ condition: FollowUpCondition = .ifYes) -> FollowUpPrompt {
        FollowUpPrompt(key: key, condition: condition, text: text("Följdfråga \(key)"))
    }

    static func routine(_ key: String) -> RoutineItem { RoutineItem(key: key, text: text("Rutin \(key)")) }

    static func bank(_ questions: [Question]) -> QuestionBankContent {
        QuestionBankContent(source: source, areas: areas, questions: questions)
    }

    static let valid = bank([
        question("q1", followUps: [followUp("q1.yes"), followUp("q1.no", .ifNo)]),
        question("q2", routines: [routine("q2.r1"), routine("q2.r2")]),
        question("q3", area: "knowledge", followUps: [followUp("q3.always", .always)]),
    ])
}

@Suite("QuestionBankContent.validate")
struct QuestionBankValidationTests {
    @Test func validSmallBankHasNoProblems() {
        #expect(SmallBank.valid.validate() == [])
    }

    @Test func emptyBankHasNoProblems() {
        #expect(SmallBank.bank([]).validate() == [])
    }

    @Test func duplicateQuestionKeys() {
        let bank = SmallBank.bank([SmallBank.question("q1"), SmallBank.question("q1", area: "knowledge")])
        #expect(bank.validate() == [.duplicateKey("q1")])
    }

    @Test func eachRepeatIsReported() {
        let bank = SmallBank.bank([SmallBank.question("q1"), SmallBank.question("q1"), SmallBank.question("q1")])
        #expect(bank.validate() == [.duplicateKey("q1"), .duplicateKey("q1")])
    }

    @Test func followUpClashingWithAQuestionKey() {
        let bank = SmallBank.bank([
            SmallBank.question("q1"),
            SmallBank.question("q2", followUps: [SmallBank.followUp("q1")]),
        ])
        #expect(bank.validate() == [.duplicateKey("q1")])
    }

    @Test func routineClashingWithAFollowUpKey() {
        let bank = SmallBank.bank([
            SmallBank.question("q1", followUps: [SmallBank.followUp("shared")]),
            SmallBank.question("q2", routines: [SmallBank.routine("shared")]),
        ])
        #expect(bank.validate() == [.duplicateKey("shared")])
    }

    @Test func duplicateWithinOneQuestion() {
        let bank = SmallBank.bank([
            SmallBank.question("q2", followUps: [SmallBank.followUp("x")], routines: [SmallBank.routine("x")]),
        ])
        #expect(bank.validate() == [.duplicateKey("x")])
    }

    @Test func followUpReusingItsOwnQuestionKey() {
        let bank = SmallBank.bank([SmallBank.question("q1", followUps: [SmallBank.followUp("q1")])])
        #expect(bank.validate() == [.duplicateKey("q1")])
    }

    @Test func duplicateRoutineKeys() {
        let bank = SmallBank.bank([
            SmallBank.question("q2", routines: [SmallBank.routine("r"), SmallBank.routine("r")]),
        ])
        #expect(bank.validate() == [.duplicateKey("r")])
    }

    @Test func unknownArea() {
        let bank = SmallBank.bank([SmallBank.question("q1"), SmallBank.question("q2", area: "collaboration")])
        #expect(bank.validate() == [.unknownArea(question: "q2", area: "collaboration")])
    }

    @Test func areaKeysAreCaseSensitive() {
        let bank = SmallBank.bank([SmallBank.question("q1", area: "Leadership")])
        #expect(bank.validate() == [.unknownArea(question: "q1", area: "Leadership")])
    }

    @Test(arguments: ["", " ", "\n\t ", "\u{00A0}"])
    func emptySwedishText(sv: String) {
        let bank = SmallBank.bank([SmallBank.question("q1"), SmallBank.question("q2", sv: sv)])
        #expect(bank.validate() == [.emptyText("q2")])
    }

    @Test func emptyEnglishTextIsAllowed() {
        // The Swedish wording is the official one; the English translation may still be missing.
        var question = SmallBank.question("q1")
        question.text = LocalizedText(sv: "Finns en plan?", en: "")
        #expect(SmallBank.bank([question]).validate() == [])
    }

    @Test func severalProblemsAreAllReportedInOrder() {
        let bank = SmallBank.bank([
            SmallBank.question("q1"),
            SmallBank.question("q1", area: "nowhere", sv: "  "),
            SmallBank.question("q3", area: "knowledge", routines: [SmallBank.routine("q1")]),
        ])
        #expect(bank.validate() == [
            .duplicateKey("q1"),
            .unknownArea(question: "q1", area: "nowhere"),
            .emptyText("q1"),
            .duplicateKey("q1"),
        ])
    }

    @Test func lookupsOnTheSmallBank() {
        let bank = SmallBank.valid
        #expect(bank.questions(in: "leadership").map(\.key) == ["q1", "q2"])
        #expect(bank.questions(in: "knowledge").map(\.key) == ["q3"])
        #expect(bank.questions(in: "collaboration").isEmpty)
        #expect(bank.question("q3")?.area == "knowledge")
        #expect(bank.question("q9") == nil)
        #expect(bank.routines.map(\.routine.key) == ["q2.r1", "q2.r2"])
        #expect(bank.routines.allSatisfy { $0.question.key == "q2" })
    }
}

@Suite("YesNoChoice.isGap")
struct YesNoChoiceGapTests {
    @Test func onlyYesIsNotAGap() {
        #expect(YesNoChoice.yes.isGap == false)
        #expect(YesNoChoice.partly.isGap)
        #expect(YesNoChoice.no.isGap)
        #expect(YesNoChoice.unknown.isGap)
    }

    @Test func everyOtherChoiceIsAGap() {
        #expect(YesNoChoice.allCases.filter { !$0.isGap } == [.yes])
    }
}

@Suite("LocalizedText")
struct LocalizedTextTests {
    @Test func englishOnlyForEnAndSwedishOtherwise() {
        let text = LocalizedText(sv: "Ja", en: "Yes")
        #expect(text.text("en") == "Yes")
        #expect(text.text("sv") == "Ja")
        #expect(text.text("de") == "Ja")
        #expect(text.text("") == "Ja")
    }
}

@Suite("SourceText.normalise")
struct SourceTextNormaliseTests {
    @Test(arguments: [
        ("Finns  det   en plan?", "Finns det en plan?"),
        ("Finns det\nen plan?", "Finns det en plan?"),
        ("Finns det\r\nen\n\nplan?", "Finns det en plan?"),
        ("Finns\tdet\t\ten plan?", "Finns det en plan?"),
        ("  \n Finns det en plan? \t\n", "Finns det en plan?"),
        ("Finns \n\t \r\n det", "Finns det"),
        ("Finns\u{00A0}det", "Finns det"),
        ("Redan normal", "Redan normal"),
        ("Åtgärder för äldre – öppna frågor", "Åtgärder för äldre – öppna frågor"),
        ("", ""),
        (" \n\t ", ""),
    ])
    func collapsesAndTrims(input: String, expected: String) {
        #expect(SourceText.normalise(input) == expected)
    }

    @Test func wordsAndPunctuationAreUnchanged() {
        #expect(SourceText.normalise("vård- och omsorgs-\npersonal, t.ex.") == "vård- och omsorgs- personal, t.ex.")
    }

    @Test func isIdempotent() {
        let once = SourceText.normalise("  a \n\n b\t\tc  ")
        #expect(once == "a b c")
        #expect(SourceText.normalise(once) == once)
    }
}

@Suite("QuestionBankContent.validate: every text")
struct QuestionBankEmptyTextTests {
    @Test("An empty follow-up or routine text, or an empty key, is reported")
    func emptyFollowUpAndRoutine() {
        let source = QuestionSource(publisher: "P", title: "T", part: "B", translationNote: LocalizedText(sv: "", en: ""))
        let question = Question(key: "q1", number: "1", area: "a", format: .yesNo, text: LocalizedText(sv: "Fråga?", en: "Question?"),
                                followUps: [FollowUpPrompt(key: "q1.yes", condition: .ifYes, text: LocalizedText(sv: " ", en: "x"))],
                                routines: [RoutineItem(key: "", text: LocalizedText(sv: "", en: ""))])
        let bank = QuestionBankContent(source: source, areas: [QuestionArea(key: "a", title: LocalizedText(sv: "A", en: "A"))], questions: [question])
        let problems = bank.validate()
        #expect(problems.contains(.emptyText("q1.yes")))
        #expect(problems.contains(.emptyText("")))
    }

    @Test("Routine keys are recognised by their shape")
    func routineKeys() {
        #expect(QuestionBankContent.isRoutineKey("q2.r3"))
        #expect(QuestionBankContent.isRoutineKey("q15.r12"))
        #expect(!QuestionBankContent.isRoutineKey("q2"))
        #expect(!QuestionBankContent.isRoutineKey("q1.yes"))
        #expect(!QuestionBankContent.isRoutineKey("q2.r"))
        #expect(!QuestionBankContent.isRoutineKey("q2.rx"))
    }
}
