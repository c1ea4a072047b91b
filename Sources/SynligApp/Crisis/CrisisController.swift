import Fluent
import SynligCore
import Vapor

/// The crisis list on screen (`tel:` links), as a printable A4 list, and as an encrypted PDF.
/// Every view writes an access-log row per person shown; every copy taken out (print, file) is
/// recorded and audited, with the day to destroy it by.
struct CrisisController: RouteCollection {
    struct ExportRow: Encodable {
        var time: String
        var format: String
        var scope: String
        var count: Int
        var destroyBy: String
        var expired: Bool
    }

    struct ListPage: Encodable {
        var page: PageContext
        var quote: String
        var source: String
        var units: [SelectOption]
        var areas: [CrisisAreaText]
        var total: Int
        /// "Page 2 of 5", and the neighbouring pages, where the list runs to more than one.
        var pageLabel: String?
        var previousHref: String?
        var nextHref: String?
        var printHref: String
        var exportHref: String
        var exports: [ExportRow]
        var validityDays: Int
    }

    struct PrintPage: Encodable {
        var page: PageContext
        var organisation: String
        var scope: String
        var exported: String
        var destroyBy: String
        var quote: String
        var source: String
        var areas: [CrisisAreaText]
        var total: Int
        var backHref: String
    }

    struct ExportPage: Encodable {
        var page: PageContext
        var units: [SelectOption]
        var action: String
        var backHref: String
        var minimumLength: Int
        var validityDays: Int
        var passphraseError: String?
        var confirmationError: String?
    }

    func boot(routes: any RoutesBuilder) throws {
        let readers = routes.recordReaders(CrisisAccess.readers)
        readers.get(SiteURL.crisis.pattern, use: list)
        readers.get(SiteURL.crisisPrint.pattern, use: printable)
        readers.get(SiteURL.crisisExport.pattern, use: exportForm)
        readers.post(SiteURL.crisisExport.pattern, use: export)
    }

    private func scopeName(_ unit: Unit?, _ req: Request) -> String { unit?.name ?? req.t("crisis.all_units") }

    /// The list for this user's organisation, with an access-log row for each person on it.
    private func load(_ req: Request, unit: Unit?) async throws -> [CrisisEntry] {
        let user = try req.currentUser
        let entries = try await CrisisListQuery.load(organisationID: user.organisationID, unitID: unit?.id, on: req.db)
        try await logReads(req, entries)
        return entries
    }

    /// An access-log row for each caregiver and person cared for among `entries`.
    private func logReads(_ req: Request, _ entries: [CrisisEntry]) async throws {
        let people = CrisisListQuery.peopleShown(entries)
        try await req.logAccess(recordType: .caregiver, recordIDs: people.caregivers)
        try await req.logAccess(recordType: .careRecipient, recordIDs: people.recipients)
    }

    private func translate(_ req: Request) -> CrisisListText.Translate {
        let localizer = req.application.localizer
        let language = req.textLanguage
        return { localizer.text($0, language, $1) }
    }

    private func withUnit(_ url: SiteURL, _ unit: Unit?) -> String {
        guard let id = unit?.id else { return url.path }
        return url.path + "?unit=" + id.uuidString
    }

    @Sendable func list(req: Request) async throws -> Response {
        let user = try req.currentUser
        let units = try await Unit.scoped(to: user.organisationID, on: req.db).all()
        let unit = try CrisisScope.unit(req.query[String.self, at: "unit"], among: units)
        // Sorted by area and priority, so the pages run in the printed list's order.
        let all = try await CrisisListQuery.outline(organisationID: user.organisationID, unitID: unit?.id, on: req.db)
        // One page on screen, and only its people are read; a page past the end is a clear 400.
        let pages = max(1, (all.count + CrisisList.pageSize - 1) / CrisisList.pageSize)
        let number = try CrisisScope.page(req.query[String.self, at: "page"], of: pages)
        let entries = try await CrisisListQuery.withContact(Array(all.dropFirst((number - 1) * CrisisList.pageSize).prefix(CrisisList.pageSize)),
                                                            organisationID: user.organisationID, on: req.db)
        try await logReads(req, entries)
        func pageHref(_ page: Int) -> String {
            SiteURL.crisis.path + "?" + ((unit?.id).map { "unit=\($0.uuidString)&" } ?? "") + "page=\(page)"
        }
        let unitNames = Dictionary(units.compactMap { unit in unit.id.map { ($0, unit.name) } }, uniquingKeysWith: { first, _ in first })
        let today = CalendarDate.today()
        let exports = try await CrisisExportLog.recent(organisationID: user.organisationID, on: req.db).map {
            ExportRow(time: SwedishTime.format($0.exportedAt, language: req.textLanguage), format: req.t("crisis.format.\($0.format.rawValue)"),
                      scope: $0.unitID.flatMap { unitNames[$0] } ?? req.t("crisis.all_units"), count: $0.peopleCount,
                      destroyBy: $0.destroyBy, expired: CalendarDate($0.destroyBy).map { $0 < today } ?? false)
        }
        return try await req.renderPage("crisis/list", ListPage(
            page: .make(for: req, titleKey: unit == nil ? "crisis.title" : "crisis.title_unit", titleArguments: unit.map { [$0.name] } ?? []),
            quote: CrisisList.seedQuote, source: CrisisList.seedSource,
            units: CrisisScope.options(units, selected: unit?.id, req), areas: CrisisListText.areas(entries, translate(req)), total: all.count,
            pageLabel: pages > 1 ? req.t("crisis.page_of", String(number), String(pages)) : nil,
            previousHref: number > 1 ? pageHref(number - 1) : nil, nextHref: number < pages ? pageHref(number + 1) : nil,
            printHref: withUnit(.crisisPrint, unit), exportHref: withUnit(.crisisExport, unit), exports: exports,
            validityDays: CrisisList.exportValidityDays))
    }

    /// The A4 list to print. Opening it counts as taking a copy out: it is recorded and audited.
    @Sendable func printable(req: Request) async throws -> Response {
        let user = try req.currentUser
        let units = try await Unit.scoped(to: user.organisationID, on: req.db).all()
        let unit = try CrisisScope.unit(req.query[String.self, at: "unit"], among: units)
        let entries = try await load(req, unit: unit)
        let destroyBy = try await CrisisExportLog.record(.print, organisationID: user.organisationID, unitID: unit?.id,
                                                         peopleCount: entries.count, actor: .user(user.id), on: req.db)
        return try await req.renderPage("crisis/print", PrintPage(
            page: .make(for: req, titleKey: "crisis.print_title"), organisation: user.organisationName, scope: scopeName(unit, req),
            exported: req.t("crisis.exported", SwedishTime.format(Date(), language: req.textLanguage), user.displayName),
            destroyBy: SwedishTime.formatDate(destroyBy, language: req.textLanguage),
            quote: CrisisList.seedQuote, source: CrisisList.seedSource,
            areas: CrisisListText.areas(entries, translate(req)), total: entries.count, backHref: withUnit(.crisis, unit)))
    }

    private func renderExportForm(_ req: Request, unit: Unit?, units: [Unit], passphraseError: String? = nil,
                                  confirmationError: String? = nil, status: HTTPResponseStatus = .ok) async throws -> Response {
        var errors: [PageContext.FormError] = []
        if let passphraseError { errors.append(.init(field: "passphrase", message: passphraseError)) }
        if let confirmationError { errors.append(.init(field: "confirmation", message: confirmationError)) }
        return try await req.renderPage("crisis/export", ExportPage(
            page: .make(for: req, titleKey: "crisis.export_title", errors: errors), units: CrisisScope.options(units, selected: unit?.id, req),
            action: SiteURL.crisisExport.path, backHref: withUnit(.crisis, unit), minimumLength: CrisisList.minimumPassphraseLength,
            validityDays: CrisisList.exportValidityDays, passphraseError: passphraseError, confirmationError: confirmationError), status: status)
    }

    @Sendable func exportForm(req: Request) async throws -> Response {
        let user = try req.currentUser
        let units = try await Unit.scoped(to: user.organisationID, on: req.db).all()
        return try await renderExportForm(req, unit: try CrisisScope.unit(req.query[String.self, at: "unit"], among: units), units: units)
    }

    /// The encrypted file. The passphrase is used once, to derive the keys, and is neither
    /// logged, stored nor shown again: a form with a problem comes back with both fields empty.
    @Sendable func export(req: Request) async throws -> Response {
        let user = try req.currentUser
        let form = FormValues(request: req)
        let units = try await Unit.scoped(to: user.organisationID, on: req.db).all()
        let unit = try CrisisScope.unit(form["unit"], among: units)
        let passphrase = form["passphrase"] ?? ""
        if let problem = CrisisExportFile.passphraseProblem(passphrase) {
            return try await renderExportForm(req, unit: unit, units: units, passphraseError: req.t(problem), status: .unprocessableEntity)
        }
        guard form["confirmation"] == passphrase else {
            return try await renderExportForm(req, unit: unit, units: units, confirmationError: req.t("crisis.passphrase_mismatch"),
                                              status: .unprocessableEntity)
        }
        let entries = try await load(req, unit: unit)
        let file = try await CrisisExportFile.make(
            entries, organisationID: user.organisationID, organisationName: user.organisationName, unit: unit,
            scopeName: scopeName(unit, req), exportedBy: user.displayName, passphrase: passphrase,
            actor: .user(user.id), on: req.db, language: req.textLanguage, translate(req))
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "application", subType: "pdf")
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(file.filename)\"")
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: headers, body: .init(data: Data(file.bytes)))
    }
}

/// The encrypted export, made the same way from the page and from the command line.
enum CrisisExportFile {
    struct Made {
        var bytes: [UInt8]
        var filename: String
        var destroyBy: CalendarDate
        var peopleCount: Int
    }

    /// The message key of what is wrong with a passphrase, or nil when it will do.
    static func passphraseProblem(_ passphrase: String) -> String? {
        let length = passphrase.count
        if passphrase.trimmingCharacters(in: .whitespacesAndNewlines).count < CrisisList.minimumPassphraseLength { return "crisis.passphrase_short" }
        if length > CrisisList.maximumPassphraseLength { return "crisis.passphrase_long" }
        return nil
    }

    static func make(_ entries: [CrisisEntry], organisationID: UUID, organisationName: String, unit: Unit?, scopeName: String,
                     exportedBy: String, passphrase: String, actor: AuditActor, on db: any Database,
                     language: String, _ t: @escaping CrisisListText.Translate) async throws -> Made {
        let today = CalendarDate.today()
        let heading = CrisisPDF.Heading(
            organisation: organisationName, scope: scopeName,
            exported: t("crisis.exported", [SwedishTime.format(Date(), language: language), exportedBy]),
            destroyBy: SwedishTime.formatDate(CrisisList.destroyBy(exportedOn: today), language: language))
        let bytes = try CrisisPDF.file(CrisisListText.areas(entries, t), total: entries.count, heading: heading,
                                       passphrase: passphrase, t)
        let destroyBy = try await CrisisExportLog.record(.encryptedPDF, organisationID: organisationID, unitID: unit?.id,
                                                         peopleCount: entries.count, actor: actor, on: db, today: today)
        return Made(bytes: bytes, filename: "krislista-\(today.iso).pdf", destroyBy: destroyBy, peopleCount: entries.count)
    }
}

/// The selection a crisis list, export or event covers: the whole organisation or one of its units.
enum CrisisScope {
    /// The unit chosen in `?unit=` or a form, nil for the whole organisation. A unit that is not
    /// this organisation's is a clear 400, never someone else's list.
    static func unit(_ raw: String?, among units: [Unit]) throws -> Unit? {
        guard let raw = raw?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
        guard let id = UUID(uuidString: raw), let unit = units.first(where: { $0.id == id }) else {
            throw SynligError(.badRequest, "crisis.unknown_unit")
        }
        return unit
    }

    /// The page asked for in `?page=`: 1 when none; anything but a page of the list is a clear 400.
    static func page(_ raw: String?, of pages: Int) throws -> Int {
        guard let raw = raw?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return 1 }
        guard raw.count <= 6, let number = Int(raw), (1...pages).contains(number) else {
            throw SynligError(.badRequest, "crisis.page_invalid")
        }
        return number
    }

    /// The choices of a unit select: the whole organisation first, then the units by name.
    static func options(_ units: [Unit], selected: UUID?, _ req: Request) -> [SelectOption] {
        [SelectOption(value: "", label: req.t("crisis.all_units"), selected: selected == nil)]
            + units.sorted { $0.name < $1.name }.map {
                SelectOption(value: $0.id?.uuidString ?? "", label: $0.name, selected: $0.id != nil && $0.id == selected)
            }
    }
}
