import Foundation
import SynligCore

/// One organisation to generate: its SCB-style code, its synthetic name, and how many of the
/// caregivers are its own.
package struct PlannedOrganisation: Sendable {
    package var code: String
    package var name: String
    package var kind: OrganisationKind
    package var caregivers: Int
    /// The organisation's adults, for the statistics' reach: its caregivers are about 15 % of them.
    package var adults: Int
    package var units: [(name: String, kind: UnitKind)]
}

/// Which organisations to create and how large each is.
enum SyntheticOrganisations {
    /// SCB's county codes, which are also the regions' codes: 21 counties since 1998.
    static let counties = ["01", "03", "04", "05", "06", "07", "08", "09", "10", "12", "13", "14",
                           "17", "18", "19", "20", "21", "22", "23", "24", "25"]

    /// Caregivers are ≈ 15 % of adults (seed 003, "Många ger vård eller stöd").
    static let caregiverShareOfAdults = 0.15

    /// Municipal codes are a county's two digits and two of the municipality's, as SCB's are
    /// (0114, 0180, 2584); the demo's 9999 is never among them, nor any code already in use.
    static func municipalCodes(excluding used: Set<String>) -> [String] {
        (14...99).flatMap { number in counties.map { $0 + String(format: "%02d", number) } }.filter { !used.contains($0) }
    }

    static let municipalUnits: [(name: String, kind: UnitKind)] = [
        ("Hemtjänst", .homeCare), ("Äldreomsorg", .elderlyCare), ("Funktionsstöd LSS", .disability),
        ("Socialpsykiatri", .socialPsychiatry), ("Individ- och familjeomsorg", .individualAndFamilyCare), ("Anhörigstöd", .other),
    ]
    static let regionalUnits: [(name: String, kind: UnitKind)] = [
        ("Primärvård", .primaryCare), ("Psykiatri", .psychiatry), ("Somatisk slutenvård", .somaticInpatientCare),
        ("Palliativ vård", .palliativeCare), ("Barn- och ungdomspsykiatri", .childAndAdolescentPsychiatry), ("Habilitering", .habilitation),
    ]

    /// Sizes follow Zipf's law with exponent 0.8, close to how Sweden's population is spread
    /// over its municipalities (the largest about a tenth of the whole, the smallest a few
    /// thousand people); sizes are dealt to codes in a seeded order, so the largest is not
    /// always the first code. Regions share 15 % of the caregivers when there are municipalities too.
    static func plan(municipalities: Int, regions: Int, caregivers: Int, usedCodes: Set<String>,
                     random: inout SeededGenerator) throws -> [PlannedOrganisation] {
        let municipalCodes = municipalCodes(excluding: usedCodes)
        let regionCodes = counties.filter { !usedCodes.contains($0) }
        guard municipalities <= municipalCodes.count, regions <= regionCodes.count else {
            throw GenerateFailure(description: "Only \(municipalCodes.count) municipal and \(regionCodes.count) regional codes are free in this database.")
        }
        func zipf(_ count: Int) -> [Double] {
            var weights = (1...max(count, 1)).map { 1 / pow(Double($0), 0.8) }.prefix(count).map { $0 }
            weights.shuffle(using: &random)
            let total = weights.reduce(0, +)
            return weights.map { $0 / total }
        }
        let regionalShare = municipalities == 0 ? 1.0 : (regions == 0 ? 0.0 : 0.15)
        let weights = zipf(municipalities).map { $0 * (1 - regionalShare) } + zipf(regions).map { $0 * regionalShare }
        let counts = apportion(caregivers, by: weights)
        let codes = Array(municipalCodes.prefix(municipalities)) + Array(regionCodes.prefix(regions))
        return codes.indices.map { index in
            let code = codes[index], municipal = index < municipalities, count = counts[index]
            let catalogue = municipal ? municipalUnits : regionalUnits
            // Larger organisations have more units: 3 for the smallest, all 6 from 3,000 caregivers.
            let unitCount = min(catalogue.count, 3 + count / 1000)
            return PlannedOrganisation(
                code: code, name: municipal ? "Syntetkommun \(code)" : "Syntetregion \(code)",
                kind: municipal ? .municipality : .region, caregivers: count,
                adults: max(1000, Int((Double(count) / caregiverShareOfAdults).rounded())),
                units: Array(catalogue.prefix(unitCount)))
        }
    }

    /// Whole numbers that add up to `total` in the proportions given (largest remainders).
    static func apportion(_ total: Int, by weights: [Double]) -> [Int] {
        let exact = weights.map { $0 * Double(total) }
        var counts = exact.map { Int($0.rounded(.down)) }
        let remainder = exact.indices.map { exact[$0] - Double(counts[$0]) }
        // Largest remainder first; on a tie the earlier organisation, so the result is stable.
        let byRemainder = exact.indices.sorted { remainder[$0] != remainder[$1] ? remainder[$0] > remainder[$1] : $0 < $1 }
        for index in byRemainder.prefix(total - counts.reduce(0, +)) { counts[index] += 1 }
        return counts
    }
}

struct GenerateFailure: Error, CustomStringConvertible {
    var description: String
}
