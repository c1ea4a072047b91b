import SynligCore
import Vapor

/// What the base layout needs on every page: language, who is signed in, the navigation
/// their roles allow, the CSRF token and whether this is demo data.
struct PageContext: Encodable {
    struct NavItem: Encodable {
        var label: String
        var href: String
        var current: Bool
    }

    struct SignedIn: Encodable {
        var displayName: String
        var organisationName: String
    }

    struct LanguageLink: Encodable {
        var href: String
        var label: String
        var code: String
    }

    struct FormError: Encodable {
        /// The id of the input the message belongs to, for the error summary's link.
        var field: String
        var message: String
    }

    /// The `<title>`: says "Error:" first when the form has errors, so a screen reader hears it at once.
    var title: String
    /// The page's h1, without that prefix.
    var heading: String
    var lang: String
    /// Links to the page in the other languages, each named in its own language.
    var languageLinks: [LanguageLink]
    var user: SignedIn?
    var nav: [NavItem]
    var csrf: String
    var demo: Bool
    var logoutPath: String
    var errors: [FormError]
    /// Where the Synlig logo leads: the start page for staff, the public start for caregivers.
    var homeHref: String
    /// Another site the browser goes on to at once (the identity provider's sign-out). A page
    /// that moves on, rather than a redirect after a form, because `form-action 'self'` stops
    /// a form's redirect to another site.
    var continueTo: String? = nil

    static func make(for request: Request, titleKey: String, titleArguments: [String] = [],
                     errors: [FormError] = [], otherLanguages: [(code: String, href: String)]? = nil) -> PageContext {
        let language = request.language
        let other: Language = language == .sv ? .en : .sv
        let user = request.auth.get(CurrentUser.self)
        let localizer = request.application.localizer
        let path = request.url.path
        var switchURL = URLComponents()
        switchURL.path = SiteURL.language(other).path
        switchURL.queryItems = [URLQueryItem(name: "return", value: SiteURL.safeReturnPath(path) ?? "/")]
        let code = request.textLanguage
        let pageTitle = localizer.text(titleKey, code, titleArguments)
        return PageContext(
            title: errors.isEmpty ? pageTitle : localizer.text("form.error_title_prefix", code) + " " + pageTitle,
            heading: pageTitle,
            lang: code,
            languageLinks: (otherLanguages ?? [(other.rawValue, switchURL.string ?? "/")]).map {
                LanguageLink(href: $0.href, label: localizer.text("language.self_name", $0.code), code: $0.code)
            },
            user: user.map { SignedIn(displayName: $0.displayName, organisationName: $0.organisationName) },
            nav: user.map { Navigation.items(for: $0, currentPath: path, language: language, localizer: localizer) } ?? [],
            csrf: request.csrfToken,
            demo: request.application.synligConfig.demoMode || (user?.organisationIsDemo ?? false),
            logoutPath: SiteURL.logout.path,
            errors: errors,
            homeHref: request.publicLanguage.map { SiteURL.publicSupport($0).path } ?? SiteURL.home.path)
    }
}

/// One choice in a select, a radio group or a set of checkboxes, shared by every form.
struct SelectOption: Encodable, Sendable {
    var value: String
    var label: String
    var selected: Bool
}

/// The navigation a user sees: only what their roles may use.
enum Navigation {
    struct Entry {
        var labelKey: String
        var url: SiteURL
        var roles: Set<Role>?
    }

    static let entries: [Entry] = [
        Entry(labelKey: "nav.home", url: .home, roles: nil),
        Entry(labelKey: "nav.mappings", url: .mappings, roles: [.admin, .strategist, .viewer]),
        Entry(labelKey: "nav.plan", url: .plan, roles: [.admin, .strategist, .viewer]),
        Entry(labelKey: "nav.decisions", url: .decisions, roles: [.admin, .strategist, .viewer]),
        Entry(labelKey: "nav.caregivers", url: .caregivers, roles: [.consultant, .caseOfficer, .staff]),
        Entry(labelKey: "nav.worklist", url: .caregiverWorklist, roles: [.consultant, .caseOfficer, .staff]),
        Entry(labelKey: "nav.referrals", url: .referrals, roles: ReferralService.handlers),
        Entry(labelKey: "nav.support", url: .supportCatalogue, roles: [.admin, .strategist, .consultant]),
        Entry(labelKey: "nav.statistics", url: .statistics, roles: StatisticsService.readers),
        Entry(labelKey: "nav.crisis", url: .crisis, roles: CrisisAccess.readers),
        Entry(labelKey: "nav.admin_units", url: .adminUnits, roles: [.admin]),
        Entry(labelKey: "nav.admin_users", url: .adminUsers, roles: [.admin]),
        Entry(labelKey: "nav.audit", url: .auditTrail, roles: [.admin]),
        Entry(labelKey: "nav.access_log", url: .accessLog, roles: [.admin]),
        Entry(labelKey: "nav.jobs", url: .adminJobs, roles: [.admin]),
        Entry(labelKey: "nav.sign_in_settings", url: .adminSignInPolicy, roles: [.admin]),
        Entry(labelKey: "nav.caregiver_settings", url: .caregiverSettings, roles: [.admin, .consultant]),
        Entry(labelKey: "nav.account", url: .accountPassword, roles: nil),
    ]

    static func items(for user: CurrentUser, currentPath: String, language: Language, localizer: Localizer) -> [PageContext.NavItem] {
        let visible = entries.filter { $0.roles.map(user.hasAny) ?? true }
        // The longest matching path is the current one: /caregivers/worklist is the worklist, not the register.
        let current = visible.map(\.url.path)
            .filter { $0 == "/" ? currentPath == "/" : currentPath == $0 || currentPath.hasPrefix($0 + "/") }
            .max { $0.count < $1.count }
        return visible.map { entry in
            PageContext.NavItem(label: localizer.text(entry.labelKey, language), href: entry.url.path, current: entry.url.path == current)
        }
    }
}

extension Request {
    /// Renders a page with the status it deserves (a form with errors is 422, not 200).
    func renderPage<Page: Encodable>(_ template: String, _ page: Page, status: HTTPResponseStatus = .ok) async throws -> Response {
        let response = try await view.render(template, page).encodeResponse(for: self)
        response.status = status
        response.headers.replaceOrAdd(name: .contentLanguage, value: textLanguage)
        return response
    }
}
