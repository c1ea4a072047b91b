import Fluent
import Foundation
import SynligApp
import SynligCore

/// Plays the cast's stories through the record's own services, one change after another with
/// each step's day as "today", so the demo gets exactly the rows, tasks and audit events a user
/// doing the same would get — there is no second copy of any rule to keep in step.
struct CaregiverDemoPlay {
    let tx: any Database
    let consultant: CurrentUser
    let actors: [Role: CurrentUser]
    let unitIDs: [String: UUID]
    let offerings: [SupportKind: UUID]
    let instrument: ScreeningInstrument?

    /// What later steps need to find again: the records by the cast's indexes, and versions.
    var recipients: [Int: CareRecipient] = [:]
    var relationships: [Int: CareRelationship] = [:]
    var activeRestrictions: [Int: UUID] = [:]
    var planVersions: [UUID: Int] = [:]

    mutating func play(caregiver index: Int, of cast: CaregiverDemoCast) async throws {
        let sketch = cast.caregivers[index]
        let author = actors[sketch.responsible] ?? consultant
        var input = sketch.input
        // Only consultants and case officers carry follow-ups; staff work with the caregiver, a consultant is responsible.
        input.responsibleUserId = (author.hasAny([.consultant, .caseOfficer]) ? author : consultant).id.uuidString
        input.unitId = sketch.unitName.flatMap { unitIDs[$0] }?.uuidString
        let caregiverID = try await Self.explained(index, "registration", on: sketch.registeredOn) {
            try await CaregiverService.save(nil, input, by: consultant, on: tx, today: sketch.registeredOn).requireID()
        }
        for (linkIndex, link) in cast.links.enumerated() where link.caregiver == index {
            try await Self.explained(index, "relationship \(linkIndex)", on: sketch.registeredOn) {
                let recipient = try await recipient(link.recipient, of: cast, on: sketch.registeredOn)
                relationships[linkIndex] = try await CaregiverService.saveRelationship(
                    nil, caregiverID: caregiverID, recipientID: recipient.requireID(), link.input, by: consultant, on: tx, today: sketch.registeredOn)
            }
        }
        let steps = sketch.steps.enumerated().sorted { ($0.element.on, $0.offset) < ($1.element.on, $1.offset) }.map(\.element)
        for dated in steps {
            try await Self.explained(index, "\(dated.step)", on: dated.on) {
                try await run(dated.step, on: dated.on, caregiverID: caregiverID, author: author)
            }
        }
    }

    /// A refused change means the cast asks for something no user could do: say which.
    private static func explained<T>(_ caregiver: Int, _ what: String, on day: CalendarDate,
                                     _ work: () async throws -> T) async throws -> T {
        do {
            return try await work()
        } catch let error as SynligError {
            let problems = [error.messageKey] + error.fieldProblems.map { "\($0.field): \($0.messageKey)" }
            throw DemoStepRefused(caregiver: caregiver, step: String(what.prefix(80)), on: day.iso, problem: problems.joined(separator: ", "))
        }
    }

    private mutating func recipient(_ index: Int, of cast: CaregiverDemoCast, on day: CalendarDate) async throws -> CareRecipient {
        if let known = recipients[index] { return known }
        let sketch = cast.recipients[index]
        var input = sketch.input
        input.unitIds = sketch.unitNames.compactMap { unitIDs[$0]?.uuidString }
        let recipient = try await CaregiverService.saveRecipient(nil, input, by: consultant, on: tx, today: day)
        recipients[index] = recipient
        return recipient
    }

    // swiftlint:disable:next cyclomatic_complexity
    private mutating func run(_ step: CaregiverDemoCast.Step, on day: CalendarDate, caregiverID: UUID, author: CurrentUser) async throws {
        switch step {
        case .consent(let link, var input):
            guard let relationship = relationships[link] else { return }
            input.date = input.date ?? day.iso
            _ = try await ConsentService.record(relationshipID: relationship.requireID(), input, by: author, on: tx, today: day)

        case .restrict(let link, var input):
            guard let relationship = relationships[link], activeRestrictions[link] == nil else { return }
            input.decidedOn = input.decidedOn ?? day.iso
            let restriction = try await ConsentService.restrict(relationshipID: relationship.requireID(), input, by: consultant, on: tx, today: day)
            activeRestrictions[link] = try restriction.requireID()

        case .lift(let link, let reason):
            guard let restrictionID = activeRestrictions.removeValue(forKey: link) else { return }
            try await ConsentService.lift(restrictionID: restrictionID, reason: reason, by: consultant, on: tx, today: day)

        case .invite(let link, let input, let attendance):
            // Staff invite only where the page offers it: with consent to planning and no restriction.
            guard let relationship = relationships[link],
                  try await CaregiverAccess.permission(for: relationship, on: tx, today: day).mayInvite else { return }
            let invitation = try await ConsentService.invite(relationshipID: relationship.requireID(), input, by: consultant, on: tx, today: day)
            if let attendance {
                try await ConsentService.recordAttendance(invitationID: invitation.requireID(), attendance: attendance.rawValue, by: consultant, on: tx)
            }

        case .voluntariness(var input):
            input.askedOn = day.iso
            _ = try await FollowUpService.recordVoluntariness(caregiverID: caregiverID, input, by: author, on: tx, today: day)

        case .talkAndClose(let kind, let conversation):
            // Talked through and then ticked off on the worklist, one task at a time.
            guard let task = try await CaregiverTask.query(on: tx).filter(\.$caregiverID == caregiverID).filter(\.$kind == kind)
                .filter(\.$open == true).first() else { return }
            try await addConversation(conversation, on: day, caregiverID: caregiverID, author: author)
            try await CaregiverTaskService.markDone(task.requireID(), by: author, on: tx)

        case .conversation(let conversation):
            try await addConversation(conversation, on: day, caregiverID: caregiverID, author: author)

        case .screening(let answers):
            guard let instrument else { return }
            _ = try await FollowUpService.screen(caregiverID: caregiverID, instrument: instrument, answers: answers, screenedOn: day.iso,
                                                 by: author, on: tx, today: day)

        case .plan(var input):
            input.version = planVersions[caregiverID]
            let plan = try await FollowUpService.savePlan(caregiverID: caregiverID, input, by: author, on: tx, today: day)
            planVersions[caregiverID] = plan.version

        case .support(var input, let offering):
            input.offeringId = offering.flatMap { offerings[$0] }?.uuidString
            _ = try await FollowUpService.saveSupport(nil, caregiverID: caregiverID, input, by: author, on: tx)

        case .feedback(let input):
            _ = try await FollowUpService.saveFeedback(nil, caregiverID: caregiverID, input, by: author, on: tx, today: day)

        case .memo(let text, let daysAgo):
            _ = try await FollowUpService.addMemo(caregiverID: caregiverID, text: text, by: author, on: tx,
                                                  now: Date().addingTimeInterval(-Double(daysAgo) * 86_400))

        case .changeHours(let link, var input):
            guard let relationship = relationships[link] else { return }
            input.version = relationship.version
            relationships[link] = try await CaregiverService.saveRelationship(relationship.requireID(), caregiverID: nil, recipientID: nil,
                                                                              input, by: consultant, on: tx, today: day)

        case .changeCareContact(let index, let contact):
            guard let recipient = recipients[index], recipient.fixedCareContact != contact else { return }
            let units = try await CareRecipientUnit.query(on: tx).filter(\.$recipientID == recipient.requireID()).all(\.$unitID)
            let input = RecipientInput(name: recipient.name, externalReference: recipient.externalReference, unitIds: units.map(\.uuidString),
                                       fixedCareContact: contact, fixedDoctorContact: recipient.fixedDoctorContact,
                                       fixedCareHomeContact: recipient.fixedCareHomeContact, patientContract: recipient.patientContract,
                                       careNeedArea: recipient.careNeedArea.rawValue, version: recipient.version)
            recipients[index] = try await CaregiverService.saveRecipient(recipient.requireID(), input, by: consultant, on: tx, today: day)

        case .information(let link, var input):
            input.givenOn = day.iso
            if let link { input.relationshipId = try relationships[link]?.requireID().uuidString }
            _ = try await InformationService.record(caregiverID: caregiverID, input, by: author, on: tx, today: day)

        case .children(let situation, let count):
            let version = try await Caregiver.find(caregiverID, on: tx)?.version
            _ = try await InformationService.saveChildren(caregiverID: caregiverID, ChildrenInput(situation: situation.rawValue, count: count.map(String.init),
                                                                                                 version: version), by: author, on: tx, today: day)
        }
    }

    private func addConversation(_ input: ConversationInput, on day: CalendarDate, caregiverID: UUID, author: CurrentUser) async throws {
        var input = input
        input.heldOn = input.heldOn ?? day.iso
        _ = try await FollowUpService.addConversation(caregiverID: caregiverID, input, by: author, on: tx, today: day)
    }
}

/// The services refused a step of the demo's story; the cast must be fixed.
struct DemoStepRefused: Error, CustomStringConvertible {
    var caregiver: Int
    var step: String
    var on: String
    var problem: String
    var description: String { "Demo caregiver \(caregiver), \(step) on \(on): \(problem)" }
}
