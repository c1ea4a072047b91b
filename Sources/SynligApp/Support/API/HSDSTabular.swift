import Foundation
import Vapor

/// The catalogue as HSDS 3.0's tabular format: one CSV per table (`services.csv`,
/// `organizations.csv`, …) beside a `datapackage.json` (a Frictionless tabular data package)
/// that describes them. The tables and their columns are the official ones: the field lists
/// are read from HSDS's own datapackage.json, kept in `Resources/HSDS/`, so a column cannot
/// drift from the specification. Only the tables Synlig fills are published.
struct HSDSTabular {
    /// Table name (the datapackage resource's `name`) → rows by column name.
    var tables: [String: [[String: String]]] = [:]

    static let published = ["organization", "organization_identifier", "service", "location", "address", "service_at_location",
                            "phone", "schedule", "language", "accessibility", "attribute", "taxonomy", "taxonomy_term"]

    init(_ catalogue: HSDSCatalogue) {
        let organization = catalogue.organization
        add("organization", ["id": organization.id, "name": organization.name, "description": organization.description])
        for identifier in organization.organization_identifiers {
            add("organization_identifier", ["id": identifier.id, "organization_id": identifier.organization_id,
                                            "identifier_type": identifier.identifier_type, "identifier": identifier.identifier])
        }
        for service in catalogue.services {
            add("service", ["id": service.id, "organization_id": service.organization_id, "name": service.name,
                            "description": service.description, "url": service.url ?? "", "email": service.email ?? "",
                            "status": service.status, "interpretation_services": service.interpretation_services ?? "",
                            "application_process": service.application_process, "fees_description": service.fees_description,
                            "eligibility_description": service.eligibility_description, "assured_date": service.assured_date ?? ""])
            for link in service.service_at_locations ?? [] {
                let location = link.location
                add("location", ["id": location.id, "location_type": location.location_type,
                                 "organization_id": location.organization_id, "name": location.name])
                for address in location.addresses {
                    add("address", ["id": address.id, "location_id": address.location_id, "address_1": address.address_1,
                                    "city": address.city, "state_province": address.state_province, "postal_code": address.postal_code,
                                    "country": address.country, "address_type": address.address_type])
                }
                for item in location.accessibility ?? [] {
                    add("accessibility", ["id": item.id, "location_id": item.location_id, "description": item.description])
                }
                add("service_at_location", ["id": link.id, "service_id": link.service_id, "location_id": link.location_id])
            }
            for phone in service.phones ?? [] { add("phone", ["id": phone.id, "service_id": phone.service_id, "number": phone.number]) }
            for schedule in service.schedules ?? [] {
                add("schedule", ["id": schedule.id, "service_id": schedule.service_id, "description": schedule.description])
            }
            for language in service.languages ?? [] {
                add("language", ["id": language.id, "service_id": language.service_id, "code": language.code])
            }
            for attribute in service.attributes ?? [] {
                let term = attribute.taxonomy_term
                add("attribute", ["id": attribute.id, "link_id": attribute.link_id, "taxonomy_term_id": attribute.taxonomy_term_id,
                                  "link_entity": attribute.link_entity])
                add("taxonomy_term", ["id": term.id, "code": term.code, "name": term.name, "description": term.description,
                                      "taxonomy": term.taxonomy, "language": term.language, "taxonomy_id": term.taxonomy_id])
                add("taxonomy", ["id": term.taxonomy_detail.id, "name": term.taxonomy_detail.name,
                                 "description": term.taxonomy_detail.description])
            }
        }
    }

    /// Adds a row unless one with its id is there (shared locations, taxonomies).
    private mutating func add(_ table: String, _ row: [String: String]) {
        if tables[table, default: []].contains(where: { $0["id"] == row["id"] }) { return }
        tables[table, default: []].append(row)
    }

    /// HSDS's official data package, read from the copy in Resources.
    static func officialPackage(_ app: Application) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: app.directory.resourcesDirectory + "HSDS/datapackage.json"))
        guard let package = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw Abort(.internalServerError) }
        return package
    }

    static func resource(_ name: String, in package: [String: Any]) -> [String: Any]? {
        (package["resources"] as? [[String: Any]])?.first { $0["name"] as? String == name }
    }

    static func columns(of resource: [String: Any]) -> [String] {
        ((resource["schema"] as? [String: Any])?["fields"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
    }

    /// The package describing the published tables: the official resources, with foreign keys
    /// to tables that are not published left out (a reader would otherwise look for them).
    static func datapackage(_ official: [String: Any], organisationName: String, code: String) -> [String: Any] {
        let resources = published.compactMap { name -> [String: Any]? in
            guard var resource = resource(name, in: official), var schema = resource["schema"] as? [String: Any] else { return nil }
            if let keys = schema["foreignKeys"] as? [[String: Any]] {
                let kept = keys.filter { published.contains((($0["reference"] as? [String: Any])?["resource"] as? String) ?? "") }
                schema["foreignKeys"] = kept.isEmpty ? nil : kept
            }
            resource["schema"] = schema
            resource["encoding"] = "utf-8"
            return resource
        }
        return ["name": "synlig-hsds-\(code)", "title": "\(organisationName): stöd till anhöriga (HSDS 3.0)",
                "profile": "tabular-data-package", "version": official["version"] ?? "3.0.0",
                "homepage": "http://docs.openreferral.org", "resources": resources]
    }

    /// One table as CSV: UTF-8 without a byte-order mark, the official columns in their order,
    /// every cell quoted, CRLF between rows (RFC 4180).
    func csv(_ name: String, columns: [String]) -> String {
        let rows = tables[name, default: []].map { row in columns.map { Self.cell(row[$0] ?? "") } }
        return ([columns.map(Self.cell)] + rows).map { $0.joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    /// Quoted, and a cell a spreadsheet would take for a formula is neutralised with a leading
    /// apostrophe — except a phone number such as "+46 8 123 45", which is data, not a formula.
    static func cell(_ value: String) -> String {
        var text = value
        if let first = text.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first),
           text.range(of: #"^[+-]?[0-9 ()-]+$"#, options: .regularExpression) == nil {
            text = "'" + text
        }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
