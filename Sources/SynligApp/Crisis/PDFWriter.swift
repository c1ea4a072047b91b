import Foundation

/// A small PDF writer for lists of text: A4 pages of lines in Helvetica and Helvetica-Bold, the
/// standard fonts every reader has, with WinAnsiEncoding so å, ä and ö print. With a security
/// handler every content stream is encrypted; nothing else in the file holds personal data.
enum PDFWriter {
    enum Font: String, Sendable {
        case regular = "F1"
        case bold = "F2"

        var baseFont: String { self == .regular ? "Helvetica" : "Helvetica-Bold" }
    }

    /// One line of text placed on a page, from its baseline's left end (points, origin bottom left).
    struct Text: Sendable, Equatable {
        var x: Double
        var y: Double
        var font: Font
        var size: Double
        var text: String
    }

    static let pageWidth = 595.28
    static let pageHeight = 841.89

    /// The whole file. `id` is the trailer's file identifier (16 bytes).
    static func document(pages: [[Text]], security: PDFStandardSecurity?, id: [UInt8]) throws -> [UInt8] {
        var objects: [[UInt8]] = []
        let pagesObject = 2, firstFont = 3
        let encryptObject = security == nil ? nil : 5
        let firstPage = 6
        let kids = pages.indices.map { "\(firstPage + 2 * $0) 0 R" }.joined(separator: " ")
        objects.append(Array("<< /Type /Catalog /Pages \(pagesObject) 0 R /Extensions << /ADBE << /BaseVersion /1.7 /ExtensionLevel 8 >> >> >>".utf8))
        objects.append(Array("<< /Type /Pages /Kids [\(kids)] /Count \(pages.count) >>".utf8))
        let differences = extraLetters.map { "\($0.code) /\($0.glyph)" }.joined(separator: " ")
        for font in [Font.regular, .bold] {
            objects.append(Array(("<< /Type /Font /Subtype /Type1 /BaseFont /\(font.baseFont) "
                + "/Encoding << /Type /Encoding /BaseEncoding /WinAnsiEncoding /Differences [\(differences)] >> >>").utf8))
        }
        objects.append(Array((security?.dictionary ?? "null").utf8))
        for (index, page) in pages.enumerated() {
            let contentObject = firstPage + 2 * index + 1
            objects.append(Array(("<< /Type /Page /Parent \(pagesObject) 0 R /MediaBox [0 0 \(number(pageWidth)) \(number(pageHeight))] "
                + "/Resources << /Font << /F1 \(firstFont) 0 R /F2 \(firstFont + 1) 0 R >> >> /Contents \(contentObject) 0 R >>").utf8))
            var stream = content(page)
            if let security { stream = try security.encrypt(stream) }
            objects.append(Array("<< /Length \(stream.count) >>\nstream\n".utf8) + stream + Array("\nendstream".utf8))
        }

        // The binary comment line tells transfer programs the file is not text.
        var file: [UInt8] = Array("%PDF-1.7\n%".utf8) + [0xE2, 0xE3, 0xCF, 0xD3, 0x0A]
        var offsets: [Int] = []
        for (index, body) in objects.enumerated() {
            offsets.append(file.count)
            file += Array("\(index + 1) 0 obj\n".utf8) + body + Array("\nendobj\n".utf8)
        }
        let xref = file.count
        file += Array("xref\n0 \(objects.count + 1)\n0000000000 65535 f \n".utf8)
        for offset in offsets { file += Array(String(format: "%010d 00000 n \n", offset).utf8) }
        let fileID = id.pdfHex
        var trailer = "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R /ID [<\(fileID)> <\(fileID)>]"
        if let encryptObject { trailer += " /Encrypt \(encryptObject) 0 R" }
        file += Array((trailer + " >>\nstartxref\n\(xref)\n%%EOF\n").utf8)
        return file
    }

    /// A page's content stream: each line in its font, at its place.
    static func content(_ page: [Text]) -> [UInt8] {
        var stream: [UInt8] = []
        for line in page {
            stream += Array("BT /\(line.font.rawValue) \(number(line.size)) Tf \(number(line.x)) \(number(line.y)) Td (".utf8)
            stream += escaped(winAnsi(line.text))
            stream += Array(") Tj ET\n".utf8)
        }
        return stream
    }

    private static func number(_ value: Double) -> String { String(format: "%.2f", value) }

    /// Bytes inside a literal string: the parentheses and the backslash are escaped.
    private static func escaped(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        for byte in bytes {
            if byte == 0x28 || byte == 0x29 || byte == 0x5C { out.append(0x5C) }
            out.append(byte)
        }
        return out
    }

    /// WinAnsiEncoding (Windows-1252), plus the letters of `extraLetters` in the codes it leaves
    /// free or rarely needs, so Delić and Kovačević print as written. Another letter with a
    /// diacritic loses it (ș → s); anything else becomes "?". Control characters (a tab or a
    /// line break from a text field) become spaces.
    static func winAnsi(_ text: String) -> [UInt8] {
        text.precomposedStringWithCanonicalMapping.unicodeScalars.map(code)
    }

    private static func code(_ scalar: Unicode.Scalar) -> UInt8 {
        let value = scalar.value
        if let extra = extraByScalar[value] { return extra.code }
        if reassignedCodes.contains(value) { return 0x3F }
        switch value {
        case 0x20...0x7E, 0xA0...0xFF: return UInt8(value)
        case 0x00..<0x20, 0x7F: return 0x20
        default:
            if let code = windows1252[value] { return code }
            // A letter with a mark the encoding lacks keeps its base letter.
            if let base = String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars.first, base != scalar,
               base.value < 0x80 || base.value >= 0xA0, let code = windows1252[base.value] ?? (base.value <= 0xFF ? UInt8(base.value) : nil),
               code >= 0x20 {
                return code
            }
            return 0x3F
        }
    }

    /// Letters of names common in Sweden that Windows-1252 lacks, given codes through the font's
    /// /Differences: the five codes it leaves undefined, then symbols no list needs. Every reader's
    /// Helvetica (or its stand-in) has these Latin glyphs.
    struct ExtraLetter: Sendable {
        var scalar: UInt32
        var code: UInt8
        var glyph: String
        /// Helvetica's width, that of the base letter.
        var width: Int
    }

    static let extraLetters: [ExtraLetter] = [
        ExtraLetter(scalar: 0x0107, code: 0x81, glyph: "cacute", width: 500),
        ExtraLetter(scalar: 0x010D, code: 0x8D, glyph: "ccaron", width: 500),
        ExtraLetter(scalar: 0x0106, code: 0x8F, glyph: "Cacute", width: 722),
        ExtraLetter(scalar: 0x010C, code: 0x90, glyph: "Ccaron", width: 722),
        ExtraLetter(scalar: 0x0111, code: 0x9D, glyph: "dcroat", width: 556),
        ExtraLetter(scalar: 0x0110, code: 0xA4, glyph: "Dcroat", width: 722),
        ExtraLetter(scalar: 0x0142, code: 0xA6, glyph: "lslash", width: 222),
        ExtraLetter(scalar: 0x0141, code: 0xA8, glyph: "Lslash", width: 556),
        ExtraLetter(scalar: 0x0144, code: 0xAA, glyph: "nacute", width: 556),
        ExtraLetter(scalar: 0x015B, code: 0xAC, glyph: "sacute", width: 500),
        ExtraLetter(scalar: 0x015A, code: 0xAF, glyph: "Sacute", width: 667),
        ExtraLetter(scalar: 0x0119, code: 0xB2, glyph: "eogonek", width: 556),
        ExtraLetter(scalar: 0x0105, code: 0xB3, glyph: "aogonek", width: 556),
        ExtraLetter(scalar: 0x017A, code: 0xB4, glyph: "zacute", width: 500),
        ExtraLetter(scalar: 0x017C, code: 0xB5, glyph: "zdotaccent", width: 500),
        ExtraLetter(scalar: 0x0159, code: 0xB6, glyph: "rcaron", width: 333),
        ExtraLetter(scalar: 0x011B, code: 0xB8, glyph: "ecaron", width: 556),
        ExtraLetter(scalar: 0x011F, code: 0xB9, glyph: "gbreve", width: 556),
        ExtraLetter(scalar: 0x015F, code: 0xBA, glyph: "scedilla", width: 500),
        ExtraLetter(scalar: 0x0131, code: 0xBC, glyph: "dotlessi", width: 278),
        ExtraLetter(scalar: 0x0130, code: 0xBE, glyph: "Idotaccent", width: 278),
    ]
    private static let extraByScalar = Dictionary(uniqueKeysWithValues: extraLetters.map { ($0.scalar, $0) })
    private static let extraByCode = Dictionary(uniqueKeysWithValues: extraLetters.map { ($0.code, $0) })
    /// Latin-1 symbols whose codes now carry one of the extra letters.
    private static let reassignedCodes = Set(extraLetters.map { UInt32($0.code) }.filter { $0 >= 0xA0 })

    private static let windows1252: [UInt32: UInt8] = [
        0x20AC: 0x80, 0x201A: 0x82, 0x0192: 0x83, 0x201E: 0x84, 0x2026: 0x85, 0x2020: 0x86, 0x2021: 0x87, 0x02C6: 0x88,
        0x2030: 0x89, 0x0160: 0x8A, 0x2039: 0x8B, 0x0152: 0x8C, 0x017D: 0x8E, 0x2018: 0x91, 0x2019: 0x92, 0x201C: 0x93,
        0x201D: 0x94, 0x2022: 0x95, 0x2013: 0x96, 0x2014: 0x97, 0x02DC: 0x98, 0x2122: 0x99, 0x0161: 0x9A, 0x203A: 0x9B,
        0x0153: 0x9C, 0x017E: 0x9E, 0x0178: 0x9F,
    ]

    /// The width of `text` in points, from Helvetica's metrics (thousandths of the font size).
    /// Bold is measured a tenth wider than regular, which it never exceeds for these glyphs.
    static func width(_ text: String, font: Font, size: Double) -> Double {
        let units = winAnsi(text).reduce(0) { $0 + Double(helveticaWidth($1)) }
        return units * size / 1000 * (font == .bold ? 1.1 : 1)
    }

    private static func helveticaWidth(_ byte: UInt8) -> Int {
        if byte >= 0x20 && byte <= 0x7E { return ascii[Int(byte) - 0x20] }
        if let extra = extraByCode[byte] { return extra.width }
        switch byte {
        case 0xC0...0xC5: return 667               // À–Å like A
        case 0xC6: return 1000                     // Æ
        case 0xC7: return 722                      // Ç
        case 0xC8...0xCB: return 667               // É like E
        case 0xCC...0xCF: return 278               // Í like I
        case 0xD1, 0xD9...0xDC: return 722         // Ñ, Ü like N, U
        case 0xD2...0xD6, 0xD8: return 778         // Ö, Ø like O
        case 0xDD: return 667
        case 0xDF: return 611                      // ß
        case 0xE0...0xE5, 0xE8...0xEB, 0xF1...0xF6, 0xF9...0xFC: return 556  // å ä é ñ ö ü
        case 0xE6: return 889                      // æ
        case 0xE7, 0xFD, 0xFF: return 500
        case 0xEC...0xEF: return 278
        case 0xF8: return 611                      // ø
        case 0x96: return 556                      // –
        case 0x97, 0x85, 0x89: return 1000         // — … ‰
        case 0x95: return 350                      // •
        case 0x91, 0x92: return 222
        case 0x93, 0x94: return 333
        default: return 1000                       // unknown: assume wide, never overflow
        }
    }

    /// Helvetica's widths for space through tilde, from its AFM metrics.
    private static let ascii: [Int] = [
        278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,  // space – /
        556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,  // 0 – ?
        1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // @ – O
        667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,  // P – _
        333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,  // ` – o
        556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,       // p – ~
    ]

    /// `text` broken into lines no wider than `maxWidth`: at spaces where it can, inside a word
    /// only when the word alone is too wide.
    static func wrap(_ text: String, font: Font, size: Double, maxWidth: Double) -> [String] {
        var lines: [String] = []
        for paragraph in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            var line = ""
            for word in paragraph.split(separator: " ", omittingEmptySubsequences: true).map(String.init) {
                let candidate = line.isEmpty ? word : line + " " + word
                if width(candidate, font: font, size: size) <= maxWidth {
                    line = candidate
                    continue
                }
                if !line.isEmpty { lines.append(line) }
                line = ""
                var rest = word
                while width(rest, font: font, size: size) > maxWidth {
                    var cut = rest.startIndex
                    while cut < rest.endIndex, width(String(rest[...cut]), font: font, size: size) <= maxWidth { cut = rest.index(after: cut) }
                    if cut == rest.startIndex { cut = rest.index(after: cut) }
                    lines.append(String(rest[..<cut]))
                    rest = String(rest[cut...])
                }
                line = rest
            }
            if !line.isEmpty { lines.append(line) }
        }
        return lines
    }
}
