import Vapor

/// Headers every answer carries. Answers stay out of caches unless a route says otherwise
/// (static files, public pages), so authenticated pages and API answers are never stored.
struct SecurityHeadersMiddleware: AsyncMiddleware {
    static let contentSecurityPolicy = [
        "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
        "font-src 'self'", "connect-src 'self'", "form-action 'self'", "frame-ancestors 'none'",
        "base-uri 'none'", "object-src 'none'",
    ].joined(separator: "; ")

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        let headers = response.headers
        response.headers.replaceOrAdd(name: "Content-Security-Policy", value: Self.contentSecurityPolicy)
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "no-referrer")
        response.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        response.headers.replaceOrAdd(name: "Cross-Origin-Opener-Policy", value: "same-origin")
        response.headers.replaceOrAdd(name: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()")
        if !headers.contains(name: .cacheControl) {
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        }
        if request.isSecure {
            response.headers.replaceOrAdd(name: "Strict-Transport-Security", value: "max-age=31536000; includeSubDomains")
        }
        return response
    }
}

/// One line per request: method, route pattern and status. Never the path with its ids,
/// never the query string, never a body: personal data stays out of the server log.
struct RequestLogMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let start = ContinuousClock.now
        let response: Response
        do {
            response = try await next.respond(to: request)
        } catch {
            log(request, status: (error as? any AbortError)?.status.code ?? 500, start: start)
            throw error
        }
        log(request, status: response.status.code, start: start)
        return response
    }

    private func log(_ request: Request, status: UInt, start: ContinuousClock.Instant) {
        let pattern = request.route.map { "/" + $0.path.map(\.description).joined(separator: "/") } ?? "(unrouted)"
        let elapsed = ContinuousClock.now - start
        request.logger.info("\(request.method.rawValue) \(pattern) \(status) \(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)ms")
    }
}

/// Refuses a body over the limit before anything reads it: by its declared length, or by its
/// size when it has already arrived whole. Streamed bodies are also capped where routes collect them.
struct BodyLimitMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let limit = request.application.routes.defaultMaxBodySize.value
        let declared = request.headers.first(name: .contentLength).flatMap(Int.init) ?? 0
        let arrived = request.body.data?.readableBytes ?? 0
        if declared > limit || arrived > limit {
            throw SynligError(.payloadTooLarge, "error.too_large")
        }
        return try await next.respond(to: request)
    }
}
