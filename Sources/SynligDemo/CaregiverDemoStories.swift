import Foundation
import SynligApp
import SynligCore

/// What happens to the demo's caregivers over time: consent and its changes, restrictions,
/// invitations, voluntariness and strain on their schedules (sometimes late, so worklists have
/// overdue items), support plans and support, feedback and memo notes.
extension CaregiverDemoBuilder {
    mutating func step(_ caregiver: Int, _ day: CalendarDate, _ step: Cast.Step) {
        cast.caregivers[caregiver].steps.append(.init(on: day, step: step))
    }

    // MARK: - Consent, restrictions, invitations

    mutating func consentInput(_ categories: Set<ConsentCategory>, on day: CalendarDate, endsOn: CalendarDate? = nil) -> ConsentInput {
        let form: ConsentForm = weighted([(.oral, 0.6), (.written, 0.33), (.powerOfAttorney, 0.07)])
        let reference = switch form {
        case .oral: ""
        case .written: "Samtyckesblankett, skannad till akten \(day.iso)"
        case .powerOfAttorney: "Fullmakt daterad \(day.iso), kopia i akten"
        }
        return ConsentInput(kind: ConsentEntryKind.consent.rawValue, categories: categories.map(\.rawValue).sorted(), form: form.rawValue,
                            documentReference: reference, date: day.iso, endsOn: endsOn?.iso,
                            note: form == .oral ? "Muntligt samtycke vid hembesök." : "")
    }

    mutating func addConsents(link index: Int) {
        let owner = cast.links[index].caregiver
        let first = clamp(cast.caregivers[owner].registeredOn.addingDays(int(0...20)))
        var facts = ConsentFacts()
        let all = Set(ConsentCategory.allCases)
        let roll = uniform()
        if roll < 0.55 {
            if chance(0.04) {
                // A time-limited consent, ended or ending.
                step(owner, first, .consent(link: index, consentInput(all, on: first, endsOn: first.addingMonths(6))))
                facts.blocked = true
            } else {
                step(owner, first, .consent(link: index, consentInput(all, on: first)))
                facts.fullSince = first
            }
        } else if roll < 0.8 {
            let partial = Set(ConsentCategory.allCases.shuffled(using: &random).prefix(int(1...2)))
            step(owner, first, .consent(link: index, consentInput(partial, on: first)))
            if chance(0.15) {
                let later = clamp(first.addingDays(int(30...300)))
                step(owner, later, .consent(link: index, consentInput(all, on: later)))
                facts.fullSince = later
            }
        } else if roll < 0.88 {
            // The person cannot consent: a harm assessment decides.
            let disclose = chance(0.75)
            let categories: Set<ConsentCategory> = disclose ? (chance(0.5) ? all : [.healthCondition, .careAndServices]) : []
            step(owner, first, .consent(link: index, ConsentInput(
                kind: ConsentEntryKind.harmAssessment.rawValue, categories: categories.map(\.rawValue).sorted(), form: nil,
                documentReference: "", harmDecision: (disclose ? HarmDecision.mayDisclose : .mayNotDisclose).rawValue,
                decidedBy: pick(["Enhetschef, Biståndsenheten äldre", "Legitimerad sjuksköterska, hemsjukvården", "Socialsekreterare, IFO"]),
                date: first.iso, endsOn: nil,
                note: disclose ? "Personen har långt framskriden demens och kan inte ta ställning. Uppgifterna bedöms inte skada personen."
                    : "Uppgifter finns om motsättningar i familjen; att lämna ut bedöms kunna skada personen.")))
            if categories == all { facts.fullSince = first }
        }
        // A few withdraw, always as a new entry.
        if facts.fullSince != nil || roll < 0.8, chance(0.04) {
            let withdrawn = clamp(first.addingDays(int(30...400)))
            step(owner, withdrawn, .consent(link: index, ConsentInput(kind: ConsentEntryKind.withdrawal.rawValue, categories: [],
                                                                      date: withdrawn.iso, note: "Den enskilde vill inte längre att dottern/sonen får information.")))
            facts.blocked = true
        }
        consentFacts[index] = facts
    }

    /// Care grows heavier for some: a few relationships are recorded again one hours band up,
    /// months after registration, so their pages show a history (and the statistics count the
    /// band in force at each period's end).
    mutating func addHoursChanges(_ count: Int) {
        let bands = HoursBand.allCases.filter { $0 != .notStated }
        let candidates = cast.links.indices.filter { index in
            let link = cast.links[index]
            return link.input.hoursBand == link.hours.rawValue && link.hours != bands.last && link.hours != .notStated
                && cast.caregivers[link.caregiver].registeredOn < today.addingDays(-150)
        }
        for index in candidates.shuffled(using: &random).prefix(count) {
            let link = cast.links[index]
            guard let position = bands.firstIndex(of: link.hours) else { continue }
            var input = link.input
            input.hoursBand = bands[position + 1].rawValue
            step(link.caregiver, clamp(cast.caregivers[link.caregiver].registeredOn.addingDays(int(60...140))), .changeHours(link: index, input))
        }
    }

    /// The IBIC life areas a demo need is tagged with, so the record shows the case officer's
    /// language beside it (ICF chapter codes, `Resources/IBIC/life-areas.json`).
    static let lifeAreas: [SupportNeedKind: [String]] = [
        .counselling: ["d7"], .supportGroup: ["d7", "d9"], .education: ["d1"], .financialSupport: ["d8"],
    ]

    /// Information given and planned, and children at home, for a few caregivers with full
    /// consent. Chosen without the random generator, so the rest of the demo stays as it was.
    mutating func addInformationAndChildren() {
        let chosen = cast.links.indices.filter { index in
            consentFacts[index]?.fullSince != nil && consentFacts[index]?.blocked == false && !restricted.contains(index)
                && cast.caregivers[cast.links[index].caregiver].responsible == .consultant
        }
        guard chosen.count >= 3 else { return }
        let (informed, withChildren, childrenInformed) = (chosen[0], chosen[1], chosen[2])
        let owner = cast.links[informed].caregiver
        let since = consentFacts[informed]!.fullSince!
        step(owner, max(since, today.addingDays(-20)), .information(link: nil, InformationInput(
            topic: InformationTopic.supportOffers.rawValue, topicText: "Anhöriggruppen och avlösning i hemmet", scope: InformationScope.general.rawValue)))
        step(owner, max(since, today.addingDays(-20)), .information(link: informed, InformationInput(
            topic: InformationTopic.personsCare.rawValue, topicText: "Ny plan för hemtjänsten", scope: InformationScope.careAndServices.rawValue,
            nextOn: today.addingDays(45).iso)))
        step(cast.links[withChildren].caregiver, max(consentFacts[withChildren]!.fullSince!, today.addingDays(-10)),
             .children(.caregiversChildren, count: 2))
        let parent = cast.links[childrenInformed].caregiver
        let toldOfChildren = max(consentFacts[childrenInformed]!.fullSince!, today.addingDays(-40))
        step(parent, toldOfChildren, .children(.recipientsChildren, count: 1))
        step(parent, clamp(toldOfChildren.addingDays(10)), .information(link: nil, InformationInput(
            topic: InformationTopic.childrenSupport.rawValue, topicText: "Samtal med barnet om pappas sjukdom; tips om stödgrupp för barn",
            scope: InformationScope.general.rawValue)))
    }

    mutating func addRestrictions() {
        let candidates = cast.links.indices.filter { index in
            let link = cast.links[index]
            return [.partner, .child, .sibling, .otherRelative].contains(link.relation)
                && cast.caregivers[link.caregiver].responsible == .consultant
                && cast.caregivers[link.caregiver].registeredOn < today.addingDays(-150)
        }
        var chosen: [Int] = []
        for index in candidates.shuffled(using: &random) where !chosen.contains(where: { cast.links[$0].caregiver == cast.links[index].caregiver }) {
            chosen.append(index)
            if chosen.count == 4 { break }
        }
        let reasons: [(RestrictionReason, String)] = [
            (.suspectedViolence, "Hemtjänsten har sett blåmärken och den enskilde verkar rädd när den anhörige är där."),
            (.threats, "Den enskilde berättar att den anhörige hotar när hen vill ta emot hjälp."),
            (.coercion, "Uppgifter om att den anhörige styr över den enskildes ekonomi och kontakter."),
            (.knownViolence, "Polisanmälan om misshandel; utredning pågår."),
        ]
        for (number, index) in chosen.enumerated() {
            let owner = cast.links[index].caregiver
            let registered = cast.caregivers[owner].registeredOn
            let decided = max(registered, number == 0 ? today.addingDays(-int(100...130))
                                                      : number < 3 ? today.addingDays(-int(10...60)) : registered.addingDays(int(20...60)))
            let (reason, note) = reasons[number]
            step(owner, decided, .restrict(link: index, RestrictionInput(reason: reason.rawValue, note: note, decidedOn: decided.iso,
                                                                         reviewOn: decided.addingMonths(3).iso)))
            if number == 3 {
                step(owner, clamp(decided.addingDays(int(30...90))),
                     .lift(link: index, reason: "Utredningen är avslutad och visade ingen grund för oron. Den enskilde vill att sonen är med."))
            }
            restricted.insert(index)
        }
    }

    mutating func addInvitations(_ count: Int) {
        let eligible = cast.links.indices.filter { index in
            consentFacts[index]?.fullSince != nil && consentFacts[index]?.blocked == false && !restricted.contains(index)
        }
        for index in eligible.shuffled(using: &random).prefix(count) {
            let since = consentFacts[index]!.fullSince!
            let invited = clamp(since.addingDays(int(0...200)))
            let meeting = invited.addingDays(int(7...21))
            let attendance: MeetingAttendance? = meeting < today ? (chance(0.8) ? .tookPart : .didNotTakePart) : nil
            step(cast.links[index].caregiver, invited, .invite(link: index, InvitationInput(
                kind: (chance(0.6) ? MeetingKind.coordinatedPlan : .carePlanning).rawValue, meetingOn: meeting.iso), attendance: attendance))
        }
    }

    // MARK: - Voluntariness and strain over time

    mutating func talk(about subject: String) -> ConversationInput {
        ConversationInput(
            heldOn: nil,
            helpToCare: pick(["Hjälper till med dusch, mat och mediciner varje dag.", "Sköter kontakterna med vården och handlar två gånger i veckan.",
                              "Är vaken på nätterna när den närstående är orolig."]),
            ownLife: pick(["Sover dåligt och har slutat träffa vänner.", "Har gått ner till halvtid på jobbet.", "Saknar tid för sig själv."]),
            recipientLife: pick(["Trivs hemma men är mer förvirrad än förut.", "Vill helst inte ha främmande personal hemma.",
                                 "Har blivit mer ensam sedan dagverksamheten stängde på fredagar."]),
            serviceQuality: pick(["Hemtjänsten byter personal ofta.", "Bra kontakt med distriktssköterskan.", "Svårt att nå biståndshandläggaren."]),
            agreedActions: subject)
    }

    mutating func addVoluntariness(_ index: Int) {
        let profile = profiles[index]
        var due = cast.caregivers[index].registeredOn
        var needsTalk: CalendarDate?
        while due < today {
            let last = due.addingMonths(6) >= today
            // Now and then the latest check is late: it shows as overdue on the worklist.
            if last, profile.forceOverdue || chance(0.12) { break }
            let asked = clamp(due.addingDays(int(0...14)))
            if let previous = needsTalk {
                step(index, min(asked, previous.addingDays(int(5...13))),
                     .talkAndClose(.discussVoluntariness, talk(about: "Ansöka om avlösning i hemmet och se över hemtjänstens insatser.")))
            }
            let strain = profile.strain + (profile.rising ? Double(today.year - due.year) * -0.1 : 0)
            let no = max(0, strain - 0.55) * 0.6, partly = max(0, strain - 0.35) * 0.7
            let answers = voluntarinessAnswers(no: no, partly: partly)
            step(index, asked, .voluntariness(answers.input))
            needsTalk = answers.dimensions.needsDiscussion ? asked : nil
            due = asked.addingMonths(6)
        }
        // The latest "partly" or "no" has usually been talked through, unless it is recent.
        if let last = needsTalk, last < today.addingDays(-30), chance(0.6) {
            step(index, last.addingDays(int(5...13)),
                 .talkAndClose(.discussVoluntariness, talk(about: "Hemtjänsten tar över morgnarna; ny avstämning om en månad.")))
        }
    }

    /// One check's answers. Strain mostly takes the strength to go on; the will to go on holds
    /// longer, and what the caregiver should not have to carry grows with the strain. Now and
    /// then a question is left unanswered, as happens in a real conversation.
    mutating func voluntarinessAnswers(no: Double, partly: Double) -> (dimensions: VoluntarinessDimensions, input: VoluntarinessInput) {
        let able: ContinuationAnswer = weighted([(.no, no), (.partly, partly), (.yes, max(0.1, 1 - no - partly)), (.notStated, 0.04)])
        var wants: ContinuationAnswer = weighted([(.no, no * 0.5), (.partly, partly * 0.6), (.yes, max(0.2, 1 - no - partly)), (.notStated, 0.06)])
        let carry: ShouldNotCarryAnswer = weighted([(.much, no), (.some, partly), (.nothing, max(0.2, 1 - no - partly)), (.notStated, 0.1)])
        // At most one of the two is left unanswered: a check that says nothing about going on is refused.
        if wants == .notStated, able == .notStated { wants = .yes }
        let dimensions = VoluntarinessDimensions(wantsToContinue: wants, ableToContinue: able, shouldNotCarry: carry)
        let what = carry.needsDiscussion && chance(0.8)
            ? pick(["Nätterna.", "Den personliga omvårdnaden, som dusch och toalettbesök.", "Att ensam hålla kontakten med vården och hemtjänsten.",
                    "Mammas ekonomi och räkningar.", "Att ge mediciner."]) : ""
        let comment = switch dimensions.combinedAnswer ?? .yes {
        case .yes: chance(0.3) ? "Det fungerar bra just nu." : ""
        case .partly: pick(["Vill fortsätta men behöver avlösning någon dag i veckan.", "Orkar inte nätterna längre.",
                            "Har gått ner i arbetstid och oroar mig för ekonomin."])
        case .no: pick(["Känner att jag inte har något val.", "Klarar inte den personliga omvårdnaden längre.", "Vill vara anhörig, inte vårdare."])
        }
        return (dimensions, VoluntarinessInput(wantsToContinue: wants.rawValue, ableToContinue: able.rawValue, shouldNotCarry: carry.rawValue,
                                               shouldNotCarryWhat: what, comment: comment))
    }

    /// Answers that add up to about `target` points.
    mutating func answers(reaching target: Int, with instrument: ScreeningInstrument) -> [String: String] {
        var remaining = target
        var answers: [String: String] = [:]
        for item in instrument.items.shuffled(using: &random) {
            let options = item.options.sorted { $0.points < $1.points }
            let option = options.last { $0.points <= remaining } ?? options[0]
            answers[item.id] = option.value
            remaining -= option.points
        }
        return answers
    }

    mutating func addScreenings(_ index: Int) {
        guard let instrument else { return }
        let profile = profiles[index]
        guard profile.rising || (!profile.network && chance(0.55)) else { return }
        let maxScore = instrument.maxScore
        func threshold(_ level: ScreeningLevel, _ fallback: Int) -> Int { instrument.thresholds.first { $0.level == level }?.minScore ?? fallback }
        let raised = threshold(.raised, maxScore / 3), high = threshold(.high, maxScore * 2 / 3)
        let rising = [max(0, raised - 2), raised + 1, min(maxScore, high + 1)]
        var score = min(maxScore, max(0, Int((profile.strain * 0.9 + (uniform() - 0.5) * 0.2) * Double(maxScore))))
        var day = cast.caregivers[index].registeredOn.addingDays(int(7...30))
        var count = 0
        while day < today {
            if !profile.rising, count > 0, day.addingMonths(12) >= today, chance(0.25) { break }
            if count > 0 {
                step(index, day, .talkAndClose(.strainFollowUp, talk(about: "Boka samtalsstöd och erbjuda plats i anhöriggrupp.")))
            }
            step(index, day, .screening(answers: answers(reaching: profile.rising ? rising[min(count, 2)] : score, with: instrument)))
            // A raised result is usually followed up within the fortnight; the rising ones are the exception.
            if !profile.rising, day < today.addingDays(-30), chance(0.7) {
                step(index, day.addingDays(int(5...13)), .talkAndClose(.strainFollowUp, talk(about: "Samtalsstöd bokat; anhöriggrupp erbjuden.")))
            }
            count += 1
            score = min(maxScore, max(0, score + int(-2...2)))
            day = profile.rising ? day.addingMonths(12) : day.addingMonths(12).addingDays(int(0...20))
        }
    }

    // MARK: - Plans, support, conversations

    private static let needOfferings: [SupportNeedKind: SupportKind] = [
        .respiteAtHome: .respiteAtHome, .shortStay: .shortStay, .dayCare: .dayCare, .counselling: .individualCounselling,
        .supportGroup: .supportGroup, .education: .education, .consultant: .consultant, .financialSupport: .financialSupport,
        .digitalSupport: .digitalSupport, .civilSocietyOrganisation: .meetingPlace,
    ]

    mutating func addPlanAndSupport(_ index: Int) {
        let profile = profiles[index]
        let registered = cast.caregivers[index].registeredOn
        if !profile.network, chance(0.2) {
            step(index, clamp(registered.addingDays(int(0...14))), .conversation(talk(about: "Ny kontakt om en månad. Information om anhöriggruppen skickas hem.")))
        }
        if !profile.network, registered < today.addingDays(-25), chance(0.35 + profile.strain * 0.3) {
            let made = clamp(registered.addingDays(int(14...60)))
            var review = made.addingMonths(pick([6, 12]))
            step(index, made, .plan(planInput(review: review)))
            // Reviewed on time, mostly; the rest wait on the worklist.
            while review < today, chance(0.8) {
                let revised = clamp(review.addingDays(int(0...20)))
                review = revised.addingMonths(12)
                step(index, revised, .plan(planInput(review: review)))
            }
        }
        let needs = profile.network ? (chance(0.3) ? 1 : 0) : (chance(0.55) ? (chance(0.3) ? 2 : 1) : 0)
        for _ in 0..<needs {
            let need: SupportNeedKind = weighted([(.respiteAtHome, 0.2), (.shortStay, 0.1), (.dayCare, 0.1), (.counselling, 0.15), (.supportGroup, 0.12),
                                                  (.education, 0.08), (.consultant, 0.1), (.financialSupport, 0.05), (.digitalSupport, 0.06),
                                                  (.civilSocietyOrganisation, 0.04)])
            let status: SupportStatus = weighted([(.given, 0.38), (.offered, 0.18), (.requested, 0.14), (.declined, 0.08), (.ended, 0.08), (.notOffered, 0.14)])
            let requested = clamp(registered.addingDays(int(3...120)))
            let offered = [.offered, .given, .declined, .ended].contains(status) ? clamp(requested.addingDays(int(5...30))) : nil
            let started = [.given, .ended].contains(status) ? offered.map { clamp($0.addingDays(int(5...20))) } : nil
            let ended = status == .ended ? started.map { clamp($0.addingDays(int(30...180))) } : nil
            let outcome = switch status {
            case .notOffered: pick(["Ingen plats på korttidsboendet under sommaren.", "Avlösning på kvällstid erbjuds inte.",
                                    "Väntelista till anhöriggruppen.", "Stödet finns inte i kommunen."])
            case .declined: pick(["Den närstående ville inte ha främmande personal hemma.", "Tiderna passade inte."])
            case .given: pick(["Fungerar bra, vill fortsätta.", "Har gett andrum.", ""])
            case .ended: "Avslutat när den närstående flyttade till särskilt boende."
            default: ""
            }
            let assessed: Set<SupportNeedKind> = [.respiteAtHome, .shortStay, .dayCare, .financialSupport]
            let offering: SupportKind? = switch status {
            case .requested: nil
            case .notOffered: chance(0.4) ? Self.needOfferings[need] : nil
            default: chance(0.85) ? Self.needOfferings[need] : nil
            }
            step(index, requested, .support(SupportInput(
                needKind: need.rawValue, offeringId: nil,
                decision: (assessed.contains(need) ? SupportDecision.assessedSupport : .serviceSupport).rawValue, status: status.rawValue,
                requestedOn: requested.iso, offeredOn: offered?.iso, startedOn: started?.iso, endedOn: ended?.iso, outcome: outcome,
                lifeAreas: Self.lifeAreas[need], version: nil),
                offering: offering))
        }
    }

    mutating func planInput(review: CalendarDate) -> PlanInput {
        PlanInput(
            outcomes: pick(["Kunna sova ostört minst tre nätter i veckan.", "Fortsätta arbeta halvtid.",
                            "Ha tid för egna intressen, till exempel kören på torsdagar.", "Känna mig trygg med att pappa har det bra när jag är på jobbet.",
                            "Veta vart jag ska vända mig när något händer.", "Orka vara partner och inte bara vårdare."]),
            agreedSupport: pick(["Avlösning i hemmet fyra timmar varannan vecka.", "Växelvård en vecka i månaden.",
                                 "Samtalsstöd hos anhörigkonsulenten, fem samtal.", "Plats i anhöriggruppen under hösten.",
                                 "Dagverksamhet tre dagar i veckan för den närstående."]),
            emergencyPlan: pick(["Ring hemtjänstens larmnummer; dottern är kontaktperson och kan komma inom en timme.",
                                 "Grannen har nyckel; hemtjänsten tar över insatserna dygnet runt tills vidare.",
                                 "Korttidsboende enligt överenskommelse med biståndshandläggaren.", "Systern kan ta över i upp till en vecka."]),
            futurePlan: pick(["Ansöka om särskilt boende inom ett år.", "Planera för boende med särskild service när barnet fyller 18.",
                              "Se över behovet av fler hemtjänstinsatser.", ""]),
            reviewOn: review.iso, version: nil)
    }

    // MARK: - Feedback, memo notes, changed contacts

    mutating func addFeedbackMemosAndContactChanges() {
        let settled = cast.caregivers.indices.filter { !profiles[$0].network && cast.caregivers[$0].registeredOn < today.addingDays(-60) }
        let people = Array(settled.shuffled(using: &random).prefix(9))
        guard people.count == 9 else { return }
        let feedback: [(FeedbackKind, String, FeedbackStatus, String)] = [
            (.complaint, "Fick inte veta att mammas fasta vårdkontakt hade bytts ut.", .answered,
             "Vi har gått igenom rutinen för att informera anhöriga när den fasta vårdkontakten byts."),
            (.opinion, "Önskar att anhöriggruppen också fanns på kvällstid.", .received, ""),
            (.praise, "Tack för ett bra bemötande vid samtalet i våras.", .closed, ""),
            (.complaint, "Avlösaren kom inte vid två tillfällen.", .handled, ""),
        ]
        for (offset, (kind, summary, status, response)) in feedback.enumerated() {
            let received = today.addingDays(-int(3...90))
            step(people[offset], received, .feedback(FeedbackInput(kind: kind.rawValue, receivedOn: received.iso, summary: summary,
                                                                   status: status.rawValue, response: response, version: nil)))
        }
        let memos = ["Ring tillbaka torsdag efter kl. 15 – vill prata när maken sover.", "Fråga om brevet om växelvård har kommit fram.",
                     "Svårt att prata i telefon; föreslå hembesök.", "Påminn om anmälan till anhörigcirkeln.",
                     "Kolla med biståndshandläggaren om beslutet om dagverksamhet."]
        for (offset, text) in memos.enumerated() {
            let daysAgo = int(1...20)
            step(people[4 + offset], today.addingDays(-daysAgo), .memo(text, daysAgo: daysAgo))
        }
        // New fixed care contacts: the caregivers whose consent allows it should be told.
        var changed = 0
        for recipient in cast.recipients.indices.shuffled(using: &random) where changed < 6 {
            guard !(cast.recipients[recipient].input.fixedCareContact ?? "").isEmpty,
                  let owner = cast.links.first(where: { $0.recipient == recipient })?.caregiver else { continue }
            step(owner, today.addingDays(-int(2...20)), .changeCareContact(recipient: recipient, to: "Distriktssköterska \(pick(CaregiverDemoNames.staff)) (ny)"))
            changed += 1
        }
    }
}
