import Testing
@testable import SynligCore

@Suite("Role")
struct RoleTests {
    @Test func onlyCaseOfficersAndStaffAreUnitScoped() {
        let scoped = Role.allCases.filter(\.isUnitScoped)
        #expect(Set(scoped) == [.caseOfficer, .staff])
        #expect(!Role.consultant.isUnitScoped)
        #expect(!Role.admin.isUnitScoped)
        #expect(!Role.viewer.isUnitScoped)
    }

    @Test func orderFollowsAllCases() {
        #expect(Role.allCases == [.admin, .strategist, .consultant, .caseOfficer, .staff, .viewer])
        for (i, lhs) in Role.allCases.enumerated() {
            for (j, rhs) in Role.allCases.enumerated() {
                #expect((lhs < rhs) == (i < j), "\(lhs) < \(rhs)")
            }
        }
    }

    @Test func sortingPutsAdminFirst() {
        let roles: [Role] = [.viewer, .staff, .admin, .consultant, .caseOfficer, .strategist]
        #expect(roles.sorted() == Role.allCases)
        #expect(roles.min() == .admin)
        #expect(roles.max() == .viewer)
    }
}
