import Foundation
import SynligCore
import Vapor

/// A JSON request body whose fields are known: anything else is refused with 400 and the
/// names of the unexpected fields, so a typo in a field name is never silently ignored.
/// The accepted fields are the ones the type's own decoder asks for (`DecodedFields`): its
/// properties are the one list, read by the decoder, this check and the OpenAPI test alike.
protocol StrictJSONBody: Decodable, Sendable {
    static var allowedKeys: Set<String> { get }
}

extension StrictJSONBody {
    static var allowedKeys: Set<String> { Set(DecodedFields.names(of: Self.self)) }
}

/// A new record's body: the service's input without `version`, which only an edit carries.
struct NewRecord<Fields: Decodable & Sendable>: StrictJSONBody {
    var fields: Fields

    init(from decoder: any Decoder) throws { fields = try Fields(from: decoder) }

    static var allowedKeys: Set<String> { Set(DecodedFields.names(of: Fields.self)).subtracting(["version"]) }
}

extension Request {
    func decodeStrict<Body: StrictJSONBody>(_ type: Body.Type) throws -> Body {
        guard let contentType = headers.contentType, contentType.type == "application",
              contentType.subType == "json" || contentType.subType.hasSuffix("+json")
        else { throw SynligError(.unsupportedMediaType, "error.unsupported_media_type") }
        guard let buffer = body.data, buffer.readableBytes > 0 else {
            throw SynligError(.badRequest, "error.empty_body")
        }
        // Syntax first, strictly: Foundation's parser forgives trailing commas and keeps one of
        // two duplicate keys, so what a client meant would depend on the parser.
        switch JSONSyntax.check(buffer.readableBytesView) {
        case nil: break
        case .byteOrderMark?: throw SynligError(.badRequest, "error.json_byte_order_mark")
        case .trailingComma?: throw SynligError(.badRequest, "error.json_trailing_comma")
        case .duplicateKey(let key)?: throw SynligError(.badRequest, "error.json_duplicate_key", arguments: [key])
        case .tooDeep(let limit)?: throw SynligError(.badRequest, "error.json_too_deep", arguments: [String(limit)])
        case .malformed?: throw SynligError(.badRequest, "error.malformed_json")
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

