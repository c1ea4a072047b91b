import NIOConcurrencyHelpers
import Vapor

/// A path that exists, asked with a method it does not take, answers 405 with `Allow` listing
/// the methods it does take (RFC 9110 §15.5.6), pages and API alike — not the router's 404,
/// which would tell a client the resource is not there. A path no method reaches stays 404.
///
/// The router matches by method first, so a path of constants can be shadowed by a parameter of
/// another method: `PUT /api/v1/caregivers/search` reaches `PUT /caregivers/:id` with the id
/// `search`, while the path is the search's, which only takes POST. A request whose route has
/// fewer constant components than the best route of any method for its path is that case, and
/// is answered 405 like any other method the path does not take.
struct MethodNotAllowedMiddleware: AsyncMiddleware {
    private let table = RouteMethodTable()

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let route = request.route, RouteMethodTable.hasParameters(route.path) {
            let match = table.methods(for: request.url.path, in: request.application.routes)
            if match.constants > RouteMethodTable.constants(in: route.path) {
                throw notAllowed(match.methods)
            }
        }
        do {
            return try await next.respond(to: request)
        } catch let notFound as RouteNotFound {
            let allowed = table.methods(for: request.url.path, in: request.application.routes).methods
            guard !allowed.isEmpty else { throw notFound }
            throw notAllowed(allowed)
        }
    }

    private func notAllowed(_ methods: [String]) -> SynligError {
        SynligError(.methodNotAllowed, "error.method_not_allowed", headers: ["Allow": methods.joined(separator: ", ")])
    }
}

/// The routes by path, matched the way Vapor's own router matches them (the method as the first
/// component, parameters and catch-alls alike), built once on the first use: routes are all
/// registered by the time a request arrives.
private final class RouteMethodTable: @unchecked Sendable {
    private static let candidates: [HTTPMethod] = [.GET, .POST, .PUT, .PATCH, .DELETE]
    private let lock = NIOLock()
    /// Each route's count of constant components: `/caregivers/search` (POST) outranks
    /// `/caregivers/:id`, so the search path does not claim GET and PUT.
    private var router: TrieRouter<Int>?

    static func components(_ path: [PathComponent]) -> [PathComponent] {
        path.filter { if case .constant("") = $0 { false } else { true } }
    }

    static func constants(in path: [PathComponent]) -> Int {
        components(path).filter { if case .constant = $0 { true } else { false } }.count
    }

    static func hasParameters(_ path: [PathComponent]) -> Bool {
        constants(in: path) < components(path).count
    }

    /// The methods the path takes, and how many constant components their routes have.
    func methods(for path: String, in routes: Routes) -> (methods: [String], constants: Int) {
        let router = lock.withLock {
            if let router = self.router { return router }
            let built = TrieRouter(Int.self, options: routes.caseInsensitive ? [.caseInsensitive] : [])
            for route in routes.all {
                built.register(Self.constants(in: route.path), at: [.constant(route.method.rawValue)] + Self.components(route.path))
            }
            self.router = built
            return built
        }
        let components = path.split(separator: "/").map(String.init)
        let matches: [(method: HTTPMethod, constants: Int)] = Self.candidates.compactMap { method in
            var parameters = Parameters()
            return router.route(path: [method.rawValue] + components, parameters: &parameters).map { (method, $0) }
        }
        guard let best = matches.map(\.constants).max() else { return ([], 0) }
        let methods = matches.filter { $0.constants == best }.flatMap { $0.method == .GET ? ["GET", "HEAD"] : [$0.method.rawValue] }
        return (methods, best)
    }
}
