import Fluent
import SynligCore
import Vapor

/// Mapping sheets waiting for this user: invitations not yet submitted in open mappings.
enum MappingWorklist {
    /// The user's sheets not yet submitted.
    static func draftSheets(for user: CurrentUser, on db: any Database) -> QueryBuilder<MappingResponse> {
        MappingResponse.scoped(to: user.organisationID, on: db)
            .filter(\.$respondentUserID == user.id)
            .filter(\.$status == .draft)
    }

    static func items(for user: CurrentUser, request req: Request) async throws -> [HomeController.WorklistItem] {
        let sheets = try await draftSheets(for: user, on: req.db).all()
        guard !sheets.isEmpty else { return [] }
        let mappings = try await Mapping.scoped(to: user.organisationID, on: req.db)
            .filter(\.$id ~~ Array(Set(sheets.map(\.mappingID))))
            .filter(\.$status == .open)
            .all()
        let byID = Dictionary(uniqueKeysWithValues: mappings.compactMap { m in m.id.map { ($0, m) } })
        let today = CalendarDate.today()
        return try sheets.compactMap { sheet -> HomeController.WorklistItem? in
            guard let mapping = byID[sheet.mappingID] else { return nil }
            let overdue = CalendarDate(mapping.periodEnd).map { $0 < today } ?? false
            return HomeController.WorklistItem(
                label: req.t("worklist.mapping_sheet", mapping.title),
                href: SiteURL.mappingResponse(sheet.mappingID, try sheet.requireID()).path,
                due: req.t("worklist.due", mapping.periodEnd), overdue: overdue)
        }.sorted { $0.due < $1.due }
    }
}
