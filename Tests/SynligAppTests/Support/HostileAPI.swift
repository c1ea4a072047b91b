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
    private var listCache: [String: [String]] = [:]

    init(app: Application, prefix: String) {
        self.app = app
        self.prefix = prefix
    }

    func signIn(_ emails: [String], password: String) async throws {
        for email in emails {
            let answer = try await send(.POST, "/auth/token", token: nil, raw: #"{"email":"\#(email)","password":"\#(password)"}"#)
            guard let token = (answer.json as? [String: Any])?["token"] as? String else { continue }
            tokens.append(token)
            if let id = (try await send(.GET, "/me", token: token).json as? [String: Any])?["id"] as? String { ownUserIDs.insert(id.lowercased()) }
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
            found = items.compactMap { $0["id"] as? String }.filter { !ownUserIDs.contains($0.lowercased()) }
            if !found.isEmpty { break }
        }
        listCache[listPath] = found
        return found
    }

    /// A concrete path for a template: each `{parameter}` becomes the first id of the list that
    /// precedes it (`/caregivers/{id}/consents` reads `/caregivers`), or a random id.
    func concrete(_ template: String, code: String) async throws -> String {
        var path = ""
        for segment in template.split(separator: "/") {
            if segment.hasPrefix("{") {
                if segment.lowercased().contains("code") { path += "/" + code; continue }
                path += "/" + (try await ids(in: path).first ?? UUID().uuidString)
            } else {
                path += "/" + segment
            }
        }
        return path
    }

    /// An id to put in a body's reference field: `unitId` reads `/units`, `offeringId` any list
    /// ending in `offerings`, and so on.
    func reference(for property: String, operations: Set<String>) async throws -> String {
        var stem = property
        for suffix in ["Ids", "Id", "IDs", "ID"] where stem.hasSuffix(suffix) { stem.removeLast(suffix.count); break }
        let kebab = stem.reduce(into: "") { result, character in
            if character.isUppercase { result += "-" + character.lowercased() } else { result.append(character) }
        }
        let plural = kebab.hasSuffix("y") ? String(kebab.dropLast()) + "ies" : kebab + "s"
        let lists = operations.filter { $0.hasPrefix("GET ") && !$0.contains("{") && $0.hasSuffix(plural) }
            .map { String($0.dropFirst(4)) }.sorted { $0.count < $1.count }
        for list in lists {
            if let id = try await ids(in: list).first { return id }
        }
        return UUID().uuidString
    }

    /// A body that would be accepted if the suite guessed every field right: vocabularies take
    /// their first word, dates today, references a real record, text valid Swedish.
    func baseBody(_ body: OpenAPIBodies.Body, operations: Set<String>) async throws -> [String: Any] {
        var object: [String: Any] = [:]
        for property in body.properties where property.required || property.isFreeText || property.name.hasSuffix("Id") {
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
            case "email": return "hostile.suite@exempel.se"
            case "uri": return "https://exempel.se/stod"
            default:
                let name = property.name.lowercased()
                if name.contains("email") { return "hostile.suite@exempel.se" }
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
        return (nil, nil)
    }
}
