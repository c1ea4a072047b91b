import Fluent
import SynligCore
import Vapor

/// Whom a caregiver cares for and on what terms: relationships, the person's consent,
/// restrictions on involvement and invitations to SIP and care-planning meetings.
struct RelationshipController: RouteCollection {
    struct HistoryRow: Encodable {
        var cells: [String]
    }

    struct InvitationRow: Encodable {
        var kind: String
        var date: String
        var attendance: String
        var action: String
        var cancelled: Bool
        var options: [SelectOption]
        var label: String
    }

    struct RelationshipPage: Encodable {
        var page: PageContext
        var caregiverName: String
        var caregiverHref: String
        var recipientName: String
        var recipientHref: String
        var facts: [CaregiverRecordPage.Fact]
        var consent: String
        var consentHistory: [HistoryRow]
        var withoutConsent: [String]
        var restriction: String?
        var restrictionLiftAction: String?
        var restrictionReviewAction: String?
        var nextReview: String
        var mayLift: Bool
        var liftError: String?
        var reviewError: String?
        var restrictionHistory: [HistoryRow]
        /// How the caregiver's help changed over time, oldest first.
        var careHistory: [HistoryRow]
        var mayInvite: Bool
        var inviteBlockedReason: String?
        var invitations: [InvitationRow]
        var coordinationSignal: Bool
        var links: Links

        struct Links: Encodable {
            var edit: String
            var consent: String
            var restriction: String
            var invitation: String
        }
    }

    func boot(routes: any RoutesBuilder) throws {
        let readers = routes.recordReaders(.consultant, .caseOfficer, .staff)
        readers.get(SiteURL.caregiverPart(SiteURL.anyID, .relationshipNew).pattern, use: newForm)
        readers.post(SiteURL.caregiverPart(SiteURL.anyID, .relationshipNew).pattern, use: create)
        readers.get(SiteURL.relationship(SiteURL.anyID).pattern, use: show)
        readers.get(SiteURL.relationshipPart(SiteURL.anyID, .edit).pattern, use: editForm)
        readers.post(SiteURL.relationshipPart(SiteURL.anyID, .edit).pattern, use: update)
        for part in [SiteURL.RelationshipPart.consents, .restrictions, .invitations] {
            readers.get(SiteURL.relationshipPart(SiteURL.anyID, part).pattern) { try await self.partForm(req: $0, part: part) }
            readers.post(SiteURL.relationshipPart(SiteURL.anyID, part).pattern) { try await self.savePart(req: $0, part: part) }
        }
        readers.post(SiteURL.restrictionLift(SiteURL.anyID).pattern, use: lift)
        readers.post(SiteURL.restrictionReview(SiteURL.anyID).pattern, use: review)
        readers.post(SiteURL.invitationAttendance(SiteURL.anyID).pattern, use: attendance)
    }

    // MARK: Linking a caregiver to a person

    private func renderNew(_ req: Request, caregiver: Caregiver, user: CurrentUser, values: FormValues, errors: FormErrors,
                           notice: String?, status: HTTPResponseStatus = .ok) async throws -> Response {
        let recipients = try await CaregiverAccess.recipients(for: user, on: req.db).sort(\.$name).limit(500).all()
            .map { (try $0.requireID().uuidString, $0.name) }
        let id = try caregiver.requireID()
        return try await req.renderForm(
            titleKey: "relationship.new_title", titleArguments: [caregiver.name],
            form: CaregiverForms.relationship(req, values: values, errors: errors, recipients: recipients),
            action: SiteURL.caregiverPart(id, .relationshipNew).path, introKey: "relationship.new_intro", notice: notice,
            backHref: SiteURL.caregiver(id).path, backKey: "caregiver.back_record", status: status)
    }

    @Sendable func newForm(req: Request) async throws -> Response {
        let user = try req.currentUser
        let caregiver = try await CaregiverAccess.caregiver(try req.idParameter(), for: user, on: req.db)
        return try await renderNew(req, caregiver: caregiver, user: user, values: FormValues(), errors: .none, notice: nil)
    }

    /// Links to a person already registered, or registers the person by name first (in the
    /// caregiver's unit, so staff keep sight of both).
    @Sendable func create(req: Request) async throws -> Response {
        let user = try req.currentUser
        let caregiver = try await CaregiverAccess.caregiver(try req.idParameter(), for: user, on: req.db)
        let caregiverID = try caregiver.requireID()
        return try await req.submitForm(render: { values, errors, notice, status in
            try await renderNew(req, caregiver: caregiver, user: user, values: values, errors: errors, notice: notice, status: status)
        }, save: { values in
            let input = try values.decode(RelationshipInput.self)
            var recipientID = values["recipient"].flatMap(UUID.init(uuidString:))
            if recipientID == nil {
                let name = (values["recipientName"] ?? "").trimmingCharacters(in: .whitespaces)
                // The new person's name is checked here, on this form's field: the recipient's own
                // check would name its field `name`, which this form does not have.
                var check = InputChecker()
                if !name.isEmpty { _ = check.line(name, "recipientName", max: 120) }
                var problems: [SynligError.FieldProblem] = name.isEmpty ? [.init(field: "recipient", messageKey: "relationship.recipient_required")] : []
                problems += check.problems
                do { _ = try CaregiverService.validate(input) } catch let error as SynligError { problems += error.fieldProblems }
                guard problems.isEmpty else { throw SynligError.invalid(problems) }
                // The caregiver's unit when the user may place people there, otherwise the user's own units.
                let units: [String] = if let unit = caregiver.unitID, CaregiverAccess.seesWholeOrganisation(user) || user.unitIDs.contains(unit) {
                    [unit.uuidString]
                } else {
                    CaregiverAccess.seesWholeOrganisation(user) ? [] : user.unitIDs.map(\.uuidString)
                }
                let recipient = try await CaregiverService.saveRecipient(nil, RecipientInput(name: name, externalReference: nil, unitIds: units,
                                                                                            fixedCareContact: nil, fixedDoctorContact: nil,
                                                                                            fixedCareHomeContact: nil, patientContract: false),
                                                                         by: user, on: req.db)
                recipientID = try recipient.requireID()
            }
            let relationship = try await CaregiverService.saveRelationship(nil, caregiverID: caregiverID, recipientID: recipientID, input,
                                                                           by: user, on: req.db)
            return req.redirect(to: SiteURL.relationship(try relationship.requireID()).path)
        })
    }

    // MARK: The relationship page

    @Sendable func show(req: Request) async throws -> Response {
        try await render(req, relationshipID: try req.idParameter(), liftError: nil)
    }

    /// The relationship page; `liftError` shows a refused lift at its reason field.
    private func render(_ req: Request, relationshipID: UUID, liftError: String?, liftField: String = "liftReason",
                        status: HTTPResponseStatus = .ok) async throws -> Response {
        let user = try req.currentUser
        let relationship = try await CaregiverAccess.relationship(relationshipID, for: user, on: req.db)
        let id = try relationship.requireID()
        guard let caregiver = try await Caregiver.find(relationship.caregiverID, on: req.db),
              let recipient = try await CareRecipient.find(relationship.recipientID, on: req.db) else { throw SynligError.notFound }
        try await req.logAccess(recordType: .caregiver, recordID: relationship.caregiverID)
        try await req.logAccess(recordType: .careRecipient, recordID: relationship.recipientID)
        let language = req.language.rawValue
        func date(_ iso: String?) -> String { iso.flatMap(CalendarDate.init).map { SwedishTime.formatDate($0, language: language) } ?? "–" }
        let permission = try await CaregiverAccess.permission(for: relationship, on: req.db)
        let names = try await userNames(req)

        let consents = try await ConsentRecord.query(on: req.db).filter(\.$relationshipID == id).sort(\.$sequence, .descending).all()
        let consentRows = consents.map { record -> HistoryRow in
            let what: String
            switch record.kind {
            case .consent:
                let categories = ConsentCategory.allCases.filter(record.categories.contains).map { req.t("consent.category.\($0.rawValue)") }
                what = [categories.joined(separator: ", "), record.form.map { req.t("consent.form.\($0.rawValue)") },
                        record.documentReference.isEmpty ? nil : record.documentReference,
                        record.endsOn.map { req.t("consent.until", date($0)) }].compactMap { $0 }.joined(separator: " · ")
            case .harmAssessment:
                what = [record.harmDecision.map { req.t("consent.harm.\($0.rawValue)") } ?? "", record.decidedBy].joined(separator: " · ")
            case .withdrawal:
                what = record.note
            }
            // A review that found the stance unchanged says so, beside the stance it confirmed.
            let kind = req.t("consent.kind.\(record.kind.rawValue)") + (record.review ? " – " + req.t("consent.reviewed_unchanged") : "")
            return HistoryRow(cells: [date(record.date), kind, what, names[record.documentedBy] ?? "–"])
        }
        let restrictions = try await InvolvementRestriction.query(on: req.db).filter(\.$relationshipID == id).sort(\.$createdAt, .descending).all()
        let active = restrictions.first(where: \.isActive)
        let invitations = try await MeetingInvitation.query(on: req.db).filter(\.$relationshipID == id).sort(\.$meetingOn, .descending).all()
        let facts = [
            CaregiverRecordPage.Fact(label: req.t("relationship.field.relation"), value: req.t("caregiver.relation.\(relationship.relation.rawValue)")),
            .init(label: req.t("relationship.field.hours"), value: req.t("caregiver.hours.\(relationship.hoursBand.rawValue)")),
            .init(label: req.t("relationship.field.lives_together"), value: req.t(relationship.livesTogether ? "form.yes" : "form.no")),
            .init(label: req.t("relationship.field.since"), value: date(relationship.since)),
            .init(label: req.t("relationship.field.tasks"), value: CareTask.allCases.filter(relationship.tasks.contains)
                .map { req.t("caregiver.task.\($0.rawValue)") }.joined(separator: ", ").nonEmpty ?? "–"),
            .init(label: req.t("relationship.field.contacts"), value: relationship.coordinatedContacts.joined(separator: ", ").nonEmpty ?? "–"),
        ]
        let careHistory = try await RelationshipHistory.states(of: [id], organisationID: user.organisationID, on: req.db).map { state in
            HistoryRow(cells: [state.validFrom.map { date($0) } ?? req.t("relationship.history.from_start", date(relationship.createdAt.map { CalendarDate.today(now: $0).iso })),
                               req.t("caregiver.hours.\(state.hoursBand.rawValue)"),
                               CareTask.allCases.filter(state.tasks.contains).map { req.t("caregiver.task.\($0.rawValue)") }.joined(separator: ", ").nonEmpty ?? "–",
                               state.coordinatedContacts.joined(separator: ", ").nonEmpty ?? "–",
                               state.changedBy.flatMap { names[$0] } ?? "–"])
        }
        return try await req.renderPage("caregivers/relationship", RelationshipPage(
            page: .make(for: req, titleKey: "relationship.title", titleArguments: [caregiver.name, recipient.name],
                        errors: liftError.map { [PageContext.FormError(field: liftField, message: req.t(liftField == "liftReason" ? "restriction.lift_reason" : "restriction.review_on") + " " + $0)] } ?? []),
            caregiverName: caregiver.name, caregiverHref: SiteURL.caregiver(relationship.caregiverID).path,
            recipientName: recipient.name, recipientHref: SiteURL.recipient(relationship.recipientID).path,
            facts: facts, consent: ConsentText.describe(permission.consent, req: req), consentHistory: consentRows,
            withoutConsent: permission.consent.categories.isEmpty ? ConsentText.stillPossible(req: req) : [],
            restriction: active.map { req.t("restriction.warning", req.t("restriction.reason.\($0.reason.rawValue)"), date($0.reviewOn)) },
            restrictionLiftAction: try active.map { SiteURL.restrictionLift(try $0.requireID()).path },
            restrictionReviewAction: try active.map { SiteURL.restrictionReview(try $0.requireID()).path },
            nextReview: CalendarDate.today().addingMonths(3).iso,
            mayLift: user.hasAny(CaregiverAccess.restrictionLifters), liftError: liftField == "liftReason" ? liftError : nil,
            reviewError: liftField == "reviewOn" ? liftError : nil,
            restrictionHistory: restrictions.map {
                HistoryRow(cells: [date($0.decidedOn), req.t("restriction.reason.\($0.reason.rawValue)"),
                                   $0.liftedReason.map { req.t("restriction.lifted_because", $0) } ?? req.t("restriction.active"),
                                   names[$0.authorID] ?? "–"])
            },
            careHistory: careHistory,
            mayInvite: permission.mayInvite,
            inviteBlockedReason: permission.restricted ? req.t("invitation.restricted") : (permission.mayInvite ? nil : req.t("invitation.no_consent")),
            invitations: try invitations.map { invitation in
                InvitationRow(kind: req.t("invitation.kind.\(invitation.kind.rawValue)"), date: date(invitation.meetingOn),
                              attendance: req.t("invitation.attendance.\(invitation.attendance.rawValue)"),
                              action: SiteURL.invitationAttendance(try invitation.requireID()).path,
                              cancelled: invitation.attendance == .cancelled,
                              options: MeetingAttendance.allCases.filter { $0 != .cancelled }.map {
                                  SelectOption(value: $0.rawValue, label: req.t("invitation.attendance.\($0.rawValue)"), selected: $0 == invitation.attendance)
                              },
                              label: req.t("invitation.attendance_label", req.t("invitation.kind.\(invitation.kind.rawValue)"), date(invitation.meetingOn)))
            },
            coordinationSignal: relationship.coordinationSignal,
            links: .init(edit: SiteURL.relationshipPart(id, .edit).path, consent: SiteURL.relationshipPart(id, .consents).path,
                         restriction: SiteURL.relationshipPart(id, .restrictions).path, invitation: SiteURL.relationshipPart(id, .invitations).path)),
            status: status)
    }

    private func userNames(_ req: Request) async throws -> [UUID: String] {
        let user = try req.currentUser
        return Dictionary(uniqueKeysWithValues: try await User.query(on: req.db).filter(\.$organisationID == user.organisationID).all()
            .map { (try $0.requireID(), $0.displayName) })
    }

    // MARK: Editing the relationship

    private func renderEdit(_ req: Request, relationship: CareRelationship, values: FormValues, errors: FormErrors, notice: String?,
                            status: HTTPResponseStatus = .ok) async throws -> Response {
        let id = try relationship.requireID()
        return try await req.renderForm(titleKey: "relationship.edit_title", form: CaregiverForms.relationship(req, values: values, errors: errors, recipients: nil),
                                        action: SiteURL.relationshipPart(id, .edit).path, version: relationship.version, notice: notice,
                                        backHref: SiteURL.relationship(id).path, backKey: "relationship.back", status: status)
    }

    @Sendable func editForm(req: Request) async throws -> Response {
        let relationship = try await CaregiverAccess.relationship(try req.idParameter(), for: try req.currentUser, on: req.db)
        try await req.logAccess(recordType: .caregiver, recordID: relationship.caregiverID)
        try await req.logAccess(recordType: .careRecipient, recordID: relationship.recipientID)
        var pairs: [(String, String)] = [("relation", relationship.relation.rawValue), ("hoursBand", relationship.hoursBand.rawValue),
                                         ("since", relationship.since ?? ""), ("coordinatedContacts", relationship.coordinatedContactsText)]
        pairs += relationship.tasks.map { ("tasks", $0.rawValue) }
        if relationship.livesTogether { pairs.append(("livesTogether", "on")) }
        if relationship.carriesCoordination { pairs.append(("carriesCoordination", "on")) }
        return try await renderEdit(req, relationship: relationship, values: FormValues(pairs), errors: .none, notice: nil)
    }

    @Sendable func update(req: Request) async throws -> Response {
        let user = try req.currentUser
        let id = try req.idParameter()
        return try await req.submitForm(render: { values, errors, notice, status in
            let relationship = try await CaregiverAccess.relationship(id, for: user, on: req.db)
            return try await renderEdit(req, relationship: relationship, values: values, errors: errors, notice: notice, status: status)
        }, save: { values in
            _ = try await CaregiverService.saveRelationship(id, caregiverID: nil, recipientID: nil, try values.decode(RelationshipInput.self),
                                                            by: user, on: req.db)
            return req.redirect(to: SiteURL.relationship(id).path)
        })
    }

    // MARK: Consent, restriction, invitation

    private func partForm(_ req: Request, part: SiteURL.RelationshipPart, values: FormValues, errors: FormErrors) -> FormBuilder {
        var form = FormBuilder(req, values: values, errors: errors)
        switch part {
        case .consents:
            form.choice("kind", "consent.field.kind", ConsentEntryKind.self, prefix: "consent.kind", hint: "consent.field.kind_hint", radios: true)
            form.checkboxes("categories", "consent.field.categories", ConsentCategory.self, prefix: "consent.category", hint: "consent.field.categories_hint")
            form.choice("form", "consent.field.form", ConsentForm.self, prefix: "consent.form", radios: true)
            form.text("documentReference", "consent.field.document", hint: "consent.field.document_hint")
            form.date("date", "consent.field.date")
            form.date("endsOn", "consent.field.ends_on", hint: "consent.field.ends_on_hint")
            form.choice("harmDecision", "consent.field.harm_decision", HarmDecision.self, prefix: "consent.harm", hint: "consent.field.harm_hint", radios: true)
            form.text("decidedBy", "consent.field.decided_by", hint: "consent.field.decided_by_hint")
            form.textarea("note", "consent.field.note", rows: 2, maxLength: 2000)
        case .restrictions:
            form.choice("reason", "restriction.field.reason", RestrictionReason.self, prefix: "restriction.reason", radios: true)
            form.textarea("note", "restriction.field.note", hint: "restriction.field.note_hint", rows: 3, maxLength: 2000)
            form.date("decidedOn", "restriction.field.decided_on")
            form.date("reviewOn", "restriction.field.review_on")
        case .invitations, .edit:
            form.choice("meetingKind", "invitation.field.kind", MeetingKind.self, prefix: "invitation.kind", radios: true)
            form.date("meetingOn", "invitation.field.date")
        }
        return form
    }

    private func renderPart(_ req: Request, part: SiteURL.RelationshipPart, relationship: CareRelationship, values: FormValues,
                            errors: FormErrors, notice: String?, status: HTTPResponseStatus = .ok) async throws -> Response {
        let id = try relationship.requireID()
        let form = partForm(req, part: part, values: values, errors: errors)
        return try await req.renderForm(titleKey: "relationship.\(part.rawValue)_title", form: form,
                                        action: SiteURL.relationshipPart(id, part).path, introKey: "relationship.\(part.rawValue)_intro",
                                        notice: notice, backHref: SiteURL.relationship(id).path, backKey: "relationship.back", status: status)
    }

    func partForm(req: Request, part: SiteURL.RelationshipPart) async throws -> Response {
        let relationship = try await CaregiverAccess.relationship(try req.idParameter(), for: try req.currentUser, on: req.db)
        // A form about this relationship (consent, a restriction, an invitation) is opened for these two people.
        try await req.logAccess(recordType: .caregiver, recordID: relationship.caregiverID)
        try await req.logAccess(recordType: .careRecipient, recordID: relationship.recipientID)
        let today = CalendarDate.today().iso
        let defaults: [(String, String)] = switch part {
        case .consents: [("kind", ConsentEntryKind.consent.rawValue), ("form", ConsentForm.oral.rawValue), ("date", today)]
        case .restrictions: [("decidedOn", today), ("reviewOn", CalendarDate.today().addingMonths(3).iso)]
        case .invitations, .edit: [("meetingKind", MeetingKind.coordinatedPlan.rawValue)]
        }
        return try await renderPart(req, part: part, relationship: relationship, values: FormValues(defaults), errors: .none, notice: nil)
    }

    func savePart(req: Request, part: SiteURL.RelationshipPart) async throws -> Response {
        let user = try req.currentUser
        let id = try req.idParameter()
        return try await req.submitForm(render: { values, errors, notice, status in
            let relationship = try await CaregiverAccess.relationship(id, for: user, on: req.db)
            return try await renderPart(req, part: part, relationship: relationship, values: values, errors: errors, notice: notice, status: status)
        }, save: { values in
            switch part {
            case .consents:
                _ = try await ConsentService.record(relationshipID: id, try values.decode(ConsentInput.self), by: user, on: req.db)
            case .restrictions:
                _ = try await ConsentService.restrict(relationshipID: id, try values.decode(RestrictionInput.self), by: user, on: req.db)
            case .invitations, .edit:
                _ = try await ConsentService.invite(relationshipID: id, InvitationInput(kind: values["meetingKind"], meetingOn: values["meetingOn"]),
                                                    by: user, on: req.db)
            }
            return req.redirect(to: SiteURL.relationship(id).path)
        })
    }

    @Sendable func lift(req: Request) async throws -> Response {
        let user = try req.currentUser
        let restriction = try await InvolvementRestriction.find(try req.idParameter(), in: user.organisationID, on: req.db)
        do {
            try await ConsentService.lift(restrictionID: try restriction.requireID(), reason: FormValues(request: req)["liftReason"], by: user, on: req.db)
        } catch let error as SynligError where !error.fieldProblems.isEmpty {
            return try await render(req, relationshipID: restriction.relationshipID,
                                    liftError: FormErrors(error.fieldProblems, request: req).byField["liftReason"], status: error.status)
        }
        return req.redirect(to: SiteURL.relationship(restriction.relationshipID).path)
    }

    @Sendable func review(req: Request) async throws -> Response {
        let user = try req.currentUser
        let restriction = try await InvolvementRestriction.find(try req.idParameter(), in: user.organisationID, on: req.db)
        do {
            try await ConsentService.review(restrictionID: try restriction.requireID(), reviewOn: FormValues(request: req)["reviewOn"], by: user, on: req.db)
        } catch let error as SynligError where !error.fieldProblems.isEmpty {
            return try await render(req, relationshipID: restriction.relationshipID,
                                    liftError: FormErrors(error.fieldProblems, request: req).byField["reviewOn"], liftField: "reviewOn",
                                    status: error.status)
        }
        return req.redirect(to: SiteURL.relationship(restriction.relationshipID).path)
    }

    @Sendable func attendance(req: Request) async throws -> Response {
        let user = try req.currentUser
        let invitation = try await MeetingInvitation.find(try req.idParameter(), in: user.organisationID, on: req.db)
        try await ConsentService.recordAttendance(invitationID: try invitation.requireID(), attendance: FormValues(request: req)["attendance"],
                                                  by: user, on: req.db)
        return req.redirect(to: SiteURL.relationship(invitation.relationshipID).path)
    }
}

extension String {
    /// nil for an empty string, to fall back on a dash.
    var nonEmpty: String? { isEmpty ? nil : self }
}
