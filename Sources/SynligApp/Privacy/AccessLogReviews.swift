import Fluent
import SynligCore
import Vapor

/// A documented log review (loggkontroll): which period was checked, whether it was the monthly
/// sample or a targeted check, the conclusion — "utan anmärkning" or "med anmärkning" and what was
/// done. HSLF-FS 2016:40 asks for the checks to be recurring, targeted and documented; these rows
/// are that documentation. They are kept with the access log (at least five years) and never purged.
final class AccessLogReviewRecord: Model, @unchecked Sendable {
    static let schema = "access_log_reviews"

    enum Kind: String, Codable, Sendable, CaseIterable {
        /// The month's random sample of users.
        case sample
        /// A check with a reason: a flag, a question from a caregiver, a suspicion.
        case targeted
    }

    enum Conclusion: String, Codable, Sendable, CaseIterable {
        case noRemarks
        case remarks
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "organisation_id") var organisationID: UUID
    @Field(key: "period_from") var periodFrom: String
    @Field(key: "period_through") var periodThrough: String
    @Field(key: "kind") var kind: Kind
    /// What was checked, in a line: "stickprovets tre användare", "läsningar av en person".
    @Field(key: "scope") var scope: String
    @Field(key: "conclusion") var conclusion: Conclusion
    /// With remarks: what was found and done. Empty without remarks.
    @Field(key: "actions") var actions: String
    @Field(key: "reviewed_by") var reviewedBy: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

/// A review as the form and the API send it; every field text, checked by the service.
struct AccessLogReviewInput: Decodable, Sendable {
    var periodFrom: String?
    var periodThrough: String?
    var kind: String?
    var scope: String?
    var conclusion: String?
    var actions: String?
}

enum AccessLogReviewService {
    /// Records a review; administrators only (the routes see to it), audited.
    static func record(_ input: AccessLogReviewInput, by user: CurrentUser, on db: any Database,
                       today: CalendarDate = .today()) async throws -> AccessLogReviewRecord {
        var check = InputChecker()
        let from = check.date(input.periodFrom, "periodFrom")
        let through = check.date(input.periodThrough, "periodThrough")
        if let from, let through, through < from { check.fail("periodThrough", "access_log.period_reversed") }
        if let through, through > today { check.fail("periodThrough", "access_log_review.period_future") }
        let kind = check.choice(input.kind, "kind", as: AccessLogReviewRecord.Kind.self)
        let scope = check.line(input.scope, "scope", required: true, max: 300)
        let conclusion = check.choice(input.conclusion, "conclusion", as: AccessLogReviewRecord.Conclusion.self)
        let actions = check.text(input.actions, "actions", required: conclusion == .remarks, max: 2000)
        if conclusion == .noRemarks, !actions.isEmpty { check.fail("actions", "access_log_review.actions_without_remarks") }
        try check.finish()
        guard let from, let through, let kind, let conclusion else { throw SynligError.invalid([]) }
        return try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            let review = AccessLogReviewRecord()
            review.organisationID = user.organisationID
            review.periodFrom = from.iso
            review.periodThrough = through.iso
            review.kind = kind
            review.scope = scope
            review.conclusion = conclusion
            review.actions = actions
            review.reviewedBy = user.id
            try await review.create(on: tx)
            audit.record("access_log_review.record", "access_log_review", id: review.id, organisation: user.organisationID)
            return review
        }
    }

    /// The organisation's reviews, newest period first.
    static func list(_ organisationID: UUID, limit: Int = 50, on db: any Database) async throws -> [AccessLogReviewRecord] {
        try await AccessLogReviewRecord.query(on: db).filter(\.$organisationID == organisationID)
            .sort(\.$periodThrough, .descending).sort(\.$createdAt, .descending).limit(limit).all()
    }
}

struct CreateAccessLogReviews: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AccessLogReviewRecord.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references("organisations", "id"))
            .field("period_from", .string, .required)
            .field("period_through", .string, .required)
            .field("kind", .string, .required)
            .field("scope", .string, .required)
            .field("conclusion", .string, .required)
            .field("actions", .string, .required)
            .field("reviewed_by", .uuid, .required, .references("users", "id"))
            .field("created_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AccessLogReviewRecord.schema).delete()
    }
}

/// `/admin/access-log/reviews/new`: an administrator documents a review.
struct AccessLogReviewPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.signedIn(as: .admin)
        admin.get(SiteURL.accessLogReviewNew.pattern, use: form)
        admin.post(SiteURL.accessLogReviews.pattern, use: create)
    }

    private func render(_ req: Request, values: FormValues, errors: FormErrors, status: HTTPResponseStatus = .ok) async throws -> Response {
        var form = FormBuilder(req, values: values, errors: errors)
        form.date("periodFrom", "access_log_review.period_from")
        form.date("periodThrough", "access_log_review.period_through")
        // No kind or conclusion is chosen for the reviewer: the first option asks them to choose.
        form.options("kind", "access_log_review.kind",
                     [("", req.t("access_log_review.choose"))] + AccessLogReviewRecord.Kind.allCases.map { ($0.rawValue, req.t("access_log_review.kind.\($0.rawValue)")) })
        form.text("scope", "access_log_review.scope", hint: "access_log_review.scope_hint", maxLength: 300)
        form.options("conclusion", "access_log_review.conclusion",
                     [("", req.t("access_log_review.choose"))] + AccessLogReviewRecord.Conclusion.allCases.map { ($0.rawValue, req.t("access_log_review.conclusion.\($0.rawValue)")) })
        form.textarea("actions", "access_log_review.actions", hint: "access_log_review.actions_hint", rows: 4, maxLength: 2000)
        return try await req.renderForm(titleKey: "access_log_review.title", form: form, action: SiteURL.accessLogReviews.path,
                                        introKey: "access_log_review.intro", backHref: SiteURL.accessLog.path + "#reviews",
                                        backKey: "access_log_review.back", status: status)
    }

    @Sendable func form(req: Request) async throws -> Response {
        // A link from the monthly sample brings its month and kind along.
        let prefill = ["periodFrom", "periodThrough", "kind", "scope"].compactMap { name in
            req.query[String.self, at: name].map { (name, String($0.prefix(300))) }
        }
        return try await render(req, values: FormValues(prefill), errors: .none)
    }

    @Sendable func create(req: Request) async throws -> Response {
        let user = try req.currentUser
        return try await req.submitForm(render: { values, errors, _, status in
            try await render(req, values: values, errors: errors, status: status)
        }, save: { values in
            _ = try await AccessLogReviewService.record(try values.decode(AccessLogReviewInput.self), by: user, on: req.db)
            return req.redirect(to: SiteURL.accessLog.path + "?reviewed=1#reviews")
        })
    }
}

/// `/api/v1/access-log/reviews`: the same documentation for an administrator's own tools.
struct AccessLogReviewAPIController: APIRouteCollection {
    func boot(api: APIRoutes) throws {
        let admin = api.signedIn.grouped(RequireRole(roles: [.admin]))
        admin.get("access-log", "reviews", use: list)
        admin.post("access-log", "reviews", use: create)
    }

    @Sendable func list(req: Request) async throws -> [API.AccessLogReviewOut] {
        try await AccessLogReviewService.list(try req.currentUser.organisationID, on: req.db).map(API.AccessLogReviewOut.init)
    }

    @Sendable func create(req: Request) async throws -> Response {
        let body = try req.decodeStrict(NewRecord<AccessLogReviewInput>.self)
        let review = try await AccessLogReviewService.record(body.fields, by: try req.currentUser, on: req.db)
        return try await API.AccessLogReviewOut(review).encodeResponse(status: .created, for: req)
    }
}

extension API {
    struct AccessLogReviewOut: Content {
        var id: UUID
        var periodFrom: String
        var periodThrough: String
        var kind: AccessLogReviewRecord.Kind
        var scope: String
        var conclusion: AccessLogReviewRecord.Conclusion
        var actions: String
        var reviewedByUserId: UUID
        var createdAt: Date?

        init(_ review: AccessLogReviewRecord) throws {
            id = try review.requireID()
            periodFrom = review.periodFrom
            periodThrough = review.periodThrough
            kind = review.kind
            scope = review.scope
            conclusion = review.conclusion
            actions = review.actions
            reviewedByUserId = review.reviewedBy
            createdAt = review.createdAt
        }
    }
}
