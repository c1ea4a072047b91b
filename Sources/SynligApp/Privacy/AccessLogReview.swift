import Fluent
import SynligCore
import Vapor

/// The access-log review's filters (loggkontroll): one user, one kind of record, one person's
/// record, a period. Sent in the address as a search form is, with ids only, never names.
struct AccessLogFilter: Sendable, Equatable {
    var userID: UUID?
    var recordType: AccessLogRecordType?
    var recordID: UUID?
    var from: CalendarDate?
    var through: CalendarDate?

    /// Reads the filters; a value that is not one refuses the page with a clear message (422).
    init(_ req: Request) throws {
        var check = InputChecker()
        func text(_ name: String) -> String? { req.query[String.self, at: name].flatMap { $0.isEmpty ? nil : $0 } }
        userID = text("user").flatMap { check.id($0, "user") }
        recordType = text("type").flatMap { check.choice($0, "type", as: AccessLogRecordType.self) }
        recordID = text("record").flatMap { check.id($0.trimmingCharacters(in: .whitespaces), "record") }
        from = text("from").flatMap { check.date($0, "from") }
        through = text("through").flatMap { check.date($0, "through") }
        if let from, let through, through < from { check.fail("through", "access_log.period_reversed") }
        try check.finish()
    }

    init() {}

    var isEmpty: Bool { self == AccessLogFilter() }

    func apply(to query: QueryBuilder<AccessLogEntry>) {
        if let userID { query.filter(\.$userID == userID) }
        if let recordType { query.filter(\.$recordType == recordType.rawValue) }
        if let recordID { query.filter(\.$recordID == recordID) }
        // Days are Swedish days, as the administrator reads them.
        if let from { query.filter(\.$occurredAt >= from.startInSweden) }
        if let through { query.filter(\.$occurredAt < through.addingDays(1).startInSweden) }
    }

    /// The filters as query items, to keep them on the link to older rows.
    var queryItems: [URLQueryItem] {
        [("user", userID?.uuidString), ("type", recordType?.rawValue), ("record", recordID?.uuidString),
         ("from", from?.iso), ("through", through?.iso)].compactMap { name, value in value.map { URLQueryItem(name: name, value: $0) } }
    }
}

extension AccessLogRecordType {
    /// The page the record is read on, for a reviewer to follow a row.
    func page(_ id: UUID) -> SiteURL {
        switch self {
        case .caregiver: .caregiver(id)
        case .careRecipient: .recipient(id)
        case .contactRequest: .contactRequest(id)
        case .referral: .referral(id)
        case .user: .adminUser(id)
        }
    }
}
