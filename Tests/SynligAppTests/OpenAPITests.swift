import Foundation
import OpenAPIKit30
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

/// `Resources/openapi.yaml` is the single source of the API's contract. These tests prove it
/// against the code: every route is documented, every request body lists exactly the fields the
/// handler accepts, and (through `APIClient`) every answer of the API tests fits its schema.
@Suite("OpenAPI document")
struct OpenAPITests {
    /// The body each operation's handler decodes, read off the controllers. An operation with a
    /// request body and no entry here fails the test, so a new endpoint cannot be forgotten.
    static let requestBodies: [String: any StrictJSONBody.Type] = [
        "POST /auth/token": API.TokenRequest.self,

        "POST /group-occasions": API.GroupOccasionCreate.self,
        "POST /group-occasions/{id}/sign-ups": API.GroupSignUpCreate.self,
        "PUT /group-sign-ups/{id}/attendance": API.GroupAttendanceUpdate.self,

        "PUT /statistics/population": API.StatisticsSettingsOut.Population.self,
        "PUT /caregiver-settings": API.CaregiverSettingsOut.self,
        "PUT /statistics/publication": API.StatisticsPublicationIn.self,
        "POST /access-log/reviews": NewRecord<AccessLogReviewInput>.self,

        "POST /units": API.UnitCreate.self,
        "PUT /units/{id}": API.UnitUpdate.self,
        "POST /users": API.UserCreate.self,
        "PUT /users/{id}": API.UserUpdate.self,

        "POST /mappings": API.MappingCreate.self,
        "POST /mappings/{id}/status": API.MappingStatusChange.self,
        "POST /mappings/{id}/responses": API.ResponseCreate.self,
        "PUT /mappings/{id}/responses/{responseId}/answers": API.AnswersUpdate.self,
        "PUT /mappings/{id}/reflections/{areaKey}": API.ReflectionUpdate.self,

        "POST /goals": API.GoalCreate.self,
        "POST /goals/{id}/status": API.GoalStatusChange.self,
        "POST /goals/{id}/actions": API.ActionCreate.self,
        "PUT /actions/{id}": API.ActionUpdate.self,
        "POST /goals/{id}/follow-ups": API.FollowUpCreate.self,

        "POST /support-offerings": NewRecord<OfferingInput>.self,
        "PUT /support-offerings/{id}": OfferingInput.self,
        "POST /civil-society-organisations": API.CivilSocietyCreate.self,
        "POST /contact-requests/{id}/close": API.ContactRequestClose.self,
        "POST /contact-requests/{id}/caregiver": API.CaregiverFields.self,
        "POST /caregivers/{id}/referrals": API.ReferralCreate.self,
        "POST /referrals/received/{id}/status": API.ReferralStatusChange.self,
        "POST /referrals/received/{id}/caregiver": API.CaregiverFields.self,

        "POST /caregivers": API.CaregiverFields.self,
        "POST /caregivers/search": API.CaregiverSearch.self,
        "PUT /caregivers/{id}": API.Edit<API.CaregiverFields>.self,
        "POST /recipients": API.RecipientFields.self,
        "PUT /recipients/{id}": API.Edit<API.RecipientFields>.self,
        "POST /caregivers/{id}/relationships": API.RelationshipCreate.self,
        "PUT /relationships/{id}": API.Edit<API.RelationshipFields>.self,
        "POST /relationships/{id}/consents": ConsentInput.self,
        "POST /relationships/{id}/consent-reviews": API.ConsentReviewIn.self,
        "POST /caregivers/{id}/information": InformationInput.self,
        "PUT /caregivers/{id}/information-schedule": API.InformationSchedule.self,
        "PUT /caregivers/{id}/children": API.ChildrenIn.self,
        "POST /relationships/{id}/restrictions": RestrictionInput.self,
        "POST /restrictions/{id}/lift": API.RestrictionLift.self,
        "POST /caregivers/{id}/erasure": API.Erasure.self,
        "POST /recipients/{id}/erasure": API.Erasure.self,
        "POST /caregivers/{id}/corrections/{entryId}/strike": API.Erasure.self,
        "POST /recipients/{id}/corrections/{entryId}/strike": API.Erasure.self,
        "POST /caregivers/{id}/retention-exemption": API.RetentionExemptionIn.self,
        "POST /restrictions/{id}/review": API.RestrictionReview.self,
        "POST /relationships/{id}/invitations": API.InvitationCreate.self,
        "POST /recipients/{id}/discharges": DischargeInput.self,
        "POST /recipients/{id}/coordinated-plans": PlanOfferInput.self,
        "POST /coordinated-plans/{id}/outcomes": PlanOutcomeInput.self,
        "POST /coordinated-plans/{id}/responsibilities": ResponsibilityInput.self,
        "POST /recipients/{id}/patient-contracts": PatientContractInput.self,
        "POST /patient-contracts/{id}/follow-up": ContractFollowUpInput.self,
        "POST /invitations/{id}/attendance": API.AttendanceUpdate.self,

        "POST /caregivers/{id}/conversations": ConversationInput.self,
        "POST /caregivers/{id}/voluntariness": VoluntarinessInput.self,
        "POST /caregivers/{id}/screenings": API.ScreeningCreate.self,
        "PUT /caregivers/{id}/support-plan": API.SupportPlanUpdate.self,
        "POST /caregivers/{id}/support-needs": API.SupportNeedFields.self,
        "PUT /support-needs/{id}": API.Edit<API.SupportNeedFields>.self,
        "POST /caregivers/{id}/feedback": API.FeedbackFields.self,
        "PUT /feedback/{id}": API.Edit<API.FeedbackFields>.self,
        "POST /caregivers/{id}/memo-notes": API.MemoCreate.self,
    ]

    /// The property names an object schema documents, through `allOf`.
    static func propertyNames(_ schema: DereferencedJSONSchema) -> Set<String>? {
        switch schema {
        // OpenAPIKit invents a bare property for a name that is only in `required`; it is not documented.
        case .object(_, let object): Set(object.properties.filter { !$0.value.inferred }.map(\.key))
        case .all(let parts, _):
            parts.reduce(Set<String>()) { names, part in names.union(propertyNames(part) ?? []) }
        default: nil
        }
    }

    /// The schema of one property, through `allOf`.
    static func property(_ name: String, of schema: DereferencedJSONSchema) -> DereferencedJSONSchema? {
        switch schema {
        case .object(_, let object): object.properties[name]
        case .all(let parts, _): parts.lazy.compactMap { property(name, of: $0) }.first
        default: nil
        }
    }

    @Test("openapi.yaml decodes as OpenAPI 3.0 and passes OpenAPIKit's validation, references resolved")
    func documentIsValid() throws {
        let contract = try OpenAPIContract.loaded.get()
        #expect(contract.version.hasPrefix("3.0"))
        #expect(contract.warnings.isEmpty, "\(contract.warnings)")
        #expect(contract.prefix == "/api/v1")
        #expect(!contract.operations.isEmpty)
        let unauthorizedUndocumented = contract.operations.filter { $0.secured && $0.responses["401"] == nil }.map(\.name)
        #expect(unauthorizedUndocumented.isEmpty, "need a token but document no 401: \(unauthorizedUndocumented)")
        // Every operation reads the database, which can be restarting: 503 with Retry-After (`DatabaseOutageTests`).
        let outageUndocumented = contract.operations.filter { $0.responses["503"] == nil }.map(\.name)
        #expect(outageUndocumented.isEmpty, "document no 503: \(outageUndocumented)")
    }

    @Test("Every /api/v1 route is documented in openapi.yaml, and every documented operation exists")
    func specMatchesRoutes() async throws {
        let contract = try OpenAPIContract.loaded.get()
        let documented = Set(contract.operations.map(\.name))
        try await withSynlig { app in
            let response = try await app.testing().sendRequest(.GET, "/api/v1/openapi.yaml")
            #expect(response.status == .ok)
            #expect(response.body.string == (try String(contentsOf: OpenAPIContract.url, encoding: .utf8)))
            let routed = Set(app.routes.all.compactMap { route -> String? in
                let path = "/" + route.path.map { component -> String in
                    if case .parameter(let name) = component { return "{\(name)}" }
                    return component.description
                }.joined(separator: "/")
                guard path.hasPrefix("/api/v1/"), path != "/api/v1/openapi.yaml" else { return nil }
                return "\(route.method.rawValue) \(path.dropFirst("/api/v1".count))"
            })
            #expect(!routed.isEmpty)
            #expect(routed.subtracting(documented).isEmpty, "undocumented: \(routed.subtracting(documented).sorted())")
            #expect(documented.subtracting(routed).isEmpty, "documented but missing: \(documented.subtracting(routed).sorted())")
        }
    }

    @Test("Every documented request body lists exactly the fields its handler accepts")
    func requestBodiesMatchTheCode() throws {
        let contract = try OpenAPIContract.loaded.get()
        let withBody = contract.operations.filter { !$0.requestContentTypes.isEmpty }
        #expect(!withBody.isEmpty)
        for operation in withBody {
            #expect(operation.requestContentTypes == ["application/json"],
                    "\(operation.name) takes \(operation.requestContentTypes); the API reads JSON only")
            guard let body = Self.requestBodies[operation.name] else {
                Issue.record(Comment(rawValue: "\(operation.name) has a request body but no entry in OpenAPITests.requestBodies"))
                continue
            }
            guard let schema = operation.requestBody, let documented = Self.propertyNames(schema) else {
                Issue.record(Comment(rawValue: "\(operation.name): the request body's schema is not an object"))
                continue
            }
            let accepted = body.allowedKeys
            #expect(documented == accepted, """
                \(operation.name) (\(body)): documented but refused: \(documented.subtracting(accepted).sorted()); \
                accepted but undocumented: \(accepted.subtracting(documented).sorted())
                """)
        }
        let documentedNames = Set(withBody.map(\.name))
        for name in Self.requestBodies.keys.sorted() where !documentedNames.contains(name) {
            Issue.record(Comment(rawValue: "\(name) decodes a body, but openapi.yaml documents no request body for it"))
        }
    }

    @Test("An answer sheet's per-item answer lists exactly the fields the handler accepts")
    func answerFieldsMatchTheCode() throws {
        let contract = try OpenAPIContract.loaded.get()
        let operation = try #require(contract.operations.first { $0.name == "PUT /mappings/{id}/responses/{responseId}/answers" })
        let answers = try #require(operation.requestBody.flatMap { Self.property("answers", of: $0) })
        guard case .object(_, let map) = answers, case .b(let answer)? = map.additionalProperties else {
            Issue.record(Comment(rawValue: "answers is not documented as a map of item key to answer"))
            return
        }
        #expect(Self.propertyNames(answer) == API.AnswersUpdate.answerKeys)
    }

    @Test("The schema check catches what it is meant to catch")
    func schemaCheckCatches() throws {
        let contract = try OpenAPIContract.loaded.get()
        func problems(_ json: String, status: Int = 200, path: String = "/api/v1/units", method: String = "GET",
                      contentType: String = "application/json") -> [String] {
            contract.problems(method: method, path: path, status: status, contentType: contentType, body: Data(json.utf8))
        }
        let unit = #"{"id":"\#(UUID())","name":"Hemtjänst","kind":"homeCare","active":true,"version":1}"#
        #expect(problems("[\(unit)]").isEmpty)
        #expect(problems("[\(unit)]", status: 299).count == 1)
        #expect(problems(#"[{"id":"x","name":"H","kind":"nowhere","active":"yes","version":1.5}]"#).count == 4)
        #expect(problems(#"[{"name":"H","kind":"homeCare","active":true,"version":1}]"#).count == 1)
        #expect(problems(#"[{"id":null,"name":"H","kind":"homeCare","active":true,"version":1}]"#).count == 1)
        #expect(problems(#"{"type":"about:blank","title":"Not Found","status":404,"detail":"x"}"#, status: 404,
                         path: "/api/v1/units/\(UUID())", contentType: "application/problem+json").isEmpty)
        #expect(problems("{}", path: "/api/v1/nowhere").count == 1)
        #expect(problems(#"{"type":"about:blank","title":"Not Found","status":404,"detail":"x"}"#, status: 404,
                         path: "/api/v1/nowhere", contentType: "application/problem+json").isEmpty)
        #expect(problems("{}", path: "/elsewhere").isEmpty)
    }
}
