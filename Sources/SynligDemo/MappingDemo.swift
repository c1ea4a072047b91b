import Fluent
import SynligApp
import SynligCore
import Vapor

/// Demo data for the mapping and the plan: two closed mappings a year apart in which units
/// answer differently (as the seed reports between home care, palliative care and psychiatry),
/// an open one waiting for a respondent, and a plan with goals and actions in every state.
/// Everything goes through the services, so it is validated and audited like real work.
enum MappingDemo {
    /// How well a unit's work shows the caregiver perspective, 0…1, per year.
    static let maturity: [String: (Double, Double)] = [
        "Hemtjänst Norra": (0.25, 0.45),
        "Hemtjänst Södra": (0.2, 0.3),
        "Palliativa teamet": (0.75, 0.85),
        "Socialpsykiatri": (0.4, 0.55),
    ]

    static func seed(on db: any Database, organisationID: UUID) async throws {
        let users = try await User.scoped(to: organisationID, on: db).with(\.$roles).all()
        let units = try await SynligApp.Unit.scoped(to: organisationID, on: db).all()
        guard let strategistUser = users.first(where: { $0.roles.contains { $0.role == .strategist } }),
              let staffUser = users.first(where: { $0.roles.contains { $0.role == .staff } }) else { return }
        let strategist = actor(strategistUser, roles: [.strategist])
        let unitByName = Dictionary(uniqueKeysWithValues: units.map { ($0.name, $0) })
        let scoped = maturity.keys.sorted().compactMap { unitByName[$0] }
        guard let bank = try await QuestionBank.query(on: db).filter(\.$isOfficial == true).first() else { return }
        let content = try bank.content
        var generator = SeededGenerator(seed: 2025)

        var closed: [Mapping] = []
        for (index, (year, title)) in [(2025, "Kartläggning av anhörigperspektivet 2025"), (2026, "Kartläggning av anhörigperspektivet 2026")].enumerated() {
            let mapping = try await MappingService.create(
                MappingInput(title: title, periodStart: "\(year)-03-01", periodEnd: "\(year)-04-30", scope: MappingScope.units.rawValue,
                             unitIDs: try scoped.map { try $0.requireID().uuidString }, bankID: try bank.requireID().uuidString,
                             responsibleUserID: strategistUser.id?.uuidString),
                by: strategist, on: db)
            let mappingID = try mapping.requireID()
            _ = try await MappingService.changeStatus(mappingID, to: .open, by: strategist, on: db)
            for unit in scoped {
                let level = index == 0 ? maturity[unit.name]!.0 : maturity[unit.name]!.1
                let sheet = try await MappingService.addResponse(
                    to: mappingID, kind: .workshop, respondentID: nil, unitID: try unit.requireID(),
                    participants: "Enhetschef, två medarbetare och anhörigkonsulent (påhittade)", by: strategist, on: db)
                let answers = answersFor(content: content, level: level, generator: &generator)
                _ = try await MappingService.saveAnswers(responseID: try sheet.requireID(), answers: answers, submit: true, by: strategist, on: db)
            }
            for area in content.areas {
                try await MappingService.saveReflection(
                    mappingID: mappingID, areaKey: area.key,
                    text: index == 0 ? "Skillnaderna mellan verksamheterna är stora; palliativa teamet har kommit längst."
                        : "Hemtjänsten har tagit steg framåt, men rutinerna för frivillighet saknas fortfarande.",
                    by: strategist, on: db)
            }
            _ = try await MappingService.changeStatus(mappingID, to: .closed, by: strategist, on: db)
            closed.append(mapping)
        }

        // An open mapping with a sheet waiting on a member of staff's start page.
        let open = try await MappingService.create(
            MappingInput(title: "Uppföljande kartläggning hemtjänst", periodStart: CalendarDate.today().iso,
                         periodEnd: CalendarDate.today().addingMonths(1).iso, scope: MappingScope.units.rawValue,
                         unitIDs: [try unitByName["Hemtjänst Norra"]!.requireID().uuidString], bankID: nil, responsibleUserID: nil),
            by: strategist, on: db)
        _ = try await MappingService.changeStatus(try open.requireID(), to: .open, by: strategist, on: db)
        _ = try await MappingService.addResponse(to: try open.requireID(), kind: .individual, respondentID: staffUser.id,
                                                 unitID: try unitByName["Hemtjänst Norra"]!.requireID(), participants: nil, by: strategist, on: db)

        try await seedPlan(db: db, strategist: strategist, strategistUser: strategistUser, staffUser: staffUser,
                           unitByName: unitByName, from: closed[0])
    }

    private static func seedPlan(db: any Database, strategist: CurrentUser, strategistUser: User, staffUser: User,
                                 unitByName: [String: SynligApp.Unit], from mapping: Mapping) async throws {
        let today = CalendarDate.today()
        let homeCare = try unitByName["Hemtjänst Norra"]!.requireID().uuidString
        let mappingID = try mapping.requireID().uuidString
        let plans: [(String, String?, [String], [(String, Int, ActionStatus)], GoalStatus?)] = [
            ("Anhörigperspektivet finns i alla styrdokument", nil, ["q1"],
             [("Gå igenom styrdokumenten med anhöriglinsen", -60, .done), ("Skriv in mål i verksamhetsplanen", -20, .done)], .achieved),
            ("Frivilligheten följs upp i hemtjänsten", homeCare, ["q2", "q2.r8"],
             [("Ta fram rutin för uppföljning av frivillighet", -10, .inProgress), ("Utbilda personalgruppen", 30, .planned)], nil),
            ("Anhöriga bjuds in till vårdplaneringar", homeCare, ["q2.r2"],
             [("Lägg till inbjudan i mallen för genomförandeplan", 14, .planned), ("Stäm av med biståndshandläggarna", -5, .stopped)], nil),
        ]
        for (title, unit, links, actions, status) in plans {
            let goal = try await PlanningService.createGoal(
                GoalInput(title: title, description: "Mål från kartläggningen 2025.", unitID: unit,
                          targetDate: today.addingMonths(9).iso, ownerUserID: strategistUser.id?.uuidString, followUpMonths: "3",
                          itemKeys: links, sourceMappingID: mappingID, status: nil, version: nil),
                by: strategist, on: db)
            let goalID = try goal.requireID()
            for (actionTitle, offsetDays, actionStatus) in actions {
                let due = CalendarDate.today(now: Date().addingTimeInterval(Double(offsetDays) * 86400))
                _ = try await PlanningService.addAction(
                    to: goalID, ActionInput(title: actionTitle, description: nil,
                                            ownerUserID: (actionStatus == .planned ? staffUser.id : strategistUser.id)?.uuidString,
                                            dueDate: due.iso, status: actionStatus.rawValue, version: nil),
                    by: strategist, on: db)
            }
            _ = try await PlanningService.addFollowUp(
                to: goalID, FollowUpInput(date: today.addingMonths(-2).iso, progress: FollowUpProgress.onTrack.rawValue,
                                          note: "Arbetet har kommit igång enligt plan.", actionID: nil),
                by: strategist, on: db)
            if let status, let fresh = try await Goal.find(goalID, on: db) {
                _ = try await PlanningService.updateGoalStatus(goalID, status: status.rawValue, version: fresh.version, by: strategist, on: db)
            }
        }
    }

    /// Answers whose spread follows the unit's maturity: higher means more yes and existing routines.
    static func answersFor(content: QuestionBankContent, level: Double, generator: inout SeededGenerator) -> [String: AnswerInput] {
        var answers: [String: AnswerInput] = [:]
        func pick<T>(_ options: [T]) -> T {
            let roll = Double.random(in: 0..<1, using: &generator)
            let shifted = max(0, min(0.999, roll * (1 - level) + (1 - level) * 0.3))
            return options[Int(shifted * Double(options.count))]
        }
        for question in content.questions {
            if question.format == .yesNo {
                let choice: YesNoChoice = pick([.yes, .partly, .no, .unknown])
                answers[question.key] = AnswerInput(choice: choice.rawValue, text: nil)
                if let followUp = question.followUps.first(where: { $0.condition.applies(to: choice) }) {
                    answers[followUp.key] = AnswerInput(choice: nil, text: choice == .yes
                        ? "Det finns i verksamhetsplanen och följs upp årligen."
                        : "Det har inte prioriterats; ingen har haft uppdraget.")
                }
            } else {
                answers[question.key] = AnswerInput(choice: nil, text: "Introduktion för nya medarbetare och samtal på arbetsplatsträffar.")
            }
            for routine in question.routines {
                let state: RoutineState = pick([.exists, .planned, .missing])
                answers[routine.key] = AnswerInput(choice: state.rawValue, text: state == .exists ? "Rutin i ledningssystemet" : nil)
            }
        }
        return answers
    }

    static func actor(_ user: User, roles: Set<Role>) -> CurrentUser {
        CurrentUser(id: user.id!, organisationID: user.organisationID, organisationName: "", organisationIsDemo: true,
                    displayName: user.displayName, email: user.email, roles: roles, unitIDs: [], sessionID: UUID(), csrfToken: "")
    }
}

