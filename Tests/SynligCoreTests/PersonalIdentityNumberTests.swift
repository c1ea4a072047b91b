import Testing
@testable import SynligCore

@Suite("Personnummer and samordningsnummer")
struct PersonalIdentityNumberTests {
    let today = CalendarDate(year: 2026, month: 11, day: 23)

    func parse(_ text: String) -> Result<PersonalIdentityNumber, PersonalIdentityNumber.Problem> {
        PersonalIdentityNumber.parse(text, today: today)
    }

    @Test("Valid numbers in every usual form become the same canonical 12 digits", arguments: [
        "811218-9876", "8112189876", "198112189876", "19811218-9876", " 811218-9876 ",
    ])
    func validForms(_ text: String) throws {
        let number = try parse(text).get()
        #expect(number.canonical == "198112189876")
        #expect(number.kind == .personnummer)
        #expect(number.masked == "1981XXXX-XXXX")
        #expect(!number.description.contains("9876"))
    }

    @Test("The Skatteverket test number 19121212-1212 is valid, and + means a hundred years or more")
    func centuries() throws {
        #expect(try parse("121212-1212").get().canonical == "201212121212")
        #expect(try parse("121212+1212").get().canonical == "191212121212")
        #expect(try parse("191212121212").get().canonical == "191212121212")
    }

    @Test("A wrong check digit is refused", arguments: ["811218-9875", "121212-1213", "198112189870"])
    func wrongCheckDigit(_ text: String) {
        #expect(parse(text) == .failure(.checkDigit))
    }

    @Test("Impossible or future dates are refused", arguments: ["810230-1234", "811318-1234", "20301212-1212", "19000229-1234"])
    func impossibleDates(_ text: String) {
        #expect(parse(text) == .failure(.date))
    }

    @Test("Malformed input is refused", arguments: ["", "81121-9876", "811218--9876", "8112189876a", "811218 9876 1", "８１１２１８-９８７６"])
    func malformed(_ text: String) {
        #expect(parse(text) == .failure(.format))
    }

    @Test("A samordningsnummer (day plus 60) is recognised and checked")
    func coordinationNumber() throws {
        // 1981-12-18 as a samordningsnummer: day 78; the check digit by Luhn over 811278987 is 3.
        let number = try parse("811278-9873").get()
        #expect(number.kind == .samordningsnummer)
        #expect(number.canonical == "198112789873")
        #expect(parse("811292-1234") == .failure(.date))
    }
}
