import Fluent
import SynligCore
import Vapor

/// `/api/v1` for group support's occasions, sign-ups and attendance (`GroupSupportService`).
/// Those who work with caregivers' records get in, with strong sign-in: an attendance list names
/// caregivers, and each one it names is written to the access log. A caregiver the reader may
/// not see is left out of the list and counted.
struct GroupSupportAPIController: APIRouteCollection {
    func boot(api: APIRoutes) throws {
        let readers = api.recordReaders(CaregiverAccess.readers)
        readers.get("group-occasions", use: list)
        readers.post("group-occasions", use: create)
        readers.get("group-occasions", ":id", use: get)
        readers.naming(GroupOccasion.self).post("group-occasions", ":id", "sign-ups", use: signUp)
        readers.naming(GroupSignUp.self).put("group-sign-ups", ":id", "attendance", use: mark)
    }

    /// Occasions from `from` (default three months back) on, oldest first; no person.
    @Sendable func list(req: Request) async throws -> [API.GroupOccasionOut] {
        let user = try req.currentUser
        let from = try req.query[String.self, at: "from"].map { text -> CalendarDate in
            guard let date = CalendarDate(text) else { throw SynligError.invalid([.init(field: "from", messageKey: "input.invalid_date")]) }
            return date
        } ?? CalendarDate.today().addingMonths(-3)
        let occasions = try await GroupOccasion.scoped(to: user.organisationID, on: req.db).filter(\.$heldOn >= from.iso)
            .sort(\.$heldOn).sort(\.$startsAt).limit(1000).all()
        let counts = try await GroupSupportService.signUpCounts(occasions, organisationID: user.organisationID, on: req.db)
        return try occasions.map { try API.GroupOccasionOut($0, signedUp: counts[try $0.requireID()] ?? 0) }
    }

    @Sendable func create(req: Request) async throws -> Response {
        let body = try req.decodeStrict(API.GroupOccasionCreate.self)
        let occasion = try await GroupSupportService.createOccasion(
            OccasionInput(offeringId: body.offeringId?.uuidString, heldOn: body.heldOn, startsAt: body.startsAt),
            by: try req.currentUser, on: req.db)
        return try await API.GroupOccasionOut(occasion, signedUp: 0).encodeResponse(status: .created, for: req)
    }

    @Sendable func get(req: Request) async throws -> API.GroupOccasionDetail {
        let user = try req.currentUser
        let occasion = try await GroupOccasion.find(try req.idParameter(), in: user.organisationID, on: req.db)
        let signUps = try await GroupSignUp.scoped(to: user.organisationID, on: req.db).filter(\.$occasionID == occasion.requireID())
            .sort(\.$createdAt).all()
        let visible = signUps.isEmpty ? [] : try await CaregiverAccess.caregivers(for: user, on: req.db)
            .filter(\.$id ~~ signUps.map(\.caregiverID)).all()
        try await req.logAccess(recordType: .caregiver, recordIDs: try visible.map { try $0.requireID() })
        let shown = try signUps.compactMap { signUp in
            try visible.first { $0.id == signUp.caregiverID }.map { try API.GroupSignUpOut(signUp, caregiverName: $0.name) }
        }
        return API.GroupOccasionDetail(occasion: try API.GroupOccasionOut(occasion, signedUp: signUps.count), signUps: shown,
                                       notShown: signUps.count - shown.count)
    }

    @Sendable func signUp(req: Request) async throws -> Response {
        let user = try req.currentUser
        let occasion = try await GroupOccasion.find(try req.idParameter(), in: user.organisationID, on: req.db)
        let body = try req.decodeStrict(API.GroupSignUpCreate.self)
        let signUp = try await GroupSupportService.signUp(occasionID: try occasion.requireID(), caregiverID: body.caregiverId, by: user, on: req.db)
        let caregiver = try await CaregiverAccess.caregiver(signUp.caregiverID, for: user, on: req.db)
        return try await API.GroupSignUpOut(signUp, caregiverName: caregiver.name).encodeResponse(status: .created, for: req)
    }

    @Sendable func mark(req: Request) async throws -> API.GroupSignUpOut {
        let user = try req.currentUser
        let body = try req.decodeStrict(API.GroupAttendanceUpdate.self)
        let signUp = try await GroupSupportService.mark(signUpID: try req.idParameter(), attendance: body.attendance, by: user, on: req.db)
        let caregiver = try await CaregiverAccess.caregiver(signUp.caregiverID, for: user, on: req.db)
        return try API.GroupSignUpOut(signUp, caregiverName: caregiver.name)
    }
}

extension API {
    struct GroupOccasionCreate: StrictJSONBody {
        var offeringId: UUID?
        var heldOn: String?
        /// "HH:MM".
        var startsAt: String?
    }

    struct GroupOccasionOut: Content {
        var id: UUID
        var offeringId: UUID
        var heldOn: String
        var startsAt: String
        var signedUp: Int

        init(_ occasion: GroupOccasion, signedUp: Int) throws {
            id = try occasion.requireID()
            offeringId = occasion.offeringID
            heldOn = occasion.heldOn
            startsAt = occasion.startsAt
            self.signedUp = signedUp
        }
    }

    struct GroupOccasionDetail: Content {
        var occasion: GroupOccasionOut
        /// The sign-ups of caregivers the reader may see.
        var signUps: [GroupSignUpOut]
        /// Sign-ups of caregivers outside the reader's units, counted only.
        var notShown: Int
    }

    struct GroupSignUpCreate: StrictJSONBody {
        var caregiverId: UUID?
    }

    struct GroupAttendanceUpdate: StrictJSONBody {
        var attendance: String?
    }

    struct GroupSignUpOut: Content {
        var id: UUID
        var occasionId: UUID
        var caregiverId: UUID
        var caregiverName: String
        var attendance: GroupAttendance
        var createdAt: Date?

        init(_ signUp: GroupSignUp, caregiverName: String) throws {
            id = try signUp.requireID()
            occasionId = signUp.occasionID
            caregiverId = signUp.caregiverID
            self.caregiverName = caregiverName
            attendance = signUp.attendance
            createdAt = signUp.createdAt
        }
    }
}
