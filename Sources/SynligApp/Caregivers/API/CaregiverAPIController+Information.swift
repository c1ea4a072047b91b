import Fluent
import SynligCore
import Vapor

extension InformationInput: StrictJSONBody {}

/// Keeping consent and information current in `/api/v1`: information given, the next occasion,
/// children in the household and a stance reviewed unchanged. Reads are logged like the record's.
extension CaregiverAPIController {
    func bootInformation(_ readers: any RoutesBuilder, caregiver: any RoutesBuilder, relationship: any RoutesBuilder) {
        readers.get("caregivers", ":id", "information", use: listInformation)
        caregiver.post("caregivers", ":id", "information", use: recordInformation)
        caregiver.put("caregivers", ":id", "information-schedule", use: scheduleInformation)
        readers.get("caregivers", ":id", "children", use: getChildren)
        caregiver.put("caregivers", ":id", "children", use: saveChildren)
        relationship.post("relationships", ":id", "consent-reviews", use: reviewConsent)
    }

    /// Newest first, with the next occasion planned.
    @Sendable func listInformation(req: Request) async throws -> API.InformationHistoryOut {
        let (user, id) = try await readCaregiver(req)
        let entries = try await CaregiverInformation.scoped(to: user.organisationID, on: req.db).filter(\.$caregiverID == id)
            .sort(\.$givenOn, .descending).sort(\.$createdAt, .descending).all()
        let next = try await CaregiverTask.scoped(to: user.organisationID, on: req.db).filter(\.$caregiverID == id)
            .filter(\.$kind == .informationDue).filter(\.$open == true).first()
        return API.InformationHistoryOut(caregiverId: id, nextOn: next?.dueOn, entries: try entries.map(API.InformationOut.init))
    }

    /// 422 when the category is not covered by the relationship's consent today.
    @Sendable func recordInformation(req: Request) async throws -> Response {
        let id = try req.idParameter()
        let input = try req.decodeStrict(InformationInput.self)
        let entry = try await Self.apiFields {
            try await InformationService.record(caregiverID: id, input, by: try req.currentUser, on: req.db)
        }
        return try await API.InformationOut(entry).encodeResponse(status: .created, for: req)
    }

    @Sendable func scheduleInformation(req: Request) async throws -> API.InformationScheduleOut {
        let id = try req.idParameter()
        let body = try req.decodeStrict(API.InformationSchedule.self)
        let nextOn = try await Self.apiFields {
            try await InformationService.scheduleNext(caregiverID: id, nextOn: body.nextOn, by: try req.currentUser, on: req.db)
        }
        return API.InformationScheduleOut(caregiverId: id, nextOn: nextOn.iso)
    }

    @Sendable func getChildren(req: Request) async throws -> API.ChildrenOut {
        let (user, id) = try await readCaregiver(req)
        return try API.ChildrenOut(try await Caregiver.find(id, in: user.organisationID, on: req.db))
    }

    /// `version` is the caregiver's; a stale one is refused with 409.
    @Sendable func saveChildren(req: Request) async throws -> API.ChildrenOut {
        let id = try req.idParameter()
        let body = try req.decodeStrict(API.ChildrenIn.self)
        let caregiver = try await Self.apiFields {
            try await InformationService.saveChildren(caregiverID: id, ChildrenInput(situation: body.situation, count: body.count.map(String.init),
                                                                                     version: body.version), by: try req.currentUser, on: req.db)
        }
        return try API.ChildrenOut(caregiver)
    }

    /// The stance confirmed unchanged: a new dated entry; the review task moves on.
    @Sendable func reviewConsent(req: Request) async throws -> Response {
        let id = try req.idParameter()
        let body = try req.decodeStrict(API.ConsentReviewIn.self)
        let record = try await Self.apiFields {
            try await ConsentService.confirmUnchanged(relationshipID: id, sequence: body.sequence, by: try req.currentUser, on: req.db)
        }
        return try await API.ConsentOut(record).encodeResponse(status: .created, for: req)
    }
}

extension API {
    struct InformationOut: Content {
        var id: UUID
        var caregiverId: UUID
        var relationshipId: UUID?
        var scope: InformationScope
        var topic: InformationTopic
        var topicText: String
        var givenOn: String
        var givenByUserId: UUID
        var createdAt: Date?

        init(_ entry: CaregiverInformation) throws {
            id = try entry.requireID()
            caregiverId = entry.caregiverID
            relationshipId = entry.relationshipID
            scope = entry.scope
            topic = entry.topic
            topicText = entry.topicText
            givenOn = entry.givenOn
            givenByUserId = entry.givenBy
            createdAt = entry.createdAt
        }
    }

    struct InformationHistoryOut: Content {
        var caregiverId: UUID
        var nextOn: String?
        var entries: [InformationOut]
    }

    struct InformationSchedule: StrictJSONBody {
        var nextOn: String?
    }

    struct InformationScheduleOut: Content {
        var caregiverId: UUID
        var nextOn: String
    }

    struct ChildrenIn: StrictJSONBody {
        var situation: String?
        var count: Int?
        var version: Int?
    }

    struct ChildrenOut: Content {
        var caregiverId: UUID
        var situation: ChildrenInHousehold
        var count: Int?
        var version: Int

        init(_ caregiver: Caregiver) throws {
            caregiverId = try caregiver.requireID()
            situation = caregiver.childrenInHousehold
            count = caregiver.childrenCount
            version = caregiver.version
        }
    }

    struct ConsentReviewIn: StrictJSONBody {
        /// The latest entry's `sequence` as the reviewer saw it.
        var sequence: Int?
    }
}
