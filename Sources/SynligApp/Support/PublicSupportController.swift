import Fluent
import SynligCore
import Vapor

/// The caregivers' own pages: no sign-in, no session, no tracking; cacheable (revalidated against
/// `PublicPageVersion`) and accessible.
/// `/stod` in Swedish and `/en/support` in English: the path decides the language.
struct PublicSupportController: RouteCollection {
    typealias Option = SelectOption

    /// The public languages, from the translation files found at start.
    let languages: [PublicLanguage]

    /// The same page in every other public language, for the language links.
    static func otherLanguages(_ current: PublicLanguage, among all: [PublicLanguage], url: (PublicLanguage) -> String) -> [(code: String, href: String)] {
        all.filter { $0 != current }.map { ($0.code, url($0)) }
    }

    struct MunicipalityLink: Encodable {
        var name: String
        var href: String
    }

    struct StartPage: Encodable {
        var page: PageContext
        var municipalities: [MunicipalityLink]
        var selfCheckHref: String
    }

    struct Card: Encodable {
        var name: String
        var kind: String
        var kindExplanation: String
        var description: String
        var provider: String
        /// The provider's own name is catalogue text; the kind of provider is in the page's language.
        var providerLang: String
        var groups: String
        var languages: String
        var interpreter: Bool
        var needsAssessment: Bool
        var cost: String
        var eligibility: String
        var address: String
        var schedule: String
        var phone: String
        /// `tel:` link of `phone`, when it is a number a phone can call.
        var phoneLink: String?
        var email: String
        var website: String
        var accessibility: String
        /// The language staff write the catalogue in, marked on every text they wrote so a
        /// screen reader on the Finnish or English page reads it as Swedish (WCAG 3.1.2).
        var textLang = SupportOffering.textLanguage
    }

    struct MunicipalityPage: Encodable {
        var page: PageContext
        var municipality: String
        var action: String
        var needs: [Option]
        var groups: [Option]
        var languages: [Option]
        var cards: [Card]
        var filtered: Bool
        var startHref: String
        var contactHref: String
    }

    struct SelfCheckPage: Encodable {
        struct Statement: Encodable {
            var id: String
            var label: String
            var checked: Bool
        }
        var page: PageContext
        var action: String
        var statements: [Statement]
        var answered: Bool
        var isCaregiver: Bool
        var mayAskFor: [String]
        var startHref: String
    }

    /// "Är du anhörig?": many who help someone close do not see themselves as caregivers
    /// (seed 003). A few statements, answered in the browser's own request; nothing is stored.
    /// The answers are posted, so they stay out of the address bar and the history of a shared
    /// computer; the form changes nothing, so it carries no CSRF token and the empty page stays
    /// cacheable. The answer page is never stored.
    static let statements = ["helps_regularly", "practical", "personal_care", "supervision", "contacts", "worried", "own_life"]

    func selfCheck(req: Request, language: PublicLanguage) async throws -> Response {
        try await publicPage(req, language, key: "self-check") { try await self.renderSelfCheck(req: req, language: language, ticked: [], answered: false) }
    }

    func selfCheckAnswers(req: Request, language: PublicLanguage) async throws -> Response {
        req.usePublicLanguage(language)
        let ticked = Set(Self.statements.filter { (try? req.content.get(String.self, at: $0)) == "on" })
        let response = try await renderSelfCheck(req: req, language: language, ticked: ticked, answered: true)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    private func renderSelfCheck(req: Request, language: PublicLanguage, ticked: Set<String>, answered: Bool) async throws -> Response {
        try await req.renderPage("public/self-check", SelfCheckPage(
            page: .make(for: req, titleKey: "selfcheck.title",
                        otherLanguages: Self.otherLanguages(language, among: languages) { SiteURL.publicSelfCheck($0).path }),
            action: SiteURL.publicSelfCheck(language).path,
            statements: Self.statements.map { .init(id: $0, label: req.t("selfcheck.statement.\($0)"), checked: ticked.contains($0)) },
            answered: answered, isCaregiver: !ticked.isEmpty,
            mayAskFor: ["conversation", "respite", "group", "information", "planning"].map { req.t("selfcheck.may_ask.\($0)") },
            startHref: SiteURL.publicSupport(language).path))
    }

    func boot(routes: any RoutesBuilder) throws {
        for language in languages {
            routes.get(SiteURL.publicSelfCheck(language).pattern) { try await self.selfCheck(req: $0, language: language) }
            routes.post(SiteURL.publicSelfCheck(language).pattern) { try await self.selfCheckAnswers(req: $0, language: language) }
            routes.get(SiteURL.publicSupport(language).pattern) { try await self.start(req: $0, language: language) }
            routes.get(SiteURL.publicMunicipality(language, code: ":code").pattern) { try await self.municipality(req: $0, language: language) }
        }
    }

    /// Shared by everyone and holding nothing personal, so caches may keep a public page; they ask
    /// again each time and get `304 Not Modified` until the catalogue changes. A visitor who is not
    /// signed in gets the page from memory (`PublicPageCache`), drawn once per `key`: the language,
    /// the page and its filter as understood, so made-up query strings share one page.
    private func publicPage(_ req: Request, _ language: PublicLanguage, key: String,
                            render: () async throws -> Response) async throws -> Response {
        req.usePublicLanguage(language)
        let cache = req.application.publicPageCache
        let shape = try await cache.shape(on: req.db)
        let version = PublicPageVersion.current(language: language.code, shape: shape)
        if version.matches(req) { return version.stamp(Response(status: .notModified)) }
        let key = language.code + "|" + key
        let anonymous = req.auth.get(CurrentUser.self) == nil
        if anonymous, let kept = cache.page(key, shape: shape) { return version.stamp(kept.response) }
        let response = try await render()
        if anonymous, let page = PublicPageCache.Page(response) { cache.keep(page, as: key, shape: shape) }
        return version.stamp(response)
    }

    func start(req: Request, language: PublicLanguage) async throws -> Response {
        try await publicPage(req, language, key: "start") { try await self.renderStart(req: req, language: language) }
    }

    private func renderStart(req: Request, language: PublicLanguage) async throws -> Response {
        let withCatalogue = try await SupportOffering.query(on: req.db).filter(\.$published == true).all(\.$organisationID)
        let organisations = try await Organisation.query(on: req.db).filter(\.$id ~~ Array(Set(withCatalogue))).sort(\.$name).all()
        return try await req.renderPage("public/start", StartPage(
            page: .make(for: req, titleKey: "public.start_title",
                        otherLanguages: Self.otherLanguages(language, among: languages) { SiteURL.publicSupport($0).path }),
            municipalities: organisations.map { MunicipalityLink(name: $0.name, href: SiteURL.publicMunicipality(language, code: $0.code).path) },
            selfCheckHref: SiteURL.publicSelfCheck(language).path))
    }

    func municipality(req: Request, language: PublicLanguage) async throws -> Response {
        let filter = Self.filter(of: req)
        let key = ["municipality", req.parameters.get("code") ?? "", filter.need?.rawValue ?? "", filter.group?.rawValue ?? "",
                   filter.language ?? ""].joined(separator: "|")
        return try await publicPage(req, language, key: key) { try await self.renderMunicipality(req: req, language: language, filter: filter) }
    }

    /// Unknown filter values are ignored rather than refused: a caregiver's bookmark should still open.
    private static func filter(of req: Request) -> SupportFilter {
        SupportFilter(need: req.query[String.self, at: "need"].flatMap(SupportNeed.init(rawValue:)),
                      group: req.query[String.self, at: "group"].flatMap(SupportTargetGroup.init(rawValue:)),
                      language: req.query[String.self, at: "language"].flatMap { SupportLanguage.codes.contains($0) ? $0 : nil })
    }

    private func renderMunicipality(req: Request, language: PublicLanguage, filter: SupportFilter) async throws -> Response {
        let organisation = try await Organisation.byPublicCode(req)
        let organisationID = try organisation.requireID()
        let offerings = try await SupportOffering.scoped(to: organisationID, on: req.db).filter(\.$published == true).sort(\.$name).all()
            .filter { filter.matches(kind: $0.kind, groups: $0.targetGroups, languages: $0.languages) }
        let query = [("need", filter.need?.rawValue), ("group", filter.group?.rawValue), ("language", filter.language)]
            .compactMap { name, value in value.map { URLQueryItem(name: name, value: $0) } }
        let others = Self.otherLanguages(language, among: languages) { other in
            var url = URLComponents()
            url.path = SiteURL.publicMunicipality(other, code: organisation.code).path
            url.queryItems = query.isEmpty ? nil : query
            return url.string ?? url.path
        }
        let cards = offerings.map { offering in
            Card(name: offering.name, kind: req.t("support.kind.\(offering.kind.rawValue)"),
                 kindExplanation: req.t("public.kind_explanation.\(offering.kind.rawValue)"), description: offering.description,
                 provider: offering.providerName.isEmpty ? req.t("support.provider.\(offering.provider.rawValue)") : offering.providerName,
                 providerLang: offering.providerName.isEmpty ? req.textLanguage : SupportOffering.textLanguage,
                 groups: offering.targetGroups.map { req.t("support.group.\($0.rawValue)") }.sorted().joined(separator: ", "),
                 languages: offering.languages.map { req.t("language.name.\($0)") }.sorted().joined(separator: ", "),
                 interpreter: offering.interpreter, needsAssessment: offering.needsAssessment, cost: offering.cost,
                 eligibility: offering.eligibility, address: offering.address, schedule: offering.schedule, phone: offering.phone,
                 phoneLink: PhoneNumber.telURI(offering.phone), email: offering.email, website: offering.website, accessibility: offering.accessibility)
        }
        return try await req.renderPage("public/municipality", MunicipalityPage(
            page: .make(for: req, titleKey: "public.municipality_title", titleArguments: [organisation.name],
                        otherLanguages: others),
            municipality: organisation.name, action: SiteURL.publicMunicipality(language, code: organisation.code).path,
            needs: [Option(value: "", label: req.t("public.any_need"), selected: filter.need == nil)]
                + SupportNeed.allCases.map { Option(value: $0.rawValue, label: req.t("public.need.\($0.rawValue)"), selected: $0 == filter.need) },
            groups: [Option(value: "", label: req.t("public.any_group"), selected: filter.group == nil)]
                + SupportTargetGroup.allCases.filter { $0 != .all }.map { Option(value: $0.rawValue, label: req.t("support.group.\($0.rawValue)"), selected: $0 == filter.group) },
            languages: [Option(value: "", label: req.t("public.any_language"), selected: filter.language == nil)]
                + SupportLanguage.codes.map { Option(value: $0, label: req.t("language.name.\($0)"), selected: $0 == filter.language) },
            cards: cards, filtered: filter != SupportFilter(), startHref: SiteURL.publicSupport(language).path,
            contactHref: SiteURL.publicContact(language, code: organisation.code).path))
    }
}
