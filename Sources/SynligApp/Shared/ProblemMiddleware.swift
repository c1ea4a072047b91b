import Fluent
import FluentPostgresDriver
import LeafKit
import Vapor

/// Turns every error into an answer a person can act on, in their language: a friendly
/// page for the browser, an RFC 9457 problem document for the API. No stack traces, no
/// database messages, no personal data; unexpected errors are logged by type only.
struct ProblemMiddleware: AsyncMiddleware {
    struct Problem: Content {
        struct FieldProblem: Content {
            var field: String
            var message: String
        }
        var type: String
        var title: String
        var status: UInt
        var detail: String
        var errors: [FieldProblem]?
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            let problem = classify(error, request: request)
            if let leaf = error as? LeafError {
                // Template errors name the template and the tag, never data: safe to log whole.
                request.logger.error("Template error: \(String(describing: leaf))")
            } else if problem.status.code >= 500 {
                request.logger.error("Unhandled \(String(reflecting: type(of: error))) on \(request.method.rawValue) \(request.route.map { "/" + $0.path.map(\.description).joined(separator: "/") } ?? "(unrouted)")")
            }
            return await render(problem, for: request)
        }
    }

    private func classify(_ error: any Error, request: Request) -> SynligError {
        switch error {
        case let error as SynligError:
            return error
        case let error as DecodingError:
            return SynligError(.badRequest, "error.invalid_body", arguments: [Self.describe(error)])
        case let error as any DatabaseError where error.isConstraintFailure:
            return SynligError(.conflict, "error.conflict")
        case _ where Self.isDatabaseUnreachable(error):
            // PostgreSQL is restarting or out of reach: nothing was saved, and trying again in a
            // moment is the right thing to do, so say that instead of "an unexpected error".
            return SynligError(.serviceUnavailable, "error.database_unavailable", headers: ["Retry-After": "5"])
        case is SecretBoxError:
            // The server's secret key is not the one the secret was sealed with: an operator's
            // matter (a restore under another key), said as such rather than as a crash.
            return SynligError(.serviceUnavailable, "signin.secret_key_mismatch")
        case let error as any AbortError:
            let key: String = switch error.status {
            case .notFound: "error.not_found"
            case .payloadTooLarge: "error.too_large"
            case .unsupportedMediaType: "error.unsupported_media_type"
            case .methodNotAllowed: "error.method_not_allowed"
            case .badRequest: "error.bad_request"
            case .unauthorized: "error.unauthorized"
            case .forbidden: "error.forbidden"
            default: error.status.code >= 500 ? "error.internal" : "error.bad_request"
            }
            return SynligError(error.status, key, headers: error.headers)
        default:
            return SynligError(.internalServerError, "error.internal")
        }
    }

    /// The database could not be reached or dropped the connection (it restarted, a network
    /// failed, the pool waited in vain), as opposed to refusing what was asked of it.
    static func isDatabaseUnreachable(_ error: any Error) -> Bool {
        switch error {
        case let error as PSQLError:
            return [.connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown].contains(error.code)
        case let error as any DatabaseError:
            return error.isConnectionClosed
        case is ConnectionPoolTimeoutError, is ConnectionPoolError:
            return true
        default:
            return false
        }
    }

    /// Names the field and what was wrong with it, never the value sent.
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let names = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return names.isEmpty ? "(body)" : names.joined(separator: ".")
        }
        switch error {
        case .typeMismatch(_, let context): return path(context)
        case .valueNotFound(_, let context): return path(context)
        case .keyNotFound(let key, let context):
            return (context.codingPath.map(\.stringValue) + [key.stringValue]).joined(separator: ".")
        case .dataCorrupted(let context): return path(context)
        @unknown default: return "(body)"
        }
    }

    private func wantsJSON(_ request: Request) -> Bool {
        if request.url.path.hasPrefix("/api/") || request.url.path == "/health" { return true }
        let accept = request.headers.first(name: .accept) ?? ""
        return accept.contains("json") && !accept.contains("html")
    }

    private func render(_ error: SynligError, for request: Request) async -> Response {
        let localizer = request.application.localizer
        if request.publicLanguage == nil, request.method == .GET || request.method == .HEAD,
           let language = SiteURL.publicLanguage(of: request.url.path, among: localizer.publicLanguages.map(PublicLanguage.init(code:))) {
            request.usePublicLanguage(language)
        }
        let language = request.textLanguage
        let title = localizer.text("error.title.\(error.status.code)", language)
        let detail = error.message(localizer, language)
        let fields = error.fieldProblems.map {
            Problem.FieldProblem(field: $0.field, message: localizer.text($0.messageKey, language))
        }
        var headers = error.headers
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        headers.replaceOrAdd(name: .contentLanguage, value: language)

        if wantsJSON(request) {
            let problem = Problem(type: "about:blank", title: title == "error.title.\(error.status.code)" ? error.status.reasonPhrase : title,
                                  status: error.status.code, detail: detail, errors: fields.isEmpty ? nil : fields)
            let body = (try? JSONEncoder().encode(problem)) ?? Data()
            headers.replaceOrAdd(name: .contentType, value: "application/problem+json; charset=utf-8")
            return Response(status: error.status, headers: headers, body: .init(data: body))
        }

        let page = ErrorPage(page: PageContext.make(for: request, titleKey: "error.page_title"),
                             heading: localizer.text("error.title.\(error.status.code)", language),
                             detail: detail, fields: fields.map { .init(field: $0.field, message: $0.message) },
                             status: error.status.code)
        let status = error.status
        do {
            let response = try await request.view.render("error", page).encodeResponse(for: request)
            response.status = status
            for (name, value) in headers { response.headers.replaceOrAdd(name: name, value: value) }
            return response
        } catch {
            // The template itself failed: plain text still tells the person what happened.
            headers.replaceOrAdd(name: .contentType, value: "text/plain; charset=utf-8")
            return Response(status: status, headers: headers, body: .init(string: detail))
        }
    }
}

struct ErrorPage: Encodable {
    struct Field: Encodable {
        var field: String
        var message: String
    }
    var page: PageContext
    var heading: String
    var detail: String
    var fields: [Field]
    var status: UInt
}
