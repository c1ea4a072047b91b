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
        var userHref: String
        var recordType: String
        var recordID: String
        var recordHref: String?
        var personLogHref: String
        var via: String
        /// Reasons to look twice (`AccessLogFlag`), in words.
        var flags: [String]
    }

    struct SampleView: Encodable {
        struct User: Encodable {
            var name: String
            var href: String
        }
        var heading: String
        var summary: String
        var users: [User]
        var months: [SelectOption]
        var documentHref: String
    }

    struct ReviewRow: Encodable {
        var period: String
        var kind: String
        var scope: String
        var conclusion: String
        var remarks: Bool
        var actions: String
        var reviewer: String
        var recordedAt: String
    }

    struct AccessPage: Encodable {
        var page: PageContext
        var rows: [AccessRow]
        var olderHref: String?
        var action: String
        var users: [SelectOption]
        var types: [SelectOption]
        var record: String
        var from: String
        var through: String
        var filtered: Bool
        var clearHref: String
        var flagged: Int
        var sample: SampleView
        var reviews: [ReviewRow]
        var newReviewHref: String
        var reviewed: Bool
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
    static func accessLogPage(organisationID: UUID, before: Date?, filter: AccessLogFilter = AccessLogFilter(),
                              on db: any Database) -> QueryBuilder<AccessLogEntry> {
        let query = AccessLogEntry.query(on: db).filter(\.$organisationID == organisationID)
        filter.apply(to: query)
        if let before { query.filter(\.$occurredAt < before) }
        return query.sort(\.$occurredAt, .descending).limit(pageSize)
    }

    @Sendable func accessLog(req: Request) async throws -> Response {
        let admin = try req.currentUser
        let filter = try AccessLogFilter(req)
        let before = req.query[Double.self, at: "before"].map(Date.init(timeIntervalSince1970:))
        let entries = try await Self.accessLogPage(organisationID: admin.organisationID, before: before, filter: filter, on: req.db).all()
        let users = try await User.scoped(to: admin.organisationID, on: req.db).sort(\.$displayName).all()
        let names = Dictionary(uniqueKeysWithValues: users.compactMap { user in user.id.map { ($0, user.displayName) } })
        func href(_ items: [URLQueryItem]) -> String {
            var components = URLComponents()
            components.path = SiteURL.accessLog.path
            components.queryItems = items.isEmpty ? nil : items
            return components.string ?? SiteURL.accessLog.path
        }
        let flags = try await AccessLogFlags.of(entries, organisationID: admin.organisationID, on: req.db)
        let rows = entries.map { entry in
            let type = AccessLogRecordType(rawValue: entry.recordType)
            let entryFlags = entry.id.flatMap { flags[$0] } ?? []
            return AccessRow(time: SwedishTime.format(entry.occurredAt, language: req.language.rawValue),
                             user: names[entry.userID] ?? "–", userHref: href([URLQueryItem(name: "user", value: entry.userID.uuidString)]),
                             recordType: type.map { req.t($0.localizationKey) } ?? entry.recordType,
                             // Only a reader of records is linked to one; an administrator would get 403.
                             recordID: entry.recordID.uuidString, recordHref: admin.hasAny(CaregiverAccess.readers) ? type?.page(entry.recordID).path : nil,
                             personLogHref: href([URLQueryItem(name: "record", value: entry.recordID.uuidString)]),
                             via: entry.via,
                             flags: AccessLogFlag.allCases.filter(entryFlags.contains).map { req.t("access_log.flag.\($0.rawValue)") })
        }
        let sample = try await AccessLogMonthlySample.of(month: req.query[String.self, at: "month"], organisationID: admin.organisationID, request: req)
        let monthLabel = SwedishTime.formatMonth(sample.from, language: req.language.rawValue)
        var documentSample = URLComponents()
        documentSample.path = SiteURL.accessLogReviewNew.path
        documentSample.queryItems = [URLQueryItem(name: "periodFrom", value: sample.from.iso), URLQueryItem(name: "periodThrough", value: sample.through.iso),
                                     URLQueryItem(name: "kind", value: AccessLogReviewRecord.Kind.sample.rawValue),
                                     URLQueryItem(name: "scope", value: req.t("access_log.sample_scope", monthLabel))]
        let today = CalendarDate.today()
        let sampleView = SampleView(
            heading: req.t("access_log.sample_heading", monthLabel),
            summary: sample.readers == 0 ? req.t("access_log.sample_none")
                : req.tp("access_log.sample_summary", sample.users.count, String(sample.readers)),
            users: sample.users.map { id in
                SampleView.User(name: names[id] ?? "–", href: href([URLQueryItem(name: "user", value: id.uuidString),
                                                                   URLQueryItem(name: "from", value: sample.from.iso),
                                                                   URLQueryItem(name: "through", value: sample.through.iso)]))
            },
            months: (1...12).map { back in
                let first = CalendarDate(year: today.year, month: today.month, day: 1).addingMonths(-back)
                return SelectOption(value: String(first.iso.prefix(7)), label: SwedishTime.formatMonth(first, language: req.language.rawValue),
                                    selected: first == sample.from)
            },
            documentHref: documentSample.string ?? SiteURL.accessLogReviewNew.path)
        let reviews = try await AccessLogReviewService.list(admin.organisationID, on: req.db).map { review in
            ReviewRow(period: "\(review.periodFrom) – \(review.periodThrough)", kind: req.t("access_log_review.kind.\(review.kind.rawValue)"),
                      scope: review.scope, conclusion: req.t("access_log_review.conclusion.\(review.conclusion.rawValue)"),
                      remarks: review.conclusion == .remarks, actions: review.actions, reviewer: names[review.reviewedBy] ?? "–",
                      recordedAt: review.createdAt.map { SwedishTime.format($0, language: req.language.rawValue) } ?? "")
        }
        let older = entries.count == Self.pageSize
            ? entries.last.map { href(filter.queryItems + [URLQueryItem(name: "before", value: String($0.occurredAt.timeIntervalSince1970))]) } : nil
        return try await req.renderPage("admin/access-log", AccessPage(
            page: .make(for: req, titleKey: "access_log.title"), rows: rows, olderHref: older, action: SiteURL.accessLog.path,
            users: [SelectOption(value: "", label: req.t("access_log.all_users"), selected: filter.userID == nil)]
                + users.compactMap { user in user.id.map { SelectOption(value: $0.uuidString, label: user.displayName, selected: $0 == filter.userID) } },
            types: [SelectOption(value: "", label: req.t("access_log.all_types"), selected: filter.recordType == nil)]
                + AccessLogRecordType.allCases.map { SelectOption(value: $0.rawValue, label: req.t($0.localizationKey), selected: $0 == filter.recordType) },
            record: filter.recordID?.uuidString ?? "", from: filter.from?.iso ?? "", through: filter.through?.iso ?? "",
            filtered: !filter.isEmpty, clearHref: SiteURL.accessLog.path,
            flagged: rows.filter { !$0.flags.isEmpty }.count, sample: sampleView, reviews: reviews,
            newReviewHref: SiteURL.accessLogReviewNew.path, reviewed: req.query[String.self, at: "reviewed"] != nil))
    }
}
