import Foundation
import OpenAPIKit30
import Testing
import Yams

/// `Resources/openapi.yaml`, read once per test process with Yams and OpenAPIKit, references
/// resolved, so every test can hold its answers up to the contract without parsing it again.
struct OpenAPIContract: Sendable {
    /// One documented operation: its method, its path template split at `/`, the schema of
    /// its JSON request body and its responses by status (`"200"`, `"4XX"`, `"default"`).
    struct Operation: Sendable {
        let method: String
        let template: [String]
        let requestBody: DereferencedJSONSchema?
        let requestContentTypes: [String]
        let responses: [String: [String: DereferencedJSONSchema?]]
        /// Whether the operation wants a bearer token.
        let secured: Bool

        var name: String { "\(method) /\(template.joined(separator: "/"))" }

        /// Matches a concrete path: literal segments must be equal, `{name}` takes any segment.
        /// The score (literal segments matched) lets `/caregivers/search` win over `/caregivers/{id}`.
        func score(_ segments: [Substring]) -> Int? {
            guard segments.count == template.count else { return nil }
            var literal = 0
            for (segment, part) in zip(segments, template) {
                if part.hasPrefix("{"), part.hasSuffix("}") { guard !segment.isEmpty else { return nil }; continue }
                guard segment == part else { return nil }
                literal += 1
            }
            return literal
        }
    }

    let operations: [Operation]
    /// The `openapi:` version the document declares, and what OpenAPIKit's validation warned about.
    let version: String
    let warnings: [String]
    /// `components.schemas.Problem`, what every error of the API is, on any path.
    let problem: DereferencedJSONSchema?
    /// The URL prefix of the first server, `/api/v1`.
    let prefix: String

    static let url = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Resources/openapi.yaml")

    /// The parsed, validated and dereferenced document — or why it could not be had.
    static let loaded: Result<OpenAPIContract, any Error> = Result { try OpenAPIContract(contentsOf: url) }

    /// Decoding takes about two seconds in a debug build, which is why it happens once.
    static func document(at url: URL) throws -> OpenAPI.Document {
        let yaml = try String(contentsOf: url, encoding: .utf8)
        return try YAMLDecoder().decode(OpenAPI.Document.self, from: yaml)
    }

    init(contentsOf url: URL) throws {
        let document = try Self.document(at: url)
        warnings = try document.validate().map(String.init(describing:))
        version = document.openAPIVersion.rawValue
        let resolved = try document.locallyDereferenced().resolved()
        problem = try document.components.schemas["Problem"].map { try $0.dereferenced(in: document.components) }
        prefix = document.servers.first.map { $0.urlTemplate.rawValue } ?? ""
        operations = resolved.endpoints.map { endpoint in
            let json = endpoint.requestBody?.content.first { Self.isJSON($0.key.typeAndSubtype) }
            var responses: [String: [String: DereferencedJSONSchema?]] = [:]
            for (status, response) in endpoint.responses {
                var content: [String: DereferencedJSONSchema?] = [:]
                for (type, body) in response.content { content[type.typeAndSubtype] = body.schema }
                responses[status.rawValue.uppercased()] = content
            }
            return Operation(method: endpoint.method.rawValue, template: endpoint.path.components,
                             requestBody: json?.value.schema ?? nil,
                             requestContentTypes: endpoint.requestBody?.content.keys.map(\.typeAndSubtype) ?? [],
                             responses: responses, secured: !endpoint.security.isEmpty)
        }
    }

    static func isJSON(_ typeAndSubtype: String) -> Bool {
        typeAndSubtype == "application/json" || (typeAndSubtype.hasPrefix("application/") && typeAndSubtype.hasSuffix("+json"))
    }

    /// The documented operation a request reaches, if any. The path is chosen first, whatever the
    /// method, as the server does: `PUT /caregivers/search` is the search's path, which takes no
    /// PUT (405), not `PUT /caregivers/{id}` with the id `search`.
    func operation(_ method: String, _ path: String) -> Operation? {
        let scored = operations(at: path).compactMap { operation in operation.score(segments(path)).map { (operation, $0) } }
        guard let best = scored.map(\.1).max() else { return nil }
        return scored.first { $0.1 == best && $0.0.method == method }?.0
    }

    /// The documented operations on a path, whatever their method.
    func operations(at path: String) -> [Operation] {
        guard path.hasPrefix(prefix + "/") else { return [] }
        return operations.filter { $0.score(segments(path)) != nil }
    }

    private func segments(_ path: String) -> [Substring] {
        let path = Substring(path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
        return path.dropFirst(prefix.count + 1).split(separator: "/", omittingEmptySubsequences: false)
    }

    /// What is wrong with an answer, measured against the documented operation: an
    /// undocumented path or status, an undocumented media type, or a body off its schema.
    /// Paths outside the API's prefix are not the contract's business and pass.
    func problems(method: String, path: String, status: Int, contentType: String?, body: Data) -> [String] {
        let requestPath = path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? path
        guard requestPath.hasPrefix(prefix + "/") else { return [] }
        guard let operation = operation(method, requestPath) else {
            // A path the API does not have is a 404 problem document, as the description promises;
            // a path it has, asked with another method, is a 405 one.
            let expected = operations(at: requestPath).isEmpty ? 404 : 405
            let mediaType = contentType?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) }
            guard status == expected, mediaType == "application/problem+json", let problem,
                  let value = try? JSONDecoder().decode(JSONValue.self, from: body), SchemaCheck.passes(value, problem)
            else { return ["\(method) \(requestPath) is not in openapi.yaml and answered \(status), not a \(expected) problem document"] }
            return []
        }
        let code = String(status)
        guard let content = operation.responses[code] ?? operation.responses["\(code.prefix(1))XX"] ?? operation.responses["DEFAULT"] else {
            return ["\(operation.name) answered \(status), which openapi.yaml does not document (documented: \(operation.responses.keys.sorted().joined(separator: ", ")))"]
        }
        guard !body.isEmpty else { return [] }
        let mediaType = contentType.map { String($0.split(separator: ";").first ?? "").trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard Self.isJSON(mediaType) else {
            if content.isEmpty { return ["\(operation.name) \(status) has a \(mediaType) body, and openapi.yaml documents none"] }
            if content[mediaType] == nil { return ["\(operation.name) \(status) answered \(mediaType); openapi.yaml documents \(content.keys.sorted())"] }
            return []
        }
        guard let documented = content[mediaType] else {
            return ["\(operation.name) \(status) answered \(mediaType); openapi.yaml documents \(content.keys.sorted())"]
        }
        guard let schema = documented else { return [] }
        let value: JSONValue
        do { value = try JSONDecoder().decode(JSONValue.self, from: body) } catch {
            return ["\(operation.name) \(status): the body is not JSON: \(error)"]
        }
        var problems: [String] = []
        SchemaCheck.check(value, against: schema, at: "$", into: &problems)
        return problems.map { "\(operation.name) \(status) \(mediaType): \($0)" }
    }
}

/// A JSON value as it came over the wire, so a boolean is never taken for a number.
enum JSONValue: Decodable, Equatable {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let bool = try? container.decode(Bool.self) { self = .bool(bool) }
        else if let number = try? container.decode(Double.self) { self = .number(number) }
        else if let string = try? container.decode(String.self) { self = .string(string) }
        else if let array = try? container.decode([JSONValue].self) { self = .array(array) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    var kind: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

/// Checks a value against an OpenAPI 3.0 schema: types, required properties, enums, nullable,
/// `additionalProperties` where the schema sets it, array items, string lengths (in code points)
/// and patterns, numeric bounds, and the formats date, date-time, uuid and email, loosely. OpenAPIKit describes schemas but validates no values.
enum SchemaCheck {
    /// An object that does not say otherwise takes no undocumented property: a field the API
    /// answers with must be in openapi.yaml, so the document stays the single source.
    /// `OPENAPI_CLOSED=0` relaxes it while a new field's documentation is being written.
    static let closedByDefault = ProcessInfo.processInfo.environment["OPENAPI_CLOSED"] != "0"

    /// `siblings` are the properties the other parts of an `allOf` document, so a closed part
    /// does not take them for undocumented.
    static func check(_ value: JSONValue, against schema: DereferencedJSONSchema, at path: String, into problems: inout [String],
                      siblings: Set<String> = []) {
        if value == .null {
            switch schema {
            case .fragment: return
            case .all(let schemas, _) where !schema.nullable:
                for part in schemas { check(value, against: part, at: path, into: &problems) }
            case .any(let schemas, _) where !schema.nullable:
                if !schemas.contains(where: { passes(value, $0) }) { problems.append("\(path): null, which no alternative allows") }
            case .one(let schemas, _) where !schema.nullable:
                if !schemas.contains(where: { passes(value, $0) }) { problems.append("\(path): null, which no alternative allows") }
            default:
                if !schema.nullable { problems.append("\(path): null, but the schema is not nullable") }
            }
            return
        }
        if let allowed = schema.allowedValues, !allowed.contains(where: { matches(value, $0.value) }) {
            problems.append("\(path): \(describe(value)) is not one of \(allowed.map { "\($0.value)" })")
        }
        switch schema {
        case .boolean:
            if case .bool = value {} else { problems.append("\(path): \(value.kind), expected boolean") }
        case .integer(_, let bounds):
            guard case .number(let number) = value, number.rounded() == number else {
                problems.append("\(path): \(describe(value)), expected integer"); return
            }
            if let low = bounds.minimum, number < Double(low.value) || (low.exclusive && number == Double(low.value)) {
                problems.append("\(path): \(describe(value)) is below the minimum \(low.value)")
            }
            if let high = bounds.maximum, number > Double(high.value) || (high.exclusive && number == Double(high.value)) {
                problems.append("\(path): \(describe(value)) is above the maximum \(high.value)")
            }
        case .number(_, let bounds):
            guard case .number(let number) = value else { problems.append("\(path): \(value.kind), expected number"); return }
            if let low = bounds.minimum, number < low.value || (low.exclusive && number == low.value) {
                problems.append("\(path): \(describe(value)) is below the minimum \(low.value)")
            }
            if let high = bounds.maximum, number > high.value || (high.exclusive && number == high.value) {
                problems.append("\(path): \(describe(value)) is above the maximum \(high.value)")
            }
        case .string(_, let rules):
            guard case .string(let string) = value else { problems.append("\(path): \(value.kind), expected string"); return }
            if let problem = formatProblem(string, schema.formatString ?? "") { problems.append("\(path): \(problem)") }
            // JSON Schema counts code points, not what the screen shows as one character.
            let length = string.unicodeScalars.count
            if length < rules.minLength { problems.append("\(path): \(length) code points, at least \(rules.minLength) expected") }
            if let max = rules.maxLength, length > max { problems.append("\(path): \(length) code points, at most \(max) expected") }
            if let pattern = rules.pattern, !matches(string, pattern: pattern) {
                problems.append("\(path): \(describe(value)) does not match the pattern \(pattern)")
            }
        case .object(_, let object):
            guard case .object(let fields) = value else { problems.append("\(path): \(value.kind), expected object"); return }
            for name in object.requiredProperties where fields[name] == nil {
                problems.append("\(path): the required property \(name) is missing")
            }
            for (name, field) in fields.sorted(by: { $0.key < $1.key }) {
                if let property = object.properties[name] {
                    check(field, against: property, at: "\(path).\(name)", into: &problems)
                } else {
                    switch object.additionalProperties {
                    case .a(false): problems.append("\(path): the property \(name) is not in the schema")
                    case nil where closedByDefault && !siblings.contains(name): problems.append("\(path): the property \(name) is not documented")
                    case .b(let other): check(field, against: other, at: "\(path).\(name)", into: &problems)
                    default: break
                    }
                }
            }
        case .array(_, let array):
            guard case .array(let elements) = value else { problems.append("\(path): \(value.kind), expected array"); return }
            if elements.count < array.minItems { problems.append("\(path): \(elements.count) items, at least \(array.minItems) expected") }
            if let items = array.items {
                for (index, element) in elements.enumerated() { check(element, against: items, at: "\(path)[\(index)]", into: &problems) }
            }
        case .all(let schemas, _):
            let names = siblings.union(propertyNames(schema))
            for part in schemas { check(value, against: part, at: path, into: &problems, siblings: names) }
        case .any(let schemas, _), .one(let schemas, _):
            if !schemas.contains(where: { passes(value, $0) }) { problems.append("\(path): \(value.kind) matches none of the alternatives") }
        case .not, .fragment:
            break
        }
    }

    static func propertyNames(_ schema: DereferencedJSONSchema) -> Set<String> {
        switch schema {
        case .object(_, let object): Set(object.properties.keys)
        case .all(let parts, _): parts.reduce(into: Set<String>()) { $0.formUnion(propertyNames($1)) }
        default: []
        }
    }

    static func passes(_ value: JSONValue, _ schema: DereferencedJSONSchema) -> Bool {
        var problems: [String] = []
        check(value, against: schema, at: "", into: &problems)
        return problems.isEmpty
    }

    static func matches(_ value: JSONValue, _ allowed: Any) -> Bool {
        switch (value, allowed) {
        case (.string(let a), let b as String): a == b
        case (.bool(let a), let b as Bool): a == b
        case (.number(let a), let b as Int): a == Double(b)
        case (.number(let a), let b as Double): a == b
        default: false
        }
    }

    /// ECMA 262 patterns as OpenAPI has them, unanchored unless the pattern anchors itself;
    /// ICU reads the `\xhh` and `\uhhhh` escapes openapi.yaml uses the same way. ECMA's `$` is
    /// the end of the text, where ICU's also matches before a final line break: read as `\z`.
    static func matches(_ string: String, pattern: String) -> Bool {
        let pattern = pattern.hasSuffix("$") && !pattern.hasSuffix("\\$") ? pattern.dropLast() + "\\z" : pattern
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return false }
        return regex.firstMatch(in: string, range: NSRange(string.startIndex..., in: string)) != nil
    }

    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .string(let string): "\"\(string.prefix(40))\""
        case .number(let number): "\(number)"
        case .bool(let bool): "\(bool)"
        default: value.kind
        }
    }

    static func formatProblem(_ string: String, _ format: String) -> String? {
        switch format {
        case "date":
            return string.wholeMatch(of: /[0-9]{4}-[0-9]{2}-[0-9]{2}/) == nil ? "\"\(string)\" is not a date (YYYY-MM-DD)" : nil
        case "date-time":
            return string.wholeMatch(of: /[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})/) == nil
                ? "\"\(string)\" is not a date-time" : nil
        case "uuid":
            return UUID(uuidString: string) == nil ? "\"\(string)\" is not a uuid" : nil
        case "email":
            return string.contains("@") ? nil : "\"\(string)\" is not an e-mail address"
        default:
            return nil
        }
    }
}

extension OpenAPIContract {
    /// Records an issue for every way an answer strays from the contract.
    static func record(method: String, path: String, status: Int, contentType: String?, body: Data,
                       sourceLocation: SourceLocation) {
        switch loaded {
        case .failure(let error):
            Issue.record(Comment(rawValue: "openapi.yaml could not be read: \(error)"), sourceLocation: sourceLocation)
        case .success(let contract):
            for problem in contract.problems(method: method, path: path, status: status, contentType: contentType, body: body) {
                Issue.record(Comment(rawValue: "Off the contract: \(problem)"), sourceLocation: sourceLocation)
            }
        }
    }
}
