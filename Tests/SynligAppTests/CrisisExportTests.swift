import Fluent
import Foundation
import Logging
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

@Suite("Crisis list export: an AES-256 PDF (revision 6) that opens with its passphrase only")
struct CrisisExportTests {
    static let passphrase = "Värmebölja i juli 2026"

    private func exportPDF(_ browser: Browser, unit: String = "", passphrase: String = passphrase,
                           confirmation: String? = nil) async throws -> TestingHTTPResponse {
        try await browser.get("/crisis/export")
        return try await browser.post("/crisis/export", form: [("unit", unit), ("passphrase", passphrase),
                                                               ("confirmation", confirmation ?? passphrase)])
    }

    @Test("The exported file opens with the passphrase, not without it or with another; qpdf finds no errors; it holds the list and no restricted caregiver's contact")
    func encryptedPDF() async throws {
        let capture = LogCapture()
        try await withSynlig(prepare: { app in
            app.logger = Logger(label: "synlig-test") { capture.handler(label: $0) }
            app.logger.logLevel = .trace
        }) { app in
            let crisis = try await CrisisWorld.make(app)
            let browser = Browser(app)
            try await browser.signIn("karin@0180.test.se")
            let response = try await exportPDF(browser)
            #expect(response.status == .ok)
            #expect(response.headers.contentType == HTTPMediaType(type: "application", subType: "pdf"))
            #expect(response.headers.first(name: .contentDisposition)?.contains("krislista-\(CalendarDate.today().iso).pdf") == true)
            #expect(response.headers.first(name: .cacheControl)?.contains("no-store") == true)
            let bytes = Array(response.body.readableBytesView)
            #expect(bytes.starts(with: Array("%PDF-1.7".utf8)))
            let raw = String(decoding: bytes, as: UTF8.self)
            #expect(!raw.contains("Anna") && !raw.contains("070-111"), "nothing readable without the passphrase")
            #expect(raw.contains("/V 5 /R 6") && raw.contains("/CFM /AESV3"))

            let text = try #require(try PDFTools.text(ofEncrypted: bytes, password: Self.passphrase))
            for expected in ["Krislista: anhöriga att nå", "Anna Åberg", "Sven Åberg", CrisisWorld.annaPhone, "Storgatan 1, Norrby",
                             "Hemtjänst Norra", "Socialpsykiatri", "Bo Ek", "Cia Lund", "Kontakt endast via enheten", "Förstör listan senast",
                             "Ring hemtjänstens larmnummer"] {
                #expect(text.contains(expected), "\(expected)")
            }
            for secret in CrisisWorld.boPhoneForms + CrisisWorld.ciaPhoneForms + [CrisisWorld.boAddress, CrisisWorld.boPlan, "Eva Papper", "Frida"] {
                #expect(!text.contains(secret), "\(secret)")
            }
            #expect(try PDFTools.refuses(bytes, password: nil), "no passphrase")
            #expect(try PDFTools.refuses(bytes, password: "Värmebölja i juli 2025"), "a wrong passphrase")

            let export = try #require(try await CrisisExport.query(on: app.db).first())
            #expect(export.format == .encryptedPDF && export.peopleCount == 3 && export.actorUserID == crisis.world.consultant.id)
            #expect(try await auditActions(app).contains("crisis.export"))
            #expect(try await AccessLogEntry.query(on: app.db).filter(\.$via == "POST /crisis/export").count() == 6)
            #expect(!capture.all.contains { $0.contains("Värmebölja") || $0.contains("Anna") }, "neither passphrase nor names in the log")
        }
    }

    @Test("A unit's export holds only that unit's caregivers and records its scope")
    func unitExport() async throws {
        try await withSynlig { app in
            let crisis = try await CrisisWorld.make(app)
            let browser = Browser(app)
            try await browser.signIn("sara@0180.test.se")
            let response = try await exportPDF(browser, unit: try crisis.world.unitA.requireID().uuidString)
            #expect(response.status == .ok)
            let text = try #require(try PDFTools.text(ofEncrypted: Array(response.body.readableBytesView), password: Self.passphrase))
            #expect(text.contains("Anna Åberg") && !text.contains("Cia Lund"))
            let export = try #require(try await CrisisExport.query(on: app.db).first())
            #expect(export.unitID == crisis.world.unitA.id && export.peopleCount == 2)
            let other = try await exportPDF(browser, unit: try crisis.other.unitA.requireID().uuidString)
            #expect(other.status == .badRequest)
        }
    }

    @Test("A short, overlong or mistyped passphrase is refused with a clear message, never shown again, and nothing is exported")
    func passphraseChecked() async throws {
        try await withSynlig { app in
            _ = try await CrisisWorld.make(app)
            let browser = Browser(app)
            try await browser.signIn("admin@0180.test.se")
            let short = try await exportPDF(browser, passphrase: "kort lösen")
            #expect(short.status == .unprocessableEntity)
            #expect(short.body.string.contains("Lösenfrasen måste ha minst 12 tecken."))
            #expect(short.body.string.contains("<title>Fel: ") || short.body.string.contains("error-summary"))
            #expect(!short.body.string.contains("kort lösen"))
            let spaces = try await exportPDF(browser, passphrase: "      ab        ")
            #expect(spaces.status == .unprocessableEntity)
            let long = try await exportPDF(browser, passphrase: String(repeating: "å", count: 201))
            #expect(long.status == .unprocessableEntity)
            #expect(long.body.string.contains("högst 200 tecken"))
            let mismatch = try await exportPDF(browser, confirmation: "Värmebölja i juli 2027")
            #expect(mismatch.status == .unprocessableEntity)
            #expect(mismatch.body.string.contains("Lösenfraserna är inte lika"))
            #expect(!mismatch.body.string.contains(Self.passphrase))
            #expect(try await CrisisExport.query(on: app.db).count() == 0)
        }
    }

    @Test("A restricted caregiver's phone appears in no output: page, print view and file, in Swedish and English")
    func restrictedPhoneNowhere() async throws {
        try await withSynlig { app in
            let crisis = try await CrisisWorld.make(app)
            let browser = Browser(app)
            try await browser.signIn("karin@0180.test.se")
            var outputs: [String] = []
            for language in ["sv", "en"] {
                browser.headers.replaceOrAdd(name: .acceptLanguage, value: language)
                outputs.append(try await browser.get("/crisis").body.string)
                outputs.append(try await browser.get("/crisis/print").body.string)
                outputs.append(try await browser.get("/crisis?unit=\(try crisis.world.unitA.requireID())").body.string)
                let file = try await exportPDF(browser)
                outputs.append(try #require(try PDFTools.text(ofEncrypted: Array(file.body.readableBytesView), password: Self.passphrase)))
            }
            #expect(outputs.count == 8)
            for output in outputs {
                #expect(output.contains("Bo Ek"))
                for secret in CrisisWorld.boPhoneForms + [CrisisWorld.boAddress, CrisisWorld.boPlan] {
                    #expect(!output.contains(secret), "\(secret)")
                }
            }
        }
    }

    @Test("synlig crisis-export writes the same encrypted file and audits it with the command line as actor")
    func commandLine() async throws {
        try await withSynlig { app in
            let crisis = try await CrisisWorld.make(app)
            let out = PDFTools.temporary(".pdf"), passphraseFile = PDFTools.temporary(".txt")
            defer { for path in [out, passphraseFile] { try? FileManager.default.removeItem(atPath: path) } }
            try (Self.passphrase + "\n").write(toFile: passphraseFile, atomically: true, encoding: .utf8)
            try await runCommand(app, "crisis-export", "--organisation", "0180", "--out", out, "--passphrase-file", passphraseFile)
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: out)))
            let text = try #require(try PDFTools.text(ofEncrypted: bytes, password: Self.passphrase))
            #expect(text.contains("Anna Åberg") && text.contains("Cia Lund") && text.contains("kommandoraden"))
            for secret in CrisisWorld.boPhoneForms + ["Frida"] { #expect(!text.contains(secret), "\(secret)") }
            #expect(try PDFTools.refuses(bytes, password: nil))
            let permissions = try FileManager.default.attributesOfItem(atPath: out)[.posixPermissions] as? Int
            #expect(permissions == 0o600)

            let export = try #require(try await CrisisExport.query(on: app.db).first())
            #expect(export.actorKind == "cli" && export.actorUserID == nil && export.peopleCount == 3
                    && export.organisationID == crisis.world.organisation.id && export.format == .encryptedPDF)
            let event = try #require(try await AuditEvent.query(on: app.db).filter(\.$action == "crisis.export").first())
            #expect(event.actorKind == "cli" && event.organisationID == crisis.world.organisation.id)

            // Bad input: a clear error, no file, no export.
            try "kort\n".write(toFile: passphraseFile, atomically: true, encoding: .utf8)
            let missing = PDFTools.temporary(".pdf")
            await #expect(throws: (any Error).self) {
                try await runCommand(app, "crisis-export", "--organisation", "0180", "--out", missing, "--passphrase-file", passphraseFile)
            }
            try (Self.passphrase + "\n").write(toFile: passphraseFile, atomically: true, encoding: .utf8)
            await #expect(throws: (any Error).self) {
                try await runCommand(app, "crisis-export", "--organisation", "9999", "--out", missing, "--passphrase-file", passphraseFile)
            }
            await #expect(throws: (any Error).self) {
                try await runCommand(app, "crisis-export", "--organisation", "0180", "--out", missing)
            }
            #expect(!FileManager.default.fileExists(atPath: missing))
            #expect(try await CrisisExport.query(on: app.db).count() == 1)
        }
    }

    @Test("A long list flows over several A4 pages, each with its footer, and an unencrypted file passes qpdf --check")
    func pages() throws {
        let rows = (1...80).map { index in
            CrisisRowText(priority: 1, caregiver: "Anhörig \(index) (Åsa)", throughUnit: index % 5 == 0, phone: "070-000 00 \(index)",
                          telHref: nil, email: nil, recipient: "Närstående \(index)", relation: "partner", livesTogether: true,
                          address: "Gatan \(index)", needs: "Demenssjukdom", care: "Personlig omvårdnad",
                          emergencyPlan: String(repeating: "Plan \\ (viktig) ", count: 12), futurePlan: "Framtid", units: "Enhet")
        }
        let heading = CrisisPDF.Heading(organisation: "Testkommun", scope: "Hela organisationen", exported: "nu", destroyBy: "snart")
        let pages = CrisisPDF.pages([CrisisAreaText(name: "Enhet", count: rows.count, rows: rows)], total: rows.count, heading: heading) { key, arguments in
            ([key] + arguments).joined(separator: " ")
        }
        #expect(pages.count > 3)
        for page in pages {
            #expect(page.allSatisfy { $0.y >= 20 && $0.y <= PDFWriter.pageHeight && $0.x + PDFWriter.width($0.text, font: $0.font, size: $0.size) <= PDFWriter.pageWidth - 40 })
            #expect(page.last?.text.hasPrefix("crisis.pdf_footer") == true)
        }
        let plain = try PDFWriter.document(pages: pages, security: nil, id: [UInt8](repeating: 7, count: 16))
        let path = PDFTools.temporary(".pdf")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(plain).write(to: URL(fileURLWithPath: path))
        let check = try #require(try PDFTools.run("qpdf", ["--check", path]))
        #expect(check.status == 0, "\(check.output) \(check.errors)")
        let text = try #require(try PDFTools.run("pdftotext", ["-enc", "UTF-8", path, "-"]))
        #expect(text.output.contains("Anhörig 80 (Åsa)") && text.output.contains("Plan \\ (viktig)"))
    }
}
