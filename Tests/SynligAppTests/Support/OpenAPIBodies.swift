import Foundation
import Yams

/// Every JSON request body `Resources/openapi.yaml` documents, read as plain YAML with its
/// `$ref`s and `allOf`s resolved: the hostile-input suite fills each one, so an operation added
/// to the spec is tried without anyone listing it.
struct OpenAPIBodies {
    struct Property {
        let name: String
        let schema: [String: Any]
        let required: Bool

        var type: String? { schema["type"] as? String }
        var format: String? { schema["format"] as? String }
        var isEnumerated: Bool { schema["enum"] != nil }
        /// Text a person types: a string with no vocabulary and no machine format.
        var isFreeText: Bool {
            type == "string" && !isEnumerated && !["uuid", "date", "date-time", "email", "uri", "binary", "byte"].contains(format ?? "")
                && allows(HostileInput.swedish.value)
        }
        /// Whether `value` matches the property's `pattern` (a time as HH:MM takes no name).
        func allows(_ value: String) -> Bool {
            guard let pattern = schema["pattern"] as? String else { return true }
            guard let regex = try? NSRegularExpression(pattern: pattern) else { return true }
            return regex.firstMatch(in: value, range: NSRange(value.startIndex..., in: value)) != nil
        }
        var isTextList: Bool {
            type == "array" && ((schema["items"] as? [String: Any]).map { OpenAPIBodies.Property(name: name, schema: $0, required: false).isFreeText } ?? false)
        }
    }

    struct Body {
        let method: String
        /// The path below the server prefix, with `{name}` parameters.
        let template: String
        let properties: [Property]
    }

    let bodies: [Body]
    /// Operations by method and template, to find the list a path parameter's id comes from.
    let operations: Set<String>
    let prefix: String

    init(url: URL = OpenAPIContract.url) throws {
        let root = try Yams.load(yaml: String(contentsOf: url, encoding: .utf8)) as? [String: Any] ?? [:]
        let components = (root["components"] as? [String: Any]) ?? [:]
        prefix = ((root["servers"] as? [[String: Any]])?.first?["url"] as? String) ?? "/api/v1"
        var bodies: [Body] = []
        var operations: Set<String> = []
        for (template, item) in (root["paths"] as? [String: Any]) ?? [:] {
            for (method, operation) in (item as? [String: Any]) ?? [:] {
                guard let operation = operation as? [String: Any],
                      ["get", "post", "put", "patch", "delete"].contains(method) else { continue }
                operations.insert("\(method.uppercased()) \(template)")
                guard let request = operation["requestBody"] as? [String: Any],
                      let content = Self.resolve(request, components)["content"] as? [String: Any],
                      let json = content["application/json"] as? [String: Any],
                      let schema = json["schema"] as? [String: Any] else { continue }
                bodies.append(Body(method: method.uppercased(), template: template,
                                   properties: Self.properties(of: Self.resolve(schema, components), components)))
            }
        }
        self.bodies = bodies.sorted { ($0.template, $0.method) < ($1.template, $1.method) }
        self.operations = operations
    }

    static func resolve(_ node: [String: Any], _ components: [String: Any]) -> [String: Any] {
        guard let reference = node["$ref"] as? String, reference.hasPrefix("#/components/") else { return node }
        let parts = reference.dropFirst("#/components/".count).split(separator: "/").map(String.init)
        var current: Any? = components
        for part in parts { current = (current as? [String: Any])?[part] }
        return resolve(current as? [String: Any] ?? [:], components)
    }

    /// A property's schema with its `$ref` and `allOf` parts merged (`{allOf: [Text], maxLength: 300}`
    /// is a string of at most 300 code points); what the property itself says wins.
    static func flatten(_ node: [String: Any], _ components: [String: Any]) -> [String: Any] {
        var merged = resolve(node, components)
        let parts = (merged.removeValue(forKey: "allOf") as? [[String: Any]]) ?? []
        for part in parts {
            for (key, value) in flatten(part, components) where merged[key] == nil { merged[key] = value }
        }
        return merged
    }

    /// The properties of an object schema, `allOf` merged, each property's own `$ref` resolved.
    static func properties(of schema: [String: Any], _ components: [String: Any]) -> [Property] {
        var merged: [String: [String: Any]] = [:]
        var required: Set<String> = []
        func absorb(_ node: [String: Any]) {
            let node = resolve(node, components)
            for part in (node["allOf"] as? [[String: Any]]) ?? [] { absorb(part) }
            for (name, value) in (node["properties"] as? [String: Any]) ?? [:] {
                var property = flatten(value as? [String: Any] ?? [:], components)
                if let items = property["items"] as? [String: Any] { property["items"] = flatten(items, components) }
                merged[name] = property
            }
            required.formUnion((node["required"] as? [String]) ?? [])
        }
        absorb(schema)
        return merged.keys.sorted().map { Property(name: $0, schema: merged[$0]!, required: required.contains($0)) }
    }
}
