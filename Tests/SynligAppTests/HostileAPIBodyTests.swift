import Foundation
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp
@testable import SynligDemo

/// Suite 3 of issue 14, the API half: every operation of openapi.yaml with a JSON body, every
/// free-text field of it, every hostile input. A control character or bidi control is refused
/// with a 4xx that names the field; a text longer than the field's `maxLength` likewise; markup,
/// SQL, emoji and formulas are kept exactly as sent; nothing answers 5xx. Read from the spec, so
/// an operation added to it is tried without anyone listing it.
@Suite("Hostile input in every API body")
struct HostileAPIBodyTests {
    static let password = "demo-losenord-123"
    static let roles = ["admin@exempel.se", "konsulent@exempel.se", "strateg@exempel.se", "handlaggare@exempel.se",
                        "personal@exempel.se", "admin@region-exempel.se", "sjukskoterska@region-exempel.se"]

    /// Operations whose body the suite does not fill, each with the reason. A test holds the
    /// list to the spec, so an entry for an operation that is gone fails.
    static let exclusions: [String: String] = [
        "POST /caregivers/{id}/erasure": "erases the record the other operations are tried on, and its body holds no text, only a reason from a list",
        "POST /recipients/{id}/erasure": "erases the person the other operations are tried on, and its body holds no text, only a reason from a list",
        "POST /caregivers/{id}/corrections/{entryId}/strike": "strikes a history row, and its body holds no text, only a reason from a list",
        "POST /recipients/{id}/corrections/{entryId}/strike": "strikes a history row, and its body holds no text, only a reason from a list",
        "POST /auth/token": "signs in: any other text than the account's is a wrong login (401), and a token taken here would sign the suite's roles out of nothing; its strict JSON and limits are the contract tests'",
    ]

    /// Values the spec cannot say (a date that must lie ahead, the answers to an instrument's
    /// items): what a client that knows the domain sends. A test holds the keys to the spec.
    static let domainOperations = ["POST /caregivers/{id}/voluntariness", "PUT /caregivers/{id}/information-schedule",
                                   "POST /caregivers/{id}/screenings", "POST /mappings/{id}/responses", "POST /relationships/{id}/consents"]

    static func domainValues(_ operation: String, api: HostileAPIClient) async throws -> [String: Any] {
        switch operation {
        case "POST /caregivers/{id}/voluntariness": return ["wantsToContinue": "yes"]
        case "PUT /caregivers/{id}/information-schedule": return ["nextOn": CalendarDate.today().addingDays(30).iso]
        // Participants are kept for a workshop only; a consent names categories, a withdrawal none.
        case "POST /mappings/{id}/responses": return ["kind": "workshop"]
        case "POST /relationships/{id}/consents": return ["kind": "withdrawal"]
        case "POST /caregivers/{id}/screenings":
            var instruments: [[String: Any]] = []
            for token in api.tokens where instruments.isEmpty {
                instruments = try await api.send(.GET, "/screening-instruments", token: token).json as? [[String: Any]] ?? []
            }
            guard let instrument = instruments.first, let id = instrument["id"] as? String else { return [:] }
            let items = instrument["items"] as? [[String: Any]] ?? []
            let answers = items.reduce(into: [String: String]()) { answers, item in
                if let key = item["id"] as? String, let value = (item["options"] as? [[String: Any]])?.first?["value"] as? String { answers[key] = value }
            }
            return ["instrumentId": id, "answers": answers]
        default: return [:]
        }
    }

    /// Operations the suite's valid body cannot reach in the demo, each with the reason; a
    /// listed operation the suite does reach fails the test, so the list cannot go stale.
    static let unreachable: [String: String] = [
        "POST /coordinated-plans/{id}/outcomes": "no list of the API names a coordinated plan's id, so the suite finds none to aim at",
        "POST /coordinated-plans/{id}/responsibilities": "no list of the API names a coordinated plan's id, so the suite finds none to aim at",
        "POST /patient-contracts/{id}/follow-up": "no list of the API names a patient contract's id, so the suite finds none to aim at",
        "PUT /group-sign-ups/{id}/attendance": "sign-up ids are listed only on an occasion the suite's first occasions do not carry",
        "POST /invitations/{id}/attendance": "invitation ids come inside relationships the suite's search does not open",
        "POST /restrictions/{id}/lift": "an active restriction's id comes inside a relationship the suite's search does not open",
        "POST /restrictions/{id}/review": "an active restriction's id comes inside a relationship the suite's search does not open",
        "POST /goals/{id}/status": "the demo's goals answer 409 to the suite's version (the status change checks the goal's own version)",
        "PUT /mappings/{id}/reflections/{areaKey}": "reflections are for an open mapping; the demo's mappings the suite finds are closed",
        "POST /mappings/{id}/status": "the demo's mappings the suite finds are closed; a closed mapping changes status no more",
        "POST /referrals/received/{id}/status": "a received referral's version is in neither its list item nor an ETag the suite reads (428)",
    ]

    struct Tally {
        var operations = 0, reached = 0, fields = 0, requests = 0, refused = 0, kept = 0, swedishRoundTrips = 0
        var failures: [String] = []
        var unreached: [String] = []
    }

    @Test("The exclusion list names only operations the spec has, each with a body")
    func exclusionsAreCurrent() throws {
        let spec = try OpenAPIBodies()
        let bodies = Set(spec.bodies.map { "\($0.method) \($0.template)" })
        for (operation, reason) in Self.exclusions {
            #expect(bodies.contains(operation), "\(operation) is excluded but has no JSON body in openapi.yaml")
            #expect(reason.count > 20, "\(operation): say why it is left out")
        }
        for operation in Self.domainOperations {
            #expect(bodies.contains(operation), "\(operation) has domain values but no JSON body in openapi.yaml")
        }
    }

    @Test("Every free-text field of every API body: hostile text refused naming the field or kept exactly, never 5xx")
    func everyAPIBody() async throws {
        try await withSynlig(adjust: { $0.demoMode = true }) { app in
            _ = try await DemoSeeder.seed(app, password: Self.password)
            let spec = try OpenAPIBodies()
            let api = HostileAPIClient(app: app, prefix: spec.prefix)
            try await api.signIn(Self.roles, password: Self.password)
            #expect(api.tokens.count == Self.roles.count)
            var tally = Tally()
            // Deletions last: what they remove, the others aim at.
            let bodies = spec.bodies.filter { $0.method != "DELETE" } + spec.bodies.filter { $0.method == "DELETE" }
            for body in bodies where Self.exclusions["\(body.method) \(body.template)"] == nil {
                tally.operations += 1
                try await Self.tryOperation(body, spec: spec, api: api, tally: &tally)
            }
            #expect(tally.failures.isEmpty, "\(tally.failures.count) failures: \(tally.failures.prefix(60))")
            #expect(tally.operations + Self.exclusions.count == spec.bodies.count)
            let unexplained = tally.unreached.filter { Self.unreachable[String($0.prefix { $0 != "(" }.dropLast())] == nil }
            #expect(unexplained.isEmpty, "operations no role could use with a valid body: \(unexplained)")
            for (operation, _) in Self.unreachable where !tally.unreached.contains(where: { $0.hasPrefix(operation + " (") }) {
                Issue.record("\(operation) is listed as out of reach, but the suite reached it (or it is gone)")
            }
            try AssuranceFigures.write(HostileInput.figuresFile, part: "api", [
                "operationsWithBody": spec.bodies.count, "operations": tally.operations, "operationsReached": tally.reached, "outOfReach": Self.unreachable.keys.sorted(),
                "excluded": Self.exclusions.keys.sorted(), "fields": tally.fields, "inputsTried": HostileInput.all.count,
                "requests": tally.requests, "refusedNamingTheField": tally.refused, "keptExactly": tally.kept,
                "swedishRoundTrips": tally.swedishRoundTrips, "failures": tally.failures.count,
            ])
        }
    }

    /// The text fields of a body: free text, and lists of free text (as `{"itemKeys": [value]}`).
    static func textFields(of body: OpenAPIBodies.Body) -> [OpenAPIBodies.Property] {
        body.properties.filter { $0.isFreeText || $0.isTextList }
    }

    static func tryOperation(_ body: OpenAPIBodies.Body, spec: OpenAPIBodies, api: HostileAPIClient, tally: inout Tally) async throws {
        let operation = "\(body.method) \(body.template)"
        let paths = try await api.candidates(body.template, code: DemoSeeder.organisationCode, operations: spec.operations)
        // Required fields and references first: each text field is then tried on its own, so a
        // value one field refuses (a personnummer, a postcode) never hides what another does.
        // When the record asks for more (at least one of several texts), every text is filled.
        var full = try await api.baseBody(body, operations: spec.operations)
        var minimal = try await api.baseBody(body, operations: spec.operations, requiredOnly: true)
        let domain = try await Self.domainValues(operation, api: api)
        for (name, value) in domain { full[name] = value; minimal[name] = value }
        // A name that must be unique (a unit's) gets a number, as a person would add one.
        var unique = minimal
        for field in textFields(of: body) where unique[field.name] is String && domain[field.name] == nil { unique[field.name] = HostileInput.swedish.value + " \(tally.requests)" }
        // The first record and role that accept the suite's valid body are the ones that try it.
        var chosen: (path: String, token: String, base: [String: Any])?
        var answers: [String] = []
        let references = body.properties.filter { $0.format == "uuid" }.map(\.name)
        search: for variant in [minimal, full, unique] {
            for path in paths {
                for token in api.tokens {
                    var base = variant
                    var answer = try await send(body, path: path, object: base, api: api, token: token)
                    tally.requests += 1
                    // A record of the wrong kind or state (a course where a group is asked for): the next one of its list.
                    var tries = 0
                    while answer.status == 422, tries < 8, let field = references.first(where: { names(answer, field: $0) }), base[field] != nil {
                        let choices = try await api.references(for: field, operations: spec.operations)
                        guard let current = choices.firstIndex(where: { $0 == base[field] as? String }), current + 1 < choices.count else { break }
                        base[field] = choices[current + 1]
                        answer = try await send(body, path: path, object: base, api: api, token: token)
                        tally.requests += 1
                        tries += 1
                    }
                    if answer.status >= 500 { tally.failures.append("\(operation) with valid text: \(answer.status)") }
                    if (200..<300).contains(answer.status) {
                        chosen = (path, token, base)
                        tally.swedishRoundTrips += try await roundTrips(base, body: body, answer: answer, api: api, token: token, operation: operation, tally: &tally)
                        break search
                    }
                    if answers.count < 8, answer.status != 403 { answers.append("\(answer.status) \(answer.body.prefix(140))") }
                }
            }
        }
        guard let chosen else {
            tally.unreached.append("\(operation) (\(paths.count) paths; \(answers))")
            return
        }
        tally.reached += 1
        let (path, token, base) = chosen
        for field in textFields(of: body) {
            tally.fields += 1
            for input in HostileInput.all {
                var object = base
                object[field.name] = field.isTextList ? [input.value] : input.value
                let answer = try await send(body, path: path, object: object, api: api, token: token)
                tally.requests += 1
                let label = "\(operation) \(field.name) ← \(input.name)"
                if answer.status >= 500 { tally.failures.append("\(label): \(answer.status)"); continue }
                let named = names(answer, field: field.name)
                // Control and bidi characters anywhere, and text past a limit the spec documents.
                let mustRefuse = refusesAlways(input) || exceedsLimit(input, field)
                if mustRefuse {
                    if (200..<300).contains(answer.status) { tally.failures.append("\(label): accepted (\(answer.status))"); continue }
                    if !named { tally.failures.append("\(label): \(answer.status) without naming the field: \(answer.body.prefix(200))"); continue }
                    tally.refused += 1
                } else if (200..<300).contains(answer.status) {
                    tally.kept += try await roundTrips(object, body: body, answer: answer, api: api, token: token, operation: label, tally: &tally)
                } else if named, input.expectation == .accepted, textRuleRefusal(answer, field: field.name, app: api.app) {
                    tally.failures.append("\(label): refused by a text rule: \(answer.body.prefix(200))")
                }
            }
        }
    }

    /// Control characters and bidi controls are refused in every text, whatever its length limit.
    static func refusesAlways(_ input: HostileInput) -> Bool {
        input.value.unicodeScalars.contains { $0.properties.generalCategory == .control || TextInput.isBidiControl($0) }
    }

    /// A text longer (in code points) than the field's `maxLength`, or its items'.
    static func exceedsLimit(_ input: HostileInput, _ field: OpenAPIBodies.Property) -> Bool {
        let schema = field.isTextList ? (field.schema["items"] as? [String: Any] ?? [:]) : field.schema
        guard let limit = schema["maxLength"] as? Int else { return false }
        return TextInput.length(input.value) > limit
    }

    static func names(_ answer: HostileAPIClient.Answer, field: String) -> Bool {
        guard let problem = answer.json as? [String: Any] else { return false }
        let fields = ((problem["errors"] as? [[String: Any]]) ?? []).compactMap { $0["field"] as? String }
        if fields.contains(where: { $0 == field || $0.hasPrefix(field + "[") || $0.hasPrefix(field + ".") }) { return true }
        return (problem["detail"] as? String)?.contains(field) == true
    }

    /// Whether the field was refused for its characters or length (not, say, for a bad personnummer).
    static func textRuleRefusal(_ answer: HostileAPIClient.Answer, field: String, app: Application) -> Bool {
        let rules = Set(["input.too_long", "input.control_characters", "input.bidi_controls"].flatMap { key in
            ["sv", "en"].map { app.localizer.text(key, $0) }
        })
        return ((answer.json as? [String: Any])?["errors"] as? [[String: Any]] ?? [])
            .contains { ($0["field"] as? String) == field && rules.contains(($0["message"] as? String) ?? "") }
    }

    static func send(_ body: OpenAPIBodies.Body, path: String, object: [String: Any], api: HostileAPIClient, token: String) async throws -> HostileAPIClient.Answer {
        var object = object
        var headers = HTTPHeaders()
        if ["PUT", "PATCH", "DELETE"].contains(body.method) {
            let current = try await api.version(at: path, token: token)
            if body.properties.contains(where: { $0.name == "version" }), let version = current.version { object["version"] = version }
            if let eTag = current.eTag { headers.replaceOrAdd(name: .ifMatch, value: eTag) }
        }
        return try await api.send(HTTPMethod(rawValue: body.method), path, token: token, json: object, headers: headers)
    }

    /// A kept text comes back exactly as sent: in the answer, or in the record the answer points at.
    /// Returns how many texts were seen coming back.
    static func roundTrips(_ sent: [String: Any], body: OpenAPIBodies.Body, answer: HostileAPIClient.Answer, api: HostileAPIClient,
                           token: String, operation: String, tally: inout Tally) async throws -> Int {
        var shown = answer.json as? [String: Any]
        if let location = answer.headers.first(name: .location), location.hasPrefix(api.prefix) {
            let record = try await api.send(.GET, String(location.dropFirst(api.prefix.count)), token: token)
            if record.status == 200, let object = record.json as? [String: Any] { shown = object }
        }
        guard let shown else { return 0 }
        var seen = 0
        for field in textFields(of: body) {
            guard let value = sent[field.name] as? String, let back = shown[field.name] as? String else { continue }
            seen += 1
            if back.unicodeScalars.elementsEqual(value.unicodeScalars) == false {
                tally.failures.append("\(operation) \(field.name): sent \(value.prefix(40).debugDescription), got \(back.prefix(40).debugDescription)")
            }
        }
        return seen
    }
}
