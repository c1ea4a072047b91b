import Fluent
import SynligCore
import Vapor

/// The caregiver record's forms: which fields each has, and how a submitted form becomes the
/// service's input. Shared by the create and edit routes and by re-rendering after errors.
enum CaregiverForms {
    static let removeNumberField = "removePersonalIdentityNumber"

    /// `storedNumber`: editing a record that holds a personnummer, which the form never shows;
    /// a box then lets it be removed (an empty field keeps it).
    static func caregiver(_ req: Request, values: FormValues, errors: FormErrors, user: CurrentUser,
                          storedNumber: Bool = false) async throws -> FormBuilder {
        var form = FormBuilder(req, values: values, errors: errors)
        form.text("name", "caregiver.field.name", maxLength: 120)
        form.text("personalIdentityNumber", "caregiver.field.pin", hint: "caregiver.field.pin_hint", maxLength: 13)
        if storedNumber { form.checkbox(removeNumberField, "caregiver.field.pin_remove") }
        form.text("phone", "caregiver.field.phone", kind: .tel, maxLength: 40)
        form.text("email", "caregiver.field.email", kind: .email, maxLength: 254)
        form.text("address", "caregiver.field.address", maxLength: 300)
        form.choice("preferredChannel", "caregiver.field.channel", ContactChannel.self, prefix: "caregiver.channel")
        form.options("preferredLanguage", "caregiver.field.language",
                     SupportLanguage.codes.map { ($0, req.t("language.name.\($0)")) })
        form.classification("interpreterNeed", "caregiver.field.interpreter", InterpreterNeed.self, prefix: "caregiver.interpreter")
        form.options("unitId", "caregiver.field.unit", try await unitOptions(req, user: user), hint: "caregiver.field.unit_hint",
                     blankKey: "caregiver.field.no_unit")
        form.options("responsibleUserId", "caregiver.field.responsible", try await colleagueOptions(req, user: user),
                     blankKey: "caregiver.field.no_responsible")
        form.classification("occupation", "caregiver.field.occupation", Occupation.self, prefix: "caregiver.occupation")
        form.textarea("ownHealthNote", "caregiver.field.own_health", hint: "caregiver.field.own_health_hint", rows: 2, maxLength: 300)
        form.classification("gender", "caregiver.field.gender", Gender.self, prefix: "caregiver.gender", hint: "caregiver.field.voluntary_hint")
        form.text("birthYear", "caregiver.field.birth_year", kind: .number, maxLength: 4)
        form.classification("foreignBackground", "caregiver.field.foreign_background", ForeignBackground.self, prefix: "caregiver.foreign_background")
        form.classification("minorityLanguage", "caregiver.field.minority_language", MinorityLanguage.self, prefix: "caregiver.minority_language")
        return form
    }

    /// The stored caregiver as form values, for the edit page.
    static func values(of caregiver: Caregiver) -> FormValues {
        let pairs: [(String, String)] = [
            ("name", caregiver.name), ("phone", caregiver.phone), ("email", caregiver.email), ("address", caregiver.address),
            ("preferredChannel", caregiver.preferredChannel.rawValue), ("preferredLanguage", caregiver.preferredLanguage),
            ("interpreterNeed", caregiver.interpreterNeed.rawValue),
            ("gender", caregiver.gender.rawValue), ("birthYear", caregiver.birthYear.map(String.init) ?? ""),
            ("foreignBackground", caregiver.foreignBackground.rawValue), ("minorityLanguage", caregiver.minorityLanguage.rawValue),
            ("occupation", caregiver.occupation.rawValue), ("ownHealthNote", caregiver.ownHealthNote),
            ("unitId", caregiver.unitID?.uuidString ?? ""), ("responsibleUserId", caregiver.responsibleUserID?.uuidString ?? ""),
        ]
        // The personnummer is never put back into a page; leaving the field empty keeps it.
        return FormValues(pairs)
    }

    static func recipient(_ req: Request, values: FormValues, errors: FormErrors, user: CurrentUser) async throws -> FormBuilder {
        var form = FormBuilder(req, values: values, errors: errors)
        form.text("name", "recipient.field.name", maxLength: 120)
        form.text("externalReference", "recipient.field.reference", hint: "recipient.field.reference_hint", maxLength: 60)
        form.checkboxes("unitIds", "recipient.field.units", try await unitOptions(req, user: user), hint: "recipient.field.units_hint")
        form.text("fixedCareContact", "recipient.field.fixed_care_contact", hint: "recipient.field.fixed_contact_hint")
        form.text("fixedDoctorContact", "recipient.field.fixed_doctor_contact")
        form.text("fixedCareHomeContact", "recipient.field.fixed_care_home_contact")
        form.checkbox("patientContract", "recipient.field.patient_contract")
        form.classification("careNeedArea", "recipient.field.care_need_area", CareNeedArea.self, prefix: "recipient.care_need_area",
                            hint: "recipient.field.care_need_area_hint")
        return form
    }

    static func relationship(_ req: Request, values: FormValues, errors: FormErrors, recipients: [(value: String, label: String)]?) -> FormBuilder {
        var form = FormBuilder(req, values: values, errors: errors)
        if let recipients {
            form.options("recipient", "relationship.field.recipient", recipients, hint: "relationship.field.recipient_hint",
                         blankKey: "relationship.field.new_recipient")
            form.text("recipientName", "relationship.field.recipient_name", hint: "relationship.field.recipient_name_hint", maxLength: 120)
        }
        form.classification("relation", "relationship.field.relation", RelationKind.self, prefix: "caregiver.relation")
        form.classification("hoursBand", "relationship.field.hours", HoursBand.self, prefix: "caregiver.hours", hint: "relationship.field.hours_hint")
        form.checkbox("livesTogether", "relationship.field.lives_together")
        form.date("since", "relationship.field.since")
        form.checkboxes("tasks", "relationship.field.tasks", CareTask.self, prefix: "caregiver.task")
        form.textarea("coordinatedContacts", "relationship.field.contacts", hint: "relationship.field.contacts_hint", rows: 4, maxLength: 2000)
        form.checkbox("carriesCoordination", "relationship.field.carries_coordination")
        return form
    }

    static func unitOptions(_ req: Request, user: CurrentUser) async throws -> [(value: String, label: String)] {
        let query = Unit.scoped(to: user.organisationID, on: req.db).filter(\.$active == true).sort(\.$name)
        if !CaregiverAccess.seesWholeOrganisation(user) { query.filter(\.$id ~~ Array(user.unitIDs)) }
        return try await query.all().map { (try $0.requireID().uuidString, $0.name) }
    }

    /// Consultants and case officers who can be responsible for a caregiver's follow-ups.
    static func colleagueOptions(_ req: Request, user: CurrentUser) async throws -> [(value: String, label: String)] {
        let ids = try await UserRole.query(on: req.db).filter(\.$organisationID == user.organisationID)
            .filter(\.$role ~~ [Role.consultant, Role.caseOfficer]).all().map { $0.$user.id }
        guard !ids.isEmpty else { return [] }
        return try await User.query(on: req.db).filter(\.$id ~~ ids).filter(\.$active == true).sort(\.$displayName).all()
            .map { (try $0.requireID().uuidString, $0.displayName) }
    }
}
