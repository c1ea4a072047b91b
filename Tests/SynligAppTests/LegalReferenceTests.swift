import Foundation
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

/// A municipality's public pages must state the law as it is today. Every law the product
/// cites comes from `Resources/LegalReferences.json`, which says when each reference was
/// checked and whether its paragraph was verified; no text types a paragraph by hand.
@Suite("Legal references come from one checked file")
struct LegalReferenceTests {
    static let root = LocalizationCoverageTests.root

    /// What a hand-typed legal reference looks like in Swedish, English or Finnish text:
    /// a paragraph sign, a chapter, an SFS number in brackets, or an act's abbreviation.
    static var handTyped: Regex<AnyRegexOutput> { try! Regex(#"§|\bkap\.|\bSFS\b|\(\d{4}:\d{1,4}\)|\b(?:chapter|section)\s+\d|\bluku\b|\b(?:SoL|HSL|OSL|PDL|SoF)\b"#) }

    @Test("Every reference in the file names the act in each language, its SFS number and the day it was checked, and shows a paragraph only when it was verified")
    func fileIsComplete() async throws {
        try await withSynlig { app in
            let references = app.legalReferences
            #expect(references.all.count >= 3)
            #expect(references.problems(languages: ["sv", "en", "fi"], today: .today()).isEmpty,
                    "\(references.problems(languages: ["sv", "en", "fi"], today: .today()))")
            // The caregiver-support duty is cited from the act in force since 1 July 2025.
            let support = try #require(references.current("caregiver_support"))
            #expect(support.sfs == "2025:400")
            #expect(references.current("caregiver_support_2001") == nil, "a replaced act is never cited as current law")
        }
    }

    @Test("No template, text or Swift string types a legal reference by hand; each law(…) names a current reference")
    func noHandTypedReferences() async throws {
        try await withSynlig { app in
            var found: [String] = []
            for language in app.localizer.tables.keys.sorted() {
                for (key, value) in app.localizer.tables[language] ?? [:] where value.contains(Self.handTyped) {
                    found.append("\(language).json \(key): \(value)")
                }
            }
            for (name, text) in try LocalizationCoverageTests.texts(under: "Resources/Views", ext: "leaf") {
                for line in text.split(separator: "\n") where line.contains(Self.handTyped) { found.append("\(name): \(line)") }
            }
            // Swift code outside the one type that formats citations: string literals only.
            let literal = try Regex(#""[^"\n]*""#)
            for folder in ["Sources/SynligApp", "Sources/SynligCore"] {
                for (name, text) in try LocalizationCoverageTests.texts(under: folder, ext: "swift") where name != "LegalReference.swift" {
                    for match in text.matches(of: literal) where String(text[match.range]).contains(Self.handTyped) {
                        found.append("\(name): \(text[match.range])")
                    }
                }
            }
            #expect(found.isEmpty, "\(found)")

            let named = try Regex(#"\blaw\("([a-z_0-9]+)"\)|current\("([a-z_0-9]+)"\)"#)
            var unknown: [String] = []
            var seen = 0
            for folder in ["Resources/Views", "Sources/SynligApp"] {
                for (name, text) in try LocalizationCoverageTests.texts(under: folder, ext: folder.hasPrefix("Resources") ? "leaf" : "swift") {
                    for match in text.matches(of: named) {
                        let id = String(match.output[1].substring ?? match.output[2].substring ?? "")
                        seen += 1
                        if app.legalReferences.current(id) == nil { unknown.append("\(name): \(id)") }
                    }
                }
            }
            #expect(seen >= 3, "the pattern found only \(seen) references: it no longer matches how they are named")
            #expect(unknown.isEmpty, "\(unknown)")
        }
    }

    @Test("The self-check names the socialtjänstlag in force, in Swedish, English and Finnish, and not the replaced paragraph")
    func selfCheckCitesCurrentAct() async throws {
        try await withSynlig { app in
            var headers = HTTPHeaders()
            headers.contentType = .urlEncodedForm
            let citation = try #require(app.legalReferences.current("caregiver_support"))
            for (path, expected) in [("/stod/sjalvtest", "Det står i socialtjänstlagen (2025:400)."),
                                     ("/en/support/self-check", "This is set out in the Social Services Act (2025:400)."),
                                     ("/fi/support/self-check", "sosiaalipalvelulaki (2025:400)")] {
                let page = try await app.testing().sendRequest(.POST, path, headers: headers, body: ByteBuffer(string: "practical=on"))
                #expect(page.status == .ok, "\(path)")
                let html = page.body.string
                #expect(html.contains(expected), "\(path)")
                #expect(!html.contains("5 kap. 10 §") && !html.contains("2001:453"), "\(path)")
                if !citation.verified { #expect(!html.contains("§"), "\(path): an unverified paragraph is never shown") }
            }
        }
    }

    @Test("The open-data catalogue describes a needs-assessed support by the act in force")
    func openDataCitesCurrentAct() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            let karin = try await currentUser(app, try await makeUser(app, in: organisation, email: "karin@test.se", roles: [.consultant]))
            var dayCare = SupportCatalogueTests().offering("Dagverksamheten", kind: .dayCare)
            dayCare.needsAssessment = true
            _ = try await SupportService.save(nil, dayCare, by: karin, on: app.db)
            let response = try await APIClient(app: app).send(.GET, "/api/v1/open-data/0180/services")
            #expect(response.status == .ok)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
            let service = try #require((json["contents"] as? [[String: Any]])?.first)
            #expect(service["application_process"] as? String == "Ansökan och biståndsbedömning enligt socialtjänstlagen (2025:400)")
        }
    }
}
