import Fluent
import SynligCore
import Vapor

/// The view models of the SIP pages, built from the records the reader may see.
enum CoordinatedPlanPages {
    struct DischargeRow: Encodable {
        var date: String
        var from: String
        var responsible: String
        /// The SIP offered after it, when there is one.
        var planHref: String?
    }

    struct OfferRow: Encodable {
        var offeredOn: String
        var outcome: String
        var outcomeOn: String?
        var discharge: String?
        var href: String
        var responsibilities: Int
    }

    struct ContractRow: Encodable {
        var agreed: String
        var agreedOn: String
        var followUpOn: String
        var result: String?
        var comment: String
        var href: String?
    }

    struct TaskRow: Encodable {
        var task: String
        var due: String
        var overdue: Bool
        var href: String
        var action: String?
    }

    struct Overview: Encodable {
        var page: PageContext
        var recipientHref: String
        var quote: String
        var quoteSource: String
        var tasks: [TaskRow]
        var discharges: [DischargeRow]
        var offers: [OfferRow]
        var contracts: [ContractRow]
        var dischargeHref: String
        var offerHref: String
        var contractHref: String
        var returnPath: String
    }

    struct HistoryRow: Encodable {
        var outcome: String
        var date: String
        var participants: String
        var caregiver: String?
        var recordedBy: String
    }

    struct ResponsibilityRow: Encodable {
        var actor: String
        var task: String
        var due: String
        var followUp: String
        var owner: String
        var overall: Bool
        var done: String?
        var action: String?
    }

    struct Plan: Encodable {
        var page: PageContext
        var backHref: String
        var offeredOn: String
        var outcome: String
        var outcomeOn: String?
        var discharge: String?
        var history: [HistoryRow]
        var responsibilities: [ResponsibilityRow]
        var outcomeHref: String
        var responsibilityHref: String
        var returnPath: String
        var quote: String
        var quoteSource: String
    }

    static func date(_ iso: String?, _ req: Request) -> String {
        iso.flatMap(CalendarDate.init).map { SwedishTime.formatDate($0, language: req.language.rawValue) } ?? "–"
    }

    static func userNames(_ ids: [UUID], on db: any Database) async throws -> [UUID: String] {
        let unique = Array(Set(ids))
        guard !unique.isEmpty else { return [:] }
        return Dictionary(uniqueKeysWithValues: try await User.query(on: db).filter(\.$id ~~ unique).all().map { (try $0.requireID(), $0.displayName) })
    }

    static func overview(_ recipient: CareRecipient, req: Request) async throws -> Overview {
        let user = try req.currentUser
        let id = try recipient.requireID()
        let today = CalendarDate.today()
        let discharges = try await InpatientDischarge.scoped(to: user.organisationID, on: req.db).filter(\.$recipientID == id)
            .sort(\.$dischargedOn, .descending).all()
        let offers = try await CoordinatedPlanOffer.scoped(to: user.organisationID, on: req.db).filter(\.$recipientID == id)
            .sort(\.$offeredOn, .descending).sort(\.$createdAt, .descending).all()
        let contracts = try await PatientContract.scoped(to: user.organisationID, on: req.db).filter(\.$recipientID == id)
            .sort(\.$agreedOn, .descending).all()
        let responsibilityCounts = try await CoordinatedPlanResponsibility.scoped(to: user.organisationID, on: req.db)
            .filter(\.$recipientID == id).all(\.$offerID)
        let tasks = try await RecipientTask.scoped(to: user.organisationID, on: req.db).filter(\.$recipientID == id)
            .filter(\.$open == true).sort(\.$dueOn).all()
        let names = try await userNames(discharges.map(\.responsibleUserID), on: req.db)
        func dischargeLabel(_ dischargeID: UUID?) -> String? {
            discharges.first { $0.id == dischargeID }.map { req.t("sip.discharge_label", date($0.dischargedOn, req), $0.dischargedFrom) }
        }
        return Overview(
            page: .make(for: req, titleKey: "sip.title", titleArguments: [recipient.name]),
            recipientHref: SiteURL.recipient(id).path,
            quote: CoordinatedPlanSeed.dischargeQuote, quoteSource: CoordinatedPlanSeed.source,
            tasks: try tasks.map { task in
                let due = CalendarDate(task.dueOn) ?? today
                return TaskRow(task: req.t("recipient_task.kind.\(task.kind.rawValue)"), due: date(task.dueOn, req),
                               overdue: DueState.of(due, today: today) == .overdue, href: RecipientTaskService.href(of: task),
                               action: RecipientTaskService.doneByHand.contains(task.kind) ? SiteURL.recipientTaskDone(try task.requireID()).path : nil)
            },
            discharges: discharges.map { discharge in
                let answered = offers.first { $0.dischargeID == discharge.id }
                return DischargeRow(date: date(discharge.dischargedOn, req), from: discharge.dischargedFrom,
                                    responsible: names[discharge.responsibleUserID] ?? "–",
                                    planHref: try? answered.map { SiteURL.coordinatedPlan(try $0.requireID()).path })
            },
            offers: try offers.map { offer in
                let offerID = try offer.requireID()
                return OfferRow(offeredOn: date(offer.offeredOn, req), outcome: req.t("sip.outcome.\(offer.outcome.rawValue)"),
                                outcomeOn: offer.outcomeOn.map { date($0, req) }, discharge: dischargeLabel(offer.dischargeID),
                                href: SiteURL.coordinatedPlan(offerID).path, responsibilities: responsibilityCounts.filter { $0 == offerID }.count)
            },
            contracts: try contracts.map { contract in
                ContractRow(agreed: contract.agreed, agreedOn: date(contract.agreedOn, req), followUpOn: date(contract.followUpOn, req),
                            result: contract.result.map { req.t("sip.result.\($0.rawValue)") }, comment: contract.comment,
                            href: contract.result == nil ? SiteURL.patientContract(try contract.requireID()).path : nil)
            },
            dischargeHref: SiteURL.recipientPlansPart(id, .discharges).path, offerHref: SiteURL.recipientPlansPart(id, .offers).path,
            contractHref: SiteURL.recipientPlansPart(id, .contracts).path, returnPath: SiteURL.recipientPlans(id).path)
    }

    static func plan(_ offer: CoordinatedPlanOffer, recipient: CareRecipient, req: Request) async throws -> Plan {
        let user = try req.currentUser
        let offerID = try offer.requireID()
        let entries = try await CoordinatedPlanOutcomeEntry.scoped(to: user.organisationID, on: req.db).filter(\.$offerID == offerID)
            .sort(\.$sequence, .descending).all()
        let rows = try await CoordinatedPlanResponsibility.scoped(to: user.organisationID, on: req.db).filter(\.$offerID == offerID)
            .sort(\.$dueOn).sort(\.$createdAt).all()
        let names = try await userNames(entries.map(\.recordedBy) + rows.compactMap(\.ownerUserID), on: req.db)
        let invitations = try await invitationLabels(offer.recipientID, req: req)
        var discharge: InpatientDischarge?
        if let dischargeID = offer.dischargeID { discharge = try await InpatientDischarge.find(dischargeID, on: req.db) }
        return Plan(
            page: .make(for: req, titleKey: "sip.plan_title", titleArguments: [recipient.name, date(offer.offeredOn, req)]),
            backHref: SiteURL.recipientPlans(offer.recipientID).path,
            offeredOn: date(offer.offeredOn, req), outcome: req.t("sip.outcome.\(offer.outcome.rawValue)"),
            outcomeOn: offer.outcomeOn.map { date($0, req) },
            discharge: discharge.map { req.t("sip.discharge_label", date($0.dischargedOn, req), $0.dischargedFrom) },
            history: entries.map { entry in
                HistoryRow(outcome: req.t("sip.outcome.\(entry.outcome.rawValue)"), date: date(entry.outcomeOn, req),
                           participants: entry.participants,
                           caregiver: entry.invitationID.map { invitations[$0] ?? req.t("sip.invitation_not_visible") },
                           recordedBy: names[entry.recordedBy] ?? "–")
            },
            responsibilities: try rows.map { row in
                ResponsibilityRow(actor: row.actor, task: row.task, due: date(row.dueOn, req), followUp: date(row.followUpOn, req),
                                  owner: row.ownerUserID.flatMap { names[$0] } ?? req.t("sip.no_owner"), overall: row.overall,
                                  done: row.doneOn.map { date($0, req) },
                                  action: row.doneOn == nil ? SiteURL.responsibilityDone(try row.requireID()).path : nil)
            },
            outcomeHref: SiteURL.coordinatedPlanPart(offerID, .outcome).path,
            responsibilityHref: SiteURL.coordinatedPlanPart(offerID, .responsibilities).path,
            returnPath: SiteURL.coordinatedPlan(offerID).path,
            quote: CoordinatedPlanSeed.responsibilityQuote, quoteSource: CoordinatedPlanSeed.source)
    }

    /// The person's discharges for the offer form's select, newest first.
    static func dischargeOptions(_ recipientID: UUID, req: Request) async throws -> [(value: String, label: String)] {
        try await InpatientDischarge.scoped(to: try req.currentUser.organisationID, on: req.db).filter(\.$recipientID == recipientID)
            .sort(\.$dischargedOn, .descending).all()
            .map { (try $0.requireID().uuidString, req.t("sip.discharge_label", date($0.dischargedOn, req), $0.dischargedFrom)) }
    }

    /// The newest discharge that still waits for a SIP: what the offer form starts at.
    static func unansweredDischarge(_ recipientID: UUID, on db: any Database) async throws -> UUID? {
        try await RecipientTask.query(on: db).filter(\.$recipientID == recipientID).filter(\.$kind == .drawUpCoordinatedPlan)
            .filter(\.$open == true).sort(\.$dueOn, .descending).first()?.subjectID
    }

    /// Invitations of the person's caregivers (those the reader may see) to SIP meetings, by id:
    /// "name – date – attendance".
    static func invitationLabels(_ recipientID: UUID, req: Request) async throws -> [UUID: String] {
        let user = try req.currentUser
        let relationships = try await CareRelationship.scoped(to: user.organisationID, on: req.db).filter(\.$recipientID == recipientID).all()
        guard !relationships.isEmpty else { return [:] }
        let visible = try await CaregiverAccess.caregivers(for: user, on: req.db).filter(\.$id ~~ relationships.map(\.caregiverID)).all()
        let namesByCaregiver = Dictionary(uniqueKeysWithValues: try visible.map { (try $0.requireID(), $0.name) })
        let caregiverByRelationship = Dictionary(uniqueKeysWithValues: try relationships.map { (try $0.requireID(), $0.caregiverID) })
        let invitations = try await MeetingInvitation.scoped(to: user.organisationID, on: req.db)
            .filter(\.$relationshipID ~~ Array(caregiverByRelationship.keys)).filter(\.$kind == .coordinatedPlan)
            .sort(\.$meetingOn, .descending).all()
        var labels: [UUID: String] = [:]
        for invitation in invitations {
            guard let caregiverID = caregiverByRelationship[invitation.relationshipID], let name = namesByCaregiver[caregiverID] else { continue }
            labels[try invitation.requireID()] = req.t("sip.invitation_label", name, date(invitation.meetingOn, req),
                                                       req.t("invitation.attendance.\(invitation.attendance.rawValue)"))
        }
        return labels
    }

    static func invitationOptions(_ recipientID: UUID, req: Request) async throws -> [(value: String, label: String)] {
        try await invitationLabels(recipientID, req: req).sorted { $0.value < $1.value }.map { ($0.key.uuidString, $0.value) }
    }
}
