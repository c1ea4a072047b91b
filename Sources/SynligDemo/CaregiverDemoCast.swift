import Foundation
import SynligApp
import SynligCore

/// The invented people of Exempelkommun's caregiver record and what happened to them, decided
/// up front with a seeded generator so the demo looks the same on every machine (dates move
/// with today). Nobody here is real: names are drawn from common first names and surnames,
/// phone numbers from the series set aside for fiction, and the few personnummer are made up
/// (serial 98x, correct check digit).
///
/// The spread follows the seeds (DESIGN.md, "Facts for demo data"): about a third care for a
/// parent, a fifth for a partner, a fifth for a child; about a third give more than ten hours a
/// week, women more of the heaviest care; 27 % have a foreign background.
struct CaregiverDemoCast: Sendable {
    struct CaregiverSketch: Sendable {
        var input: CaregiverInput
        var registeredOn: CalendarDate
        var responsible: Role
        /// For someone in the network registered without a care recipient.
        var unitName: String?
        var steps: [DatedStep] = []
    }

    struct RecipientSketch: Sendable {
        var input: RecipientInput
        var unitNames: [String]
    }

    struct LinkSketch: Sendable {
        var caregiver: Int
        var recipient: Int
        /// The relation and hours the story follows; `input` holds what was recorded of them.
        var relation: RelationKind
        var hours: HoursBand
        var input: RelationshipInput
    }

    /// One thing done about a caregiver. Steps run in date order, each with its day as "today".
    enum Step: Sendable {
        case consent(link: Int, ConsentInput)
        case restrict(link: Int, RestrictionInput)
        case lift(link: Int, reason: String)
        case invite(link: Int, InvitationInput, attendance: MeetingAttendance?)
        case voluntariness(VoluntarinessInput)
        /// Talks an open task of this kind through and closes it, if one is open.
        case talkAndClose(CaregiverTaskKind, ConversationInput)
        case conversation(ConversationInput)
        case screening(answers: [String: String])
        case plan(PlanInput)
        case support(SupportInput, offering: SupportKind?)
        case feedback(FeedbackInput)
        case memo(String, daysAgo: Int)
        case changeCareContact(recipient: Int, to: String)
        /// The relationship recorded again with more hours: its history shows the change.
        case changeHours(link: Int, RelationshipInput)
        /// Information given, within the consent of a relationship (`link`) or general (nil).
        case information(link: Int?, InformationInput)
        case children(ChildrenInHousehold, count: Int?)
    }

    struct DatedStep: Sendable {
        var on: CalendarDate
        var step: Step
    }

    var caregivers: [CaregiverSketch] = []
    var recipients: [RecipientSketch] = []
    var links: [LinkSketch] = []
}

extension CaregiverDemoCast {
    /// Who a unit-scoped demo user is, so some caregivers land on their worklist.
    struct Worker: Sendable {
        var role: Role
        var units: [String]
    }

    static func make(today: CalendarDate, units: [(name: String, kind: UnitKind)], workers: [Worker],
                     instrument: ScreeningInstrument?, seed: UInt64) -> CaregiverDemoCast {
        var builder = CaregiverDemoBuilder(today: today, units: units, workers: workers, instrument: instrument, seed: seed)
        builder.build()
        return builder.cast
    }
}

/// Luhn over YYMMDDNNN, as on every Swedish identity number.
enum DemoIdentityNumber {
    static func make(born: CalendarDate, serial: Int) -> String {
        let date = String(format: "%04d%02d%02d", born.year, born.month, born.day)
        let nine = Array(date.dropFirst(2) + String(format: "%03d", serial)).map { Int(String($0))! }
        let sum = nine.enumerated().reduce(0) { total, item in
            let doubled = item.element * (item.offset % 2 == 0 ? 2 : 1)
            return total + doubled / 10 + doubled % 10
        }
        return date + "-" + String(format: "%03d", serial) + String((10 - sum % 10) % 10)
    }
}

/// Names by origin: common names, so that no combination points at anyone.
enum CaregiverDemoNames {
    struct Origin: Sendable {
        var language: String
        var women: [String]
        var men: [String]
        var surnames: [String]
        var olderWomen: [String]
        var olderMen: [String]
        var children: [String]
    }

    static let swedish = Origin(
        language: "sv",
        women: ["Anna", "Eva", "Maria", "Karin", "Kristina", "Lena", "Kerstin", "Marie", "Sara", "Malin", "Emma", "Annika", "Linda",
                "Susanne", "Monica", "Helena", "Camilla", "Åsa", "Gunilla", "Johanna", "Sofia", "Cecilia", "Jenny", "Agneta", "Ylva", "Therese"],
        men: ["Lars", "Anders", "Johan", "Per", "Karl", "Erik", "Mikael", "Peter", "Jan", "Hans", "Thomas", "Bengt", "Olof", "Göran",
              "Stefan", "Mats", "Björn", "Leif", "Magnus", "Jonas", "Henrik", "Fredrik", "Daniel", "Niklas", "Kjell", "Ulf"],
        surnames: ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Svensson", "Gustafsson",
                   "Pettersson", "Jonsson", "Hansson", "Bengtsson", "Lindberg", "Jakobsson", "Magnusson", "Lindström", "Olofsson",
                   "Lindqvist", "Lindgren", "Berg", "Axelsson", "Bergström", "Lundberg", "Lind", "Lundgren", "Mattsson", "Berglund",
                   "Sandberg", "Forsberg", "Sjöberg", "Wallin", "Engström", "Eklund", "Lundin", "Håkansson", "Björk", "Bergman", "Holm",
                   "Wikström", "Isaksson", "Nyström", "Holmberg", "Löfgren", "Söderberg", "Nyberg", "Blomqvist", "Åberg", "Öberg"],
        olderWomen: ["Ingrid", "Margit", "Birgit", "Elsa", "Greta", "Astrid", "Britta", "Signe", "Dagny", "Gunborg", "Siv", "Ulla", "Inger", "Maj-Britt"],
        olderMen: ["Gösta", "Sven", "Nils", "Arne", "Stig", "Helge", "Ingvar", "Rune", "Åke", "Bertil", "Gunnar", "Lennart", "Tage", "Östen"],
        children: ["Elsa", "Alice", "Maja", "Ella", "Wilma", "Saga", "Liam", "Noah", "Hugo", "William", "Oscar", "Elias", "Lucas", "Nils"])

    /// The origins of the foreign-background caregivers, with weights near the largest groups.
    static let foreign: [(Origin, Double)] = [
        (Origin(language: "ar", women: ["Amira", "Fatima", "Layla", "Nour", "Rania", "Samira"], men: ["Ahmed", "Omar", "Khalid", "Youssef", "Karim", "Tariq"],
                surnames: ["Haddad", "Khalil", "Mansour", "Nasser", "Hamdan", "Saleh"], olderWomen: ["Khadija", "Zainab"], olderMen: ["Mahmoud", "Ibrahim"],
                children: ["Yasmin", "Adam", "Ali", "Lina"]), 0.2),
        (Origin(language: "fi", women: ["Aino", "Leena", "Pirjo", "Tuula", "Riitta", "Sirpa"], men: ["Matti", "Jukka", "Pekka", "Timo", "Kari", "Heikki"],
                surnames: ["Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Hämäläinen", "Laine", "Heikkinen", "Koskinen"],
                olderWomen: ["Eila", "Helmi", "Aune"], olderMen: ["Veikko", "Toivo", "Eino"], children: ["Aada", "Eetu", "Onni", "Venla"]), 0.2),
        (Origin(language: "so", women: ["Hodan", "Fadumo", "Amina", "Sahra"], men: ["Abdi", "Mohamed", "Abdirahman", "Liban"],
                surnames: ["Warsame", "Farah", "Hussein", "Osman", "Jama"], olderWomen: ["Halima", "Asha"], olderMen: ["Yusuf", "Ismail"],
                children: ["Ayan", "Hamza", "Idil", "Zakaria"]), 0.10),
        (Origin(language: "fa", women: ["Shirin", "Maryam", "Parisa", "Leila"], men: ["Reza", "Dariush", "Amir", "Babak"],
                surnames: ["Karimi", "Ahmadi", "Hosseini", "Rahimi", "Moradi"], olderWomen: ["Fereshteh", "Zahra"], olderMen: ["Hassan", "Mehdi"],
                children: ["Darya", "Kian", "Nika", "Arian"]), 0.10),
        (Origin(language: "bs", women: ["Amra", "Selma", "Lejla", "Emina"], men: ["Edin", "Senad", "Mirza", "Adnan"],
                surnames: ["Hodžić", "Begić", "Delić", "Mehmedović", "Kovačević"], olderWomen: ["Hajra", "Fatima"], olderMen: ["Muhamed", "Safet"],
                children: ["Ajla", "Amar", "Lana", "Tarik"]), 0.08),
        (Origin(language: "pl", women: ["Agnieszka", "Katarzyna", "Magdalena", "Ewa"], men: ["Piotr", "Tomasz", "Marek", "Krzysztof"],
                surnames: ["Nowak", "Wójcik", "Mazur", "Krawczyk", "Zając"], olderWomen: ["Halina", "Krystyna"], olderMen: ["Stanisław", "Józef"],
                children: ["Zuzanna", "Jakub", "Lena", "Antoni"]), 0.08),
        (Origin(language: "ti", women: ["Senait", "Selam", "Mebrat", "Helen"], men: ["Tesfay", "Yonas", "Dawit", "Samuel"],
                surnames: ["Gebremedhin", "Tesfamariam", "Haile", "Berhane", "Kidane"], olderWomen: ["Letteberhan", "Abrehet"],
                olderMen: ["Tekle", "Gebre"], children: ["Hanna", "Robel", "Eden", "Natnael"]), 0.07),
        (Origin(language: "tr", women: ["Ayşe", "Elif", "Zeynep", "Fatma"], men: ["Mehmet", "Mustafa", "Emre", "Kemal"],
                surnames: ["Yılmaz", "Demir", "Kaya", "Şahin", "Çelik"], olderWomen: ["Hatice", "Emine"], olderMen: ["Hüseyin", "Osman"],
                children: ["Defne", "Yusuf", "Ela", "Kerem"]), 0.07),
        (Origin(language: "uk", women: ["Olena", "Iryna", "Natalia", "Oksana"], men: ["Andrii", "Oleksandr", "Serhii", "Dmytro"],
                surnames: ["Kovalenko", "Shevchenko", "Bondarenko", "Tkachenko", "Melnyk"], olderWomen: ["Halyna", "Nadiia"],
                olderMen: ["Mykola", "Vasyl"], children: ["Sofiia", "Maksym", "Anna", "Artem"]), 0.07),
        (Origin(language: "es", women: ["Carmen", "Lucía", "Isabel", "Paula"], men: ["Carlos", "Jorge", "Luis", "Diego"],
                surnames: ["García", "Rodríguez", "Morales", "Vargas", "Rojas"], olderWomen: ["Rosa", "Dolores"], olderMen: ["Manuel", "Ramón"],
                children: ["Sofía", "Mateo", "Valentina", "Tomás"]), 0.05),
    ]

    static let staff = ["Anna Berg", "Omar Ali", "Lisa Holm", "Jonas Ek", "Mira Sund", "Petra Lund", "Elin Dahl", "Kim Nord"]
    static let streets = ["Storgatan", "Kyrkogatan", "Skolvägen", "Björkvägen", "Ängsvägen", "Tallstigen", "Sjövägen", "Järnvägsgatan"]
}
