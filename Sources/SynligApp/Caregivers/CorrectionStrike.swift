import Fluent
import SynligCore
import Vapor

/// Striking one kept earlier value from a person's correction history. Rättelse keeps what a file
/// said, but a value that should never have been recorded (someone else's health note typed into
/// the wrong file, say) must not stay readable until gallring, least of all where the file is kept
/// as documentation (erasure refused, 409). The consultant who keeps the register strikes the row,
/// with a reason the audit trail records (`correction.strike.<reason>`) on the person's file, never
/// the value. Not while the file is exempt from gallring or the organisation keeps every file by the
/// archive authority's decision: only that decision, or the matter that needs the file, may say
/// what leaves it.
enum CorrectionStrike {
    enum Subject: String, Sendable {
        case caregiver = "caregivers"
        case recipient = "recipients"
    }

    static func mayStrike(_ user: CurrentUser) -> Bool { CaregiverErasure.mayErase(user) }

    /// The row, read for `user` through the person (404 for a person they may not see, or for a
    /// row of another person's history), with what the page shows of it.
    static func entry(_ entryID: UUID, of subject: Subject, person personID: UUID, for user: CurrentUser,
                      on db: any Database) async throws -> (name: String, entry: any CorrectionEntry, label: String, value: (((String) -> String) -> String)) {
        switch subject {
        case .caregiver:
            let caregiver = try await CaregiverAccess.caregiver(personID, for: user, on: db)
            guard let row = try await CaregiverCorrection.scoped(to: user.organisationID, on: db).filter(\.$id == entryID)
                .filter(\.$caregiverID == personID).first() else { throw SynligError.notFound }
            let field = CorrectedField(rawValue: row.field)
            return (caregiver.name, row, field?.labelKey ?? row.field, { t in field?.shown(row.previousValue, t) ?? row.previousValue })
        case .recipient:
            let recipient = try await CaregiverAccess.recipient(personID, for: user, on: db)
            guard let row = try await RecipientCorrection.scoped(to: user.organisationID, on: db).filter(\.$id == entryID)
                .filter(\.$recipientID == personID).first() else { throw SynligError.notFound }
            let field = RecipientCorrectedField(rawValue: row.field)
            return (recipient.name, row, field?.labelKey ?? row.field, { t in field?.shown(row.previousValue, t) ?? row.previousValue })
        }
    }

    /// Deletes the row, read again inside the change so a second request finds it gone (404).
    static func strike(_ entryID: UUID, of subject: Subject, person personID: UUID, reason raw: String?, by user: CurrentUser,
                       on db: any Database) async throws {
        guard mayStrike(user) else { throw SynligError.forbidden }
        _ = try await entry(entryID, of: subject, person: personID, for: user, on: db)
        let reason = try CaregiverErasure.reason(raw, requiredKey: "correction_strike.reason_required")
        try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            // Read again under the chain's lock: a second request finds the row gone (404), and an
            // exemption or a keep decision saved meanwhile is seen.
            let kept = try await FileRetentionService.keepingAllFiles(on: tx).contains(user.organisationID)
            let recordType: String
            switch subject {
            case .caregiver:
                guard let row = try await CaregiverCorrection.scoped(to: user.organisationID, on: tx).filter(\.$id == entryID)
                    .filter(\.$caregiverID == personID).first() else { throw SynligError.notFound }
                let exempt = try await Caregiver.find(personID, in: user.organisationID, on: tx).retentionExempt != nil
                guard !kept, !exempt else { throw SynligError(.conflict, "correction_strike.kept") }
                try await row.delete(on: tx)
                recordType = "caregiver"
            case .recipient:
                guard let row = try await RecipientCorrection.scoped(to: user.organisationID, on: tx).filter(\.$id == entryID)
                    .filter(\.$recipientID == personID).first() else { throw SynligError.notFound }
                // The person's file is kept with every caregiver's file that names them, so an
                // exemption of one of those files keeps this one too.
                let caregivers = try await CareRelationship.scoped(to: user.organisationID, on: tx).filter(\.$recipientID == personID)
                    .all(\.$caregiverID)
                let exempt = caregivers.isEmpty ? 0 : try await Caregiver.scoped(to: user.organisationID, on: tx)
                    .filter(\.$id ~~ caregivers).filter(\.$retentionExempt != nil).count()
                guard !kept, exempt == 0 else { throw SynligError(.conflict, "correction_strike.kept") }
                try await row.delete(on: tx)
                recordType = "care_recipient"
            }
            // On the person's file, so an auditor sees whose history changed; the value is gone.
            audit.record("correction.strike.\(reason.rawValue)", recordType, id: personID, organisation: user.organisationID)
        }
    }
}

/// `/caregivers/:id/corrections/:entryId/strike` and `/recipients/…` (a form with the value, the
/// reason and a confirmation), and the API's `POST …/corrections/{entryId}/strike`.
struct CorrectionStrikeController: RouteCollection, APIRouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let readers = routes.recordReaders(.consultant, .caseOfficer, .staff)
        for subject in [CorrectionStrike.Subject.caregiver, .recipient] {
            let pattern = SiteURL.correctionStrike(subject, SiteURL.anyID, SiteURL.anyID).pattern
            readers.get(pattern) { req in try await form(req, subject) }
            readers.post(pattern) { req in try await strike(req, subject) }
        }
    }

    func boot(api: APIRoutes) throws {
        for subject in [CorrectionStrike.Subject.caregiver, .recipient] {
            api.recordReaders(CaregiverAccess.readers).post(.constant(subject.rawValue), ":id", "corrections", ":entryId", "strike") { req -> HTTPStatus in
                // The role and the row before the body: 403 or 404 where due, never a 400 first.
                let user = try req.currentUser
                guard CorrectionStrike.mayStrike(user) else { throw SynligError.forbidden }
                let (person, entry) = (try req.idParameter(), try req.idParameter("entryId"))
                _ = try await CorrectionStrike.entry(entry, of: subject, person: person, for: user, on: req.db)
                let body = try req.decodeStrict(API.Erasure.self)
                try await CorrectionStrike.strike(entry, of: subject, person: person, reason: body.reason, by: user, on: req.db)
                return .noContent
            }
        }
    }

    private func render(_ req: Request, _ subject: CorrectionStrike.Subject, person: UUID, entry entryID: UUID, values: FormValues,
                        errors: FormErrors, notice: String?, status: HTTPResponseStatus = .ok) async throws -> Response {
        let user = try req.currentUser
        let found = try await CorrectionStrike.entry(entryID, of: subject, person: person, for: user, on: req.db)
        // The page shows the person's name and the value: a read of the file.
        try await req.logAccess(recordType: subject == .caregiver ? .caregiver : .careRecipient, recordID: person)
        var form = FormBuilder(req, values: values, errors: errors)
        form.choice("reason", "erasure.field.reason", ErasureReason.self, prefix: "correction_strike.reason", blank: true)
        form.checkbox("confirm", "correction_strike.field.confirm")
        let shown = req.t("correction_strike.value", req.t(found.label), found.value { req.t($0) })
        return try await req.renderForm(titleKey: "correction_strike.title", titleArguments: [found.name], form: form,
                                        action: SiteURL.correctionStrike(subject, person, entryID).path,
                                        introText: req.t("correction_strike.intro") + " " + shown, notice: notice,
                                        submitKey: "correction_strike.submit", backHref: subject.history(person).path,
                                        backKey: "correction_strike.back", status: status)
    }

    @Sendable func form(_ req: Request, _ subject: CorrectionStrike.Subject) async throws -> Response {
        guard CorrectionStrike.mayStrike(try req.currentUser) else { throw SynligError.forbidden }
        return try await render(req, subject, person: try req.idParameter(), entry: try req.idParameter("entryId"), values: FormValues([]),
                                errors: .none, notice: nil)
    }

    @Sendable func strike(_ req: Request, _ subject: CorrectionStrike.Subject) async throws -> Response {
        let user = try req.currentUser
        guard CorrectionStrike.mayStrike(user) else { throw SynligError.forbidden }
        let (person, entry) = (try req.idParameter(), try req.idParameter("entryId"))
        return try await req.submitForm(render: { values, errors, notice, status in
            try await render(req, subject, person: person, entry: entry, values: values, errors: errors, notice: notice, status: status)
        }, save: { values in
            _ = try await CorrectionStrike.entry(entry, of: subject, person: person, for: user, on: req.db)
            try CaregiverErasure.requireReasonAndConfirmation(values, reasonKey: "correction_strike.reason_required",
                                                              confirmKey: "correction_strike.confirm_required")
            try await CorrectionStrike.strike(entry, of: subject, person: person, reason: values["reason"], by: user, on: req.db)
            return req.redirect(to: subject.history(person).path + "?struck=1")
        })
    }
}
