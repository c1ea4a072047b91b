import Foundation

/// A Swedish personnummer or samordningsnummer, checked for format, date and check digit.
/// Stored in the canonical 12-digit form (YYYYMMDDNNNC) so it can be searched exactly; shown
/// only masked.
public struct PersonalIdentityNumber: Sendable, Equatable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable { case personnummer, samordningsnummer }

    public enum Problem: String, Error, Sendable, Equatable {
        case format = "pin.format"
        case date = "pin.date"
        case checkDigit = "pin.check_digit"
    }

    /// YYYYMMDDNNNC.
    public let canonical: String
    public let kind: Kind

    public var description: String { masked }

    /// Birth date and the last four digits hidden: enough for a person to recognise their own.
    public var masked: String {
        let digits = Array(canonical)
        return String(digits[0..<4]) + "XXXX-XXXX"
    }

    /// Accepts `YYMMDD-NNNC`, `YYMMDD+NNNC` (100 years or older), `YYYYMMDDNNNC`, `YYYYMMDD-NNNC`
    /// and the same without separators. `today` decides the century of a 10-digit number.
    public static func parse(_ input: String, today: CalendarDate = .today()) -> Result<PersonalIdentityNumber, Problem> {
        let trimmed = input.trimmingCharacters(in: .whitespaces)
        let hundredPlus = trimmed.contains("+")
        let digits = trimmed.filter { $0 != "-" && $0 != "+" }
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }), digits.count == 10 || digits.count == 12,
              trimmed.filter({ $0 == "-" || $0 == "+" }).count <= 1
        else { return .failure(.format) }
        var full = digits
        if digits.count == 10 {
            let yy = Int(digits.prefix(2))!
            var century = today.year / 100
            if yy > today.year % 100 { century -= 1 }
            if hundredPlus { century -= 1 }
            full = String(format: "%02d", century) + digits
        }
        let values = full.map { Int(String($0))! }
        let year = Int(full.prefix(4))!
        let month = values[4] * 10 + values[5]
        var day = values[6] * 10 + values[7]
        // A samordningsnummer adds 60 to the day of birth.
        let kind: Kind = day > 60 ? .samordningsnummer : .personnummer
        if kind == .samordningsnummer { day -= 60 }
        guard let birth = CalendarDate(String(format: "%04d-%02d-%02d", year, month, day)), !(today < birth) else {
            return .failure(.date)
        }
        // Luhn over the ten digits YYMMDDNNN and the check digit.
        let ten = Array(values[2...])
        let sum = ten.dropLast().enumerated().reduce(0) { total, item in
            let doubled = item.element * (item.offset % 2 == 0 ? 2 : 1)
            return total + doubled / 10 + doubled % 10
        }
        guard (10 - sum % 10) % 10 == ten.last! else { return .failure(.checkDigit) }
        return .success(PersonalIdentityNumber(canonical: full, kind: kind))
    }

    private init(canonical: String, kind: Kind) {
        self.canonical = canonical
        self.kind = kind
    }
}
