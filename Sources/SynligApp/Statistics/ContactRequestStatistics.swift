import Foundation
import SQLKit
import SynligCore

/// Contact requests from the public pages received during the period, by how soon they were
/// handled, from the tallies that outlive the requests (`ContactRequestTally`). The whole
/// organisation only: a request belongs to no unit. Counted by quarter of the period's year.
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

    /// Per quarter of the period's year, counts in the order of `Handling.allCases`, from one
    /// GROUP BY: a quarter is published only beside its year (`publish(quarters:year:)`).
    static func quarters(_ scope: StatisticsScope, on sql: any SQLDatabase) async throws -> [[Int]] {
        guard let year = StatisticsPeriod.year(scope.period.year) else { return [] }
        let month = SQLFunction("SUBSTR", args: SQLColumn("received_on"), SQLLiteral.numeric("6"), SQLLiteral.numeric("2"))
        let rows = try await sql.select()
            .column(SQLColumn("days_to_handle"), as: "d").column(month, as: "m").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from("contact_request_tallies")
            .where("organisation_id", .equal, SQLBind(scope.organisationID))
            .where("received_on", .greaterThanOrEqual, SQLBind(year.start.iso))
            .where("received_on", .lessThan, SQLBind(year.end.iso))
            .groupBy("days_to_handle").groupBy(month).all()
        var quarters = Array(repeating: Array(repeating: 0, count: Handling.allCases.count), count: 4)
        for row in rows {
            let handling = Handling.of(days: try row.decode(column: "d", as: Int?.self))
            guard let month = Int(try row.decode(column: "m", as: String.self)), (1...12).contains(month),
                  let index = Handling.allCases.firstIndex(of: handling) else { continue }
            quarters[(month - 1) / 3][index] += try row.decode(column: "n", as: Int.self)
        }
        return quarters
    }
}
