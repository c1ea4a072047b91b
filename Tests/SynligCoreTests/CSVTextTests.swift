import Testing
@testable import SynligCore

/// A small RFC 4180 reader, written independently of `CSVText`: fields separated by commas,
/// records by CRLF, quoted fields may hold commas, CR, LF and doubled quotes. Works on Unicode
/// scalars because Swift treats "\r\n" as one Character. Returns nil on malformed input.
private func parseCSV(_ text: String) -> [[String]]? {
    var scalars = Array(text.unicodeScalars)
    if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
    var records: [[String]] = []
    var record: [String] = []
    var field = String.UnicodeScalarView()
    var index = 0
    var fieldStarted = false

    func endField() {
        record.append(String(field))
        field = String.UnicodeScalarView()
        fieldStarted = false
    }

    while index < scalars.count {
        let scalar = scalars[index]
        if !fieldStarted && scalar == "\"" {
            // Quoted field: read to the closing quote.
            index += 1
            while true {
                guard index < scalars.count else { return nil } // unterminated quote
                let inner = scalars[index]
                if inner == "\"" {
                    if index + 1 < scalars.count && scalars[index + 1] == "\"" {
                        field.append("\"")
                        index += 2
                    } else {
                        index += 1
                        break
                    }
                } else {
                    field.append(inner)
                    index += 1
                }
            }
            fieldStarted = true
            // After a closing quote only a separator or the end may follow.
            if index < scalars.count {
                let next = scalars[index]
                guard next == "," || next == "\r" else { return nil }
            }
            continue
        }
        switch scalar {
        case ",":
            endField()
            fieldStarted = false
            index += 1
        case "\r":
            guard index + 1 < scalars.count, scalars[index + 1] == "\n" else { return nil } // bare CR
            endField()
            records.append(record)
            record = []
            index += 2
        case "\n":
            return nil // bare LF outside quotes
        default:
            field.append(scalar)
            fieldStarted = true
            index += 1
        }
    }
    // A final record without a trailing CRLF.
    if fieldStarted || !record.isEmpty {
        endField()
        records.append(record)
    }
    return records
}

@Suite("CSVText.cell")
struct CSVTextCellTests {
    @Test(arguments: ["=SUM(A1:A9)", "+46 8 123 45", "-1", "@admin", "\tTab", "\rCR", "=", "-", "=HYPERLINK(\"http://x\")"])
    func formulaStartsGetApostrophe(value: String) {
        let cell = CSVText.cell(value)
        let expected = "\"'" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        #expect(cell == expected)
    }

    @Test func exampleFormulaCell() {
        #expect(CSVText.cell("=1+1") == "\"'=1+1\"")
        #expect(CSVText.cell("@SUM(A1)") == "\"'@SUM(A1)\"")
    }

    @Test(arguments: ["Rutin finns", "42", "1-2", "a=b", " =1+1", "'already", "", "Ja, delvis", "\nLF first"])
    func otherCellsAreOnlyQuoted(value: String) {
        #expect(CSVText.cell(value) == "\"" + value + "\"")
    }

    @Test func quotesAreDoubled() {
        #expect(CSVText.cell("Hon sa \"ja\"") == "\"Hon sa \"\"ja\"\"\"")
        #expect(CSVText.cell("\"") == "\"\"\"\"")
    }

    @Test func dangerousCellWithQuotesIsPrefixedAndDoubled() {
        #expect(CSVText.cell("=\"x\"") == "\"'=\"\"x\"\"\"")
    }

    @Test func commasAndLineBreaksStayInsideTheQuotes() {
        #expect(CSVText.cell("a,b") == "\"a,b\"")
        #expect(CSVText.cell("rad 1\nrad 2") == "\"rad 1\nrad 2\"")
        #expect(CSVText.cell("rad 1\r\nrad 2") == "\"rad 1\r\nrad 2\"")
    }

    @Test func swedishCharactersArePreserved() {
        #expect(CSVText.cell("Åsa Öberg, äldreomsorg") == "\"Åsa Öberg, äldreomsorg\"")
    }
}

@Suite("CSVText.row and document")
struct CSVTextDocumentTests {
    @Test func rowJoinsQuotedCellsWithCommas() {
        #expect(CSVText.row(["a", "b,c", "=d"]) == "\"a\",\"b,c\",\"'=d\"")
        #expect(CSVText.row([]) == "")
        #expect(CSVText.row([""]) == "\"\"")
    }

    @Test func documentStartsWithByteOrderMark() {
        let document = CSVText.document(header: ["Fråga"], rows: [])
        #expect(document.unicodeScalars.first == "\u{FEFF}")
        #expect(Array(document.utf8.prefix(3)) == [0xEF, 0xBB, 0xBF])
    }

    @Test func rowsAreSeparatedAndEndedByCRLF() {
        let document = CSVText.document(header: ["A", "B"], rows: [["1", "2"], ["3", "4"]])
        #expect(document == "\u{FEFF}\"A\",\"B\"\r\n\"1\",\"2\"\r\n\"3\",\"4\"\r\n")
        #expect(Array(document.utf8.suffix(2)) == [0x0D, 0x0A])
    }

    @Test func headerOnlyDocument() {
        #expect(CSVText.document(header: ["Fråga", "Svar"], rows: []) == "\u{FEFF}\"Fråga\",\"Svar\"\r\n")
    }

    @Test func noBareLineFeedsBetweenRows() {
        let document = CSVText.document(header: ["A"], rows: [["1"], ["2"]])
        let scalars = Array(document.unicodeScalars)
        for (index, scalar) in scalars.enumerated() where scalar == "\n" {
            #expect(index > 0 && scalars[index - 1] == "\r")
        }
    }

    @Test func swedishCharactersSurviveInUTF8() {
        let document = CSVText.document(header: ["Område"], rows: [["Ledning och styrning"], ["Kunskap, kompetens"], ["Samverkan – åäö ÅÄÖ é"]])
        let bytes = Array(document.utf8)
        let decoded = String(decoding: bytes, as: UTF8.self)
        #expect(decoded == document)
        #expect(decoded.contains("Samverkan – åäö ÅÄÖ é"))
        #expect(decoded.contains("Område"))
    }

    @Test func roundTripThroughRFC4180Parser() throws {
        let header = ["Fråga", "Svar", "Kommentar"]
        let rows: [[String]] = [
            ["q1", "Ja", "Allt bra"],
            ["q2", "Delvis", "Rutin finns, men \"ingen\" följer den"],
            ["q3", "=HYPERLINK(\"http://evil\")", "+46 70 123 45 67"],
            ["q4", "-5", "@SUM(A1:A3)"],
            ["q5", "\tindenterad", "\rvagnretur"],
            ["q6", "rad 1\nrad 2", "rad 1\r\nrad 2"],
            ["q7", "", "Åsa, Örjan och Ärla"],
            ["q8", "'redan apostrof", "1-2-3"],
        ]
        let document = CSVText.document(header: header, rows: rows)
        let parsed = try #require(parseCSV(document), "document is not valid RFC 4180")

        let dangerous: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]
        let expected = ([header] + rows).map { row in
            row.map { value in
                if let first = value.unicodeScalars.first, dangerous.contains(first) { return "'" + value }
                return value
            }
        }
        #expect(parsed == expected)
        #expect(parsed.count == rows.count + 1)
        #expect(parsed.allSatisfy { $0.count == header.count })
    }

    @Test func parserSanityCheck() {
        // The test's own parser must reject what RFC 4180 does not allow, or the round trip proves little.
        #expect(parseCSV("\"a\",\"b\"\r\n") == [["a", "b"]])
        #expect(parseCSV("\"a\"\"b\"\r\n") == [["a\"b"]])
        #expect(parseCSV("\"unterminated\r\n") == nil)
        #expect(parseCSV("a\nb\r\n") == nil)
        #expect(parseCSV("\"a\"x\r\n") == nil)
    }
}
