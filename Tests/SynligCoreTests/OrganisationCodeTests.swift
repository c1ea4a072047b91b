import Testing
@testable import SynligCore

@Suite("OrganisationCode")
struct OrganisationCodeTests {
    @Test func codeLengths() {
        #expect(OrganisationKind.municipality.codeLength == 4)
        #expect(OrganisationKind.region.codeLength == 2)
    }

    @Test(arguments: ["0180", "1480", "2584"])
    func fourDigitMunicipalityCodesAreValid(code: String) {
        #expect(OrganisationCode.isValid(code, kind: .municipality))
    }

    @Test(arguments: ["01", "14", "25"])
    func twoDigitRegionCodesAreValid(code: String) {
        #expect(OrganisationCode.isValid(code, kind: .region))
    }

    @Test(arguments: ["180", "01801", "", "0A80", " 180", "018 ", "-180", "０１８０", "٠١٨٠"])
    func malformedMunicipalityCodesAreRefused(code: String) {
        #expect(!OrganisationCode.isValid(code, kind: .municipality))
    }

    @Test(arguments: ["1", "001", "", "0A", "０１", "٠١", "1²"])
    func malformedRegionCodesAreRefused(code: String) {
        #expect(!OrganisationCode.isValid(code, kind: .region))
    }

    @Test func codeOfTheOtherKindIsRefused() {
        #expect(!OrganisationCode.isValid("01", kind: .municipality))
        #expect(!OrganisationCode.isValid("0180", kind: .region))
    }
}
