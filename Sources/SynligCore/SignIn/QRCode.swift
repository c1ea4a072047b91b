import Foundation

/// A QR code (ISO/IEC 18004) in byte mode at error-correction level M, drawn on the server so
/// the page enrolling an authenticator app needs no script and sends the secret nowhere else.
/// Versions 1–20 (up to 21 × 21 … 97 × 97 modules, 666 bytes) are more than an `otpauth://`
/// URI needs.
public struct QRCode: Sendable, Equatable {
    public enum Failure: Error, Equatable {
        case tooLong(bytes: Int)
    }

    public static let versions = 1...20

    public let version: Int
    public let mask: Int
    /// Modules per side: 17 + 4 × version.
    public let size: Int
    /// Row by row, true for a dark module.
    public let modules: [[Bool]]

    public func isDark(x: Int, y: Int) -> Bool { modules[y][x] }

    /// The smallest version that holds `text` as UTF-8, with the mask of least penalty.
    public static func encode(_ text: String) throws -> QRCode { try encode(bytes: Array(text.utf8)) }

    public static func encode(bytes: [UInt8], mask forcedMask: Int? = nil) throws -> QRCode {
        guard let version = versions.first(where: { bytes.count <= capacity(version: $0) }) else {
            throw Failure.tooLong(bytes: bytes.count)
        }
        let codewords = interleaved(dataCodewords(bytes, version: version), version: version)
        var grid = Grid(version: version)
        grid.drawFunctionPatterns()
        grid.placeData(codewords)
        let chosen = forcedMask ?? (0..<8).map { ($0, grid.masked($0).penalty) }.min { $0.1 < $1.1 }!.0
        let final = grid.masked(chosen)
        return QRCode(version: version, mask: chosen, size: final.size, modules: final.dark)
    }

    /// How many bytes a version holds at level M in byte mode.
    public static func capacity(version: Int) -> Int {
        let countBits = version <= 9 ? 8 : 16
        return (Self.blockLayout(version).dataCodewords * 8 - 4 - countBits) / 8
    }

    // MARK: - Error correction blocks, level M (ISO/IEC 18004 table 9)

    struct BlockLayout {
        /// Error-correction codewords in every block.
        var ecPerBlock: Int
        /// (number of blocks, data codewords in each), shorter blocks first.
        var groups: [(count: Int, data: Int)]

        var dataCodewords: Int { groups.reduce(0) { $0 + $1.count * $1.data } }
        var blockCount: Int { groups.reduce(0) { $0 + $1.count } }
        var totalCodewords: Int { dataCodewords + blockCount * ecPerBlock }
    }

    static func blockLayout(_ version: Int) -> BlockLayout {
        let table: [Int: (Int, [(Int, Int)])] = [
            1: (10, [(1, 16)]), 2: (16, [(1, 28)]), 3: (26, [(1, 44)]), 4: (18, [(2, 32)]),
            5: (24, [(2, 43)]), 6: (16, [(4, 27)]), 7: (18, [(4, 31)]), 8: (22, [(2, 38), (2, 39)]),
            9: (22, [(3, 36), (2, 37)]), 10: (26, [(4, 43), (1, 44)]), 11: (30, [(1, 50), (4, 51)]),
            12: (22, [(6, 36), (2, 37)]), 13: (22, [(8, 37), (1, 38)]), 14: (24, [(4, 40), (5, 41)]),
            15: (24, [(5, 41), (5, 42)]), 16: (28, [(7, 45), (3, 46)]), 17: (28, [(10, 46), (1, 47)]),
            18: (26, [(9, 43), (4, 44)]), 19: (26, [(3, 44), (11, 45)]), 20: (26, [(3, 41), (13, 42)]),
        ]
        let (ec, groups) = table[version]!
        return BlockLayout(ecPerBlock: ec, groups: groups.map { (count: $0.0, data: $0.1) })
    }

    /// Centres of the alignment patterns along each axis (ISO/IEC 18004 annex E).
    static func alignmentCentres(_ version: Int) -> [Int] {
        let table: [[Int]] = [
            [], [6, 18], [6, 22], [6, 26], [6, 30], [6, 34], [6, 22, 38], [6, 24, 42], [6, 26, 46], [6, 28, 50],
            [6, 30, 54], [6, 32, 58], [6, 34, 62], [6, 26, 46, 66], [6, 26, 48, 70], [6, 26, 50, 74],
            [6, 30, 54, 78], [6, 30, 56, 82], [6, 30, 58, 86], [6, 34, 62, 90],
        ]
        return table[version - 1]
    }

    // MARK: - Data codewords

    /// Mode indicator, character count, the bytes, terminator and padding.
    static func dataCodewords(_ bytes: [UInt8], version: Int) -> [UInt8] {
        let capacityBits = blockLayout(version).dataCodewords * 8
        var bits = BitBuffer()
        bits.append(0b0100, count: 4)   // byte mode
        bits.append(bytes.count, count: version <= 9 ? 8 : 16)
        for byte in bytes { bits.append(Int(byte), count: 8) }
        bits.append(0, count: min(4, capacityBits - bits.count))
        bits.append(0, count: (8 - bits.count % 8) % 8)
        var codewords = bits.bytes
        var pad: UInt8 = 0xEC
        while codewords.count < capacityBits / 8 {
            codewords.append(pad)
            pad = pad == 0xEC ? 0x11 : 0xEC
        }
        return codewords
    }

    /// Splits the data into blocks, adds each block's Reed–Solomon codewords, and interleaves
    /// them: first data codeword of each block, second of each, …, then the same for the
    /// error-correction codewords, so a smudge damages several blocks a little, not one a lot.
    static func interleaved(_ data: [UInt8], version: Int) -> [UInt8] {
        let layout = blockLayout(version)
        var blocks: [[UInt8]] = []
        var start = 0
        for group in layout.groups {
            for _ in 0..<group.count {
                blocks.append(Array(data[start..<start + group.data]))
                start += group.data
            }
        }
        let generator = ReedSolomon.generator(degree: layout.ecPerBlock)
        let corrections = blocks.map { ReedSolomon.remainder($0, generator: generator) }
        var result: [UInt8] = []
        for index in 0..<(blocks.map(\.count).max() ?? 0) {
            for block in blocks where index < block.count { result.append(block[index]) }
        }
        for index in 0..<layout.ecPerBlock {
            for correction in corrections { result.append(correction[index]) }
        }
        return result
    }

    // MARK: - Format and version information

    /// The 15 format bits for level M (indicator 00) and a mask: BCH(15,5) with generator
    /// 0x537, masked with 0x5412 so the bits are never all light.
    public static func formatBits(mask: Int) -> Int {
        let data = (0b00 << 3) | mask
        return ((data << 10) | bchRemainder(data << 10, generator: 0x537)) ^ 0x5412
    }

    /// The 18 version bits: the version and a BCH(18,6) remainder with generator 0x1F25.
    public static func versionBits(_ version: Int) -> Int {
        (version << 12) | bchRemainder(version << 12, generator: 0x1F25)
    }

    /// The remainder of polynomial division over GF(2).
    public static func bchRemainder(_ value: Int, generator: Int) -> Int {
        let degree = generator.bitWidth - generator.leadingZeroBitCount - 1
        var remainder = value
        while remainder.bitWidth - remainder.leadingZeroBitCount - 1 >= degree {
            let shift = (remainder.bitWidth - remainder.leadingZeroBitCount - 1) - degree
            remainder ^= generator << shift
        }
        return remainder
    }
}

// MARK: - The module grid while it is being drawn

extension QRCode {
    struct Grid {
        let version: Int
        let size: Int
        var dark: [[Bool]]
        /// Finder, timing, alignment, format and version modules: never data, never masked.
        var reserved: [[Bool]]

        init(version: Int) {
            self.version = version
            size = 17 + 4 * version
            dark = Array(repeating: Array(repeating: false, count: size), count: size)
            reserved = dark
        }

        mutating func set(_ x: Int, _ y: Int, _ isDark: Bool) {
            dark[y][x] = isDark
            reserved[y][x] = true
        }

        mutating func drawFunctionPatterns() {
            // Timing patterns first: finders and alignments drawn afterwards overwrite their ends.
            for index in 0..<size {
                set(6, index, index % 2 == 0)
                set(index, 6, index % 2 == 0)
            }
            drawFinder(centreX: 3, centreY: 3)
            drawFinder(centreX: size - 4, centreY: 3)
            drawFinder(centreX: 3, centreY: size - 4)
            let centres = QRCode.alignmentCentres(version)
            for cx in centres {
                for cy in centres {
                    let overlapsFinder = (cx == 6 && cy == 6) || (cx == 6 && cy == centres.last!) || (cx == centres.last! && cy == 6)
                    if !overlapsFinder { drawAlignment(centreX: cx, centreY: cy) }
                }
            }
            // Reserve the format areas now (drawn with a mask later) and the always-dark module.
            drawFormat(bits: 0)
            set(8, size - 8, true)
            if version >= 7 { drawVersion() }
        }

        /// A 7 × 7 finder with its one-module light separator, clipped at the edges.
        private mutating func drawFinder(centreX: Int, centreY: Int) {
            for dy in -4...4 {
                for dx in -4...4 {
                    let x = centreX + dx, y = centreY + dy
                    guard (0..<size).contains(x), (0..<size).contains(y) else { continue }
                    let ring = max(abs(dx), abs(dy))
                    set(x, y, ring != 2 && ring != 4)
                }
            }
        }

        private mutating func drawAlignment(centreX: Int, centreY: Int) {
            for dy in -2...2 {
                for dx in -2...2 { set(centreX + dx, centreY + dy, max(abs(dx), abs(dy)) != 1) }
            }
        }

        mutating func drawFormat(bits: Int) {
            func bit(_ index: Int) -> Bool { (bits >> index) & 1 == 1 }
            // Around the top-left finder.
            for index in 0...5 { set(8, index, bit(index)) }
            set(8, 7, bit(6))
            set(8, 8, bit(7))
            set(7, 8, bit(8))
            for index in 9...14 { set(14 - index, 8, bit(index)) }
            // Split between the other two finders.
            for index in 0...7 { set(size - 1 - index, 8, bit(index)) }
            for index in 8...14 { set(8, size - 15 + index, bit(index)) }
        }

        /// Two 6 × 3 blocks beside the top-right and bottom-left finders, versions 7 and up.
        private mutating func drawVersion() {
            let bits = QRCode.versionBits(version)
            for index in 0..<18 {
                let isDark = (bits >> index) & 1 == 1
                let a = size - 11 + index % 3, b = index / 3
                set(a, b, isDark)
                set(b, a, isDark)
            }
        }

        /// Fills the free modules in two-column strips from the bottom-right corner, up and
        /// down in turn, skipping the vertical timing column. Leftover modules stay light.
        mutating func placeData(_ codewords: [UInt8]) {
            let totalBits = codewords.count * 8
            var next = 0
            var right = size - 1
            while right >= 1 {
                if right == 6 { right = 5 }
                let upward = (right + 1) & 2 == 0
                for step in 0..<size {
                    let y = upward ? size - 1 - step : step
                    for x in [right, right - 1] where !reserved[y][x] {
                        if next < totalBits {
                            dark[y][x] = (codewords[next / 8] >> (7 - next % 8)) & 1 == 1
                            next += 1
                        }
                    }
                }
                right -= 2
            }
        }

        static func maskApplies(_ mask: Int, x: Int, y: Int) -> Bool {
            switch mask {
            case 0: (y + x) % 2 == 0
            case 1: y % 2 == 0
            case 2: x % 3 == 0
            case 3: (y + x) % 3 == 0
            case 4: (y / 2 + x / 3) % 2 == 0
            case 5: (y * x) % 2 + (y * x) % 3 == 0
            case 6: ((y * x) % 2 + (y * x) % 3) % 2 == 0
            default: ((y + x) % 2 + (y * x) % 3) % 2 == 0
            }
        }

        /// A copy with the data modules masked and the format bits for that mask written.
        func masked(_ mask: Int) -> Grid {
            var copy = self
            for y in 0..<size {
                for x in 0..<size where !reserved[y][x] && Self.maskApplies(mask, x: x, y: y) {
                    copy.dark[y][x].toggle()
                }
            }
            copy.drawFormat(bits: QRCode.formatBits(mask: mask))
            return copy
        }

        /// The spec's four penalty rules; the mask with the lowest total is used.
        var penalty: Int {
            var total = 0
            let columns = (0..<size).map { x in (0..<size).map { y in dark[y][x] } }
            for line in dark + columns {
                // Rule 1: runs of five or more of one colour.
                var run = 1
                for index in 1..<size {
                    if line[index] == line[index - 1] {
                        run += 1
                    } else {
                        if run >= 5 { total += run - 2 }
                        run = 1
                    }
                }
                if run >= 5 { total += run - 2 }
                // Rule 3: a finder-like 1:1:3:1:1 with four light modules on one side; the quiet zone counts as light.
                let padded = [Bool](repeating: false, count: 4) + line + [Bool](repeating: false, count: 4)
                let finderLike: [Bool] = [true, false, true, true, true, false, true]
                let light4 = [Bool](repeating: false, count: 4)
                for start in 0...(padded.count - 11) {
                    let window = Array(padded[start..<start + 11])
                    if window == light4 + finderLike || window == finderLike + light4 { total += 40 }
                }
            }
            // Rule 2: each 2 × 2 block of one colour.
            for y in 0..<(size - 1) {
                for x in 0..<(size - 1) {
                    let colour = dark[y][x]
                    if dark[y][x + 1] == colour && dark[y + 1][x] == colour && dark[y + 1][x + 1] == colour { total += 3 }
                }
            }
            // Rule 4: 10 points for every whole 5 % the dark share is away from half.
            let darkCount = dark.reduce(0) { $0 + $1.filter { $0 }.count }
            let percent = darkCount * 100 / (size * size)
            total += abs(percent - 50) / 5 * 10
            return total
        }
    }
}

// MARK: - Reed–Solomon over GF(256) with the QR polynomial x⁸ + x⁴ + x³ + x² + 1

enum ReedSolomon {
    /// Multiplies in GF(256) by shift-and-add, reducing by 0x11D.
    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        var result: UInt8 = 0
        var a = a, b = b
        while b != 0 {
            if b & 1 == 1 { result ^= a }
            let carry = a & 0x80 != 0
            a <<= 1
            if carry { a ^= 0x1D }
            b >>= 1
        }
        return result
    }

    /// The generator polynomial (x − α⁰)(x − α¹)…(x − αⁿ⁻¹), highest power first, leading 1 left out.
    static func generator(degree: Int) -> [UInt8] {
        var coefficients = [UInt8](repeating: 0, count: degree)
        coefficients[degree - 1] = 1
        var root: UInt8 = 1
        for _ in 0..<degree {
            // Multiply by (x − root); subtraction is addition in GF(2⁸).
            for index in 0..<degree {
                coefficients[index] = multiply(coefficients[index], root)
                if index + 1 < degree { coefficients[index] ^= coefficients[index + 1] }
            }
            root = multiply(root, 2)
        }
        return coefficients
    }

    /// The error-correction codewords: the data times xⁿ, modulo the generator.
    static func remainder(_ data: [UInt8], generator: [UInt8]) -> [UInt8] {
        var remainder = [UInt8](repeating: 0, count: generator.count)
        for byte in data {
            let factor = byte ^ remainder.removeFirst()
            remainder.append(0)
            for index in 0..<generator.count { remainder[index] ^= multiply(generator[index], factor) }
        }
        return remainder
    }
}

struct BitBuffer {
    private(set) var bits: [Bool] = []
    var count: Int { bits.count }

    mutating func append(_ value: Int, count: Int) {
        for index in stride(from: count - 1, through: 0, by: -1) { bits.append((value >> index) & 1 == 1) }
    }

    var bytes: [UInt8] {
        stride(from: 0, to: bits.count, by: 8).map { start in
            bits[start..<min(start + 8, bits.count)].enumerated().reduce(UInt8(0)) { $0 | ($1.element ? 0x80 >> UInt8($1.offset) : 0) }
        }
    }
}

// MARK: - Drawing

extension QRCode {
    /// An inline SVG: one path of dark runs on a light square with a quiet zone of four
    /// modules, `role="img"` and the caller's accessible name. No `style` attributes, so a
    /// strict Content-Security-Policy allows it; size it with CSS through `className`.
    public func svg(label: String, className: String? = nil) -> String {
        let quiet = 4
        let side = size + 2 * quiet
        var path = ""
        for y in 0..<size {
            var x = 0
            while x < size {
                guard modules[y][x] else { x += 1; continue }
                var run = 1
                while x + run < size && modules[y][x + run] { run += 1 }
                path += "M\(x + quiet) \(y + quiet)h\(run)v1h-\(run)z"
                x += run
            }
        }
        let classAttribute = className.map { #" class="\#(Self.xmlEscaped($0))""# } ?? ""
        return #"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \#(side) \#(side)"\#(classAttribute) role="img" aria-label="\#(Self.xmlEscaped(label))" shape-rendering="crispEdges">"#
            + ##"<rect width="\##(side)" height="\##(side)" fill="#fff"/><path d="\##(path)" fill="#000"/></svg>"##
    }

    static func xmlEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
