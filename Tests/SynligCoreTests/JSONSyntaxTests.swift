import Testing
@testable import SynligCore

@Suite("JSONSyntax: the strict reading of a request body")
struct JSONSyntaxTests {
    private func check(_ text: String) -> JSONSyntax.Problem? { JSONSyntax.check(Array(text.utf8)) }

    @Test("Well-formed JSON passes, whatever its shape", arguments: [
        #"{}"#, #"[]"#, #"{"name":"Åsa Öberg-Ärlig d'Été","hours":12,"ok":true,"none":null}"#,
        #" { "a" : [ 1 , -2.5e3 , "x" , { "b" : [] } ] } "#, #""text""#, "0", #"{"a":{"a":1},"b":{"a":2}}"#,
        #"{"emoji":"\ud83d\ude00","quote":"\"","slash":"\/"}"#,
    ])
    func wellFormed(text: String) {
        #expect(check(text) == nil)
    }

    @Test("A key given twice is refused with its name, also when one is written with an escape")
    func duplicateKeys() {
        #expect(check(#"{"name":"A","name":"B"}"#) == .duplicateKey("name"))
        #expect(check(#"{"name":"A","n\u0061me":"B"}"#) == .duplicateKey("name"))
        #expect(check(#"{"outer":{"id":1,"id":2}}"#) == .duplicateKey("id"))
        #expect(check(#"[{"id":1},{"id":2}]"#) == nil)
    }

    @Test("A trailing comma in an object or a list is refused", arguments: [#"{"a":1,}"#, #"[1,2,]"#, #"{"a":[1,],"b":2}"#, "{,}"])
    func trailingCommas(text: String) {
        #expect(check(text) == .trailingComma || (text == "{,}" && check(text) == .malformed))
    }

    @Test("A leading byte order mark is refused, not skipped")
    func byteOrderMark() {
        #expect(check("\u{FEFF}{}") == .byteOrderMark)
    }

    @Test("Nesting is bounded, so a hostile body cannot exhaust the stack")
    func depth() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(check(deep) == .tooDeep(limit: JSONSyntax.depthLimit))
        let fits = String(repeating: "[", count: JSONSyntax.depthLimit) + String(repeating: "]", count: JSONSyntax.depthLimit)
        #expect(check(fits) == nil)
    }

    @Test("What is not JSON is malformed", arguments: [
        "", "{", #"{"a"}"#, #"{"a":}"#, "{'a':1}", "[01]", "[1.]", "[.5]", "[+1]", "tru", "nul", "[1]x", #"{"a":1}{"b":2}"#,
        "\"a\u{0000}b\"", #""\x41""#, #""\ud800""#, #""\udc00x""#, "[NaN]", "[Infinity]", #"{a:1}"#, "/* */{}",
    ])
    func malformed(text: String) {
        #expect(check(text) == .malformed)
    }

    @Test("Invalid UTF-8 inside a string is malformed")
    func invalidUTF8() {
        #expect(JSONSyntax.check([0x22, 0xC0, 0xAF, 0x22]) == .malformed)
    }
}
