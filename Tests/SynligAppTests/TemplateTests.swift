import Foundation
import Leaf
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

@Suite("Templates")
struct TemplateTests {
    static let viewsDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Resources/Views")

    @Test("No template asks Leaf's own truthiness of a value: every condition on a value goes through has()")
    func everyConditionUsesHas() throws {
        let bare = try NSRegularExpression(pattern: #"#(if|elseif)\(!?[A-Za-z_][A-Za-z0-9_.]*\)"#)
        var offenders: [String] = []
        let files = FileManager.default.enumerator(at: Self.viewsDirectory, includingPropertiesForKeys: nil)
        while let file = files?.nextObject() as? URL {
            guard file.pathExtension == "leaf" else { continue }
            let text = try String(contentsOf: file, encoding: .utf8)
            let range = NSRange(text.startIndex..., in: text)
            for match in bare.matches(in: text, range: range) {
                offenders.append("\(file.lastPathComponent): \((text as NSString).substring(with: match.range))")
            }
        }
        #expect(offenders.isEmpty, "\(offenders)")
    }

    @Test("has() is false for nothing, empty or blank text, false, zero and empty lists; true for anything a reader would see",
          arguments: [
              (LeafData.trueNil, false), (.string(""), false), (.string("  \n"), false), (.bool(false), false), (.int(0), false),
              (.array([]), false), (.dictionary([:]), false),
              (.string("false"), true), (.string("x"), true), (.bool(true), true), (.int(3), true), (.array([.int(1)]), true),
          ])
    func hasValue(_ value: LeafData, expected: Bool) {
        #expect(HasValueTag.hasValue(value) == expected)
    }

    @Test("An offering without website, cost, place or time shows no empty link and no empty rows on the public page")
    func emptyFieldsPrintNothing() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            let karin = try await currentUser(app, try await makeUser(app, in: organisation, email: "karin@test.se", roles: [.consultant]))
            _ = try await SupportService.save(nil, OfferingInput(
                name: "Samtalsstöd", kind: SupportKind.individualCounselling.rawValue, provider: "municipality", providerName: "Testkommun",
                civilSocietyId: nil, targetGroups: [SupportTargetGroup.all.rawValue], needsAssessment: false, cost: "",
                languages: ["sv"], interpreter: false, accessibility: "", address: "", schedule: " ", phone: "", email: "",
                website: "", description: "Enskilda samtal", eligibility: "", lastChecked: CalendarDate.today().iso,
                published: true, version: nil), by: karin, on: app.db)
            let page = try await app.testing().sendRequest(.GET, "/stod/0180")
            let html = page.body.string
            #expect(html.contains("Samtalsstöd"))
            #expect(!html.contains(#"href="""#))
            #expect(!html.contains("mailto:\""))
            #expect(!html.contains("<dd></dd>"))
            #expect(!html.contains("<dd> </dd>"))
        }
    }
}
