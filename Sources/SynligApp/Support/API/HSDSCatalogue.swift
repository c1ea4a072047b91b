import Fluent
import Foundation
import SynligCore
import Vapor

/// Builds the HSDS 3.0 services of one organisation's published catalogue, fully nested, from
/// the stored offerings. Text is Swedish, like the catalogue it publishes.
struct HSDSCatalogue {
    var organization: HSDS.Organization
    var services: [HSDS.Service]

    /// The taxonomies Synlig classifies its offerings by; their ids are fixed for every
    /// organisation, so a reader can compare catalogues.
    enum Vocabulary: String, CaseIterable {
        case supportKind = "support_kind", targetGroup = "target_group"

        var taxonomy: HSDS.Taxonomy {
            let base = CaregiverFHIRExport.derivedID("hsds-taxonomy", HSDS.namespace)
            switch self {
            case .supportKind:
                return HSDS.Taxonomy(id: HSDS.id(rawValue, base), name: "Synlig stödform",
                                     description: "Formerna av stöd till anhöriga i Synligs stödkatalog.")
            case .targetGroup:
                return HSDS.Taxonomy(id: HSDS.id(rawValue, base), name: "Synlig målgrupp",
                                     description: "Vilka anhöriga ett stöd i Synligs stödkatalog riktar sig till.")
            }
        }

        func term(_ code: String, name: String) -> HSDS.TaxonomyTerm {
            let taxonomy = self.taxonomy
            return HSDS.TaxonomyTerm(id: HSDS.id("term-" + rawValue + "-" + code, HSDS.namespace), code: code, name: name,
                                     description: taxonomy.name + ": " + name, taxonomy: taxonomy.name, taxonomy_id: taxonomy.id,
                                     taxonomy_detail: taxonomy, language: "sv")
        }
    }

    static func load(_ req: Request) async throws -> HSDSCatalogue {
        let organisation = try await Organisation.byPublicCode(req)
        let offerings = try await SupportOffering.scoped(to: try organisation.requireID(), on: req.db)
            .filter(\.$published == true).sort(\.$name).sort(\.$id).all()
        let applicationProcess = "Ansökan och biståndsbedömning enligt "
            + (req.application.legalReferences.current("needs_assessment")?.citation(language: "sv") ?? "socialtjänstlagen")
        let localizer = req.application.localizer
        return try HSDSCatalogue(organisation: organisation, offerings: offerings, applicationProcess: applicationProcess) {
            localizer.text($0, .sv)
        }
    }

    init(organisation: Organisation, offerings: [SupportOffering], applicationProcess: String, text: (String) -> String) throws {
        let organisationID = try organisation.requireID()
        let organizationID = HSDS.string(organisationID)
        let organization = HSDS.Organization(
            id: organizationID, name: organisation.name, description: organisation.kind == .region ? "Region" : "Kommun",
            organization_identifiers: [HSDS.OrganizationIdentifier(
                id: HSDS.id("organization-identifier", organisationID), organization_id: organizationID,
                identifier_type: organisation.kind == .region ? "SCB regionkod" : "SCB kommunkod", identifier: organisation.code)])
        self.organization = organization
        // HSDS requires a state or province: the county, or the organisation itself where its
        // code names no county (a test or demo organisation).
        let county = HSDS.county(ofCode: organisation.code).isEmpty ? organisation.name : HSDS.county(ofCode: organisation.code)
        services = try offerings.map { offering in
            let offeringID = try offering.requireID()
            let serviceID = HSDS.string(offeringID)
            var locations: [HSDS.ServiceAtLocation] = []
            let address = offering.address.trimmingCharacters(in: .whitespaces)
            if !address.isEmpty {
                // Offerings at the same address share one location.
                let locationUUID = CaregiverFHIRExport.derivedID("hsds-location-" + address.lowercased(), organisationID)
                let locationID = HSDS.string(locationUUID)
                let parts = HSDS.addressParts(address)
                let location = HSDS.Location(
                    id: locationID, location_type: "physical", organization_id: organizationID,
                    name: offering.providerName.isEmpty ? organisation.name : offering.providerName,
                    addresses: [HSDS.Address(id: HSDS.id("address", locationUUID), location_id: locationID, address_1: parts.street,
                                             city: parts.city, state_province: county, postal_code: parts.postalCode, country: "SE",
                                             address_type: "physical")],
                    accessibility: offering.accessibility.isEmpty ? nil : [HSDS.Accessibility(
                        id: HSDS.id("accessibility", offeringID), location_id: locationID, description: offering.accessibility)])
                locations.append(HSDS.ServiceAtLocation(id: HSDS.id("service-at-location", offeringID), service_id: serviceID,
                                                        location_id: locationID, location: location))
            }
            let terms = [Vocabulary.supportKind.term(offering.kind.rawValue, name: text("support.kind." + offering.kind.rawValue))]
                + offering.targetGroups.map(\.rawValue).sorted().map { Vocabulary.targetGroup.term($0, name: text("support.group." + $0)) }
            let attributes = terms.map { term in
                HSDS.Attribute(id: HSDS.id("attribute-" + term.id, offeringID), link_id: serviceID, taxonomy_term_id: term.id,
                               link_entity: "service", taxonomy_term: term)
            }
            let languages = offering.languages.sorted().map {
                HSDS.Language(id: HSDS.id("language-" + $0, offeringID), service_id: serviceID, code: $0)
            }
            return HSDS.Service(
                id: serviceID, organization_id: organizationID, name: offering.name, description: offering.description,
                url: offering.website.isEmpty ? nil : offering.website, email: offering.email.isEmpty ? nil : offering.email,
                status: "active", interpretation_services: offering.interpreter ? "Tolk kan ordnas." : nil,
                application_process: offering.needsAssessment ? applicationProcess : "Ingen ansökan",
                fees_description: offering.cost, eligibility_description: offering.eligibility,
                assured_date: offering.lastChecked.isEmpty ? nil : offering.lastChecked,
                phones: offering.phone.isEmpty ? nil : [HSDS.Phone(id: HSDS.id("phone", offeringID), service_id: serviceID, number: offering.phone)],
                schedules: offering.schedule.isEmpty ? nil
                    : [HSDS.Schedule(id: HSDS.id("schedule", offeringID), service_id: serviceID, description: offering.schedule)],
                service_at_locations: locations.isEmpty ? nil : locations,
                languages: languages.isEmpty ? nil : languages,
                organization: organization,
                attributes: attributes)
        }
    }

    /// One page of services, as HSDS's `/services` answers.
    func page(number: Int, size: Int) -> HSDS.Page {
        let totalPages = max(1, (services.count + size - 1) / size)
        let contents = Array(services.dropFirst((number - 1) * size).prefix(size))
        return HSDS.Page(total_items: services.count, total_pages: totalPages, page_number: number, size: contents.count,
                         first_page: number == 1, last_page: number >= totalPages, empty: contents.isEmpty, contents: contents)
    }
}
