import Fluent
import SynligCore
import Vapor

/// The results of a mapping as plain data: per area and question, the distribution of
/// answers overall and per unit, the change since the previous closed mapping, and a
/// server-drawn bar for each row. Shared by the results page, the report and the API.
struct MappingResultsView: Encodable {
    struct Segment: Encodable {
        var key: String
        var label: String
        var count: Int
        var percent: Int
        /// Offset and width of the segment in the 100-unit-wide SVG bar.
        var x: Int
        var width: Int
    }

    struct Row: Encodable {
        /// "Alla" or the unit's name.
        var label: String
        var sheets: Int
        var segments: [Segment]
        var summary: String
    }

    struct ItemResult: Encodable {
        var key: String
        var text: String
        var rows: [Row]
        var change: String?
        /// What the register shows of the same routine in the same year.
        var practice: [PracticeLine] = []
    }

    /// One measure from the register beside a routine: per organisation and unit in scope.
    struct PracticeLine: Encodable {
        var title: String
        var rows: [PracticeCell]
    }

    struct PracticeCell: Encodable {
        var label: String
        var value: String
    }

    struct QuestionResult: Encodable {
        var key: String
        var number: String
        var text: String
        var isYesNo: Bool
        var rows: [Row]
        var change: String?
        var routines: [ItemResult]
        var openAnswers: [String]
        /// Decisions in the period that speak to this question (consequence analyses, procurements).
        var evidence: String?
        /// What the register shows of the same thing in the same year (question 14).
        var practice: [PracticeLine] = []
        /// Whether the question or any of its routines has a measure from the register.
        var hasPractice: Bool { !practice.isEmpty || routines.contains { !$0.practice.isEmpty } }

        enum CodingKeys: String, CodingKey {
            case key, number, text, isYesNo, rows, change, routines, openAnswers, evidence, practice, hasPractice
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(key, forKey: .key)
            try container.encode(number, forKey: .number)
            try container.encode(text, forKey: .text)
            try container.encode(isYesNo, forKey: .isYesNo)
            try container.encode(rows, forKey: .rows)
            try container.encodeIfPresent(change, forKey: .change)
            try container.encode(routines, forKey: .routines)
            try container.encode(openAnswers, forKey: .openAnswers)
            try container.encodeIfPresent(evidence, forKey: .evidence)
            try container.encode(practice, forKey: .practice)
            try container.encode(hasPractice, forKey: .hasPractice)
        }
    }

    struct AreaResult: Encodable {
        var key: String
        var title: String
        var questions: [QuestionResult]
        var reflection: String
    }

    var areas: [AreaResult]
    var sheetCount: Int
    var previousTitle: String?
    var source: String
    var legend: [Segment]
    /// The year the register's measures are from, when there are any.
    var practiceHeading: String?

    static let questionOrder = YesNoChoice.allCases.map(\.rawValue)
    static let routineOrder = RoutineState.allCases.map(\.rawValue)

    static func build(mapping: Mapping, content: QuestionBankContent, results: MappingResultSet, previous: (Mapping, MappingResultSet)?,
                      unitNames: [UUID: String], scopeUnitIDs: [UUID], reflections: [String: String], openAnswers: [String: [String]],
                      evidence: DecisionService.PeriodEvidence? = nil, practice: PracticeMeasures? = nil,
                      request req: Request) -> MappingResultsView {
        let language = req.language.rawValue
        let units = scopeUnitIDs.map { ($0.uuidString, unitNames[$0] ?? "–") }.sorted { $0.1 < $1.1 }
        func rows(_ key: String, order: [String], labelPrefix: String) -> [Row] {
            let columns = [(MappingResultSet.overall, req.t("mapping.results_all"))] + (units.count > 1 ? units : [])
            return columns.map { unit, label in
                let distribution = results.distribution(key, unit: unit)
                let percents = distribution.percentages(order: order)
                var x = 0
                let segments = (order + [AnswerDistribution.unansweredKey]).map { choice -> Segment in
                    let count = choice == AnswerDistribution.unansweredKey ? distribution.unanswered : distribution.count(choice)
                    let percent = percents[choice] ?? 0
                    defer { x += percent }
                    return Segment(key: choice, label: req.t(choice == AnswerDistribution.unansweredKey ? "mapping.unanswered" : "\(labelPrefix).\(choice)"),
                                   count: count, percent: percent, x: x, width: percent)
                }
                let summary = segments.filter { $0.count > 0 }.map { "\($0.label) \($0.count) (\($0.percent) %)" }.joined(separator: ", ")
                return Row(label: label, sheets: distribution.sheets, segments: segments,
                           summary: summary.isEmpty ? req.t("mapping.no_answers") : summary)
            }
        }
        func change(_ key: String, good: String) -> String? {
            guard let (_, before) = previous else { return nil }
            guard let delta = MappingChange.between(previous: before.distribution(key), current: results.distribution(key), goodChoice: good) else { return nil }
            let points = delta.percentagePoints
            let key = good == RoutineState.exists.rawValue ? "mapping.change_routine" : "mapping.change"
            return req.t(key, (points > 0 ? "+" : "") + String(points), String(Int((delta.previousShare * 100).rounded())))
        }
        func practiceLines(_ key: String) -> [PracticeLine] {
            guard let practice else { return [] }
            let scope: [(UUID?, String)] = [(nil, req.t("statistics.whole_organisation"))] + units.compactMap { id, name in UUID(uuidString: id).map { ($0, name) } }
            return PracticeIndicator.measuring(key).map { indicator in
                PracticeLine(title: req.t(indicator.titleKey), rows: scope.map { unit, label in
                    PracticeCell(label: label, value: Self.practiceText(practice.value(indicator, unit: unit), indicator, req))
                })
            }
        }
        let areas = content.areas.map { area in
            AreaResult(key: area.key, title: area.title.text(language), questions: content.questions(in: area.key).map { question in
                QuestionResult(
                    key: question.key, number: question.number, text: question.text.text(language), isYesNo: question.format == .yesNo,
                    rows: question.format == .yesNo ? rows(question.key, order: questionOrder, labelPrefix: "mapping.choice") : [],
                    change: question.format == .yesNo ? change(question.key, good: YesNoChoice.yes.rawValue) : nil,
                    routines: question.routines.map { routine in
                        ItemResult(key: routine.key, text: routine.text.text(language),
                                   rows: rows(routine.key, order: routineOrder, labelPrefix: "mapping.routine"),
                                   change: change(routine.key, good: RoutineState.exists.rawValue),
                                   practice: practiceLines(routine.key))
                    },
                    openAnswers: openAnswers[question.key] ?? [],
                    evidence: evidence.flatMap { evidenceText(question.key, $0, req) },
                    practice: practiceLines(question.key))
            }, reflection: reflections[area.key] ?? "")
        }
        let legend = (questionOrder + [AnswerDistribution.unansweredKey]).map {
            Segment(key: $0, label: req.t($0 == AnswerDistribution.unansweredKey ? "mapping.unanswered" : "mapping.choice.\($0)"),
                    count: 0, percent: 0, x: 0, width: 0)
        }
        return MappingResultsView(areas: areas, sheetCount: results.sheets[MappingResultSet.overall] ?? 0,
                                  previousTitle: previous.map { "\($0.0.title) (\($0.0.periodStart) – \($0.0.periodEnd))" },
                                  source: MappingNames.sourceLine(content.source), legend: legend,
                                  practiceHeading: practice.map { req.t("practice.heading", String($0.year)) })
    }

    /// "12 of 29 family caregivers (41 %)"; withheld counts as the statistics show them.
    static func practiceText(_ value: PracticeValue, _ indicator: PracticeIndicator, _ req: Request) -> String {
        let policy = SuppressionPolicy.standard
        guard let done = value.done else { return req.t("practice.not_broken_down") }
        let share = value.share.map { " (" + String(format: "%.0f %%", $0 * 100) + ")" } ?? ""
        return req.t("practice.value_\(indicator.counts.rawValue)", done.text(under: policy), value.of.text(under: policy)) + share
    }

    /// Questions 1 and 4 ask about goals and follow-up with a caregiver perspective, question 5
    /// about procurement: the decisions recorded in Synlig during the period are counted there.
    static func evidenceText(_ key: String, _ evidence: DecisionService.PeriodEvidence, _ req: Request) -> String? {
        switch key {
        case "q1", "q4": req.tp("decision.evidence_analyses", evidence.finalAnalyses)
        case "q5": req.tp("decision.evidence_procurement", evidence.procurements, String(evidence.procurementsWithRequirements))
        default: nil
        }
    }

    /// The register's measures for the year the mapping's period ends in (this year at the latest).
    static func practice(for mapping: Mapping, on db: any Database) async throws -> PracticeMeasures? {
        guard let end = CalendarDate(mapping.periodEnd) else { return nil }
        return try await PracticeMeasures.load(organisationID: mapping.organisationID, year: min(end.year, CalendarDate.today().year), on: db)
    }

    /// Loads everything the view needs for one mapping.
    static func load(mapping: Mapping, request req: Request) async throws -> (MappingResultsView, QuestionBankContent) {
        let mappingID = try mapping.requireID()
        guard let bank = try await QuestionBank.find(mapping.bankID, on: req.db) else { throw SynligError.notFound }
        let content = try bank.content
        let results = try await MappingResultSet.load(mappingID: mappingID, on: req.db)
        var previous: (Mapping, MappingResultSet)?
        if let before = try await MappingResultSet.previous(of: mapping, on: req.db) {
            previous = (before, try await MappingResultSet.load(mappingID: try before.requireID(), on: req.db))
        }
        let unitNames = try await MappingNames.units(organisationID: mapping.organisationID, on: req.db)
        let scopeUnits = try await MappingUnit.query(on: req.db).filter(\.$mappingID == mappingID).all().map(\.unitID)
        let reflections = try await AreaReflection.query(on: req.db).filter(\.$mappingID == mappingID).all()
        let openKeys = content.questions.filter { $0.format == .open }.map(\.key)
        let submitted = try await MappingResponse.query(on: req.db).filter(\.$mappingID == mappingID).filter(\.$status == .submitted).all(\.$id)
        let open = try await MappingAnswer.query(on: req.db)
            .filter(\.$mappingID == mappingID).filter(\.$itemKey ~~ openKeys).filter(\.$responseID ~~ submitted)
            .sort(\.$updatedAt).all()
        var openAnswers: [String: [String]] = [:]
        for answer in open where !answer.text.isEmpty { openAnswers[answer.itemKey, default: []].append(answer.text) }
        let view = build(mapping: mapping, content: content, results: results, previous: previous, unitNames: unitNames,
                         scopeUnitIDs: scopeUnits, reflections: Dictionary(uniqueKeysWithValues: reflections.map { ($0.areaKey, $0.text) }),
                         openAnswers: openAnswers,
                         evidence: try await DecisionService.evidence(organisationID: mapping.organisationID, from: mapping.periodStart,
                                                                      to: mapping.periodEnd, on: req.db),
                         practice: try await practice(for: mapping, on: req.db),
                         request: req)
        return (view, content)
    }
}
