import Fluent
import SynligCore
import Vapor

/// The forms that follow a caregiver's situation: conversations, strain screening, the support
/// plan, support needs and feedback. Each is a form page that returns to the record.
struct FollowUpController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let readers = routes.recordReaders(.consultant, .caseOfficer, .staff)
        for part in [SiteURL.CaregiverPart.conversationNew, .screening, .plan, .supportNew, .feedbackNew] {
            readers.get(SiteURL.caregiverPart(SiteURL.anyID, part).pattern) { try await self.form(req: $0, part: part) }
            readers.post(SiteURL.caregiverPart(SiteURL.anyID, part).pattern) { try await self.save(req: $0, part: part) }
        }
        readers.get(SiteURL.supportNeed(SiteURL.anyID).pattern, use: editSupport)
        readers.post(SiteURL.supportNeed(SiteURL.anyID).pattern, use: updateSupport)
        readers.get(SiteURL.feedback(SiteURL.anyID).pattern, use: editFeedback)
        readers.post(SiteURL.feedback(SiteURL.anyID).pattern, use: updateFeedback)
    }

    private func instrument(_ req: Request) throws -> ScreeningInstrument {
        guard let first = ScreeningInstruments.all(req.application).first else { throw SynligError.notFound }
        return first
    }

    private func fields(_ req: Request, part: SiteURL.CaregiverPart, values: FormValues, errors: FormErrors) async throws -> FormBuilder {
        var form = FormBuilder(req, values: values, errors: errors)
        switch part {
        case .conversationNew:
            form.date("heldOn", "conversation.field.held_on")
            form.textarea("helpToCare", "conversation.field.help_to_care", hint: "conversation.field.help_to_care_hint", rows: 4)
            form.textarea("ownLife", "conversation.field.own_life", hint: "conversation.field.own_life_hint", rows: 4)
            form.textarea("recipientLife", "conversation.field.recipient_life", hint: "conversation.field.recipient_life_hint", rows: 4)
            form.textarea("serviceQuality", "conversation.field.service_quality", hint: "conversation.field.service_quality_hint", rows: 4)
            form.textarea("agreedActions", "conversation.field.agreed_actions", rows: 3)
        case .screening:
            let instrument = try instrument(req)
            let code = req.textLanguage
            form.date("screenedOn", "screening.field.date")
            for item in instrument.items {
                form.options("item-\(item.id)", question: item.text.text(code), item.options.map { ($0.value, $0.label.text(code)) }, radios: true)
            }
        case .plan:
            form.textarea("outcomes", "plan.field.outcomes", hint: "plan.field.outcomes_hint", rows: 3)
            form.textarea("agreedSupport", "plan.field.agreed_support", rows: 3)
            form.textarea("emergencyPlan", "plan.field.emergency", hint: "plan.field.emergency_hint", rows: 4)
            form.textarea("futurePlan", "plan.field.future", hint: "plan.field.future_hint", rows: 3)
            form.date("reviewOn", "plan.field.review_on")
            form.checkboxes("lifeAreas", "ibic.field.life_areas", IBICLifeAreas.options(language: req.textLanguage), hint: "ibic.field.life_areas_hint")
        case .supportNew:
            try await supportFields(&form, req: req)
        case .feedbackNew:
            form.choice("feedbackKind", "feedback.field.kind", FeedbackKind.self, prefix: "feedback.kind", radios: true)
            form.date("receivedOn", "feedback.field.received_on")
            form.textarea("summary", "feedback.field.summary", hint: "feedback.field.summary_hint", rows: 4)
            form.choice("feedbackStatus", "feedback.field.status", FeedbackStatus.self, prefix: "feedback.status")
            form.textarea("response", "feedback.field.response", rows: 3)
        default:
            break
        }
        return form
    }

    private func supportFields(_ form: inout FormBuilder, req: Request) async throws {
        let user = try req.currentUser
        let offerings = try await SupportOffering.scoped(to: user.organisationID, on: req.db).sort(\.$name).all()
            .map { (try $0.requireID().uuidString, $0.name) }
        form.choice("needKind", "support_need.field.kind", SupportNeedKind.self, prefix: "support_need.kind", blank: true)
        form.options("offeringId", "support_need.field.offering", offerings, hint: "support_need.field.offering_hint", blankKey: "support_need.field.no_offering")
        form.choice("decision", "support_need.field.decision", SupportDecision.self, prefix: "support_need.decision", radios: true)
        form.choice("status", "support_need.field.status", SupportStatus.self, prefix: "support_need.status", hint: "support_need.field.status_hint")
        form.date("requestedOn", "support_need.field.requested_on")
        form.date("offeredOn", "support_need.field.offered_on")
        form.date("startedOn", "support_need.field.started_on")
        form.date("endedOn", "support_need.field.ended_on")
        form.textarea("outcome", "support_need.field.outcome", rows: 2, maxLength: 2000)
        form.checkboxes("lifeAreas", "ibic.field.life_areas", IBICLifeAreas.options(language: req.textLanguage), hint: "ibic.field.life_areas_hint")
    }

    private func render(_ req: Request, caregiver: Caregiver, part: SiteURL.CaregiverPart, values: FormValues, errors: FormErrors,
                        notice: String?, version: Int? = nil, status: HTTPResponseStatus = .ok) async throws -> Response {
        let id = try caregiver.requireID()
        let form = try await fields(req, part: part, values: values, errors: errors)
        let key = part.rawValue.replacingOccurrences(of: "/", with: "_")
        var noticeText = notice
        if part == .screening, noticeText == nil {
            let instrument = try instrument(req)
            noticeText = instrument.validated ? nil : req.t("screening.indicator_notice", instrument.name.text(req.textLanguage))
        }
        return try await req.renderForm(titleKey: "followup.\(key)_title", titleArguments: [caregiver.name], form: form,
                                        action: SiteURL.caregiverPart(id, part).path, version: version, introKey: "followup.\(key)_intro",
                                        notice: noticeText, backHref: SiteURL.caregiver(id).path, backKey: "caregiver.back_record", status: status)
    }

    func form(req: Request, part: SiteURL.CaregiverPart) async throws -> Response {
        let user = try req.currentUser
        let caregiver = try await CaregiverAccess.caregiver(try req.idParameter(), for: user, on: req.db)
        let today = CalendarDate.today()
        var values: [(String, String)] = []
        var version: Int?
        // Every form here shows whose record it is (the name in the heading), the plan its contents.
        try await req.logAccess(recordType: .caregiver, recordID: try caregiver.requireID())
        switch part {
        case .conversationNew: values = [("heldOn", today.iso)]
        case .screening: values = [("screenedOn", today.iso)]
        case .supportNew: values = [("requestedOn", today.iso), ("decision", SupportDecision.serviceSupport.rawValue)]
        case .feedbackNew: values = [("receivedOn", today.iso), ("feedbackKind", FeedbackKind.opinion.rawValue)]
        case .plan:
            if let plan = try await SupportPlan.query(on: req.db).filter(\.$caregiverID == caregiver.requireID()).first() {
                values = [("outcomes", plan.outcomes), ("agreedSupport", plan.agreedSupport), ("emergencyPlan", plan.emergencyPlan),
                          ("futurePlan", plan.futurePlan), ("reviewOn", plan.reviewOn)]
                values += IBICLifeAreas.codes(plan.lifeAreasText).map { ("lifeAreas", $0) }
                version = plan.version
            } else {
                values = [("reviewOn", today.addingMonths(6).iso)]
            }
        default: break
        }
        return try await render(req, caregiver: caregiver, part: part, values: FormValues(values), errors: .none, notice: nil, version: version)
    }

    func save(req: Request, part: SiteURL.CaregiverPart) async throws -> Response {
        let user = try req.currentUser
        let id = try req.idParameter()
        return try await req.submitForm(render: { values, errors, notice, status in
            let caregiver = try await CaregiverAccess.caregiver(id, for: user, on: req.db)
            let version = part == .plan ? try await SupportPlan.query(on: req.db).filter(\.$caregiverID == id).first()?.version : nil
            return try await render(req, caregiver: caregiver, part: part, values: values, errors: errors, notice: notice, version: version, status: status)
        }, save: { values in
            switch part {
            case .conversationNew:
                _ = try await FollowUpService.addConversation(caregiverID: id, try values.decode(ConversationInput.self), by: user, on: req.db)
            case .screening:
                let instrument = try instrument(req)
                var answers: [String: String] = [:]
                for item in instrument.items { if let value = values["item-\(item.id)"] { answers[item.id] = value } }
                _ = try await FollowUpService.screen(caregiverID: id, instrument: instrument, answers: answers, screenedOn: values["screenedOn"],
                                                     by: user, on: req.db)
            case .plan:
                _ = try await FollowUpService.savePlan(caregiverID: id, try values.decode(PlanInput.self), by: user, on: req.db)
            case .supportNew:
                _ = try await FollowUpService.saveSupport(nil, caregiverID: id, try values.decode(SupportInput.self), by: user, on: req.db)
            case .feedbackNew:
                _ = try await FollowUpService.saveFeedback(nil, caregiverID: id, Self.feedbackInput(values), by: user, on: req.db)
            default:
                throw SynligError.notFound
            }
            return req.redirect(to: SiteURL.caregiver(id).path)
        })
    }

    static func feedbackInput(_ values: FormValues) -> FeedbackInput {
        FeedbackInput(kind: values["feedbackKind"], receivedOn: values["receivedOn"], summary: values["summary"],
                      status: values["feedbackStatus"], response: values["response"], version: values.int("version"))
    }

    // MARK: Editing a support need or a piece of feedback

    private func renderRecord(_ req: Request, part: SiteURL.CaregiverPart, caregiverID: UUID, action: String, version: Int,
                              values: FormValues, errors: FormErrors, notice: String?, status: HTTPResponseStatus = .ok) async throws -> Response {
        let caregiver = try await CaregiverAccess.caregiver(caregiverID, for: try req.currentUser, on: req.db)
        try await req.logAccess(recordType: .caregiver, recordID: caregiverID)
        let form = try await fields(req, part: part, values: values, errors: errors)
        let key = part == .supportNew ? "support_edit" : "feedback_edit"
        return try await req.renderForm(titleKey: "followup.\(key)_title", titleArguments: [caregiver.name], form: form, action: action,
                                        version: version, notice: notice, backHref: SiteURL.caregiver(caregiverID).path,
                                        backKey: "caregiver.back_record", status: status)
    }

    @Sendable func editSupport(req: Request) async throws -> Response {
        let support = try await CaregiverSupport.find(try req.idParameter(), in: try req.currentUser.organisationID, on: req.db)
        let values = FormValues([("needKind", support.needKind.rawValue), ("offeringId", support.offeringID?.uuidString ?? ""),
                                 ("decision", support.decision.rawValue), ("status", support.status.rawValue), ("requestedOn", support.requestedOn),
                                 ("offeredOn", support.offeredOn ?? ""), ("startedOn", support.startedOn ?? ""), ("endedOn", support.endedOn ?? ""),
                                 ("outcome", support.outcome)] + IBICLifeAreas.codes(support.lifeAreasText).map { ("lifeAreas", $0) })
        return try await renderRecord(req, part: .supportNew, caregiverID: support.caregiverID, action: SiteURL.supportNeed(try support.requireID()).path,
                                      version: support.version, values: values, errors: .none, notice: nil)
    }

    @Sendable func updateSupport(req: Request) async throws -> Response {
        let user = try req.currentUser
        let support = try await CaregiverSupport.find(try req.idParameter(), in: user.organisationID, on: req.db)
        let id = try support.requireID()
        return try await req.submitForm(render: { values, errors, notice, status in
            let current = try await CaregiverSupport.find(id, in: user.organisationID, on: req.db)
            return try await renderRecord(req, part: .supportNew, caregiverID: support.caregiverID, action: SiteURL.supportNeed(id).path,
                                          version: current.version, values: values, errors: errors, notice: notice, status: status)
        }, save: { values in
            _ = try await FollowUpService.saveSupport(id, caregiverID: support.caregiverID, try values.decode(SupportInput.self), by: user, on: req.db)
            return req.redirect(to: SiteURL.caregiver(support.caregiverID).path)
        })
    }

    @Sendable func editFeedback(req: Request) async throws -> Response {
        let feedback = try await CaregiverFeedback.find(try req.idParameter(), in: try req.currentUser.organisationID, on: req.db)
        let values = FormValues([("feedbackKind", feedback.kind.rawValue), ("receivedOn", feedback.receivedOn), ("summary", feedback.summary),
                                 ("feedbackStatus", feedback.status.rawValue), ("response", feedback.response)])
        return try await renderRecord(req, part: .feedbackNew, caregiverID: feedback.caregiverID, action: SiteURL.feedback(try feedback.requireID()).path,
                                      version: feedback.version, values: values, errors: .none, notice: nil)
    }

    @Sendable func updateFeedback(req: Request) async throws -> Response {
        let user = try req.currentUser
        let feedback = try await CaregiverFeedback.find(try req.idParameter(), in: user.organisationID, on: req.db)
        let id = try feedback.requireID()
        return try await req.submitForm(render: { values, errors, notice, status in
            let current = try await CaregiverFeedback.find(id, in: user.organisationID, on: req.db)
            return try await renderRecord(req, part: .feedbackNew, caregiverID: feedback.caregiverID, action: SiteURL.feedback(id).path,
                                          version: current.version, values: values, errors: errors, notice: notice, status: status)
        }, save: { values in
            _ = try await FollowUpService.saveFeedback(id, caregiverID: feedback.caregiverID, Self.feedbackInput(values), by: user, on: req.db)
            return req.redirect(to: SiteURL.caregiver(feedback.caregiverID).path)
        })
    }
}
