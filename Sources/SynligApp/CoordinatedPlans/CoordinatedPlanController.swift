import Fluent
import SynligCore
import Vapor

/// The person's SIP page: discharges from inpatient care, SIPs offered and their outcomes,
/// patient contracts; one SIP's page with its outcome history and responsibilities; the forms
/// that add to them. Every page shows the person's data, so every read is logged.
struct CoordinatedPlanController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let readers = routes.recordReaders(.consultant, .caseOfficer, .staff)
        readers.get(SiteURL.recipientPlans(SiteURL.anyID).pattern, use: overview)
        for part in SiteURL.PlansPart.allCases {
            readers.get(SiteURL.recipientPlansPart(SiteURL.anyID, part).pattern) { try await self.recipientForm(req: $0, part: part) }
            readers.post(SiteURL.recipientPlansPart(SiteURL.anyID, part).pattern) { try await self.saveRecipientForm(req: $0, part: part) }
        }
        readers.get(SiteURL.coordinatedPlan(SiteURL.anyID).pattern, use: plan)
        for part in SiteURL.PlanPart.allCases {
            readers.get(SiteURL.coordinatedPlanPart(SiteURL.anyID, part).pattern) { try await self.planForm(req: $0, part: part) }
            readers.post(SiteURL.coordinatedPlanPart(SiteURL.anyID, part).pattern) { try await self.savePlanForm(req: $0, part: part) }
        }
        readers.post(SiteURL.responsibilityDone(SiteURL.anyID).pattern, use: responsibilityDone)
        readers.get(SiteURL.patientContract(SiteURL.anyID).pattern, use: contractForm)
        readers.post(SiteURL.patientContract(SiteURL.anyID).pattern, use: saveContractFollowUp)
        readers.post(SiteURL.recipientTaskDone(SiteURL.anyID).pattern, use: taskDone)
    }

    // MARK: The person's page

    @Sendable func overview(req: Request) async throws -> Response {
        let user = try req.currentUser
        let recipient = try await CaregiverAccess.recipient(try req.idParameter(), for: user, on: req.db)
        let id = try recipient.requireID()
        try await req.logAccess(recordType: .careRecipient, recordID: id)
        return try await req.renderPage("coordinated-plans/overview", try await CoordinatedPlanPages.overview(recipient, req: req))
    }

    private func recipientFormBuilder(_ req: Request, part: SiteURL.PlansPart, recipientID: UUID, values: FormValues,
                                      errors: FormErrors) async throws -> FormBuilder {
        let user = try req.currentUser
        var form = FormBuilder(req, values: values, errors: errors)
        switch part {
        case .discharges:
            form.date("dischargedOn", "sip.field.discharged_on")
            form.text("dischargedFrom", "sip.field.discharged_from", hint: "sip.field.discharged_from_hint", maxLength: 120)
            form.options("responsibleUserId", "sip.field.responsible", try await CoordinatedPlanService.staffOptions(of: user, on: req.db),
                         hint: "sip.field.responsible_hint")
        case .offers:
            form.date("offeredOn", "sip.field.offered_on")
            form.options("dischargeId", "sip.field.discharge", try await CoordinatedPlanPages.dischargeOptions(recipientID, req: req),
                         hint: "sip.field.discharge_hint", blankKey: "sip.field.no_discharge")
        case .contracts:
            form.textarea("agreed", "sip.field.agreed", hint: "sip.field.agreed_hint", rows: 3, maxLength: 2000)
            form.date("agreedOn", "sip.field.agreed_on")
            form.date("followUpOn", "sip.field.contract_follow_up_on", hint: "sip.field.contract_follow_up_hint")
        }
        return form
    }

    private func renderRecipientForm(_ req: Request, part: SiteURL.PlansPart, recipient: CareRecipient, values: FormValues,
                                     errors: FormErrors, notice: String?, status: HTTPResponseStatus = .ok) async throws -> Response {
        let id = try recipient.requireID()
        let form = try await recipientFormBuilder(req, part: part, recipientID: id, values: values, errors: errors)
        return try await req.renderForm(titleKey: "sip.\(part.rawValue)_title", titleArguments: [recipient.name], form: form,
                                        action: SiteURL.recipientPlansPart(id, part).path, introKey: "sip.\(part.rawValue)_intro",
                                        notice: notice, backHref: SiteURL.recipientPlans(id).path, backKey: "sip.back", status: status)
    }

    func recipientForm(req: Request, part: SiteURL.PlansPart) async throws -> Response {
        let user = try req.currentUser
        let recipient = try await CaregiverAccess.recipient(try req.idParameter(), for: user, on: req.db)
        let id = try recipient.requireID()
        try await req.logAccess(recordType: .careRecipient, recordID: id)
        let today = CalendarDate.today()
        let defaults: [(String, String)] = switch part {
        case .discharges: [("dischargedOn", today.iso), ("responsibleUserId", user.id.uuidString)]
        case .offers: [("offeredOn", today.iso), ("dischargeId", try await CoordinatedPlanPages.unansweredDischarge(id, on: req.db)?.uuidString ?? "")]
        case .contracts: [("agreedOn", today.iso), ("followUpOn", today.addingMonths(1).iso)]
        }
        return try await renderRecipientForm(req, part: part, recipient: recipient, values: FormValues(defaults), errors: .none, notice: nil)
    }

    func saveRecipientForm(req: Request, part: SiteURL.PlansPart) async throws -> Response {
        let user = try req.currentUser
        let id = try req.idParameter()
        return try await req.submitForm(render: { values, errors, notice, status in
            let recipient = try await CaregiverAccess.recipient(id, for: user, on: req.db)
            return try await renderRecipientForm(req, part: part, recipient: recipient, values: values, errors: errors, notice: notice, status: status)
        }, save: { values in
            switch part {
            case .discharges:
                _ = try await CoordinatedPlanService.recordDischarge(
                    recipientID: id, DischargeInput(dischargedOn: values["dischargedOn"], dischargedFrom: values["dischargedFrom"],
                                                    responsibleUserId: values["responsibleUserId"]), by: user, on: req.db)
            case .offers:
                let offer = try await CoordinatedPlanService.offer(
                    recipientID: id, PlanOfferInput(offeredOn: values["offeredOn"], dischargeId: values["dischargeId"]), by: user, on: req.db)
                return req.redirect(to: SiteURL.coordinatedPlan(try offer.requireID()).path)
            case .contracts:
                _ = try await CoordinatedPlanService.addPatientContract(
                    recipientID: id, PatientContractInput(agreed: values["agreed"], agreedOn: values["agreedOn"], followUpOn: values["followUpOn"]),
                    by: user, on: req.db)
            }
            return req.redirect(to: SiteURL.recipientPlans(id).path)
        })
    }

    // MARK: One SIP

    @Sendable func plan(req: Request) async throws -> Response {
        let user = try req.currentUser
        let offer = try await CoordinatedPlanOffer.find(try req.idParameter(), in: user.organisationID, on: req.db)
        let recipient = try await CaregiverAccess.recipient(offer.recipientID, for: user, on: req.db)
        try await req.logAccess(recordType: .careRecipient, recordID: offer.recipientID)
        return try await req.renderPage("coordinated-plans/plan", try await CoordinatedPlanPages.plan(offer, recipient: recipient, req: req))
    }

    private func renderPlanForm(_ req: Request, part: SiteURL.PlanPart, offer: CoordinatedPlanOffer, values: FormValues,
                                errors: FormErrors, notice: String?, status: HTTPResponseStatus = .ok) async throws -> Response {
        let user = try req.currentUser
        let id = try offer.requireID()
        var form = FormBuilder(req, values: values, errors: errors)
        switch part {
        case .outcome:
            form.options("outcome", "sip.field.outcome", [CoordinatedPlanOutcome.accepted, .declined, .held].map { (value: $0.rawValue, label: req.t("sip.outcome.\($0.rawValue)")) },
                         radios: true)
            form.date("outcomeOn", "sip.field.outcome_on")
            form.textarea("participants", "sip.field.participants", hint: "sip.field.participants_hint", rows: 3, maxLength: 2000)
            form.options("invitationId", "sip.field.invitation", try await CoordinatedPlanPages.invitationOptions(offer.recipientID, req: req),
                         hint: "sip.field.invitation_hint", blankKey: "sip.field.no_invitation")
        case .responsibilities:
            form.text("actor", "sip.field.actor", hint: "sip.field.actor_hint", maxLength: 200)
            form.textarea("task", "sip.field.task", rows: 2, maxLength: 2000)
            form.date("dueOn", "sip.field.due_on")
            form.date("followUpOn", "sip.field.follow_up_on", hint: "sip.field.follow_up_hint")
            form.options("ownerUserId", "sip.field.owner", try await CoordinatedPlanService.staffOptions(of: user, on: req.db),
                         hint: "sip.field.owner_hint", blankKey: "sip.field.no_owner")
            form.checkbox("overall", "sip.field.overall", hint: "sip.field.overall_hint")
        }
        return try await req.renderForm(titleKey: "sip.\(part.rawValue)_title", form: form, action: SiteURL.coordinatedPlanPart(id, part).path,
                                        version: part == .outcome ? offer.version : nil, introKey: "sip.\(part.rawValue)_intro",
                                        notice: notice, backHref: SiteURL.coordinatedPlan(id).path, backKey: "sip.back_plan", status: status)
    }

    func planForm(req: Request, part: SiteURL.PlanPart) async throws -> Response {
        let user = try req.currentUser
        let offer = try await CoordinatedPlanOffer.find(try req.idParameter(), in: user.organisationID, on: req.db)
        _ = try await CaregiverAccess.recipient(offer.recipientID, for: user, on: req.db)
        try await req.logAccess(recordType: .careRecipient, recordID: offer.recipientID)
        let today = CalendarDate.today()
        let defaults: [(String, String)] = switch part {
        case .outcome: [("outcome", CoordinatedPlanOutcome.accepted.rawValue), ("outcomeOn", today.iso)]
        case .responsibilities: [("followUpOn", today.addingMonths(1).iso)]
        }
        return try await renderPlanForm(req, part: part, offer: offer, values: FormValues(defaults), errors: .none, notice: nil)
    }

    func savePlanForm(req: Request, part: SiteURL.PlanPart) async throws -> Response {
        let user = try req.currentUser
        let id = try req.idParameter()
        return try await req.submitForm(render: { values, errors, notice, status in
            let offer = try await CoordinatedPlanOffer.find(id, in: user.organisationID, on: req.db)
            _ = try await CaregiverAccess.recipient(offer.recipientID, for: user, on: req.db)
            return try await renderPlanForm(req, part: part, offer: offer, values: values, errors: errors, notice: notice, status: status)
        }, save: { values in
            switch part {
            case .outcome:
                _ = try await CoordinatedPlanService.recordOutcome(
                    offerID: id, PlanOutcomeInput(outcome: values["outcome"], outcomeOn: values["outcomeOn"], participants: values["participants"],
                                                  invitationId: values["invitationId"], version: values.int("version") ?? -1),
                    by: user, on: req.db)
            case .responsibilities:
                _ = try await CoordinatedPlanService.addResponsibility(
                    offerID: id, ResponsibilityInput(actor: values["actor"], task: values["task"], dueOn: values["dueOn"],
                                                     followUpOn: values["followUpOn"], ownerUserId: values["ownerUserId"],
                                                     overall: values.isOn("overall")),
                    by: user, on: req.db)
            }
            return req.redirect(to: SiteURL.coordinatedPlan(id).path)
        })
    }

    @Sendable func responsibilityDone(req: Request) async throws -> Response {
        let row = try await CoordinatedPlanService.markResponsibilityDone(try req.idParameter(), by: try req.currentUser, on: req.db)
        let back = SiteURL.safeReturnPath(FormValues(request: req)["return"]) ?? SiteURL.coordinatedPlan(row.offerID).path
        return req.redirect(to: back)
    }

    // MARK: Patient contract follow-up

    private func renderContract(_ req: Request, contract: PatientContract, values: FormValues, errors: FormErrors, notice: String?,
                                status: HTTPResponseStatus = .ok) async throws -> Response {
        var form = FormBuilder(req, values: values, errors: errors)
        form.choice("result", "sip.field.result", PatientContractResult.self, prefix: "sip.result", radios: true)
        form.date("followedUpOn", "sip.field.followed_up_on")
        form.textarea("comment", "sip.field.comment", rows: 3, maxLength: 2000)
        let date = CalendarDate(contract.agreedOn).map { SwedishTime.formatDate($0, language: req.language.rawValue) } ?? contract.agreedOn
        return try await req.renderForm(titleKey: "sip.contract_follow_up_title", titleArguments: [date], form: form,
                                        action: SiteURL.patientContract(try contract.requireID()).path, version: contract.version,
                                        introText: req.t("sip.contract_follow_up_intro", contract.agreed), notice: notice,
                                        backHref: SiteURL.recipientPlans(contract.recipientID).path, backKey: "sip.back", status: status)
    }

    @Sendable func contractForm(req: Request) async throws -> Response {
        let user = try req.currentUser
        let contract = try await PatientContract.find(try req.idParameter(), in: user.organisationID, on: req.db)
        _ = try await CaregiverAccess.recipient(contract.recipientID, for: user, on: req.db)
        try await req.logAccess(recordType: .careRecipient, recordID: contract.recipientID)
        return try await renderContract(req, contract: contract, values: FormValues([("followedUpOn", CalendarDate.today().iso)]),
                                        errors: .none, notice: nil)
    }

    @Sendable func saveContractFollowUp(req: Request) async throws -> Response {
        let user = try req.currentUser
        let id = try req.idParameter()
        return try await req.submitForm(render: { values, errors, notice, status in
            let contract = try await PatientContract.find(id, in: user.organisationID, on: req.db)
            _ = try await CaregiverAccess.recipient(contract.recipientID, for: user, on: req.db)
            return try await renderContract(req, contract: contract, values: values, errors: errors, notice: notice, status: status)
        }, save: { values in
            let contract = try await CoordinatedPlanService.followUpContract(
                id, ContractFollowUpInput(result: values["result"], followedUpOn: values["followedUpOn"], comment: values["comment"],
                                          version: values.int("version") ?? -1), by: user, on: req.db)
            return req.redirect(to: SiteURL.recipientPlans(contract.recipientID).path)
        })
    }

    @Sendable func taskDone(req: Request) async throws -> Response {
        try await RecipientTaskService.markDone(try req.idParameter(), by: try req.currentUser, on: req.db)
        let back = SiteURL.safeReturnPath(FormValues(request: req)["return"]) ?? SiteURL.caregiverWorklist.path
        return req.redirect(to: back)
    }
}
