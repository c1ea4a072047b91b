import Fluent
import SQLKit
import SynligCore
import Vapor

/// Where the keys for sealed texts come from, which columns hold sealed texts, and how they are
/// sealed again after a key rotation (issue 12, data at rest).
enum TextSealingSetup {
    /// `SYNLIG_ENCRYPTION_KEY` seals; without it, a key derived from the installation's secret key
    /// file (which a copy of the database or a backup does not hold). The derived key and the
    /// opening keys always open, so a change of key never leaves a stored text unreadable.
    static func keyring(_ config: AppConfig, secretBox: SecretBox) -> TextKeyring {
        let installationKey = TextSealingKey(secretBox.derivedKey(for: "sealed-text"))
        return TextKeyring(current: config.encryptionKey ?? installationKey,
                           earlier: [installationKey] + config.openingEncryptionKeys)
    }

    /// What `synlig serve` says at start about where the key is kept.
    static func startNotice(_ config: AppConfig) -> (level: Logger.Level, message: Logger.Message) {
        if config.encryptionKey != nil {
            return (.info, "Sensitive free texts are sealed with SYNLIG_ENCRYPTION_KEY.")
        }
        let message: Logger.Message = """
        SYNLIG_ENCRYPTION_KEY is not set: sensitive free texts are sealed with a key derived from \(config.secretKeyFile), \
        so a copy of the database alone does not show them, but one of the whole data folder does. \
        Set SYNLIG_ENCRYPTION_KEY before real data goes in (README: Encryption at rest).
        """
        return (config.demoMode ? .notice : .warning, message)
    }
}

/// The columns whose values are `SealedText`, read from the models themselves, so a field
/// sealed later is resealed and checked without being listed twice.
enum SealedColumns {
    struct Column: Sendable, Hashable {
        var table: String
        var column: String
    }

    static let all: [Column] = [
        columns(of: Caregiver.self), columns(of: CaregiverConversation.self), columns(of: MemoNote.self),
        columns(of: InvolvementRestriction.self), columns(of: CaregiverCorrection.self), columns(of: RecipientCorrection.self),
        columns(of: VoluntarinessCheck.self), columns(of: CaregiverFeedback.self), columns(of: ConsentRecord.self),
        columns(of: CrisisEventContact.self), columns(of: Referral.self), columns(of: SentReferral.self), columns(of: PatientContract.self),
    ].flatMap { $0 }

    private static func columns<M: Model>(of model: M.Type) -> [Column] {
        M().properties.compactMap { property -> Column? in
            switch property {
            case let field as FieldProperty<M, SealedText>: Column(table: M.schema, column: field.key.description)
            case let field as OptionalFieldProperty<M, SealedText>: Column(table: M.schema, column: field.key.description)
            default: nil
            }
        }
    }

    struct Resealed: Sendable, Equatable {
        var examined = 0
        var resealed = 0
    }

    /// Seals every stored text that is in clear or under another key with `keyring`'s current
    /// key: 500 rows a transaction, each write conditional on the value read, so a note saved
    /// meanwhile (sealed under the current key by that save) is left as it is.
    static func reseal(with keyring: TextKeyring, dryRun: Bool = false, on db: any Database) async throws -> Resealed {
        var total = Resealed()
        for column in all {
            var after: UUID?
            while true {
                let from = after
                let batch = try await db.transaction { tx -> (last: UUID?, counts: Resealed) in
                    guard let sql = tx as? any SQLDatabase else { throw Abort(.internalServerError) }
                    var query = sql.select().column("id").column(SQLIdentifier(column.column)).from(column.table)
                        .where(SQLIdentifier(column.column), .isNot, SQLLiteral.null)
                    if let from { query = query.where("id", .greaterThan, SQLBind(from)) }
                    let rows = try await query.orderBy("id").limit(500).all()
                    var counts = Resealed()
                    for row in rows {
                        let stored = try row.decode(column: column.column, as: String.self)
                        counts.examined += 1
                        guard keyring.needsResealing(stored) else { continue }
                        counts.resealed += 1
                        if dryRun { continue }
                        let fresh = keyring.seal(try keyring.open(stored))
                        try await sql.update(column.table).set(SQLIdentifier(column.column), to: SQLBind(fresh))
                            .where("id", .equal, SQLBind(try row.decode(column: "id", as: UUID.self)))
                            .where(SQLIdentifier(column.column), .equal, SQLBind(stored)).run()
                    }
                    return (try rows.last?.decode(column: "id", as: UUID.self), counts)
                }
                guard let last = batch.last else { break }
                after = last
                total.examined += batch.counts.examined
                total.resealed += batch.counts.resealed
            }
        }
        return total
    }

    /// How the stored texts are sealed: how many under each key, and how many in clear.
    struct Census: Sendable, Equatable {
        var byKey: [String: Int] = [:]
        var clear = 0

        /// Keys that sealed stored texts but that `keyring` cannot open.
        func unopenable(with keyring: TextKeyring) -> Set<String> { Set(byKey.keys).subtracting(keyring.keyIDs) }
        /// Texts that `synlig reseal-texts` would seal again: in clear or under another key.
        func due(with keyring: TextKeyring) -> Int { clear + byKey.filter { $0.key != keyring.current.id }.values.reduce(0, +) }
    }

    /// One scan per table, grouped in SQL by the key each column's value names (positions count
    /// characters on both dialects; the prefix's U+0001 is one), so a start costs a table scan
    /// each, not a look at every value in Swift.
    static func census(on db: any Database) async throws -> Census {
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        let prefixLength = TextKeyring.prefix.count
        var census = Census()
        for (table, columns) in Dictionary(grouping: all, by: \.table).sorted(by: { $0.key < $1.key }) {
            var query = sql.select().from(table)
            for (index, column) in columns.enumerated() {
                let value = SQLIdentifier(column.column)
                let key = SQLRaw("CASE WHEN ")
                query = query.column(SQLList([
                    key, value, SQLRaw(" IS NULL THEN NULL WHEN substr("), value, SQLRaw(", 1, \(prefixLength)) = "), SQLBind(TextKeyring.prefix),
                    SQLRaw(" THEN substr("), value, SQLRaw(", \(prefixLength + 1), 8) ELSE '' END"),
                ], separator: SQLRaw("")), as: "k\(index)")
            }
            query = query.column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            for index in columns.indices { query = query.groupBy(SQLIdentifier("k\(index)")) }
            for row in try await query.all() {
                let count = try row.decode(column: "n", as: Int.self)
                for index in columns.indices {
                    guard let key = try row.decode(column: "k\(index)", as: String?.self) else { continue }
                    if key.isEmpty { census.clear += count } else { census.byKey[key, default: 0] += count }
                }
            }
        }
        return census
    }
}

/// `synlig reseal-texts [--dry-run]`: after a key rotation (or once a key is first set), seals
/// every stored sensitive text under the current key. Records the counts in the audit trail.
struct ResealTextsCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "dry-run", help: "Count what would be sealed again; change nothing.")
        var dryRun: Bool
    }

    /// Sealing everything again under a key derived from whatever secret key file this shell
    /// finds could leave every text readable to a copy of the data folder, or under a key no
    /// server has: a rotation names its key.
    static func refusal(_ config: AppConfig, dryRun: Bool) -> AppConfig.Invalid? {
        guard config.encryptionKey == nil, !dryRun else { return nil }
        return AppConfig.Invalid(description: "reseal-texts seals under SYNLIG_ENCRYPTION_KEY, which is not set: run it with the servers' environment")
    }

    var help: String { "Seals every stored sensitive text under SYNLIG_ENCRYPTION_KEY (after a key rotation); --dry-run counts only." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        if let refusal = Self.refusal(app.synligConfig, dryRun: signature.dryRun) { throw refusal }
        guard let keyring = TextSealing.keyring else { throw Abort(.internalServerError) }
        let result = try await SealedColumns.reseal(with: keyring, dryRun: signature.dryRun, on: app.db)
        if signature.dryRun {
            context.console.output("\(result.resealed) of \(result.examined) stored texts would be sealed again under key \(keyring.current.id).".consoleText())
            return
        }
        try await AuditTrail.transaction(on: app.db, actor: .commandLine) { _, audit in
            audit.record("texts.reseal", "database", reference: "\(result.resealed) of \(result.examined) texts, key \(keyring.current.id)",
                         organisation: nil)
        }
        context.console.output("\(result.resealed) of \(result.examined) stored texts sealed again under key \(keyring.current.id).".consoleText())
    }
}
