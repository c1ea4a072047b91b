import Fluent
import Foundation
import SQLKit
import SynligApp
import SynligCore
import Vapor

/// What the executable installs as `app.syntheticData`: `synlig generate`.
package struct NationalSyntheticData: SyntheticData {
    package init() {}

    package func generate(_ app: Application, _ request: SyntheticDataRequest,
                          progress: @escaping @Sendable (Int, Int) -> Void) async throws -> String {
        try await SyntheticGenerator.run(app, request, progress: progress).text
    }
}

/// What a generation made, without any personal data (there is none), for the console.
package struct GenerationSummary: Sendable {
    package var organisations: [PlannedOrganisation]
    package var rowsByTable: [(String, Int)]
    package var seconds: Double
    package var accountsUsable: Bool

    package var rows: Int { rowsByTable.reduce(0) { $0 + $1.1 } }

    var text: String {
        let caregivers = organisations.reduce(0) { $0 + $1.caregivers }
        var lines = ["Generated \(organisations.count) organisations and \(caregivers) caregivers; every person in them is synthetic."]
        lines.append("Rows written: \(rows) in \(String(format: "%.2f", seconds)) s ("
            + rowsByTable.map { "\($0.0) \($0.1)" }.joined(separator: ", ") + ").")
        if let largest = organisations.max(by: { $0.caregivers < $1.caregivers }) {
            lines.append("Largest: \(largest.name) (code \(largest.code)), \(largest.caregivers) caregivers.")
        }
        lines.append("Accounts per organisation: \(SyntheticGenerator.viewerEmail(code: "CODE")) (viewer) and "
            + "\(SyntheticGenerator.consultantEmail(code: "CODE")) (consultant).")
        lines.append(accountsUsable ? "Their password is SYNLIG_GENERATE_PASSWORD."
            : "They cannot sign in: set SYNLIG_GENERATE_PASSWORD when generating to give them a password.")
        return lines.joined(separator: "\n")
    }
}

package enum SyntheticGenerator {
    static func viewerEmail(code: String) -> String { "statistik.\(code)@syntetisk.invalid" }
    static func consultantEmail(code: String) -> String { "konsulent.\(code)@syntetisk.invalid" }

    package static func run(_ app: Application, _ request: SyntheticDataRequest,
                            progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) async throws -> GenerationSummary {
        var random = SeededGenerator(seed: request.seed)
        let used = Set(try await Organisation.query(on: app.db).all(\.$code))
        let plan = try SyntheticOrganisations.plan(municipalities: request.municipalities, regions: request.regions,
                                                   caregivers: request.caregivers, usedCodes: used, random: &random)
        // One hash for every generated account: bcrypt is slow on purpose, and 311 hashes would
        // take minutes. Without a password the accounts get a random one nobody is told.
        let password = request.password ?? [UInt8].random(count: 32).base64
        let hash = try await app.password.async(on: app.threadPool, hopTo: app.eventLoopGroup.any()).hash(password).get()
        // The clock starts after the one bcrypt hash: what is timed is the writing, which is
        // what grows with the request.
        let started = Date()
        let calendar = SyntheticCalendar(today: request.today)
        let instrument = ScreeningInstruments.all(app).first
        let ids = IDBinding(try sqlDatabase(app.db))
        var accounts = AccountTables(ids: ids)
        var writers: [SyntheticRecordWriter] = []
        for planned in plan {
            var stream = SeededGenerator.organisation(seed: request.seed, code: planned.code)
            let organisation = accounts.add(planned, passwordHash: hash, stamp: calendar.stamp(0), year: request.today.year - 1, random: &stream)
            writers.append(SyntheticRecordWriter(organisation: organisation, calendar: calendar, instrument: instrument,
                                                 ids: ids, random: stream))
        }
        let organisationRows = accounts
        accounts = try await app.db.transaction { tx in
            var tables = organisationRows
            try await tables.flush(on: try sqlDatabase(tx))
            return tables
        }
        var source = BatchSource(writers: writers, counts: plan.map(\.caregivers), ids: ids)
        var written: [String: Int] = [:], done = 0
        progress(0, request.caregivers)
        var batch = source.next()
        while let current = batch {
            // The next batch is drawn on another core while this one is written: drawing and
            // the database's work overlap instead of taking turns.
            let drawing = source
            async let upcoming = Task.detached { var next = drawing; return (next.next(), next) }.value
            let flushed = try await write(current, on: app.db)
            for (table, count) in flushed.writtenByTable { written[table, default: 0] += count }
            done += flushed.caregivers.written
            progress(done, request.caregivers)
            (batch, source) = await upcoming
        }
        let tables = accounts.writtenByTable + SyntheticRecords(ids: ids).writtenByTable.map { ($0.0, written[$0.0] ?? 0) }
        return GenerationSummary(organisations: plan, rowsByTable: tables, seconds: Date().timeIntervalSince(started),
                                 accountsUsable: request.password != nil)
    }

    /// One transaction per batch.
    private static func write(_ records: SyntheticRecords, on db: any Database) async throws -> SyntheticRecords {
        try await db.transaction { tx in
            var batch = records
            try await batch.flush(on: try sqlDatabase(tx))
            return batch
        }
    }

    static func sqlDatabase(_ db: any Database) throws -> any SQLDatabase {
        guard let sql = db as? any SQLDatabase else { throw GenerateFailure(description: "The database does not speak SQL.") }
        return sql
    }
}

/// The organisations and what each needs before its caregivers: units, a viewer and a
/// consultant account, its statistics published as open data, and its adult population.
struct AccountTables {
    let ids: IDBinding
    var organisations = BulkTable("organisations", ["id", "name", "code", "kind", "is_demo", "created_at", "updated_at"])
    var units = BulkTable("units", ["id", "organisation_id", "name", "kind", "active", "version", "created_at", "updated_at"])
    var users = BulkTable("users", ["id", "organisation_id", "email", "display_name", "password_hash", "active", "version",
                                    "password_changed_at", "created_at", "updated_at"])
    var roles = BulkTable("user_roles", ["id", "user_id", "organisation_id", "role"])
    var publications = BulkTable("statistics_publications", ["id", "organisation_id", "published_by", "created_at"])
    var populations = BulkTable("statistics_populations", ["id", "organisation_id", "adults", "year", "source", "updated_by", "updated_at"])

    mutating func add(_ planned: PlannedOrganisation, passwordHash: String, stamp: any SQLExpression, year: Int,
                      random: inout SeededGenerator) -> GeneratedOrganisation {
        func id() -> UUID { random.uuid() }
        let organisationID = id()
        let org = ids(organisationID)
        organisations.add([org, Value.text(planned.name), Value.text(planned.code), Value.text(planned.kind.rawValue),
                           Value.bool(false), stamp, stamp])
        var unitIDs: [UUID] = []
        for unit in planned.units {
            let unitID = id()
            unitIDs.append(unitID)
            units.add([ids(unitID), org, Value.text(unit.name), Value.text(unit.kind.rawValue), Value.bool(true), Value.one, stamp, stamp])
        }
        var consultantID = organisationID
        for (email, role, name) in [(SyntheticGenerator.viewerEmail(code: planned.code), Role.viewer, "Statistik"),
                                    (SyntheticGenerator.consultantEmail(code: planned.code), Role.consultant, "Konsulent")] {
            let userID = id()
            if role == .consultant { consultantID = userID }
            users.add([ids(userID), org, Value.text(email), Value.text("\(name) \(planned.code) (syntetisk)"), Value.text(passwordHash),
                       Value.bool(true), Value.one, stamp, stamp, stamp])
            roles.add([ids(id()), ids(userID), org, Value.text(role.rawValue)])
        }
        // Published and with a population, as a municipality that uses the statistics would be;
        // written here rather than through the statistics services because nobody decided it.
        publications.add([ids(id()), org, Value.null, stamp])
        populations.add([ids(id()), org, Value.int(planned.adults), Value.int(year),
                         Value.text("Syntetisk (synlig generate)"), Value.null, stamp])
        return GeneratedOrganisation(id: organisationID, code: planned.code, unitIDs: unitIDs, consultantID: consultantID)
    }

    static let tables: [WritableKeyPath<AccountTables, BulkTable>] = [
        \.organisations, \.units, \.users, \.roles, \.publications, \.populations,
    ]
    var writtenByTable: [(String, Int)] { Self.tables.map { (self[keyPath: $0].name, self[keyPath: $0].written) } }

    mutating func flush(on sql: any SQLDatabase) async throws {
        for table in Self.tables { try await self[keyPath: table].flush(on: sql) }
    }
}
