import Foundation
import Testing
import Vapor
import VaporTesting
@testable import SynligApp
@testable import SynligDemo

/// No page may show a raw key (`record.caregiver`) where a word belongs: every key a template or
/// the Swift code names exists, and every key looked up while rendering the demo's pages was
/// found, also the ones built at run time.
@Suite("Every text a page shows is translated")
struct LocalizationCoverageTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Every file under `folder` with the extension, as text.
    static func texts(under folder: String, ext: String) throws -> [(name: String, text: String)] {
        let base = root.appendingPathComponent(folder)
        var result: [(String, String)] = []
        let files = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil)
        while let file = files?.nextObject() as? URL {
            guard file.pathExtension == ext else { continue }
            result.append((file.lastPathComponent, try String(contentsOf: file, encoding: .utf8)))
        }
        return result
    }

    @Test("Keys named by #t and #tf in templates, and by t(…), message keys and title keys in Swift, all exist in Swedish and English")
    func literalKeysExist() async throws {
        try await withSynlig { app in
            let swedish = try #require(app.localizer.tables["sv"])
            let english = try #require(app.localizer.tables["en"])
            let templatePattern = try Regex(#"(?:#t[fp]?|\btp)\("([a-z_.0-9]+)""#)
            // Literal keys in Swift: t("…"), tp("…"), messageKey: "…", titleKey: "…", …Key: "…", SynligError(.status, "…").
            let swiftPattern = try Regex(#"(?:\btp?\(|[a-zA-Z]*[kK]ey: |SynligError\(\.[a-zA-Z]+, )"([a-z_]+(?:\.[a-z_0-9]+)+)""#)
            // A key with a count has its forms instead: `key.one`, `key.other`.
            func exists(_ key: String, in table: [String: String]) -> Bool {
                table[key] != nil || (table[key + ".one"] != nil && table[key + ".other"] != nil)
            }
            var missing: [String] = []
            var seen = 0
            for (name, text) in try Self.texts(under: "Resources/Views", ext: "leaf") {
                for match in text.matches(of: templatePattern) {
                    let key = String(match.output[1].substring ?? "")
                    seen += 1
                    if !exists(key, in: swedish) || !exists(key, in: english) { missing.append("\(name): \(key)") }
                }
            }
            for (name, text) in try Self.texts(under: "Sources/SynligApp", ext: "swift") {
                for match in text.matches(of: swiftPattern) {
                    let key = String(match.output[1].substring ?? "")
                    seen += 1
                    if !exists(key, in: swedish) || !exists(key, in: english) { missing.append("\(name): \(key)") }
                }
            }
            #expect(seen > 500, "the patterns found only \(seen) keys: they no longer match how keys are written")
            #expect(missing.isEmpty, "\(missing)")
        }
    }

    @Test("Every kind of record in the access log has a name in every language")
    func accessLogRecordKinds() async throws {
        try await withSynlig { app in
            for kind in AccessLogRecordType.allCases {
                for language in Language.allCases {
                    #expect(app.localizer.tables[language.rawValue]?[kind.localizationKey] != nil, "\(kind) in \(language)")
                }
            }
        }
    }

    @Test("Walking the demo's pages as each role, in Swedish and English, and the public pages, finds no missing key and no server error")
    func demoPagesHaveNoMissingKeys() async throws {
        try await withSynlig(adjust: { $0.demoMode = true }) { app in
            _ = try await DemoSeeder.seed(app, password: "demo-losenord-123")
            let uuid = try Regex("[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")
            let href = try Regex(##"href="(/[^"#?]*)"##)
            var visited = 0
            var errors: [String] = []
            // The consultant reads records first, so the administrator's access log has rows to name.
            // Every role in Swedish; in English the three whose pages cover the rest.
            let walks = ["konsulent", "handlaggare", "personal", "strateg", "politiker", "admin"].map { ($0, "sv") }
                + [("konsulent", "en"), ("strateg", "en"), ("admin", "en")]
            for (email, language) in walks {
                let browser = Browser(app)
                browser.headers.replaceOrAdd(name: .acceptLanguage, value: language)
                try await browser.signIn("\(email)@exempel.se", password: "demo-losenord-123")
                var queue = ["/"]
                var seenPaths: Set<String> = []
                var perPattern: [String: Int] = [:]
                while let path = queue.first, visited < 2_000 {
                    queue.removeFirst()
                    let response = try await browser.get(path)
                    visited += 1
                    if response.status.code >= 500 { errors.append("\(email) \(path): \(response.status.code)") }
                    guard response.headers.contentType?.subType == "html" else { continue }
                    for match in response.body.string.matches(of: href) {
                        let next = String(match.output[1].substring ?? "")
                        guard !seenPaths.contains(next), !next.hasPrefix("/logout"), !next.hasPrefix("/language/"),
                              !next.hasPrefix("/css/"), !next.hasPrefix("/js/"), !next.hasSuffix(".svg") else { continue }
                        seenPaths.insert(next)
                        // One of each kind of page (ids replaced) meets every template.
                        let pattern = next.replacing(uuid, with: ":id")
                        guard perPattern[pattern, default: 0] < 1 else { continue }
                        perPattern[pattern, default: 0] += 1
                        queue.append(next)
                    }
                }
            }
            for path in ["/stod", "/stod/9999", "/en/support", "/en/support/9999", "/fi/support", "/fi/support/9999"] {
                let response = try await app.testing().sendRequest(.GET, path)
                visited += 1
                if response.status.code >= 500 { errors.append("\(path): \(response.status.code)") }
            }
            #expect(visited > 100)
            #expect(errors.isEmpty, "\(errors)")
            #expect(app.localizer.missingKeys.all.isEmpty, "\(app.localizer.missingKeys.all.sorted())")
        }
    }
}
