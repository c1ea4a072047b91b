import Testing
@testable import SynligCore

@Suite("Consent review, information scope and children at home")
struct ConsentReviewRulesTests {
    @Test("A stance's age counts whole months: one day short of a month is still zero")
    func ageInMonths() {
        let stance = CalendarDate(year: 2025, month: 1, day: 31)
        #expect(ConsentReviewSchedule.ageInMonths(of: stance, today: CalendarDate(year: 2025, month: 2, day: 28)) == 0)
        #expect(ConsentReviewSchedule.ageInMonths(of: stance, today: CalendarDate(year: 2025, month: 3, day: 31)) == 2)
        #expect(ConsentReviewSchedule.ageInMonths(of: CalendarDate(year: 2025, month: 3, day: 3), today: CalendarDate(year: 2026, month: 5, day: 3)) == 14)
        #expect(ConsentReviewSchedule.ageInMonths(of: CalendarDate(year: 2026, month: 5, day: 3), today: CalendarDate(year: 2026, month: 5, day: 1)) == 0)
        #expect(ConsentReviewSchedule.due(after: CalendarDate(year: 2025, month: 3, day: 3), months: 12) == CalendarDate(year: 2026, month: 3, day: 3))
    }

    @Test("Only general information goes without consent; the rest needs its own category")
    func scopes() {
        #expect(InformationScope.general.requiredCategory == nil)
        #expect(InformationScope.allCases.compactMap(\.requiredCategory).sorted { $0.rawValue < $1.rawValue }
            == ConsentCategory.allCases.sorted { $0.rawValue < $1.rawValue })
    }

    @Test("Children at home are those of the family caregiver, the person cared for, or both; not stated and none are not")
    func children() {
        #expect(ChildrenInHousehold.allCases.filter(\.hasChildren) == [.caregiversChildren, .recipientsChildren, .both])
        #expect(ChildrenInHousehold.formOrder.first == .notStated)
    }

    @Test("An offering for children as relatives fits that filter; one for another group does not")
    func childrenAsRelatives() {
        let filter = SupportFilter(group: .childrenAsRelatives)
        #expect(filter.matches(kind: .supportGroup, groups: [.childrenAsRelatives], languages: ["sv"]))
        #expect(!filter.matches(kind: .supportGroup, groups: [.dementia], languages: ["sv"]))
    }
}
