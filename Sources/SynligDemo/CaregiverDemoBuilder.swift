import Foundation
import SynligApp
import SynligCore

/// Draws the demo's households and their stories: who cares for whom and how much, what the
/// person consented to, how the caregiver answered about voluntariness and strain over time,
/// and what support came of it. Pure and deterministic; `CaregiverDemo` writes the result
/// through the services.
struct CaregiverDemoBuilder {
    typealias Cast = CaregiverDemoCast
    typealias Origin = CaregiverDemoNames.Origin

    let today: CalendarDate
    let units: [(name: String, kind: UnitKind)]
    let workers: [Cast.Worker]
    let instrument: ScreeningInstrument?
    var random: SeededGenerator
    /// Draws what was left unanswered, apart from `random`, so the households and their stories
    /// stay the same whatever share of answers is missing.
    var recording: SeededGenerator
    var cast = Cast()

    /// What the story needs to remember about each caregiver and link.
    struct Profile {
        var origin: Origin
        var surname: String
        var strain: Double
        var rising = false
        var forceOverdue = false
        var network = false
    }
    struct ConsentFacts {
        var fullSince: CalendarDate?
        var blocked = false
    }
    var profiles: [Profile] = []
    var consentFacts: [Int: ConsentFacts] = [:]
    var restricted: Set<Int> = []
    var usedNumbers: Set<String> = []

    init(today: CalendarDate, units: [(name: String, kind: UnitKind)], workers: [Cast.Worker], instrument: ScreeningInstrument?, seed: UInt64) {
        self.today = today
        self.units = units
        self.workers = workers
        self.instrument = instrument
        self.random = SeededGenerator(seed: seed)
        self.recording = SeededGenerator(seed: seed ^ 0x6E6F_7453_7461_7465)
    }

    // MARK: - Dice

    mutating func uniform() -> Double { Double.random(in: 0..<1, using: &random) }
    mutating func chance(_ p: Double) -> Bool { uniform() < p }
    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }
    mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }
    mutating func weighted<T>(_ items: [(T, Double)]) -> T {
        var roll = uniform() * items.reduce(0) { $0 + $1.1 }
        for (item, weight) in items {
            roll -= weight
            if roll < 0 { return item }
        }
        return items[items.count - 1].0
    }
    /// What the record says: now and then a question was not asked or not answered, so the
    /// demo's statistics show how complete the data is (5–15 % "not stated" per classification).
    mutating func recorded<Value: OptionalClassification>(_ value: Value, notStated share: Double) -> Value {
        Double.random(in: 0..<1, using: &recording) < share ? .notStated : value
    }

    /// A draw that does not disturb the households' own dice.
    mutating func recordingWeighted<T>(_ items: [(T, Double)]) -> T {
        var roll = Double.random(in: 0..<1, using: &recording) * items.reduce(0) { $0 + $1.1 }
        for (item, weight) in items {
            roll -= weight
            if roll < 0 { return item }
        }
        return items[items.count - 1].0
    }

    /// A day in the past, no later than today.
    func clamp(_ day: CalendarDate) -> CalendarDate { min(day, today) }

    // MARK: - The whole cast

    mutating func build() {
        for _ in 0..<250 { addHousehold() }
        addOtherParents(10)
        addSecondCaregivers(38)
        addNetwork(12)
        for index in cast.links.indices { addConsents(link: index) }
        addRestrictions()
        addInvitations(10)
        addInformationAndChildren()
        for index in cast.caregivers.indices {
            addVoluntariness(index)
            addScreenings(index)
            addPlanAndSupport(index)
        }
        addFeedbackMemosAndContactChanges()
        addHoursChanges(6)
    }

    private static let relations: [(RelationKind, Double)] = [
        (.parent, 0.25), (.partner, 0.25), (.child, 0.22), (.sibling, 0.06), (.otherRelative, 0.06), (.friend, 0.05),
        (.neighbour, 0.05), (.guardian, 0.03), (.other, 0.03),
    ]

    /// Partners and parents of a child give the most hours; adult children of an old parent fewer.
    mutating func hours(for relation: RelationKind, secondary: Bool) -> HoursBand {
        let bands: [(HoursBand, Double)]
        switch (relation, secondary) {
        case (.partner, false): bands = [(.under5, 0.15), (.from5to9, 0.25), (.from10to19, 0.2), (.from20to34, 0.15), (.from35to49, 0.1), (.from50, 0.15)]
        case (.child, false): bands = [(.under5, 0.2), (.from5to9, 0.25), (.from10to19, 0.2), (.from20to34, 0.15), (.from35to49, 0.08), (.from50, 0.12)]
        case (.parent, false): bands = [(.under5, 0.5), (.from5to9, 0.3), (.from10to19, 0.12), (.from20to34, 0.05), (.from35to49, 0.02), (.from50, 0.01)]
        default: bands = [(.under5, 0.7), (.from5to9, 0.22), (.from10to19, 0.06), (.from20to34, 0.02)]
        }
        return weighted(bands)
    }

    mutating func origin() -> (Origin, ForeignBackground) {
        // Slightly above the population's 27 %: caregiving is more common among people born abroad (seed 000).
        if chance(0.3) { return (weighted(CaregiverDemoNames.foreign), .yes) }
        return (CaregiverDemoNames.swedish, chance(0.06) ? .notStated : .no)
    }

    mutating func unitNames(for relation: RelationKind, elderly: Bool) -> [String] {
        let kinds: [(UnitKind, Double)]
        switch relation {
        case .child: kinds = [(.disability, 0.5), (.individualAndFamilyCare, 0.3), (.socialPsychiatry, 0.2)]
        case .sibling, .otherRelative: kinds = [(.disability, 0.3), (.socialPsychiatry, 0.4), (.homeCare, 0.3)]
        case .guardian: kinds = [(.disability, 0.5), (.elderlyCare, 0.5)]
        case .partner where !elderly: kinds = [(.socialPsychiatry, 0.6), (.palliativeCare, 0.2), (.homeCare, 0.2)]
        default: kinds = [(.homeCare, 0.5), (.elderlyCare, 0.4), (.palliativeCare, 0.1)]
        }
        let kind = weighted(kinds)
        let candidates = units.filter { $0.kind == kind }.map(\.name)
        var names = [candidates.isEmpty ? pick(units.map(\.name)) : pick(candidates)]
        // Home care and the needs assessment unit often share a person.
        if elderly, chance(0.25), let second = units.first(where: { $0.kind == .elderlyCare && !names.contains($0.name) })?.name {
            names.append(second)
        }
        return names
    }

    mutating func responsible(for unitNames: [String]) -> Role {
        for worker in workers where !Set(worker.units).isDisjoint(with: unitNames) {
            if chance(worker.role == .staff ? 0.35 : 0.4) { return worker.role }
        }
        return .consultant
    }

    mutating func phone() -> String { "070-174 06 " + String(format: "%02d", int(5...99)) }

    func ascii(_ text: String) -> String {
        text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "en"))
            .filter { $0.isASCII && ($0.isLetter || $0 == "-") }
    }

    /// A caregiver of this relation, this much care and this origin; returns their index.
    mutating func addCaregiver(relation: RelationKind?, hours: HoursBand, origin: Origin, background: ForeignBackground,
                                       surname: String, elderly: Bool, registeredOn: CalendarDate, responsible: Role) -> Int {
        let heaviest = hours == .from35to49 || hours == .from50
        let gender: Gender = weighted(heaviest ? [(.woman, 0.7), (.man, 0.28), (.notStated, 0.02)]
                                               : [(.woman, 0.55), (.man, 0.43), (.other, 0.01), (.notStated, 0.01)])
        let age: ClosedRange<Int>
        switch relation {
        case .parent: age = 40...68
        case .partner: age = elderly ? 68...92 : 35...65
        case .child: age = 28...55
        case .friend, .neighbour: age = 40...85
        case .guardian: age = 40...70
        default: age = 25...75
        }
        let birthYear = today.year - int(age)
        let first = gender == .man ? pick(origin.men) : pick(origin.women)
        var number: String?
        if chance(0.2) {
            let born = CalendarDate(year: birthYear, month: int(1...12), day: int(1...28))
            let candidate = DemoIdentityNumber.make(born: born, serial: 980 + (gender == .man ? 2 * int(0...4) + 1 : 2 * int(0...4)))
            if usedNumbers.insert(candidate).inserted { number = candidate }
        }
        let minority: MinorityLanguage
        var language = "sv"
        if origin.language == "fi" {
            minority = chance(0.85) ? .finnish : .none
        } else if background != .yes, chance(0.03) {
            minority = chance(0.6) ? .meankieli : .sami
        } else {
            minority = .none
        }
        if origin.language != "sv", chance(birthYear < today.year - 60 ? 0.6 : 0.3) { language = origin.language }
        if minority == .meankieli, chance(0.4) { language = "fit" }
        if minority == .sami, chance(0.3) { language = "se" }
        let interpreter = language != "sv" && chance(language == "fi" ? 0.3 : 0.55)
        let occupation: Occupation = birthYear < today.year - 66 ? weighted([(.neither, 0.9), (.works, 0.05), (.notStated, 0.05)])
            : weighted([(.works, 0.62), (.studies, 0.04), (.worksAndStudies, 0.03), (.neither, 0.18), (.notStated, 0.13)])
        let healthNote = chance(0.12) ? pick(["Egen hjärtsjukdom, orkar mindre än förut.", "Ryggbesvär som gör lyft svåra.",
                                              "Har själv en depression och går på samtal.", "Nedsatt syn, kör inte bil längre.",
                                              "Diabetes, behöver tid för egna vårdkontakter."]) : ""
        let channel: ContactChannel = weighted([(.phone, 0.55), (.textMessage, 0.2), (.email, 0.15), (.letter, 0.05), (.visit, 0.05)])
        let email = channel == .email || chance(0.25) ? "\(ascii(first)).\(ascii(surname))@exempel.se".lowercased() : ""
        let input = CaregiverInput(
            name: "\(first) \(surname)", personalIdentityNumber: number, phone: phone(), email: email,
            address: "\(pick(CaregiverDemoNames.streets)) \(int(1...60)), Exempelstad", preferredChannel: channel.rawValue, preferredLanguage: language,
            interpreterNeed: recorded(interpreter ? InterpreterNeed.yes : .no, notStated: 0.1).rawValue,
            gender: recorded(gender, notStated: 0.05).rawValue,
            birthYear: Double.random(in: 0..<1, using: &recording) < 0.07 ? nil : String(birthYear),
            foreignBackground: recorded(background, notStated: 0.05).rawValue,
            minorityLanguage: recorded(minority, notStated: 0.1).rawValue, occupation: occupation.rawValue, ownHealthNote: healthNote, unitId: nil,
            responsibleUserId: nil, version: nil)
        let weight: Double = switch hours {
        case .from50, .from35to49: 0.35
        case .from20to34: 0.25
        case .from10to19: 0.12
        default: 0
        }
        let strain = min(1, 0.12 + weight + (healthNote.isEmpty ? 0 : 0.12) + uniform() * 0.35)
        cast.caregivers.append(.init(input: input, registeredOn: registeredOn, responsible: responsible))
        profiles.append(Profile(origin: origin, surname: surname, strain: strain))
        return cast.caregivers.count - 1
    }

    mutating func addRecipient(relation: RelationKind, origin: Origin, surname: String, elderly: Bool) -> Int {
        let woman = chance(0.55)
        let first: String
        if relation == .child {
            first = pick(origin.children)
        } else if elderly {
            first = woman ? pick(origin.olderWomen) : pick(origin.olderMen)
        } else {
            first = woman ? pick(origin.women) : pick(origin.men)
        }
        let names = unitNames(for: relation, elderly: elderly)
        let kind = units.first { $0.name == names[0] }?.kind ?? .other
        let staff = pick(CaregiverDemoNames.staff)
        var careContact = "", doctor = "", careHome = ""
        switch kind {
        case .homeCare, .elderlyCare, .palliativeCare:
            if chance(0.6) { careContact = "Distriktssköterska \(staff)" }
            if chance(0.5) { doctor = "Dr \(pick(CaregiverDemoNames.staff)), Vårdcentralen Exempelstad" }
            if kind == .homeCare, chance(0.7) { careHome = "Kontaktperson \(pick(CaregiverDemoNames.staff)), hemtjänsten" }
        case .socialPsychiatry:
            if chance(0.6) { careContact = "Samordnare \(staff), psykiatrimottagningen" }
            if chance(0.3) { doctor = "Dr \(pick(CaregiverDemoNames.staff)), psykiatrimottagningen" }
        default:
            if chance(0.5) { careContact = "\(staff), habiliteringen" }
        }
        let reference = chance(0.8) ? "Akt \(today.year - int(0...6))-\(String(format: "%04d", int(1...2400)))" : ""
        let patientContract = chance(0.12)
        cast.recipients.append(.init(input: RecipientInput(name: "\(first) \(surname)", externalReference: reference, unitIds: [],
                                                           fixedCareContact: careContact, fixedDoctorContact: doctor,
                                                           fixedCareHomeContact: careHome, patientContract: patientContract,
                                                           careNeedArea: recorded(careNeedArea(relation: relation, unit: kind, elderly: elderly),
                                                                                  notStated: 0.1).rawValue,
                                                           version: nil),
                                     unitNames: names))
        return cast.recipients.count - 1
    }

    /// What the person's need mainly comes from, following whom they are to the caregiver and
    /// which unit gives the care.
    mutating func careNeedArea(relation: RelationKind, unit: UnitKind, elderly: Bool) -> CareNeedArea {
        if relation == .child { return recordingWeighted([(.disability, 0.7), (.mentalIllness, 0.15), (.longTermIllness, 0.15)]) }
        switch unit {
        case .socialPsychiatry: return recordingWeighted([(.mentalIllness, 0.8), (.substanceUse, 0.2)])
        case .disability: return .disability
        case .palliativeCare: return .longTermIllness
        default:
            return elderly ? recordingWeighted([(.dementia, 0.4), (.oldAge, 0.35), (.longTermIllness, 0.2), (.other, 0.05)])
                : recordingWeighted([(.longTermIllness, 0.5), (.disability, 0.2), (.mentalIllness, 0.1), (.other, 0.2)])
        }
    }

    mutating func addLink(caregiver: Int, recipient: Int, relation: RelationKind, hours: HoursBand, signal: Bool? = nil) {
        var tasks: Set<CareTask> = []
        if chance(0.8) { tasks.insert(.emotionalSupport) }
        if chance(0.75) { tasks.insert(.practicalHelp) }
        if chance(hours.isMoreThanTen ? 0.6 : 0.15) { tasks.insert(.personalCare) }
        if hours == .from20to34 || hours == .from35to49 || hours == .from50, chance(0.5) { tasks.insert(.supervision) }
        if chance(relation == .parent || relation == .guardian ? 0.6 : 0.2) { tasks.insert(.economicAdministrative) }
        if relation == .guardian { tasks = [.economicAdministrative] }
        let pool = ["Vårdcentralen Exempelstad", "Hemtjänsten", "Minnesmottagningen", "Apoteket, dosdispensering", "Färdtjänst",
                    "Habiliteringen", "Psykiatrimottagningen", "Biståndshandläggaren", "Hjälpmedelscentralen", "Medicinkliniken"]
        // About one in ten carries the coordination of several contacts: the seed's signal.
        let signalled = signal ?? chance(0.1)
        let contacts = Array(pool.shuffled(using: &random).prefix(signalled ? int(3...4) : (chance(0.2) ? int(1...2) : 0)))
        if signalled, chance(0.3) { tasks.insert(.coordination) }
        let registered = cast.caregivers[caregiver].registeredOn
        let lives = chance(relation == .partner ? 0.9 : relation == .child ? 0.7 : relation == .parent ? 0.1 : 0.05)
        // The story follows the true relation and hours; the record holds what was stated.
        let input = RelationshipInput(relation: recorded(relation, notStated: 0.06).rawValue, livesTogether: lives,
                                      since: registered.addingMonths(-int(6...96)).iso, hoursBand: recorded(hours, notStated: 0.08).rawValue, tasks: tasks.map(\.rawValue).sorted(),
                                      coordinatedContacts: contacts.joined(separator: "\n"), carriesCoordination: signalled && chance(0.2), version: nil)
        cast.links.append(.init(caregiver: caregiver, recipient: recipient, relation: relation, hours: hours, input: input))
        // Most older signals have been acted on: SIP offered, a fixed care contact named.
        if signalled || tasks.contains(.coordination), registered < today.addingDays(-60), chance(0.75) {
            step(caregiver, registered.addingDays(int(7...40)), .talkAndClose(.coordinationSignal, talk(about: "Erbjudit SIP; vårdcentralen utser en fast vårdkontakt.")))
        }
    }

    mutating func registrationDay() -> CalendarDate { today.addingDays(-int(5...900)) }

    mutating func addHousehold() {
        let relation = weighted(Self.relations)
        let (origin, background) = origin()
        let surname = pick(origin.surnames)
        let elderly = relation == .parent || relation == .guardian || relation == .friend || relation == .neighbour
            || (relation == .partner && chance(0.7))
        let hours = hours(for: relation, secondary: false)
        let recipientSurname = [.partner, .parent, .child, .sibling].contains(relation) || (relation == .otherRelative && chance(0.5))
            ? surname : pick(CaregiverDemoNames.swedish.surnames)
        let recipient = addRecipient(relation: relation, origin: origin, surname: recipientSurname, elderly: elderly)
        let role = responsible(for: cast.recipients[recipient].unitNames)
        // A few heavy carers have screened three times over two years, with a rising score.
        let rising = profiles.filter(\.rising).count < 4 && hours.isMoreThanTen && hours != .from10to19 && instrument != nil
        let registered = rising ? today.addingDays(-int(790...880)) : registrationDay()
        let caregiver = addCaregiver(relation: relation, hours: hours, origin: origin, background: background, surname: surname,
                                     elderly: elderly && relation == .partner, registeredOn: registered, responsible: role)
        profiles[caregiver].rising = rising
        profiles[caregiver].forceOverdue = cast.caregivers.filter { $0.responsible == role }.count <= 2
        addLink(caregiver: caregiver, recipient: recipient, relation: relation, hours: hours)
    }

    /// An adult child caring for both parents: the second parent, linked to the same caregiver.
    mutating func addOtherParents(_ count: Int) {
        let parentLinks = cast.links.indices.filter { cast.links[$0].relation == .parent }.prefix(count)
        for index in parentLinks {
            let link = cast.links[index]
            let profile = profiles[link.caregiver]
            let recipient = addRecipient(relation: .parent, origin: profile.origin, surname: profile.surname, elderly: true)
            cast.recipients[recipient].unitNames = cast.recipients[link.recipient].unitNames
            addLink(caregiver: link.caregiver, recipient: recipient, relation: .parent, hours: link.hours)
            profiles[link.caregiver].strain = min(1, profiles[link.caregiver].strain + 0.1)
        }
    }

    /// A sister, the other parent of a child, a friend: more than one caregiver around a person.
    mutating func addSecondCaregivers(_ count: Int) {
        let households = cast.links.indices.prefix(250)
        for index in Array(households.shuffled(using: &random).prefix(count)) {
            let primary = cast.links[index]
            let relation: RelationKind = switch primary.relation {
            case .parent, .partner: .parent
            case .child: .child
            default: pick([.friend, .neighbour, .otherRelative])
            }
            let family = relation != .friend && relation != .neighbour
            let profile = profiles[primary.caregiver]
            let (origin, background) = family ? (profile.origin, ForeignBackground(rawValue: cast.caregivers[primary.caregiver].input.foreignBackground ?? "") ?? .no)
                : self.origin()
            let role: Role = chance(0.5) ? cast.caregivers[primary.caregiver].responsible : .consultant
            let hours = hours(for: relation, secondary: true)
            let caregiver = addCaregiver(relation: relation, hours: hours, origin: origin, background: background,
                                         surname: family ? profile.surname : pick(origin.surnames), elderly: false,
                                         registeredOn: registrationDay(), responsible: role)
            addLink(caregiver: caregiver, recipient: primary.recipient, relation: relation, hours: hours, signal: false)
        }
    }

    /// Important people in the network who give no care (yet), or who called on their own.
    mutating func addNetwork(_ count: Int) {
        for _ in 0..<count {
            let (origin, background) = origin()
            let caregiver = addCaregiver(relation: nil, hours: .under5, origin: origin, background: background, surname: pick(origin.surnames),
                                         elderly: false, registeredOn: registrationDay(), responsible: .consultant)
            profiles[caregiver].network = true
            cast.caregivers[caregiver].unitName = chance(0.5) ? pick(units.map(\.name)) : nil
        }
    }
}
