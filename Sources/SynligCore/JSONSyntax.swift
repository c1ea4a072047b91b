/// A strict reading of a JSON text (RFC 8259) before any decoder sees it. Parsers disagree about
/// what they forgive: a duplicate key is read as its first value by one and its last by another,
/// so a body that means two things is refused rather than guessed at. A trailing comma is not
/// JSON; a byte order mark is something senders MUST NOT add (§8.1), so it is refused too, with a
/// message that says which it is. Nesting is bounded so a hostile body cannot exhaust the stack.
public enum JSONSyntax {
    public enum Problem: Equatable, Sendable {
        case byteOrderMark
        case trailingComma
        case duplicateKey(String)
        case tooDeep(limit: Int)
        case malformed
    }

    /// Request bodies of the API are flat records with a few lists; 32 levels is far beyond them.
    public static let depthLimit = 32

    /// Nil when `bytes` is one well-formed JSON text with no duplicate keys.
    public static func check<Bytes: Collection<UInt8>>(_ bytes: Bytes, depthLimit: Int = depthLimit) -> Problem? {
        let input = Array(bytes)
        if input.starts(with: [0xEF, 0xBB, 0xBF]) { return .byteOrderMark }
        var reader = Reader(bytes: input, depthLimit: depthLimit)
        do {
            reader.skipSpace()
            try reader.value(depth: 0)
            reader.skipSpace()
            guard reader.atEnd else { throw Problem.malformed }
            return nil
        } catch let problem as Problem {
            return problem
        } catch {
            return .malformed
        }
    }

    private struct Reader {
        let bytes: [UInt8]
        let depthLimit: Int
        var index = 0

        var atEnd: Bool { index >= bytes.count }
        var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipSpace() {
            while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
        }

        mutating func expect(_ byte: UInt8) throws {
            guard current == byte else { throw Problem.malformed }
            index += 1
        }

        mutating func value(depth: Int) throws {
            guard let byte = current else { throw Problem.malformed }
            switch byte {
            case UInt8(ascii: "{"): try object(depth: depth + 1)
            case UInt8(ascii: "["): try array(depth: depth + 1)
            case UInt8(ascii: "\""): _ = try string()
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
            default: throw Problem.malformed
            }
        }

        mutating func object(depth: Int) throws {
            guard depth <= depthLimit else { throw Problem.tooDeep(limit: depthLimit) }
            try expect(UInt8(ascii: "{"))
            skipSpace()
            if current == UInt8(ascii: "}") { index += 1; return }
            var keys = Set<[UInt8]>()
            while true {
                skipSpace()
                if current == UInt8(ascii: "}") { throw Problem.trailingComma }
                guard current == UInt8(ascii: "\"") else { throw Problem.malformed }
                let key = try string()
                guard keys.insert(key).inserted else { throw Problem.duplicateKey(String(decoding: key, as: UTF8.self)) }
                skipSpace()
                try expect(UInt8(ascii: ":"))
                skipSpace()
                try value(depth: depth)
                skipSpace()
                if current == UInt8(ascii: ",") { index += 1; continue }
                try expect(UInt8(ascii: "}"))
                return
            }
        }

        mutating func array(depth: Int) throws {
            guard depth <= depthLimit else { throw Problem.tooDeep(limit: depthLimit) }
            try expect(UInt8(ascii: "["))
            skipSpace()
            if current == UInt8(ascii: "]") { index += 1; return }
            while true {
                skipSpace()
                if current == UInt8(ascii: "]") { throw Problem.trailingComma }
                try value(depth: depth)
                skipSpace()
                if current == UInt8(ascii: ",") { index += 1; continue }
                try expect(UInt8(ascii: "]"))
                return
            }
        }

        mutating func literal(_ word: String) throws {
            for byte in word.utf8 { try expect(byte) }
        }

        mutating func digits() throws {
            guard let byte = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { throw Problem.malformed }
            while let byte = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { index += 1 }
        }

        mutating func number() throws {
            if current == UInt8(ascii: "-") { index += 1 }
            if current == UInt8(ascii: "0") { index += 1 } else { try digits() }
            if current == UInt8(ascii: ".") { index += 1; try digits() }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                index += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
                try digits()
            }
        }

        /// The string's content as UTF-8 with escapes resolved, so `"a"` and `"\u0061"` are
        /// recognised as one key.
        mutating func string() throws -> [UInt8] {
            try expect(UInt8(ascii: "\""))
            var content: [UInt8] = []
            while true {
                guard let byte = current else { throw Problem.malformed }
                index += 1
                switch byte {
                case UInt8(ascii: "\""):
                    // Invalid UTF-8 is not JSON text.
                    guard String(validating: content, as: UTF8.self) != nil else { throw Problem.malformed }
                    return content
                case UInt8(ascii: "\\"):
                    guard let escaped = current else { throw Problem.malformed }
                    index += 1
                    switch escaped {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): content.append(escaped)
                    case UInt8(ascii: "b"): content.append(0x08)
                    case UInt8(ascii: "f"): content.append(0x0C)
                    case UInt8(ascii: "n"): content.append(0x0A)
                    case UInt8(ascii: "r"): content.append(0x0D)
                    case UInt8(ascii: "t"): content.append(0x09)
                    case UInt8(ascii: "u"): content.append(contentsOf: try unicodeEscape())
                    default: throw Problem.malformed
                    }
                case 0x00..<0x20:
                    throw Problem.malformed
                default:
                    content.append(byte)
                }
            }
        }

        mutating func hex4() throws -> UInt32 {
            guard index + 4 <= bytes.count else { throw Problem.malformed }
            var value: UInt32 = 0
            for byte in bytes[index..<index + 4] {
                guard let digit = hexDigit(byte) else { throw Problem.malformed }
                value = value * 16 + digit
            }
            index += 4
            return value
        }

        func hexDigit(_ byte: UInt8) -> UInt32? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
            default: nil
            }
        }

        /// `\uXXXX`, joining a surrogate pair; a lone surrogate names no character and is refused.
        mutating func unicodeEscape() throws -> [UInt8] {
            var code = try hex4()
            if (0xD800...0xDBFF).contains(code) {
                guard bytes.count > index + 1, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    throw Problem.malformed
                }
                index += 2
                let low = try hex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw Problem.malformed }
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(code) {
                throw Problem.malformed
            }
            guard let scalar = Unicode.Scalar(code) else { throw Problem.malformed }
            return Array(String(Character(scalar)).utf8)
        }
    }
}

extension JSONSyntax.Problem: Error {}
