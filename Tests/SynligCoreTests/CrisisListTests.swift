import Testing
import SynligCore

@Suite("Crisis list: who is on it and how urgently")
struct CrisisListTests {
    private func priority(together: Bool = false, _ hours: HoursBand = .under5, _ tasks: Set<CareTask> = [], age: Int? = nil) -> CrisisPriority? {
        CrisisList.priority(CrisisCircumstances(livesTogether: together, hours: hours, tasks: tasks, caregiverAge: age))
    }

    @Test("Personal care or supervision by someone who lives with the person, or gives twenty hours or more, comes first: the person is alone without them")
    func aloneWithoutThem() {
        #expect(priority(together: true, .under5, [.personalCare]) == .first)
        #expect(priority(together: true, .notStated, [.supervision]) == .first)
        #expect(priority(together: false, .from20to34, [.personalCare]) == .first)
        #expect(priority(together: false, .from50, [.supervision, .practicalHelp]) == .first)
    }

    @Test("Hands-on care a few hours a week, or more than ten hours of any care, comes second")
    func leansOnThem() {
        #expect(priority(together: false, .from5to9, [.personalCare]) == .second)
        #expect(priority(together: false, .from10to19, [.personalCare]) == .second, "ten to nineteen hours is not yet heavy")
        #expect(priority(together: false, .from10to19, [.practicalHelp]) == .second)
        #expect(priority(together: false, .from35to49, [.economicAdministrative]) == .second)
    }

    @Test("Living together: first with hands-on care, second when the caregiver is 75 or older, otherwise third")
    func livingTogether() {
        #expect(priority(together: true, .under5, [.emotionalSupport]) == .third)
        #expect(priority(together: true, .under5, [.emotionalSupport], age: 74) == .third)
        #expect(priority(together: true, .under5, [.emotionalSupport], age: 75) == .second)
        #expect(priority(together: true, .under5, [], age: nil) == .third)
    }

    @Test("Paperwork or emotional support a few hours a week, living apart, is not on the list; hours not stated are not counted as many")
    func notOnTheList() {
        #expect(priority(together: false, .under5, [.economicAdministrative, .emotionalSupport]) == nil)
        #expect(priority(together: false, .from5to9, [.coordination, .practicalHelp]) == nil)
        #expect(priority(together: false, .notStated, [.practicalHelp]) == nil)
        #expect(priority(together: false, .under5, [], age: 90) == nil, "age alone does not put someone on the list")
    }

    @Test("Every combination gets an answer, and more care never lowers the priority")
    func monotone() {
        for together in [false, true] {
            for hours in HoursBand.allCases {
                for age in [nil, 40, 80] as [Int?] {
                    let light = priority(together: together, hours, [.emotionalSupport], age: age)
                    let heavy = priority(together: together, hours, [.emotionalSupport, .personalCare], age: age)
                    if let light { #expect(heavy != nil && heavy! <= light) }
                    #expect(heavy != nil)
                }
            }
        }
    }

    private let careConsent = ConsentState(basis: .consent, categories: [.careAndServices])

    @Test("The phone is shown only with consent to care and services and no restriction — in this relationship or any other of the caregiver's")
    func contactShown() {
        let allowed = InvolvementPermission(consent: careConsent, restricted: false)
        #expect(allowed.mayContactFromCrisisList)
        #expect(CrisisList.showsContact(allowed, restrictedInAnyRelationship: false))
        #expect(!CrisisList.showsContact(allowed, restrictedInAnyRelationship: true))

        let restricted = InvolvementPermission(consent: careConsent, restricted: true)
        #expect(!restricted.mayExportContact)
        #expect(!restricted.mayContactFromCrisisList)
        #expect(!CrisisList.showsContact(restricted, restrictedInAnyRelationship: true))

        for consent in [ConsentState.nothing, ConsentState(basis: .withdrawn, categories: []),
                        ConsentState(basis: .harmFound, categories: []),
                        ConsentState(basis: .consent, categories: [.planningAndMeetings])] {
            let permission = InvolvementPermission(consent: consent, restricted: false)
            #expect(!CrisisList.showsContact(permission, restrictedInAnyRelationship: false), "\(consent.basis)")
        }
        let assessed = InvolvementPermission(consent: ConsentState(basis: .harmAssessment, categories: [.careAndServices]), restricted: false)
        #expect(CrisisList.showsContact(assessed, restrictedInAnyRelationship: false), "a harm assessment that allows disclosure is enough")
    }

    @Test("A fresh list is due when none was ever taken, and from a week before the latest copy's destroy-by day")
    func refreshDue() throws {
        let today = try #require(CalendarDate("2026-12-06"))
        #expect(CrisisList.refreshDue(latestWholeListTakenOn: nil, today: today) == today)
        #expect(CrisisList.refreshDue(latestWholeListTakenOn: today, today: today) == nil)
        #expect(CrisisList.refreshDue(latestWholeListTakenOn: today.addingDays(-22), today: today) == nil)
        #expect(CrisisList.refreshDue(latestWholeListTakenOn: today.addingDays(-23), today: today) == today.addingDays(7))
        #expect(CrisisList.refreshDue(latestWholeListTakenOn: today.addingDays(-40), today: today) == today.addingDays(-10), "overdue")
    }

    @Test("An export is to be destroyed thirty days after it was made")
    func destroyBy() throws {
        let made = try #require(CalendarDate("2026-12-06"))
        #expect(CrisisList.destroyBy(exportedOn: made) == CalendarDate("2027-01-05"))
    }

    @Test("A relationship left out before the caregiver's age is read would have no priority at any age; one kept may")
    func listedBeforeAgeIsKnown() {
        let tasks = CareTask.allCases
        for together in [false, true] {
            for hours in HoursBand.allCases {
                for mask in 0..<(1 << tasks.count) {
                    let chosen = Set(tasks.indices.filter { mask & (1 << $0) != 0 }.map { tasks[$0] })
                    let listed = CrisisList.mayBeListed(livesTogether: together, hours: hours, tasks: chosen)
                    let anyAge = [nil, 20, 66, 90].contains { priority(together: together, hours, chosen, age: $0) != nil }
                    #expect(listed == anyAge, "\(together) \(hours) \(chosen)")
                }
            }
        }
    }
}
