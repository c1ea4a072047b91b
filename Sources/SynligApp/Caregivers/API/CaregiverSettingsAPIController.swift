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
        /// The settings' version (1 while the defaults apply); also the ETag. A `PUT` names the version it
        /// changes here or in `If-Match`, so it cannot overwrite a colleague's change unseen.
        var version: Int?
    }
}

/// Written by hand only for `keepFilesDecision`: required when read (null allowed) and written
/// as null, where synthesized Codable would read a missing key as null and leave it out. In an
/// extension, so the memberwise initializer stays synthesized.
extension API.CaregiverSettingsOut {
    enum CodingKeys: String, CodingKey {
        case voluntarinessMonths, memoRetentionDays, consentReviewMonths, contactRequestUnhandledDays, contactRequestClosedDays, keepFilesDecision, version
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        voluntarinessMonths = try c.decode(Int.self, forKey: .voluntarinessMonths)
        memoRetentionDays = try c.decode(Int.self, forKey: .memoRetentionDays)
        consentReviewMonths = try c.decode(Int.self, forKey: .consentReviewMonths)
        contactRequestUnhandledDays = try c.decode(Int.self, forKey: .contactRequestUnhandledDays)
        contactRequestClosedDays = try c.decode(Int.self, forKey: .contactRequestClosedDays)
        // Before the required optional: `DecodedFields` stops recording at `String?`.
        version = try c.decodeIfPresent(Int.self, forKey: .version)
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
        try c.encodeIfPresent(version, forKey: .version)
    }
}

/// `GET` and `PUT /api/v1/caregiver-settings` (administrators and consultants): how often
/// voluntariness is asked and the consent stance reviewed, and how long memo notes and contact
/// requests are kept, and whether a decision keeps every file. A `PUT` sets all six, as the
/// settings page does, from the version it names.
struct CaregiverSettingsAPIController: APIRouteCollection {
    func boot(api: APIRoutes) throws {
        let keepers = api.signedIn.grouped(RequireRole(roles: [.admin, .consultant]))
        keepers.get("caregiver-settings", use: show)
        keepers.put("caregiver-settings", use: update)
    }

    @Sendable func show(req: Request) async throws -> Response {
        let settings = try await CaregiverSettingsController.current(try req.currentUser.organisationID, on: req.db)
        return try await versioned(settings, version: settings.version ?? CaregiverSettings.defaultsVersion, req: req)
    }

    @Sendable func update(req: Request) async throws -> Response {
        let body = try req.decodeStrict(API.CaregiverSettingsOut.self)
        let precondition = try EditPrecondition.of(req, bodyVersion: body.version)
        try await precondition.run {
            try await FollowUpService.saveSettings(
                voluntarinessMonths: body.voluntarinessMonths, memoRetentionDays: body.memoRetentionDays,
                consentReviewMonths: body.consentReviewMonths,
                contactRequestUnhandledDays: body.contactRequestUnhandledDays, contactRequestClosedDays: body.contactRequestClosedDays,
                keepFilesDecision: body.keepFilesDecision, version: precondition.version,
                by: try req.currentUser, on: req.db)
        }
        return try await show(req: req)
    }
}
