import Fluent
import SynligCore
import Vapor

/// A support offering as the staff form and `/api/v1` send it — the one list of its fields.
/// Everything is optional here; the service checks it and fills in what was left out.
package struct OfferingInput: Decodable, Sendable {
    var name: String?
    var kind: String?
    var provider: String?
    var providerName: String?
    var civilSocietyId: String?
    var targetGroups: [String]?
    var needsAssessment: Bool?
    var cost: String?
    var languages: [String]?
    var interpreter: Bool?
    var accessibility: String?
    var address: String?
    var schedule: String?
    var phone: String?
    var email: String?
    var website: String?
    var description: String?
    var eligibility: String?
    var lastChecked: String?
    var published: Bool?
    var version: Int?

    package init(name: String? = nil, kind: String? = nil, provider: String? = nil, providerName: String? = nil,
                 civilSocietyId: String? = nil, targetGroups: [String]? = nil, needsAssessment: Bool? = nil, cost: String? = nil,
                 languages: [String]? = nil, interpreter: Bool? = nil, accessibility: String? = nil, address: String? = nil,
                 schedule: String? = nil, phone: String? = nil, email: String? = nil, website: String? = nil,
                 description: String? = nil, eligibility: String? = nil, lastChecked: String? = nil, published: Bool? = nil,
                 version: Int? = nil) {
        self.name = name
        self.kind = kind
        self.provider = provider
        self.providerName = providerName
        self.civilSocietyId = civilSocietyId
        self.targetGroups = targetGroups
        self.needsAssessment = needsAssessment
        self.cost = cost
        self.languages = languages
        self.interpreter = interpreter
        self.accessibility = accessibility
        self.address = address
        self.schedule = schedule
        self.phone = phone
        self.email = email
        self.website = website
        self.description = description
        self.eligibility = eligibility
        self.lastChecked = lastChecked
        self.published = published
        self.version = version
    }

    /// The stored offering, to edit.
    init(_ offering: SupportOffering) {
        self.init(name: offering.name, kind: offering.kind.rawValue, provider: offering.provider.rawValue, providerName: offering.providerName,
                  civilSocietyId: offering.civilSocietyID?.uuidString, targetGroups: offering.targetGroups.map(\.rawValue),
                  needsAssessment: offering.needsAssessment, cost: offering.cost, languages: Array(offering.languages),
                  interpreter: offering.interpreter, accessibility: offering.accessibility, address: offering.address,
                  schedule: offering.schedule, phone: offering.phone, email: offering.email, website: offering.website,
                  description: offering.description, eligibility: offering.eligibility, lastChecked: offering.lastChecked,
                  published: offering.published, version: offering.version)
    }
}

/// The support catalogue's rules, for staff pages and the API alike. Consultants, strategists
/// and administrators keep the catalogue; every change is audited.
package enum SupportService {
    static let editors: Set<Role> = [.admin, .strategist, .consultant]
    static let maxText = TextLimit.longText

    package static func save(_ id: UUID?, _ input: OfferingInput, by user: CurrentUser, on db: any Database) async throws -> SupportOffering {
        guard user.hasAny(editors) else { throw SynligError.forbidden }
        // Look the offering up before judging the input: another organisation's id is 404,
        // never a 422 that would confirm nothing and hide that the offering is not there.
        if let id { _ = try await SupportOffering.find(id, in: user.organisationID, on: db) }
        var problems: [SynligError.FieldProblem] = []
        func text(_ value: String?, _ field: String, required: Bool = false, max: Int = maxText, multiline: Bool = true) -> String {
            let (text, problem) = TextInput.check(value, required: required, maxLength: max, multiline: multiline)
            if let problem { problems.append(.init(field: field, messageKey: problem.rawValue)) }
            return text
        }
        let name = text(input.name, "name", required: true, max: 200, multiline: false)
        let kind = input.kind.flatMap(SupportKind.init(rawValue:))
        if kind == nil { problems.append(.init(field: "kind", messageKey: "support.kind_invalid")) }
        let provider = input.provider.flatMap(SupportProvider.init(rawValue:))
        if provider == nil { problems.append(.init(field: "provider", messageKey: "support.provider_invalid")) }
        let providerName = text(input.providerName, "providerName", max: 200, multiline: false)
        let groups = Set((input.targetGroups ?? []).compactMap(SupportTargetGroup.init(rawValue:)))
        if groups.count != Set(input.targetGroups ?? []).count || groups.isEmpty { problems.append(.init(field: "targetGroups", messageKey: "support.groups_invalid")) }
        let languages = Set((input.languages ?? []).filter { SupportLanguage.codes.contains($0) })
        if languages.count != Set(input.languages ?? []).count || languages.isEmpty { problems.append(.init(field: "languages", messageKey: "support.languages_invalid")) }
        let email = input.email?.trimmingCharacters(in: .whitespaces) ?? ""
        if !email.isEmpty, TextInput.checkEmail(email).problem != nil { problems.append(.init(field: "email", messageKey: "input.invalid_email")) }
        let website = text(input.website, "website", max: 300, multiline: false)
        if !website.isEmpty, !(website.hasPrefix("https://") || website.hasPrefix("http://")) {
            problems.append(.init(field: "website", messageKey: "support.website_invalid"))
        }
        let lastChecked = CalendarDate(input.lastChecked)
        if lastChecked == nil { problems.append(.init(field: "lastChecked", messageKey: "input.invalid_date")) }
        let values = (cost: text(input.cost, "cost"), accessibility: text(input.accessibility, "accessibility"),
                      address: text(input.address, "address"), schedule: text(input.schedule, "schedule"),
                      phone: text(input.phone, "phone", max: 40, multiline: false), description: text(input.description, "description", required: true),
                      eligibility: text(input.eligibility, "eligibility"))
        let civilSocietyID = try MappingService.optionalID(input.civilSocietyId, field: "civilSocietyId", into: &problems)
        // Support given by an association names the association, so caregivers know who they meet.
        if provider == .civilSociety && civilSocietyID == nil && !problems.contains(where: { $0.field == "civilSocietyId" }) {
            problems.append(.init(field: "civilSocietyId", messageKey: "support.civil_society_required"))
        }
        guard problems.isEmpty, let kind, let provider, let lastChecked else { throw SynligError.invalid(problems) }
        let organisationID = user.organisationID
        return try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            let offering: SupportOffering
            if let id {
                offering = try await SupportOffering.find(id, in: organisationID, on: tx)
                guard input.version == offering.version else { throw SynligError.staleEdit }
                offering.version += 1
            } else {
                offering = SupportOffering()
                offering.organisationID = organisationID
                offering.version = 1
            }
            if let civilSocietyID {
                guard try await CivilSocietyOrganisation.scoped(to: organisationID, on: tx).filter(\.$id == civilSocietyID).count() == 1 else {
                    throw SynligError.invalid([.init(field: "civilSocietyId", messageKey: "support.civil_society_invalid")])
                }
            }
            offering.name = name
            offering.kind = kind
            offering.provider = provider
            offering.providerName = providerName
            offering.civilSocietyID = provider == .civilSociety ? civilSocietyID : nil
            offering.targetGroupsText = groups.map(\.rawValue).sorted().joined(separator: ",")
            offering.needsAssessment = input.needsAssessment ?? false
            offering.cost = values.cost
            offering.languagesText = languages.sorted().joined(separator: ",")
            offering.interpreter = input.interpreter ?? false
            offering.accessibility = values.accessibility
            offering.address = values.address
            offering.schedule = values.schedule
            offering.phone = values.phone
            offering.email = email.lowercased()
            offering.website = website
            offering.description = values.description
            offering.eligibility = values.eligibility
            offering.lastChecked = lastChecked.iso
            offering.published = input.published ?? false
            try await offering.save(on: tx)
            audit.record(id == nil ? "support.create" : "support.update", "support_offering", id: offering.id, organisation: organisationID)
            return offering
        }
    }

    package static func addCivilSociety(name rawName: String?, description: String?, contact: String?, stateGrant: Bool, cooperation: String?,
                                by user: CurrentUser, on db: any Database) async throws -> CivilSocietyOrganisation {
        guard user.hasAny(editors) else { throw SynligError.forbidden }
        var problems: [SynligError.FieldProblem] = []
        func text(_ value: String?, _ field: String, required: Bool = false, max: Int = maxText) -> String {
            let (text, problem) = TextInput.check(value, required: required, maxLength: max, multiline: max > 200)
            if let problem { problems.append(.init(field: field, messageKey: problem.rawValue)) }
            return text
        }
        let name = text(rawName, "csoName", required: true, max: 200)
        let descriptionText = text(description, "csoDescription")
        let contactText = text(contact, "csoContact")
        let cooperationText = text(cooperation, "csoCooperation")
        guard problems.isEmpty else { throw SynligError.invalid(problems) }
        return try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            let organisation = CivilSocietyOrganisation()
            organisation.organisationID = user.organisationID
            organisation.name = name
            organisation.description = descriptionText
            organisation.contact = contactText
            organisation.stateGrant = stateGrant
            organisation.cooperation = cooperationText
            try await organisation.create(on: tx)
            audit.record("civil_society.create", "civil_society_organisation", id: organisation.id, organisation: user.organisationID)
            return organisation
        }
    }
}
