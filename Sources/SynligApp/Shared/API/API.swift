import Foundation
import SynligCore
import Vapor

/// The JSON shapes of `/api/v1`, as described in `Resources/openapi.yaml`. Each capability
/// adds its own in an extension in its `API/` folder; what every API shares stays here.
enum API {
    struct Page<Item: Content>: Content {
        var items: [Item]
        var page: Int
        var per: Int
        var total: Int
    }
}
