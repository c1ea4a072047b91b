import Fluent
import Foundation
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp

/// The open catalogue against HSDS 3.0's required fields and shapes (schema/service.json and
/// the objects it nests, the API's paginated `Page`, and the tabular datapackage.json).
@Suite("Open data")
struct OpenDataTests {
    private static func publish(_ app: Application) async throws -> CurrentUser {
        let organisation = try await makeOrganisation(app)
        let user = try await makeUser(app, in: organisation, email: "karin@test.se", roles: [.consultant])
        let karin = try await currentUser(app, user)
        func input(_ name: String, address: String, published: Bool) -> OfferingInput {
            OfferingInput(name: name, kind: "dayCare", provider: "municipality", providerName: "Testkommun", civilSocietyId: nil,
                          targetGroups: ["dementia", "olderPeople"], needsAssessment: true, cost: "=200 kr", languages: ["sv", "fi"],
                          interpreter: true, accessibility: "Ramp", address: address, schedule: "Vardagar 9–15", phone: "+46 10-123",
                          email: "dag@test.se", website: "https://test.se/dag", description: "Dagverksamhet", eligibility: "Efter bistånd",
                          lastChecked: "2026-10-01", published: published, version: nil)
        }
        _ = try await SupportService.save(nil, input("Dagverksamheten", address: "Storgatan 1, 123 45 Testby", published: true),
                                          by: karin, on: app.db)
        _ = try await SupportService.save(nil, input("Träffpunkten", address: "Storgatan 1, 123 45 Testby", published: true),
                                          by: karin, on: app.db)
        _ = try await SupportService.save(nil, input("Utkastet", address: "", published: false), by: karin, on: app.db)
        return karin
    }

    private static func json(_ response: TestingHTTPResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    @Test("Services are HSDS's paginated Page with every nested object carrying an id, split addresses and taxonomy terms")
    func servicesShape() async throws {
        try await withSynlig { app in
            _ = try await Self.publish(app)
            let client = APIClient(app: app)
            let response = try await client.send(.GET, "/api/v1/open-data/0180/services")
            #expect(response.status == .ok)
            #expect(response.headers.first(name: .cacheControl) == "public, max-age=300")
            let page = try Self.json(response)
            #expect(page["total_items"] as? Int == 2 && page["total_pages"] as? Int == 1 && page["page_number"] as? Int == 1)
            #expect(page["size"] as? Int == 2 && page["first_page"] as? Bool == true && page["last_page"] as? Bool == true)
            #expect(page["empty"] as? Bool == false)
            let services = try #require(page["contents"] as? [[String: Any]])
            #expect(services.compactMap { $0["name"] as? String } == ["Dagverksamheten", "Träffpunkten"])
            let service = try #require(services.first)
            for key in ["id", "name", "status"] { #expect(service[key] is String, "service.\(key)") }
            #expect(service["assured_date"] as? String == "2026-10-01")
            #expect(fhirHasNoEmpties(service), "no nulls or empty arrays")
            for key in ["phones", "schedules", "languages", "service_at_locations", "attributes"] {
                let items = try #require(service[key] as? [[String: Any]], "\(key)")
                #expect(items.allSatisfy { UUID(uuidString: $0["id"] as? String ?? "") != nil }, "\(key) have ids")
            }
            let link = try #require((service["service_at_locations"] as? [[String: Any]])?.first)
            let location = try #require(link["location"] as? [String: Any])
            #expect(location["location_type"] as? String == "physical")
            #expect(link["location_id"] as? String == location["id"] as? String)
            let address = try #require((location["addresses"] as? [[String: Any]])?.first)
            #expect(address["address_1"] as? String == "Storgatan 1")
            #expect(address["city"] as? String == "Testby")
            #expect(address["postal_code"] as? String == "123 45")
            #expect(address["state_province"] as? String == "Stockholms län")
            #expect(address["country"] as? String == "SE" && address["address_type"] as? String == "physical")
            // Two offerings at one address share the location.
            let other = (services[1]["service_at_locations"] as? [[String: Any]])?.first?["location_id"] as? String
            #expect(other == location["id"] as? String)
            let attributes = try #require(service["attributes"] as? [[String: Any]])
            #expect(attributes.count == 3)
            for attribute in attributes {
                let term = try #require(attribute["taxonomy_term"] as? [String: Any])
                #expect(attribute["taxonomy_term_id"] as? String == term["id"] as? String)
                for key in ["id", "name", "description"] { #expect((term[key] as? String)?.isEmpty == false, "taxonomy_term.\(key)") }
                #expect(attribute["link_id"] as? String == service["id"] as? String && attribute["link_entity"] as? String == "service")
            }
            let termNames = attributes.compactMap { ($0["taxonomy_term"] as? [String: Any])?["name"] as? String }
            #expect(termNames.contains("Dagverksamhet"))
            let organization = try #require(service["organization"] as? [String: Any])
            #expect(organization["id"] as? String == service["organization_id"] as? String)
            #expect(((organization["organization_identifiers"] as? [[String: Any]])?.first?["identifier"]) as? String == "0180")

            // One service by id; paging as HSDS names it; bad paging refused, not clamped.
            let id = try #require(service["id"] as? String)
            #expect(try Self.json(try await client.send(.GET, "/api/v1/open-data/0180/services/\(id)"))["name"] as? String == "Dagverksamheten")
            #expect(try await client.send(.GET, "/api/v1/open-data/0180/services/\(UUID())").status == .notFound)
            let second = try Self.json(try await client.send(.GET, "/api/v1/open-data/0180/services?page=2&per_page=1"))
            #expect(second["total_pages"] as? Int == 2 && second["size"] as? Int == 1 && second["last_page"] as? Bool == true)
            #expect((second["contents"] as? [[String: Any]])?.first?["name"] as? String == "Träffpunkten")
            let beyond = try Self.json(try await client.send(.GET, "/api/v1/open-data/0180/services?page=3&per_page=1"))
            #expect(beyond["empty"] as? Bool == true && (beyond["contents"] as? [Any])?.isEmpty == true)
            for query in ["page=0", "per_page=0", "per_page=201", "page=x"] {
                #expect(try await client.send(.GET, "/api/v1/open-data/0180/services?\(query)").status == .badRequest, "\(query)")
            }
            #expect(try await client.send(.GET, "/api/v1/open-data/9998/services").status == .notFound)
        }
    }

    @Test("The tabular package: datapackage.json names HSDS's tables and fields, each CSV has exactly those columns, ids link up")
    func tabularPackage() async throws {
        try await withSynlig { app in
            _ = try await Self.publish(app)
            let client = APIClient(app: app)
            let package = try Self.json(try await client.send(.GET, "/api/v1/open-data/0180/hsds/datapackage.json"))
            #expect(package["profile"] as? String == "tabular-data-package")
            let resources = try #require(package["resources"] as? [[String: Any]])
            let paths = resources.compactMap { $0["path"] as? String }
            for path in ["organizations.csv", "services.csv", "locations.csv", "addresses.csv", "service_at_location.csv", "phones.csv",
                         "schedules.csv", "languages.csv", "accessibility.csv", "attributes.csv", "taxonomies.csv", "taxonomy_terms.csv"] {
                #expect(paths.contains(path), "\(path) in the package")
            }
            var tables: [String: [[String]]] = [:]
            for resource in resources {
                let path = try #require(resource["path"] as? String)
                let response = try await client.send(.GET, "/api/v1/open-data/0180/hsds/\(path)")
                #expect(response.status == .ok)
                #expect(!response.body.string.hasPrefix("\u{FEFF}"))
                let rows = csvRows(response.body.string)
                #expect(rows.first == HSDSTabular.columns(of: resource), "\(path) header is the package's field list")
                let fields = (resource["schema"] as? [String: Any])?["fields"] as? [[String: Any]] ?? []
                for (column, field) in fields.enumerated() where (field["constraints"] as? [String: Any])?["required"] as? Bool == true {
                    #expect(rows.dropFirst().allSatisfy { !$0[column].isEmpty }, "\(path): \(field["name"] ?? "") filled")
                }
                // Foreign keys point only at published tables.
                for key in (resource["schema"] as? [String: Any])?["foreignKeys"] as? [[String: Any]] ?? [] {
                    let target = ((key["reference"] as? [String: Any])?["resource"] as? String) ?? ""
                    #expect(resources.contains { $0["name"] as? String == target }, "\(path) refers to \(target)")
                }
                tables[path] = rows
            }
            let services = try #require(tables["services.csv"])
            #expect(services.count == 3)
            let header = services[0]
            let fees = try #require(header.firstIndex(of: "fees_description"))
            #expect(services[1][fees] == "'=200 kr", "a formula is neutralised")
            #expect(tables["phones.csv"]?[1].contains("+46 10-123") == true, "a phone number stays as it is")
            #expect(tables["locations.csv"]?.count == 2, "one shared location")
            let organizationIDs = Set(tables["organizations.csv"]?.dropFirst().map { $0[0] } ?? [])
            let organizationColumn = try #require(header.firstIndex(of: "organization_id"))
            #expect(services.dropFirst().allSatisfy { organizationIDs.contains($0[organizationColumn]) })

            #expect(try await client.send(.GET, "/api/v1/open-data/0180/hsds/programs.csv").status == .notFound)
            let moved = try await client.send(.GET, "/api/v1/open-data/0180/services.csv")
            #expect(moved.status == .movedPermanently)
            #expect(moved.headers.first(name: .location) == "/api/v1/open-data/0180/hsds/services.csv")
        }
    }

    @Test("Addresses split into street, postal code and city; the county comes from the SCB code")
    func addressParts() {
        func parts(_ text: String) -> [String] {
            let split = HSDS.addressParts(text)
            return [split.street, split.postalCode, split.city]
        }
        #expect(parts("Storgatan 1, 123 45 Exempelstad") == ["Storgatan 1", "123 45", "Exempelstad"])
        #expect(parts("Storgatan 1, 12345 Exempelstad") == ["Storgatan 1", "123 45", "Exempelstad"])
        #expect(parts("Storgatan 1, Exempelstad") == ["Storgatan 1", "", "Exempelstad"])
        #expect(parts("Box 12, Vägen 3, 831 82 Östersund") == ["Box 12, Vägen 3", "831 82", "Östersund"])
        #expect(parts("Storgatan 1") == ["Storgatan 1", "", ""])
        #expect(HSDS.county(ofCode: "0180") == "Stockholms län")
        #expect(HSDS.county(ofCode: "2380") == "Jämtlands län")
        #expect(HSDS.county(ofCode: "14") == "Västra Götalands län")
        #expect(HSDS.county(ofCode: "9999") == "")
    }
}

/// Rows of an RFC 4180 CSV.
private func csvRows(_ text: String) -> [[String]] {
    var rows: [[String]] = [], row: [String] = [], cell = "", quoted = false
    let characters = Array(text)
    var index = 0
    while index < characters.count {
        let character = characters[index]
        index += 1
        if quoted {
            if character != "\"" {
                cell.append(character)
            } else if index < characters.count, characters[index] == "\"" {
                cell.append("\"")
                index += 1
            } else {
                quoted = false
            }
            continue
        }
        switch character {
        case "\"": quoted = true
        case ",": row.append(cell); cell = ""
        case "\r\n", "\n": row.append(cell); rows.append(row); row = []; cell = ""
        default: cell.append(character)
        }
    }
    return rows
}
