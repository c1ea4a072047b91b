import Fluent
import SynligCore
import Vapor

/// Units for every signed-in user to read; units and users for administrators to manage.
struct AdministrationAPIController: APIRouteCollection {
    func boot(api: APIRoutes) throws {
        api.signedIn.get("units", use: listUnits)
        api.signedIn.get("units", ":id", use: getUnit)

        let admin = api.signedIn.grouped(RequireRole(roles: [.admin]))
        admin.post("units", use: createUnit)
        admin.naming(Unit.self).put("units", ":id", use: updateUnit)
        admin.get("users", use: listUsers)
        admin.post("users", use: createUser)
        admin.get("users", ":id", use: getUser)
        admin.naming(User.self).put("users", ":id", use: updateUser)
        admin.post("users", ":id", "deactivate", use: deactivateUser)
        admin.post("users", ":id", "reactivate", use: reactivateUser)
    }

    // MARK: Units

    @Sendable func listUnits(req: Request) async throws -> [API.UnitOut] {
        let user = try req.currentUser
        return try await Unit.scoped(to: user.organisationID, on: req.db).sort(\.$name).all().map(API.UnitOut.init)
    }

    @Sendable func getUnit(req: Request) async throws -> Response {
        let user = try req.currentUser
        let unit = try await Unit.find(try req.idParameter(), in: user.organisationID, on: req.db)
        return try await versioned(API.UnitOut(unit), version: unit.version, req: req)
    }

    @Sendable func createUnit(req: Request) async throws -> Response {
        let body = try req.decodeStrict(API.UnitCreate.self)
        let unit = try await UnitService.create(UnitInput(name: body.name, kind: body.kind, active: body.active ?? true),
                                                by: try req.currentUser, on: req.db)
        return try await versioned(API.UnitOut(unit), version: unit.version, req: req, status: .created)
    }

    @Sendable func updateUnit(req: Request) async throws -> Response {
        let body = try req.decodeStrict(API.UnitUpdate.self)
        let unit = try await UnitService.update(try req.idParameter(),
                                                UnitInput(name: body.name, kind: body.kind, active: body.active, version: body.version),
                                                by: try req.currentUser, on: req.db)
        return try await versioned(API.UnitOut(unit), version: unit.version, req: req)
    }

    // MARK: Users

    @Sendable func listUsers(req: Request) async throws -> API.Page<API.UserOut> {
        let admin = try req.currentUser
        let (page, per) = try Pagination.api(req)
        let query = User.scoped(to: admin.organisationID, on: req.db)
        let total = try await query.count()
        let users = try await User.scoped(to: admin.organisationID, on: req.db)
            .with(\.$roles).with(\.$unitMemberships)
            .sort(\.$displayName).sort(\.$id)
            .range((page - 1) * per ..< page * per).all()
        return API.Page(items: try users.map { try API.UserOut($0, roles: $0.roles, units: $0.unitMemberships) },
                        page: page, per: per, total: total)
    }

    /// Reading one user's account is logged, like every read of a person's record.
    @Sendable func getUser(req: Request) async throws -> Response {
        let admin = try req.currentUser
        let user = try await User.find(try req.idParameter(), in: admin.organisationID, on: req.db)
        try await req.logAccess(recordType: .user, recordID: try user.requireID())
        return try await userResponse(user, req: req)
    }

    @Sendable func createUser(req: Request) async throws -> Response {
        let admin = try req.currentUser
        let body = try req.decodeStrict(API.UserCreate.self)
        let user = try await UserService.create(
            UserInput(email: body.email, displayName: body.displayName, password: body.password,
                      roles: body.roles, unitIDs: body.unitIds ?? [], signInIdentity: body.signInIdentity),
            organisationID: admin.organisationID, actor: .user(admin.id), request: req)
        return try await userResponse(user, req: req, status: .created)
    }

    @Sendable func updateUser(req: Request) async throws -> Response {
        let body = try req.decodeStrict(API.UserUpdate.self)
        let user = try await UserService.update(
            try req.idParameter(),
            UserInput(email: body.email, displayName: body.displayName, password: body.password,
                      roles: body.roles, unitIDs: body.unitIds ?? [], version: body.version,
                      signInIdentity: body.signInIdentity),
            by: try req.currentUser, request: req)
        return try await userResponse(user, req: req)
    }

    @Sendable func deactivateUser(req: Request) async throws -> Response {
        let user = try await UserService.setActive(false, userID: try req.idParameter(), by: try req.currentUser, on: req.db)
        return try await userResponse(user, req: req)
    }

    @Sendable func reactivateUser(req: Request) async throws -> Response {
        let user = try await UserService.setActive(true, userID: try req.idParameter(), by: try req.currentUser, on: req.db)
        return try await userResponse(user, req: req)
    }

    private func userResponse(_ user: User, req: Request, status: HTTPStatus = .ok) async throws -> Response {
        let roles = try await user.$roles.get(reload: true, on: req.db)
        let units = try await user.$unitMemberships.get(reload: true, on: req.db)
        return try await versioned(API.UserOut(user, roles: roles, units: units), version: user.version, req: req, status: status)
    }
}
