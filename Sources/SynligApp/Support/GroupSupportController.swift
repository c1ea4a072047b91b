import Fluent
import SynligCore
import Vapor

/// Group support's occasions, sign-ups and attendance for staff: the list of occasions, a form
/// to add one, an occasion's attendance list, and signing a caregiver up from their record.
/// The attendance list names caregivers, so it is read with strong sign-in and each caregiver
/// shown is written to the access log.
struct GroupSupportController: RouteCollection {
    struct OccasionRow: Encodable {
        var href: String
        var cells: [String]
    }

    struct OccasionsPage: Encodable {
        var page: PageContext
        var newHref: String?
        var upcoming: [OccasionRow]
        var past: [OccasionRow]
        /// Only for those who may open the catalogue (record readers on staff may not).
        var catalogueHref: String?
    }

    struct SignUpRow: Encodable {
        var name: String
        var href: String
        var field: String
        var label: String
        var attendance: String
        var options: [SelectOption]
    }

    struct OccasionPage: Encodable {
        var page: PageContext
        var facts: [CaregiverRecordPage.Fact]
        var signUps: [SignUpRow]
        var mayMark: Bool
        var attendanceAction: String
        var notice: String?
        /// How many signed-up caregivers this reader may not see, when any.
        var hidden: String?
        var backHref: String
    }

    func boot(routes: any RoutesBuilder) throws {
        let readers = routes.recordReaders(CaregiverAccess.readers)
        readers.get(SiteURL.groupOccasions.pattern, use: list)
        readers.get(SiteURL.groupOccasionNew.pattern, use: newForm)
        readers.post(SiteURL.groupOccasionNew.pattern, use: create)
        readers.get(SiteURL.groupOccasion(SiteURL.anyID).pattern, use: show)
        readers.post(SiteURL.groupOccasionAttendance(SiteURL.anyID).pattern, use: markAttendance)
        readers.get(SiteURL.caregiverPart(SiteURL.anyID, .groupSignUp).pattern, use: signUpForm)
        readers.post(SiteURL.caregiverPart(SiteURL.anyID, .groupSignUp).pattern, use: signUp)
    }

    private static func date(_ iso: String, _ req: Request) -> String {
        CalendarDate(iso).map { SwedishTime.formatDate($0, language: req.language.rawValue) } ?? iso
    }

    /// The organisation's group offerings by id, for naming occasions.
    static func groupOfferings(_ user: CurrentUser, on db: any Database) async throws -> [UUID: SupportOffering] {
        let all = try await SupportOffering.scoped(to: user.organisationID, on: db).sort(\.$name).all()
        return Dictionary(uniqueKeysWithValues: try all.filter(\.kind.isGroup).map { (try $0.requireID(), $0) })
    }

    // MARK: The list and a new occasion

    @Sendable func list(req: Request) async throws -> Response {
        let user = try req.currentUser
        let today = CalendarDate.today()
        let offerings = try await Self.groupOfferings(user, on: req.db)
        let occasions = try await GroupOccasion.scoped(to: user.organisationID, on: req.db)
            .filter(\.$heldOn >= today.addingMonths(-3).iso).sort(\.$heldOn).sort(\.$startsAt).limit(500).all()
        let counts = try await GroupSupportService.signUpCounts(occasions, organisationID: user.organisationID, on: req.db)
        let rows = try occasions.map { occasion in
            (occasion.heldOn >= today.iso, OccasionRow(href: SiteURL.groupOccasion(try occasion.requireID()).path, cells: [
                Self.date(occasion.heldOn, req), occasion.startsAt, offerings[occasion.offeringID]?.name ?? "–",
                req.tp("occasion.signed_up_count", counts[try occasion.requireID()] ?? 0, String(counts[try occasion.requireID()] ?? 0)),
            ]))
        }
        return try await req.renderPage("support/occasions", OccasionsPage(
            page: .make(for: req, titleKey: "occasion.list_title"),
            newHref: offerings.isEmpty ? nil : SiteURL.groupOccasionNew.path,
            upcoming: rows.filter { $0.0 }.map { $0.1 }, past: rows.filter { !$0.0 }.map { $0.1 }.reversed(),
            catalogueHref: user.hasAny([.admin, .strategist, .consultant]) ? SiteURL.supportCatalogue.path : nil))
    }

    private func renderNew(_ req: Request, values: FormValues, errors: FormErrors, notice: String?,
                           status: HTTPResponseStatus = .ok) async throws -> Response {
        let offerings = try await Self.groupOfferings(try req.currentUser, on: req.db).values.sorted { $0.name < $1.name }
        var form = FormBuilder(req, values: values, errors: errors)
        form.options("offeringId", "occasion.field.offering", try offerings.map { (try $0.requireID().uuidString, $0.name) },
                     hint: "occasion.field.offering_hint", blankKey: "form.choose")
        form.date("heldOn", "occasion.field.held_on")
        form.text("startsAt", "occasion.field.starts_at", hint: "occasion.field.starts_at_hint", maxLength: 5)
        return try await req.renderForm(titleKey: "occasion.new_title", form: form, action: SiteURL.groupOccasionNew.path,
                                        introKey: "occasion.new_intro", notice: notice, backHref: SiteURL.groupOccasions.path,
                                        backKey: "occasion.back_list", status: status)
    }

    @Sendable func newForm(req: Request) async throws -> Response {
        try await renderNew(req, values: FormValues([("heldOn", CalendarDate.today().addingDays(7).iso), ("startsAt", "14:00")]),
                            errors: .none, notice: nil)
    }

    @Sendable func create(req: Request) async throws -> Response {
        let user = try req.currentUser
        return try await req.submitForm(render: { values, errors, notice, status in
            try await renderNew(req, values: values, errors: errors, notice: notice, status: status)
        }, save: { values in
            let occasion = try await GroupSupportService.createOccasion(try values.decode(OccasionInput.self), by: user, on: req.db)
            return req.redirect(to: SiteURL.groupOccasion(try occasion.requireID()).path)
        })
    }

    // MARK: One occasion's attendance list

    @Sendable func show(req: Request) async throws -> Response {
        try await render(req, occasionID: try req.idParameter(), notice: nil)
    }

    private func render(_ req: Request, occasionID: UUID, notice: String?, status: HTTPResponseStatus = .ok) async throws -> Response {
        let user = try req.currentUser
        let occasion = try await GroupOccasion.find(occasionID, in: user.organisationID, on: req.db)
        let offering = try await SupportOffering.scoped(to: user.organisationID, on: req.db).filter(\.$id == occasion.offeringID).first()
        let signUps = try await GroupSignUp.scoped(to: user.organisationID, on: req.db).filter(\.$occasionID == occasionID).all()
        // Only the caregivers this reader may see are named; the others are counted.
        let visible = signUps.isEmpty ? [] : try await CaregiverAccess.caregivers(for: user, on: req.db)
            .filter(\.$id ~~ signUps.map(\.caregiverID)).sort(\.$name).all()
        try await req.logAccess(recordType: .caregiver, recordIDs: try visible.map { try $0.requireID() })
        let heldOn = CalendarDate(occasion.heldOn) ?? .today()
        let rows: [SignUpRow] = try visible.compactMap { caregiver in
            guard let signUp = signUps.first(where: { $0.caregiverID == caregiver.id }) else { return nil }
            let id = try signUp.requireID()
            return SignUpRow(name: caregiver.name, href: SiteURL.caregiver(try caregiver.requireID()).path, field: "attendance-\(id.uuidString)",
                             label: req.t("occasion.attendance_of", caregiver.name),
                             attendance: req.t("occasion.attendance.\(signUp.attendance.rawValue)"),
                             options: GroupAttendance.allCases.map {
                                 SelectOption(value: $0.rawValue, label: req.t("occasion.attendance.\($0.rawValue)"), selected: $0 == signUp.attendance)
                             })
        }
        let title = [offering?.name ?? "–", Self.date(occasion.heldOn, req), occasion.startsAt]
        return try await req.renderPage("support/occasion", OccasionPage(
            page: .make(for: req, titleKey: "occasion.title", titleArguments: title),
            facts: [.init(label: req.t("occasion.field.offering"), value: offering?.name ?? "–"),
                    .init(label: req.t("occasion.field.held_on"), value: Self.date(occasion.heldOn, req)),
                    .init(label: req.t("occasion.field.starts_at"), value: occasion.startsAt),
                    .init(label: req.t("occasion.signed_up"), value: req.tp("occasion.signed_up_count", signUps.count, String(signUps.count)))],
            signUps: rows, mayMark: GroupAttendanceRetention.mayMark(heldOn: heldOn, today: .today()),
            attendanceAction: SiteURL.groupOccasionAttendance(occasionID).path, notice: notice,
            hidden: signUps.count > rows.count ? req.t("occasion.hidden_count", String(signUps.count - rows.count)) : nil, backHref: SiteURL.groupOccasions.path), status: status)
    }

    /// One form for the whole list: each row's select sends its mark, the unchanged ones too
    /// (the service leaves an unchanged mark alone, so only changes are audited).
    @Sendable func markAttendance(req: Request) async throws -> Response {
        let user = try req.currentUser
        let occasionID = try req.idParameter()
        let occasion = try await GroupOccasion.find(occasionID, in: user.organisationID, on: req.db)
        let values = FormValues(request: req)
        let signUps = try await GroupSignUp.scoped(to: user.organisationID, on: req.db).filter(\.$occasionID == occasion.requireID()).all()
        do {
            for signUp in signUps {
                guard let mark = values["attendance-\(try signUp.requireID().uuidString)"] else { continue }
                _ = try await GroupSupportService.mark(signUpID: try signUp.requireID(), attendance: mark, by: user, on: req.db)
            }
        } catch let error as SynligError where error.status == .conflict || !error.fieldProblems.isEmpty {
            return try await render(req, occasionID: occasionID, notice: req.t(error.fieldProblems.first?.messageKey ?? error.messageKey),
                                    status: error.status)
        }
        return req.redirect(to: SiteURL.groupOccasion(occasionID).path)
    }

    // MARK: Signing up from the record

    private func renderSignUp(_ req: Request, caregiver: Caregiver, values: FormValues, errors: FormErrors, notice: String?,
                              status: HTTPResponseStatus = .ok) async throws -> Response {
        let user = try req.currentUser
        let offerings = try await Self.groupOfferings(user, on: req.db)
        let upcoming = try await GroupOccasion.scoped(to: user.organisationID, on: req.db).filter(\.$heldOn >= CalendarDate.today().iso)
            .sort(\.$heldOn).sort(\.$startsAt).limit(200).all()
        var form = FormBuilder(req, values: values, errors: errors)
        form.options("occasionId", "occasion.field.occasion", try upcoming.map { occasion in
            (try occasion.requireID().uuidString,
             [offerings[occasion.offeringID]?.name ?? "–", Self.date(occasion.heldOn, req), occasion.startsAt].joined(separator: ", "))
        }, hint: "occasion.field.occasion_hint", blankKey: "form.choose")
        let id = try caregiver.requireID()
        return try await req.renderForm(titleKey: "occasion.sign_up_title", titleArguments: [caregiver.name], form: form,
                                        action: SiteURL.caregiverPart(id, .groupSignUp).path, introKey: "occasion.sign_up_intro",
                                        notice: notice, backHref: SiteURL.caregiver(id).path, backKey: "caregiver.back_record", status: status)
    }

    @Sendable func signUpForm(req: Request) async throws -> Response {
        let caregiver = try await CaregiverAccess.caregiver(try req.idParameter(), for: try req.currentUser, on: req.db)
        try await req.logAccess(recordType: .caregiver, recordID: try caregiver.requireID())
        return try await renderSignUp(req, caregiver: caregiver, values: FormValues(), errors: .none, notice: nil)
    }

    @Sendable func signUp(req: Request) async throws -> Response {
        let user = try req.currentUser
        let caregiver = try await CaregiverAccess.caregiver(try req.idParameter(), for: user, on: req.db)
        return try await req.submitForm(render: { values, errors, notice, status in
            try await renderSignUp(req, caregiver: caregiver, values: values, errors: errors, notice: notice, status: status)
        }, save: { values in
            guard let occasionID = values["occasionId"].flatMap(UUID.init(uuidString:)) else {
                throw SynligError.invalid([.init(field: "occasionId", messageKey: "input.required")])
            }
            // An occasion of another organisation is as unknown as a mistyped one.
            guard try await GroupOccasion.scoped(to: user.organisationID, on: req.db).filter(\.$id == occasionID).count() == 1 else {
                throw SynligError.invalid([.init(field: "occasionId", messageKey: "input.invalid_id")])
            }
            _ = try await GroupSupportService.signUp(occasionID: occasionID, caregiverID: caregiver.id, by: user, on: req.db)
            return req.redirect(to: SiteURL.caregiver(try caregiver.requireID()).path)
        })
    }
}
