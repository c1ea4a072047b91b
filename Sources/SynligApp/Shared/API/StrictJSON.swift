import Foundation
import Vapor

/// A JSON request body whose fields are known: anything else is refused with 400 and the
/// names of the unexpected fields, so a typo in a field name is never silently ignored.
protocol StrictJSONBody: Decodable, Sendable {
    static var allowedKeys: Set<String> { get }
}

extension Request {
    func decodeStrict<Body: StrictJSONBody>(_ type: Body.Type) throws -> Body {
        guard let contentType = headers.contentType, contentType.type == "application",
              contentType.subType == "json" || contentType.subType.hasSuffix("+json")
        else { throw SynligError(.unsupportedMediaType, "error.unsupported_media_type") }
        guard let buffer = body.data, buffer.readableBytes > 0 else {
            throw SynligError(.badRequest, "error.empty_body")
        }
        let data = Data(buffer: buffer)
        guard let object = try? JSONSerialization.jsonObject(with: data, options: []) else {
            throw SynligError(.badRequest, "error.malformed_json")
        }
        guard let fields = object as? [String: Any] else { throw SynligError(.badRequest, "error.json_not_object") }
        let unknown = Set(fields.keys).subtracting(Body.allowedKeys)
        if !unknown.isEmpty {
            throw SynligError(.badRequest, "error.unknown_fields", arguments: [unknown.sorted().joined(separator: ", ")])
        }
        return try JSONDecoder().decode(Body.self, from: data)
    }
}

