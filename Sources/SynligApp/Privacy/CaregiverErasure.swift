import Fluent
import SQLKit
import SynligCore
import Vapor

/// Erasure of one caregiver's file on request, before it is due for gallring: everything the
/// personal-data registry links to the caregiver goes, as at gallring (`FileRetentionService.erase`).
/// The consultant who keeps the register does it, with a reason that the audit trail records
/// (`caregiver.erase.<reason>`), never the name. A file holding a support decided after a needs
/// assessment is documentation the Social Services Act requires to be kept until it is due, so
/// it is not erased on request (409); its wrong details are corrected instead. Nor is any file of
/// an organisation that keeps every file by the archive authority's decision: only that decision
/// may destroy public records, and the right to erasure gives way to it (GDPR art. 17.3 b, d).
enum CaregiverErasure {
    static func mayErase(_ user: CurrentUser) -> Bool { CaregiverAccess.seesWholeOrganisation(user) }

    /// Erases `caregiver`'s file, which the caller has looked up for `user` (`CaregiverAccess.caregiver`).
    static func erase(_ caregiver: Caregiver, reason raw: String?, by user: CurrentUser, on db: any Database) async throws {
        guard mayErase(user) else { throw SynligError.forbidden }
        guard caregiver.organisationID == user.organisationID else { throw SynligError.notFound }
        let id = try caregiver.requireID()
        let reason = try reason(raw)
        let organisationID = caregiver.organisationID
        try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            // Every refusal is read inside the change, which holds the audit chain's head row: an
            // exemption, a support or a keep decision saved meanwhile is seen, and a second request
            // finds the file gone (404) rather than erasing it twice.
            let current = try await Caregiver.find(id, in: organisationID, on: tx)
            let decided = try await CaregiverSupport.query(on: tx).filter(\.$caregiverID == id)
                .filter(\.$decision == .assessedSupport).count()
            guard decided == 0 else { throw SynligError(.conflict, "erasure.documentation_kept") }
            // An exempt file is kept for the archive authority or for a matter that needs it (a
            // complaint, supervision, a court): GDPR art. 17.3 b, d and e give way to both.
            guard current.retentionExempt == nil else { throw SynligError(.conflict, "erasure.exempt") }
            try await refuseUnderKeepDecision(organisationID, on: tx)
            try await FileRetentionService.erase(caregivers: [id], on: tx as! any SQLDatabase)
            audit.record("caregiver.erase.\(reason.rawValue)", "caregiver", id: id, organisation: organisationID)
        }
    }

    /// The reason the form or the API names, or a 422 on `reason`.
    static func reason(_ raw: String?, requiredKey: String = "erasure.reason_required") throws -> ErasureReason {
        guard let raw, !raw.isEmpty else {
            throw SynligError.invalid([.init(field: "reason", messageKey: requiredKey)])
        }
        guard let reason = ErasureReason(rawValue: raw) else {
            throw SynligError.invalid([.init(field: "reason", messageKey: "erasure.reason_unknown")])
        }
        return reason
    }

    /// The form's own check, both problems at once: a reason chosen and the confirmation ticked.
    static func requireReasonAndConfirmation(_ values: FormValues, reasonKey: String = "erasure.reason_required",
                                             confirmKey: String = "erasure.confirm_required") throws {
        var problems: [SynligError.FieldProblem] = []
        if values["reason"]?.isEmpty != false { problems.append(.init(field: "reason", messageKey: reasonKey)) }
        if values["confirm"] == nil { problems.append(.init(field: "confirm", messageKey: confirmKey)) }
        guard problems.isEmpty else { throw SynligError.invalid(problems) }
    }

    /// 409 while the organisation keeps every file by the archive authority's decision.
    static func refuseUnderKeepDecision(_ organisationID: UUID, on db: any Database) async throws {
        guard try await !FileRetentionService.keepingAllFiles(on: db).contains(organisationID) else {
            throw SynligError(.conflict, "erasure.kept_by_decision")
        }
    }
}

/// The page that asks for the reason and a confirmation, and the API's `POST /caregivers/{id}/erasure`.
struct CaregiverErasureController: RouteCollection, APIRouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let readers = routes.recordReaders(.consultant, .caseOfficer, .staff)
        readers.get(SiteURL.caregiverPart(SiteURL.anyID, .erase).pattern, use: form)
        readers.post(SiteURL.caregiverPart(SiteURL.anyID, .erase).pattern, use: erase)
    }

    func boot(api: APIRoutes) throws {
        api.recordReaders(CaregiverAccess.readers).post("caregivers", ":id", "erasure") { req -> HTTPStatus in
            // The role and the record before the body: 403 or 404 where due, never a 400 first.
            let user = try req.currentUser
            guard CaregiverErasure.mayErase(user) else { throw SynligError.forbidden }
            let id = try req.idParameter()
            let caregiver = try await CaregiverAccess.caregiver(id, for: user, on: req.db)
            let body = try req.decodeStrict(API.Erasure.self)
            try await CaregiverErasure.erase(caregiver, reason: body.reason, by: user, on: req.db)
            return .noContent
        }
    }

    private func render(_ req: Request, caregiver: Caregiver, values: FormValues, errors: FormErrors, notice: String?,
                        status: HTTPResponseStatus = .ok) async throws -> Response {
        var form = FormBuilder(req, values: values, errors: errors)
        // No reason is chosen until someone chooses one: an untouched form erases nothing.
        form.choice("reason", "erasure.field.reason", ErasureReason.self, prefix: "erasure.reason", blank: true)
        form.checkbox("confirm", "erasure.field.confirm")
        let id = try caregiver.requireID()
        return try await req.renderForm(titleKey: "erasure.title", titleArguments: [caregiver.name], form: form,
                                        action: SiteURL.caregiverPart(id, .erase).path, introKey: "erasure.intro", notice: notice,
                                        submitKey: "erasure.submit", backHref: SiteURL.caregiver(id).path, backKey: "caregiver.back_record", status: status)
    }

    @Sendable func form(req: Request) async throws -> Response {
        let user = try req.currentUser
        guard CaregiverErasure.mayErase(user) else { throw SynligError.forbidden }
        let caregiver = try await CaregiverAccess.caregiver(try req.idParameter(), for: user, on: req.db)
        try await req.logAccess(recordType: .caregiver, recordID: try caregiver.requireID())
        return try await render(req, caregiver: caregiver, values: FormValues([]), errors: .none, notice: nil)
    }

    @Sendable func erase(req: Request) async throws -> Response {
        let user = try req.currentUser
        guard CaregiverErasure.mayErase(user) else { throw SynligError.forbidden }
        let id = try req.idParameter()
        return try await req.submitForm(render: { values, errors, notice, status in
            let caregiver = try await CaregiverAccess.caregiver(id, for: user, on: req.db)
            // Shown again with the caregiver's name: a read like the form's first showing.
            try await req.logAccess(recordType: .caregiver, recordID: id)
            return try await render(req, caregiver: caregiver, values: values, errors: errors, notice: notice, status: status)
        }, save: { values in
            // The confirmation first: without it nothing is looked at further.
            let caregiver = try await CaregiverAccess.caregiver(id, for: user, on: req.db)
            try CaregiverErasure.requireReasonAndConfirmation(values)
            try await CaregiverErasure.erase(caregiver, reason: values["reason"], by: user, on: req.db)
            return req.redirect(to: SiteURL.caregivers.path + "?erased=1")
        })
    }
}

extension API {
    struct Erasure: StrictJSONBody {
        var reason: String?
    }
}
