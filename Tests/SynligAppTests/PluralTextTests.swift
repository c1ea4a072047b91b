import Foundation
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

/// A count beside a noun takes the form its language asks for: "1 stödform", "2 stödformer",
/// "1 tukimuoto". Each such text is a plural key (`key.one`, `key.other`) read through one
/// helper, `#tp` in templates and `req.tp` in Swift.
@Suite("Counts are shown with the right noun form")
struct PluralTextTests {
    @Test("Every plural key has every form its language needs, in Swedish, English and each public language")
    func everyFormPresent() async throws {
        try await withSynlig { app in
            let tables = app.localizer.tables
            let bases = PluralRules.bases(in: Array(tables.values))
            var problems: [String] = []
            // Swedish and English are complete; a public page's further language has every form
            // of each plural text it translates.
            for (language, table) in tables.sorted(by: { $0.key < $1.key }) {
                let complete = Language(rawValue: language) != nil
                problems += PluralRules.missingForms(of: bases, in: table, language: language, complete: complete)
                    .map { "\(language): \($0) missing" }
                // A plain key beside plural forms is a leftover that a page could still show.
                for base in bases where table[base] != nil { problems.append("\(language): \(base) exists both plain and plural") }
            }
            #expect(bases.count >= 15, "the plural keys were not found")
            #expect(problems.isEmpty, "\(problems)")
        }
    }

    @Test("A plural key is only ever read through the plural helper, and every key it reads has forms")
    func readThroughHelper() async throws {
        try await withSynlig { app in
            let swedish = try #require(app.localizer.tables["sv"])
            let plural = try Regex(#"(?:#tp|\btp)\("([a-z_0-9]+\.[a-z_.0-9]+)""#)
            let plain = try Regex(#"(?:#tf?\(|\bt\()"([a-z_.0-9]+)""#)
            var problems: [String] = []
            var seen = 0
            for (folder, ext) in [("Resources/Views", "leaf"), ("Sources/SynligApp", "swift")] {
                for (name, text) in try LocalizationCoverageTests.texts(under: folder, ext: ext) {
                    for match in text.matches(of: plural) {
                        let key = String(match.output[1].substring ?? "")
                        seen += 1
                        if swedish[key + ".one"] == nil || swedish[key + ".other"] == nil { problems.append("\(name): \(key) is read as plural but has no forms") }
                    }
                    for match in text.matches(of: plain) {
                        let key = String(match.output[1].substring ?? "")
                        if swedish[key] == nil && swedish[key + ".other"] != nil { problems.append("\(name): \(key) has a count but is read without one") }
                    }
                }
            }
            #expect(seen >= 12, "the pattern found only \(seen) plural keys")
            #expect(problems.isEmpty, "\(problems)")
        }
    }

    @Test("The public page says '1 stödform', '1 form of support' and '1 tukimuoto', and the plural from two on")
    func publicResultCount() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            let karin = try await currentUser(app, try await makeUser(app, in: organisation, email: "karin@test.se", roles: [.consultant]))
            func add(_ name: String) async throws {
                _ = try await SupportService.save(nil, SupportCatalogueTests().offering(name, kind: .supportGroup), by: karin, on: app.db)
            }
            try await add("Anhöriggrupp")
            let one = [("/stod/0180", "1 stödform<"), ("/en/support/0180", "1 form of support<"), ("/fi/support/0180", "1 tukimuoto<")]
            for (path, words) in one {
                let html = try await app.testing().sendRequest(.GET, path).body.string
                #expect(html.contains(words), "\(path)")
            }
            try await add("Samtalsstöd")
            let two = [("/stod/0180", "2 stödformer<"), ("/en/support/0180", "2 forms of support<"), ("/fi/support/0180", "2 tukimuotoa<")]
            for (path, words) in two {
                let html = try await app.testing().sendRequest(.GET, path).body.string
                #expect(html.contains(words), "\(path)")
            }
        }
    }

    @Test("A locked sign-in says '1 minut' when one minute is left, through the same helper")
    func errorMessageCount() async throws {
        try await withSynlig { app in
            let error = SynligError(.tooManyRequests, "login.locked", count: 1)
            #expect(error.message(app.localizer, "sv") == "För många misslyckade inloggningar. Försök igen om 1 minut.")
            #expect(SynligError(.tooManyRequests, "login.locked", count: 5).message(app.localizer, "en")
                    == "Too many failed sign-ins. Try again in 5 minutes.")
        }
    }
}
