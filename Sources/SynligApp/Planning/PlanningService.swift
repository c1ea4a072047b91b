import Fluent
import SynligCore
import Vapor

package struct GoalInput: Sendable {
    var title: String?
    var description: String?
    var unitID: String?
    var targetDate: String?
    var ownerUserID: String?
    var followUpMonths: String?
    var itemKeys: [String]
    var sourceMappingID: String?
    var status: String?
    var version: Int?
    /// A `PracticeIndicator`'s raw value; empty or nil for none.
    var indicator: String?

    package init(title: String? = nil, description: String? = nil, unitID: String? = nil, targetDate: String? = nil,
                 ownerUserID: String? = nil, followUpMonths: String? = nil, itemKeys: [String], sourceMappingID: String? = nil,
                 status: String? = nil, version: Int? = nil, indicator: String? = nil) {
        self.indicator = indicator
        self.title = title
        self.description = description
        self.unitID = unitID
        self.targetDate = targetDate
        self.ownerUserID = ownerUserID
        self.followUpMonths = followUpMonths
        self.itemKeys = itemKeys
        self.sourceMappingID = sourceMappingID
        self.status = status
        self.version = version
    }
}

package struct ActionInput: Sendable {
    var title: String?
    var description: String?
    var ownerUserID: String?
    var dueDate: String?
    var status: String?
    var version: Int?

    package init(title: String? = nil, description: String? = nil, ownerUserID: String? = nil, dueDate: String? = nil,
                 status: String? = nil, version: Int? = nil) {
        self.title = title
        self.description = description
        self.ownerUserID = ownerUserID
        self.dueDate = dueDate
        self.status = status
        self.version = version
    }
}

package struct FollowUpInput: Sendable {
    var date: String?
    var progress: String?
    var note: String?
    var actionID: String?

    package init(date: String? = nil, progress: String? = nil, note: String? = nil, actionID: String? = nil) {
        self.date = date
        self.progress = progress
        self.note = note
        self.actionID = actionID
    }
}

/// The development plan's rules: goals from gaps, actions with owners and due dates,
/// follow-ups that schedule the next one, and the routine catalogue kept current.
package enum PlanningService {
    static let managers: Set<Role> = MappingService.managers
    static let readers: Set<Role> = MappingService.readers
    static let maxText = TextLimit.longText

    private static func text(_ value: String?, field: String, required: Bool, max: Int, multiline: Bool = false,
                             into problems: inout [SynligError.FieldProblem]) -> String {
        let (text, problem) = TextInput.check(value, required: required, maxLength: max, multiline: multiline)
        if let problem { problems.append(.init(field: field, messageKey: problem.rawValue)) }
        return text
    }

    private static func user(_ raw: String?, in organisationID: UUID, field: String, on db: any Database) async throws -> UUID {
        guard let id = raw.flatMap(UUID.init(uuidString:)),
              try await User.scoped(to: organisationID, on: db).filter(\.$id == id).filter(\.$active == true).count() == 1
        else { throw SynligError.invalid([.init(field: field, messageKey: "plan.owner_invalid")]) }
        return id
    }

    // MARK: Goals

    package static func createGoal(_ input: GoalInput, by user: CurrentUser, on db: any Database) async throws -> Goal {
        guard user.hasAny(managers) else { throw SynligError.forbidden }
        var problems: [SynligError.FieldProblem] = []
        let title = text(input.title, field: "title", required: true, max: 200, into: &problems)
        let description = text(input.description, field: "description", required: false, max: maxText, multiline: true, into: &problems)
        let target = CalendarDate(input.targetDate)
        if target == nil { problems.append(.init(field: "targetDate", messageKey: "input.invalid_date")) }
        let months = Int(input.followUpMonths ?? "3") ?? -1
        if !(0...24).contains(months) { problems.append(.init(field: "followUpMonths", messageKey: "plan.interval_invalid")) }
        let sourceMappingID = try MappingService.optionalID(input.sourceMappingID, field: "sourceMapping", into: &problems)
        let indicator = input.indicator.flatMap { $0.isEmpty ? nil : $0 }
        if let indicator, PracticeIndicator(rawValue: indicator) == nil {
            problems.append(.init(field: "indicator", messageKey: "plan.indicator_invalid"))
        }
        guard problems.isEmpty, let target else { throw SynligError.invalid(problems) }
        let organisationID = user.organisationID
        return try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            let owner = try await Self.user(input.ownerUserID ?? user.id.uuidString, in: organisationID, field: "owner", on: tx)
            let unitID = try await unit(input.unitID, in: organisationID, on: tx)
            var sourceMapping: UUID?
            if let sourceMappingID {
                guard let found = try await Mapping.scoped(to: organisationID, on: tx).filter(\.$id == sourceMappingID).first() else {
                    throw SynligError.invalid([.init(field: "sourceMapping", messageKey: "plan.mapping_invalid")])
                }
                sourceMapping = found.id
            }
            // Links must name questions or routines of a bank the organisation can use.
            var knownKeys = Set<String>()
            for bank in try await QuestionBank.available(to: organisationID, on: tx).all() {
                for question in try bank.content.questions {
                    knownKeys.insert(question.key)
                    question.routines.forEach { knownKeys.insert($0.key) }
                }
            }
            let goal = Goal()
            goal.organisationID = organisationID
            goal.unitID = unitID
            goal.title = title
            goal.description = description
            goal.targetDate = target.iso
            goal.ownerUserID = owner
            goal.status = .active
            goal.followUpMonths = months
            goal.nextFollowUp = months > 0 ? CalendarDate.today().addingMonths(months).iso : nil
            goal.sourceMappingID = sourceMapping
            goal.indicator = indicator
            goal.version = 1
            try await goal.create(on: tx)
            let goalID = try goal.requireID()
            for key in Set(input.itemKeys.filter { !$0.isEmpty }).sorted() {
                guard knownKeys.contains(key) else {
                    throw SynligError.invalid([.init(field: "links", messageKey: "mapping.unknown_item")])
                }
                try await GoalLink(organisationID: organisationID, goalID: goalID, itemKey: key).create(on: tx)
            }
            audit.record("goal.create", "goal", id: goalID, organisation: organisationID)
            return goal
        }
    }

    package static func updateGoalStatus(_ goalID: UUID, status raw: String?, version: Int?, by user: CurrentUser, on db: any Database) async throws -> Goal {
        guard user.hasAny(managers) else { throw SynligError.forbidden }
        guard let status = raw.flatMap(GoalStatus.init(rawValue:)) else {
            throw SynligError.invalid([.init(field: "status", messageKey: "plan.status_invalid")])
        }
        return try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            let goal = try await Goal.find(goalID, in: user.organisationID, on: tx)
            guard version == goal.version else { throw SynligError.staleEdit }
            // A goal taken up again goes back on its owner's worklist at the next interval.
            if status == .active && goal.status != .active && goal.followUpMonths > 0 {
                goal.nextFollowUp = CalendarDate.today().addingMonths(goal.followUpMonths).iso
            }
            goal.status = status
            if status != .active { goal.nextFollowUp = nil }
            goal.version += 1
            try await goal.update(on: tx)
            audit.record("goal.update", "goal", id: goalID, organisation: user.organisationID)
            return goal
        }
    }

    private static func unit(_ raw: String?, in organisationID: UUID, on db: any Database) async throws -> UUID? {
        guard let raw, !raw.isEmpty else { return nil }
        guard let id = UUID(uuidString: raw), try await Unit.scoped(to: organisationID, on: db).filter(\.$id == id).count() == 1 else {
            throw SynligError.invalid([.init(field: "unit", messageKey: "user.unit_invalid")])
        }
        return id
    }

    // MARK: Actions

    private static func validateAction(_ input: ActionInput, problems: inout [SynligError.FieldProblem]) -> (String, String, CalendarDate?, ActionStatus?) {
        let title = text(input.title, field: "actionTitle", required: true, max: 200, into: &problems)
        let description = text(input.description, field: "actionDescription", required: false, max: maxText, multiline: true, into: &problems)
        let due = CalendarDate(input.dueDate)
        if due == nil { problems.append(.init(field: "dueDate", messageKey: "input.invalid_date")) }
        let status = ActionStatus(rawValue: input.status ?? ActionStatus.planned.rawValue)
        if status == nil { problems.append(.init(field: "actionStatus", messageKey: "plan.status_invalid")) }
        return (title, description, due, status)
    }

    package static func addAction(to goalID: UUID, _ input: ActionInput, by user: CurrentUser, on db: any Database) async throws -> PlanAction {
        guard user.hasAny(managers) else { throw SynligError.forbidden }
        var problems: [SynligError.FieldProblem] = []
        let (title, description, due, status) = validateAction(input, problems: &problems)
        guard problems.isEmpty, let due, let status else { throw SynligError.invalid(problems) }
        let organisationID = user.organisationID
        return try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            let goal = try await Goal.find(goalID, in: organisationID, on: tx)
            let owner = try await Self.user(input.ownerUserID, in: organisationID, field: "actionOwner", on: tx)
            let action = PlanAction()
            action.organisationID = organisationID
            action.goalID = try goal.requireID()
            action.title = title
            action.description = description
            action.ownerUserID = owner
            action.dueDate = due.iso
            action.status = status
            action.version = 1
            try await action.create(on: tx)
            audit.record("action.create", "plan_action", id: action.id, organisation: organisationID)
            if status == .done { try await RoutineCatalogue.actionDone(action, goal: goal, by: user.id, on: tx) }
            return action
        }
    }

    /// The action, when the user may change it: managers any, its owner their own (else 403).
    static func changeableAction(_ id: UUID?, by user: CurrentUser, on db: any Database) async throws -> PlanAction {
        let action = try await PlanAction.find(id, in: user.organisationID, on: db)
        guard user.hasAny(managers) || action.ownerUserID == user.id else { throw SynligError.forbidden }
        return action
    }

    /// The goal, when the user may follow it up: managers any, its owner their own (else 403).
    static func followedUpGoal(_ id: UUID?, by user: CurrentUser, on db: any Database) async throws -> Goal {
        let goal = try await Goal.find(id, in: user.organisationID, on: db)
        guard user.hasAny(managers) || goal.ownerUserID == user.id else { throw SynligError.forbidden }
        return goal
    }

    /// Managers change everything; an action's owner may move its status and due date.
    static func updateAction(_ actionID: UUID, _ input: ActionInput, by user: CurrentUser, on db: any Database) async throws -> PlanAction {
        var problems: [SynligError.FieldProblem] = []
        let (title, description, due, status) = validateAction(input, problems: &problems)
        guard problems.isEmpty, let due, let status else { throw SynligError.invalid(problems) }
        let organisationID = user.organisationID
        return try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            let action = try await changeableAction(actionID, by: user, on: tx)
            let isManager = user.hasAny(managers)
            guard input.version == action.version else { throw SynligError.staleEdit }
            if isManager {
                action.title = title
                action.description = description
                if let owner = input.ownerUserID, !owner.isEmpty {
                    action.ownerUserID = try await Self.user(owner, in: organisationID, field: "actionOwner", on: tx)
                }
            }
            let becameDone = status == .done && action.status != .done
            action.dueDate = due.iso
            action.status = status
            action.version += 1
            try await action.update(on: tx)
            audit.record("action.update", "plan_action", id: actionID, organisation: organisationID)
            if becameDone {
                let goal = try await Goal.find(action.goalID, in: organisationID, on: tx)
                try await RoutineCatalogue.actionDone(action, goal: goal, by: user.id, on: tx)
            }
            return action
        }
    }

    // MARK: Follow-ups

    /// Records a follow-up and schedules the next one from its date.
    package static func addFollowUp(to goalID: UUID, _ input: FollowUpInput, by user: CurrentUser, on db: any Database) async throws -> PlanFollowUp {
        var problems: [SynligError.FieldProblem] = []
        let date = CalendarDate(input.date)
        if date == nil { problems.append(.init(field: "followUpDate", messageKey: "input.invalid_date")) }
        let progress = input.progress.flatMap(FollowUpProgress.init(rawValue:))
        if progress == nil { problems.append(.init(field: "progress", messageKey: "plan.progress_invalid")) }
        let note = text(input.note, field: "note", required: true, max: maxText, multiline: true, into: &problems)
        guard problems.isEmpty, let date, let progress else { throw SynligError.invalid(problems) }
        let organisationID = user.organisationID
        return try await AuditTrail.transaction(on: db, actor: .user(user.id)) { tx, audit in
            let goal = try await followedUpGoal(goalID, by: user, on: tx)
            var actionID: UUID?
            if let raw = input.actionID, !raw.isEmpty {
                let action = try await PlanAction.find(UUID(uuidString: raw), in: organisationID, on: tx)
                guard action.goalID == goalID else { throw SynligError.notFound }
                actionID = action.id
            }
            let followUp = PlanFollowUp()
            followUp.organisationID = organisationID
            followUp.goalID = goalID
            followUp.actionID = actionID
            followUp.date = date.iso
            followUp.progress = progress
            followUp.note = note
            followUp.authorUserID = user.id
            try await followUp.create(on: tx)
            if goal.followUpMonths > 0 && goal.status == .active {
                goal.nextFollowUp = date.addingMonths(goal.followUpMonths).iso
            }
            if progress == .reached { goal.status = .achieved; goal.nextFollowUp = nil }
            goal.version += 1
            try await goal.update(on: tx)
            audit.record("follow_up.create", "goal", id: goalID, organisation: organisationID)
            return followUp
        }
    }
}

/// The routine catalogue: per unit, which of question 2's routines exist, are planned or missing.
enum RoutineCatalogue {
    static func set(unitID: UUID, routineKey: String, state: RoutineState, source: String, reference: String?,
                    organisationID: UUID, by userID: UUID, on db: any Database) async throws {
        let existing = try await RoutineStatus.query(on: db).filter(\.$unitID == unitID).filter(\.$routineKey == routineKey).first()
        let status = existing ?? RoutineStatus()
        status.organisationID = organisationID
        status.unitID = unitID
        status.routineKey = routineKey
        status.state = state
        status.source = source
        if let reference { status.reference = reference } else if existing == nil { status.reference = "" }
        status.updatedAt = Date()
        status.updatedBy = userID
        try await status.save(on: db)
    }

    /// When a unit-scoped mapping closes, its answers become the units' routine status. Where
    /// sheets of one unit disagree, the most cautious answer wins: missing, then planned.
    static func applyClosedMapping(_ mapping: Mapping, by userID: UUID, on db: any Database) async throws {
        let mappingID = try mapping.requireID()
        let sheets = try await MappingResponse.query(on: db).filter(\.$mappingID == mappingID).filter(\.$status == .submitted).all()
        let unitBySheet = Dictionary(uniqueKeysWithValues: sheets.compactMap { s in s.id.flatMap { id in s.unitID.map { (id, $0) } } })
        guard !unitBySheet.isEmpty else { return }
        let answers = try await MappingAnswer.query(on: db).filter(\.$mappingID == mappingID).filter(\.$responseID ~~ Array(unitBySheet.keys)).all()
        var states: [UUID: [String: (RoutineState, String)]] = [:]
        for answer in answers {
            guard let unit = unitBySheet[answer.responseID], let raw = answer.choice, let state = RoutineState(rawValue: raw),
                  QuestionBankContent.isRoutineKey(answer.itemKey) else { continue }
            let current = states[unit]?[answer.itemKey]
            let rank: (RoutineState) -> Int = { [.missing: 0, .planned: 1, .exists: 2][$0]! }
            if current == nil || rank(state) < rank(current!.0) {
                states[unit, default: [:]][answer.itemKey] = (state, answer.text)
            }
        }
        for (unit, routines) in states {
            for (key, (state, reference)) in routines {
                try await set(unitID: unit, routineKey: key, state: state, source: "mapping", reference: reference,
                              organisationID: mapping.organisationID, by: userID, on: db)
            }
        }
    }

    /// An action done on a goal that addresses routines means the routine now exists in the goal's unit.
    static func actionDone(_ action: PlanAction, goal: Goal, by userID: UUID, on db: any Database) async throws {
        guard let unitID = goal.unitID, let goalID = goal.id else { return }
        let routineKeys = try await GoalLink.query(on: db).filter(\.$goalID == goalID).all().map(\.itemKey).filter(QuestionBankContent.isRoutineKey)
        for key in routineKeys {
            try await set(unitID: unitID, routineKey: key, state: .exists, source: "action", reference: nil,
                          organisationID: goal.organisationID, by: userID, on: db)
        }
    }
}
