import Foundation
import SynligCore
import Vapor

/// A route as the matrix sees it: a method and a pattern whose parameters have no names.
struct MatrixRoute: Hashable, Comparable, CustomStringConvertible, Sendable {
    enum Segment: Hashable, Sendable { case constant(String), parameter(String) }
    let method: String
    let segments: [Segment]

    var key: String {
        method + " /" + segments.map { if case .constant(let text) = $0 { text } else { ":" } }.joined(separator: "/")
    }
    var description: String {
        method + " /" + segments.map {
            switch $0 { case .constant(let text): text; case .parameter(let name): ":" + name }
        }.joined(separator: "/")
    }
    var isAPI: Bool { segments.first == .constant("api") }
    var constants: Int { segments.filter { if case .constant = $0 { true } else { false } }.count }
    static func == (lhs: MatrixRoute, rhs: MatrixRoute) -> Bool { lhs.key == rhs.key }
    func hash(into hasher: inout Hasher) { hasher.combine(key) }
    static func < (lhs: MatrixRoute, rhs: MatrixRoute) -> Bool { lhs.key < rhs.key }

    init(method: String, segments: [Segment]) {
        self.method = method
        self.segments = segments
    }

    init(_ route: Route) {
        self.init(method: route.method.rawValue, segments: route.path.map { component in
            switch component {
            case .constant(let text): .constant(text)
            case .parameter(let name): .parameter(name)
            case .anything: .parameter("*")
            case .catchall: .parameter("**")
            }
        })
    }

    /// Every operation of `openapi.yaml`, under its server's prefix: `{id}` becomes a parameter.
    static func documented(_ contract: OpenAPIContract) -> [MatrixRoute] {
        let prefix = contract.prefix.split(separator: "/").map { Segment.constant(String($0)) }
        return contract.operations.map { operation in
            MatrixRoute(method: operation.method.uppercased(), segments: prefix + operation.template.filter { !$0.isEmpty }.map { part in
                part.hasPrefix("{") && part.hasSuffix("}") ? .parameter(String(part.dropFirst().dropLast())) : .constant(part)
            })
        }
    }
}

/// One line of `AuthorizationMatrix.table`.
struct MatrixRule: CustomStringConvertible, Sendable {
    enum Who: Equatable, Sendable { case anyone, signedIn, roles(Set<Role>) }
    let line: Int
    let text: String
    let method: String
    let pattern: [String]
    let who: Who
    let strong: Bool
    let endsSession: Bool

    var description: String { "line \(line): \(text)" }

    func matches(_ route: MatrixRoute) -> Bool {
        guard method == "*" || method == route.method else { return false }
        return Self.match(pattern[...], route.segments[...])
    }

    private static func match(_ pattern: ArraySlice<String>, _ segments: ArraySlice<MatrixRoute.Segment>) -> Bool {
        guard let head = pattern.first else { return segments.isEmpty }
        if head == "**" { return true }
        guard let segment = segments.first else { return false }
        let fits: Bool = switch (head, segment) {
        case ("*", _): true
        case (let text, .parameter) where text.hasPrefix(":"): true
        case (let text, .constant(let name)): text == name
        default: false
        }
        return fits && match(pattern.dropFirst(), segments.dropFirst())
    }

    func allows(_ role: Role) -> Bool {
        switch who {
        case .anyone, .signedIn: true
        case .roles(let roles): roles.contains(role)
        }
    }

    static func parse(_ table: String, groups: [String: String]) throws -> [MatrixRule] {
        struct Bad: Error, CustomStringConvertible { let description: String }
        var rules: [MatrixRule] = []
        for (index, raw) in table.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let text = raw.trimmingCharacters(in: .whitespaces)
            if text.isEmpty || text.hasPrefix("#") { continue }
            let words = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard words.count >= 3 else { throw Bad(description: "line \(index + 1): \(text)") }
            let who: Who
            switch words[2] {
            case "public": who = .anyone
            case "signed-in": who = .signedIn
            default:
                var roles = Set<Role>()
                for name in words[2].split(separator: ",").flatMap({ groups[String($0)]?.split(separator: ",") ?? [$0] }) {
                    guard let role = Role(rawValue: String(name)) else { throw Bad(description: "line \(index + 1): no role \(name)") }
                    roles.insert(role)
                }
                who = .roles(roles)
            }
            let flags = Set(words.dropFirst(3))
            guard flags.isSubset(of: ["strong", "ends-session"]) else { throw Bad(description: "line \(index + 1): flags \(flags)") }
            rules.append(MatrixRule(line: index + 1, text: text, method: words[0],
                                    pattern: words[1].split(separator: "/").map(String.init), who: who,
                                    strong: flags.contains("strong"), endsSession: flags.contains("ends-session")))
        }
        return rules
    }
}
