import SynligCore

/// A way of breaking down the caregivers reached: which column it reads, which categories it
/// has (in reading order, "not stated" last) and how each is named. Categories come from the
/// record's own vocabularies, so a value added there shows here without a change.
enum StatisticsDimension: String, CaseIterable, Sendable, Codable {
    case gender, ageBand, foreignBackground, occupation, minorityLanguage, interpreterNeed, relation, hoursBand, careNeedArea
    /// Minor children at home with the caregiver or the person cared for (seed 003: children's need
    /// of information, advice and support).
    case childrenInHousehold

    /// What a row counts: a caregiver, or a care relationship (a caregiver may care for several).
    enum Unit: String, Sendable, Codable { case caregivers, relationships }

    var unit: Unit {
        switch self {
        case .relation, .hoursBand, .careNeedArea: .relationships
        default: .caregivers
        }
    }

    /// The stored column the counts are grouped by (`birth_year` is folded into bands after).
    var column: String {
        switch self {
        case .gender: "gender"
        case .ageBand: "birth_year"
        case .foreignBackground: "foreign_background"
        case .occupation: "occupation"
        case .minorityLanguage: "minority_language"
        case .interpreterNeed: "interpreter_need"
        case .relation: "relation"
        case .hoursBand: "hours_band"
        case .careNeedArea: "care_need_area"
        case .childrenInHousehold: "children_in_household"
        }
    }

    /// The table the column is in: the caregiver's, the relationship's or the person cared for's.
    var table: String { Self.table(of: column) }

    static func table(of column: String) -> String {
        switch column {
        case "relation", "hours_band": "care_relationships"
        case "care_need_area": "care_recipients"
        default: "caregivers"
        }
    }

    /// Every category, "not stated" last, so a table always shows the same rows.
    var categories: [String] {
        let all: [String] = switch self {
        case .gender: Gender.allCases.map(\.rawValue)
        case .ageBand: AgeBand.allCases.map(\.rawValue)
        case .foreignBackground: ForeignBackground.allCases.map(\.rawValue)
        case .occupation: Occupation.allCases.map(\.rawValue)
        case .minorityLanguage: MinorityLanguage.allCases.map(\.rawValue)
        case .interpreterNeed: InterpreterNeed.allCases.map(\.rawValue)
        case .relation: RelationKind.allCases.map(\.rawValue)
        case .hoursBand: HoursBand.allCases.map(\.rawValue)
        case .careNeedArea: CareNeedArea.allCases.map(\.rawValue)
        case .childrenInHousehold: ChildrenInHousehold.allCases.map(\.rawValue)
        }
        return all.filter { $0 != Self.notStated } + [Self.notStated]
    }

    /// The raw value every vocabulary uses for "the person did not say", and the band for no birth year.
    static let notStated = "notStated"

    /// The localisation key of a category's name.
    func labelKey(_ category: String) -> String {
        if category == Self.notStated { return "statistics.not_stated" }
        switch self {
        case .gender: return "caregiver.gender.\(category)"
        case .ageBand: return "statistics.age.\(category)"
        case .foreignBackground: return "caregiver.foreign_background.\(category)"
        case .occupation: return "caregiver.occupation.\(category)"
        case .minorityLanguage: return "caregiver.minority_language.\(category)"
        case .interpreterNeed: return "caregiver.interpreter.\(category)"
        case .relation: return "caregiver.relation.\(category)"
        case .hoursBand: return "caregiver.hours.\(category)"
        case .careNeedArea: return "recipient.care_need_area.\(category)"
        case .childrenInHousehold: return "children.situation.\(category)"
        }
    }

    var titleKey: String { "statistics.dimension.\(rawValue)" }
}

/// Two breakdowns crossed: rows split each column, and each column's total is that column
/// category's count in the column breakdown, which the page publishes anyway. Both must count the
/// same thing, so a caregiver breakdown crossed with a relationship breakdown counts relationships
/// (by the caregiver's gender, say) with the relationship breakdown as columns.
struct CrossChoice: Sendable, Hashable {
    let rows: StatisticsDimension
    let columns: StatisticsDimension

    /// Relationships by the caregiver's gender and the hours a week given.
    static let genderByHours = CrossChoice(checked: .gender, .hoursBand)

    private init(checked rows: StatisticsDimension, _ columns: StatisticsDimension) {
        self.rows = rows
        self.columns = columns
    }

    /// Nil for a dimension crossed with itself. Turned round where needed, so the columns are the
    /// breakdown whose counts the table's totals are.
    init?(_ first: StatisticsDimension, _ second: StatisticsDimension) {
        guard first != second else { return nil }
        if first.unit == .relationships && second.unit == .caregivers {
            self.init(checked: second, first)
        } else {
            self.init(checked: first, second)
        }
    }

    /// What a cell counts: relationships as soon as either breakdown does.
    var counts: StatisticsDimension.Unit { rows.unit == .relationships || columns.unit == .relationships ? .relationships : .caregivers }
}
