import Fluent
import SQLKit
import SynligCore
import Vapor

/// Erasure on request of the file of a person cared for, as gallring erases it
/// (`FileRetentionService.erase(recipients:)`): every row the personal-data registry links to the
/// person (their details and earlier details, units, discharges, SIPs offered with outcomes and
/// responsibilities, patient contracts, tasks, crisis-event contacts). By the consultant who keeps the
/// register, with a reason the audit trail records (`care_recipient.erase.<reason>`), never the name.
///
/// Refused (409) while any caregiver's file names the person: the relationship, and the consents
/// and restrictions on it, are documentation in that file, so the person's file goes with it
/// (erasure or gallring of the caregiver's file), never before. Refused too where the organisation
/// keeps every file by the archive authority's decision.
enum RecipientErasure {
    static func mayErase(_ user: CurrentUser) -> Bool { CaregiverErasure.mayErase(user) }

    /// How many caregivers' files name the person (ended relationships included).
    static func linkedCaregivers(_ recipientID: UUID, on db: any Database) async throws -> Int {
        try await CareRelationship.query(on: db).filter(\.$recipientID == recipientID).count()
    }

    /// Erases `recipient`'s file, which the caller has looked up for `user` (`CaregiverAccess.recipient`).
    static func erase(_ recipient: CareRecipient, reason raw: String?, by user: CurrentUser, on db: any Database) async throws {
        guard mayErase(user) else { throw SynligError.forbidden }
        guard recipient.organisationID == user.organisationID else { throw SynligError.notFound }
        let id = try recipient.requireID()
        let reason = try CaregiverErasure.reason(raw)
        let organisationID = recipient.organisationID
        try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            // Read inside the change, which holds the audit chain's head row: a relationship or a
            // keep decision saved meanwhile is seen, and a second request finds the person gone.
            _ = try await CareRecipient.find(id, in: organisationID, on: tx)
            try await CaregiverErasure.refuseUnderKeepDecision(organisationID, on: tx)
            guard try await linkedCaregivers(id, on: tx) == 0 else { throw SynligError(.conflict, "recipient_erasure.linked") }
            guard try await FileRetentionService.erase(recipients: [id], on: tx as! any SQLDatabase) == 1 else {
                throw SynligError(.conflict, "recipient_erasure.linked")
            }
            audit.record("care_recipient.erase.\(reason.rawValue)", "care_recipient", id: id, organisation: organisationID)
        }
    }
}

/// The page that asks for the reason and a confirmation, and the API's `POST /recipients/{id}/erasure`.
struct RecipientErasureController: RouteCollection, APIRouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let readers = routes.recordReaders(.consultant, .caseOfficer, .staff)
        readers.get(SiteURL.recipientErase(SiteURL.anyID).pattern, use: form)
        readers.post(SiteURL.recipientErase(SiteURL.anyID).pattern, use: erase)
    }

    func boot(api: APIRoutes) throws {
        api.recordReaders(CaregiverAccess.readers).post("recipients", ":id", "erasure") { req -> HTTPStatus in
            // The role and the record before the body: 403 or 404 where due, never a 400 first.
            let user = try req.currentUser
            guard RecipientErasure.mayErase(user) else { throw SynligError.forbidden }
            let recipient = try await CaregiverAccess.recipient(try req.idParameter(), for: user, on: req.db)
            let body = try req.decodeStrict(API.Erasure.self)
            try await RecipientErasure.erase(recipient, reason: body.reason, by: user, on: req.db)
            return .noContent
        }
    }

    private func render(_ req: Request, recipient: CareRecipient, values: FormValues, errors: FormErrors, notice: String?,
                        status: HTTPResponseStatus = .ok) async throws -> Response {
        let id = try recipient.requireID()
        // Said before anyone chooses a reason: while a caregiver's file names the person, the
        // form cannot succeed, and the page says what to do instead.
        let linked = try await RecipientErasure.linkedCaregivers(id, on: req.db)
        var form = FormBuilder(req, values: values, errors: errors)
        form.choice("reason", "erasure.field.reason", ErasureReason.self, prefix: "recipient_erasure.reason", blank: true)
        form.checkbox("confirm", "erasure.field.confirm")
        return try await req.renderForm(titleKey: "recipient_erasure.title", titleArguments: [recipient.name], form: form,
                                        action: SiteURL.recipientErase(id).path, introKey: "recipient_erasure.intro",
                                        notice: notice ?? (linked > 0 ? req.tp("recipient_erasure.linked_count", linked) : nil),
                                        submitKey: "erasure.submit", backHref: SiteURL.recipient(id).path, backKey: "recipient_erasure.back",
                                        status: status)
    }

    @Sendable func form(req: Request) async throws -> Response {
        let user = try req.currentUser
        guard RecipientErasure.mayErase(user) else { throw SynligError.forbidden }
        let recipient = try await CaregiverAccess.recipient(try req.idParameter(), for: user, on: req.db)
        try await req.logAccess(recordType: .careRecipient, recordID: try recipient.requireID())
        return try await render(req, recipient: recipient, values: FormValues([]), errors: .none, notice: nil)
    }

    @Sendable func erase(req: Request) async throws -> Response {
        let user = try req.currentUser
        guard RecipientErasure.mayErase(user) else { throw SynligError.forbidden }
        let id = try req.idParameter()
        return try await req.submitForm(render: { values, errors, notice, status in
            let recipient = try await CaregiverAccess.recipient(id, for: user, on: req.db)
            // Shown again with the person's name: a read like the form's first showing.
            try await req.logAccess(recordType: .careRecipient, recordID: id)
            return try await render(req, recipient: recipient, values: values, errors: errors, notice: notice, status: status)
        }, save: { values in
            let recipient = try await CaregiverAccess.recipient(id, for: user, on: req.db)
            try CaregiverErasure.requireReasonAndConfirmation(values)
            try await RecipientErasure.erase(recipient, reason: values["reason"], by: user, on: req.db)
            return req.redirect(to: SiteURL.recipients.path + "?erased=1")
        })
    }
}
