import Foundation
import Vapor

/// A JSON request body whose fields are known: anything else is refused with 400 and the
/// names of the unexpected fields, so a typo in a field name is never silently ignored.
protocol StrictJSONBody: Decodable, Sendable {
    static var allowedKeys: Set<String> { get }
}

/// A body whose accepted fields are exactly its coding keys: the field list is written once,
/// in `CodingKeys`, and the decoder, the strict check and the OpenAPI test all read it there.
protocol StrictJSONFields: StrictJSONBody {
    associatedtype CodingKeys: CodingKey, CaseIterable, RawRepresentable where CodingKeys.RawValue == String
}

extension StrictJSONFields {
    static var allowedKeys: Set<String> { Set(CodingKeys.allCases.map(\.rawValue)) }
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

