import Fluent
import SynligCore
import Vapor

/// The organisation's adult population (18 and over), as an administrator entered it from a
/// public source such as SCB: what reach is measured against. One figure per organisation.
final class StatisticsPopulation: Model, @unchecked Sendable {
    static let schema = "statistics_populations"

    @ID(key: .id) var id: UUID?
    @Field(key: "organisation_id") var organisationID: UUID
    @Field(key: "adults") var adults: Int
    @Field(key: "year") var year: Int
    @Field(key: "source") var source: String
    @Field(key: "updated_by") var updatedBy: UUID?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}
}

/// The population figure as the form and the service take it.
package struct PopulationInput: Decodable, Sendable {
    var adults: String?
    var year: String?
    var source: String?

    package init(adults: String? = nil, year: String? = nil, source: String? = nil) {
        self.adults = adults
        self.year = year
        self.source = source
    }
}

package enum StatisticsPopulationService {
    /// Sweden's largest municipality has under a million adults; a region under two million.
    static let maximumAdults = 2_000_000

    static func current(_ organisationID: UUID, on db: any Database) async throws -> StatisticsPopulation? {
        try await StatisticsPopulation.query(on: db).filter(\.$organisationID == organisationID).first()
    }

    /// Sets the figure; administrators only, audited. The numbers are public statistics, not
    /// personal data, so the audit event names only that the figure changed.
    package static func set(_ input: PopulationInput, by user: CurrentUser, on db: any Database,
                            today: CalendarDate = .today()) async throws {
        guard user.has(.admin) else { throw SynligError.forbidden }
        var problems: [SynligError.FieldProblem] = []
        let digits = (input.adults ?? "").filter { !$0.isWhitespace && $0 != "\u{00A0}" }
        let adults = Int(digits)
        if adults.map({ !(1...maximumAdults).contains($0) }) ?? true {
            problems.append(.init(field: "adults", messageKey: "statistics.population.adults_invalid"))
        }
        let year = Int((input.year ?? "").trimmingCharacters(in: .whitespaces))
        if year.map({ !((today.year - 10)...today.year).contains($0) }) ?? true {
            problems.append(.init(field: "year", messageKey: "statistics.population.year_invalid"))
        }
        let (source, sourceProblem) = TextInput.check(input.source, required: true, maxLength: 120)
        if let sourceProblem { problems.append(.init(field: "source", messageKey: sourceProblem.rawValue)) }
        guard problems.isEmpty, let adults, let year else { throw SynligError.invalid(problems) }
        try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            let population = try await current(user.organisationID, on: tx) ?? StatisticsPopulation()
            population.organisationID = user.organisationID
            population.adults = adults
            population.year = year
            population.source = source
            population.updatedBy = user.id
            try await population.save(on: tx)
            audit.record("statistics.population.update", "statistics_population", id: population.id, organisation: user.organisationID)
        }
    }
}
