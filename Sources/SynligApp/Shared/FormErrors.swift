import Vapor

/// Field values and field errors of a submitted form, to show it again with messages.
struct FormErrors: Encodable {
    var byField: [String: String]

    static let none = FormErrors(byField: [:])

    init(byField: [String: String]) { self.byField = byField }

    init(_ problems: [SynligError.FieldProblem], request: Request) {
        var byField: [String: String] = [:]
        for problem in problems where byField[problem.field] == nil {
            byField[problem.field] = request.t(problem.messageKey)
        }
        self.byField = byField
    }

    /// The error summary: one link per field, in form order, each naming its field so the
    /// link says where it leads (WCAG 2.4.4).
    func summary(_ fields: [(id: String, labelKey: String)], request: Request) -> [PageContext.FormError] {
        fields.compactMap { field in
            byField[field.id].map { message in
                // A label that already ends in a question mark or full stop needs no colon.
                let label = request.t(field.labelKey)
                let joiner = label.last.map { "?.:".contains($0) } == true ? " " : ": "
                return PageContext.FormError(field: field.id, message: label + joiner + message)
            }
        }
    }

    func encode(to encoder: any Encoder) throws {
        try byField.encode(to: encoder)
    }
}
