import Fluent
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

@Suite("OpenAPI document")
struct OpenAPITests {
    /// The paths and methods listed under `paths:` in the YAML document.
    static func documentedOperations(_ yaml: String) -> Set<String> {
        var operations = Set<String>()
        var currentPath: String?
        var inPaths = false
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("paths:") { inPaths = true; continue }
            if inPaths, !line.hasPrefix(" "), !line.isEmpty { inPaths = false }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":") {
                currentPath = String(line.dropFirst(2).dropLast())
            } else if let path = currentPath, line.hasPrefix("    "), !line.hasPrefix("     "),
                      let method = ["get", "post", "put", "delete", "patch"].first(where: { line == "    \($0):" }) {
                operations.insert("\(method.uppercased()) \(path)")
            }
        }
        return operations
    }

    @Test("Every /api/v1 route is documented in openapi.yaml, and every documented operation exists")
    func specMatchesRoutes() async throws {
        try await withSynlig { app in
            let response = try await app.testing().sendRequest(.GET, "/api/v1/openapi.yaml")
            #expect(response.status == .ok)
            let yaml = response.body.string
            #expect(yaml.hasPrefix("openapi: 3."))
            let documented = Self.documentedOperations(yaml)
            let routed = Set(app.routes.all.compactMap { route -> String? in
                let path = "/" + route.path.map { component -> String in
                    if case .parameter(let name) = component { return "{\(name)}" }
                    return component.description
                }.joined(separator: "/")
                guard path.hasPrefix("/api/v1/"), path != "/api/v1/openapi.yaml" else { return nil }
                return "\(route.method.rawValue) \(path.dropFirst("/api/v1".count))"
            })
            #expect(!routed.isEmpty)
            #expect(routed.subtracting(documented).isEmpty, "undocumented: \(routed.subtracting(documented).sorted())")
            #expect(documented.subtracting(routed).isEmpty, "documented but missing: \(documented.subtracting(routed).sorted())")
        }
    }
}
