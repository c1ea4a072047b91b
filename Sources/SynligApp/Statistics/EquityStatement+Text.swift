import SynligCore
import Vapor

extension EquityStatement {
    /// A stable name for API clients.
    var kind: String {
        switch self {
        case .womenInHeavyCare: "womenInHeavyCare"
        case .foreignBackground: "foreignBackground"
        }
    }

    /// The percentages the sentence states, in its order.
    var percentages: [Int] {
        switch self {
        case let .womenInHeavyCare(reached, heavyCare): [reached, heavyCare]
        case let .foreignBackground(reached, population): [reached, population]
        }
    }

    /// The sentence in the reader's language.
    func sentence(_ req: Request) -> String {
        switch self {
        case let .womenInHeavyCare(reached, heavyCare): req.t("statistics.equity.women_heavy_care", String(reached), String(heavyCare))
        case let .foreignBackground(reached, population): req.t("statistics.equity.foreign_background", String(reached), String(population))
        }
    }
}
