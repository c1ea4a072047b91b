import Fluent
import SQLKit
import SynligCore
import Vapor

/// Undantag från gallring: the consultant keeps one caregiver's file past the day gallring would
/// remove it, with a reason from a list (the archive authority's decision, an open matter), or
/// lets it be purged when due again. Each change is audited with the reason, never the name.
enum RetentionExemptionService {
    static func mayChange(_ user: CurrentUser) -> Bool { CaregiverAccess.seesWholeOrganisation(user) }

    /// Sets the exemption (`raw` a `RetentionExemption`), or lifts it (`raw` empty or nil).
    @discardableResult
    static func set(_ id: UUID, exemption raw: String?, by user: CurrentUser, on db: any Database) async throws -> RetentionExemption? {
        guard mayChange(user) else { throw SynligError.forbidden }
        return try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit -> RetentionExemption? in
            // Read once, inside the change: the record (404) before the value (422), and the
            // value compared with what is stored as the change is written.
            let caregiver = try await CaregiverAccess.caregiver(id, for: user, on: tx)
            var exemption: RetentionExemption?
            if let raw, !raw.isEmpty {
                guard let parsed = RetentionExemption(rawValue: raw) else {
                    throw SynligError.invalid([.init(field: "exemption", messageKey: "retention.exemption_unknown")])
                }
                exemption = parsed
            }
            guard caregiver.retentionExempt != exemption else { return exemption }
            // Not an entry in the file: written without touching `updated_at`, which dates the
            // file's last entry for gallring (lifting an exemption must not restart the clock).
            try await (tx as! any SQLDatabase).update(Caregiver.schema)
                .set("retention_exempt", to: SQLBind(exemption?.rawValue))
                .where("id", .equal, SQLBind(id)).where("organisation_id", .equal, SQLBind(caregiver.organisationID)).run()
            audit.record(exemption.map { "caregiver.retention_exempt.\($0.rawValue)" } ?? "caregiver.retention_exempt_lifted", "caregiver",
                         id: id, organisation: caregiver.organisationID)
            return exemption
        }
    }
}

/// The page `/caregivers/:id/retention` and the API's `POST /caregivers/{id}/retention-exemption`.
struct RetentionExemptionController: RouteCollection, APIRouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let readers = routes.recordReaders(.consultant, .caseOfficer, .staff)
        readers.get(SiteURL.caregiverPart(SiteURL.anyID, .retention).pattern, use: form)
        readers.post(SiteURL.caregiverPart(SiteURL.anyID, .retention).pattern, use: save)
    }

    func boot(api: APIRoutes) throws {
        api.recordReaders(CaregiverAccess.readers).post("caregivers", ":id", "retention-exemption") { req -> API.RetentionExemptionOut in
            // The role and the record before the body: 403 or 404 where due, never a 400 first.
            let user = try req.currentUser
            guard RetentionExemptionService.mayChange(user) else { throw SynligError.forbidden }
            let id = try req.idParameter()
            _ = try await CaregiverAccess.caregiver(id, for: user, on: req.db)
            let body = try req.decodeStrict(API.RetentionExemptionIn.self)
            return API.RetentionExemptionOut(exemption: try await RetentionExemptionService.set(id, exemption: body.exemption, by: user, on: req.db))
        }
    }

    private func render(_ req: Request, caregiver: Caregiver, values: FormValues, errors: FormErrors, notice: String?,
                        status: HTTPResponseStatus = .ok) async throws -> Response {
        var form = FormBuilder(req, values: values, errors: errors)
        // The blank choice is the rule: no exemption, purged when due.
        form.options("exemption", "retention.field.exemption",
                     RetentionExemption.allCases.map { (value: $0.rawValue, label: req.t("retention.exemption.\($0.rawValue)")) },
                     blankKey: "retention.none")
        let id = try caregiver.requireID()
        return try await req.renderForm(titleKey: "retention.title", titleArguments: [caregiver.name], form: form,
                                        action: SiteURL.caregiverPart(id, .retention).path, introKey: "retention.intro", notice: notice,
                                        backHref: SiteURL.caregiver(id).path, backKey: "caregiver.back_record", status: status)
    }

    @Sendable func form(req: Request) async throws -> Response {
        let user = try req.currentUser
        guard RetentionExemptionService.mayChange(user) else { throw SynligError.forbidden }
        let caregiver = try await CaregiverAccess.caregiver(try req.idParameter(), for: user, on: req.db)
        try await req.logAccess(recordType: .caregiver, recordID: try caregiver.requireID())
        return try await render(req, caregiver: caregiver, values: FormValues([("exemption", caregiver.retentionExempt?.rawValue ?? "")]),
                                errors: .none, notice: nil)
    }

    @Sendable func save(req: Request) async throws -> Response {
        let user = try req.currentUser
        guard RetentionExemptionService.mayChange(user) else { throw SynligError.forbidden }
        let id = try req.idParameter()
        return try await req.submitForm(render: { values, errors, notice, status in
            let caregiver = try await CaregiverAccess.caregiver(id, for: user, on: req.db)
            return try await render(req, caregiver: caregiver, values: values, errors: errors, notice: notice, status: status)
        }, save: { values in
            try await RetentionExemptionService.set(id, exemption: values["exemption"], by: user, on: req.db)
            return req.redirect(to: SiteURL.caregiver(id).path)
        })
    }
}

extension API {
    struct RetentionExemptionIn: StrictJSONBody {
        var exemption: String?
    }

    struct RetentionExemptionOut: Content {
        @ExplicitNull var exemption: RetentionExemption?
    }
}
