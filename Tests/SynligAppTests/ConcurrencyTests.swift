import Fluent
import Foundation
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

/// Suite 5 of issue 14: many people save the same record at the same moment, over real
/// connections to a running server, so the database sees the writes at once. Exactly one
/// wins; everyone else is told, with a clear message, that someone saved first; nobody sees a
/// 5xx or "database is locked"; and what is stored is the winner's.
@Suite("Concurrency: many writers on one record")
struct ConcurrencyTests {
    static let writers = 12

    /// One record and how to write to it: the request of writer `i` for `version`, and
    /// whether the stored record is writer `i`'s.
    struct Target {
        let name: String
        let version: () async throws -> Int
        let request: (_ writer: Int, _ version: Int) -> (method: HTTPMethod, path: String, headers: HTTPHeaders, body: String)
        let stored: (_ writer: Int) async throws -> Bool
        /// Words of the message a loser must see.
        let message: String
    }

    struct Round: Sendable {
        var writers = 0, winners = 0, conflicts = 0, serverErrors = 0
        var other: [UInt] = []
        var unclear = 0
        var winner: Int?
    }

    @Test("Twelve writers save one record at once, for a caregiver (API and form), a support plan, a support need and a crisis checklist row: one wins, the rest get 409 with a clear message, no 5xx, the winner's text is stored")
    func oneWinsTheRestAreTold() async throws {
        try await withSynlig { app in
            let crisis = try await CrisisWorld.make(app)
            let anna = try crisis.anna.requireID()
            let email = "karin@0180.test.se"
            let browser = Browser(app)
            try await browser.signIn(email)
            try await browser.get("/")
            let api = try await APIClient.signedIn(app, email)
            let token = try #require(api.token)
            let today = CalendarDate.today().iso

            let need = try await api.send(.POST, "/api/v1/caregivers/\(anna)/support-needs",
                                          json: json(["needKind": "respiteAtHome", "requestedOn": today]))
            #expect(need.status == .created)
            let needID = try need.decoded(API.SupportNeedOut.self).id
            try await browser.get("/crisis/events")
            let started = try await browser.post("/crisis/events", form: [("kind", "powerCut"), ("title", "Strömavbrott")])
            let eventPath = try #require(started.headers.first(name: .location))
            let row = try #require(try await CrisisEventContact.query(on: app.db).filter(\.$caregiverID == anna).first())
            let rowID = try row.requireID()

            let bearer: HTTPHeaders = ["Authorization": "Bearer \(token)", "Content-Type": "application/json"]
            var form: HTTPHeaders = ["Content-Type": "application/x-www-form-urlencoded"]
            form.replaceOrAdd(name: .cookie, value: "\(Sessions.cookieName)=\(try #require(browser.sessionToken))")
            func encoded(_ fields: [(String, String)]) -> String {
                (fields + [("_csrf", browser.csrf)]).map { "\(Browser.encode($0.0))=\(Browser.encode($0.1))" }.joined(separator: "&")
            }
            func caregiver() async throws -> Caregiver { try #require(try await Caregiver.find(anna, on: app.db)) }
            func plan() async throws -> SupportPlan {
                try #require(try await SupportPlan.query(on: app.db).filter(\.$caregiverID == anna).first())
            }
            let stale = "Någon annan har ändrat posten"
            let targets = [
                Target(name: "caregiver (API)", version: { try await caregiver().version }, request: { i, v in
                    (.PUT, "/api/v1/caregivers/\(anna)", bearer, json(["name": "Anna API \(i)", "version": v]))
                }, stored: { i in try await caregiver().name == "Anna API \(i)" }, message: stale),
                Target(name: "caregiver (form)", version: { try await caregiver().version }, request: { i, v in
                    (.POST, "/caregivers/\(anna)/edit", form, encoded([("name", "Anna Form \(i)"), ("preferredLanguage", "sv"),
                                                                      ("phone", CrisisWorld.annaPhone), ("version", String(v))]))
                }, stored: { i in try await caregiver().name == "Anna Form \(i)" }, message: stale),
                Target(name: "support plan (API)", version: { try await plan().version }, request: { i, v in
                    (.PUT, "/api/v1/caregivers/\(anna)/support-plan", bearer,
                     json(["outcomes": "Mål \(i)", "emergencyPlan": "Ring hemtjänsten", "reviewOn": CalendarDate.today().addingMonths(6).iso,
                           "version": v]))
                }, stored: { i in try await plan().outcomes == "Mål \(i)" }, message: stale),
                Target(name: "support need (API)", version: { try #require(try await CaregiverSupport.find(needID, on: app.db)).version },
                       request: { i, v in
                    (.PUT, "/api/v1/support-needs/\(needID)", bearer,
                     json(["needKind": "respiteAtHome", "requestedOn": today, "outcome": "Utfall \(i)", "version": v]))
                }, stored: { i in try await CaregiverSupport.find(needID, on: app.db)?.outcome == "Utfall \(i)" }, message: stale),
                Target(name: "crisis checklist row (form)", version: { try #require(try await CrisisEventContact.find(rowID, on: app.db)).version },
                       request: { i, v in
                    (.POST, "\(eventPath)/contacts/\(rowID)", form, encoded([("status", "reached"), ("note", "Samtal \(i)"), ("version", String(v))]))
                }, stored: { i in try await CrisisEventContact.find(rowID, on: app.db)?.note == "Samtal \(i)" },
                       message: "Någon annan sparade den här raden"),
            ]

            // A real server on a free port of the loopback, and a client that does not follow redirects.
            app.http.client.configuration.redirectConfiguration = .disallow
            try await app.asyncBoot()
            try await app.server.start(address: .hostname("127.0.0.1", port: 0))
            let port = try #require(app.http.server.shared.localAddress?.port)
            var rounds: [(String, Round)] = []
            do {
                for target in targets {
                    let version = try await target.version()
                    let answers = try await withThrowingTaskGroup(of: (Int, HTTPStatus, String).self, returning: [(Int, HTTPStatus, String)].self) { group in
                        for writer in 0..<Self.writers {
                            let (method, path, headers, body) = target.request(writer, version)
                            group.addTask {
                                let response = try await app.client.send(method, headers: headers, to: URI(string: "http://127.0.0.1:\(port)\(path)")) {
                                    $0.body = ByteBuffer(string: body)
                                }
                                return (writer, response.status, response.body.map { String(buffer: $0) } ?? "")
                            }
                        }
                        return try await group.reduce(into: []) { $0.append($1) }
                    }
                    var round = Round(writers: answers.count)
                    for (writer, status, body) in answers {
                        switch status.code {
                        case 200..<400:
                            round.winners += 1
                            round.winner = writer
                        case 409, 412:
                            round.conflicts += 1
                            if !body.contains(target.message) { round.unclear += 1 }
                        case 500...:
                            round.serverErrors += 1
                        default:
                            round.other.append(status.code)
                        }
                        #expect(!body.localizedCaseInsensitiveContains("database is locked"), "\(target.name): \(body.prefix(200))")
                    }
                    #expect(round.winners == 1, "\(target.name): \(round.winners) writers won")
                    #expect(round.conflicts == Self.writers - 1, "\(target.name): \(round.conflicts) told of a conflict")
                    #expect(round.serverErrors == 0 && round.other.isEmpty, "\(target.name): \(round.serverErrors) 5xx, others \(round.other)")
                    #expect(round.unclear == 0, "\(target.name): \(round.unclear) conflicts without the message")
                    #expect(try await target.version() == version + 1, "\(target.name): the version moved by one")
                    if let winner = round.winner { #expect(try await target.stored(winner), "\(target.name): the winner's text is stored") }
                    rounds.append((target.name, round))
                }
            } catch {
                await app.server.shutdown()
                throw error
            }
            await app.server.shutdown()
            try AssuranceFigures.write("concurrency", [
                "records": rounds.count,
                "writers": rounds.reduce(0) { $0 + $1.1.writers },
                "winners": rounds.reduce(0) { $0 + $1.1.winners },
                "conflicts": rounds.reduce(0) { $0 + $1.1.conflicts },
                "serverErrors": rounds.reduce(0) { $0 + $1.1.serverErrors },
                "otherAnswers": rounds.reduce(0) { $0 + $1.1.other.count },
                "unclearConflicts": rounds.reduce(0) { $0 + $1.1.unclear },
                "byRecord": Dictionary(uniqueKeysWithValues: rounds.map { ($0.0, ["writers": $0.1.writers, "winners": $0.1.winners,
                                                                                 "conflicts": $0.1.conflicts, "serverErrors": $0.1.serverErrors]) }),
            ])
        }
    }
}
