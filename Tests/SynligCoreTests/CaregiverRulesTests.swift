import Foundation
import Testing
@testable import SynligCore

private func day(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> CalendarDate {
    try #require(CalendarDate(text), "could not parse \(text)", sourceLocation: sourceLocation)
}

// MARK: - Builders

private let everyCategory = Set(ConsentCategory.allCases)

private func consent(_ categories: Set<ConsentCategory>, on date: String, endsOn: String? = nil, sequence: Int = 0) throws
    -> ConsentEntry {
    ConsentEntry(kind: .consent, categories: categories, date: try day(date), endsOn: try endsOn.map { try day($0) },
                 sequence: sequence)
}

private func withdrawal(on date: String, sequence: Int = 0) throws -> ConsentEntry {
    ConsentEntry(kind: .withdrawal, categories: [], date: try day(date), sequence: sequence)
}

private func harmAssessment(_ decision: HarmDecision, _ categories: Set<ConsentCategory>, on date: String,
                            sequence: Int = 0) throws -> ConsentEntry {
    ConsentEntry(kind: .harmAssessment, categories: categories, date: try day(date), harmDecision: decision,
                 sequence: sequence)
}

private func consentState(_ entries: [ConsentEntry], today: String) throws -> ConsentState {
    ConsentState.evaluate(entries, today: try day(today))
}

private func noPartlyYes() -> [ScreeningInstrument.Option] {
    [
        .init(value: "no", label: .init(sv: "Nej", en: "No"), points: 0),
        .init(value: "partly", label: .init(sv: "Delvis", en: "Partly"), points: 1),
        .init(value: "yes", label: .init(sv: "Ja", en: "Yes"), points: 2),
    ]
}

/// Three questions answered no/partly/yes (0–2 points): low from 0, raised from 3, high from 5.
private func smallInstrument() -> ScreeningInstrument {
    ScreeningInstrument(
        id: "test", version: 1, name: .init(sv: "Test", en: "Test"), source: .init(sv: "Test", en: "Test"),
        licence: .init(sv: "Test", en: "Test"), validated: false,
        items: ["hours", "alone", "health"].map { .init(id: $0, text: .init(sv: $0, en: $0), options: noPartlyYes()) },
        thresholds: [.init(minScore: 0, level: .low), .init(minScore: 3, level: .raised), .init(minScore: 5, level: .high)])
}

private func screening(_ score: Int, _ level: ScreeningLevel) -> ScreeningScore {
    ScreeningScore(score: score, level: level)
}

// MARK: - Consent

@Suite("Consent: what may be shared with a caregiver today")
struct ConsentStateTests {
    @Test("With no consent recorded nothing may be shared")
    func noEntries() throws {
        let state = try consentState([], today: "2026-03-01")
        #expect(state == .nothing)
        #expect(state.basis == .none)
        for category in ConsentCategory.allCases { #expect(!state.allows(category)) }
    }

    @Test("A partial consent allows only the categories the person agreed to")
    func partialConsent() throws {
        let state = try consentState([consent([.careAndServices], on: "2026-01-10")], today: "2026-03-01")
        #expect(state.basis == .consent)
        #expect(state.allows(.careAndServices))
        #expect(!state.allows(.healthCondition))
        #expect(!state.allows(.planningAndMeetings))
        #expect(!state.isFull)
    }

    @Test("A full consent covers every category")
    func fullConsent() throws {
        let state = try consentState([consent(everyCategory, on: "2026-01-10")], today: "2026-01-10")
        #expect(state.basis == .consent)
        #expect(state.isFull)
    }

    @Test("A withdrawal ends the consent from its date, not before")
    func withdrawalTakesEffect() throws {
        let history = [try consent(everyCategory, on: "2026-01-10"), try withdrawal(on: "2026-03-01")]
        #expect(try consentState(history, today: "2026-02-28") == ConsentState(basis: .consent, categories: everyCategory))
        #expect(try consentState(history, today: "2026-03-01") == ConsentState(basis: .withdrawn, categories: []))
        #expect(try consentState(history, today: "2026-06-01").categories.isEmpty)
    }

    @Test("A consent dated in the future is not yet in force; once its day comes it restores sharing")
    func newConsentAfterWithdrawal() throws {
        let history = [
            try consent(everyCategory, on: "2026-01-10"),
            try withdrawal(on: "2026-03-01"),
            try consent([.planningAndMeetings], on: "2026-05-01"),
        ]
        #expect(try consentState(history, today: "2026-04-30").basis == .withdrawn)
        let restored = try consentState(history, today: "2026-05-01")
        #expect(restored == ConsentState(basis: .consent, categories: [.planningAndMeetings]))
    }

    @Test("The history is read by date, whatever order the entries come in")
    func historyOrderDoesNotMatter() throws {
        let history = [
            try consent([.planningAndMeetings], on: "2026-05-01"),
            try withdrawal(on: "2026-03-01"),
            try consent(everyCategory, on: "2026-01-10"),
        ]
        #expect(try consentState(history, today: "2026-04-01").basis == .withdrawn)
        #expect(try consentState(history, today: "2026-05-02").categories == [.planningAndMeetings])
    }

    @Test("A consent with an end date that has passed has expired")
    func endDateInThePast() throws {
        let history = [try consent(everyCategory, on: "2026-01-10", endsOn: "2026-06-30")]
        // The end date is the last day the consent is in force.
        #expect(try consentState(history, today: "2026-06-30").basis == .consent)
        #expect(try consentState(history, today: "2026-07-01") == ConsentState(basis: .expired, categories: []))
    }

    @Test("A harm assessment that finds no harm allows the categories assessed")
    func harmAssessmentMayDisclose() throws {
        let state = try consentState([harmAssessment(.mayDisclose, [.healthCondition, .careAndServices], on: "2026-02-01")],
                                     today: "2026-02-01")
        #expect(state.basis == .harmAssessment)
        #expect(state.allows(.healthCondition))
        #expect(state.allows(.careAndServices))
        #expect(!state.allows(.planningAndMeetings))
    }

    @Test("A harm assessment that finds harm allows nothing, even categories it names or an earlier consent gave")
    func harmAssessmentMayNotDisclose() throws {
        let history = [
            try consent(everyCategory, on: "2026-01-10"),
            try harmAssessment(.mayNotDisclose, everyCategory, on: "2026-02-01"),
        ]
        #expect(try consentState(history, today: "2026-02-01") == ConsentState(basis: .harmFound, categories: []))
    }

    @Test("Entries on the same day take effect in the order they were recorded")
    func sameDateOrderedBySequence() throws {
        let withdrawnThenConsented = [
            try consent([.careAndServices], on: "2026-03-01", sequence: 2),
            try withdrawal(on: "2026-03-01", sequence: 1),
        ]
        #expect(try consentState(withdrawnThenConsented, today: "2026-03-01")
            == ConsentState(basis: .consent, categories: [.careAndServices]))

        let consentedThenWithdrawn = [
            try withdrawal(on: "2026-03-01", sequence: 2),
            try consent([.careAndServices], on: "2026-03-01", sequence: 1),
        ]
        #expect(try consentState(consentedThenWithdrawn, today: "2026-03-01").basis == .withdrawn)
    }
}

@Suite("Involvement: what staff may do with a caregiver")
struct InvolvementPermissionTests {
    private let fullConsent = ConsentState(basis: .consent, categories: Set(ConsentCategory.allCases))

    @Test("A restriction blocks invitations, information and exports even with full consent")
    func restrictionBlocksEverything() {
        let permission = InvolvementPermission(consent: fullConsent, restricted: true)
        #expect(!permission.mayInvite)
        #expect(!permission.mayInformAboutCare)
        #expect(!permission.mayExportContact)
    }

    @Test("With full consent and no restriction staff may invite, inform and export")
    func fullConsentUnrestricted() {
        let permission = InvolvementPermission(consent: fullConsent, restricted: false)
        #expect(permission.mayInvite)
        #expect(permission.mayInformAboutCare)
        #expect(permission.mayExportContact)
    }

    @Test("Inviting to SIP and care planning needs consent to planning and meetings")
    func inviteNeedsPlanningAndMeetings() {
        let careOnly = InvolvementPermission(consent: ConsentState(basis: .consent, categories: [.careAndServices, .healthCondition]),
                                             restricted: false)
        #expect(!careOnly.mayInvite)
        let planning = InvolvementPermission(consent: ConsentState(basis: .consent, categories: [.planningAndMeetings]),
                                             restricted: false)
        #expect(planning.mayInvite)
    }

    @Test("Telling the caregiver about the person's care needs consent to care and services")
    func informNeedsCareAndServices() {
        let planningOnly = InvolvementPermission(consent: ConsentState(basis: .consent, categories: [.planningAndMeetings]),
                                                 restricted: false)
        #expect(!planningOnly.mayInformAboutCare)
        let care = InvolvementPermission(consent: ConsentState(basis: .consent, categories: [.careAndServices]),
                                         restricted: false)
        #expect(care.mayInformAboutCare)
    }

    @Test("Without consent nothing about the person is shared, but the caregiver's contact can still be exported")
    func noConsentUnrestricted() {
        let permission = InvolvementPermission(consent: .nothing, restricted: false)
        #expect(!permission.mayInvite)
        #expect(!permission.mayInformAboutCare)
        #expect(permission.mayExportContact)
    }
}

// MARK: - Screening

@Suite("Strain screening: scoring an instrument")
struct ScreeningInstrumentTests {
    @Test("Complete answers add up the points of the chosen options")
    func completeAnswersSum() {
        let result = smallInstrument().score(["hours": "yes", "alone": "partly", "health": "no"])
        #expect(result == .success(screening(3, .raised)))
    }

    @Test("A question left unanswered is reported, not scored as zero")
    func missingAnswer() {
        let result = smallInstrument().score(["hours": "yes", "health": "no"])
        #expect(result == .failure(.missingAnswer(item: "alone")))
    }

    @Test("An answer that is not one of the question's options is refused")
    func unknownOption() {
        let result = smallInstrument().score(["hours": "yes", "alone": "sometimes", "health": "no"])
        #expect(result == .failure(.unknownOption(item: "alone")))
    }

    @Test("An answer to a question the instrument does not have is refused")
    func unknownItem() {
        let result = smallInstrument().score(["hours": "no", "alone": "no", "health": "no", "sleep": "yes"])
        #expect(result == .failure(.unknownItem("sleep")))
    }

    @Test("The level is the highest threshold the score reaches",
          arguments: [(0, ScreeningLevel.low), (2, .low), (3, .raised), (4, .raised), (5, .high), (6, .high)])
    func levelsByThreshold(score: Int, level: ScreeningLevel) {
        #expect(smallInstrument().level(for: score) == level)
    }

    @Test("The highest possible score is the sum of each question's highest points")
    func maxScore() {
        #expect(smallInstrument().maxScore == 6)
    }

    @Test("A well-formed instrument has no problems")
    func validInstrument() {
        #expect(smallInstrument().validate().isEmpty)
    }

    @Test("Checking an instrument file finds duplicate question ids")
    func duplicateItemIds() {
        var instrument = smallInstrument()
        instrument.items[1].id = instrument.items[0].id
        #expect(instrument.validate().contains("duplicate item ids"))
    }

    @Test("Checking an instrument file finds duplicate or missing options")
    func duplicateOrMissingOptions() {
        var instrument = smallInstrument()
        instrument.items[0].options[1].value = "no"
        instrument.items[2].options = []
        let problems = instrument.validate()
        #expect(problems.contains("item hours has no or duplicate options"))
        #expect(problems.contains("item health has no or duplicate options"))
        #expect(!problems.contains("item alone has no or duplicate options"))
    }

    @Test("Checking an instrument file finds thresholds out of order or not starting at zero")
    func badThresholds() {
        var unsorted = smallInstrument()
        unsorted.thresholds.swapAt(1, 2)
        #expect(unsorted.validate() == ["thresholds must be sorted"])

        var notFromZero = smallInstrument()
        notFromZero.thresholds[0].minScore = 1
        #expect(notFromZero.validate() == ["the first threshold must start at 0"])
    }
}

@Suite("Strain screening: when a result asks for a follow-up")
struct StrainTrendTests {
    @Test("Reaching the highest level asks for a follow-up, even at the first screening")
    func highLevel() {
        #expect(StrainTrend.needsFollowUp(previous: [], latest: screening(10, .high)))
        #expect(StrainTrend.needsFollowUp(previous: [screening(10, .high)], latest: screening(9, .high)))
    }

    @Test("Moving up a level asks for a follow-up")
    func levelRising() {
        #expect(StrainTrend.needsFollowUp(previous: [screening(4, .low)], latest: screening(5, .raised)))
    }

    @Test("A score that has risen in each of the last two screenings asks for a follow-up within the same level")
    func twoConsecutiveRises() {
        #expect(StrainTrend.needsFollowUp(previous: [screening(0, .low), screening(1, .low), screening(2, .low)],
                                          latest: screening(3, .low)))
    }

    @Test("A single rise within a level, or a rise after a fall, is not a trend")
    func singleRiseIsNotATrend() {
        #expect(!StrainTrend.needsFollowUp(previous: [screening(1, .low)], latest: screening(2, .low)))
        #expect(!StrainTrend.needsFollowUp(previous: [screening(3, .low), screening(2, .low)], latest: screening(3, .low)))
    }

    @Test("A steady low result, or a first low one, asks for nothing")
    func steadyLow() {
        #expect(!StrainTrend.needsFollowUp(previous: [], latest: screening(2, .low)))
        #expect(!StrainTrend.needsFollowUp(previous: [screening(2, .low), screening(2, .low)], latest: screening(2, .low)))
    }

    @Test("Going down a level asks for nothing")
    func levelFalling() {
        #expect(!StrainTrend.needsFollowUp(previous: [screening(3, .low), screening(6, .raised)], latest: screening(4, .low)))
    }
}

// MARK: - Follow-up

@Suite("Follow-up schedule and due dates")
struct FollowUpScheduleTests {
    @Test("Voluntariness is asked again six months later, on the month's last day when the day does not exist")
    func voluntarinessSixMonthsLater() throws {
        #expect(FollowUpSchedule.standard.nextVoluntariness(after: try day("2026-08-31")) == (try day("2027-02-28")))
        #expect(FollowUpSchedule.standard.nextVoluntariness(after: try day("2026-03-15")) == (try day("2026-09-15")))
    }

    @Test("Strain is screened again a year later")
    func screeningAYearLater() throws {
        #expect(FollowUpSchedule.standard.nextScreening(after: try day("2026-08-31")) == (try day("2027-08-31")))
    }

    @Test("A municipality's own interval is used")
    func ownInterval() throws {
        let schedule = FollowUpSchedule(voluntarinessMonths: 3, screeningMonths: 6, discussWithinDays: 7)
        #expect(schedule.nextVoluntariness(after: try day("2026-11-30")) == (try day("2027-02-28")))
        #expect(schedule.discussionDue(from: try day("2026-11-30")) == (try day("2026-12-07")))
    }

    @Test("A discussion is due 14 days later, across the end of a month and a year")
    func discussionDue() throws {
        #expect(FollowUpSchedule.standard.discussionDue(from: try day("2026-01-20")) == (try day("2026-02-03")))
        #expect(FollowUpSchedule.standard.discussionDue(from: try day("2026-12-25")) == (try day("2027-01-08")))
    }

    @Test("On the worklist a date before today is overdue, within 14 days due soon, after that later")
    func dueState() throws {
        let today = try day("2026-12-25")
        #expect(DueState.of(try day("2026-12-24"), today: today) == .overdue)
        #expect(DueState.of(today, today: today) == .dueSoon)
        #expect(DueState.of(try day("2027-01-08"), today: today) == .dueSoon)
        #expect(DueState.of(try day("2027-01-09"), today: today) == .later)
        #expect(DueState.of(try day("2026-12-28"), today: today, soonDays: 2) == .later)
    }
}

@Suite("Coordination signal: when to consider SIP or a fixed care contact")
struct CoordinationSignalTests {
    @Test("Two care contacts are not a signal")
    func twoContacts() {
        #expect(!CoordinationSignal.raised(coordinatedContacts: 2, carriesCoordination: false, tasks: [.personalCare]))
    }

    @Test("Three care contacts are a signal")
    func threeContacts() {
        #expect(CoordinationSignal.raised(coordinatedContacts: 3, carriesCoordination: false, tasks: []))
    }

    @Test("A caregiver who carries the coordination is a signal, whatever the number of contacts")
    func carriesCoordination() {
        #expect(CoordinationSignal.raised(coordinatedContacts: 0, carriesCoordination: true, tasks: []))
    }

    @Test("Coordination among the caregiver's tasks is a signal")
    func coordinationTask() {
        #expect(CoordinationSignal.raised(coordinatedContacts: 1, carriesCoordination: false, tasks: [.practicalHelp, .coordination]))
    }
}

// MARK: - Day arithmetic

@Suite("CalendarDate day arithmetic")
struct CalendarDateDayArithmeticTests {
    @Test("Adding days steps over a leap day")
    func leapDay() throws {
        let start = try day("2028-02-28")
        #expect(start.addingDays(1) == (try day("2028-02-29")))
        #expect(start.addingDays(2) == (try day("2028-03-01")))
        #expect(try day("2026-02-28").addingDays(1) == (try day("2026-03-01")))
    }

    @Test("Negative days go back, across a month and a year")
    func negativeDays() throws {
        #expect(try day("2028-03-01").addingDays(-1) == (try day("2028-02-29")))
        #expect(try day("2027-01-01").addingDays(-1) == (try day("2026-12-31")))
        #expect(try day("2026-03-10").addingDays(-14) == (try day("2026-02-24")))
        #expect(try day("2026-03-10").addingDays(0) == (try day("2026-03-10")))
    }

    @Test("Days until another date count leap days and are negative for earlier dates")
    func daysUntil() throws {
        #expect(try day("2028-02-01").days(until: day("2028-03-01")) == 29)
        #expect(try day("2026-02-01").days(until: day("2026-03-01")) == 28)
        #expect(try day("2028-01-01").days(until: day("2029-01-01")) == 366)
        #expect(try day("2026-03-01").days(until: day("2026-02-01")) == -28)
        #expect(try day("2026-03-01").days(until: day("2026-03-01")) == 0)
    }

    @Test("Day by day over several years the arithmetic agrees with the Gregorian calendar")
    func agreesWithFoundation() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        let start = try day("1999-12-01")
        let startDate = try #require(calendar.date(from: DateComponents(year: 1999, month: 12, day: 1)))
        for offset in stride(from: -800, through: 3_000, by: 1) {
            let expected = calendar.dateComponents([.year, .month, .day],
                                                   from: try #require(calendar.date(byAdding: .day, value: offset, to: startDate)))
            let moved = start.addingDays(offset)
            guard moved == CalendarDate(year: expected.year!, month: expected.month!, day: expected.day!) else {
                Issue.record("\(start) + \(offset) days gave \(moved)")
                return
            }
            #expect(CalendarDate(moved.iso) != nil)
            #expect(start.days(until: moved) == offset)
        }
    }
}

// MARK: - Synlig's own risk-factor screen

private enum RiskFactorScreen {
    static let url = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent() // SynligCoreTests
        .deletingLastPathComponent() // Tests
        .deletingLastPathComponent() // package root
        .appendingPathComponent("Resources/Screening/synlig-risk-factors-v1.json")

    static func load() throws -> ScreeningInstrument {
        try JSONDecoder().decode(ScreeningInstrument.self, from: Data(contentsOf: url))
    }
}

@Suite("Synlig's risk-factor screen (Resources/Screening/synlig-risk-factors-v1.json)")
struct RiskFactorScreenFileTests {
    @Test("The file is a well-formed instrument, marked as not validated")
    func wellFormed() throws {
        let instrument = try RiskFactorScreen.load()
        #expect(instrument.validate() == [])
        #expect(instrument.id == "synlig-risk-factors")
        #expect(instrument.version == 1)
        #expect(instrument.validated == false)
        #expect(instrument.items.count == 8)
        #expect(instrument.maxScore == 16)
        #expect(instrument.thresholds.map(\.minScore) == [0, 5, 9])
    }

    @Test("Every question and answer reads in Swedish and English, and answers are stored as plain ASCII")
    func bilingual() throws {
        let instrument = try RiskFactorScreen.load()
        for text in [instrument.name, instrument.source, instrument.licence] {
            #expect(!text.sv.isEmpty && !text.en.isEmpty)
        }
        for item in instrument.items {
            #expect(!item.text.sv.isEmpty && !item.text.en.isEmpty, "\(item.id)")
            #expect(item.id.allSatisfy { $0.isASCII }, "\(item.id)")
            for option in item.options {
                #expect(!option.label.sv.isEmpty && !option.label.en.isEmpty, "\(item.id).\(option.value)")
                #expect(option.value.allSatisfy { $0.isASCII }, "\(item.id).\(option.value)")
            }
        }
    }

    @Test("A caregiver with every risk factor scores high; one with none scores low")
    func extremes() throws {
        let instrument = try RiskFactorScreen.load()
        var heaviest: [String: String] = [:]
        var lightest: [String: String] = [:]
        for item in instrument.items {
            heaviest[item.id] = try #require(item.options.max { $0.points < $1.points }).value
            lightest[item.id] = try #require(item.options.min { $0.points < $1.points }).value
        }
        #expect(instrument.score(heaviest) == .success(ScreeningScore(score: 16, level: .high)))
        #expect(instrument.score(lightest) == .success(ScreeningScore(score: 0, level: .low)))
    }

    @Test("Some risk factors in part give a raised level")
    func raised() throws {
        let instrument = try RiskFactorScreen.load()
        var answers = Dictionary(uniqueKeysWithValues: instrument.items.map { item in
            (item.id, item.options.min { $0.points < $1.points }!.value)
        })
        answers["care-hours"] = "aroundTheClock"
        answers["coordination"] = "yes"
        answers["voluntariness"] = "partly"
        #expect(instrument.score(answers) == .success(ScreeningScore(score: 5, level: .raised)))
    }
}
