import Foundation
import SynligCore

/// Collects the field problems of one submitted form or API body, so every problem is reported
/// at once (422) and nothing is saved until all fields are valid.
struct InputChecker {
    private(set) var problems: [SynligError.FieldProblem] = []

    mutating func fail(_ field: String, _ key: String) {
        problems.append(.init(field: field, messageKey: key))
    }

    mutating func text(_ value: String?, _ field: String, required: Bool = false, max: Int = TextLimit.longText, multiline: Bool = true) -> String {
        let (text, problem) = TextInput.check(value, required: required, maxLength: max, multiline: multiline)
        if let problem { fail(field, problem.rawValue) }
        return text
    }

    mutating func line(_ value: String?, _ field: String, required: Bool = false, max: Int = 200) -> String {
        text(value, field, required: required, max: max, multiline: false)
    }

    /// A required date, or an optional one that may be left empty.
    mutating func date(_ value: String?, _ field: String, required: Bool = true) -> CalendarDate? {
        let trimmed = value?.trimmingCharacters(in: .whitespaces) ?? ""
        if trimmed.isEmpty {
            if required { fail(field, "input.required") }
            return nil
        }
        guard let date = CalendarDate(trimmed) else {
            fail(field, "input.invalid_date")
            return nil
        }
        return date
    }

    /// One value of a fixed vocabulary.
    mutating func choice<Value: RawRepresentable>(_ value: String?, _ field: String, as: Value.Type) -> Value? where Value.RawValue == String {
        guard let value, let chosen = Value(rawValue: value) else {
            fail(field, "input.invalid_choice")
            return nil
        }
        return chosen
    }

    /// An optional classification: left out (or empty) it is `notStated`, never a made-up
    /// answer; an unknown value is refused.
    mutating func classification<Value: OptionalClassification>(_ value: String?, _ field: String, as type: Value.Type) -> Value {
        guard let value, !value.isEmpty else { return .notStated }
        return choice(value, field, as: type) ?? .notStated
    }

    /// Several values of a fixed vocabulary; an unknown value is refused, not dropped.
    mutating func choices<Value: RawRepresentable & Hashable>(_ values: [String], _ field: String, as: Value.Type,
                                                              required: Bool = false) -> Set<Value> where Value.RawValue == String {
        let chosen = Set(values.compactMap(Value.init(rawValue:)))
        if chosen.count != Set(values).count || (required && chosen.isEmpty) { fail(field, "input.invalid_choice") }
        return chosen
    }

    mutating func id(_ value: String?, _ field: String) -> UUID? {
        guard let raw = value?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
        guard let id = UUID(uuidString: raw) else {
            fail(field, "input.invalid_id")
            return nil
        }
        return id
    }

    /// Throws 422 with every problem found, if any.
    func finish() throws {
        if !problems.isEmpty { throw SynligError.invalid(problems) }
    }
}

extension Set where Element: RawRepresentable, Element.RawValue == String {
    /// Stored as comma-separated raw values, sorted so equal sets store equally.
    var storedText: String { map(\.rawValue).sorted().joined(separator: ",") }
}
