import Fluent
import SynligCore
import Vapor

/// `/api/v1` for referrals between organisations. A thin layer over `ReferralService`; the
/// same roles as the pages (those who may edit caregivers), with a strong sign-in when the
/// organisation asks for one. Each side reads only its own table.
struct ReferralAPIController: APIRouteCollection {
    func boot(api: APIRoutes) throws {
        let handlers = api.recordReaders(ReferralService.handlers)
        handlers.naming(CaregiverAccess.caregiver).post("caregivers", ":id", "referrals", use: send)
        handlers.get("referrals", "sent", use: listSent)
        handlers.get("referrals", "received", use: listReceived)
        handlers.get("referrals", "received", ":id", use: getReceived)
        let received = handlers.naming(Referral.self)
        received.post("referrals", "received", ":id", "status", use: setStatus)
        received.post("referrals", "received", ":id", "caregiver", use: createCaregiver)
    }

    @Sendable func send(req: Request) async throws -> Response {
        let body = try req.decodeStrict(API.ReferralCreate.self)
        let sent = try await ReferralService.send(caregiverID: try req.idParameter(), body.input, by: try req.currentUser, on: req.db)
        return try await API.SentReferralOut(sent).encodeResponse(status: .created, for: req)
    }

    /// What this organisation sent about the caregivers the reader may see, newest first.
    @Sendable func listSent(req: Request) async throws -> [API.SentReferralOut] {
        try await ReferralService.sent(for: try req.currentUser, on: req.db).map { try API.SentReferralOut($0.0) }
    }

    @Sendable func listReceived(req: Request) async throws -> [API.ReceivedReferralSummary] {
        let user = try req.currentUser
        return try await Referral.scoped(to: user.organisationID, on: req.db).sort(\.$sentAt, .descending).sort(\.$id).limit(200).all()
            .map(API.ReceivedReferralSummary.init)
    }

    /// Reading a referral reads a person's data: logged, and the first read marks it received.
    @Sendable func getReceived(req: Request) async throws -> Response {
        let referral = try await ReferralService.open(try req.idParameter(), by: try req.currentUser, on: req.db)
        try await req.logAccess(recordType: .referral, recordID: try referral.requireID())
        return try await versioned(try API.ReceivedReferralOut(referral), version: referral.version, req: req)
    }

    @Sendable func setStatus(req: Request) async throws -> Response {
        let id = try req.idParameter()
        let body = try req.decodeStrict(API.ReferralStatusChange.self)
        let precondition = try EditPrecondition.of(req, bodyVersion: body.version)
        let referral = try await precondition.run {
            try await ReferralService.setStatus(id, status: body.status, version: precondition.version, by: try req.currentUser, on: req.db)
        }
        return try await versioned(try API.ReceivedReferralOut(referral), version: referral.version, req: req)
    }

    /// The referral as a caregiver record in one step: what the body leaves out is taken from
    /// what the referral carries, the optional classifications stay "not stated".
    @Sendable func createCaregiver(req: Request) async throws -> Response {
        let id = try req.idParameter()
        let body = try req.decodeStrict(API.CaregiverFields.self)
        let user = try req.currentUser
        let referral = try await Referral.find(id, in: user.organisationID, on: req.db)
        let carried = ReferralService.prefill(referral)
        var input = body.input(version: nil)
        input.name = body.name ?? carried.name
        input.phone = body.phone ?? carried.phone
        input.email = body.email ?? carried.email
        input.preferredLanguage = body.preferredLanguage ?? carried.preferredLanguage
        let caregiver = try await CaregiverAPIController.apiFields {
            try await CaregiverService.save(nil, input, by: user, on: req.db, takingUpReferral: id)
        }
        return try await CaregiverAPIController().caregiverResponse(caregiver, req: req, status: .created)
    }
}
