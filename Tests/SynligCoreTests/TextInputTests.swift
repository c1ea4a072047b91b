import Testing
@testable import SynligCore

@Suite("TextInput.check")
struct TextInputCheckTests {
    @Test func trimsSurroundingWhitespaceAndNewlines() {
        let result = TextInput.check("  Anna Berg \n\t", required: true, maxLength: 120, multiline: true)
        #expect(result.value == "Anna Berg")
        #expect(result.problem == nil)
        // One line takes no line break or tab, not even at its end (openapi.yaml's TextLine).
        #expect(TextInput.check("  Anna Berg\u{00A0}", required: true, maxLength: 120).value == "Anna Berg")
        #expect(TextInput.check("Anna Berg\n", required: true, maxLength: 120).problem == .controlCharacters)
    }

    @Test(arguments: [nil, "", "   ", " \n\t \r\n"] as [String?])
    func requiredEmptyIsRefused(value: String?) {
        let result = TextInput.check(value, required: true, maxLength: 120, multiline: true)
        #expect(result.problem == .required)
        #expect(result.value == "")
    }

    @Test(arguments: [nil, "", "   "] as [String?])
    func optionalEmptyIsAccepted(value: String?) {
        let result = TextInput.check(value, required: false, maxLength: 120)
        #expect(result.problem == nil)
        #expect(result.value == "")
    }

    @Test func lengthIsCountedInCodePoints() {
        let fits = String(repeating: "ö", count: 120)
        let tooLong = String(repeating: "ö", count: 121)
        #expect(TextInput.check(fits, required: true, maxLength: 120).problem == nil)
        #expect(TextInput.check(tooLong, required: true, maxLength: 120).problem == .tooLong)
        // The house rule (openapi.yaml, JSON Schema's maxLength): code points, not what one sees.
        // A decomposed "ö" (o + combining diaeresis) is two.
        let decomposed = String(repeating: "o\u{0308}", count: 60)
        #expect(TextInput.check(decomposed, required: true, maxLength: 120).problem == nil)
        #expect(TextInput.check(decomposed + "o\u{0308}", required: true, maxLength: 120).problem == .tooLong)
    }

    @Test("One letter under a flood of combining marks is as long as its code points")
    func combiningMarkFloodIsTooLong() {
        let flood = "x" + String(repeating: "\u{0301}", count: 100_000)
        #expect(flood.count == 1)
        #expect(TextInput.check(flood, required: true, maxLength: 120).problem == .tooLong)
        #expect(TextInput.check(flood, required: true, maxLength: 4000, multiline: true).problem == .tooLong)
    }

    @Test("Bidi embeddings, overrides and isolates are refused, single- and multi-line",
          arguments: [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069] as [UInt32])
    func bidiControlsAreRefused(code: UInt32) {
        let name = "Anna\(Character(Unicode.Scalar(code)!))nossrep"
        #expect(TextInput.check(name, required: true, maxLength: 120).problem == .bidiControls)
        #expect(TextInput.check(name, required: true, maxLength: 4000, multiline: true).problem == .bidiControls)
    }

    @Test("C1 controls and DEL are refused like C0", arguments: [0x7F, 0x80, 0x85, 0x9B, 0x9F] as [UInt32])
    func c1ControlsAreRefused(code: UInt32) {
        let text = "a\(Character(Unicode.Scalar(code)!))b"
        #expect(TextInput.check(text, required: true, maxLength: 120).problem == .controlCharacters)
        #expect(TextInput.check(text, required: true, maxLength: 4000, multiline: true).problem == .controlCharacters)
    }

    @Test("Right-to-left text and marks that only hint direction stay accepted",
          arguments: ["سلام", "שלום עולם", "Anna\u{200F}", "Åsa Öberg-Ärlig d'Été", "👩‍👩‍👧 Familj"])
    func rightToLeftTextIsAccepted(text: String) {
        #expect(TextInput.check(text, required: true, maxLength: 120).problem == nil)
    }

    @Test func lengthIsMeasuredAsSent() {
        let padded = "   " + String(repeating: "a", count: 10) + "   "
        #expect(TextInput.check(padded, required: true, maxLength: 16).value == String(repeating: "a", count: 10))
        #expect(TextInput.check(padded, required: true, maxLength: 15).problem == .tooLong)
        // A line break from a browser (CR LF) counts once, as the form's maxlength counts it.
        #expect(TextInput.check("a\r\nb", required: true, maxLength: 3, multiline: true).problem == nil)
    }

    @Test(arguments: ["rad ett\nrad två", "ring\u{0007}klocka", "noll\u{0000}byte", "escape\u{001B}[31m", "tab\there", "cr\r\nlf"])
    func singleLineRefusesControlCharacters(value: String) {
        #expect(TextInput.check(value, required: true, maxLength: 120).problem == .controlCharacters)
    }

    @Test func multilineAllowsNewlinesAndTabs() {
        let result = TextInput.check("rad ett\nrad två\n\tindragen", required: true, maxLength: 500, multiline: true)
        #expect(result.problem == nil)
        #expect(result.value == "rad ett\nrad två\n\tindragen")
    }

    @Test(arguments: ["rad ett\u{001B}[31m", "ring\u{0007}", "noll\u{0000}byte"])
    func multilineStillRefusesOtherControlCharacters(value: String) {
        #expect(TextInput.check(value, required: true, maxLength: 500, multiline: true).problem == .controlCharacters)
    }

    @Test func crlfIsNormalisedToLF() {
        let result = TextInput.check("rad ett\r\nrad två\r\nrad tre", required: true, maxLength: 500, multiline: true)
        #expect(result.problem == nil)
        #expect(result.value == "rad ett\nrad två\nrad tre")
        #expect(!result.value.unicodeScalars.contains("\r"))
    }

    @Test func ordinaryUnicodeTextIsAccepted() {
        let result = TextInput.check("Åsa Öberg – hemtjänst 👩‍⚕️", required: true, maxLength: 120)
        #expect(result.problem == nil)
        #expect(result.value == "Åsa Öberg – hemtjänst 👩‍⚕️")
    }
}

@Suite("TextInput.checkEmail")
struct TextInputEmailTests {
    @Test func acceptsAndLowercases() {
        let result = TextInput.checkEmail("Anna.Berg@Kommun.se")
        #expect(result.problem == nil)
        #expect(result.value == "anna.berg@kommun.se")
    }

    @Test func trimsSurroundingWhitespace() {
        let result = TextInput.checkEmail("  Anna.Berg@Kommun.se \n")
        #expect(result.problem == nil)
        #expect(result.value == "anna.berg@kommun.se")
    }

    @Test(arguments: ["no-at", "a@b", "a @b.se", "a@.se", "a@b.se.", "@kommun.se", "a@b@kommun.se", "anna@kom mun.se"])
    func refusesMalformedAddresses(value: String) {
        #expect(TextInput.checkEmail(value).problem == .invalidEmail)
    }

    @Test(arguments: [nil, "", "   "] as [String?])
    func emptyIsRequired(value: String?) {
        #expect(TextInput.checkEmail(value).problem == .required)
    }

    @Test func longerThan254CharactersIsTooLong() {
        let domain = "@kommun.se"
        let fits = String(repeating: "a", count: 254 - domain.count) + domain
        let tooLong = String(repeating: "a", count: 255 - domain.count) + domain
        #expect(TextInput.checkEmail(fits).problem == nil)
        #expect(TextInput.checkEmail(tooLong).problem == .tooLong)
    }

    @Test func controlCharactersAreRefused() {
        #expect(TextInput.checkEmail("anna\u{0000}@kommun.se").problem == .controlCharacters)
    }
}

@Suite("TextInput: old Mac line breaks")
struct TextInputLoneCarriageReturnTests {
    @Test("A lone carriage return in a multi-line field becomes a line break")
    func loneCarriageReturn() {
        let result = TextInput.check("rad ett\rrad två", required: true, maxLength: 100, multiline: true)
        #expect(result.problem == nil)
        #expect(result.value == "rad ett\nrad två")
    }
}

@Suite("SearchText.check")
struct SearchTextCheckTests {
    @Test(arguments: [("Anna\u{0000}", TextProblem.controlCharacters), ("An\u{001B}na", .controlCharacters),
                      ("An\u{0085}na", .controlCharacters), ("\u{202E}anna", .bidiControls), ("\u{2066}Anna\u{2069}", .bidiControls)])
    func refusesControlsAndBidi(term: String, problem: TextProblem) {
        #expect(SearchText.check(term).problem == problem)
    }

    @Test func keepsWhatAPersonTypesAndAnyLength() {
        #expect(SearchText.check("  Åsa Öberg-Ärlig d'Été ") == ("Åsa Öberg-Ärlig d'Été", nil))
        let long = String(repeating: "a", count: 100_000)
        #expect(SearchText.check(long).problem == nil)
        #expect(SearchText.check(nil) == ("", nil))
    }
}
