import Fluent
import SynligCore
import Vapor

/// `/api/v1` for SIP offered, held and followed. A thin layer over `CoordinatedPlanService`;
/// who may see whom is `CaregiverAccess`'s, and every answer that shows the person's record
/// (the list, a SIP with its history) is written to the access log.
struct CoordinatedPlanAPIController: APIRouteCollection {
    func boot(api: APIRoutes) throws {
        let readers = api.recordReaders(CaregiverAccess.readers)
        readers.get("recipients", ":id", "coordinated-plans", use: list)
        // Writes with a body: the record first (404), then the body.
        let recipient = readers.naming(CaregiverAccess.recipient)
        let plan = readers.naming(CoordinatedPlanOffer.self)
        recipient.post("recipients", ":id", "discharges", use: recordDischarge)
        recipient.post("recipients", ":id", "coordinated-plans", use: offer)
        plan.post("coordinated-plans", ":id", "outcomes", use: recordOutcome)
        plan.post("coordinated-plans", ":id", "responsibilities", use: addResponsibility)
        readers.post("responsibilities", ":id", "done", use: responsibilityDone)
        recipient.post("recipients", ":id", "patient-contracts", use: addContract)
        readers.naming(PatientContract.self).post("patient-contracts", ":id", "follow-up", use: followUpContract)
        readers.get("recipient-tasks", use: tasks)
        readers.post("recipient-tasks", ":id", "done", use: taskDone)
    }

    @Sendable func list(req: Request) async throws -> API.CoordinatedPlansOut {
        let user = try req.currentUser
        let recipient = try await CaregiverAccess.recipient(try req.idParameter(), for: user, on: req.db)
        let id = try recipient.requireID()
        try await req.logAccess(recordType: .careRecipient, recordID: id)
        let org = user.organisationID
        let offers = try await CoordinatedPlanOffer.scoped(to: org, on: req.db).filter(\.$recipientID == id)
            .sort(\.$offeredOn, .descending).sort(\.$createdAt, .descending).all()
        let outcomes = try await CoordinatedPlanOutcomeEntry.scoped(to: org, on: req.db).filter(\.$recipientID == id).sort(\.$sequence).all()
        let rows = try await CoordinatedPlanResponsibility.scoped(to: org, on: req.db).filter(\.$recipientID == id)
            .sort(\.$dueOn).sort(\.$createdAt).all()
        return API.CoordinatedPlansOut(
            recipientId: id,
            discharges: try await InpatientDischarge.scoped(to: org, on: req.db).filter(\.$recipientID == id)
                .sort(\.$dischargedOn, .descending).all().map(API.DischargeOut.init),
            plans: try offers.map { offer in
                try API.PlanOfferOut(offer, outcomes: outcomes.filter { $0.offerID == offer.id }, responsibilities: rows.filter { $0.offerID == offer.id })
            },
            patientContracts: try await PatientContract.scoped(to: org, on: req.db).filter(\.$recipientID == id)
                .sort(\.$agreedOn, .descending).all().map(API.PatientContractOut.init),
            openTasks: try await RecipientTask.scoped(to: org, on: req.db).filter(\.$recipientID == id).filter(\.$open == true)
                .sort(\.$dueOn).all().map(API.RecipientTaskOut.init))
    }

    @Sendable func recordDischarge(req: Request) async throws -> Response {
        let id = try req.idParameter()
        let body = try req.decodeStrict(DischargeInput.self)
        let discharge = try await CoordinatedPlanService.recordDischarge(recipientID: id, body, by: try req.currentUser, on: req.db)
        return try await API.DischargeOut(discharge).encodeResponse(status: .created, for: req)
    }

    @Sendable func offer(req: Request) async throws -> Response {
        let id = try req.idParameter()
        let body = try req.decodeStrict(PlanOfferInput.self)
        let offer = try await CoordinatedPlanService.offer(recipientID: id, body, by: try req.currentUser, on: req.db)
        return try await API.PlanOfferOut(offer, outcomes: [], responsibilities: []).encodeResponse(status: .created, for: req)
    }

    /// Adds to the outcome history; `version` (or `If-Match`) guards against a colleague's outcome recorded meanwhile.
    @Sendable func recordOutcome(req: Request) async throws -> Response {
        let user = try req.currentUser
        let id = try req.idParameter()
        var body = try req.decodeStrict(PlanOutcomeInput.self)
        let edit = try EditPrecondition.of(req, bodyVersion: body.version)
        body.version = edit.version
        let offer = try await edit.run { try await CoordinatedPlanService.recordOutcome(offerID: id, body, by: user, on: req.db) }
        // The answer carries the whole history, more than the client sent: a read.
        try await req.logAccess(recordType: .careRecipient, recordID: offer.recipientID)
        let outcomes = try await CoordinatedPlanOutcomeEntry.query(on: req.db).filter(\.$offerID == id).sort(\.$sequence).all()
        let rows = try await CoordinatedPlanResponsibility.query(on: req.db).filter(\.$offerID == id).sort(\.$dueOn).all()
        return try await versioned(try API.PlanOfferOut(offer, outcomes: outcomes, responsibilities: rows), version: offer.version,
                                   req: req, status: .created)
    }

    @Sendable func addResponsibility(req: Request) async throws -> Response {
        let id = try req.idParameter()
        let body = try req.decodeStrict(ResponsibilityInput.self)
        let row = try await CoordinatedPlanService.addResponsibility(offerID: id, body, by: try req.currentUser, on: req.db)
        return try await API.ResponsibilityOut(row).encodeResponse(status: .created, for: req)
    }

    @Sendable func responsibilityDone(req: Request) async throws -> API.ResponsibilityOut {
        try API.ResponsibilityOut(try await CoordinatedPlanService.markResponsibilityDone(try req.idParameter(), by: try req.currentUser, on: req.db))
    }

    @Sendable func addContract(req: Request) async throws -> Response {
        let id = try req.idParameter()
        let body = try req.decodeStrict(PatientContractInput.self)
        let contract = try await CoordinatedPlanService.addPatientContract(recipientID: id, body, by: try req.currentUser, on: req.db)
        return try await API.PatientContractOut(contract).encodeResponse(status: .created, for: req)
    }

    @Sendable func followUpContract(req: Request) async throws -> Response {
        let user = try req.currentUser
        let id = try req.idParameter()
        var body = try req.decodeStrict(ContractFollowUpInput.self)
        let edit = try EditPrecondition.of(req, bodyVersion: body.version)
        body.version = edit.version
        let contract = try await edit.run { try await CoordinatedPlanService.followUpContract(id, body, by: user, on: req.db) }
        return try await versioned(try API.PatientContractOut(contract), version: contract.version, req: req)
    }

    /// The signed-in user's open tasks about people cared for, soonest due first.
    @Sendable func tasks(req: Request) async throws -> API.RecipientTasksOut {
        let user = try req.currentUser
        let tasks = try await RecipientTaskService.openTasks(for: user, on: req.db).sort(\.$dueOn).sort(\.$id).limit(500).all()
        return API.RecipientTasksOut(items: try tasks.map(API.RecipientTaskOut.init))
    }

    @Sendable func taskDone(req: Request) async throws -> HTTPStatus {
        try await RecipientTaskService.markDone(try req.idParameter(), by: try req.currentUser, on: req.db)
        return .noContent
    }
}
