import Foundation
import SynligCore

/// Who one synthetic caregiver is and whom they care for, drawn from the seeds' figures
/// (DESIGN.md, "Facts for demo data"): a third care for a parent, a fifth for a partner, a
/// fifth for a child; almost a third give more than ten hours a week, women more of the
/// heaviest care; 27 % have a foreign background; every optional classification is sometimes
/// "not stated", as on a real form. Values are the record's own vocabularies.
struct SyntheticPerson {
    struct Care {
        var relation: RelationKind
        var hours: HoursBand
        var livesTogether: Bool
        var tasks: [CareTask]
        var needArea: CareNeedArea
    }

    var gender: Gender
    var birthYear: Int?
    var foreignBackground: ForeignBackground
    var language: String
    var minorityLanguage: MinorityLanguage
    var interpreterNeed: InterpreterNeed
    var occupation: Occupation
    var channel: ContactChannel
    var cares: [Care]

    /// Gives more than ten hours a week to someone.
    var isHeavy: Bool { cares.contains { $0.hours.isMoreThanTen } }
}

/// A draw from weighted options; the weights need not add up to one.
struct Weighted<Value: Sendable>: Sendable {
    private let values: [Value]
    private let cumulative: [Double]

    init(_ options: [(Value, Double)]) {
        values = options.map(\.0)
        var sum = 0.0
        cumulative = options.map { sum += $0.1; return sum }
    }

    func draw(_ random: inout SeededGenerator) -> Value {
        let point = Double.random(in: 0..<cumulative[cumulative.count - 1], using: &random)
        return values[cumulative.firstIndex { point < $0 } ?? values.count - 1]
    }
}

enum SyntheticPeople {
    static let notStatedShare = 0.05

    /// Whom a caregiver cares for first; a second or third person is never another partner,
    /// so partners are drawn a little more often here to make a fifth of all relationships.
    static let relation = Weighted<RelationKind>([
        (.parent, 0.31), (.partner, 0.23), (.child, 0.19), (.sibling, 0.06), (.otherRelative, 0.06), (.friend, 0.06),
        (.neighbour, 0.02), (.guardian, 0.01), (.other, 0.02), (.notStated, notStatedShare),
    ])
    static let relationOfAnother = Weighted<RelationKind>([
        (.parent, 0.31), (.child, 0.19), (.sibling, 0.06), (.otherRelative, 0.06), (.friend, 0.06),
        (.neighbour, 0.02), (.guardian, 0.01), (.other, 0.02), (.notStated, notStatedShare),
    ])
    static let foreignBackground = Weighted<ForeignBackground>([(.yes, 0.27), (.no, 0.67), (.notStated, 0.06)])
    static let channel = Weighted<ContactChannel>([(.phone, 0.5), (.textMessage, 0.2), (.email, 0.15), (.letter, 0.1), (.visit, 0.05)])
    /// Languages other than Swedish among those with a foreign background: the largest groups born abroad.
    static let languageOfForeignBorn = Weighted<String>([
        ("sv", 0.55), ("ar", 0.1), ("fa", 0.05), ("so", 0.05), ("bs", 0.05), ("pl", 0.04), ("tr", 0.04), ("es", 0.03),
        ("uk", 0.03), ("ti", 0.03), ("en", 0.03),
    ])
    static let minorityLanguage = Weighted<MinorityLanguage>([
        (.none, 0.84), (.finnish, 0.05), (.meankieli, 0.005), (.sami, 0.005), (.romani, 0.003), (.yiddish, 0.001), (.notStated, 0.096),
    ])
    static let heavyBands = (woman: Weighted<HoursBand>([(.from10to19, 0.38), (.from20to34, 0.30), (.from35to49, 0.14), (.from50, 0.18)]),
                             other: Weighted<HoursBand>([(.from10to19, 0.50), (.from20to34, 0.30), (.from35to49, 0.10), (.from50, 0.10)]))
    static let lightBands = Weighted<HoursBand>([(.under5, 0.55), (.from5to9, 0.45)])

    static func person(today: CalendarDate, _ random: inout SeededGenerator) -> SyntheticPerson {
        let count = Weighted<Int>([(1, 0.85), (2, 0.13), (3, 0.02)]).draw(&random)
        let first = relation.draw(&random)
        let gender = gender(caringFor: first, &random)
        let age = age(caringFor: first, &random)
        let background = foreignBackground.draw(&random)
        let language = background == .yes ? languageOfForeignBorn.draw(&random)
            : (Double.random(in: 0..<1, using: &random) < 0.02 ? "fi" : "sv")
        var minority = minorityLanguage.draw(&random)
        if language == "fi", minority == .none { minority = .finnish }
        let interpreter: InterpreterNeed = language == "sv"
            ? Weighted<InterpreterNeed>([(.no, 0.6), (.notStated, 0.4)]).draw(&random)
            : Weighted<InterpreterNeed>([(.yes, 0.55), (.no, 0.25), (.notStated, 0.2)]).draw(&random)
        var cares = [care(first, gender: gender, age: age, &random)]
        for _ in 1..<count {
            cares.append(care(relationOfAnother.draw(&random), gender: gender, age: age, &random))
        }
        return SyntheticPerson(
            gender: gender, birthYear: Double.random(in: 0..<1, using: &random) < 0.04 ? nil : today.year - age,
            foreignBackground: background, language: language, minorityLanguage: minority, interpreterNeed: interpreter,
            occupation: occupation(age: age, &random), channel: channel.draw(&random), cares: cares)
    }

    /// Women and men help to about the same extent; women somewhat more often as daughters
    /// and mothers (seed 003, "Uppmärksamma skillnader").
    static func gender(caringFor relation: RelationKind, _ random: inout SeededGenerator) -> Gender {
        let women = relation == .parent ? 0.60 : relation == .child ? 0.62 : 0.55
        return Weighted<Gender>([(.woman, women), (.man, 0.955 - women), (.other, 0.005), (.notStated, 0.04)]).draw(&random)
    }

    /// Partners are mostly old, a parent's caregiver is middle-aged, a child's is a parent.
    static func age(caringFor relation: RelationKind, _ random: inout SeededGenerator) -> Int {
        let (centre, spread): (Double, Double) = switch relation {
        case .partner: (72, 9)
        case .parent: (54, 8)
        case .child: (42, 9)
        case .sibling: (62, 12)
        default: (55, 15)
        }
        // The sum of three uniforms is near enough a normal curve, and cheap.
        let normal = (0..<3).reduce(0.0) { sum, _ in sum + Double.random(in: -1...1, using: &random) }
        return min(98, max(18, Int((centre + normal * spread).rounded())))
    }

    static func occupation(age: Int, _ random: inout SeededGenerator) -> Occupation {
        let options: [(Occupation, Double)] = switch age {
        case ..<25: [(.studies, 0.45), (.works, 0.3), (.worksAndStudies, 0.15), (.neither, 0.05)]
        case ..<66: [(.works, 0.74), (.neither, 0.13), (.worksAndStudies, 0.05), (.studies, 0.03)]
        default: [(.neither, 0.85), (.works, 0.1)]
        }
        return Weighted(options + [(.notStated, 0.08)]).draw(&random)
    }

    /// Hours follow the relation (partners and parents of a child give most), and women give
    /// more of the heaviest care (seed 003; 000, "Bakgrund").
    static func care(_ relation: RelationKind, gender: Gender, age: Int, _ random: inout SeededGenerator) -> SyntheticPerson.Care {
        let heavyShare: Double = switch relation {
        case .partner: 0.52
        case .child: 0.42
        case .parent, .notStated: 0.23
        case .guardian: 0.05
        default: 0.15
        }
        let factor = gender == .woman ? 1.12 : gender == .man ? 0.85 : 1.0
        let hours: HoursBand
        if Double.random(in: 0..<1, using: &random) < notStatedShare {
            hours = .notStated
        } else if Double.random(in: 0..<1, using: &random) < heavyShare * factor {
            hours = (gender == .woman ? heavyBands.woman : heavyBands.other).draw(&random)
        } else {
            hours = lightBands.draw(&random)
        }
        let together: Double = switch relation {
        case .partner: 0.9
        case .child: age < 60 ? 0.7 : 0.2
        case .parent: 0.1
        default: 0.05
        }
        let heavy = hours.isMoreThanTen
        let taskShares: [(CareTask, Double)] = [
            (.personalCare, heavy ? 0.7 : 0.2), (.practicalHelp, 0.7), (.supervision, heavy ? 0.4 : 0.1),
            (.emotionalSupport, 0.8), (.coordination, 0.35), (.economicAdministrative, 0.3),
        ]
        let tasks = taskShares.filter { Double.random(in: 0..<1, using: &random) < $0.1 }.map(\.0)
        return SyntheticPerson.Care(relation: relation, hours: hours, livesTogether: Double.random(in: 0..<1, using: &random) < together,
                                    tasks: tasks, needArea: needArea(relation, &random))
    }

    static func needArea(_ relation: RelationKind, _ random: inout SeededGenerator) -> CareNeedArea {
        let options: [(CareNeedArea, Double)] = switch relation {
        case .partner: [(.dementia, 0.3), (.longTermIllness, 0.3), (.oldAge, 0.2), (.mentalIllness, 0.05), (.other, 0.05)]
        case .parent: [(.oldAge, 0.45), (.dementia, 0.3), (.longTermIllness, 0.12), (.other, 0.03)]
        case .child: [(.disability, 0.55), (.mentalIllness, 0.2), (.longTermIllness, 0.12), (.substanceUse, 0.03), (.other, 0.03)]
        default: [(.mentalIllness, 0.2), (.substanceUse, 0.1), (.longTermIllness, 0.2), (.disability, 0.15), (.oldAge, 0.15), (.other, 0.1)]
        }
        return Weighted(options + [(.notStated, 0.1)]).draw(&random)
    }
}
