import Fluent
import SynligCore
import Vapor

/// The staff's support catalogue: offerings (draft or published) and civil-society organisations.
struct SupportCatalogueController: RouteCollection {
    typealias Option = SelectOption

    struct Row: Encodable {
        var name: String
        var href: String
        var kind: String
        var published: Bool
        var lastChecked: String
        var stale: Bool
    }

    struct ListPage: Encodable {
        var page: PageContext
        var rows: [Row]
        var staleCount: Int
        var newHref: String
        var organisationsHref: String
        var publicHref: String
        var occasionsHref: String?  // group support is part of the record: only its readers get the link
    }

    struct FormPage: Encodable {
        var page: PageContext
        var action: String
        var values: [String: String]
        var kinds: [Option]
        var providers: [Option]
        var groups: [Option]
        var languages: [Option]
        var civilSocieties: [Option]
        var needsAssessment: Bool
        var interpreter: Bool
        var published: Bool
        var version: Int
        var stale: Bool
        var saved: Bool
        var errors: FormErrors
    }

    struct OrganisationsPage: Encodable {
        struct Row: Encodable {
            var name: String
            var description: String
            var contact: String
            var stateGrant: Bool
            var cooperation: String
        }
        var page: PageContext
        var rows: [Row]
        var errors: FormErrors
        /// What was typed, shown again after a refusal so nothing has to be typed twice.
        var values: Typed = .init()
        struct Typed: Encodable {
            var csoName = "", csoDescription = "", csoContact = "", csoCooperation = "", csoStateGrant = false
            init(_ form: OrganisationForm? = nil) {
                guard let form else { return }
                csoName = form.csoName ?? ""; csoDescription = form.csoDescription ?? ""; csoContact = form.csoContact ?? ""
                csoCooperation = form.csoCooperation ?? ""; csoStateGrant = form.csoStateGrant == "on"
            }
        }
    }

    struct OrganisationForm: Content {
        var csoName: String?
        var csoDescription: String?
        var csoContact: String?
        var csoStateGrant: String?
        var csoCooperation: String?
    }

    func boot(routes: any RoutesBuilder) throws {
        let editors = routes.signedIn(as: .admin, .strategist, .consultant)
        editors.get(SiteURL.supportCatalogue.pattern, use: list)
        editors.get(SiteURL.supportNew.pattern, use: new)
        editors.post(SiteURL.supportCatalogue.pattern, use: create)
        editors.get(SiteURL.supportOffering(SiteURL.anyID).pattern, use: edit)
        editors.post(SiteURL.supportOffering(SiteURL.anyID).pattern, use: update)
        editors.get(SiteURL.civilSociety.pattern, use: organisations)
        editors.post(SiteURL.civilSociety.pattern, use: addOrganisation)
    }

    @Sendable func list(req: Request) async throws -> Response {
        let user = try req.currentUser
        let offerings = try await SupportOffering.scoped(to: user.organisationID, on: req.db).sort(\.$name).all()
        let today = CalendarDate.today()
        let rows = try offerings.map { offering in
            Row(name: offering.name, href: SiteURL.supportOffering(try offering.requireID()).path,
                kind: req.t("support.kind.\(offering.kind.rawValue)"), published: offering.published, lastChecked: offering.lastChecked,
                stale: CalendarDate(offering.lastChecked).map { CatalogueFreshness.isStale(lastChecked: $0, today: today) } ?? true)
        }
        let code = try await Organisation.find(user.organisationID, on: req.db)?.code ?? ""
        return try await req.renderPage("support/list", ListPage(
            page: .make(for: req, titleKey: "support.catalogue_title"), rows: rows, staleCount: rows.filter(\.stale).count,
            newHref: SiteURL.supportNew.path, organisationsHref: SiteURL.civilSociety.path,
            publicHref: SiteURL.publicMunicipality(.sv, code: code).path,
            occasionsHref: user.hasAny(CaregiverAccess.readers) ? SiteURL.groupOccasions.path : nil))
    }

    private func formPage(_ req: Request, action: String, titleKey: String, form: OfferingInput, version: Int,
                          errors: FormErrors, summary: [PageContext.FormError]) async throws -> FormPage {
        let user = try req.currentUser
        let civil = try await CivilSocietyOrganisation.scoped(to: user.organisationID, on: req.db).sort(\.$name).all()
        let groups = Set(form.targetGroups ?? [])
        let languages = Set(form.languages ?? ["sv"])
        let values: [String: String] = [
            "name": form.name ?? "", "providerName": form.providerName ?? "", "cost": form.cost ?? "", "accessibility": form.accessibility ?? "",
            "address": form.address ?? "", "schedule": form.schedule ?? "", "phone": form.phone ?? "", "email": form.email ?? "",
            "website": form.website ?? "", "description": form.description ?? "", "eligibility": form.eligibility ?? "",
            "lastChecked": form.lastChecked ?? CalendarDate.today().iso,
        ].mapValues { String($0.prefix(SupportService.maxText)) }
        return FormPage(
            page: .make(for: req, titleKey: titleKey, errors: summary), action: action, values: values,
            kinds: SupportKind.allCases.map { Option(value: $0.rawValue, label: req.t("support.kind.\($0.rawValue)"), selected: $0.rawValue == form.kind) },
            providers: SupportProvider.allCases.map { Option(value: $0.rawValue, label: req.t("support.provider.\($0.rawValue)"),
                                                             selected: $0.rawValue == (form.provider ?? SupportProvider.municipality.rawValue)) },
            groups: SupportTargetGroup.allCases.map { Option(value: $0.rawValue, label: req.t("support.group.\($0.rawValue)"), selected: groups.contains($0.rawValue)) },
            languages: SupportLanguage.codes.map { Option(value: $0, label: req.t("language.name.\($0)"), selected: languages.contains($0)) },
            civilSocieties: [Option(value: "", label: "–", selected: (form.civilSocietyId ?? "").isEmpty)]
                + (try civil.map { Option(value: try $0.requireID().uuidString, label: $0.name, selected: $0.id?.uuidString == form.civilSocietyId) }),
            needsAssessment: form.needsAssessment ?? false, interpreter: form.interpreter ?? false, published: form.published ?? false,
            version: version,
            stale: CalendarDate(form.lastChecked).map { CatalogueFreshness.isStale(lastChecked: $0, today: CalendarDate.today()) } ?? false,
            saved: req.query[String.self, at: "saved"] == "1" && errors.byField.isEmpty, errors: errors)
    }

    static let summaryFields: [(id: String, labelKey: String)] = [
        ("name", "support.name"), ("kind", "support.kind"), ("provider", "support.provider"), ("providerName", "support.provider_name"),
        ("civilSocietyId", "support.civil_society"),
        ("targetGroups", "support.target_groups"), ("languages", "support.languages"), ("description", "support.description"),
        ("eligibility", "support.eligibility"), ("cost", "support.cost"), ("address", "support.address"), ("schedule", "support.schedule"),
        ("accessibility", "support.accessibility"), ("phone", "support.phone"), ("email", "support.email"), ("website", "support.website"), ("lastChecked", "support.last_checked"),
    ]

    @Sendable func new(req: Request) async throws -> Response {
        try await req.renderPage("support/form", try await formPage(
            req, action: SiteURL.supportCatalogue.path, titleKey: "support.new_title",
            form: OfferingInput(targetGroups: [SupportTargetGroup.all.rawValue], languages: ["sv"]), version: 0, errors: .none, summary: []))
    }

    private func save(_ req: Request, id: UUID?) async throws -> Response {
        let form = try req.content.decode(OfferingInput.self)
        do {
            let offering = try await SupportService.save(id, form, by: try req.currentUser, on: req.db)
            return req.redirect(to: SiteURL.supportOffering(try offering.requireID()).path + "?saved=1")
        } catch let error as SynligError where !error.fieldProblems.isEmpty {
            let errors = FormErrors(error.fieldProblems, request: req)
            return try await req.renderPage("support/form", try await formPage(
                req, action: id.map { SiteURL.supportOffering($0).path } ?? SiteURL.supportCatalogue.path,
                titleKey: id == nil ? "support.new_title" : "support.edit_title", form: form, version: form.version ?? 0,
                errors: errors, summary: errors.summary(Self.summaryFields, request: req)), status: error.status)
        }
    }

    @Sendable func create(req: Request) async throws -> Response { try await save(req, id: nil) }
    @Sendable func update(req: Request) async throws -> Response { try await save(req, id: try req.idParameter()) }

    @Sendable func edit(req: Request) async throws -> Response {
        let user = try req.currentUser
        let offering = try await SupportOffering.find(try req.idParameter(), in: user.organisationID, on: req.db)
        let form = OfferingInput(offering)
        return try await req.renderPage("support/form", try await formPage(
            req, action: SiteURL.supportOffering(try offering.requireID()).path, titleKey: "support.edit_title", form: form,
            version: offering.version, errors: .none, summary: []))
    }

    @Sendable func organisations(req: Request) async throws -> Response {
        try await renderOrganisations(req, errors: .none, summary: [], status: .ok)
    }

    private func renderOrganisations(_ req: Request, errors: FormErrors, summary: [PageContext.FormError], status: HTTPStatus,
                                     values: OrganisationsPage.Typed = .init()) async throws -> Response {
        let user = try req.currentUser
        let rows = try await CivilSocietyOrganisation.scoped(to: user.organisationID, on: req.db).sort(\.$name).all().map {
            OrganisationsPage.Row(name: $0.name, description: $0.description, contact: $0.contact, stateGrant: $0.stateGrant, cooperation: $0.cooperation)
        }
        return try await req.renderPage("support/organisations", OrganisationsPage(
            page: .make(for: req, titleKey: "support.organisations_title", errors: summary), rows: rows, errors: errors, values: values), status: status)
    }

    @Sendable func addOrganisation(req: Request) async throws -> Response {
        let form = try req.content.decode(OrganisationForm.self)
        do {
            _ = try await SupportService.addCivilSociety(name: form.csoName, description: form.csoDescription, contact: form.csoContact,
                                                         stateGrant: form.csoStateGrant == "on", cooperation: form.csoCooperation,
                                                         by: try req.currentUser, on: req.db)
            return req.redirect(to: SiteURL.civilSociety.path)
        } catch let error as SynligError where !error.fieldProblems.isEmpty {
            let errors = FormErrors(error.fieldProblems, request: req)
            return try await renderOrganisations(req, errors: errors, summary: errors.summary([("csoName", "support.cso_name"), ("csoDescription", "support.description"), ("csoContact", "support.cso_contact"),
                                                                                           ("csoCooperation", "support.cso_cooperation")], request: req),
                                                 status: error.status, values: .init(form))
        }
    }
}
