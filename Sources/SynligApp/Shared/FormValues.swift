import Foundation
import Vapor

/// The fields of a submitted HTML form, read once, so a form with errors can be shown again
/// with exactly what was typed. Checkbox groups arrive as `name[]` (or repeated `name`).
struct FormValues: Sendable {
    private var pairs: [(String, String)]

    init(_ pairs: [(String, String)] = []) { self.pairs = pairs }

    init(request: Request) {
        guard request.headers.contentType == .urlEncodedForm, let body = request.body.string else {
            self.init()
            return
        }
        var components = URLComponents()
        // `+` means a space in form encoding; URLComponents only decodes percent escapes.
        components.percentEncodedQuery = body.replacingOccurrences(of: "+", with: "%20")
        self.init((components.queryItems ?? []).map { ($0.name, $0.value ?? "") })
    }

    subscript(_ name: String) -> String? { pairs.first { $0.0 == name }?.1 }

    func all(_ name: String) -> [String] {
        pairs.filter { $0.0 == name || $0.0 == name + "[]" }.map(\.1)
    }

    /// A checkbox: present and "on" (or "true") when ticked.
    func isOn(_ name: String) -> Bool { ["on", "true", "1"].contains(self[name] ?? "") }

    func int(_ name: String) -> Int? { self[name].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } }

    /// The single values, for showing the form again.
    var dictionary: [String: String] {
        var result: [String: String] = [:]
        for (name, value) in pairs where result[name] == nil { result[name] = value }
        return result
    }
}
