import Fluent
import SQLKit
import SynligCore
import Vapor

/// Gallring of caregivers' files by `FileRetention`: a file whose last entry — the latest row of
/// any table the personal-data registry links to the caregiver — is five years old is purged
/// with everything linked to it, unless the caregiver was born on a research day or the file is
/// exempt (`RetentionExemption`, set with a reason by the consultant). Run daily by
/// the scheduled job and by `synlig purge`; `synlig purge --dry-run` shows the plan and changes
/// nothing. The job's run records how many files were purged, never whose.
enum FileRetentionService {
    struct Plan: Sendable, Equatable {
        /// Files due and to be purged.
        var due: [UUID]
        /// Files due but kept for research.
        var keptForResearch: Int
        /// Files due but exempt from gallring (`RetentionExemption`).
        var keptExempt = 0
        /// Files due but kept because their organisation decided to keep every file.
        var keptByDecision = 0
    }

    /// The organisations that keep every file by decision (`CaregiverSettings.keepFilesDecision`).
    static func keepingAllFiles(on db: any Database) async throws -> Set<UUID> {
        Set(try await CaregiverSettings.query(on: db).filter(\.$keepFilesDecision != nil).all(\.$organisationID))
    }

    static func plan(today: CalendarDate = .today(), on db: any Database) async throws -> Plan {
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        // A file is due when its last entry was on or before the latest due day (Swedish days).
        let cutoff = FileRetention.latestDueEntry(today: today).addingDays(1).startInSweden
        var due: [UUID] = [], kept = 0, exempt = 0, decided = 0
        let keeping = try await keepingAllFiles(on: db)
        for chunk in try await filesLastEntered(before: cutoff, on: sql).chunked(500) {
            let rows = try await sql.select().column("id").column("organisation_id").column("personal_identity_number").column("retention_exempt")
                .from(Caregiver.schema).where("id", .in, SQLBind.group(chunk)).all()
            for row in rows {
                if keeping.contains(try row.decode(column: "organisation_id", as: UUID.self)) {
                    decided += 1
                } else if try row.decode(column: "retention_exempt", as: String?.self) != nil {
                    exempt += 1
                } else if FileRetention.isKeptForResearch(personalIdentityNumber: try row.decode(column: "personal_identity_number", as: String?.self)) {
                    kept += 1
                } else {
                    due.append(try row.decode(column: "id", as: UUID.self))
                }
            }
        }
        return Plan(due: due.sorted { $0.uuidString < $1.uuidString }, keptForResearch: kept, keptExempt: exempt, keptByDecision: decided)
    }

    /// Purges the files the plan names; how many were purged.
    static func purge(today: CalendarDate = .today(), on db: any Database) async throws -> Int {
        let plan = try await plan(today: today, on: db)
        var purged = 0
        for chunk in plan.due.chunked(200) {
            purged += try await AuditTrail.transaction(on: db, actor: .system) { tx, _ in
                // A keep decision or an exemption saved since the plan was made is read again
                // under the chain's lock, so a file kept meanwhile is not purged.
                let keeping = try await keepingAllFiles(on: tx)
                let kept = Set(try await Caregiver.query(on: tx).filter(\.$id ~~ chunk).group(.or) { either in
                    either.filter(\.$retentionExempt != nil)
                    if !keeping.isEmpty { either.filter(\.$organisationID ~~ Array(keeping)) }
                }.all(\.$id))
                return try await erase(caregivers: chunk.filter { !kept.contains($0) }, on: tx as! any SQLDatabase)
            }
        }
        return purged
    }

    /// Files of people cared for that are due: no caregiver's file links them any longer (the
    /// relationship goes with the caregiver's file) and their own last entry — the latest row of
    /// any table the registry links to the person — is as old as a caregiver's file must be.
    /// While a caregiver's file names them, their file is kept with it. Their birth day is not
    /// stored (no personnummer), so the research days cannot apply.
    static func recipientsDue(today: CalendarDate = .today(), on db: any Database) async throws -> [UUID] {
        try await recipientPlan(today: today, on: db).due
    }

    /// `recipientsDue`, and how many more would be due but for their organisation's decision to
    /// keep every file (for `synlig purge --dry-run`).
    static func recipientPlan(today: CalendarDate = .today(), on db: any Database) async throws -> (due: [UUID], keptByDecision: Int) {
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        let cutoff = FileRetention.latestDueEntry(today: today).addingDays(1).startInSweden
        var parts: [SQLQueryString] = []
        for table in PersonalDataRegistry.aboutPeople {
            let columns = Set(try await DialectSQL.columns(of: table.name, on: sql).map(\.name))
            guard let time = ["updated_at", "created_at"].first(where: columns.contains) else { continue }
            for case .recipient(let column) in table.links {
                parts.append("SELECT \(ident: column) AS p, \(ident: time) AS t FROM \(ident: table.name)")
            }
        }
        let union = parts.dropFirst().reduce(parts[0]) { $0 + SQLQueryString(" UNION ALL ") + $1 }
        let query = SQLQueryString("SELECT p FROM (") + union
            + SQLQueryString(") entries WHERE p NOT IN (SELECT recipient_id FROM care_relationships) GROUP BY p HAVING MAX(t) < \(bind: cutoff)")
        var due = Set(try await sql.raw(query).all().map { try $0.decode(column: "p", as: UUID.self) })
        // An organisation that keeps every file by decision keeps these too.
        let keeping = try await keepingAllFiles(on: db)
        var keptByDecision = 0
        if !keeping.isEmpty, !due.isEmpty {
            for chunk in Array(due).chunked(500) {
                let kept = try await sql.select().column("id").from(CareRecipient.schema).where("id", .in, SQLBind.group(chunk))
                    .where("organisation_id", .in, SQLBind.group(Array(keeping))).all()
                keptByDecision += kept.count
                due.subtract(try kept.map { try $0.decode(column: "id", as: UUID.self) })
            }
        }
        return (due.sorted { $0.uuidString < $1.uuidString }, keptByDecision)
    }

    /// Purges the files of people cared for that are due; how many were purged.
    static func purgeRecipients(today: CalendarDate = .today(), on db: any Database) async throws -> Int {
        let due = try await recipientsDue(today: today, on: db)
        var purged = 0
        for chunk in due.chunked(200) {
            purged += try await AuditTrail.transaction(on: db, actor: .system) { tx, _ in
                // A keep decision saved since the plan was made is read again under the chain's lock.
                let keeping = try await keepingAllFiles(on: tx)
                let kept = keeping.isEmpty ? [] : Set(try await CareRecipient.query(on: tx).filter(\.$id ~~ chunk)
                    .filter(\.$organisationID ~~ Array(keeping)).all(\.$id))
                return try await erase(recipients: chunk.filter { !kept.contains($0) }, on: tx as! any SQLDatabase)
            }
        }
        return purged
    }

    /// Deletes people cared for and every row the registry links to them, children before
    /// parents. Only people no relationship links: one a caregiver's file named after the plan
    /// was made is left, so the relationship and its consents never go with it.
    @discardableResult
    static func erase(recipients planned: [UUID], on sql: any SQLDatabase) async throws -> Int {
        guard !planned.isEmpty else { return 0 }
        let linked = Set(try await sql.select().column("recipient_id").from(CareRelationship.schema)
            .where("recipient_id", .in, SQLBind.group(planned)).all().map { try $0.decode(column: "recipient_id", as: UUID.self) })
        let ids = planned.filter { !linked.contains($0) }
        guard !ids.isEmpty else { return 0 }
        for table in PersonalDataRegistry.aboutPeople.reversed() {
            for case .recipient(let column) in table.links {
                try await sql.delete(from: table.name).where(SQLIdentifier(column), .in, SQLBind.group(ids)).run()
            }
        }
        return ids.count
    }

    /// Every caregiver's last entry, for those whose last entry is before `cutoff`: the latest
    /// time any row linked to them was written, over every table the registry links to a
    /// caregiver directly or through a care relationship.
    private static func filesLastEntered(before cutoff: Date, on sql: any SQLDatabase) async throws -> [UUID] {
        var parts: [SQLQueryString] = []
        for table in PersonalDataRegistry.aboutPeople {
            let columns = Set(try await DialectSQL.columns(of: table.name, on: sql).map(\.name))
            let times = ["updated_at", "created_at"].filter(columns.contains)
            guard let time = times.first else { continue }
            for link in table.links {
                switch link {
                case .caregiver(let column):
                    parts.append("SELECT \(ident: column) AS c, \(ident: time) AS t FROM \(ident: table.name)")
                case .relationship(let column):
                    parts.append("SELECT r.caregiver_id AS c, x.\(ident: time) AS t FROM \(ident: table.name) x JOIN care_relationships r ON r.id = x.\(ident: column)")
                case .recipient, .record:
                    continue
                }
            }
        }
        // The caregiver row's own creation counts too, where it was never updated.
        parts.append("SELECT id AS c, created_at AS t FROM caregivers")
        let union = parts.dropFirst().reduce(parts[0]) { $0 + SQLQueryString(" UNION ALL ") + $1 }
        let query = SQLQueryString("SELECT c FROM (") + union + SQLQueryString(") entries GROUP BY c HAVING MAX(t) < \(bind: cutoff)")
        return try await sql.raw(query).all().map { try $0.decode(column: "c", as: UUID.self) }
    }

    /// Deletes the caregivers and every row the registry links to them, children before parents.
    @discardableResult
    static func erase(caregivers ids: [UUID], on sql: any SQLDatabase) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        // Files erased on request since the plan was made are not counted again.
        let present = try await sql.select().column("id").from(Caregiver.schema).where("id", .in, SQLBind.group(ids)).all().count
        let relationships = try await sql.select().column("id").from("care_relationships")
            .where("caregiver_id", .in, SQLBind.group(ids)).all().map { try $0.decode(column: "id", as: UUID.self) }
        for table in PersonalDataRegistry.aboutPeople.reversed() {
            for link in table.links {
                switch link {
                case .relationship(let column) where !relationships.isEmpty:
                    try await sql.delete(from: table.name).where(SQLIdentifier(column), .in, SQLBind.group(relationships)).run()
                case .caregiver(let column):
                    try await sql.delete(from: table.name).where(SQLIdentifier(column), .in, SQLBind.group(ids)).run()
                default:
                    continue
                }
            }
        }
        return present
    }
}
