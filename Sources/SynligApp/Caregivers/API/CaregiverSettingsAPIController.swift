import Vapor

extension API {
    /// The caregiver register's settings, as the settings page shows them.
    struct CaregiverSettingsOut: Content, Equatable, StrictJSONBody {
        var voluntarinessMonths: Int
        var memoRetentionDays: Int
        var consentReviewMonths: Int
        var contactRequestUnhandledDays: Int
        var contactRequestClosedDays: Int
        /// The decision to keep every file (null: files are purged by the law's rule). Required in
        /// a `PUT`, null included, so a client that leaves it out never ends a decision unawares.
        var keepFilesDecision: String?
    }
}

/// Written by hand only for `keepFilesDecision`: required when read (null allowed) and written
/// as null, where synthesized Codable would read a missing key as null and leave it out. In an
/// extension, so the memberwise initializer stays synthesized.
extension API.CaregiverSettingsOut {
    enum CodingKeys: String, CodingKey {
        case voluntarinessMonths, memoRetentionDays, consentReviewMonths, contactRequestUnhandledDays, contactRequestClosedDays, keepFilesDecision
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        voluntarinessMonths = try c.decode(Int.self, forKey: .voluntarinessMonths)
        memoRetentionDays = try c.decode(Int.self, forKey: .memoRetentionDays)
        consentReviewMonths = try c.decode(Int.self, forKey: .consentReviewMonths)
        contactRequestUnhandledDays = try c.decode(Int.self, forKey: .contactRequestUnhandledDays)
        contactRequestClosedDays = try c.decode(Int.self, forKey: .contactRequestClosedDays)
        keepFilesDecision = try c.decode(String?.self, forKey: .keepFilesDecision)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(voluntarinessMonths, forKey: .voluntarinessMonths)
        try c.encode(memoRetentionDays, forKey: .memoRetentionDays)
        try c.encode(consentReviewMonths, forKey: .consentReviewMonths)
        try c.encode(contactRequestUnhandledDays, forKey: .contactRequestUnhandledDays)
        try c.encode(contactRequestClosedDays, forKey: .contactRequestClosedDays)
        try c.encode(keepFilesDecision, forKey: .keepFilesDecision)   // null when none
    }
}

/// `GET` and `PUT /api/v1/caregiver-settings` (administrators and consultants): how often
/// voluntariness is asked and the consent stance reviewed, and how long memo notes and contact
/// requests are kept, and whether a decision keeps every file. A `PUT` sets all six, as the
/// settings page does.
struct CaregiverSettingsAPIController: APIRouteCollection {
    func boot(api: APIRoutes) throws {
        let keepers = api.signedIn.grouped(RequireRole(roles: [.admin, .consultant]))
        keepers.get("caregiver-settings", use: show)
        keepers.put("caregiver-settings", use: update)
    }

    @Sendable func show(req: Request) async throws -> API.CaregiverSettingsOut {
        try await CaregiverSettingsController.current(try req.currentUser.organisationID, on: req.db)
    }

    @Sendable func update(req: Request) async throws -> API.CaregiverSettingsOut {
        let body = try req.decodeStrict(API.CaregiverSettingsOut.self)
        try await FollowUpService.saveSettings(
            voluntarinessMonths: body.voluntarinessMonths, memoRetentionDays: body.memoRetentionDays,
            consentReviewMonths: body.consentReviewMonths,
            contactRequestUnhandledDays: body.contactRequestUnhandledDays, contactRequestClosedDays: body.contactRequestClosedDays,
            keepFilesDecision: body.keepFilesDecision,
            by: try req.currentUser, on: req.db)
        return try await show(req: req)
    }
}
