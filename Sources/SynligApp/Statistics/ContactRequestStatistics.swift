import Foundation
import SQLKit

/// Contact requests from the public pages received during the period, by how soon they were
/// handled, from the tallies that outlive the requests (`ContactRequestTally`). The whole
/// organisation only: a request belongs to no unit.
enum ContactRequestStatistics {
    /// How soon a request was handled, in days from the day it came.
    enum Handling: String, CaseIterable, Sendable, Codable {
        case within2Days, within7Days, within30Days, later, notYetHandled

        static func of(days: Int?) -> Handling {
            guard let days else { return .notYetHandled }
            switch days {
            case ...2: return .within2Days
            case ...7: return .within7Days
            case ...30: return .within30Days
            default: return .later
            }
        }
    }

    /// Counts in the order of `Handling.allCases`, from one GROUP BY.
    static func counts(_ scope: StatisticsScope, on sql: any SQLDatabase) async throws -> [Int] {
        let rows = try await sql.select()
            .column(SQLColumn("days_to_handle"), as: "d").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from("contact_request_tallies")
            .where("organisation_id", .equal, SQLBind(scope.organisationID))
            .where("received_on", .greaterThanOrEqual, SQLBind(scope.period.start.iso))
            .where("received_on", .lessThan, SQLBind(scope.period.end.iso))
            .groupBy("days_to_handle").all()
        var counts = Array(repeating: 0, count: Handling.allCases.count)
        for row in rows {
            let handling = Handling.of(days: try row.decode(column: "d", as: Int?.self))
            if let index = Handling.allCases.firstIndex(of: handling) { counts[index] += try row.decode(column: "n", as: Int.self) }
        }
        return counts
    }
}
