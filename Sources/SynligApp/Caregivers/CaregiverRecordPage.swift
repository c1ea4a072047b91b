import Fluent
import SynligCore
import Vapor

/// The caregiver's record as one page: who they are, whom they care for and on what terms,
/// how their situation is followed, and the support given. Plain data for `caregivers/record`.
struct CaregiverRecordPage: Encodable {
    struct Fact: Encodable {
        var label: String
        var value: String
        /// A link the value opens, e.g. `tel:` for a phone number.
        var href: String? = nil
    }

    struct Relationship: Encodable {
        var href: String
        var recipientName: String
        var recipientHref: String
        var summary: String
        var consent: String
        var restricted: Bool
        var restrictionText: String?
        var mayInvite: Bool
        var coordinationSignal: Bool
        var contacts: [String]
        var review: StanceReview?
    }

    struct Row: Encodable {
        var cells: [String]
        var href: String?
        var warning: Bool
    }

    struct Task: Encodable {
        var label: String
        var due: String
        var overdue: Bool
        var action: String?
    }

    /// One voluntariness check in the history. An earlier check asked one question: `single`
    /// holds its answer, labelled as that question, and the dimensions are empty.
    struct VoluntarinessRow: Encodable {
        var date: String
        var single: String?
        var wants: String
        var able: String
        var shouldNotCarry: String
        var comment: String
        var warning: Bool
    }

    struct Memo: Encodable {
        var text: String
        var purgeOn: String
    }

    var page: PageContext
    var selfHref: String
    var name: String
    var facts: [Fact]
    var tasks: [Task]
    var relationships: [Relationship]
    var withoutConsent: [String]
    var information: Information
    var voluntariness: [VoluntarinessRow]
    var voluntarinessAction: String
    /// The voluntariness form's questions, named `fields` for `shared/form-fields`.
    var fields: [FormField]
    var screenings: [Row]
    var screeningHref: String
    var conversations: [Row]
    var plan: [Fact]
    var planHref: String
    var support: [Row]
    /// Sign-ups for group support: offering, date and time, attendance.
    var groupSignUps: [Row]
    var feedback: [Row]
    var memos: [Memo]
    var memoAction: String
    var memoDays: Int
    /// A refused voluntariness answer or memo note, shown again at its field with what was typed.
    var inlineErrors: [String: String]
    var typed: [String: String]
    var links: Links
    var referrals: ReferralRecordSection

    struct Links: Encodable {
        var edit: String
        var relationshipNew: String
        var conversationNew: String
        var supportNew: String
        var groupSignUp: String
        var feedbackNew: String
        var fhir: String
        /// The register extract, for those who may make one.
        var extract: String?
        /// Erasure on request, for those who may erase (`CaregiverErasure`).
        var erase: String?
        /// Undantag från gallring, for the same; and the file's exemption in words, where it has one.
        var retention: String? = nil
        var retentionState: String? = nil
        /// Earlier values kept at corrections (rättelse), for everyone who reads the file.
        var corrections: String = ""
    }

    static func build(_ caregiver: Caregiver, user: CurrentUser, req: Request, errors: FormErrors = .none,
                      typed: [String: String] = [:]) async throws -> CaregiverRecordPage {
        let id = try caregiver.requireID()
        let db = req.db
        let language = req.language.rawValue
        let today = CalendarDate.today()
        func date(_ iso: String?) -> String { iso.flatMap(CalendarDate.init).map { SwedishTime.formatDate($0, language: language) } ?? "–" }

        var facts = [
            Fact(label: req.t("caregiver.field.pin"), value: caregiver.personalIdentityNumber.flatMap {
                if case .success(let pin) = PersonalIdentityNumber.parse($0) { return pin.masked } else { return nil }
            } ?? req.t("caregiver.not_given")),
            Fact(label: req.t("caregiver.field.phone"), value: caregiver.phone.isEmpty ? "–" : caregiver.phone,
                 href: PhoneNumber.telURI(caregiver.phone)),
            Fact(label: req.t("caregiver.field.email"), value: caregiver.email.isEmpty ? "–" : caregiver.email),
            Fact(label: req.t("caregiver.field.channel"), value: req.t("caregiver.channel.\(caregiver.preferredChannel.rawValue)")),
            Fact(label: req.t("caregiver.field.language"), value: req.t("language.name.\(caregiver.preferredLanguage)")),
            // The classifications show "Ej angivet" when nobody answered, so a reader sees a gap
            // rather than a guess.
            Fact(label: req.t("caregiver.field.interpreter"), value: req.t("caregiver.interpreter.\(caregiver.interpreterNeed.rawValue)")),
            Fact(label: req.t("caregiver.field.occupation"), value: req.t("caregiver.occupation.\(caregiver.occupation.rawValue)")),
            Fact(label: req.t("caregiver.field.gender"), value: req.t("caregiver.gender.\(caregiver.gender.rawValue)")),
            Fact(label: req.t("caregiver.field.birth_year"), value: caregiver.birthYear.map(String.init) ?? req.t("caregiver.not_stated")),
            Fact(label: req.t("caregiver.field.foreign_background"),
                 value: req.t("caregiver.foreign_background.\(caregiver.foreignBackground.rawValue)")),
            Fact(label: req.t("caregiver.field.minority_language"),
                 value: req.t("caregiver.minority_language.\(caregiver.minorityLanguage.rawValue)")),
            Fact(label: req.t("caregiver.registered_on"), value: date(caregiver.registeredOn)),
        ]
        if let responsible = caregiver.responsibleUserID, let colleague = try await User.find(responsible, on: db) {
            facts.append(Fact(label: req.t("caregiver.field.responsible"), value: colleague.displayName))
        }
        if !caregiver.ownHealthNote.isEmpty { facts.append(Fact(label: req.t("caregiver.field.own_health"), value: caregiver.ownHealthNote)) }

        let openTasks = try await CaregiverTask.query(on: db).filter(\.$caregiverID == id).filter(\.$open == true).sort(\.$dueOn).all()
        let tasks = try openTasks.map { task in
            Task(label: req.t("task.kind.\(task.kind.rawValue)"), due: date(task.dueOn),
                 overdue: CalendarDate(task.dueOn).map { $0 < today } ?? false,
                 action: CaregiverTaskService.doneByHand.contains(task.kind) ? SiteURL.caregiverTaskDone(try task.requireID()).path : nil)
        }

        var relationships: [Relationship] = []
        var anyWithoutConsent = false
        let allRelationships = try await CareRelationship.query(on: db).filter(\.$caregiverID == id).sort(\.$createdAt).all()
        // Unit-scoped staff see only the people cared for that their units may see; read once,
        // the rows below take the names from here.
        let recipients = allRelationships.isEmpty ? [:] : Dictionary(try await CaregiverAccess.recipients(for: user, on: db)
            .filter(\.$id ~~ allRelationships.map(\.recipientID)).all().map { (try $0.requireID(), $0) }, uniquingKeysWith: { first, _ in first })
        // Each relationship's person, consent, restriction and stance, read for all of them at
        // once: a query per relationship made a caregiver of many a slow page.
        let visible = allRelationships.filter { recipients[$0.recipientID] != nil }
        let visibleIDs = try visible.map { try $0.requireID() }
        let permissions = try await CaregiverAccess.permissions(for: visible, on: db, today: today)
        let restrictions = visible.isEmpty ? [:] : Dictionary(try await InvolvementRestriction.query(on: db).filter(\.$relationshipID ~~ visibleIDs)
            .filter(\.$liftedAt == nil).sort(\.$createdAt).all().map { ($0.relationshipID, $0) }, uniquingKeysWith: { first, _ in first })
        let reviews = try await stanceReviews(visible, organisationID: caregiver.organisationID, req: req, today: today)
        for relationship in visible {
            let relationshipID = try relationship.requireID()
            guard let recipient = recipients[relationship.recipientID], let permission = permissions[relationshipID] else { continue }
            if permission.consent.categories.isEmpty { anyWithoutConsent = true }
            let restriction = restrictions[relationshipID]
            // In a line of several facts, a bare "Ej angivet" would not say what is missing.
            let summary = [req.t(relationship.relation.isStated ? "caregiver.relation.\(relationship.relation.rawValue)" : "caregiver.relation_not_stated"),
                           req.t(relationship.hoursBand.isStated ? "caregiver.hours.\(relationship.hoursBand.rawValue)" : "caregiver.hours_not_stated"),
                           relationship.livesTogether ? req.t("relationship.lives_together") : nil].compactMap { $0 }.joined(separator: " · ")
            relationships.append(Relationship(
                href: SiteURL.relationship(relationshipID).path, recipientName: recipient.name,
                recipientHref: SiteURL.recipient(try recipient.requireID()).path, summary: summary,
                consent: ConsentText.describe(permission.consent, req: req), restricted: permission.restricted,
                restrictionText: restriction.map { req.t("restriction.warning", req.t("restriction.reason.\($0.reason.rawValue)"), date($0.reviewOn)) },
                mayInvite: permission.mayInvite, coordinationSignal: relationship.coordinationSignal, contacts: relationship.coordinatedContacts,
                review: reviews[relationshipID]))
        }

        let checks = try await VoluntarinessCheck.query(on: db).filter(\.$caregiverID == id).sort(\.$askedOn, .descending).sort(\.$createdAt, .descending).all()
        let screenings = try await ScreeningResult.query(on: db).filter(\.$caregiverID == id).sort(\.$screenedOn, .descending).sort(\.$createdAt, .descending).all()
        let conversations = try await CaregiverConversation.query(on: db).filter(\.$caregiverID == id).sort(\.$heldOn, .descending).all()
        let plan = try await SupportPlan.query(on: db).filter(\.$caregiverID == id).first()
        let support = try await CaregiverSupport.query(on: db).filter(\.$caregiverID == id).sort(\.$requestedOn, .descending).all()
        let offeringIDs = support.compactMap(\.offeringID)
        let offerings = offeringIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await SupportOffering.query(on: db)
            .filter(\.$id ~~ offeringIDs).all().map { (try $0.requireID(), $0.name) })
        let signUps = try await GroupSignUp.query(on: db).filter(\.$caregiverID == id).all()
        let occasions = signUps.isEmpty ? [] : try await GroupOccasion.query(on: db).filter(\.$id ~~ signUps.map(\.occasionID))
            .sort(\.$heldOn, .descending).sort(\.$startsAt, .descending).all()
        let groupOfferings = occasions.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await SupportOffering.query(on: db)
            .filter(\.$id ~~ occasions.map(\.offeringID)).all().map { (try $0.requireID(), $0.name) })
        let feedback = try await CaregiverFeedback.query(on: db).filter(\.$caregiverID == id).sort(\.$receivedOn, .descending).all()
        // A note past its time is gone for the reader even before the hourly purge deletes it.
        let memos = try await MemoNote.query(on: db).filter(\.$caregiverID == id).filter(\.$purgeAfter > Date())
            .sort(\.$createdAt, .descending).all()
        let memoDays = try await CaregiverSettings.scoped(to: user.organisationID, on: db).first()?.memoRetentionDays
            ?? CaregiverSettings.defaultMemoRetentionDays

        let voluntarinessForm = VoluntarinessText.form(req, typed: typed, errors: errors)

        return CaregiverRecordPage(
            page: .make(for: req, titleKey: "caregiver.record_title", titleArguments: [caregiver.name],
                        errors: voluntarinessForm.summary + errors.summary([(id: "memo", labelKey: "memo.new_label")], request: req)),
            selfHref: SiteURL.caregiver(id).path, name: caregiver.name, facts: facts, tasks: tasks, relationships: relationships,
            withoutConsent: anyWithoutConsent || relationships.isEmpty ? ConsentText.stillPossible(req: req) : [],
            information: try await information(for: caregiver, user: user, req: req, date: date),
            voluntariness: checks.map { VoluntarinessText.row($0, date: date($0.askedOn), req: req) },
            voluntarinessAction: SiteURL.caregiverPart(id, .voluntariness).path,
            fields: voluntarinessForm.fields,
            screenings: screenings.map {
                Row(cells: [date($0.screenedOn), String($0.score), req.t("screening.level.\($0.level.rawValue)")], href: nil, warning: $0.level == .high)
            },
            screeningHref: SiteURL.caregiverPart(id, .screening).path,
            conversations: conversations.map {
                Row(cells: [date($0.heldOn), $0.agreedActions.isEmpty ? "–" : $0.agreedActions], href: nil, warning: false)
            },
            plan: plan.map { plan in
                [Fact(label: req.t("plan.field.outcomes"), value: plan.outcomes),
                 Fact(label: req.t("plan.field.agreed_support"), value: plan.agreedSupport.isEmpty ? "–" : plan.agreedSupport),
                 Fact(label: req.t("plan.field.emergency"), value: plan.emergencyPlan.isEmpty ? "–" : plan.emergencyPlan),
                 Fact(label: req.t("plan.field.future"), value: plan.futurePlan.isEmpty ? "–" : plan.futurePlan),
                 Fact(label: req.t("plan.field.review_on"), value: date(plan.reviewOn)),
                 Fact(label: req.t("ibic.field.life_areas"),
                      value: IBICLifeAreas.names(Set(IBICLifeAreas.codes(plan.lifeAreasText)), language: req.textLanguage).joined(separator: ", ").nonEmpty ?? "–")]
            } ?? [],
            planHref: SiteURL.caregiverPart(id, .plan).path,
            support: try support.map {
                Row(cells: [req.t("support_need.kind.\($0.needKind.rawValue)"), $0.offeringID.flatMap { offerings[$0] } ?? "–",
                            req.t("support_need.status.\($0.status.rawValue)"), date($0.requestedOn),
                            IBICLifeAreas.names(Set(IBICLifeAreas.codes($0.lifeAreasText)), language: req.textLanguage).joined(separator: ", ").nonEmpty ?? "–"],
                    href: SiteURL.supportNeed(try $0.requireID()).path, warning: $0.status == .notOffered)
            },
            groupSignUps: try occasions.compactMap { occasion in
                guard let signUp = signUps.first(where: { $0.occasionID == occasion.id }) else { return nil }
                return Row(cells: [groupOfferings[occasion.offeringID] ?? "–", date(occasion.heldOn) + " " + occasion.startsAt,
                                   req.t("occasion.attendance.\(signUp.attendance.rawValue)")],
                           href: SiteURL.groupOccasion(try occasion.requireID()).path, warning: signUp.attendance == .absent)
            },
            feedback: try feedback.map {
                Row(cells: [date($0.receivedOn), req.t("feedback.kind.\($0.kind.rawValue)"), req.t("feedback.status.\($0.status.rawValue)")],
                    href: SiteURL.feedback(try $0.requireID()).path, warning: $0.status == .received)
            },
            memos: memos.map { Memo(text: $0.text, purgeOn: SwedishTime.format($0.purgeAfter, language: language)) },
            memoAction: SiteURL.caregiverPart(id, .memos).path, memoDays: memoDays, inlineErrors: errors.byField, typed: typed,
            links: Links(edit: SiteURL.caregiverPart(id, .edit).path, relationshipNew: SiteURL.caregiverPart(id, .relationshipNew).path,
                         conversationNew: SiteURL.caregiverPart(id, .conversationNew).path,
                         supportNew: SiteURL.caregiverPart(id, .supportNew).path,
                         groupSignUp: SiteURL.caregiverPart(id, .groupSignUp).path, feedbackNew: SiteURL.caregiverPart(id, .feedbackNew).path,
                         fhir: SiteURL.caregiverPart(id, .fhir).path,
                         extract: RegisterExtractService.mayMake(user) ? SiteURL.caregiverPart(id, .extract).path : nil,
                         erase: CaregiverErasure.mayErase(user) ? SiteURL.caregiverPart(id, .erase).path : nil,
                         retention: RetentionExemptionService.mayChange(user) ? SiteURL.caregiverPart(id, .retention).path : nil,
                         retentionState: caregiver.retentionExempt.map { req.t("retention.state", req.t("retention.exemption.\($0.rawValue)")) },
                         corrections: SiteURL.caregiverPart(id, .corrections).path),
            referrals: try await ReferralRecordSection.build(caregiverID: id, user: user, req: req))
    }
}

/// How the voluntariness follow-up reads on the record page: its questions and its history.
enum VoluntarinessText {
    /// Each question starts at "not stated", so an untouched form records no made-up answer.
    static func form(_ req: Request, typed: [String: String], errors: FormErrors) -> FormBuilder {
        var form = FormBuilder(req, values: FormValues(typed.map { ($0.key, $0.value) }), errors: errors)
        form.classification("wantsToContinue", "voluntariness.wants", ContinuationAnswer.self, prefix: "voluntariness.continue")
        form.classification("ableToContinue", "voluntariness.able", ContinuationAnswer.self, prefix: "voluntariness.continue")
        form.classification("shouldNotCarry", "voluntariness.should_not_carry", ShouldNotCarryAnswer.self, prefix: "voluntariness.carry",
                            hint: "voluntariness.should_not_carry_hint")
        form.textarea("shouldNotCarryWhat", "voluntariness.should_not_carry_what", rows: 2, maxLength: 2000)
        form.textarea("comment", "voluntariness.comment", rows: 2, maxLength: 2000)
        return form
    }

    /// Why a check asks for a talk: one code per answer that does (`ableToContinue.no`,
    /// `shouldNotCarry.much`; `answer.partly` for a check of the earlier single question), and
    /// the same as words ("cannot go on, carries a lot …"), so the worklist says which it is.
    struct Reasons: Equatable {
        var codes: [String]
        var text: String
    }

    static func reasons(_ check: VoluntarinessCheck, req: Request) -> Reasons? {
        guard let dimensions = check.dimensions else {
            guard check.answer.needsDiscussion else { return nil }
            return Reasons(codes: ["answer.\(check.answer.rawValue)"],
                           text: req.t("voluntariness.single_answer", req.t("voluntariness.answer.\(check.answer.rawValue)")))
        }
        // (code, key of the phrase) for each dimension that asks for a talk.
        let asking = [
            dimensions.wantsToContinue.needsDiscussion ? ("wantsToContinue.\(dimensions.wantsToContinue.rawValue)", "wants.\(dimensions.wantsToContinue.rawValue)") : nil,
            dimensions.ableToContinue.needsDiscussion ? ("ableToContinue.\(dimensions.ableToContinue.rawValue)", "able.\(dimensions.ableToContinue.rawValue)") : nil,
            dimensions.shouldNotCarry.needsDiscussion ? ("shouldNotCarry.\(dimensions.shouldNotCarry.rawValue)", "carry.\(dimensions.shouldNotCarry.rawValue)") : nil,
        ].compactMap { $0 }
        guard !asking.isEmpty else { return nil }
        return Reasons(codes: asking.map(\.0), text: asking.map { req.t("voluntariness.reason.\($0.1)") }.joined(separator: ", "))
    }

    /// The reasons behind each caregiver's open talk about voluntariness on a worklist: those of
    /// their latest check that asked for one. One query for the whole list.
    static func reasons(of tasks: [WorklistQuery.Entry], organisationID: UUID, req: Request) async throws -> [UUID: Reasons] {
        let caregiverIDs = Array(Set(tasks.filter { $0.isAboutCaregiver && $0.kind == CaregiverTaskKind.discussVoluntariness.rawValue }
            .map(\.person_id)))
        guard !caregiverIDs.isEmpty else { return [:] }
        let checks = try await VoluntarinessCheck.scoped(to: organisationID, on: req.db).filter(\.$caregiverID ~~ caregiverIDs)
            .sort(\.$askedOn, .descending).sort(\.$createdAt, .descending).all()
        var reasons: [UUID: Reasons] = [:]
        for check in checks where reasons[check.caregiverID] == nil {
            reasons[check.caregiverID] = Self.reasons(check, req: req)
        }
        return reasons
    }

    static func row(_ check: VoluntarinessCheck, date: String, req: Request) -> CaregiverRecordPage.VoluntarinessRow {
        guard let dimensions = check.dimensions else {
            return .init(date: date, single: req.t("voluntariness.single_answer", req.t("voluntariness.answer.\(check.answer.rawValue)")),
                         wants: "", able: "", shouldNotCarry: "", comment: check.comment, warning: check.answer.needsDiscussion)
        }
        var carry = req.t("voluntariness.carry.\(dimensions.shouldNotCarry.rawValue)")
        if let what = check.shouldNotCarryWhat, !what.isEmpty { carry += ": " + what }
        return .init(date: date, single: nil, wants: req.t("voluntariness.continue.\(dimensions.wantsToContinue.rawValue)"),
                     able: req.t("voluntariness.continue.\(dimensions.ableToContinue.rawValue)"), shouldNotCarry: carry,
                     comment: check.comment, warning: dimensions.needsDiscussion)
    }
}

/// How consent reads on the pages, and what may be done without it.
enum ConsentText {
    static func describe(_ state: ConsentState, req: Request) -> String {
        let categories = ConsentCategory.allCases.filter(state.allows).map { req.t("consent.category.\($0.rawValue)") }
        switch state.basis {
        case .consent where state.isFull: return req.t("consent.state.full")
        case .consent: return req.t("consent.state.partial", categories.joined(separator: ", "))
        case .harmAssessment: return req.t("consent.state.harm_assessment", categories.joined(separator: ", "))
        default: return req.t("consent.state.\(state.basis.rawValue)")
        }
    }

    /// The seed's list (003, "Sekretess och tystnadsplikt är inte hinder för ett anhörigperspektiv"),
    /// quoted, of what secrecy and confidentiality do not stop.
    static func stillPossible(req: Request) -> [String] {
        (1...6).map { req.t("consent.still_possible.\($0)") }
    }
}
