import Foundation
import SQLKit
import SynligCore

/// What happens around a care relationship besides support and follow-ups: the coordination
/// signal the record raises, invitations to SIP and care-planning meetings, and now and then a
/// restriction on involvement with its reviews. Drawn from the relationship's own stream, so
/// the rows the generator wrote before these existed stay the same for a seed.
extension SyntheticRecordWriter {
    mutating func addInvolvement(_ relationship: UUID, caregiver: UUID, followed: Bool, registered: Int, heavy: Bool, signalled: Bool,
                                 to records: inout SyntheticRecords) {
        var random = SeededGenerator(seed: Self.seed(of: relationship))
        func chance(_ share: Double) -> Bool { Self.chance(share, &random) }
        // A day up to `within` days after registration, as days ago (never past today).
        func after(_ start: Int, within: ClosedRange<Int>) -> Int { start - Int.random(in: within, using: &random) }

        if signalled {
            // Raised at registration and to be acted on within 14 days: most are handled. The
            // caregiver's responsible consultant has it, or all consultants where there is none.
            let due = registered - CoordinationSignal.actWithinDays
            let open = due < 0 || chance(0.25)
            records.tasks.add([
                ids(uuid(&random)), org, ids(caregiver), Value.text(CaregiverTaskKind.coordinationSignal.rawValue), day(due),
                followed ? author : Value.null, ids(relationship), Value.bool(open), open ? Value.null : calendar.stamp(max(0, due)), calendar.stamp(registered),
            ])
        }
        for (kind, share) in [(MeetingKind.coordinatedPlan, signalled ? 0.35 : heavy ? 0.12 : 0.04), (.carePlanning, heavy ? 0.25 : 0.1)]
        where chance(share) {
            let meeting = after(registered, within: 7...365)
            guard meeting >= 0 else { continue }
            let attendance: MeetingAttendance = meeting == 0 ? .notYetHeld
                : Weighted<MeetingAttendance>([(.tookPart, 0.7), (.didNotTakePart, 0.25), (.cancelled, 0.05)]).draw(&random)
            records.invitations.add([
                ids(uuid(&random)), org, ids(relationship), Value.text(kind.rawValue), calendar.day(meeting), author,
                Value.text(attendance.rawValue), calendar.stamp(min(registered, meeting + 14)),
            ])
        }
        // A restriction is rare; its review falls due after three months and is held on time, late or not yet.
        guard chance(0.01) else { return }
        let decided = after(registered, within: 0...180)
        guard decided >= 0 else { return }
        let restriction = uuid(&random), due = decided - 90
        let reason = RestrictionReason.allCases[Int.random(in: 0..<RestrictionReason.allCases.count, using: &random)]
        records.restrictions.add([
            ids(restriction), org, ids(relationship), Value.text(reason.rawValue), Value.text(SealedText.sealed("")), calendar.day(decided), day(due),
            author, calendar.stamp(decided),
        ])
        let reviewed: Int? = due < 0 ? nil : chance(0.65) ? min(decided, due + Int.random(in: 0...14, using: &random))
            : chance(0.5) ? max(0, due - Int.random(in: 1...60, using: &random)) : nil
        records.reviews.add([
            ids(uuid(&random)), org, ids(restriction), ids(relationship), day(due), calendar.optionalDay(reviewed),
            reviewed == nil ? Value.null : Value.text("continued"), reviewed == nil ? Value.null : author, calendar.stamp(decided),
        ])
    }

    /// A day as days ago, or a day to come (negative) as its ISO text.
    private func day(_ daysAgo: Int) -> any SQLExpression {
        daysAgo >= 0 ? calendar.day(daysAgo) : Value.text(calendar.today.addingDays(-daysAgo).iso)
    }

    private func uuid(_ random: inout SeededGenerator) -> UUID { random.uuid() }

    /// The relationship's own stream: from its id's first eight bytes.
    static func seed(of id: UUID) -> UInt64 {
        withUnsafeBytes(of: id.uuid) { $0.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
    }
}
