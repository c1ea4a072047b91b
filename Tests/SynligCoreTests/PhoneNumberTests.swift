import Testing
@testable import SynligCore

@Suite("Phone numbers as tel: links")
struct PhoneNumberTests {
    @Test("Numbers as people write them become callable links with the country code", arguments: [
        ("0200-239 500", "tel:+46200239500"),
        ("070 123 45 67", "tel:+46701234567"),
        ("08-123 456 78", "tel:+46812345678"),
        ("+46 (0)8 123 45", "tel:+46812345"),
        ("+358 9 123 4567", "tel:+35891234567"),
        ("0046 8 123 456", "tel:+468123456"),
        ("112", nil),
        ("ring växeln", nil),
        ("", nil),
        ("  ", nil),
    ] as [(String, String?)])
    func telURI(_ written: String, expected: String?) {
        #expect(PhoneNumber.telURI(written) == expected)
    }
}
