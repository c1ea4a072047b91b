import Fluent
import SynligCore
import Vapor

/// A tenant: a kommun or a region, identified by its SCB code.
package final class Organisation: Model, @unchecked Sendable {
    package static let schema = "organisations"

    @ID(key: .id) package var id: UUID?
    @Field(key: "name") package var name: String
    @Field(key: "code") package var code: String
    @Field(key: "kind") package var kind: OrganisationKind
    /// Demo organisations hold synthetic people only; every page says so.
    @Field(key: "is_demo") var isDemo: Bool
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    package init() {}

    package init(id: UUID? = nil, name: String, code: String, kind: OrganisationKind, isDemo: Bool = false) {
        self.id = id
        self.name = name
        self.code = code
        self.kind = kind
        self.isDemo = isDemo
    }
}

extension OrganisationKind: Content {}

extension Organisation {
    /// The organisation a public URL names by its SCB code (`/stod/:code`, `/api/v1/open-data/:code/…`),
    /// or 404; an overlong code is refused before any query.
    static func byPublicCode(_ req: Request) async throws -> Organisation {
        guard let code = req.parameters.get("code"), code.count <= 4,
              let organisation = try await Organisation.query(on: req.db).filter(\.$code == code).first()
        else { throw SynligError.notFound }
        return organisation
    }
}
