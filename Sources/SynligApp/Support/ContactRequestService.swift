import Fluent
import SynligCore
import Vapor

/// The rules for contact requests: abuse protection without third-party services, minimal
/// data, and purging.
package enum ContactRequestService {
    /// Every post counts, refused ones too; ten an hour leaves room for a person who corrects
    /// mistakes, or for several people behind one library or office address.
    static let perAddress = LoginThrottlePolicy(maxFailures: 10, window: 3600)
    /// A person takes longer than this to read and fill in the form; a script does not.
    static let minimumFillSeconds: TimeInterval = 3
    static let maxAbout = 1500

    package struct Submission: Sendable {
        var name: String?
        var reach: String?
        var about: String?
        var language: String?
        var consent: Bool
        var honeypot: String?
        var started: String?
        var stamp: String?

        package init(name: String? = nil, reach: String? = nil, about: String? = nil, language: String? = nil, consent: Bool,
                     honeypot: String? = nil, started: String? = nil, stamp: String? = nil) {
            self.name = name
            self.reach = reach
            self.about = about
            self.language = language
            self.consent = consent
            self.honeypot = honeypot
            self.started = started
            self.stamp = stamp
        }
    }

    /// A stamp of when the form was shown, bound to the visitor's CSRF token so it cannot be
    /// reused by another visitor.
    static func stamp(startedAt: Int, token: String) -> String {
        SecretToken.hash("contact-form|\(startedAt)|\(token)")
    }

    /// Returns the saved request, or throws: 422 with field problems, 429 when rate limited, and
    /// a silent success (nil) for a honeypot or too-fast submission, so a robot learns nothing.
    static func submit(_ submission: Submission, organisation: Organisation, token: String, address: String,
                       now: Date = Date(), on db: any Database) async throws -> ContactRequest? {
        let key = SecretToken.hash("contact:" + IPAddress.throttleBlock(of: address))
        let recent = try await RateEvent.query(on: db).filter(\.$keyHash == key)
            .filter(\.$occurredAt > now.addingTimeInterval(-perAddress.window)).all(\.$occurredAt)
        if perAddress.lockedUntil(failures: recent, now: now) != nil {
            throw SynligError(.tooManyRequests, "contact.rate_limited", headers: ["Retry-After": "3600"])
        }
        try await RateEvent(keyHash: key, occurredAt: now).create(on: db)

        if let honeypot = submission.honeypot, !honeypot.isEmpty { return nil }
        guard let raw = submission.started, let started = Int(raw), let stamp = submission.stamp,
              CSRFMiddleware.constantTimeEquals(stamp, Self.stamp(startedAt: started, token: token)),
              now.timeIntervalSince1970 - Double(started) >= minimumFillSeconds
        else { return nil }

        return try await receive(submission, organisationID: organisation.requireID(), now: now, on: db)
    }

    /// Checks and stores a request that passed the form's abuse protection (or, in the demo,
    /// never needed it): the fields, the visitor's consent, and the audit event.
    package static func receive(_ submission: Submission, organisationID: UUID, now: Date = Date(), on db: any Database) async throws -> ContactRequest {
        var problems: [SynligError.FieldProblem] = []
        let (name, nameProblem) = TextInput.check(submission.name, required: true, maxLength: 120)
        if let nameProblem { problems.append(.init(field: "name", messageKey: nameProblem.rawValue)) }
        let (reach, reachProblem) = TextInput.check(submission.reach, required: true, maxLength: 200)
        if let reachProblem { problems.append(.init(field: "reach", messageKey: reachProblem.rawValue)) }
        let (about, aboutProblem) = TextInput.check(submission.about, required: true, maxLength: maxAbout, multiline: true)
        if let aboutProblem { problems.append(.init(field: "about", messageKey: aboutProblem.rawValue)) }
        let language = submission.language.flatMap { SupportLanguage.codes.contains($0) ? $0 : nil } ?? "sv"
        if !submission.consent { problems.append(.init(field: "consent", messageKey: "contact.consent_required")) }
        guard problems.isEmpty else { throw SynligError.invalid(problems) }
        return try await AuditTrail.transaction(on: db, actor: .system) { tx, audit in
            let tally = ContactRequestTally(organisationID: organisationID, receivedOn: .today(now: now))
            try await tally.create(on: tx)
            let request = ContactRequest()
            request.tallyID = tally.id
            request.organisationID = organisationID
            request.name = name
            request.reach = reach
            request.about = about
            request.language = language
            request.status = .open
            request.createdAt = now
            try await request.create(on: tx)
            audit.record("contact_request.receive", "contact_request", id: request.id, organisation: organisationID)
            return request
        }
    }

    static func close(_ id: UUID, reason rawReason: String?, by user: CurrentUser, on db: any Database, today: CalendarDate = .today()) async throws {
        guard user.hasAny(SupportService.editors) else { throw SynligError.forbidden }
        let (reason, problem) = TextInput.check(rawReason, required: true, maxLength: 500, multiline: true)
        if let problem { throw SynligError.invalid([.init(field: "reason", messageKey: problem.rawValue)]) }
        try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            try await close(id, reason: reason, action: "contact_request.close", by: user, on: tx, audit: audit, today: today)
        }
    }

    /// Closes an open request inside a transaction already under way: on its own, or as the
    /// request is turned into a caregiver record.
    static func close(_ id: UUID, reason: String, action: String, by user: CurrentUser, on tx: any Database, audit: AuditRecorder,
                      today: CalendarDate = .today()) async throws {
        let request = try await ContactRequest.find(id, in: user.organisationID, on: tx)
        guard request.status == .open else { throw SynligError(.conflict, "contact.already_closed") }
        request.status = .closed
        request.closedReason = reason
        request.closedBy = user.id
        request.closedAt = Date()
        try await request.update(on: tx)
        if let tallyID = request.tallyID, let tally = try await ContactRequestTally.find(tallyID, on: tx) {
            tally.daysToHandle = max(0, CalendarDate(tally.receivedOn).map { $0.days(until: today) } ?? 0)
            try await tally.update(on: tx)
        }
        audit.record(action, "contact_request", id: id, organisation: user.organisationID)
    }

    /// The requests past their time by their organisation's rule (`ContactRequestRetention`):
    /// unhandled ones that many days after they came in, closed ones that many days after closing.
    static func purgeable(now: Date, on db: any Database) async throws -> QueryBuilder<ContactRequest> {
        let exceptions = try await ContactRequestRetention.exceptions(on: db)
        func due(_ rule: ContactRequestRetention, _ group: QueryBuilder<ContactRequest>) {
            let unhandledCutoff = now.addingTimeInterval(-Double(rule.unhandledDays) * 86400)
            let closedCutoff = now.addingTimeInterval(-Double(rule.closedDays) * 86400)
            group.group(.or) { either in
                either.group(.and) { $0.filter(\.$status == .open).filter(\.$createdAt < unhandledCutoff) }
                either.group(.and) { $0.filter(\.$status == .closed).filter(\.$closedAt < closedCutoff) }
            }
        }
        return ContactRequest.query(on: db).group(.or) { any in
            any.group(.and) { standard in
                if !exceptions.isEmpty { standard.filter(\.$organisationID !~ Array(exceptions.keys)) }
                due(.standard, standard)
            }
            for (organisationID, rule) in exceptions {
                any.group(.and) { own in
                    own.filter(\.$organisationID == organisationID)
                    due(rule, own)
                }
            }
        }
    }

    /// Deletes what is no longer needed; the audit trail records how many, never what was said.
    static func purge(now: Date = Date(), on db: any Database) async throws -> Int {
        try await AuditTrail.transaction(on: db, actor: .system) { tx, audit in
            let doomed = try await purgeable(now: now, on: tx).all()
            for request in doomed {
                try await request.delete(on: tx)
                audit.record("contact_request.purge", "contact_request", id: request.id, organisation: request.organisationID)
            }
            try await RateEvent.query(on: tx).filter(\.$occurredAt < now.addingTimeInterval(-86400)).delete()
            return doomed.count
        }
    }
}
