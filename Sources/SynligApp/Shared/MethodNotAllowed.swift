import NIOConcurrencyHelpers
import Vapor

/// A path that exists, asked with a method it does not take, answers 405 with `Allow` listing
/// the methods it does take (RFC 9110 §15.5.6), pages and API alike — not the router's 404,
/// which would tell a client the resource is not there. A path no method reaches stays 404.
struct MethodNotAllowedMiddleware: AsyncMiddleware {
    private let table = RouteMethodTable()

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch let notFound as RouteNotFound {
            let allowed = table.methods(for: request.url.path, in: request.application.routes)
            guard !allowed.isEmpty else { throw notFound }
            throw SynligError(.methodNotAllowed, "error.method_not_allowed",
                              headers: ["Allow": allowed.joined(separator: ", ")])
        }
    }
}

/// The routes by path, matched the way Vapor's own router matches them (the method as the first
/// component, parameters and catch-alls alike), built once on the first miss: routes are all
/// registered by the time a request arrives.
private final class RouteMethodTable: @unchecked Sendable {
    private static let candidates: [HTTPMethod] = [.GET, .POST, .PUT, .PATCH, .DELETE]
    private let lock = NIOLock()
    /// Each route's count of constant components: `/caregivers/search` (POST) outranks
    /// `/caregivers/:id`, so the search path does not claim GET and PUT.
    private var router: TrieRouter<Int>?

    func methods(for path: String, in routes: Routes) -> [String] {
        let router = lock.withLock {
            if let router = self.router { return router }
            let built = TrieRouter(Int.self, options: routes.caseInsensitive ? [.caseInsensitive] : [])
            for route in routes.all {
                let components = route.path.filter { if case .constant("") = $0 { false } else { true } }
                let constants = components.filter { if case .constant = $0 { true } else { false } }.count
                built.register(constants, at: [.constant(route.method.rawValue)] + components)
            }
            self.router = built
            return built
        }
        let components = path.split(separator: "/").map(String.init)
        let matches: [(method: HTTPMethod, constants: Int)] = Self.candidates.compactMap { method in
            var parameters = Parameters()
            return router.route(path: [method.rawValue] + components, parameters: &parameters).map { (method, $0) }
        }
        let best = matches.map(\.constants).max()
        return matches.filter { $0.constants == best }.flatMap { $0.method == .GET ? ["GET", "HEAD"] : [$0.method.rawValue] }
    }
}
