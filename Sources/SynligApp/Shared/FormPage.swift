import SynligCore
import Vapor

/// One field of a form page, rendered by `shared/form-fields.leaf` with its label, hint,
/// inline error and the ARIA that ties them together.
struct FormField: Encodable, Sendable {
    enum Kind: String, Encodable, Sendable {
        case text, textarea, date, number, tel, email, select, radios, checkboxes, checkbox
    }

    var id: String
    var label: String
    var hint: String?
    var kind: Kind
    var value: String
    var options: [SelectOption]
    var checked: Bool
    var error: String?
    var maxLength: Int?
    /// Long text areas for conversation notes, short ones for a line or two.
    var rows: Int

    var describedBy: String? {
        let ids = [hint == nil ? nil : id + "-hint", error == nil ? nil : id + "-error"].compactMap { $0 }
        return ids.isEmpty ? nil : ids.joined(separator: " ")
    }

    enum CodingKeys: String, CodingKey { case id, label, hint, kind, value, options, checked, error, maxLength, rows, describedBy }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(label, forKey: .label)
        try container.encodeIfPresent(hint, forKey: .hint)
        try container.encode(kind, forKey: .kind)
        try container.encode(value, forKey: .value)
        try container.encode(options, forKey: .options)
        try container.encode(checked, forKey: .checked)
        try container.encodeIfPresent(error, forKey: .error)
        try container.encodeIfPresent(maxLength, forKey: .maxLength)
        try container.encode(rows, forKey: .rows)
        try container.encodeIfPresent(describedBy, forKey: .describedBy)
    }
}

/// Builds the fields of one form from the values to show and the errors to report, taking
/// every label and option text from the localisation files.
struct FormBuilder {
    let request: Request
    let values: FormValues
    let errors: FormErrors
    private(set) var fields: [FormField] = []
    private(set) var hidden: [HiddenField] = []

    struct HiddenField: Encodable, Sendable {
        var name: String
        var value: String
    }

    /// The same form carrying a hidden value (where the form came from, not user input).
    func withHidden(_ name: String, _ value: String) -> FormBuilder {
        var copy = self
        copy.hidden.append(HiddenField(name: name, value: value))
        return copy
    }

    init(_ request: Request, values: FormValues = FormValues(), errors: FormErrors = .none) {
        self.request = request
        self.values = values
        self.errors = errors
    }

    private mutating func add(_ id: String, _ labelKey: String, _ kind: FormField.Kind, hintKey: String?, value: String = "",
                              options: [SelectOption] = [], checked: Bool = false, maxLength: Int? = nil, rows: Int = 3) {
        add(id, label: request.t(labelKey), kind, hintKey: hintKey, value: value, options: options, checked: checked,
            maxLength: maxLength, rows: rows)
    }

    private mutating func add(_ id: String, label: String, _ kind: FormField.Kind, hintKey: String?, value: String = "",
                              options: [SelectOption] = [], checked: Bool = false, maxLength: Int? = nil, rows: Int = 3) {
        fields.append(FormField(id: id, label: label, hint: hintKey.map { request.t($0) }, kind: kind, value: value,
                                options: options, checked: checked, error: errors.byField[id], maxLength: maxLength, rows: rows))
    }

    mutating func text(_ id: String, _ labelKey: String, hint: String? = nil, kind: FormField.Kind = .text, maxLength: Int = 200) {
        add(id, labelKey, kind, hintKey: hint, value: values[id] ?? "", maxLength: maxLength)
    }

    mutating func textarea(_ id: String, _ labelKey: String, hint: String? = nil, rows: Int = 4, maxLength: Int = TextLimit.longText) {
        add(id, labelKey, .textarea, hintKey: hint, value: values[id] ?? "", maxLength: maxLength, rows: rows)
    }

    mutating func date(_ id: String, _ labelKey: String, hint: String? = nil) {
        add(id, labelKey, .date, hintKey: hint, value: values[id] ?? "")
    }

    mutating func checkbox(_ id: String, _ labelKey: String, hint: String? = nil) {
        add(id, labelKey, .checkbox, hintKey: hint, checked: values.isOn(id))
    }

    /// A select or radio group over a vocabulary whose labels are `prefix.<raw value>`.
    mutating func choice<Value: RawRepresentable & CaseIterable>(_ id: String, _ labelKey: String, _ type: Value.Type, prefix: String,
                                                                 hint: String? = nil, radios: Bool = false, blank: Bool = false)
        where Value.RawValue == String {
        let chosen = values[id] ?? ""
        var options = type.allCases.map { SelectOption(value: $0.rawValue, label: request.t("\(prefix).\($0.rawValue)"), selected: $0.rawValue == chosen) }
        if blank { options.insert(SelectOption(value: "", label: request.t("form.choose"), selected: chosen.isEmpty), at: 0) }
        add(id, labelKey, radios ? .radios : .select, hintKey: hint, options: options)
    }

    /// A select or radio group over an optional classification: "not stated" comes first and
    /// is chosen until someone answers, so an untouched form stores `notStated`.
    mutating func classification<Value: OptionalClassification>(_ id: String, _ labelKey: String, _ type: Value.Type, prefix: String,
                                                                hint: String? = nil, radios: Bool = false) {
        let chosen = values[id].flatMap(Value.init(rawValue:)) ?? .notStated
        let options = type.formOrder.map { SelectOption(value: $0.rawValue, label: request.t("\(prefix).\($0.rawValue)"), selected: $0 == chosen) }
        add(id, labelKey, radios ? .radios : .select, hintKey: hint, options: options)
    }

    /// A select or radio group over options built by the caller (units, colleagues, offerings).
    mutating func options(_ id: String, _ labelKey: String, _ options: [(value: String, label: String)], hint: String? = nil,
                          radios: Bool = false, blankKey: String? = nil) {
        let chosen = values[id] ?? ""
        var list = options.map { SelectOption(value: $0.value, label: $0.label, selected: $0.value == chosen) }
        if let blankKey { list.insert(SelectOption(value: "", label: request.t(blankKey), selected: chosen.isEmpty), at: 0) }
        add(id, labelKey, radios ? .radios : .select, hintKey: hint, options: list)
    }

    /// A select or radio group whose question comes from a data file already in the reader's
    /// language (a screening instrument's item), not from the localisation files.
    mutating func options(_ id: String, question: String, _ options: [(value: String, label: String)], radios: Bool = false) {
        let chosen = values[id] ?? ""
        add(id, label: question, radios ? .radios : .select, hintKey: nil,
            options: options.map { SelectOption(value: $0.value, label: $0.label, selected: $0.value == chosen) })
    }

    /// Checkboxes over a vocabulary: several may be ticked.
    mutating func checkboxes<Value: RawRepresentable & CaseIterable>(_ id: String, _ labelKey: String, _ type: Value.Type, prefix: String,
                                                                     hint: String? = nil) where Value.RawValue == String {
        let chosen = Set(values.all(id))
        add(id, labelKey, .checkboxes, hintKey: hint,
            options: type.allCases.map { SelectOption(value: $0.rawValue, label: request.t("\(prefix).\($0.rawValue)"), selected: chosen.contains($0.rawValue)) })
    }

    mutating func checkboxes(_ id: String, _ labelKey: String, _ options: [(value: String, label: String)], hint: String? = nil) {
        let chosen = Set(values.all(id))
        add(id, labelKey, .checkboxes, hintKey: hint,
            options: options.map { SelectOption(value: $0.value, label: $0.label, selected: chosen.contains($0.value)) })
    }

    /// The error summary, one entry per field with an error, in form order.
    var summary: [PageContext.FormError] {
        fields.compactMap { field in
            field.error.map { message in
                let joiner = field.label.last.map { "?.:".contains($0) } == true ? " " : ": "
                return PageContext.FormError(field: field.id, message: field.label + joiner + message)
            }
        }
    }
}

/// A page that is one form: heading, optional explanation, fields, and where to go back.
struct FormPage: Encodable {
    var page: PageContext
    var intro: String?
    var notice: String?
    /// A confirmation that something was saved (a status message, not a warning).
    var confirmation: String?
    var action: String
    var version: Int?
    var fields: [FormField]
    var hidden: [FormBuilder.HiddenField]
    var submitLabel: String
    var backHref: String
    var backLabel: String
    /// A record the refusal points at, e.g. the person who already has this personnummer.
    var related: RelatedLink?

    struct RelatedLink: Encodable {
        var href: String
        var text: String
    }
}

extension Request {
    /// Renders a form page; with errors, the status is the error's (422, 409).
    func renderForm(titleKey: String, titleArguments: [String] = [], form: FormBuilder, action: String, version: Int? = nil,
                    introKey: String? = nil, introText: String? = nil, notice: String? = nil, confirmation: String? = nil, submitKey: String = "form.save", backHref: String, backKey: String,
                    related: FormPage.RelatedLink? = nil, status: HTTPResponseStatus = .ok) async throws -> Response {
        try await renderPage("shared/form", FormPage(
            page: .make(for: self, titleKey: titleKey, titleArguments: titleArguments, errors: form.summary),
            // A form shown again keeps the version it was loaded at, so a stale edit stays refused
            // until the user reloads and sees the colleague's change.
            intro: introText ?? introKey.map { t($0) }, notice: notice, confirmation: confirmation, action: action,
            version: version.map { form.values.int("version") ?? $0 }, fields: form.fields, hidden: form.hidden,
            submitLabel: t(submitKey), backHref: backHref, backLabel: t(backKey), related: related), status: status)
    }
}

extension Request {
    /// Saves a submitted form. When the input is refused (422) or collides with the record's
    /// state (409: a stale edit, a missing consent), the form is shown again with what was typed
    /// and the reason, so nothing typed is lost.
    func submitForm(
        render: (_ values: FormValues, _ errors: FormErrors, _ notice: String?, _ status: HTTPResponseStatus) async throws -> Response,
        save: (_ values: FormValues) async throws -> Response
    ) async throws -> Response {
        let values = FormValues(request: self)
        do {
            return try await save(values)
        } catch let error as SynligError where !error.fieldProblems.isEmpty {
            return try await render(values, FormErrors(error.fieldProblems, request: self), nil, error.status)
        } catch let error as SynligError where error.status == .conflict {
            return try await render(values, .none, t(error.messageKey), .conflict)
        }
    }
}
