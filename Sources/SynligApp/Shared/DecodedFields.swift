import Foundation
import NIOConcurrencyHelpers

/// The field names a `Decodable` type's own `init(from:)` asks for, in order: the type's
/// properties are the one list of its fields, and the strict JSON check, the form decoder and
/// the OpenAPI contract test all read that list here instead of repeating it.
///
/// Optional fields are found by `decodeIfPresent`; a required field gets a stand-in value so the
/// fields after it are found too.
enum DecodedFields {
    static func names<T: Decodable>(of type: T.Type) -> [String] {
        let key = ObjectIdentifier(type)
        if let known = cache.withLockedValue({ $0[key] }) { return known }
        let recorder = Recorder()
        _ = try? T(from: RecordingDecoder(recorder: recorder))
        let names = recorder.names
        cache.withLockedValue { $0[key] = names }
        return names
    }

    private static let cache = NIOLockedValueBox<[ObjectIdentifier: [String]]>([:])

    private final class Recorder: @unchecked Sendable {
        var names: [String] = []
        func note(_ key: any CodingKey) {
            if !names.contains(key.stringValue) { names.append(key.stringValue) }
        }
    }

    private struct RecordingDecoder: Decoder {
        let recorder: Recorder
        var codingPath: [any CodingKey] = []
        var userInfo: [CodingUserInfoKey: Any] = [:]

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            KeyedDecodingContainer(Keys(recorder: recorder))
        }
        func unkeyedContainer() throws -> any UnkeyedDecodingContainer { EmptyList() }
        func singleValueContainer() throws -> any SingleValueDecodingContainer { throw Stop() }
    }

    private struct Stop: Error {}

    private struct EmptyList: UnkeyedDecodingContainer {
        var codingPath: [any CodingKey] = []
        var count: Int? { 0 }
        var isAtEnd: Bool { true }
        var currentIndex: Int { 0 }
        mutating func decodeNil() throws -> Bool { true }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { throw Stop() }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> { throw Stop() }
        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { throw Stop() }
        mutating func superDecoder() throws -> any Decoder { throw Stop() }
    }

    private struct Keys<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let recorder: Recorder
        var codingPath: [any CodingKey] = []
        var allKeys: [Key] { [] }

        func contains(_ key: Key) -> Bool {
            recorder.note(key)
            return false
        }
        func decodeNil(forKey key: Key) throws -> Bool {
            recorder.note(key)
            return true
        }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            recorder.note(key)
            switch type {
            case is String.Type: return "" as! T
            case is Bool.Type: return false as! T
            case is Int.Type: return 0 as! T
            case is Double.Type: return 0.0 as! T
            case is UUID.Type: return UUID() as! T
            default:
                // Lists come out empty and records with stand-in fields; what cannot be stood in
                // for ends the recording, so keep such fields last or optional.
                return try T(from: RecordingDecoder(recorder: Recorder()))
            }
        }
        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            recorder.note(key)
            throw Stop()
        }
        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            recorder.note(key)
            throw Stop()
        }
        func superDecoder() throws -> any Decoder { throw Stop() }
        func superDecoder(forKey key: Key) throws -> any Decoder { throw Stop() }
    }
}

extension FormValues {
    /// The submitted form as a service's input: each property of `T` is read from the field of
    /// the same name, so the form, the input and the API body share one field list. Text is
    /// taken as typed (an empty field is ""), a list from repeated fields, a checkbox is true
    /// when ticked, a number is nil unless it reads as one.
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try T(from: FormDecoder(values: self))
    }

    private struct FormDecoder: Decoder {
        let values: FormValues
        var codingPath: [any CodingKey] = []
        var userInfo: [CodingUserInfoKey: Any] = [:]

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            KeyedDecodingContainer(Fields(values: values))
        }
        func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
            throw DecodingError.typeMismatch([String].self, .init(codingPath: codingPath, debugDescription: "A form is a set of named fields."))
        }
        func singleValueContainer() throws -> any SingleValueDecodingContainer {
            throw DecodingError.typeMismatch(String.self, .init(codingPath: codingPath, debugDescription: "A form is a set of named fields."))
        }
    }

    private struct Fields<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let values: FormValues
        var codingPath: [any CodingKey] = []
        var allKeys: [Key] { [] }

        func contains(_ key: Key) -> Bool { values[key.stringValue] != nil || !values.all(key.stringValue).isEmpty }
        func decodeNil(forKey key: Key) throws -> Bool { !contains(key) }

        func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { values.int(key.stringValue) }
        func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { values.isOn(key.stringValue) }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            let name = key.stringValue
            switch type {
            case is String.Type: return (values[name] ?? "") as! T
            case is [String].Type: return values.all(name) as! T
            case is Bool.Type: return values.isOn(name) as! T
            case is Int.Type:
                guard let number = values.int(name) else {
                    throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "Not a number.")
                }
                return number as! T
            default:
                throw DecodingError.typeMismatch(type, .init(codingPath: [key], debugDescription: "Forms carry text, lists, checkboxes and numbers."))
            }
        }
        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            throw DecodingError.typeMismatch([String: String].self, .init(codingPath: [key], debugDescription: "Forms are flat."))
        }
        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            throw DecodingError.typeMismatch([String].self, .init(codingPath: [key], debugDescription: "Forms are flat."))
        }
        func superDecoder() throws -> any Decoder { FormDecoder(values: values) }
        func superDecoder(forKey key: Key) throws -> any Decoder { FormDecoder(values: values) }
    }
}
