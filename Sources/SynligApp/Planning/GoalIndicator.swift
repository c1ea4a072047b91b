import Fluent
import SynligCore
import Vapor

/// A goal followed by a measure from the register: the choice on the new-goal form, and the
/// measure's value year by year on the goal's page and in the API.
enum GoalIndicator {
    /// The form's choices: "no measure" first and chosen unless the user chose one.
    static func options(selected: String?, _ req: Request) -> [SelectOption] {
        [SelectOption(value: "", label: req.t("plan.indicator_none"), selected: (selected ?? "").isEmpty)]
            + PracticeIndicator.allCases.map { SelectOption(value: $0.rawValue, label: req.t($0.titleKey), selected: $0.rawValue == selected) }
    }

    /// The measure in each of the last three years, for the goal's unit or the whole organisation.
    struct YearValue: Sendable {
        var year: Int
        var value: PracticeValue
    }

    static func values(of goal: Goal, on db: any Database, today: CalendarDate = .today()) async throws -> (PracticeIndicator, [YearValue])? {
        guard let indicator = goal.indicator.flatMap(PracticeIndicator.init(rawValue:)) else { return nil }
        var values: [YearValue] = []
        for year in (today.year - 2)...today.year {
            let measures = try await PracticeMeasures.load(organisationID: goal.organisationID, year: year, indicators: [indicator], on: db)
            values.append(YearValue(year: year, value: measures.value(indicator, unit: goal.unitID)))
        }
        return (indicator, values)
    }

    /// The goal page's table: one row per year.
    struct View: Encodable {
        struct Row: Encodable {
            var year: String
            var value: String
        }
        var title: String
        var rows: [Row]
    }

    static func view(of goal: Goal, _ req: Request) async throws -> View? {
        guard let (indicator, values) = try await values(of: goal, on: req.db) else { return nil }
        return View(title: req.t(indicator.titleKey), rows: values.map {
            View.Row(year: String($0.year), value: MappingResultsView.practiceText($0.value, indicator, req))
        })
    }
}
