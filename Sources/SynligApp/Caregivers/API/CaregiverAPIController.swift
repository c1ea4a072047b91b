import Fluent
import SynligCore
import Vapor

/// `/api/v1` for the caregiver record. A thin layer: the rules live in `CaregiverService`,
/// `ConsentService`, `FollowUpService` and `CaregiverTaskService`, who may see whom in
/// `CaregiverAccess`. Consultants see the whole organisation; case officers and staff the
/// people linked to their units; anyone else is refused (403), and a person the reader may
/// not see is simply not found (404). Every read of one caregiver's or recipient's record —
/// the record itself, any list under it, the FHIR export — is written to the access log;
/// lists and searches are not, and never carry a personnummer.
struct CaregiverAPIController: APIRouteCollection {
    func boot(api: APIRoutes) throws {
        let readers = api.recordReaders(CaregiverAccess.readers)
        // Writes to a record: the record first (404, 403), then the body.
        let caregiver = readers.naming(CaregiverAccess.caregiver)
        let recipient = readers.naming(CaregiverAccess.recipient)
        let relationship = readers.naming(CaregiverAccess.relationship)
        let lifters = readers.naming(CaregiverAccess.restrictionToLift)

        readers.get("caregivers", use: listCaregivers)
        readers.post("caregivers", use: createCaregiver)
        api.recordReaders(SupportService.editors.intersection(CaregiverAccess.readers)).naming(ContactRequest.self)
            .post("contact-requests", ":id", "caregiver", use: registerFromContactRequest)
        readers.post("caregivers", "search", use: searchCaregivers)
        readers.get("caregivers", ":id", use: getCaregiver)
        caregiver.put("caregivers", ":id", use: updateCaregiver)
        readers.get("caregivers", ":id", "fhir", use: fhirExport)

        readers.get("recipients", use: listRecipients)
        readers.post("recipients", use: createRecipient)
        readers.get("recipients", ":id", use: getRecipient)
        recipient.put("recipients", ":id", use: updateRecipient)

        caregiver.post("caregivers", ":id", "relationships", use: addRelationship)
        relationship.put("relationships", ":id", use: updateRelationship)
        readers.get("relationships", ":id", "consents", use: consentHistory)
        relationship.post("relationships", ":id", "consents", use: recordConsent)
        relationship.post("relationships", ":id", "restrictions", use: restrict)
        lifters.post("restrictions", ":id", "lift", use: liftRestriction)
        lifters.post("restrictions", ":id", "review", use: reviewRestriction)
        relationship.post("relationships", ":id", "invitations", use: invite)
        readers.naming(CaregiverAccess.invitation).post("invitations", ":id", "attendance", use: recordAttendance)

        bootFollowUps(readers, caregiver: caregiver)
        bootInformation(readers, caregiver: caregiver, relationship: relationship)
    }

    // MARK: Caregivers

    /// A page of the caregivers the reader may see, by name. `q` finds a part of a name; a
    /// personnummer is searched with `POST caregivers/search`, so it never sits in a URL.
    @Sendable func listCaregivers(req: Request) async throws -> API.Page<API.CaregiverSummary> {
        // Names and numbers are personal data and stay out of URLs: search with POST caregivers/search.
        let q: String? = nil
        if req.query[String.self, at: "q"] != nil { throw SynligError(.badRequest, "api.caregiver.number_in_url") }
        let (page, per) = try Pagination.api(req)
        return try await search(q, page: page, per: per, req: req)
    }

    /// The same search with the query in the body: a part of a name, or an exact personnummer
    /// or samordningsnummer.
    @Sendable func searchCaregivers(req: Request) async throws -> API.Page<API.CaregiverSummary> {
        let body = try req.decodeStrict(API.CaregiverSearch.self)
        let (page, per) = try Pagination.checked(page: body.page, per: body.per)
        return try await search(body.q, page: page, per: per, req: req)
    }

    private func search(_ q: String?, page: Int, per: Int, req: Request) async throws -> API.Page<API.CaregiverSummary> {
        let (rows, total) = try await CaregiverService.search(q, for: try req.currentUser, limit: per, offset: (page - 1) * per, on: req.db)
        return API.Page(items: try rows.map(API.CaregiverSummary.init), page: page, per: per, total: total)
    }

    @Sendable func createCaregiver(req: Request) async throws -> Response {
        let body = try req.decodeStrict(API.CaregiverFields.self)
        let user = try req.currentUser
        let caregiver = try await Self.apiFields {
            try await CaregiverService.save(nil, body.input(version: nil), by: user, on: req.db)
        }
        return try await caregiverResponse(caregiver, req: req, status: .created)
    }

    /// Turns a contact request from the public pages into a caregiver record in one step: the
    /// record is registered and the request closed in the same transaction (consultants).
    @Sendable func registerFromContactRequest(req: Request) async throws -> Response {
        let requestID = try req.idParameter()
        let body = try req.decodeStrict(API.CaregiverFields.self)
        let user = try req.currentUser
        guard user.hasAny(SupportService.editors) else { throw SynligError.forbidden }
        let caregiver = try await Self.apiFields {
            try await CaregiverService.save(nil, body.input(version: nil), by: user, on: req.db,
                                            closingContactRequest: (requestID, req.t("caregiver.request_closed_reason")))
        }
        return try await caregiverResponse(caregiver, req: req, status: .created)
    }

    @Sendable func getCaregiver(req: Request) async throws -> Response {
        let user = try req.currentUser
        let caregiver = try await CaregiverAccess.caregiver(try req.idParameter(), for: user, on: req.db)
        return try await caregiverResponse(caregiver, req: req, logRead: true)
    }

    @Sendable func updateCaregiver(req: Request) async throws -> Response {
        let user = try req.currentUser
        let id = try req.idParameter()
        let body = try req.decodeStrict(API.Edit<API.CaregiverFields>.self)
        let edit = try EditPrecondition.of(req, bodyVersion: body.version)
        // A client only ever reads the number masked: left out of the body, the stored one stays.
        let stored = body.fields.namesPersonalIdentityNumber ? nil
            : try await CaregiverAccess.caregiver(id, for: user, on: req.db).personalIdentityNumber
        let caregiver = try await edit.run {
            try await Self.apiFields {
                try await CaregiverService.save(id, body.fields.input(version: edit.version, storedNumber: stored), by: user, on: req.db)
            }
        }
        // The answer is the whole record, more than the client sent: a read, logged as one.
        return try await caregiverResponse(caregiver, req: req, logRead: true)
    }

    /// The record as the API gives it. `logRead` for every answer that shows more than the
    /// client itself just sent (a read or an edit); a new record's answer echoes the sender's own input.
    func caregiverResponse(_ caregiver: Caregiver, req: Request, status: HTTPStatus = .ok, logRead: Bool = false) async throws -> Response {
        let user = try req.currentUser
        if logRead { try await req.logAccess(recordType: .caregiver, recordID: try caregiver.requireID()) }
        let relationships = try await CareRelationship.scoped(to: user.organisationID, on: req.db)
            .filter(\.$caregiverID == caregiver.requireID()).sort(\.$createdAt).sort(\.$id).all()
        let out = try await Self.relationshipsOut(relationships, user: user, on: req.db, hidingUnseen: true)
        return try await versioned(try API.CaregiverOut(caregiver, relationships: out), version: caregiver.version, req: req, status: status)
    }

    /// The caregiver as a FHIR R4 Bundle. A restriction does not stop it: it travels as a Flag.
    @Sendable func fhirExport(req: Request) async throws -> Response {
        try await CaregiverFHIRExport.response(caregiverID: try req.idParameter(), req: req)
    }

    // MARK: Care recipients

    /// A page of the people the reader may see, by name; no more than names in a list.
    @Sendable func listRecipients(req: Request) async throws -> API.Page<API.RecipientSummary> {
        let user = try req.currentUser
        let (page, per) = try Pagination.api(req)
        let query = try await CaregiverAccess.recipients(for: user, on: req.db)
        let total = try await query.copy().count()
        let rows = try await query.sort(\.$name).sort(\.$id).range((page - 1) * per ..< page * per).all()
        return API.Page(items: try rows.map(API.RecipientSummary.init), page: page, per: per, total: total)
    }

    @Sendable func createRecipient(req: Request) async throws -> Response {
        let body = try req.decodeStrict(API.RecipientFields.self)
        let user = try req.currentUser
        let recipient = try await Self.apiFields {
            try await CaregiverService.saveRecipient(nil, body.input(version: nil), by: user, on: req.db)
        }
        return try await recipientResponse(recipient, req: req, status: .created)
    }

    @Sendable func getRecipient(req: Request) async throws -> Response {
        let user = try req.currentUser
        let recipient = try await CaregiverAccess.recipient(try req.idParameter(), for: user, on: req.db)
        return try await recipientResponse(recipient, req: req, logRead: true)
    }

    @Sendable func updateRecipient(req: Request) async throws -> Response {
        let user = try req.currentUser
        let id = try req.idParameter()
        let body = try req.decodeStrict(API.Edit<API.RecipientFields>.self)
        let edit = try EditPrecondition.of(req, bodyVersion: body.version)
        let recipient = try await edit.run {
            try await Self.apiFields {
                try await CaregiverService.saveRecipient(id, body.fields.input(version: edit.version), by: user, on: req.db)
            }
        }
        return try await recipientResponse(recipient, req: req, logRead: true)
    }

    /// The person cared for, with the caregivers the reader may see; with `logRead`, the person
    /// and each caregiver listed are logged as read.
    private func recipientResponse(_ recipient: CareRecipient, req: Request, status: HTTPStatus = .ok, logRead: Bool = false) async throws -> Response {
        let user = try req.currentUser
        let id = try recipient.requireID()
        if logRead { try await req.logAccess(recordType: .careRecipient, recordID: id) }
        let units = try await CareRecipientUnit.query(on: req.db).filter(\.$organisationID == user.organisationID)
            .filter(\.$recipientID == id).all(\.$unitID).sorted { $0.uuidString < $1.uuidString }
        let relationships = try await CareRelationship.scoped(to: user.organisationID, on: req.db).filter(\.$recipientID == id)
            .sort(\.$createdAt).sort(\.$id).all()
        let caregiverIDs = relationships.map(\.caregiverID)
        let visible = caregiverIDs.isEmpty ? [] : try await CaregiverAccess.caregivers(for: user, on: req.db)
            .filter(\.$id ~~ caregiverIDs).all()
        var caregivers: [API.RecipientCaregiverOut] = []
        for relationship in relationships {
            guard let caregiver = visible.first(where: { $0.id == relationship.caregiverID }) else { continue }
            let permission = try await CaregiverAccess.permission(for: relationship, on: req.db)
            if logRead { try await req.logAccess(recordType: .caregiver, recordID: relationship.caregiverID) }
            caregivers.append(API.RecipientCaregiverOut(
                relationshipId: try relationship.requireID(), caregiverId: relationship.caregiverID, caregiverName: caregiver.name,
                relation: relationship.relation, restricted: permission.restricted, mayInvite: permission.mayInvite))
        }
        let body = try API.RecipientOut(recipient, unitIds: units, caregivers: caregivers)
        return try await versioned(body, version: recipient.version, req: req, status: status)
    }

    // MARK: Relationships

    @Sendable func addRelationship(req: Request) async throws -> Response {
        let user = try req.currentUser
        let caregiverID = try req.idParameter()
        let body = try req.decodeStrict(API.RelationshipCreate.self)
        let relationship = try await Self.apiFields {
            try await CaregiverService.saveRelationship(nil, caregiverID: caregiverID, recipientID: body.recipientId,
                                                        body.fields.input(version: nil), by: user, on: req.db)
        }
        return try await relationshipResponse(relationship, req: req, status: .created)
    }

    @Sendable func updateRelationship(req: Request) async throws -> Response {
        let user = try req.currentUser
        let id = try req.idParameter()
        let body = try req.decodeStrict(API.Edit<API.RelationshipFields>.self)
        let edit = try EditPrecondition.of(req, bodyVersion: body.version)
        let relationship = try await edit.run {
            try await Self.apiFields {
                try await CaregiverService.saveRelationship(id, caregiverID: nil, recipientID: nil,
                                                            body.fields.input(version: edit.version), by: user, on: req.db)
            }
        }
        return try await relationshipResponse(relationship, req: req)
    }

    private func relationshipResponse(_ relationship: CareRelationship, req: Request, status: HTTPStatus = .ok) async throws -> Response {
        let out = try await Self.relationshipsOut([relationship], user: try req.currentUser, on: req.db, hidingUnseen: false)
        guard let body = out.first else { throw SynligError.notFound }
        return try await versioned(body, version: relationship.version, req: req, status: status)
    }

    /// The relationships with what may be shared today. In a caregiver's record a relationship
    /// to someone outside the reader's units is left out (`hidingUnseen`); the answer to a
    /// change the reader just made keeps it, without the other person's name.
    static func relationshipsOut(_ relationships: [CareRelationship], user: CurrentUser, on db: any Database,
                                 hidingUnseen: Bool, today: CalendarDate = .today()) async throws -> [API.RelationshipOut] {
        guard !relationships.isEmpty else { return [] }
        let recipientIDs = relationships.map(\.recipientID)
        let recipients = try await CaregiverAccess.recipients(for: user, on: db).filter(\.$id ~~ recipientIDs).all()
        let ids = try relationships.map { try $0.requireID() }
        let restrictions = try await InvolvementRestriction.scoped(to: user.organisationID, on: db)
            .filter(\.$relationshipID ~~ ids).filter(\.$liftedAt == nil).all()
        let invitations = try await MeetingInvitation.scoped(to: user.organisationID, on: db).filter(\.$relationshipID ~~ ids)
            .sort(\.$meetingOn, .descending).sort(\.$createdAt, .descending).all()
        let states = try await RelationshipHistory.states(of: ids, organisationID: user.organisationID, on: db)
        var out: [API.RelationshipOut] = []
        for relationship in relationships {
            let recipient = recipients.first { $0.id == relationship.recipientID }
            if recipient == nil, hidingUnseen { continue }
            let id = try relationship.requireID()
            let permission = try await CaregiverAccess.permission(for: relationship, on: db, today: today)
            out.append(API.RelationshipOut(
                id: id, caregiverId: relationship.caregiverID, recipientId: relationship.recipientID, recipientName: recipient?.name,
                relation: relationship.relation, livesTogether: relationship.livesTogether, since: relationship.since,
                hoursBand: relationship.hoursBand, tasks: relationship.tasks.sorted { $0.rawValue < $1.rawValue },
                coordinatedContacts: relationship.coordinatedContacts, carriesCoordination: relationship.carriesCoordination,
                coordinationSignal: relationship.coordinationSignal, consent: API.ConsentStateOut(permission.consent),
                restricted: permission.restricted,
                activeRestriction: try restrictions.first { $0.relationshipID == id }.map(API.RestrictionOut.init),
                mayInvite: permission.mayInvite, mayInformAboutCare: permission.mayInformAboutCare,
                invitations: try invitations.filter { $0.relationshipID == id }.map(API.InvitationOut.init),
                history: states.filter { $0.relationshipID == id }.map(API.RelationshipStateOut.init),
                version: relationship.version, createdAt: relationship.createdAt))
        }
        return out
    }

    // MARK: Consent, restrictions, invitations

    /// A relationship's consent history is part of the caregiver's record: its read is logged.
    @Sendable func consentHistory(req: Request) async throws -> API.ConsentHistoryOut {
        let user = try req.currentUser
        let relationship = try await CaregiverAccess.relationship(try req.idParameter(), for: user, on: req.db)
        let id = try relationship.requireID()
        try await req.logAccess(recordType: .caregiver, recordID: relationship.caregiverID)
        let permission = try await CaregiverAccess.permission(for: relationship, on: req.db)
        let entries = try await ConsentRecord.scoped(to: user.organisationID, on: req.db).filter(\.$relationshipID == id)
            .sort(\.$sequence, .descending).all()
        return API.ConsentHistoryOut(relationshipId: id, consent: API.ConsentStateOut(permission.consent), restricted: permission.restricted,
                                     mayInvite: permission.mayInvite, mayInformAboutCare: permission.mayInformAboutCare,
                                     entries: try entries.map(API.ConsentOut.init))
    }

    @Sendable func recordConsent(req: Request) async throws -> Response {
        let id = try req.idParameter()
        let input = try req.decodeStrict(ConsentInput.self)
        let record = try await Self.apiFields {
            try await ConsentService.record(relationshipID: id, input, by: try req.currentUser, on: req.db)
        }
        return try await API.ConsentOut(record).encodeResponse(status: .created, for: req)
    }

    @Sendable func restrict(req: Request) async throws -> Response {
        let id = try req.idParameter()
        let input = try req.decodeStrict(RestrictionInput.self)
        let restriction = try await Self.apiFields {
            try await ConsentService.restrict(relationshipID: id, input, by: try req.currentUser, on: req.db)
        }
        return try await API.RestrictionOut(restriction).encodeResponse(status: .created, for: req)
    }

    /// Only consultants and case officers lift a restriction (403 for others), with a reason.
    @Sendable func liftRestriction(req: Request) async throws -> API.RestrictionOut {
        let user = try req.currentUser
        let id = try req.idParameter()
        let body = try req.decodeStrict(API.RestrictionLift.self)
        try await Self.apiFields { try await ConsentService.lift(restrictionID: id, reason: body.reason, by: user, on: req.db) }
        return try API.RestrictionOut(try await InvolvementRestriction.find(id, in: user.organisationID, on: req.db))
    }

    /// Keeps a restriction at its review, until a new review date (consultants and case officers).
    @Sendable func reviewRestriction(req: Request) async throws -> API.RestrictionOut {
        let user = try req.currentUser
        let id = try req.idParameter()
        let body = try req.decodeStrict(API.RestrictionReview.self)
        try await Self.apiFields { try await ConsentService.review(restrictionID: id, reviewOn: body.reviewOn, by: user, on: req.db) }
        return try API.RestrictionOut(try await InvolvementRestriction.find(id, in: user.organisationID, on: req.db))
    }

    /// 409 while a restriction is in force or without consent to planning and meetings.
    @Sendable func invite(req: Request) async throws -> Response {
        let id = try req.idParameter()
        let body = try req.decodeStrict(API.InvitationCreate.self)
        let invitation = try await Self.apiFields {
            try await ConsentService.invite(relationshipID: id, InvitationInput(kind: body.kind, meetingOn: body.meetingOn),
                                            by: try req.currentUser, on: req.db)
        }
        return try await API.InvitationOut(invitation).encodeResponse(status: .created, for: req)
    }

    @Sendable func recordAttendance(req: Request) async throws -> API.InvitationOut {
        let user = try req.currentUser
        let id = try req.idParameter()
        let body = try req.decodeStrict(API.AttendanceUpdate.self)
        try await Self.apiFields {
            try await ConsentService.recordAttendance(invitationID: id, attendance: body.attendance, by: user, on: req.db)
        }
        return try API.InvitationOut(try await MeetingInvitation.find(id, in: user.organisationID, on: req.db))
    }

    // MARK: Helpers

    /// The services' form field names that differ from the JSON names.
    static let fieldNames: [String: String] = [
        "liftReason": "reason",
        "meetingKind": "kind", "instrument": "instrumentId", "feedbackKind": "kind",
        "feedbackStatus": "status", "memo": "text",
    ]

    static func apiFields<T>(_ work: () async throws -> T) async throws -> T {
        try await renamingFieldProblems({ name in
            fieldNames[name] ?? (name.hasPrefix("item-") ? "answers." + name.dropFirst("item-".count) : nil)
        }, work)
    }
}
