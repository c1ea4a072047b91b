import Foundation
import Testing
@testable import SynligApp

@Suite("The PDF writer: text that fits, Swedish letters, a valid file")
struct PDFWriterTests {
    @Test("Wrapped lines never run past the margin, and no word is lost")
    func wrapping() {
        let text = "Ring hemtjänstens larmnummer; dottern är kontaktperson och kan komma inom en timme. "
            + String(repeating: "W", count: 120) + " slut"
        for size in [8.0, 9, 10, 16] {
            let lines = PDFWriter.wrap(text, font: .bold, size: size, maxWidth: 300)
            #expect(lines.allSatisfy { PDFWriter.width($0, font: .bold, size: size) <= 300 })
            #expect(lines.joined().replacingOccurrences(of: " ", with: "") == text.replacingOccurrences(of: " ", with: ""))
        }
    }

    @Test("Swedish letters and typographic punctuation are written in WinAnsiEncoding")
    func winAnsi() {
        #expect(PDFWriter.winAnsi("åäöÅÄÖé") == [0xE5, 0xE4, 0xF6, 0xC5, 0xC4, 0xD6, 0xE9])
        #expect(PDFWriter.winAnsi("– … ” €") == [0x96, 0x20, 0x85, 0x20, 0x94, 0x20, 0x80])
        #expect(PDFWriter.winAnsi("a\u{0308}") == [0xE4], "a decomposed ä is composed first")
        #expect(PDFWriter.winAnsi("漢\t") == [0x3F, 0x20])
        #expect(PDFWriter.winAnsi("Delić Kovačević Đurić Łukasz") == [0x44, 0x65, 0x6C, 0x69, 0x81, 0x20, 0x4B, 0x6F, 0x76, 0x61, 0x8D, 0x65, 0x76, 0x69, 0x81,
                                                             0x20, 0xA4, 0x75, 0x72, 0x69, 0x81, 0x20, 0xA8, 0x75, 0x6B, 0x61, 0x73, 0x7A])
        #expect(PDFWriter.winAnsi("ș ¤") == [0x73, 0x20, 0x3F], "a missing mark is dropped; a symbol whose code carries a letter is not printed as that letter")
    }

    @Test("Names with ć, č and đ come out of the file as written")
    func extraLetters() throws {
        let names = "Edin Delić, Senad Kovačević, Đorđe Čolić, Łucja Ślązak, Ayşe Yılmaz"
        let bytes = try PDFWriter.document(pages: [[PDFWriter.Text(x: 48, y: 780, font: .regular, size: 10, text: names)]],
                                           security: nil, id: [UInt8](repeating: 2, count: 16))
        let path = PDFTools.temporary(".pdf")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let text = try #require(try PDFTools.run("pdftotext", ["-enc", "UTF-8", path, "-"]))
        #expect(text.output.contains(names), "\(text.output)")
    }

    @Test("A bare file of two pages, unencrypted and encrypted, passes qpdf --check")
    func validFile() throws {
        let pages: [[PDFWriter.Text]] = [[PDFWriter.Text(x: 48, y: 780, font: .bold, size: 16, text: "Sida ett: åäö")],
                                         [PDFWriter.Text(x: 48, y: 780, font: .regular, size: 10, text: "Sida två (med \\ och parenteser)")]]
        for security in [nil, try PDFStandardSecurity(userPassword: "en lång lösenfras")] {
            let bytes = try PDFWriter.document(pages: pages, security: security, id: [UInt8](repeating: 1, count: 16))
            let path = PDFTools.temporary(".pdf")
            defer { try? FileManager.default.removeItem(atPath: path) }
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let check = try #require(try PDFTools.run("qpdf", ["--check", "--password=en lång lösenfras", path]))
            #expect(check.status == 0, "\(check.output) \(check.errors)")
            #expect(check.output.contains("No syntax or stream encoding errors found"))
        }
    }

    @Test("The security handler's passphrase is normalised and cut at 127 bytes on a character boundary")
    func preparedPassword() {
        #expect(PDFStandardSecurity.prepared("a\u{0308}") == Array("ä".utf8))
        let long = PDFStandardSecurity.prepared(String(repeating: "ö", count: 100))
        #expect(long.count == 126 && String(bytes: long, encoding: .utf8) != nil)
    }
}
