import Vapor

/// An error a user can cause. It carries a localisation key, never a sentence, so the
/// answer is in the user's language, and never personal data.
package struct SynligError: AbortError, Sendable {
    package struct FieldProblem: Sendable, Equatable {
        package var field: String
        package var messageKey: String
    }

    package var status: HTTPResponseStatus
    package var messageKey: String
    var arguments: [String]
    /// A count the message states ("Försök igen om 1 minut"): the message key is then a plural
    /// key, with the count as `{0}` and the arguments after it.
    var count: Int?
    package var fieldProblems: [FieldProblem]
    package var headers: HTTPHeaders

    init(_ status: HTTPResponseStatus, _ messageKey: String, arguments: [String] = [], count: Int? = nil,
         fields: [FieldProblem] = [], headers: HTTPHeaders = [:]) {
        self.status = status
        self.messageKey = messageKey
        self.arguments = arguments
        self.count = count
        self.fieldProblems = fields
        self.headers = headers
    }

    package var reason: String { messageKey }

    /// The message in the language `code`.
    func message(_ localizer: Localizer, _ code: String) -> String {
        if let count { return localizer.plural(messageKey, code, count: count, arguments) }
        return localizer.text(messageKey, code, arguments)
    }

    static let notFound = SynligError(.notFound, "error.not_found")
    static let forbidden = SynligError(.forbidden, "error.forbidden")

    /// Input failed validation: 422 with one problem per field.
    static func invalid(_ fields: [FieldProblem]) -> SynligError {
        SynligError(.unprocessableEntity, "error.invalid_input", fields: fields)
    }

    /// Someone else saved the record after this edit began.
    static let staleEdit = SynligError(.conflict, "error.stale_edit")
}
