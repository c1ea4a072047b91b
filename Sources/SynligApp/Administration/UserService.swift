import Fluent
import SynligCore
import Vapor

/// What an administrator submits for a user, from a form or the API.
struct UserInput: Sendable {
    var email: String?
    var displayName: String?
    /// Required when creating; when editing, a new password only if given.
    var password: String?
    var roles: [String]?
    var unitIDs: [String]?
    var version: Int?
    /// Who the user is at the identity provider (an HSA-id, say); empty clears it, nil keeps it.
    var signInIdentity: String? = nil
}

/// Creating, editing and deactivating users: one set of rules for pages, API and command line.
package enum UserService {
    static let maxNameLength = 120

    package struct Valid {
        var email: String
        var displayName: String
        var password: String?
        var roles: Set<Role>
        var unitIDs: Set<UUID>
        /// nil: leave as it is; "": none.
        var signInIdentity: String?

        package init(email: String, displayName: String, password: String? = nil, roles: Set<Role>, unitIDs: Set<UUID>,
                     signInIdentity: String? = nil) {
            self.email = email
            self.displayName = displayName
            self.password = password
            self.roles = roles
            self.unitIDs = unitIDs
            self.signInIdentity = signInIdentity
        }
    }

    static func validate(_ input: UserInput, creating: Bool) -> (Valid?, [SynligError.FieldProblem]) {
        var problems: [SynligError.FieldProblem] = []
        let (email, emailProblem) = TextInput.checkEmail(input.email)
        if let emailProblem { problems.append(.init(field: "email", messageKey: emailProblem.rawValue)) }
        let (name, nameProblem) = TextInput.check(input.displayName, required: true, maxLength: maxNameLength)
        if let nameProblem { problems.append(.init(field: "displayName", messageKey: nameProblem.rawValue)) }
        var password: String?
        if let given = input.password, !given.isEmpty {
            for problem in PasswordPolicy().problems(password: given, email: email) {
                problems.append(.init(field: "password", messageKey: problem.rawValue))
            }
            password = given
        } else if creating {
            problems.append(.init(field: "password", messageKey: "input.required"))
        }
        var roles = Set<Role>()
        for raw in input.roles ?? [] {
            if let role = Role(rawValue: raw) { roles.insert(role) } else {
                problems.append(.init(field: "roles", messageKey: "user.role_invalid"))
            }
        }
        if roles.isEmpty { problems.append(.init(field: "roles", messageKey: "user.role_required")) }
        var unitIDs = Set<UUID>()
        for raw in input.unitIDs ?? [] {
            if let id = UUID(uuidString: raw) { unitIDs.insert(id) } else {
                problems.append(.init(field: "units", messageKey: "user.unit_invalid"))
            }
        }
        var identity: String?
        if let given = input.signInIdentity {
            let (checked, problem) = TextInput.check(given, required: false, maxLength: IdentityMatching.maximumLength)
            if let problem { problems.append(.init(field: "signInIdentity", messageKey: problem.rawValue)) }
            identity = checked
        }
        guard problems.isEmpty else { return (nil, problems) }
        return (Valid(email: email, displayName: name, password: password, roles: roles, unitIDs: unitIDs,
                      signInIdentity: identity), [])
    }

    static func create(_ input: UserInput, organisationID: UUID, actor: AuditActor, request: Request) async throws -> User {
        let (valid, problems) = validate(input, creating: true)
        guard let valid, let password = valid.password else { throw SynligError.invalid(problems) }
        let hash = try await request.password.async.hash(password)
        return try await AuditTrail.transaction(on: request.db, actor: actor) { tx, audit in
            try await insert(valid, passwordHash: hash, organisationID: organisationID, on: tx, audit: audit)
        }
    }

    /// Inserts a validated user inside a transaction the caller already holds.
    package static func insert(_ valid: Valid, passwordHash: String, organisationID: UUID,
                       on tx: any Database, audit: AuditRecorder) async throws -> User {
        try await ensureEmailFree(valid.email, except: nil, on: tx)
        try await ensureUnitsBelong(valid.unitIDs, to: organisationID, on: tx)
        let user = User(organisationID: organisationID, email: valid.email, displayName: valid.displayName, passwordHash: passwordHash)
        user.passwordChangedAt = Date()
        if let identity = valid.signInIdentity, !identity.isEmpty {
            try await ensureSignInIdentityFree(identity, in: organisationID, except: nil, on: tx)
            user.signInIdentity = identity
        }
        try await user.create(on: tx)
        try await replaceMemberships(of: user, roles: valid.roles, unitIDs: valid.unitIDs, on: tx)
        audit.record("user.create", "user", id: user.id, organisation: organisationID)
        return user
    }

    static func update(_ id: UUID, _ input: UserInput, by admin: CurrentUser, request: Request) async throws -> User {
        // The record first (404 for another organisation's id), then the input (422).
        _ = try await User.find(id, in: admin.organisationID, on: request.db)
        let (valid, problems) = validate(input, creating: false)
        guard let valid else { throw SynligError.invalid(problems) }
        let newHash: String? = if let password = valid.password { try await request.password.async.hash(password) } else { nil }
        let organisationID = admin.organisationID
        return try await AuditTrail.transaction(on: request.db, actor: .user(admin.id)) { tx, audit in
            let user = try await User.find(id, in: organisationID, on: tx)
            guard let version = input.version, version == user.version else { throw SynligError.staleEdit }
            if id == admin.id && !valid.roles.contains(.admin) {
                throw SynligError.invalid([.init(field: "roles", messageKey: "user.cannot_remove_own_admin")])
            }
            try await ensureEmailFree(valid.email, except: id, on: tx)
            try await ensureUnitsBelong(valid.unitIDs, to: organisationID, on: tx)
            user.email = valid.email
            user.displayName = valid.displayName
            if let identity = valid.signInIdentity, identity != (user.signInIdentity ?? "") {
                if !identity.isEmpty { try await ensureSignInIdentityFree(identity, in: organisationID, except: id, on: tx) }
                user.signInIdentity = identity.isEmpty ? nil : identity
                audit.record("user.sign_in_identity_change", "user", id: id, organisation: organisationID)
            }
            if let newHash {
                user.passwordHash = newHash
                user.passwordChangedAt = Date()
                try await Sessions.endAll(userID: id, on: tx)
                audit.record("user.password_reset", "user", id: id, organisation: organisationID)
            }
            user.version += 1
            try await user.update(on: tx)
            try await replaceMemberships(of: user, roles: valid.roles, unitIDs: valid.unitIDs, on: tx)
            audit.record("user.update", "user", id: id, organisation: organisationID)
            return user
        }
    }

    /// Deactivation keeps the user and their history, and ends their sessions at once.
    static func setActive(_ active: Bool, userID id: UUID, by admin: CurrentUser, on db: any Database) async throws -> User {
        if id == admin.id && !active { throw SynligError(.conflict, "user.cannot_deactivate_self") }
        let organisationID = admin.organisationID
        return try await AuditTrail.transaction(on: db, actor: .user(admin.id)) { tx, audit in
            let user = try await User.find(id, in: organisationID, on: tx)
            user.active = active
            user.version += 1
            try await user.update(on: tx)
            if !active { try await Sessions.endAll(userID: id, on: tx) }
            audit.record(active ? "user.reactivate" : "user.deactivate", "user", id: id, organisation: organisationID)
            return user
        }
    }

    /// A user's own password change: checks the current one, keeps only this session.
    static func changeOwnPassword(current: String, new: String, confirmation: String, user: CurrentUser, request: Request) async throws {
        var problems: [SynligError.FieldProblem] = []
        let stored = try await User.find(user.id, in: user.organisationID, on: request.db)
        if !((try? await request.password.async.verify(current, created: stored.passwordHash)) ?? false) {
            problems.append(.init(field: "current", messageKey: "password.current_wrong"))
        }
        for problem in PasswordPolicy().problems(password: new, email: user.email) {
            problems.append(.init(field: "new", messageKey: problem.rawValue))
        }
        if new != confirmation { problems.append(.init(field: "confirm", messageKey: "password.mismatch")) }
        guard problems.isEmpty else { throw SynligError.invalid(problems) }
        let hash = try await request.password.async.hash(new)
        try await AuditTrail.transaction(on: request.db, actor: .user(user.id)) { tx, audit in
            let fresh = try await User.find(user.id, in: user.organisationID, on: tx)
            fresh.passwordHash = hash
            fresh.passwordChangedAt = Date()
            fresh.version += 1
            try await fresh.update(on: tx)
            try await Sessions.endAll(userID: user.id, except: user.sessionID, on: tx)
            audit.record("user.password_change", "user", id: user.id, organisation: user.organisationID)
        }
    }

    /// Two accounts with one identity would let the provider's user choose either.
    private static func ensureSignInIdentityFree(_ identity: String, in organisationID: UUID, except: UUID?, on db: any Database) async throws {
        var query = User.query(on: db).filter(\.$organisationID == organisationID).filter(\.$signInIdentity == identity)
        if let except { query = query.filter(\.$id != except) }
        if try await query.count() > 0 {
            throw SynligError.invalid([.init(field: "signInIdentity", messageKey: "user.sign_in_identity_taken")])
        }
    }

    private static func ensureEmailFree(_ email: String, except: UUID?, on db: any Database) async throws {
        // E-mail is unique across all organisations since it is the sign-in name.
        var query = User.query(on: db).filter(\.$email == email)
        if let except { query = query.filter(\.$id != except) }
        if try await query.count() > 0 {
            throw SynligError.invalid([.init(field: "email", messageKey: "user.email_taken")])
        }
    }

    private static func ensureUnitsBelong(_ ids: Set<UUID>, to organisationID: UUID, on db: any Database) async throws {
        guard !ids.isEmpty else { return }
        let found = try await Unit.scoped(to: organisationID, on: db).filter(\.$id ~~ Array(ids)).count()
        if found != ids.count { throw SynligError.invalid([.init(field: "units", messageKey: "user.unit_invalid")]) }
    }

    private static func replaceMemberships(of user: User, roles: Set<Role>, unitIDs: Set<UUID>, on db: any Database) async throws {
        let userID = try user.requireID()
        try await UserRole.query(on: db).filter(\.$user.$id == userID).delete()
        try await UnitMembership.query(on: db).filter(\.$user.$id == userID).delete()
        for role in roles.sorted() {
            try await UserRole(userID: userID, organisationID: user.organisationID, role: role).create(on: db)
        }
        for unitID in unitIDs.sorted(by: { $0.uuidString < $1.uuidString }) {
            try await UnitMembership(userID: userID, unitID: unitID, organisationID: user.organisationID).create(on: db)
        }
    }
}
