import Fluent
import Foundation
import SQLKit
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

@Suite("Public pages drawn once and served from memory")
struct PublicPageCacheTests {
    func offering(_ name: String) -> OfferingInput {
        OfferingInput(name: name, kind: SupportKind.supportGroup.rawValue, provider: "municipality", providerName: "Testkommun",
                      civilSocietyId: nil, targetGroups: [SupportTargetGroup.all.rawValue], needsAssessment: false, cost: "Kostnadsfritt",
                      languages: ["sv"], interpreter: false, accessibility: nil, address: nil, schedule: nil, phone: nil, email: nil,
                      website: nil, description: "Beskrivning", eligibility: nil, lastChecked: CalendarDate.today().iso, published: true, version: nil)
    }

    @Test("A page is kept for the catalogue it was drawn from, and forgotten when the catalogue changes or memory fills")
    func keepsByShape() async throws {
        try await withSynlig { app in
            let cache = PublicPageCache()
            let page = PublicPageCache.Page(status: .ok, headers: ["Content-Type": "text/html"], body: ByteBuffer(string: "<p>Stöd</p>"))
            let start = Date()
            let shape = try await cache.shape(on: app.db, now: start)
            cache.keep(page, as: "sv|/stod", shape: shape)
            #expect(cache.page("sv|/stod", shape: shape)?.body == page.body)
            cache.keep(page, as: "sv|/stod/0180", shape: "an older catalogue")
            #expect(cache.keptKeys() == ["sv|/stod"], "a page drawn while the catalogue moved on is not kept")

            let sql = try #require(app.db as? any SQLDatabase)
            let organisation = try await makeOrganisation(app)
            try await sql.raw("UPDATE organisations SET name = 'Nytt namn' WHERE code = \(bind: organisation.code)").run()
            #expect(try await cache.shape(on: app.db, now: start.addingTimeInterval(0.5)) == shape, "within the interval memory answers")
            let changed = try await cache.shape(on: app.db, now: start.addingTimeInterval(PublicPageCache.recheckInterval + 0.1))
            #expect(changed != shape)
            #expect(cache.keptKeys().isEmpty, "a new catalogue forgets every page")

            for number in 0...PublicPageCache.capacity { cache.keep(page, as: "sv|\(number)", shape: changed) }
            #expect(cache.keptKeys().count == 1, "past the capacity it starts over")
            cache.clear()
            #expect(cache.keptKeys().isEmpty)
        }
    }

    @Test("A visitor gets the same page twice; a change saved here shows at once, one saved by another instance within a second")
    func servedFromMemoryUntilTheCatalogueChanges() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            let karin = try await currentUser(app, try await makeUser(app, in: organisation, email: "karin@test.se", roles: [.consultant]))
            let saved = try await SupportService.save(nil, offering("Cirkel Björk"), by: karin, on: app.db)

            let first = try await app.testing().sendRequest(.GET, "/stod/0180")
            let second = try await app.testing().sendRequest(.GET, "/stod/0180")
            #expect(first.status == .ok)
            #expect(second.body.string == first.body.string)
            #expect(second.headers.first(name: .eTag) == first.headers.first(name: .eTag))
            #expect(second.headers.first(name: .contentType) == first.headers.first(name: .contentType))
            #expect(second.headers[.setCookie].isEmpty, "a page from memory carries nothing meant for one visitor")
            let key = try #require(app.publicPageCache.keptKeys().first { $0.hasPrefix("sv|municipality|0180") }, "the page is kept after it is drawn")
            #expect(!key.isEmpty)

            // Saved through this instance: the next visitor sees it at once.
            var renamed = offering("Cirkel Ek")
            renamed.version = saved.version
            _ = try await SupportService.save(try saved.requireID(), renamed, by: karin, on: app.db)
            let afterSave = try await app.testing().sendRequest(.GET, "/stod/0180").body.string
            #expect(afterSave.contains("Cirkel Ek") && !afterSave.contains("Cirkel Björk"))

            // Saved by another instance (straight into the shared database): seen within the recheck interval.
            let sql = try #require(app.db as? any SQLDatabase)
            try await sql.raw("UPDATE support_offerings SET name = 'Cirkel Lind', version = version + 1").run()
            try await Task.sleep(nanoseconds: UInt64((PublicPageCache.recheckInterval + 0.2) * 1_000_000_000))
            let afterOtherInstance = try await app.testing().sendRequest(.GET, "/stod/0180").body.string
            #expect(afterOtherInstance.contains("Cirkel Lind"))
        }
    }

    @Test("Each language and filter is its own page, and an unknown filter value shares the unfiltered one")
    func keyedByLanguageAndFilter() async throws {
        try await withSynlig { app in
            let organisation = try await makeOrganisation(app)
            let karin = try await currentUser(app, try await makeUser(app, in: organisation, email: "karin@test.se", roles: [.consultant]))
            _ = try await SupportService.save(nil, offering("Cirkel Björk"), by: karin, on: app.db)
            let swedish = try await app.testing().sendRequest(.GET, "/stod/0180").body.string
            let english = try await app.testing().sendRequest(.GET, "/en/support/0180").body.string
            let arabic = try await app.testing().sendRequest(.GET, "/stod/0180?language=ar").body.string
            #expect(swedish.contains(#"<html lang="sv">"#) && english.contains(#"<html lang="en">"#))
            #expect(arabic.contains("Inget stöd passar dina val.") && !swedish.contains("Inget stöd passar dina val."))
            let bogus = try await app.testing().sendRequest(.GET, "/stod/0180?language=xx&need=%3Cscript%3E").body.string
            #expect(bogus == swedish)
            #expect(app.publicPageCache.keptKeys().count == 3, "the bogus filter did not make a page of its own")
        }
    }
}
