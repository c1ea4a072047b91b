import Fluent
import SynligCore
import Vapor

/// The published catalogue as open data in the shape of the Open Referral Human Services Data
/// Specification (HSDS 3): organization, services with location, phone, schedule, languages,
/// eligibility and `assured_date` (when the entry was last checked). Public, no token.
struct OpenDataController: APIRouteCollection {
    struct HSDSDocument: Content {
        var organization: HSDSOrganization
        var services: [HSDSService]
    }

    struct HSDSOrganization: Content {
        var id: UUID
        var name: String
        var description: String
        var identifier: String
    }

    struct HSDSLanguage: Content { var code: String }
    struct HSDSPhone: Content { var number: String }
    struct HSDSSchedule: Content { var description: String }
    struct HSDSAddress: Content { var address_1: String; var city: String; var country: String }
    struct HSDSAccessibility: Content { var description: String }
    struct HSDSLocation: Content {
        var name: String
        var addresses: [HSDSAddress]
        var accessibility: [HSDSAccessibility]
    }
    struct HSDSServiceAtLocation: Content { var location: HSDSLocation }
    struct HSDSAttribute: Content { var taxonomy: String; var value: String }

    struct HSDSService: Content {
        var id: UUID
        var organization_id: UUID
        var name: String
        var description: String
        var url: String?
        var email: String?
        var status: String
        var fees_description: String
        var eligibility_description: String
        var assured_date: String
        var application_process: String
        var languages: [HSDSLanguage]
        var phones: [HSDSPhone]
        var schedules: [HSDSSchedule]
        var service_at_locations: [HSDSServiceAtLocation]
        var attributes: [HSDSAttribute]
    }

    func boot(api: APIRoutes) throws {
        let openData = api.open.grouped("open-data", ":code")
        openData.get("services", use: json)
        openData.get("services.csv", use: csv)
    }

    private func document(_ req: Request) async throws -> HSDSDocument {
        let organisation = try await Organisation.byPublicCode(req)
        let organisationID = try organisation.requireID()
        let offerings = try await SupportOffering.scoped(to: organisationID, on: req.db).filter(\.$published == true).sort(\.$name).all()
        // HSDS text is Swedish, like the catalogue it publishes; the act comes from the one file.
        let applicationProcess = "Ansökan och biståndsbedömning enligt "
            + (req.application.legalReferences.current("needs_assessment")?.citation(language: "sv") ?? "socialtjänstlagen")
        let services = try offerings.map { offering in
            HSDSService(
                id: try offering.requireID(), organization_id: organisationID, name: offering.name, description: offering.description,
                url: offering.website.isEmpty ? nil : offering.website, email: offering.email.isEmpty ? nil : offering.email,
                status: "active", fees_description: offering.cost, eligibility_description: offering.eligibility,
                assured_date: offering.lastChecked,
                application_process: offering.needsAssessment ? applicationProcess : "Ingen ansökan",
                languages: offering.languages.sorted().map(HSDSLanguage.init),
                phones: offering.phone.isEmpty ? [] : [HSDSPhone(number: offering.phone)],
                schedules: offering.schedule.isEmpty ? [] : [HSDSSchedule(description: offering.schedule)],
                service_at_locations: offering.address.isEmpty ? [] : [HSDSServiceAtLocation(location: HSDSLocation(
                    name: offering.providerName, addresses: [HSDSAddress(address_1: offering.address, city: "", country: "SE")],
                    accessibility: offering.accessibility.isEmpty ? [] : [HSDSAccessibility(description: offering.accessibility)]))],
                attributes: [HSDSAttribute(taxonomy: "synlig:support_kind", value: offering.kind.rawValue)]
                    + offering.targetGroups.map(\.rawValue).sorted().map { HSDSAttribute(taxonomy: "synlig:target_group", value: $0) }
                    + [HSDSAttribute(taxonomy: "synlig:interpreter", value: offering.interpreter ? "yes" : "no")])
        }
        return HSDSDocument(organization: HSDSOrganization(id: organisationID, name: organisation.name,
                                                           description: organisation.kind == .region ? "Region" : "Kommun",
                                                           identifier: organisation.code),
                            services: services)
    }

    @Sendable func json(req: Request) async throws -> Response {
        let response = try await document(req).encodeResponse(for: req)
        response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=300")
        response.headers.replaceOrAdd(name: "Access-Control-Allow-Origin", value: "*")
        return response
    }

    @Sendable func csv(req: Request) async throws -> Response {
        let document = try await document(req)
        let text = CSVText.document(
            header: ["id", "organization", "name", "description", "kind", "target_groups", "languages", "fees", "eligibility",
                     "address", "schedule", "phone", "email", "url", "assured_date"],
            rows: document.services.map { service in
                let attribute: (String) -> String = { taxonomy in
                    service.attributes.filter { $0.taxonomy == taxonomy }.map(\.value).joined(separator: ";")
                }
                return [service.id.uuidString, document.organization.name, service.name, service.description, attribute("synlig:support_kind"),
                        attribute("synlig:target_group"), service.languages.map(\.code).joined(separator: ";"), service.fees_description,
                        service.eligibility_description, service.service_at_locations.first?.location.addresses.first?.address_1 ?? "",
                        service.schedules.first?.description ?? "", service.phones.first?.number ?? "", service.email ?? "",
                        service.url ?? "", service.assured_date]
            })
        return .csvDownload(text, filename: "stod-\(document.organization.identifier).csv", cacheControl: "public, max-age=300")
    }
}
