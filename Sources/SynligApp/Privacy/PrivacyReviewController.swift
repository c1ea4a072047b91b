import Fluent
import SynligCore
import Vapor

/// The administrator's review pages: the audit trail and the access log (loggkontroll).
struct PrivacyReviewController: RouteCollection {
    static let pageSize = 100

    struct AuditRow: Encodable {
        var sequence: Int64
        var time: String
        var actor: String
        var action: String
        var recordType: String
        var recordID: String
    }

    struct AuditPage: Encodable {
        var page: PageContext
        var rows: [AuditRow]
        var verification: String?
        var verificationOK: Bool
        var verifyHref: String
        var olderHref: String?
    }

    struct AccessRow: Encodable {
        var time: String
        var user: String
        var recordType: String
        var recordID: String
        var via: String
    }

    struct AccessPage: Encodable {
        var page: PageContext
        var rows: [AccessRow]
        var olderHref: String?
    }

    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.signedIn(as: .admin)
        admin.get(SiteURL.auditTrail.pattern, use: audit)
        admin.get(SiteURL.accessLog.pattern, use: accessLog)
    }

    private func userNames(_ ids: Set<UUID>, organisationID: UUID, on db: any Database) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        let users = try await User.scoped(to: organisationID, on: db).filter(\.$id ~~ Array(ids)).all()
        return Dictionary(uniqueKeysWithValues: users.compactMap { user in user.id.map { ($0, user.displayName) } })
    }

    @Sendable func audit(req: Request) async throws -> Response {
        let admin = try req.currentUser
        var query = AuditEvent.query(on: req.db).filter(\.$organisationID == admin.organisationID)
        if let before = req.query[Int64.self, at: "before"] { query = query.filter(\.$sequence < before) }
        let events = try await query.sort(\.$sequence, .descending).limit(Self.pageSize).all()
        let names = try await userNames(Set(events.compactMap(\.actorUserID)), organisationID: admin.organisationID, on: req.db)
        let rows = events.map { event in
            AuditRow(sequence: event.sequence, time: SwedishTime.format(event.occurredAt, language: req.language.rawValue),
                     actor: event.actorUserID.flatMap { names[$0] } ?? req.t("audit.actor.\(event.actorKind)"),
                     action: event.action, recordType: event.recordType, recordID: event.recordID ?? "")
        }
        var verification: String?
        var verificationOK = false
        if req.query[String.self, at: "verify"] == "1" {
            if let broken = try await AuditTrail.verify(on: req.db) {
                verification = req.t("audit.verify_broken", String(describing: broken))
            } else {
                verification = req.t("audit.verify_ok")
                verificationOK = true
            }
        }
        let older = events.count == Self.pageSize ? events.last.map { SiteURL.auditTrail.path + "?before=\($0.sequence)" } : nil
        return try await req.renderPage("admin/audit", AuditPage(
            page: .make(for: req, titleKey: "audit.title"), rows: rows, verification: verification,
            verificationOK: verificationOK, verifyHref: SiteURL.auditTrail.path + "?verify=1", olderHref: older))
    }

    /// One page of the access log, newest first: the query an administrator's review runs.
    static func accessLogPage(organisationID: UUID, before: Date?, on db: any Database) -> QueryBuilder<AccessLogEntry> {
        let query = AccessLogEntry.query(on: db).filter(\.$organisationID == organisationID)
        if let before { query.filter(\.$occurredAt < before) }
        return query.sort(\.$occurredAt, .descending).limit(pageSize)
    }

    @Sendable func accessLog(req: Request) async throws -> Response {
        let admin = try req.currentUser
        let before = req.query[Double.self, at: "before"].map(Date.init(timeIntervalSince1970:))
        let entries = try await Self.accessLogPage(organisationID: admin.organisationID, before: before, on: req.db).all()
        let names = try await userNames(Set(entries.map(\.userID)), organisationID: admin.organisationID, on: req.db)
        let rows = entries.map {
            AccessRow(time: SwedishTime.format($0.occurredAt, language: req.language.rawValue),
                      user: names[$0.userID] ?? "–", recordType: AccessLogRecordType(rawValue: $0.recordType).map { req.t($0.localizationKey) } ?? $0.recordType,
                      recordID: $0.recordID.uuidString, via: $0.via)
        }
        let older = entries.count == Self.pageSize
            ? entries.last.map { SiteURL.accessLog.path + "?before=\($0.occurredAt.timeIntervalSince1970)" } : nil
        return try await req.renderPage("admin/access-log", AccessPage(
            page: .make(for: req, titleKey: "access_log.title"), rows: rows, olderHref: older))
    }
}
