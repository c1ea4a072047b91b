import Fluent
import SynligCore
import Vapor

/// What an administrator submits for a unit, from a form or the API.
struct UnitInput: Sendable {
    var name: String?
    var kind: String?
    var active: Bool?
    /// The version the edit started from; nil when creating.
    var version: Int?
}

/// Creating and editing units: one set of rules for the admin pages and the API.
enum UnitService {
    static let maxNameLength = 120

    struct Valid {
        var name: String
        var kind: UnitKind
    }

    static func validate(_ input: UnitInput) throws -> Valid {
        var problems: [SynligError.FieldProblem] = []
        let (name, nameProblem) = TextInput.check(input.name, required: true, maxLength: maxNameLength)
        if let nameProblem { problems.append(.init(field: "name", messageKey: nameProblem.rawValue)) }
        let kind = input.kind.flatMap(UnitKind.init(rawValue:))
        if kind == nil { problems.append(.init(field: "kind", messageKey: "unit.kind_invalid")) }
        guard problems.isEmpty, let kind else { throw SynligError.invalid(problems) }
        return Valid(name: name, kind: kind)
    }

    static func create(_ input: UnitInput, by user: CurrentUser, on db: any Database) async throws -> Unit {
        let valid = try validate(input)
        return try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            try await ensureNameFree(valid.name, organisationID: user.organisationID, except: nil, on: tx)
            let unit = Unit(organisationID: user.organisationID, name: valid.name, kind: valid.kind, active: input.active ?? true)
            try await unit.create(on: tx)
            audit.record("unit.create", "unit", id: unit.id, organisation: user.organisationID)
            return unit
        }
    }

    static func update(_ id: UUID, _ input: UnitInput, by user: CurrentUser, on db: any Database) async throws -> Unit {
        // The record first (404 for another organisation's id), then the input (422).
        _ = try await Unit.find(id, in: user.organisationID, on: db)
        let valid = try validate(input)
        return try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            let unit = try await Unit.find(id, in: user.organisationID, on: tx)
            guard let version = input.version, version == unit.version else { throw SynligError.staleEdit }
            try await ensureNameFree(valid.name, organisationID: user.organisationID, except: id, on: tx)
            unit.name = valid.name
            unit.kind = valid.kind
            if let active = input.active { unit.active = active }
            unit.version += 1
            try await unit.update(on: tx)
            audit.record("unit.update", "unit", id: unit.id, organisation: user.organisationID)
            return unit
        }
    }

    private static func ensureNameFree(_ name: String, organisationID: UUID, except: UUID?, on db: any Database) async throws {
        var query = Unit.scoped(to: organisationID, on: db).filter(\.$name == name)
        if let except { query = query.filter(\.$id != except) }
        if try await query.count() > 0 {
            throw SynligError.invalid([.init(field: "name", messageKey: "unit.name_taken")])
        }
    }
}
