import Fluent
import SynligCore
import Vapor

/// `/api/v1` for the support catalogue and the contact-request inbox. A thin layer: the rules
/// live in `SupportService` and `ContactRequestService`. Only those who keep the catalogue
/// (administrators, strategists, consultants) get in; records of other organisations are not
/// found (404). The public, published catalogue is the open-data endpoint, not this.
struct SupportAPIController: APIRouteCollection {
    func boot(api: APIRoutes) throws {
        let editors = api.signedIn.grouped(RequireRole(roles: SupportService.editors))

        editors.get("support-offerings", use: listOfferings)
        editors.post("support-offerings", use: createOffering)
        editors.get("support-offerings", ":id", use: getOffering)
        editors.naming(SupportOffering.self).put("support-offerings", ":id", use: updateOffering)

        editors.get("civil-society-organisations", use: listCivilSociety)
        editors.post("civil-society-organisations", use: createCivilSociety)

        // Contact requests hold personal data: a strong sign-in when the organisation asks for one.
        let inbox = api.recordReaders(SupportService.editors)
        inbox.get("contact-requests", use: listContactRequests)
        inbox.get("contact-requests", ":id", use: getContactRequest)
        inbox.naming(ContactRequest.self).post("contact-requests", ":id", "close", use: closeContactRequest)
    }

    // MARK: Offerings

    /// Every entry, drafts too, by name, each flagged when it has not been checked for six months.
    @Sendable func listOfferings(req: Request) async throws -> [API.OfferingOut] {
        let user = try req.currentUser
        let today = CalendarDate.today()
        return try await SupportOffering.scoped(to: user.organisationID, on: req.db).sort(\.$name).sort(\.$id).all()
            .map { try API.OfferingOut($0, today: today) }
    }

    @Sendable func createOffering(req: Request) async throws -> Response {
        let input = try req.decodeStrict(NewRecord<OfferingInput>.self).fields
        let offering = try await apiFields {
            try await SupportService.save(nil, input, by: try req.currentUser, on: req.db)
        }
        return try await versioned(try API.OfferingOut(offering), version: offering.version, req: req, status: .created)
    }

    @Sendable func getOffering(req: Request) async throws -> Response {
        let user = try req.currentUser
        let offering = try await SupportOffering.find(try req.idParameter(), in: user.organisationID, on: req.db)
        return try await versioned(try API.OfferingOut(offering), version: offering.version, req: req)
    }

    @Sendable func updateOffering(req: Request) async throws -> Response {
        let id = try req.idParameter()
        var input = try req.decodeStrict(OfferingInput.self)
        let precondition = try EditPrecondition.of(req, bodyVersion: input.version)
        input.version = precondition.version
        let offering = try await precondition.run {
            try await apiFields { try await SupportService.save(id, input, by: try req.currentUser, on: req.db) }
        }
        return try await versioned(try API.OfferingOut(offering), version: offering.version, req: req)
    }

    // MARK: Civil-society organisations

    @Sendable func listCivilSociety(req: Request) async throws -> [API.CivilSocietyOut] {
        let user = try req.currentUser
        return try await CivilSocietyOrganisation.scoped(to: user.organisationID, on: req.db).sort(\.$name).sort(\.$id).all()
            .map(API.CivilSocietyOut.init)
    }

    @Sendable func createCivilSociety(req: Request) async throws -> Response {
        let body = try req.decodeStrict(API.CivilSocietyCreate.self)
        let organisation = try await apiFields {
            try await SupportService.addCivilSociety(name: body.name, description: body.description, contact: body.contact,
                                                     stateGrant: body.stateGrant ?? false, cooperation: body.cooperation,
                                                     by: try req.currentUser, on: req.db)
        }
        return try await API.CivilSocietyOut(organisation).encodeResponse(status: .created, for: req)
    }

    // MARK: Contact requests

    /// The inbox, newest first, as the staff page shows it: no personal data in the list.
    @Sendable func listContactRequests(req: Request) async throws -> [API.ContactRequestSummary] {
        let user = try req.currentUser
        return try await ContactRequest.scoped(to: user.organisationID, on: req.db)
            .sort(\.$createdAt, .descending).sort(\.$id).limit(200).all()
            .map(API.ContactRequestSummary.init)
    }

    /// Opening a request reads a person's data, so it is logged.
    @Sendable func getContactRequest(req: Request) async throws -> API.ContactRequestOut {
        let user = try req.currentUser
        let request = try await ContactRequest.find(try req.idParameter(), in: user.organisationID, on: req.db)
        try await req.logAccess(recordType: .contactRequest, recordID: try request.requireID())
        return try API.ContactRequestOut(request)
    }

    /// Closes an open request with a reason; answers with the inbox entry, not the personal data.
    @Sendable func closeContactRequest(req: Request) async throws -> API.ContactRequestSummary {
        let user = try req.currentUser
        let id = try req.idParameter()
        let body = try req.decodeStrict(API.ContactRequestClose.self)
        try await ContactRequestService.close(id, reason: body.reason, by: user, on: req.db)
        return try API.ContactRequestSummary(try await ContactRequest.find(id, in: user.organisationID, on: req.db))
    }

    // MARK: Helpers

    /// The service names fields as the staff pages' forms do; API clients know them by the
    /// JSON names.
    static let fieldNames: [String: String] = [
        "csoName": "name", "csoDescription": "description", "csoContact": "contact",
        "csoCooperation": "cooperation",
    ]

    private func apiFields<T>(_ work: () async throws -> T) async throws -> T {
        try await renamingFieldProblems({ Self.fieldNames[$0] }, work)
    }
}
