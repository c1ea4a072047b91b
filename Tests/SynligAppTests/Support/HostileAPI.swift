import Foundation
import NIOCore
import SynligCore
import Vapor
import VaporTesting
@testable import SynligApp

/// An API client for the hostile-input suite: raw requests (the spec conformance of refusals is
/// the contract tests' business), several signed-in roles, and the ids of records to aim at,
/// found by reading the API's own lists.
final class HostileAPIClient: @unchecked Sendable {
    struct Answer {
        let status: UInt
        let headers: HTTPHeaders
        let body: String
        var json: Any? { try? JSONSerialization.jsonObject(with: Data(body.utf8), options: [.fragmentsAllowed]) }
    }

    let app: Application
    let prefix: String
    /// Bearer tokens, tried in order until one may use an operation.
    private(set) var tokens: [String] = []
    private(set) var ownUserIDs: Set<String> = []
    /// The signed-in accounts of the municipality that may be responsible for people: consultants and case officers.
    private(set) var staffIDs: [String] = []
    private var listCache: [String: [String]] = [:]
    /// Versions seen in lists, for records the API has no GET of their own for.
    private var versions: [String: Int] = [:]
    /// Records read while looking for nested lists, by path.
    private var records: [String: [String: Any]] = [:]
    private var serial = 0
    private var harvested: [String: [String]] = [:]

    init(app: Application, prefix: String) {
        self.app = app
        self.prefix = prefix
    }

    func signIn(_ emails: [String], password: String) async throws {
        for email in emails {
            let answer = try await send(.POST, "/auth/token", token: nil, raw: #"{"email":"\#(email)","password":"\#(password)"}"#)
            guard let token = (answer.json as? [String: Any])?["token"] as? String else { continue }
            tokens.append(token)
            let me = try await send(.GET, "/me", token: token).json as? [String: Any]
            if let id = me?["id"] as? String {
                ownUserIDs.insert(id.lowercased())
                if Set((me?["roles"] as? [String]) ?? []).isDisjoint(with: ["consultant", "caseOfficer"]) == false { staffIDs.append(id) }
            }
        }
    }

    func send(_ method: HTTPMethod, _ path: String, token: String?, raw: String? = nil, headers extra: HTTPHeaders = [:]) async throws -> Answer {
        var headers = HTTPHeaders()
        if let token { headers.bearerAuthorization = BearerAuthorization(token: token) }
        var body: ByteBuffer?
        if let raw {
            body = ByteBuffer(string: raw)
            headers.contentType = .json
        }
        for (name, value) in extra { headers.replaceOrAdd(name: name, value: value) }
        let response = try await app.testing().sendRequest(method, prefix + path, headers: headers, body: body)
        return Answer(status: response.status.code, headers: response.headers, body: response.body.string)
    }

    func send(_ method: HTTPMethod, _ path: String, token: String?, json object: [String: Any], headers: HTTPHeaders = [:]) async throws -> Answer {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return try await send(method, path, token: token, raw: String(decoding: data, as: UTF8.self), headers: headers)
    }

    /// The ids a list answers with (`items` of a page, or a bare array), read by the first role
    /// allowed to; the signed-in users' own accounts are left out, so no edit locks a role out.
    func ids(in listPath: String) async throws -> [String] {
        if let known = listCache[listPath] { return known }
        var found: [String] = []
        for token in tokens {
            let answer = try await send(.GET, listPath, token: token)
            guard answer.status == 200, let json = answer.json else { continue }
            let items = (json as? [[String: Any]]) ?? ((json as? [String: Any])?["items"] as? [[String: Any]]) ?? []
            remember(items)
            found = items.compactMap { $0["id"] as? String }.filter { !ownUserIDs.contains($0.lowercased()) }
            if !found.isEmpty { break }
        }
        listCache[listPath] = found
        return found
    }

    /// Concrete paths for a template, the likeliest first: each `{parameter}` becomes an id of
    /// the list that precedes it (`/caregivers/{id}/consents` reads `/caregivers`), or, when the
    /// API has no such list, of a nested list that ends the same way (`/relationships/{id}` reads
    /// `/caregivers/{id}/relationships` of the caregivers that have some). At most `limit` paths.
    func candidates(_ template: String, code: String, operations: Set<String>, limit: Int = 12) async throws -> [String] {
        var paths = [""]
        for segment in template.split(separator: "/") {
            if segment.hasPrefix("{") {
                if segment.lowercased().contains("code") { paths = paths.map { $0 + "/" + code }; continue }
                var next: [String] = []
                for path in paths where next.count < limit {
                    var ids = try await ids(in: path)
                    if ids.isEmpty, path.split(separator: "/").count == 1 { ids = try await nestedIDs(ending: path, operations: operations) }
                    next += (ids.isEmpty ? [UUID().uuidString] : ids).prefix(limit - next.count).map { path + "/" + $0 }
                }
                paths = next
            } else {
                paths = paths.map { $0 + "/" + segment }
            }
        }
        return paths
    }

    /// Notes each item's version, and the ids of the lists nested in it (a relationship's
    /// `restrictions`), for records that have no list of their own.
    private func remember(_ items: [[String: Any]]) {
        for item in items {
            if let id = item["id"] as? String, let version = item["version"] as? Int { versions[id.lowercased()] = version }
            for (key, value) in item {
                if let nested = value as? [[String: Any]] {
                    harvested[key, default: []] += nested.compactMap { $0["id"] as? String }.filter { !harvested[key, default: []].contains($0) }
                    remember(nested)
                } else if let object = value as? [String: Any] {
                    // A single record (`activeRestriction`) counts among the records of its kind (`restrictions`).
                    if let id = object["id"] as? String {
                        let kind = (key.split(whereSeparator: \.isUppercase).count > 1 ? String(key[(key.lastIndex(where: \.isUppercase) ?? key.startIndex)...]) : key)
                        let list = kind.prefix(1).lowercased() + kind.dropFirst() + "s"
                        if !harvested[list, default: []].contains(id) { harvested[list, default: []].append(id) }
                    }
                    remember([object])
                }
            }
        }
    }

    /// The likeliest concrete path for a template.
    func concrete(_ template: String, code: String, operations: Set<String> = []) async throws -> String {
        try await candidates(template, code: code, operations: operations, limit: 1).first ?? template
    }

    /// Ids of `/things` found through a list such as `/owners/{id}/things`, over the owners that
    /// have some, or else in the `things` of the records `/owners/{id}` of any list.
    func nestedIDs(ending list: String, operations: Set<String>) async throws -> [String] {
        let key = "nested " + list
        if let known = listCache[key] { return known }
        listCache[key] = []
        var found: [String] = []
        let templates = operations.filter { $0.hasPrefix("GET /") && $0.hasSuffix("}" + list) }.map { String($0.dropFirst(4)) }.sorted()
        for template in templates where found.count < 12 {
            let parent = String(template.dropLast(list.count))
            for owner in try await candidates(parent, code: "", operations: operations, limit: 40) where found.count < 12 {
                found += try await ids(in: owner + list)
            }
        }
        let field0 = list.dropFirst().split(separator: "-").enumerated().map { $0 == 0 ? String($1) : $1.capitalized }.joined()
        if found.isEmpty { found = Array((harvested[field0] ?? []).prefix(12)) }
        if found.isEmpty {
            let field = list.dropFirst().split(separator: "-").enumerated().map { $0 == 0 ? String($1) : $1.capitalized }.joined()
            let owners = operations.filter { $0.hasPrefix("GET /") && $0.hasSuffix("/{id}") && $0.filter { $0 == "{" }.count == 1 }
                .map { String($0.dropFirst(4).dropLast(5)) }.sorted()
            for owner in owners where found.count < 12 {
                for id in try await ids(in: owner).prefix(30) where found.count < 12 {
                    let items = (try await record(owner + "/" + id)[field] as? [[String: Any]]) ?? []
                    remember(items)
                    found += items.compactMap { $0["id"] as? String }
                }
            }
        }
        listCache[key] = found
        return found
    }

    private func record(_ path: String) async throws -> [String: Any] {
        if let known = records[path] { return known }
        var object: [String: Any] = [:]
        for token in tokens {
            let answer = try await send(.GET, path, token: token)
            if answer.status == 200, let found = answer.json as? [String: Any] { object = found; remember([found]); break }
        }
        records[path] = object
        return object
    }

    /// An id to put in a body's reference field: `unitId` reads `/units`, `offeringId` any list
    /// ending in `offerings`, `responsibleUserId` the signed-in staff (who may be responsible),
    /// an organisation another one than the caller's.
    func reference(for property: String, operations: Set<String>) async throws -> String {
        try await references(for: property, operations: operations).first ?? UUID().uuidString
    }

    /// The ids `reference(for:)` chooses from, likeliest first.
    func references(for property: String, operations: Set<String>) async throws -> [String] {
        var stem = property
        for suffix in ["Ids", "Id", "IDs", "ID"] where stem.hasSuffix(suffix) { stem.removeLast(suffix.count); break }
        let kebab = stem.reduce(into: "") { result, character in
            if character.isUppercase { result += "-" + character.lowercased() } else { result.append(character) }
        }
        let lastWord = String(kebab.split(separator: "-").last ?? Substring(kebab))
        if lastWord == "user", !staffIDs.isEmpty { return staffIDs }
        if lastWord == "organisation" {
            let own = (try await send(.GET, "/organisation", token: tokens[0]).json as? [String: Any])?["id"] as? String
            for token in tokens.reversed() {
                if let id = (try await send(.GET, "/organisation", token: token).json as? [String: Any])?["id"] as? String, id != own { return [id] }
            }
        }
        for word in [kebab, lastWord] {
            let plural = word.hasSuffix("y") ? String(word.dropLast()) + "ies" : word + "s"
            let lists = operations.filter { $0.hasPrefix("GET ") && !$0.contains("{") && ($0.hasSuffix("/" + plural) || $0.hasSuffix("-" + plural)) }
                .map { String($0.dropFirst(4)) }.sorted { $0.count < $1.count }
            for list in lists {
                let found = try await ids(in: list)
                if !found.isEmpty { return found }
            }
            let nested = try await nestedIDs(ending: "/" + plural, operations: operations)
            if !nested.isEmpty { return nested }
        }
        return []
    }

    /// A body that would be accepted if the suite guessed every field right: vocabularies take
    /// their first word, dates today, references a real record, text valid Swedish.
    func baseBody(_ body: OpenAPIBodies.Body, operations: Set<String>, requiredOnly: Bool = false) async throws -> [String: Any] {
        var object: [String: Any] = [:]
        for property in body.properties where property.required || (!requiredOnly && (property.isFreeText || property.name.hasSuffix("Id"))) {
            object[property.name] = try await value(for: property, operations: operations)
        }
        return object
    }

    private func value(for property: OpenAPIBodies.Property, operations: Set<String>) async throws -> Any {
        let schema = property.schema
        if let choices = schema["enum"] as? [Any], let first = choices.first { return schema["default"] ?? first }
        switch property.type {
        case "integer", "number":
            if property.name == "version" { return 1 }
            if property.name == "year" { return Calendar(identifier: .gregorian).component(.year, from: Date()) - 1 }
            return schema["default"] ?? schema["minimum"] ?? 1
        case "boolean":
            return schema["default"] ?? (property.name == "active" || property.name == "consent")
        case "array":
            let items = OpenAPIBodies.Property(name: property.name, schema: (schema["items"] as? [String: Any]) ?? [:], required: true)
            let minimum = (schema["minItems"] as? Int) ?? (property.required ? 1 : 0)
            return minimum > 0 ? [try await value(for: items, operations: operations)] : []
        case "object":
            return [String: Any]()
        default:
            switch property.format {
            case "uuid": return try await reference(for: property.name, operations: operations)
            case "date": return CalendarDate.today().iso
            case "date-time": return ISO8601DateFormatter().string(from: Date())
            case "email": serial += 1; return "hostile.suite.\(serial)@exempel.se"
            case "uri": return "https://exempel.se/stod"
            default:
                let name = property.name.lowercased()
                serial += 1
                if name.contains("email") { return "hostile.suite.\(serial)@exempel.se" }
                if name.contains("personalidentity") { return Self.personnummer(serial) }
                if !property.allows(HostileInput.swedish.value), let sample = ["10:00", "123 45", "0701234567"].first(where: property.allows) { return sample }
                if name.contains("phone") || name.contains("reach") { return "070-123 45 67" }
                if name.contains("website") || name.contains("url") { return "https://exempel.se/stod" }
                if name.contains("password") { return "ett långt och hemligt lösenord 42" }
                return HostileInput.swedish.value
            }
        }
    }

    /// The version an edit must name, read from the record (or the record it belongs to), with
    /// its ETag for `If-Match`.
    func version(at path: String, token: String) async throws -> (version: Int?, eTag: String?) {
        var candidate = path
        while !candidate.isEmpty {
            let answer = try await send(.GET, candidate, token: token)
            if answer.status == 200, let object = answer.json as? [String: Any], let version = object["version"] as? Int {
                return (version, answer.headers.first(name: .eTag))
            }
            candidate = String(candidate[..<(candidate.lastIndex(of: "/") ?? candidate.startIndex)])
        }
        let id = path.split(separator: "/").last { $0.count == 36 }.map { $0.lowercased() }
        return (id.flatMap { versions[$0] }, nil)
    }

    /// A valid personnummer of someone born in 1950 on a day the serial picks, check digit by Luhn.
    static func personnummer(_ serial: Int) -> String {
        let digits = String(format: "5001%02d%03d", 1 + serial % 28, 100 + serial % 900)
        let sum = digits.compactMap(\.wholeNumberValue).enumerated().reduce(0) { total, pair in
            let product = pair.element * (pair.offset % 2 == 0 ? 2 : 1)
            return total + product / 10 + product % 10
        }
        return "1950" + String(digits.dropFirst(2).prefix(4)) + "-" + String(digits.suffix(3)) + String((10 - sum % 10) % 10)
    }
}
