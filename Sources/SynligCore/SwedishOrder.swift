import Foundation

/// Alphabetical order as a Swedish reader expects it — a to z, then å, ä, ö; case and accents
/// do not separate names (Eklöf and eklöf, Rene and René) — as a sort key computed once per
/// name. Sorting tens of thousands of names with a locale-aware compare per pair costs seconds;
/// comparing keys costs milliseconds, and the order is the same on every platform. Names equal
/// under the key are told apart by the caller (by the name as written, then an id), so a list's
/// order never depends on the order rows came from the database.
public enum SwedishOrder {
    /// Compare keys with `lexicographicallyPrecedes`; equal keys mean names a Swedish list treats as equal.
    public static func key(_ text: String) -> [UInt32] {
        var key: [UInt32] = []
        // One spelling of each letter: å typed as one character or as a and a ring is the same å.
        let composed = text.precomposedStringWithCanonicalMapping.lowercased()
        key.reserveCapacity(composed.unicodeScalars.count)
        for scalar in composed.unicodeScalars {
            if scalar.isASCII {
                key.append(code(scalar.value))
                continue
            }
            switch scalar {
            // The three letters after z, with their Danish, Norwegian and German neighbours
            // sorted where a Swedish dictionary puts them.
            case "å": key.append(afterZ(1))
            case "ä", "æ": key.append(afterZ(2))
            case "ö", "ø": key.append(afterZ(3))
            case "ü": key.append(code("y"))
            // Letters without an accent to take off, sorted with the letter they are written from.
            case "ł": key.append(code("l"))
            case "đ", "ð": key.append(code("d"))
            case "ı": key.append(code("i"))
            case "ß": key.append(contentsOf: [code("s"), code("s")])
            default:
                // A mark left on its own does not count; other accents are not letters of their
                // own: é sorts as e. A letter that does not decompose keeps its own place.
                if scalar.properties.generalCategory == .nonspacingMark { continue }
                let base = String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars.first ?? scalar
                key.append(code(base.value))
            }
        }
        return key
    }

    /// Room after each letter, so å, ä and ö fall between z and whatever comes after z.
    private static func code(_ value: UInt32) -> UInt32 { value * 4 }
    private static func code(_ letter: Unicode.Scalar) -> UInt32 { code(letter.value) }
    private static func afterZ(_ step: UInt32) -> UInt32 { code("z") + step }
}
