import Crypto
import Fluent
import Foundation
import SQLKit
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

@Suite("Data at rest: the sensitive free texts are sealed in the database and readable only through Synlig")
struct SealedTextStorageTests {
    /// Texts that must never be found in the database as written.
    private static let secrets = [
        "health-before": "Sömnlös sedan i våras", "health-after": "Ont i ryggen efter lyften",
        "conversation": "Orkar inte kvällarna längre", "own-life": "Har slutat sjunga i kören",
        "recipient-life": "Vill bo kvar hemma", "quality": "Hemtjänsten kommer olika tider", "agreed": "Ansöka om växelvård i mars",
        "memo": "Ring tillbaka efter läkarbesöket", "restriction": "Hot mot personalen vid hembesök", "lifted": "Situationen har lugnat sig",
        "not-carry": "Nattvaken varje natt", "voluntariness": "Gråter när hon berättar", "feedback": "Hemtjänsten glömde medicinen",
        "feedback-answer": "Vi har bytt rutin för medicinen", "consent-note": "Samtycket gavs vid hembesöket", "crisis": "Behöver hjälp med vatten",
        "referral": "Orkar inte längre, behöver avlastning", "contract": "Promenaderna blev av bara en gång",
        "own-needs": "Vill ha samtal om sin egen sorg",
    ]

    /// A caregiver with every kind of sealed text: a health note corrected once (so the history
    /// holds the first), a conversation and a memo through the API, a restriction set and lifted.
    private func fill(_ app: Application) async throws -> (world: RecordWorld, caregiverID: UUID) {
        // A region refers a caregiver to the municipality, so both ends of a referral hold a reason.
        let referrals = try await ReferralWorld.make(app)
        try await referrals.refer(app, [.careSituation, .ownNeeds], needs: Self.secrets["own-needs"]!, reason: Self.secrets["referral"]!)
        let world = referrals.municipality
        let (caregiver, _, relationship) = try await world.pair(app, "Åsa Öberg-Ärlig", caring: "Olle Öberg", in: world.unitA)
        let id = try caregiver.requireID()
        for note in [Self.secrets["health-before"]!, Self.secrets["health-after"]!] {
            let current = try #require(try await Caregiver.find(id, on: app.db))
            _ = try await CaregiverService.save(id, CaregiverInput(name: current.name, preferredLanguage: "sv", interpreterNeed: InterpreterNeed.no.rawValue,
                                                                   ownHealthNote: note, version: current.version),
                                                by: world.consultant, on: app.db)
        }
        let api = try await APIClient.signedIn(app, world.consultant.email)
        let conversation = try JSONSerialization.data(withJSONObject: [
            "heldOn": CalendarDate.today().iso, "helpToCare": Self.secrets["conversation"]!, "ownLife": Self.secrets["own-life"]!,
            "recipientLife": Self.secrets["recipient-life"]!, "serviceQuality": Self.secrets["quality"]!, "agreedActions": Self.secrets["agreed"]!,
        ])
        #expect(try await api.send(.POST, "/api/v1/caregivers/\(id)/conversations", json: String(decoding: conversation, as: UTF8.self)).status == .created)
        #expect(try await api.send(.POST, "/api/v1/caregivers/\(id)/memo-notes", json: #"{"text":"\#(Self.secrets["memo"]!)"}"#).status == .created)
        let restriction = try await ConsentService.restrict(
            relationshipID: try relationship.requireID(),
            RestrictionInput(reason: RestrictionReason.allCases[0].rawValue, note: Self.secrets["restriction"]!, decidedOn: CalendarDate.today().iso,
                             reviewOn: CalendarDate.today().addingDays(30).iso),
            by: world.consultant, on: app.db)
        try await ConsentService.lift(restrictionID: try restriction.requireID(), reason: Self.secrets["lifted"]!, by: world.consultant, on: app.db)
        // The person cared for's care contact corrected, so their history holds a value. The
        // contact itself is stored in clear in the person's row, so it is no secret here.
        let recipient = try #require(try await CareRecipient.find(relationship.recipientID, on: app.db))
        for contact in ["Sjuksköterskan på Vårdcentralen Norr", "Ny kontakt"] {
            let current = try #require(try await CareRecipient.find(try recipient.requireID(), on: app.db))
            _ = try await CaregiverService.saveRecipient(try recipient.requireID(), RecipientInput(
                name: current.name, unitIds: [try world.unitA.requireID().uuidString], fixedCareContact: contact, patientContract: false,
                version: current.version), by: world.consultant, on: app.db)
        }
        // The voluntariness check's and the feedback's words, a consent's note, a crisis call's note
        // and a patient contract's follow-up.
        _ = try await FollowUpService.recordVoluntariness(caregiverID: id, VoluntarinessInput(
            wantsToContinue: "yes", ableToContinue: "partly", shouldNotCarry: ShouldNotCarryAnswer.some.rawValue,
            shouldNotCarryWhat: Self.secrets["not-carry"]!, comment: Self.secrets["voluntariness"]!), by: world.consultant, on: app.db)
        let feedback = try await FollowUpService.saveFeedback(nil, caregiverID: id, FeedbackInput(kind: "complaint", summary: Self.secrets["feedback"]!),
                                                              by: world.consultant, on: app.db)
        _ = try await FollowUpService.saveFeedback(try feedback.requireID(), caregiverID: id, FeedbackInput(
            kind: "complaint", summary: Self.secrets["feedback"]!, status: FeedbackStatus.answered.rawValue,
            response: Self.secrets["feedback-answer"]!, version: feedback.version), by: world.consultant, on: app.db)
        _ = try await ConsentService.record(relationshipID: try relationship.requireID(), ConsentInput(
            kind: ConsentEntryKind.consent.rawValue, categories: [ConsentCategory.allCases[0].rawValue], form: ConsentForm.oral.rawValue,
            date: CalendarDate.today().iso, note: Self.secrets["consent-note"]!), by: world.consultant, on: app.db)
        let event = try await CrisisEventService.start(kind: .heatWave, title: "Värmebölja", unitID: nil, by: world.consultant, on: app.db)
        let call = try #require(try await CrisisEventContact.query(on: app.db).filter(\.$eventID == event.requireID()).first(),
                                "the caregiver is on the crisis list the event starts from")
        _ = try await CrisisEventService.update(contactID: try call.requireID(), in: event, status: .needsHelp, note: Self.secrets["crisis"]!,
                                                version: call.version, by: world.consultant, on: app.db)
        let today = CalendarDate.today().iso
        let contract = try await api.send(.POST, "/api/v1/recipients/\(relationship.recipientID)/patient-contracts",
                                          json: json(["agreed": "Promenad varje dag", "agreedOn": today, "followUpOn": today]))
        let contractID = try contract.decoded(API.PatientContractOut.self).id
        #expect(try await api.send(.POST, "/api/v1/patient-contracts/\(contractID)/follow-up",
                                   json: json(["result": "notKept", "followedUpOn": today, "comment": Self.secrets["contract"]!, "version": 1])).status == .ok)
        return (world, id)
    }

    /// Every row of every table as the database holds it, as one text per table.
    private func rawTables(_ app: Application) async throws -> [String: Data] {
        switch app.synligConfig.database {
        case .sqlite(let path):
            // The file and its write-ahead log, byte for byte: what a copy of the data folder holds.
            return Dictionary(uniqueKeysWithValues: ["", "-wal"].compactMap { suffix in
                FileManager.default.contents(atPath: path + suffix).map { ("synlig.sqlite" + suffix, $0) }
            })
        case .postgres:
            let sql = try #require(app.db as? any SQLDatabase)
            var tables: [String: Data] = [:]
            for table in try await DialectSQL.tables(on: sql) {
                let rows = try await sql.raw("SELECT CAST(t AS TEXT) AS row FROM \(ident: table) t").all()
                tables[table] = Data(try rows.map { try $0.decode(column: "row", as: String.self) }.joined(separator: "\n").utf8)
            }
            return tables
        }
    }

    @Test("None of the texts is in the database as written, every sealed column holds only sealed values, and pages, API and extract show the texts")
    func nothingInClear() async throws {
        try await withSynlig { app in
            let (world, id) = try await fill(app)
            let sql = try #require(app.db as? any SQLDatabase)

            #expect(Set(SealedColumns.all.map { "\($0.table).\($0.column)" }) == [
                "caregivers.own_health_note", "caregiver_conversations.help_to_care", "caregiver_conversations.own_life",
                "caregiver_conversations.recipient_life", "caregiver_conversations.service_quality", "caregiver_conversations.agreed_actions",
                "memo_notes.text", "involvement_restrictions.note", "involvement_restrictions.lifted_reason", "caregiver_corrections.previous_value",
                "recipient_corrections.previous_value", "voluntariness_checks.comment", "voluntariness_checks.should_not_carry_what",
                "caregiver_feedback.summary", "caregiver_feedback.response", "consents.note", "crisis_event_contacts.note",
                "referrals.reason", "referrals.own_needs", "sent_referrals.reason", "patient_contracts.comment",
            ])
            for column in SealedColumns.all {
                let values = try await sql.select().column(SQLIdentifier(column.column)).from(column.table)
                    .where(SQLIdentifier(column.column), .isNot, SQLLiteral.null).all()
                    .map { try $0.decode(column: column.column, as: String.self) }
                #expect(!values.isEmpty, "\(column.table).\(column.column) has a value to check")
                #expect(values.allSatisfy { TextKeyring.keyID(of: $0) != nil }, "\(column.table).\(column.column) holds a value in clear")
            }

            let raw = try await rawTables(app)
            #expect(!raw.isEmpty)
            for (name, bytes) in raw {
                for (label, secret) in Self.secrets {
                    #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(label) is readable in \(name)")
                }
            }
            // Names are not sealed (they are searched and sorted), so the raw read does see the data.
            #expect(raw.values.contains { $0.range(of: Data("Åsa Öberg-Ärlig".utf8)) != nil }, "the raw read sees unsealed columns")

            // Through Synlig they read as written.
            let browser = Browser(app)
            try await browser.signIn(world.consultant.email)
            let record = try await browser.get("/caregivers/\(id)").body.string
            for label in ["health-after", "memo"] { #expect(record.contains(Self.secrets[label]!), "the record shows \(label)") }
            #expect(try await browser.get("/caregivers/\(id)/corrections").body.string.contains(Self.secrets["health-before"]!))
            let api = try await APIClient.signedIn(app, world.consultant.email)
            let conversations = try await api.send(.GET, "/api/v1/caregivers/\(id)/conversations").body.string
            for label in ["conversation", "own-life", "recipient-life", "quality", "agreed"] {
                #expect(conversations.contains(Self.secrets[label]!), "the API shows \(label)")
            }
            let extract = try await api.send(.GET, "/api/v1/caregivers/\(id)/extract").body.string
            for label in ["restriction", "lifted", "health-before", "memo"] { #expect(extract.contains(Self.secrets[label]!), "the extract shows \(label)") }
        }
    }

    @Test("After a key rotation reseal-texts seals every text under the new key; texts from before sealing are sealed too; serve refuses a key it was not given")
    func rotation() async throws {
        try await withSynlig { app in
            let (_, id) = try await fill(app)
            let sql = try #require(app.db as? any SQLDatabase)
            let installed = try #require(TextSealing.keyring)
            // A memo written before sealing existed, stored as written.
            try await sql.update("memo_notes").set("text", to: SQLBind("Skriven före krypteringen")).where("caregiver_id", .equal, SQLBind(id)).run()
            #expect(installed.current.id == TestDatabase.encryptionKey.id, "SYNLIG_ENCRYPTION_KEY seals")
            #expect(try await SealedColumns.census(on: app.db).clear == 1)
            #expect(try await SealedColumns.census(on: app.db).due(with: installed) == 1)
            try await runCommand(app, "reseal-texts", "--dry-run")
            #expect(try await MemoNote.query(on: app.db).first()?.text == "Skriven före krypteringen")
            #expect(try await sql.select().column("text").from("memo_notes").first(decodingColumn: "text", as: String.self) == "Skriven före krypteringen",
                    "a dry run changes nothing")
            try await runCommand(app, "reseal-texts")
            let memo = try #require(try await sql.select().column("text").from("memo_notes").first(decodingColumn: "text", as: String.self))
            #expect(TextKeyring.keyID(of: memo) == installed.current.id)
            #expect(try await MemoNote.query(on: app.db).first()?.text == "Skriven före krypteringen")
            let audited = try await AuditEvent.query(on: app.db).filter(\.$action == "texts.reseal").count()
            #expect(audited == 1)
            #expect(try await SealedColumns.census(on: app.db).due(with: installed) == 0)

            // Rotate: a new key seals, the installed one only opens.
            let newKey = TextSealingKey(SymmetricKey(size: .bits256))
            let rotated = TextKeyring(current: newKey).opening(alsoWith: installed)
            var stored = 0
            for column in SealedColumns.all {
                stored += try await sql.select().column(SQLFunction("COUNT", args: SQLIdentifier(column.column)), as: "n").from(column.table)
                    .first(decodingColumn: "n", as: Int.self) ?? 0
            }
            let first = try await SealedColumns.reseal(with: rotated, on: app.db)
            #expect(stored >= 10 && first == .init(examined: stored, resealed: stored), "\(first) of \(stored)")
            #expect(try await SealedColumns.reseal(with: rotated, on: app.db).resealed == 0, "a second run has nothing left")
            for column in SealedColumns.all {
                for row in try await sql.select().column(SQLIdentifier(column.column)).from(column.table)
                    .where(SQLIdentifier(column.column), .isNot, SQLLiteral.null).all() {
                    let stored = try row.decode(column: column.column, as: String.self)
                    #expect(TextKeyring.keyID(of: stored) == newKey.id)
                    _ = try TextKeyring(current: newKey).open(stored)   // the new key alone opens it
                }
            }
            let resealedMemo = try #require(try await sql.select().column("text").from("memo_notes").first(decodingColumn: "text", as: String.self))
            #expect(try TextKeyring(current: newKey).open(resealedMemo) == "Skriven före krypteringen")

            // This process was never given the new key: a start refuses, naming it, rather than fail on a page.
            let census = try await SealedColumns.census(on: app.db)
            #expect(census.byKey == [newKey.id: stored] && census.clear == 0)
            #expect(census.unopenable(with: installed) == [newKey.id])
            #expect(census.unopenable(with: rotated).isEmpty)
            await #expect(throws: AppConfig.Invalid.self) { try await SynligServeCommand.checkSealedTexts(app) }
        }
    }

    @Test("The keys are read from the environment, and a wrong one stops the start with a message that says how to make one")
    func keysFromEnvironment() throws {
        let key = Data(repeating: 7, count: 32).base64EncodedString(), old = Data(repeating: 9, count: 32).base64EncodedString()
        let config = try AppConfig.fromEnvironment(demoMode: false, environment: ["SYNLIG_ENCRYPTION_KEY": key, "SYNLIG_ENCRYPTION_OPENING_KEYS": old])
        #expect(config.encryptionKey?.id == TextSealingKey(base64: key)?.id)
        #expect(config.openingEncryptionKeys.map(\.id) == [TextSealingKey(base64: old)?.id])
        let short = #expect(throws: AppConfig.Invalid.self) {
            try AppConfig.fromEnvironment(demoMode: false, environment: ["SYNLIG_ENCRYPTION_KEY": "kort"])
        }
        #expect(short?.description.contains("openssl rand -base64 32") == true)
        #expect(throws: AppConfig.Invalid.self) {
            try AppConfig.fromEnvironment(demoMode: false, environment: ["SYNLIG_ENCRYPTION_OPENING_KEYS": "\(old),kort"])
        }
        // Opening keys alone: the first step of a rolling rotation, before any instance seals with the next key.
        let opening = try AppConfig.fromEnvironment(demoMode: false, environment: ["SYNLIG_ENCRYPTION_OPENING_KEYS": old])
        #expect(opening.encryptionKey == nil && opening.openingEncryptionKeys.count == 1)
        // Without a key the start says where the texts' key is kept instead, louder outside demo mode.
        let plain = try AppConfig.fromEnvironment(demoMode: true, environment: [:])
        let demo = TextSealingSetup.startNotice(plain)
        #expect(demo.level == .notice && "\(demo.message)".contains("SYNLIG_ENCRYPTION_KEY is not set"))
        var production = plain
        production.demoMode = false
        #expect(TextSealingSetup.startNotice(production).level == .warning)
        #expect(TextSealingSetup.startNotice(config).level == .info)
        // reseal-texts seals only under a key it was given, never under whatever key file its shell finds.
        #expect(ResealTextsCommand.refusal(plain, dryRun: false) != nil)
        #expect(ResealTextsCommand.refusal(plain, dryRun: true) == nil)
        #expect(ResealTextsCommand.refusal(config, dryRun: false) == nil)
    }
}
