import Vapor

extension API {
    /// The caregiver register's settings, as the settings page shows them.
    struct CaregiverSettingsOut: Content, Equatable, StrictJSONBody {
        var voluntarinessMonths: Int
        var memoRetentionDays: Int
        var consentReviewMonths: Int
        var contactRequestUnhandledDays: Int
        var contactRequestClosedDays: Int
    }
}

/// `GET` and `PUT /api/v1/caregiver-settings` (administrators and consultants): how often
/// voluntariness is asked and the consent stance reviewed, and how long memo notes and contact
/// requests are kept. A `PUT` sets all five, as the settings page does.
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
            by: try req.currentUser, on: req.db)
        return try await show(req: req)
    }
}
