import Foundation

/// Alphabetical order as a Swedish reader expects it — a to z, then å, ä, ö; case and accents
/// do not separate names (Eklöf and eklöf, Rene and René) — as a sort key computed once per
/// name. Sorting tens of thousands of names with a locale-aware compare per pair costs seconds;
/// comparing keys costs milliseconds, and the order is the same on every platform.
public enum SwedishOrder {
    /// Compare keys with `<` (lexicographic); equal keys mean names a Swedish list treats as equal.
    public static func key(_ text: String) -> [UInt32] {
        var key: [UInt32] = []
        key.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.lowercased().unicodeScalars {
            switch scalar {
            // The three letters after z, with their Danish and Norwegian and German neighbours
            // sorted where a Swedish dictionary puts them.
            case "å": key.append(zPlus(1))
            case "ä", "æ": key.append(zPlus(2))
            case "ö", "ø": key.append(zPlus(3))
            case "ü": key.append(UInt32(UInt8(ascii: "y")))
            case _ where scalar.isASCII:
                key.append(scalar.value)
            default:
                // Other accents are not letters of their own: é sorts as e. A letter that does not
                // decompose keeps its own code point.
                let base = String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars.first ?? scalar
                key.append(base.value)
            }
        }
        return key
    }

    private static func zPlus(_ step: UInt32) -> UInt32 { UInt32(UInt8(ascii: "z")) + step }
}
