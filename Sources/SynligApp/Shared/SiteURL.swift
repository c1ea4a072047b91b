import Foundation
import Vapor

/// Every path of the staff and public web pages, built in one place so a link in a
/// template and the route that serves it cannot drift apart.
enum SiteURL: Sendable, Equatable {
    case home
    case login
    case logout
    case eidSignIn
    case stepUp
    case eidCallback
    case eidClientKeys
    case setup(token: String)
    case accountPassword
    case accountSecondFactor
    case accountSecondFactorRemove
    case loginSecondFactor
    case adminUnits
    case adminUnitNew
    case adminUnit(UUID)
    case adminUsers
    case adminUserNew
    case adminUser(UUID)
    case adminUserDeactivate(UUID)
    case adminUserReactivate(UUID)
    case adminUserSecondFactorReset(UUID)
    case auditTrail
    case accessLog
    case accessLogReviews
    case accessLogReviewNew
    case adminJobs
    case adminIdentityProviders
    case adminIdentityProviderNew
    case adminIdentityProvider(UUID)
    case adminSignInPolicy
    case language(Language)
    case mappings
    case mappingNew
    case mapping(UUID)
    case mappingStatus(UUID)
    case mappingResponses(UUID)
    case mappingResponse(UUID, UUID)
    case mappingResponseHistory(UUID, UUID)
    case mappingReflection(UUID)
    case mappingResults(UUID)
    case mappingGaps(UUID)
    case mappingReport(UUID)
    case mappingExportCSV(UUID)
    case mappingExportJSON(UUID)
    case plan
    case goalNew
    case goals
    case goal(UUID)
    case goalStatus(UUID)
    case goalActions(UUID)
    case goalFollowUps(UUID)
    case action(UUID)
    case routineCatalogue
    case banks
    case bank(UUID)
    case bankQuestions(UUID)
    case decisions
    case analysisNew
    case analyses
    case analysis(UUID)
    case procurementRequirements
    case procurementRecords
    case supportCatalogue
    case supportNew
    case supportOffering(UUID)
    case civilSociety
    case groupOccasions
    case groupOccasionNew
    case groupOccasion(UUID)
    case groupOccasionAttendance(UUID)
    case publicSupport(PublicLanguage)
    case publicMunicipality(PublicLanguage, code: String)
    case publicContact(PublicLanguage, code: String)
    case publicSelfCheck(PublicLanguage)
    case contactRequests
    case contactRequest(UUID)
    case referrals
    case referralsSent
    case referral(UUID)
    case referralCaregiver(UUID)
    case caregivers
    case caregiverNew
    case caregiverWorklist
    case caregiverSettings
    case caregiver(UUID)
    case caregiverPart(UUID, CaregiverPart)
    case relationship(UUID)
    case relationshipPart(UUID, RelationshipPart)
    case restrictionLift(UUID)
    /// A relationship's consent stance reviewed and confirmed unchanged.
    case consentReview(UUID)
    case restrictionReview(UUID)
    case invitationAttendance(UUID)
    case supportNeed(UUID)
    case feedback(UUID)
    case caregiverTaskDone(UUID)
    case recipients
    case recipient(UUID)
    case recipientContacts(UUID)
    case recipientExtract(UUID)
    case recipientExtractJSON(UUID)
    case recipientErase(UUID)
    case recipientCorrections(UUID)
    /// Striking one row of a caregiver's or a cared-for person's correction history.
    case correctionStrike(CorrectionStrike.Subject, UUID, UUID)
    /// The person's SIPs, discharges and patient contracts, and the forms that add to them.
    case recipientPlans(UUID)
    case recipientPlansPart(UUID, PlansPart)
    case coordinatedPlan(UUID)
    case coordinatedPlanPart(UUID, PlanPart)
    case responsibilityDone(UUID)
    case patientContract(UUID)
    case recipientTaskDone(UUID)
    case statistics
    case statisticsCSV
    case statisticsPublication
    case statisticsPopulation
    case statisticsNational
    case crisis
    case crisisPrint
    case crisisExport
    case crisisEvents
    case crisisEvent(UUID)
    case crisisEventContact(UUID, UUID)
    case crisisEventClose(UUID)

    /// The pages and forms under one caregiver's record.
    enum CaregiverPart: String, Sendable, CaseIterable {
        case edit, voluntariness, screening, plan, memos
        case fhir = "fhir.json"
        case relationshipNew = "relationships/new"
        case conversationNew = "conversations/new"
        case supportNew = "support/new"
        case feedbackNew = "feedback/new"
        case groupSignUp = "group-sign-ups"
        case extract
        case extractJSON = "extract.json"
        case erase
        case retention
        case referralNew = "referrals/new"
        case informationNew = "information/new"
        case informationNext = "information/next"
        case children
        case corrections
    }

    /// The forms under one care relationship.
    enum RelationshipPart: String, Sendable, CaseIterable {
        case edit, consents, restrictions, invitations
    }

    /// A stand-in id when a route is registered rather than linked.
    static let anyID = UUID(uuidString: "00000000-0000-0000-0000-000000000000")!

    private enum Segment {
        case fixed(String)
        case parameter(name: String, value: String)
    }

    private var segments: [Segment] {
        switch self {
        case .home: []
        case .login: [.fixed("login")]
        case .logout: [.fixed("logout")]
        case .eidSignIn: [.fixed("login"), .fixed("eid")]
        case .stepUp: [.fixed("login"), .fixed("step-up")]
        case .eidCallback: [.fixed("login"), .fixed("eid"), .fixed("callback")]
        case .eidClientKeys: [.fixed("login"), .fixed("eid"), .fixed("jwks.json")]
        case .setup(let token): [.fixed("setup"), .parameter(name: "token", value: token)]
        case .accountPassword: [.fixed("account"), .fixed("password")]
        case .accountSecondFactor: [.fixed("account"), .fixed("second-factor")]
        case .accountSecondFactorRemove: [.fixed("account"), .fixed("second-factor"), .fixed("remove")]
        case .loginSecondFactor: [.fixed("login"), .fixed("second-factor")]
        case .adminUnits: [.fixed("admin"), .fixed("units")]
        case .adminUnitNew: [.fixed("admin"), .fixed("units"), .fixed("new")]
        case .adminUnit(let id): [.fixed("admin"), .fixed("units"), .parameter(name: "id", value: id.uuidString)]
        case .adminUsers: [.fixed("admin"), .fixed("users")]
        case .adminUserNew: [.fixed("admin"), .fixed("users"), .fixed("new")]
        case .adminUser(let id): [.fixed("admin"), .fixed("users"), .parameter(name: "id", value: id.uuidString)]
        case .adminUserDeactivate(let id):
            [.fixed("admin"), .fixed("users"), .parameter(name: "id", value: id.uuidString), .fixed("deactivate")]
        case .adminUserReactivate(let id):
            [.fixed("admin"), .fixed("users"), .parameter(name: "id", value: id.uuidString), .fixed("reactivate")]
        case .adminUserSecondFactorReset(let id):
            [.fixed("admin"), .fixed("users"), .parameter(name: "id", value: id.uuidString), .fixed("second-factor"), .fixed("reset")]
        case .auditTrail: [.fixed("admin"), .fixed("audit")]
        case .accessLog: [.fixed("admin"), .fixed("access-log")]
        case .accessLogReviews: [.fixed("admin"), .fixed("access-log"), .fixed("reviews")]
        case .accessLogReviewNew: [.fixed("admin"), .fixed("access-log"), .fixed("reviews"), .fixed("new")]
        case .adminJobs: [.fixed("admin"), .fixed("jobs")]
        case .adminIdentityProviders: [.fixed("admin"), .fixed("identity-providers")]
        case .adminIdentityProviderNew: [.fixed("admin"), .fixed("identity-providers"), .fixed("new")]
        case .adminIdentityProvider(let id): [.fixed("admin"), .fixed("identity-providers"), .parameter(name: "id", value: id.uuidString)]
        case .adminSignInPolicy: [.fixed("admin"), .fixed("sign-in")]
        case .language(let language): [.fixed("language"), .parameter(name: "code", value: language.rawValue)]
        case .mappings: [.fixed("mappings")]
        case .mappingNew: [.fixed("mappings"), .fixed("new")]
        case .mapping(let id): Self.mappingSegments(id)
        case .mappingStatus(let id): Self.mappingSegments(id) + [.fixed("status")]
        case .mappingResponses(let id): Self.mappingSegments(id) + [.fixed("responses")]
        case .mappingResponse(let id, let response):
            Self.mappingSegments(id) + [.fixed("responses"), .parameter(name: "responseID", value: response.uuidString)]
        case .mappingResponseHistory(let id, let response):
            Self.mappingSegments(id) + [.fixed("responses"), .parameter(name: "responseID", value: response.uuidString), .fixed("history")]
        case .mappingReflection(let id): Self.mappingSegments(id) + [.fixed("reflections")]
        case .mappingResults(let id): Self.mappingSegments(id) + [.fixed("results")]
        case .mappingGaps(let id): Self.mappingSegments(id) + [.fixed("gaps")]
        case .mappingReport(let id): Self.mappingSegments(id) + [.fixed("report")]
        case .mappingExportCSV(let id): Self.mappingSegments(id) + [.fixed("answers.csv")]
        case .mappingExportJSON(let id): Self.mappingSegments(id) + [.fixed("answers.json")]
        case .plan: [.fixed("plan")]
        case .goals: [.fixed("plan"), .fixed("goals")]
        case .goalNew: [.fixed("plan"), .fixed("goals"), .fixed("new")]
        case .goal(let id): [.fixed("plan"), .fixed("goals"), .parameter(name: "id", value: id.uuidString)]
        case .goalStatus(let id): [.fixed("plan"), .fixed("goals"), .parameter(name: "id", value: id.uuidString), .fixed("status")]
        case .goalActions(let id): [.fixed("plan"), .fixed("goals"), .parameter(name: "id", value: id.uuidString), .fixed("actions")]
        case .goalFollowUps(let id): [.fixed("plan"), .fixed("goals"), .parameter(name: "id", value: id.uuidString), .fixed("follow-ups")]
        case .action(let id): [.fixed("plan"), .fixed("actions"), .parameter(name: "id", value: id.uuidString)]
        case .routineCatalogue: [.fixed("plan"), .fixed("routines")]
        case .banks: [.fixed("question-banks")]
        case .bank(let id): [.fixed("question-banks"), .parameter(name: "id", value: id.uuidString)]
        case .bankQuestions(let id): [.fixed("question-banks"), .parameter(name: "id", value: id.uuidString), .fixed("questions")]
        case .decisions: [.fixed("decisions")]
        case .analyses: [.fixed("decisions"), .fixed("analyses")]
        case .analysisNew: [.fixed("decisions"), .fixed("analyses"), .fixed("new")]
        case .analysis(let id): [.fixed("decisions"), .fixed("analyses"), .parameter(name: "id", value: id.uuidString)]
        case .procurementRequirements: [.fixed("decisions"), .fixed("procurement"), .fixed("requirements")]
        case .procurementRecords: [.fixed("decisions"), .fixed("procurement"), .fixed("records")]
        case .supportCatalogue: [.fixed("support")]
        case .supportNew: [.fixed("support"), .fixed("new")]
        case .supportOffering(let id): [.fixed("support"), .parameter(name: "id", value: id.uuidString)]
        case .civilSociety: [.fixed("support"), .fixed("organisations")]
        case .groupOccasions: [.fixed("support"), .fixed("occasions")]
        case .groupOccasionNew: [.fixed("support"), .fixed("occasions"), .fixed("new")]
        case .groupOccasion(let id): [.fixed("support"), .fixed("occasions"), .parameter(name: "id", value: id.uuidString)]
        case .groupOccasionAttendance(let id):
            [.fixed("support"), .fixed("occasions"), .parameter(name: "id", value: id.uuidString), .fixed("attendance")]
        case .publicSupport(let language): Self.publicRoot(language)
        case .publicMunicipality(let language, let code): Self.publicRoot(language) + [.parameter(name: "code", value: code)]
        case .publicContact(let language, let code):
            Self.publicRoot(language) + [.parameter(name: "code", value: code), .fixed(language == .sv ? "kontakt" : "contact")]
        case .publicSelfCheck(let language): Self.publicRoot(language) + [.fixed(language == .sv ? "sjalvtest" : "self-check")]
        case .contactRequests: [.fixed("support"), .fixed("requests")]
        case .contactRequest(let id): [.fixed("support"), .fixed("requests"), .parameter(name: "id", value: id.uuidString)]
        case .referrals: [.fixed("referrals")]
        case .referralsSent: [.fixed("referrals"), .fixed("sent")]
        case .referral(let id): [.fixed("referrals"), .parameter(name: "id", value: id.uuidString)]
        case .referralCaregiver(let id): [.fixed("referrals"), .parameter(name: "id", value: id.uuidString), .fixed("caregiver")]
        case .caregivers: [.fixed("caregivers")]
        case .caregiverNew: [.fixed("caregivers"), .fixed("new")]
        case .caregiverWorklist: [.fixed("caregivers"), .fixed("worklist")]
        case .caregiverSettings: [.fixed("caregivers"), .fixed("settings")]
        case .caregiver(let id): [.fixed("caregivers"), .parameter(name: "id", value: id.uuidString)]
        case .caregiverPart(let id, let part):
            [.fixed("caregivers"), .parameter(name: "id", value: id.uuidString)] + part.rawValue.split(separator: "/").map { .fixed(String($0)) }
        case .relationship(let id): Self.caregiverChild("relationships", id)
        case .relationshipPart(let id, let part): Self.caregiverChild("relationships", id) + [.fixed(part.rawValue)]
        case .restrictionLift(let id): Self.caregiverChild("restrictions", id) + [.fixed("lift")]
        case .consentReview(let id): Self.caregiverChild("relationships", id) + [.fixed("consent-review")]
        case .restrictionReview(let id): Self.caregiverChild("restrictions", id) + [.fixed("review")]
        case .invitationAttendance(let id): Self.caregiverChild("invitations", id) + [.fixed("attendance")]
        case .supportNeed(let id): Self.caregiverChild("support", id)
        case .feedback(let id): Self.caregiverChild("feedback", id)
        case .caregiverTaskDone(let id): Self.caregiverChild("tasks", id) + [.fixed("done")]
        case .recipients: [.fixed("recipients")]
        case .recipient(let id): [.fixed("recipients"), .parameter(name: "id", value: id.uuidString)]
        case .recipientContacts(let id): [.fixed("recipients"), .parameter(name: "id", value: id.uuidString), .fixed("contacts.csv")]
        case .recipientExtract(let id): [.fixed("recipients"), .parameter(name: "id", value: id.uuidString), .fixed("extract")]
        case .recipientExtractJSON(let id): [.fixed("recipients"), .parameter(name: "id", value: id.uuidString), .fixed("extract.json")]
        case .recipientErase(let id): [.fixed("recipients"), .parameter(name: "id", value: id.uuidString), .fixed("erase")]
        case .recipientCorrections(let id): [.fixed("recipients"), .parameter(name: "id", value: id.uuidString), .fixed("corrections")]
        case .correctionStrike(let subject, let id, let entry):
            [.fixed(subject.rawValue), .parameter(name: "id", value: id.uuidString), .fixed("corrections"),
             .parameter(name: "entryId", value: entry.uuidString), .fixed("strike")]
        case .recipientPlans(let id): [.fixed("recipients"), .parameter(name: "id", value: id.uuidString), .fixed("plans")]
        case .recipientPlansPart(let id, let part):
            [.fixed("recipients"), .parameter(name: "id", value: id.uuidString), .fixed("plans"), .fixed(part.rawValue)]
        case .coordinatedPlan(let id): [.fixed("plans"), .parameter(name: "id", value: id.uuidString)]
        case .coordinatedPlanPart(let id, let part): [.fixed("plans"), .parameter(name: "id", value: id.uuidString), .fixed(part.rawValue)]
        case .responsibilityDone(let id): [.fixed("plans"), .fixed("responsibilities"), .parameter(name: "id", value: id.uuidString), .fixed("done")]
        case .patientContract(let id): [.fixed("plans"), .fixed("contracts"), .parameter(name: "id", value: id.uuidString)]
        case .recipientTaskDone(let id): [.fixed("recipients"), .fixed("tasks"), .parameter(name: "id", value: id.uuidString), .fixed("done")]
        case .statistics: [.fixed("statistics")]
        case .statisticsCSV: [.fixed("statistics.csv")]
        case .statisticsPublication: [.fixed("statistics"), .fixed("publication")]
        case .statisticsPopulation: [.fixed("statistics"), .fixed("population")]
        case .statisticsNational: [.fixed("statistics"), .fixed("national")]
        case .crisis: [.fixed("crisis")]
        case .crisisPrint: [.fixed("crisis"), .fixed("print")]
        case .crisisExport: [.fixed("crisis"), .fixed("export")]
        case .crisisEvents: [.fixed("crisis"), .fixed("events")]
        case .crisisEvent(let id): [.fixed("crisis"), .fixed("events"), .parameter(name: "id", value: id.uuidString)]
        case .crisisEventContact(let id, let contact):
            [.fixed("crisis"), .fixed("events"), .parameter(name: "id", value: id.uuidString), .fixed("contacts"),
             .parameter(name: "contactID", value: contact.uuidString)]
        case .crisisEventClose(let id): [.fixed("crisis"), .fixed("events"), .parameter(name: "id", value: id.uuidString), .fixed("close")]
        }
    }

    /// The caregivers' pages: `/stod` in Swedish, `/en/support` in English, `/fi/support` …
    private static func publicRoot(_ language: PublicLanguage) -> [Segment] {
        language == .sv ? [.fixed("stod")] : [.fixed(language.code), .fixed("support")]
    }

    /// The public language whose pages `path` lies under, also when no page there exists: a
    /// caregiver who mistypes `/fi/support/…` is told so in Finnish.
    static func publicLanguage(of path: String, among languages: [PublicLanguage]) -> PublicLanguage? {
        let segments = path.split(separator: "/").map(String.init)
        return languages.first { language in
            segments.starts(with: publicRoot(language).map { segment in
                if case .fixed(let name) = segment { name } else { "" }
            })
        }
    }

    /// Records that hang off a caregiver's record but are addressed by their own id.
    /// The forms on a person's SIP page.
    enum PlansPart: String, Sendable, CaseIterable {
        case discharges, offers, contracts
    }

    /// The forms on one SIP's page.
    enum PlanPart: String, Sendable, CaseIterable {
        case outcome, responsibilities
    }

    private static func caregiverChild(_ kind: String, _ id: UUID) -> [Segment] {
        [.fixed("caregivers"), .fixed(kind), .parameter(name: "id", value: id.uuidString)]
    }

    private static func mappingSegments(_ id: UUID) -> [Segment] {
        [.fixed("mappings"), .parameter(name: "id", value: id.uuidString)]
    }

    /// The path to link to.
    var path: String {
        "/" + segments.map {
            switch $0 {
            case .fixed(let text): text
            case .parameter(_, let value): value
            }
        }.joined(separator: "/")
    }

    /// The path pattern to register the route under.
    var pattern: [PathComponent] {
        segments.map {
            switch $0 {
            case .fixed(let text): .constant(text)
            case .parameter(let name, _): .parameter(name)
            }
        }
    }

    /// Only paths on this site may be returned to; `//host` and `/\host` would leave it.
    static func safeReturnPath(_ candidate: String?) -> String? {
        guard let candidate, candidate.hasPrefix("/"), !candidate.hasPrefix("//"),
              !candidate.contains("\\"), candidate.count < 512,
              !candidate.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) })
        else { return nil }
        return candidate
    }
}

extension Request {
    /// The UUID in the path parameter `id`; a malformed one is simply not found.
    func idParameter(_ name: String = "id") throws -> UUID {
        guard let text = parameters.get(name), let id = UUID(uuidString: text) else {
            throw SynligError.notFound
        }
        return id
    }
}
