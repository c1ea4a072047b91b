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
            } else if problem.messageKey == Self.databaseUnavailableKey {
                // Expected while PostgreSQL restarts: a warning that names the failure, not "unhandled".
                request.logger.warning("Database out of reach (\(Self.failureName(error))) on \(Self.routeName(request))")
            } else if problem.status.code >= 500 {
                request.logger.error("Unhandled \(String(reflecting: type(of: error))) on \(Self.routeName(request))")
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
            // PostgreSQL is restarting or out of reach: trying again in a moment is the right thing
            // to do (Retry-After), after checking what was saved, since a connection lost during
            // COMMIT leaves that unknown. Said so instead of "an unexpected error".
            return SynligError(.serviceUnavailable, Self.databaseUnavailableKey, headers: ["Retry-After": "5"])
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

    static let databaseUnavailableKey = "error.database_unavailable"

    /// The database could not be reached or dropped the connection (it restarted, crashed, is
    /// still recovering, a network failed, the pool waited in vain), as opposed to refusing what
    /// was asked of it: a constraint, a syntax error or any other bug stays what it is.
    ///
    /// PostgreSQL says "not now" in two ways: the driver loses the connection (refused, reset,
    /// closed), or the server answers with an error whose SQLSTATE blames the server rather than
    /// the statement — a request that arrives while it is still starting up gets 57P03, one that
    /// was running when it was stopped gets 57P01. Fluent's transactions and ours
    /// (`WriteTransaction`, `AuditTrail.transaction`) rethrow the driver's error unchanged (or the
    /// failed ROLLBACK's, of the same kinds), so no unwrapping is needed.
    static func isDatabaseUnreachable(_ error: any Error) -> Bool {
        switch error {
        case let error as PSQLError:
            switch error.code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
                return true
            case .server:
                return error.serverInfo?[.sqlState].map { isDatabaseUnreachable(sqlState: $0) } ?? false
            default:
                return false
            }
        case let error as PostgresError:
            // The driver's older error type, which its compatibility paths still throw.
            if case .server = error { return isDatabaseUnreachable(sqlState: error.code.raw) }
            return error.isConnectionClosed
        case let error as any DatabaseError:
            return error.isConnectionClosed
        case is ConnectionPoolTimeoutError, is ConnectionPoolError:
            return true
        default:
            return false
        }
    }

    /// The SQLSTATEs that blame the server or the connection, never the statement: 57P01
    /// (admin_shutdown: the server is stopping, or an administrator ended the session), 57P02
    /// (crash_shutdown: another server process crashed and every session is being reset), 57P03
    /// (cannot_connect_now: starting up, shutting down or recovering), 53300 (too many
    /// connections: passes as others close), and class 08, connection exceptions — except 08P01,
    /// a protocol violation, which is a driver's bug and not a reason to try again.
    static func isDatabaseUnreachable(sqlState: String) -> Bool {
        switch sqlState {
        case "57P01", "57P02", "57P03", "53300": true
        case "08P01": false
        default: sqlState.hasPrefix("08")
        }
    }

    /// What failed, for the server log: the driver's code and the SQLSTATE, never a message
    /// (a server's message can quote the data).
    private static func failureName(_ error: any Error) -> String {
        let type = String(reflecting: Swift.type(of: error))
        guard let error = error as? PSQLError else { return type }
        return "\(type) \(error.code)" + (error.serverInfo?[.sqlState].map { " SQLSTATE \($0)" } ?? "")
    }

    private static func routeName(_ request: Request) -> String {
        "\(request.method.rawValue) \(request.route.map { "/" + $0.path.map(\.description).joined(separator: "/") } ?? "(unrouted)")"
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
