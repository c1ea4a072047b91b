import Testing
@testable import SynligCore

@Suite("Support catalogue rules")
struct SupportCatalogueRulesTests {
    @Test("Every need has at least one kind of support that answers it")
    func everyNeedAnswered() {
        for need in SupportNeed.allCases {
            #expect(SupportKind.allCases.contains { $0.needs.contains(need) }, "\(need)")
        }
    }

    @Test("Filters: need by kind, group with 'all' matching everyone, language exactly")
    func filterMatching() {
        let respite = (kind: SupportKind.respiteAtHome, groups: Set([SupportTargetGroup.dementia]), languages: Set(["sv", "fi"]))
        #expect(SupportFilter().matches(kind: respite.kind, groups: respite.groups, languages: respite.languages))
        #expect(SupportFilter(need: .aBreak).matches(kind: respite.kind, groups: respite.groups, languages: respite.languages))
        #expect(!SupportFilter(need: .moneyAndWork).matches(kind: respite.kind, groups: respite.groups, languages: respite.languages))
        #expect(!SupportFilter(group: .mentalIllness).matches(kind: respite.kind, groups: respite.groups, languages: respite.languages))
        #expect(SupportFilter(group: .mentalIllness).matches(kind: .supportGroup, groups: [.all], languages: ["sv"]))
        #expect(SupportFilter(language: "fi").matches(kind: respite.kind, groups: respite.groups, languages: respite.languages))
        #expect(!SupportFilter(language: "ar").matches(kind: respite.kind, groups: respite.groups, languages: respite.languages))
    }

    @Test("An entry is stale when it was last checked more than six months ago")
    func staleness() {
        let today = CalendarDate(year: 2026, month: 11, day: 23)
        #expect(!CatalogueFreshness.isStale(lastChecked: CalendarDate(year: 2026, month: 5, day: 23), today: today))
        #expect(CatalogueFreshness.isStale(lastChecked: CalendarDate(year: 2026, month: 5, day: 22), today: today))
    }
}
