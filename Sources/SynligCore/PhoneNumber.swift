import Foundation

/// Phone numbers as people write them ("0200-239 500", "070 123 45 67", "+46 8 123 456"),
/// turned into a `tel:` link a phone can call. Swedish numbers written with a leading 0 get
/// the country code, so the link works from a foreign SIM too.
public enum PhoneNumber {
    /// The `tel:` URI, or nil when the text holds no callable number (too few digits, letters).
    public static func telURI(_ text: String) -> String? {
        // "+46 (0)8 …": the bracketed trunk zero is not dialled from abroad.
        let trimmed = text.replacingOccurrences(of: "(0)", with: "").trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        var digits = ""
        for (index, character) in trimmed.enumerated() {
            if character.isASCII, character.isNumber {
                digits.append(character)
            } else if character == "+" && index == 0 {
                digits.append(character)
            } else if !" -()/.".contains(character) {
                return nil
            }
        }
        let international: String
        if digits.hasPrefix("+") {
            international = digits
        } else if digits.hasPrefix("00") {
            international = "+" + digits.dropFirst(2)
        } else if digits.hasPrefix("0") {
            international = "+46" + digits.dropFirst()
        } else {
            international = digits
        }
        let count = international.filter(\.isNumber).count
        guard (5...15).contains(count) else { return nil }
        return "tel:" + international
    }
}
