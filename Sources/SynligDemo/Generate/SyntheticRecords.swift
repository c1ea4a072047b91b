import Foundation
import SQLKit
import SynligCore

/// One generated organisation as the records need it.
struct GeneratedOrganisation: Sendable {
    var id: UUID
    var code: String
    var unitIDs: [UUID]
    /// The generated consultant: author of the follow-ups, responsible for those followed up.
    var consultantID: UUID
}

/// The caregiver record's tables, filled a batch at a time from synthetic people: caregivers,
/// the people they care for and the relationships between them, and over the years support
/// asked for, offered and begun, voluntariness follow-ups and strain screenings.
struct SyntheticRecords {
    let ids: IDBinding
    var caregivers = BulkTable("caregivers", [
        "id", "organisation_id", "name", "name_folded", "personal_identity_number", "phone", "email", "address",
        "preferred_channel", "preferred_language", "interpreter_need", "gender", "birth_year", "foreign_background",
        "minority_language", "occupation", "own_health_note", "unit_id", "responsible_user_id", "registered_on", "version",
        "created_at", "updated_at",
    ])
    var recipients = BulkTable("care_recipients", [
        "id", "organisation_id", "name", "name_folded", "external_reference", "fixed_care_contact", "fixed_doctor_contact",
        "fixed_care_home_contact", "patient_contract", "care_need_area", "version", "created_at",
    ])
    var relationships = BulkTable("care_relationships", [
        "id", "organisation_id", "caregiver_id", "recipient_id", "relation", "lives_together", "since", "hours_band", "tasks",
        "coordinated_contacts", "carries_coordination", "version", "created_at",
    ])
    var support = BulkTable("caregiver_support", [
        "id", "organisation_id", "caregiver_id", "need_kind", "offering_id", "decision", "status", "requested_on", "offered_on",
        "started_on", "ended_on", "outcome", "version", "created_at",
    ])
    var voluntariness = BulkTable("voluntariness_checks", [
        "id", "organisation_id", "caregiver_id", "asked_on", "answer", "comment", "author_id", "created_at",
    ])
    var screenings = BulkTable("screening_results", [
        "id", "organisation_id", "caregiver_id", "instrument_id", "instrument_version", "answers", "score", "level",
        "screened_on", "author_id", "created_at",
    ])
    /// The next voluntariness follow-up of each caregiver followed up, open on the consultant's worklist.
    var tasks = BulkTable("caregiver_tasks", [
        "id", "organisation_id", "caregiver_id", "kind", "due_on", "assignee_id", "subject_id", "open", "done_at", "created_at",
    ])

    /// SIP and care-planning meetings the caregiver was invited to, and whether they took part.
    var invitations = BulkTable("meeting_invitations", [
        "id", "organisation_id", "relationship_id", "kind", "meeting_on", "invited_by", "attendance", "created_at",
    ])
    var restrictions = BulkTable("involvement_restrictions", [
        "id", "organisation_id", "relationship_id", "reason", "note", "decided_on", "review_on", "author_id", "created_at",
    ])
    var reviews = BulkTable("restriction_reviews", [
        "id", "organisation_id", "restriction_id", "relationship_id", "due_on", "reviewed_on", "outcome", "reviewed_by", "created_at",
    ])

    var buffered: Int { caregivers.rows.count }
    static let tables: [WritableKeyPath<SyntheticRecords, BulkTable>] = [
        \.caregivers, \.recipients, \.relationships, \.support, \.voluntariness, \.screenings, \.tasks,
        \.invitations, \.restrictions, \.reviews,
    ]
    var writtenByTable: [(String, Int)] { Self.tables.map { (self[keyPath: $0].name, self[keyPath: $0].written) } }

    /// Writes every buffered row (the caller holds the transaction), parents before children.
    mutating func flush(on sql: any SQLDatabase) async throws {
        for table in Self.tables { try await self[keyPath: table].flush(on: sql) }
    }
}

/// The organisations' writers, drawn from one batch at a time, organisation after organisation.
struct BatchSource: Sendable {
    /// Caregivers per batch and transaction: big enough that a commit's sync is a small part
    /// of the cost, small enough that memory stays flat at any scale.
    static let caregiversPerBatch = 5_000

    var writers: [SyntheticRecordWriter]
    var counts: [Int]
    let ids: IDBinding
    private var index = 0

    init(writers: [SyntheticRecordWriter], counts: [Int], ids: IDBinding) {
        self.writers = writers
        self.counts = counts
        self.ids = ids
    }

    /// The next batch, or nil when every organisation has all its caregivers.
    mutating func next() -> SyntheticRecords? {
        var records = SyntheticRecords(ids: ids)
        while records.buffered < Self.caregiversPerBatch, index < writers.count {
            if counts[index] == 0 {
                index += 1
                continue
            }
            writers[index].add(to: &records)
            counts[index] -= 1
        }
        return records.buffered == 0 ? nil : records
    }
}

/// Turns draws into rows for one organisation, from its own seeded stream: the same seed and
/// code give the same rows, whatever else the database holds.
struct SyntheticRecordWriter {
    let organisation: GeneratedOrganisation
    let calendar: SyntheticCalendar
    let instrument: ScreeningInstrument?
    let schedule = FollowUpSchedule.standard
    var random: SeededGenerator
    private var number = 0

    static let supportKinds = Weighted<SupportNeedKind>([
        (.consultant, 20), (.counselling, 15), (.respiteAtHome, 15), (.supportGroup, 12), (.dayCare, 8), (.shortStay, 8),
        (.education, 8), (.civilSocietyOrganisation, 6), (.digitalSupport, 5), (.financialSupport, 3),
    ])

    let ids: IDBinding
    /// The organisation and its consultant as bound values, made once.
    let org: any SQLExpression, author: any SQLExpression

    /// `random` is the organisation's own stream (`SeededGenerator.organisation`), already used for its accounts.
    init(organisation: GeneratedOrganisation, calendar: SyntheticCalendar, instrument: ScreeningInstrument?, ids: IDBinding,
         random: SeededGenerator) {
        self.organisation = organisation
        self.calendar = calendar
        self.instrument = instrument
        self.ids = ids
        self.random = random
        org = ids(organisation.id)
        author = ids(organisation.consultantID)
    }

    mutating func uuid() -> UUID { random.uuid() }

    static func chance(_ share: Double, _ random: inout SeededGenerator) -> Bool { Double.random(in: 0..<1, using: &random) < share }

    /// One caregiver with everything around them.
    mutating func add(to records: inout SyntheticRecords) {
        number += 1
        let person = SyntheticPeople.person(today: calendar.today, &random)
        let id = uuid()
        // Registrations grow over the years, as identification catches on: the density rises
        // towards today (the square root of a uniform draw).
        let registered = calendar.span - Int(Double(calendar.span) * Double.random(in: 0..<1, using: &random).squareRoot())
        let followed = Self.chance(person.isHeavy ? 0.55 : 0.3, &random)
        // Names say what they are; no personnummer, no address: no real person can be hit.
        let name = "Anhörig \(organisation.code)-\(number)"
        let unit = organisation.unitIDs[Int(Double(organisation.unitIDs.count) * Double.random(in: 0..<1, using: &random).squareRoot())]
        records.caregivers.add([
            ids(id), org, Value.text(name), Value.text(name.lowercased()), Value.null, Value.emptyText, Value.emptyText,
            Value.emptyText, Value.text(person.channel.rawValue), Value.text(person.language), Value.text(person.interpreterNeed.rawValue),
            Value.text(person.gender.rawValue), Value.optional(person.birthYear), Value.text(person.foreignBackground.rawValue),
            Value.text(person.minorityLanguage.rawValue), Value.text(person.occupation.rawValue), Value.text(SealedText.sealed("")), ids(unit),
            followed ? author : Value.null, calendar.day(registered), Value.one,
            calendar.stamp(registered), calendar.stamp(registered),
        ])
        for (index, care) in person.cares.enumerated() {
            let recipient = uuid()
            let recipientName = "Närstående \(organisation.code)-\(number)-\(index + 1)"
            records.recipients.add([
                ids(recipient), org, Value.text(recipientName), Value.text(recipientName.lowercased()), Value.emptyText,
                Value.emptyText, Value.emptyText, Value.emptyText, Value.bool(false), Value.text(care.needArea.rawValue), Value.one,
                calendar.stamp(registered),
            ])
            let since = Self.chance(0.7, &random) ? calendar.day(registered + Int.random(in: 30...3650, using: &random)) : Value.null
            let relationship = uuid()
            let carriesCoordination = care.tasks.contains(.coordination) && Self.chance(0.5, &random)
            records.relationships.add([
                ids(relationship), org, ids(id), ids(recipient), Value.text(care.relation.rawValue),
                Value.bool(care.livesTogether), since, Value.text(care.hours.rawValue),
                Value.text(care.tasks.map(\.rawValue).joined(separator: ",")), Value.emptyText,
                Value.bool(carriesCoordination), Value.one, calendar.stamp(registered),
            ])
            addInvolvement(relationship, caregiver: id, followed: followed, registered: registered, heavy: care.hours.isMoreThanTen,
                           signalled: CoordinationSignal.raised(coordinatedContacts: 0, carriesCoordination: carriesCoordination, tasks: Set(care.tasks)),
                           to: &records)
        }
        addSupport(id, registered: registered, heavy: person.isHeavy, to: &records)
        if followed { addFollowUps(id, registered: registered, person: person, to: &records) }
    }

    /// Half of caregivers never get support (Nka 2018); those who ask, ask once or twice over
    /// the years. Each request moves on as far as the days up to today allow.
    private mutating func addSupport(_ caregiver: UUID, registered: Int, heavy: Bool, to records: inout SyntheticRecords) {
        guard Self.chance(heavy ? 0.6 : 0.4, &random) else { return }
        for _ in 0..<Weighted<Int>([(1, 0.7), (2, 0.25), (3, 0.05)]).draw(&random) {
            let kind = Self.supportKinds.draw(&random)
            let requested = max(0, registered - Int.random(in: 0...730, using: &random))
            var status = SupportStatus.requested
            var offered: Int?, started: Int?, ended: Int?
            let offerDay = requested - Int.random(in: 3...60, using: &random)
            if Self.chance(0.1, &random) {
                status = .notOffered
            } else if offerDay >= 0 {
                offered = offerDay
                status = .offered
                let startDay = offerDay - Int.random(in: 3...45, using: &random)
                if Self.chance(0.15, &random) {
                    status = .declined
                } else if startDay >= 0 {
                    started = startDay
                    status = .given
                    let endDay = startDay - Int.random(in: 30...365, using: &random)
                    if Self.chance(0.4, &random), endDay >= 0 {
                        ended = endDay
                        status = .ended
                    }
                }
            }
            let assessed: Set<SupportNeedKind> = [.respiteAtHome, .shortStay, .dayCare]
            records.support.add([
                ids(uuid()), org, ids(caregiver), Value.text(kind.rawValue), Value.null,
                Value.text((assessed.contains(kind) ? SupportDecision.assessedSupport : .serviceSupport).rawValue),
                Value.text(status.rawValue), calendar.day(requested), calendar.optionalDay(offered), calendar.optionalDay(started),
                calendar.optionalDay(ended), Value.emptyText, Value.one, calendar.stamp(requested),
            ])
        }
    }

    /// Voluntariness asked on the standard schedule, most times it falls due; strain screened
    /// on its yearly schedule, more often for heavy carers. Heavier care, more strain.
    private mutating func addFollowUps(_ caregiver: UUID, registered: Int, person: SyntheticPerson, to records: inout SyntheticRecords) {
        let answers = person.isHeavy ? Weighted<VoluntarinessAnswer>([(.yes, 0.65), (.partly, 0.25), (.no, 0.10)])
            : Weighted<VoluntarinessAnswer>([(.yes, 0.85), (.partly, 0.12), (.no, 0.03)])
        var due = registered - Int.random(in: 0...30, using: &random)
        // The follow-up still open: the last one missed (overdue since its day), or else the next.
        var missed: Int?
        while due >= 0 {
            if Self.chance(0.7, &random) {
                records.voluntariness.add([ids(uuid()), org, ids(caregiver), calendar.day(due),
                                           Value.text(answers.draw(&random).rawValue), Value.text(SealedText.sealed("")), author, calendar.stamp(due)])
                missed = nil
            } else if missed == nil {
                missed = due
            }
            due -= schedule.voluntarinessMonths * 30 + Int.random(in: -10...20, using: &random)
        }
        // No draw is added here, so a seed gives the same records as before tasks were generated.
        let openOn = missed.map { calendar.today.addingDays(-$0) } ?? calendar.today.addingDays(-due)
        records.tasks.add([
            ids(uuid()), org, ids(caregiver), Value.text(CaregiverTaskKind.voluntarinessFollowUp.rawValue), Value.text(openOn.iso),
            author, Value.null, Value.bool(true), Value.null, calendar.stamp(registered),
        ])
        guard let instrument, Self.chance(person.isHeavy ? 0.7 : 0.35, &random) else { return }
        let strain = min(0.9, 0.2 + (person.isHeavy ? 0.25 : 0) + (person.gender == .woman ? 0.05 : 0) + Double.random(in: 0...0.2, using: &random))
        var screened = registered - Int.random(in: 0...60, using: &random)
        while screened >= 0 {
            // Each item's option: the first (no strain) to the last, more strain more often further on.
            var picked: [String: String] = [:]
            for item in instrument.items where !item.options.isEmpty {
                let steps = (0..<item.options.count - 1).filter { _ in Self.chance(strain, &random) }.count
                picked[item.id] = item.options[steps].value
            }
            if case .success(let result) = instrument.score(picked) {
                records.screenings.add([
                    ids(uuid()), org, ids(caregiver), Value.text(instrument.id), Value.int(instrument.version),
                    Value.text(Self.json(picked)), Value.int(result.score), Value.text(result.level.rawValue), calendar.day(screened),
                    author, calendar.stamp(screened),
                ])
            }
            screened -= schedule.screeningMonths * 30 + Int.random(in: 0...90, using: &random)
        }
    }

    /// The answers as the record stores them: JSON with sorted keys, so equal answers store equally.
    static func json(_ answers: [String: String]) -> String {
        "{" + answers.keys.sorted().map { "\"\($0)\":\"\(answers[$0] ?? "")\"" }.joined(separator: ",") + "}"
    }
}

/// Days counted backwards from today (0 is today, the span is the first day of registrations),
/// with their ISO text and timestamp made once: formatting millions of dates one by one costs
/// more than writing them.
struct SyntheticCalendar: Sendable {
    let today: CalendarDate
    /// Registrations spread over six years up to today.
    let span: Int
    private let days: [any SQLExpression & Sendable]
    private let stamps: [any SQLExpression & Sendable]

    init(today: CalendarDate, years: Int = 6) {
        self.today = today
        span = today.addingMonths(-12 * years).days(until: today)
        // A relationship may have begun up to ten years before its registration.
        let reach = span + 3700
        let epoch = CalendarDate(year: 1970, month: 1, day: 1)
        days = (0...reach).map { SQLBind(today.addingDays(-$0).iso) }
        // Noon UTC of the day: a record's creation time on the day it was made.
        stamps = (0...reach).map { SQLBind(Date(timeIntervalSince1970: Double(epoch.days(until: today.addingDays(-$0))) * 86_400 + 43_200)) }
    }

    func day(_ daysAgo: Int) -> any SQLExpression { days[daysAgo] }
    func optionalDay(_ daysAgo: Int?) -> any SQLExpression { daysAgo.map { days[$0] } ?? SQLLiteral.null }
    func stamp(_ daysAgo: Int) -> any SQLExpression { stamps[daysAgo] }
}

extension SeededGenerator {
    /// Each organisation its own stream, from the seed and its code: the same seed and code give
    /// the same rows and ids, another code (a second run in the same database) other ids. The
    /// start is put through the generator once, so streams of neighbouring codes do not overlap
    /// (SplitMix64 steps its state by a constant; starts that differ by a multiple of it would).
    static func organisation(seed: UInt64, code: String) -> SeededGenerator {
        var mixer = SeededGenerator(seed: seed ^ (UInt64(code) ?? 0) << 32 ^ UInt64(code.count))
        return SeededGenerator(seed: mixer.next())
    }

    /// A version-4 UUID from the stream: the same seed gives the same ids.
    mutating func uuid() -> UUID {
        let high = next(), low = next()
        func byte(_ word: UInt64, _ index: UInt64) -> UInt8 { UInt8(truncatingIfNeeded: word >> (index * 8)) }
        return UUID(uuid: (byte(high, 0), byte(high, 1), byte(high, 2), byte(high, 3), byte(high, 4), byte(high, 5),
                           byte(high, 6) & 0x0F | 0x40, byte(high, 7), byte(low, 0) & 0x3F | 0x80, byte(low, 1), byte(low, 2),
                           byte(low, 3), byte(low, 4), byte(low, 5), byte(low, 6), byte(low, 7)))
    }
}
