import SynligCore
import Vapor

/// The start page after sign-in: who you are, your worklist and where your roles take you.
struct HomeController: RouteCollection {
    struct HomePage: Encodable {
        struct Shortcut: Encodable {
            var label: String
            var href: String
            var description: String
        }
        var page: PageContext
        var greeting: String
        var roles: [String]
        var shortcuts: [Shortcut]
        /// Tasks due; empty until capabilities that create tasks register them.
        var worklist: [WorklistItem]
    }

    struct WorklistItem: Encodable {
        var label: String
        var href: String
        var due: String
        var overdue: Bool
    }

    /// What is due for this user. Each capability adds its own kind of item here.
    enum Worklist {
        static func items(for user: CurrentUser, request req: Request) async throws -> [WorklistItem] {
            try await ContactRequestWorklist.items(for: user, request: req)
                + ReferralWorklist.items(for: user, request: req)
                + WorklistController.items(for: user, request: req)
                + MappingWorklist.items(for: user, request: req) + PlanningWorklist.items(for: user, request: req)
                + CrisisWorklist.items(for: user, request: req)
        }
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.signedIn.get(SiteURL.home.pattern, use: show)
    }

    @Sendable func show(req: Request) async throws -> Response {
        let user = try req.currentUser
        let shortcuts = Navigation.entries
            .filter { $0.url != .home && ($0.roles.map(user.hasAny) ?? true) }
            .map { HomePage.Shortcut(label: req.t($0.labelKey), href: $0.url.path, description: req.t($0.labelKey + ".description")) }
        let page = HomePage(
            page: .make(for: req, titleKey: "home.title"),
            greeting: req.t("home.greeting", user.displayName),
            roles: user.roles.sorted().map { req.t("role.\($0.rawValue)") },
            shortcuts: shortcuts,
            worklist: try await Worklist.items(for: user, request: req))
        return try await req.renderPage("home", page)
    }
}
