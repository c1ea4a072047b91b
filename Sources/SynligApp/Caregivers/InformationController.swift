import Fluent
import SynligCore
import Vapor

/// The record's forms for keeping consent and information current: information given, the
/// next information occasion, children in the household, and a consent stance reviewed unchanged.
struct InformationController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let readers = routes.recordReaders(.consultant, .caseOfficer, .staff)
        for part in [SiteURL.CaregiverPart.informationNew, .informationNext, .children] {
            readers.get(SiteURL.caregiverPart(SiteURL.anyID, part).pattern) { try await self.form(req: $0, part: part) }
            readers.post(SiteURL.caregiverPart(SiteURL.anyID, part).pattern) { try await self.save(req: $0, part: part) }
        }
        readers.post(SiteURL.consentReview(SiteURL.anyID).pattern, use: confirmConsent)
    }

    private func fields(_ req: Request, caregiverID: UUID, part: SiteURL.CaregiverPart, values: FormValues,
                        errors: FormErrors) async throws -> FormBuilder {
        var form = FormBuilder(req, values: values, errors: errors)
        switch part {
        case .informationNew:
            form.choice("topic", "information.field.topic", InformationTopic.self, prefix: "information.topic", blank: true)
            form.textarea("topicText", "information.field.topic_text", hint: "information.field.topic_text_hint", rows: 3, maxLength: 2000)
            // General information comes first: an untouched form claims no consent it does not have.
            form.choice("scope", "information.field.scope", InformationScope.self, prefix: "information.scope", hint: "information.field.scope_hint")
            form.options("relationshipId", "information.field.relationship", try await relationshipOptions(req, caregiverID: caregiverID),
                         hint: "information.field.relationship_hint", blankKey: "information.no_relationship")
            form.date("givenOn", "information.field.given_on")
            form.date("nextOn", "information.field.next_on", hint: "information.field.next_on_hint")
        case .informationNext:
            form.date("nextOn", "information.field.next_on")
        case .children:
            form.classification("situation", "children.field.situation", ChildrenInHousehold.self, prefix: "children.situation",
                                hint: "children.field.situation_hint")
            form.text("count", "children.field.count", hint: "children.field.count_hint", kind: .number, maxLength: 2)
        default:
            break
        }
        return form
    }

    /// The people this caregiver cares for that the user may see, for "within which relationship".
    private func relationshipOptions(_ req: Request, caregiverID: UUID) async throws -> [(value: String, label: String)] {
        let user = try req.currentUser
        let relationships = try await CareRelationship.scoped(to: user.organisationID, on: req.db).filter(\.$caregiverID == caregiverID)
            .sort(\.$createdAt).all()
        let recipients = try await CaregiverAccess.recipients(for: user, on: req.db).filter(\.$id ~~ relationships.map(\.recipientID)).all()
        let names = Dictionary(uniqueKeysWithValues: try recipients.map { (try $0.requireID(), $0.name) })
        return try relationships.compactMap { relationship in
            guard let name = names[relationship.recipientID] else { return nil }
            return (value: try relationship.requireID().uuidString, label: name)
        }
    }

    private func render(_ req: Request, caregiver: Caregiver, part: SiteURL.CaregiverPart, values: FormValues, errors: FormErrors,
                        notice: String?, status: HTTPResponseStatus = .ok) async throws -> Response {
        let id = try caregiver.requireID()
        let form = try await fields(req, caregiverID: id, part: part, values: values, errors: errors)
        let key = part.rawValue.replacingOccurrences(of: "/", with: "_")
        return try await req.renderForm(titleKey: "followup.\(key)_title", titleArguments: [caregiver.name], form: form,
                                        action: SiteURL.caregiverPart(id, part).path, version: part == .children ? caregiver.version : nil,
                                        introKey: "followup.\(key)_intro", notice: notice, backHref: SiteURL.caregiver(id).path,
                                        backKey: "caregiver.back_record", status: status)
    }

    func form(req: Request, part: SiteURL.CaregiverPart) async throws -> Response {
        let user = try req.currentUser
        let caregiver = try await CaregiverAccess.caregiver(try req.idParameter(), for: user, on: req.db)
        try await req.logAccess(recordType: .caregiver, recordID: try caregiver.requireID())
        let today = CalendarDate.today()
        var values: [(String, String)] = []
        switch part {
        case .informationNew:
            values = [("givenOn", today.iso), ("scope", InformationScope.general.rawValue)]
            // From the children prompt: the topic is already chosen.
            if let topic = req.query[String.self, at: "topic"].flatMap(InformationTopic.init(rawValue:)) { values.append(("topic", topic.rawValue)) }
        case .children:
            values = [("situation", caregiver.childrenInHousehold.rawValue), ("count", caregiver.childrenCount.map(String.init) ?? "")]
        default: break
        }
        return try await render(req, caregiver: caregiver, part: part, values: FormValues(values), errors: .none, notice: nil)
    }

    func save(req: Request, part: SiteURL.CaregiverPart) async throws -> Response {
        let user = try req.currentUser
        let id = try req.idParameter()
        return try await req.submitForm(render: { values, errors, notice, status in
            let caregiver = try await CaregiverAccess.caregiver(id, for: user, on: req.db)
            return try await render(req, caregiver: caregiver, part: part, values: values, errors: errors, notice: notice, status: status)
        }, save: { values in
            switch part {
            case .informationNew:
                _ = try await InformationService.record(caregiverID: id, try values.decode(InformationInput.self), by: user, on: req.db)
            case .informationNext:
                _ = try await InformationService.scheduleNext(caregiverID: id, nextOn: values["nextOn"], by: user, on: req.db)
            case .children:
                _ = try await InformationService.saveChildren(caregiverID: id, ChildrenInput(situation: values["situation"], count: values["count"],
                                                                                            version: values.int("version")), by: user, on: req.db)
            default:
                throw SynligError.notFound
            }
            return req.redirect(to: SiteURL.caregiver(id).path)
        })
    }

    /// "Reviewed, unchanged" from the record: the button carries the latest entry the reviewer saw.
    @Sendable func confirmConsent(req: Request) async throws -> Response {
        let user = try req.currentUser
        let values = FormValues(request: req)
        let relationship = try await CaregiverAccess.relationship(try req.idParameter(), for: user, on: req.db)
        _ = try await ConsentService.confirmUnchanged(relationshipID: try relationship.requireID(), sequence: values.int("sequence"), by: user, on: req.db)
        return req.redirect(to: SiteURL.safeReturnPath(values["return"]) ?? SiteURL.caregiver(relationship.caregiverID).path)
    }
}
