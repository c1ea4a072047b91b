import Foundation
import Leaf

/// `has(x)` in a template condition: true when `x` holds something a reader would see.
/// Leaf's own `#if(x)` takes every string as true, also "" and "   " (so an empty website
/// became `<a href="">`), and the text "false" as false. Every condition on a value goes
/// through this one rule; a test refuses a bare `#if(x)` in any template.
struct HasValueTag: LeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        guard let value = ctx.parameters.first else { return .bool(false) }
        return .bool(Self.hasValue(value))
    }

    static func hasValue(_ value: LeafData) -> Bool {
        if value.isNil { return false }
        switch value.celf {
        case .bool: return value.bool ?? false
        case .string: return !(value.string ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        case .array: return !(value.array ?? []).isEmpty
        case .dictionary: return !(value.dictionary ?? [:]).isEmpty
        case .int: return value.int != 0
        case .double: return value.double != 0
        default: return true
        }
    }
}
