import Fluent
import SynligCore
import Vapor

/// `/api/v1` for the development plan: goals, their actions and follow-ups, and the routine
/// catalogue. The rules live in `PlanningService`; records of other organisations are not
/// found (404) because every read goes through the organisation-scoped helpers.
struct PlanAPIController: APIRouteCollection {
    func boot(api: APIRoutes) throws {
        let signedIn = api.signedIn
        let readers = signedIn.grouped(RequireRole(roles: MappingService.readers))
        let managers = signedIn.grouped(RequireRole(roles: MappingService.managers))

        readers.get("goals", use: listGoals)
        managers.post("goals", use: createGoal)
        readers.get("goals", ":id", use: getGoal)
        managers.naming(Goal.self).post("goals", ":id", "status", use: changeGoalStatus)
        managers.naming(Goal.self).post("goals", ":id", "actions", use: addAction)
        // Managers, or the action's owner / the goal's owner: the service's rule, before the body.
        signedIn.naming { try await PlanningService.changeableAction($0, by: $1, on: $2) }.put("actions", ":id", use: updateAction)
        signedIn.naming { try await PlanningService.followedUpGoal($0, by: $1, on: $2) }.post("goals", ":id", "follow-ups", use: addFollowUp)

        readers.get("routine-statuses", use: routineStatuses)
    }

    // MARK: Goals

    @Sendable func listGoals(req: Request) async throws -> [API.GoalSummary] {
        let user = try req.currentUser
        return try await Goal.scoped(to: user.organisationID, on: req.db).sort(\.$targetDate).sort(\.$id).all().map(API.GoalSummary.init)
    }

    @Sendable func createGoal(req: Request) async throws -> Response {
        let body = try req.decodeStrict(API.GoalCreate.self)
        let goal = try await apiFields {
            try await PlanningService.createGoal(GoalInput(
                title: body.title, description: body.description, unitID: body.unitId?.uuidString, targetDate: body.targetDate,
                ownerUserID: body.ownerUserId?.uuidString, followUpMonths: body.followUpMonths.map(String.init),
                itemKeys: body.itemKeys ?? [], sourceMappingID: body.sourceMappingId?.uuidString, status: nil, version: nil,
                indicator: body.indicator),
                by: try req.currentUser, on: req.db)
        }
        return try await goalResponse(goal, req: req, status: .created)
    }

    @Sendable func getGoal(req: Request) async throws -> Response {
        let user = try req.currentUser
        let goal = try await Goal.find(try req.idParameter(), in: user.organisationID, on: req.db)
        return try await goalResponse(goal, req: req)
    }

    @Sendable func changeGoalStatus(req: Request) async throws -> Response {
        let id = try req.idParameter()
        let body = try req.decodeStrict(API.GoalStatusChange.self)
        let goal = try await apiFields {
            try await PlanningService.updateGoalStatus(id, status: body.status, version: body.version, by: try req.currentUser, on: req.db)
        }
        return try await goalResponse(goal, req: req)
    }

    private func goalResponse(_ goal: Goal, req: Request, status: HTTPStatus = .ok) async throws -> Response {
        let id = try goal.requireID()
        let links = try await GoalLink.query(on: req.db).filter(\.$goalID == id).all().map(\.itemKey).sorted()
        let actions = try await PlanAction.scoped(to: goal.organisationID, on: req.db).filter(\.$goalID == id)
            .sort(\.$dueDate).sort(\.$id).all()
        let followUps = try await PlanFollowUp.query(on: req.db).filter(\.$goalID == id)
            .sort(\.$date, .descending).sort(\.$createdAt, .descending).all()
        let summary = try API.GoalSummary(goal)
        let measured = try await GoalIndicator.values(of: goal, on: req.db)
        let policy = SuppressionPolicy.standard
        let body = API.GoalOut(
            id: id, title: summary.title, description: goal.description, unitId: summary.unitId, targetDate: summary.targetDate,
            ownerUserId: summary.ownerUserId, status: summary.status, followUpMonths: summary.followUpMonths,
            nextFollowUp: summary.nextFollowUp, sourceMappingId: summary.sourceMappingId, version: summary.version,
            createdAt: summary.createdAt, itemKeys: links, actions: try actions.map(API.ActionOut.init),
            followUps: try followUps.map(API.FollowUpOut.init), indicator: goal.indicator,
            measured: (measured?.1 ?? []).map {
                API.MeasuredOut(year: $0.year, done: $0.value.done.map { API.PublishedCountOut($0, policy: policy) },
                                of: API.PublishedCountOut($0.value.of, policy: policy), share: $0.value.share)
            })
        return try await versioned(body, version: goal.version, req: req, status: status)
    }

    // MARK: Actions and follow-ups

    @Sendable func addAction(req: Request) async throws -> Response {
        let id = try req.idParameter()
        let body = try req.decodeStrict(API.ActionCreate.self)
        let action = try await apiFields {
            try await PlanningService.addAction(to: id, ActionInput(
                title: body.title, description: body.description, ownerUserID: body.ownerUserId.uuidString,
                dueDate: body.dueDate, status: body.status, version: nil), by: try req.currentUser, on: req.db)
        }
        return try await versioned(try API.ActionOut(action), version: action.version, req: req, status: .created)
    }

    /// Fields left out keep their stored value. Only managers change title, description and
    /// owner; the action's owner moves its status and due date (the service's rule).
    @Sendable func updateAction(req: Request) async throws -> Response {
        let user = try req.currentUser
        let current = try await PlanAction.find(try req.idParameter(), in: user.organisationID, on: req.db)
        let body = try req.decodeStrict(API.ActionUpdate.self)
        let action = try await apiFields {
            try await PlanningService.updateAction(try current.requireID(), ActionInput(
                title: body.title ?? current.title, description: body.description ?? current.description,
                ownerUserID: body.ownerUserId?.uuidString, dueDate: body.dueDate ?? current.dueDate,
                status: body.status, version: body.version), by: user, on: req.db)
        }
        return try await versioned(try API.ActionOut(action), version: action.version, req: req)
    }

    @Sendable func addFollowUp(req: Request) async throws -> Response {
        let id = try req.idParameter()
        let body = try req.decodeStrict(API.FollowUpCreate.self)
        let followUp = try await apiFields {
            try await PlanningService.addFollowUp(to: id, FollowUpInput(
                date: body.date, progress: body.progress, note: body.note, actionID: body.actionId?.uuidString),
                by: try req.currentUser, on: req.db)
        }
        return try await API.FollowUpOut(followUp).encodeResponse(status: .created, for: req)
    }

    // MARK: Routine catalogue

    @Sendable func routineStatuses(req: Request) async throws -> [API.RoutineStatusOut] {
        let user = try req.currentUser
        return try await RoutineStatus.query(on: req.db).filter(\.$organisationID == user.organisationID)
            .sort(\.$unitID).sort(\.$routineKey).all().map(API.RoutineStatusOut.init)
    }

    /// The plan's form field names shared with the mapping's, renamed the same way.
    private func apiFields<T>(_ work: () async throws -> T) async throws -> T {
        try await renamingFieldProblems({ MappingAPIController.fieldNames[$0] }, work)
    }
}
