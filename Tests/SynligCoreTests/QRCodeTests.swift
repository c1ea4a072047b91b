import Foundation
import Testing
@testable import SynligCore

@Suite("QR codes drawn on the server")
struct QRCodeTests {
    static let uri = TOTP(secret: Array("12345678901234567890".utf8))
        .provisioningURI(accountName: "Exempelkommun:anna.andersson-lindqvist@exempelkommun.example.se")

    @Test("The smallest version that fits is chosen, and a module grid is 17 + 4 × version wide")
    func versionsAndSizes() throws {
        #expect(try QRCode.encode("Synlig").version == 1)
        #expect(QRCode.capacity(version: 1) == 14)
        #expect(QRCode.capacity(version: 10) == 213)
        for version in QRCode.versions {
            let code = try QRCode.encode(bytes: Array(repeating: 0x61, count: QRCode.capacity(version: version)))
            #expect(code.version == version)
            #expect(code.size == 17 + 4 * version)
            #expect(code.modules.count == code.size && code.modules.allSatisfy { $0.count == code.size })
        }
        #expect(throws: QRCode.Failure.tooLong(bytes: 667)) { try QRCode.encode(bytes: Array(repeating: 0, count: 667)) }
        #expect(Self.uri.utf8.count > 100)
        #expect(try QRCode.encode(Self.uri).version <= 10)
    }

    @Test("Each version's codewords exactly fill the modules left after the function patterns")
    func codewordsFillTheGrid() {
        let remainderBits = [1: 0, 2: 7, 7: 0, 14: 3]
        for version in QRCode.versions {
            var grid = QRCode.Grid(version: version)
            grid.drawFunctionPatterns()
            let free = grid.reserved.reduce(0) { $0 + $1.filter { !$0 }.count }
            #expect(free / 8 == QRCode.blockLayout(version).totalCodewords, "version \(version)")
            if let expected = remainderBits[version] { #expect(free % 8 == expected, "version \(version)") }
        }
    }

    @Test("Finder patterns with separators in three corners, timing patterns between them, the dark module")
    func functionPatterns() throws {
        let code = try QRCode.encode(Self.uri)
        let n = code.size
        for (left, top) in [(0, 0), (n - 7, 0), (0, n - 7)] {
            for dy in 0..<7 {
                for dx in 0..<7 {
                    let ring = max(abs(dx - 3), abs(dy - 3))
                    #expect(code.isDark(x: left + dx, y: top + dy) == (ring != 2), "finder at \(left),\(top)")
                }
            }
        }
        // Separators: the light line around each finder's inner edges.
        for index in 0..<8 {
            #expect(!code.isDark(x: 7, y: index) && !code.isDark(x: index, y: 7))
            #expect(!code.isDark(x: n - 8, y: index) && !code.isDark(x: n - 1 - index, y: 7))
            #expect(!code.isDark(x: 7, y: n - 1 - index) && !code.isDark(x: index, y: n - 8))
        }
        for index in 8..<(n - 8) {
            #expect(code.isDark(x: index, y: 6) == (index % 2 == 0))
            #expect(code.isDark(x: 6, y: index) == (index % 2 == 0))
        }
        #expect(code.isDark(x: 8, y: n - 8))
    }

    /// Reads the 15 format bits where the standard puts each copy.
    static func formatCopies(_ code: QRCode) -> (Int, Int) {
        let n = code.size
        var first: [(Int, Int)] = (0...5).map { (8, $0) } + [(8, 7), (8, 8), (7, 8)]
        first += (9...14).map { (14 - $0, 8) }
        let second: [(Int, Int)] = (0...7).map { (n - 1 - $0, 8) } + (8...14).map { (8, n - 15 + $0) }
        func read(_ positions: [(Int, Int)]) -> Int {
            positions.enumerated().reduce(0) { $0 | (code.isDark(x: $1.element.0, y: $1.element.1) ? 1 << $1.offset : 0) }
        }
        return (read(first), read(second))
    }

    @Test("Both copies of the format information decode (BCH) to level M and the chosen mask, for every mask")
    func formatInformation() throws {
        for mask in 0..<8 {
            let code = try QRCode.encode(bytes: Array(Self.uri.utf8), mask: mask)
            let (first, second) = Self.formatCopies(code)
            #expect(first == second)
            let unmasked = first ^ 0x5412
            #expect(QRCode.bchRemainder(unmasked, generator: 0x537) == 0, "a valid BCH(15,5) codeword")
            #expect(unmasked >> 13 == 0b00, "level M")
            #expect((unmasked >> 10) & 0b111 == mask)
        }
        // The standard's table of format bits (annex C) for level M, masks 0, 5 and 7.
        #expect(QRCode.formatBits(mask: 0) == 0b101010000010010)
        #expect(QRCode.formatBits(mask: 5) == 0b100000011001110)
        #expect(QRCode.formatBits(mask: 7) == 0b100101010100000)
    }

    @Test("Versions 7 and up carry their version number in two BCH-protected blocks")
    func versionInformation() throws {
        #expect(QRCode.versionBits(7) == 0x07C94)
        #expect(QRCode.versionBits(10) == 0x0A4D3)
        for version in [7, 8, 12, 20] {
            let code = try QRCode.encode(bytes: Array(repeating: 0x41, count: QRCode.capacity(version: version)))
            let n = code.size
            var topRight = 0, bottomLeft = 0
            for index in 0..<18 {
                let a = n - 11 + index % 3, b = index / 3
                if code.isDark(x: a, y: b) { topRight |= 1 << index }
                if code.isDark(x: b, y: a) { bottomLeft |= 1 << index }
            }
            #expect(topRight == bottomLeft)
            #expect(topRight >> 12 == version)
            #expect(QRCode.bchRemainder(topRight, generator: 0x1F25) == 0)
        }
    }

    @Test("Reed–Solomon: the worked 1-M example, and every codeword a multiple of the generator")
    func reedSolomon() {
        let data: [UInt8] = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]
        let correction = ReedSolomon.remainder(data, generator: ReedSolomon.generator(degree: 10))
        #expect(correction == [196, 35, 39, 119, 235, 215, 231, 226, 93, 23])
        // A codeword evaluates to zero at α⁰ … αⁿ⁻¹, the generator's roots.
        for degree in [7, 16, 22, 26, 30] {
            let message = (0..<40).map { UInt8(($0 * 37 + degree) % 256) }
            let codeword = message + ReedSolomon.remainder(message, generator: ReedSolomon.generator(degree: degree))
            var root: UInt8 = 1
            for _ in 0..<degree {
                let value = codeword.reduce(UInt8(0)) { ReedSolomon.multiply($0, root) ^ $1 }
                #expect(value == 0, "degree \(degree)")
                root = ReedSolomon.multiply(root, 2)
            }
        }
    }

    @Test("The SVG has a quiet zone of four, role img with the given label, and no style attribute")
    func svg() throws {
        let code = try QRCode.encode("Synlig")
        let svg = code.svg(label: "QR-kod för \"appen\" & <Synlig>", className: "qr-code")
        #expect(svg.hasPrefix("<svg "))
        #expect(svg.contains(#"viewBox="0 0 29 29""#))
        #expect(svg.contains(#"role="img""#))
        #expect(svg.contains(#"aria-label="QR-kod för &quot;appen&quot; &amp; &lt;Synlig&gt;""#))
        #expect(svg.contains(#"class="qr-code""#))
        #expect(!svg.contains("style"))
        // The top-left finder's top row is one run of seven, four modules in.
        #expect(svg.contains("M4 4h7v1h-7z"))
    }

    @Test("zbarimg reads back exactly what was encoded: the otpauth URI, every mask, the largest versions")
    func decodesWithZbar() throws {
        guard let zbarimg = ["/usr/bin/zbarimg", "/usr/local/bin/zbarimg", "/opt/homebrew/bin/zbarimg"]
            .first(where: FileManager.default.isExecutableFile(atPath:)) else {
            Issue.record("zbarimg is missing: install zbar-tools (scripts/test does) so the QR codes can be read back")
            return
        }
        var cases: [(String, Int?)] = [(Self.uri, nil), ("Synlig", nil)]
        cases += (0..<8).map { (Self.uri, $0) }
        for version in [7, 10, 14, 20] {
            let text = String((0..<QRCode.capacity(version: version)).map { "abcdefghijklmnopqrstuvwxyz0123456789"[$0 % 36] })
            cases.append((text, nil))
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("synlig-qr-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (index, (text, mask)) in cases.enumerated() {
            let code = try QRCode.encode(bytes: Array(text.utf8), mask: mask)
            let file = directory.appendingPathComponent("\(index).pgm")
            try Self.pgm(code).write(to: file)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: zbarimg)
            process.arguments = ["--raw", "-q", "-Sdisable", "-Sqrcode.enable", file.path]
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            let decoded = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
            #expect(process.terminationStatus == 0, "zbarimg found no code: version \(code.version), mask \(code.mask)")
            #expect(decoded == text, "version \(code.version), mask \(code.mask)")
        }
    }

    /// A binary greymap, eight pixels a module, with the four-module quiet zone.
    static func pgm(_ code: QRCode) -> Data {
        let scale = 8, quiet = 4
        let side = (code.size + 2 * quiet) * scale
        var data = Data("P5\n\(side) \(side)\n255\n".utf8)
        for py in 0..<side {
            for px in 0..<side {
                let x = px / scale - quiet, y = py / scale - quiet
                let dark = (0..<code.size).contains(x) && (0..<code.size).contains(y) && code.isDark(x: x, y: y)
                data.append(dark ? 0 : 255)
            }
        }
        return data
    }
}

private extension String {
    subscript(index: Int) -> Character { self[self.index(startIndex, offsetBy: index)] }
}
