import Foundation

/// An IPv4 or IPv6 address as its bytes. Parsed in Swift rather than with `inet_pton` so the
/// rules (no leading zeros in IPv4, no zone ids) are the same on every platform and are tested.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// Four bytes for IPv4, sixteen for IPv6. An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`,
    /// what a dual-stack socket reports for an IPv4 peer) is kept as IPv4, so it matches IPv4
    /// rules and counts as the same client.
    public let bytes: [UInt8]

    public var isIPv4: Bool { bytes.count == 4 }
    /// 32 or 128.
    public var bitCount: Int { bytes.count * 8 }

    /// Bytes already in canonical form (a network mask applied to a parsed address).
    init(masking bytes: [UInt8]) {
        self.bytes = bytes
    }

    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        if bytes.count == 16, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
            self.bytes = Array(bytes[12...])
        } else {
            self.bytes = bytes
        }
    }

    /// Parses `192.0.2.1`, `2001:db8::1` or `::ffff:192.0.2.1`; nil for anything else.
    public init?(_ text: some StringProtocol) {
        let text = Substring(text)
        if text.contains(":") {
            guard let bytes = Self.parseIPv6(text) else { return nil }
            self.init(bytes: bytes)
        } else {
            guard let bytes = Self.parseIPv4(text) else { return nil }
            self.init(bytes: bytes)
        }
    }

    /// The canonical text: dotted IPv4, or IPv6 in RFC 5952's form (lower case, the longest run
    /// of zero groups as `::`). Two spellings of one address give one text, so a client cannot
    /// dodge a per-address count by writing its address differently.
    public var description: String {
        if isIPv4 { return bytes.map { String($0) }.joined(separator: ".") }
        let groups = stride(from: 0, to: 16, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
        var bestStart = -1, bestLength = 0, start = -1
        for index in 0...groups.count {
            if index < groups.count, groups[index] == 0 {
                if start < 0 { start = index }
            } else if start >= 0 {
                if index - start > bestLength { bestStart = start; bestLength = index - start }
                start = -1
            }
        }
        let hex = groups.map { String($0, radix: 16) }
        guard bestLength >= 2 else { return hex.joined(separator: ":") }
        let head = hex[..<bestStart].joined(separator: ":")
        let tail = hex[(bestStart + bestLength)...].joined(separator: ":")
        return head + "::" + tail
    }

    /// What a per-address limit counts: the address itself for IPv4, its /64 for IPv6. One
    /// host may use any interface id in its /64 (privacy addresses change by themselves), so
    /// counting single IPv6 addresses would let one client step around the limit.
    public var throttleBlock: String {
        isIPv4 ? description : IPNetwork(network: self, prefixLength: 64).description
    }

    /// `throttleBlock` of an address text; a text that is no address is counted as it is.
    public static func throttleBlock(of text: String) -> String {
        IPAddress(text)?.throttleBlock ?? text
    }

    private static func parseIPv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            // A leading zero reads as octal to some parsers (`010` = 8); refuse the ambiguity.
            guard (1...3).contains(part.count), part.allSatisfy({ $0.isASCII && $0.isNumber }),
                  part == "0" || part.first != "0", let value = UInt8(part) else { return nil }
            bytes.append(value)
        }
        return bytes
    }

    private static func parseIPv6(_ text: Substring) -> [UInt8]? {
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt8]? {
            if part.isEmpty { return [] }
            var bytes: [UInt8] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if index == pieces.count - 1, piece.contains(".") {
                    guard let v4 = parseIPv4(piece) else { return nil }
                    bytes += v4
                } else {
                    guard (1...4).contains(piece.count), piece.allSatisfy(\.isHexDigit), let value = UInt16(piece, radix: 16) else { return nil }
                    bytes += [UInt8(value >> 8), UInt8(value & 0xFF)]
                }
            }
            return bytes
        }
        guard let head = groups(halves[0]) else { return nil }
        if halves.count == 1 {
            return head.count == 16 ? head : nil
        }
        // An embedded IPv4 address may only end the address.
        guard !halves[0].contains("."), let tail = groups(halves[1]), head.count + tail.count <= 14 else { return nil }
        return head + Array(repeating: 0, count: 16 - head.count - tail.count) + tail
    }
}

/// A block of addresses in CIDR notation (`10.0.0.0/8`, `fd00::/8`); a bare address is a block of one.
public struct IPNetwork: Sendable, Hashable, CustomStringConvertible {
    public let address: IPAddress
    public let prefixLength: Int

    /// Why a configured entry was refused, in words an operator can act on.
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public var entry: String
        public var reason: String
        public var description: String { "\"\(entry)\" \(reason)" }
    }

    /// A block known to be well formed (the built-in loopback list).
    init(network: IPAddress, prefixLength: Int) {
        self.address = Self.masked(network, prefixLength)
        self.prefixLength = prefixLength
    }

    public init(parsing text: String) throws(ParseError) {
        let entry = text.trimmingCharacters(in: .whitespaces)
        let pieces = entry.split(separator: "/", omittingEmptySubsequences: false)
        guard pieces.count <= 2, let address = IPAddress(pieces[0]) else {
            throw ParseError(entry: entry, reason: "is not an IPv4 or IPv6 address or a CIDR block such as 10.0.0.0/8 or fd00::/8")
        }
        let writtenAsIPv6 = pieces[0].contains(":")
        let writtenBits = writtenAsIPv6 ? 128 : 32
        var prefix = writtenBits
        if pieces.count == 2 {
            guard let length = Int(pieces[1]), pieces[1].allSatisfy(\.isNumber), (0...writtenBits).contains(length) else {
                throw ParseError(entry: entry, reason: "has a prefix length that is not a number from 0 to \(writtenBits)")
            }
            prefix = length
        }
        if writtenAsIPv6, address.isIPv4 {
            // ::ffff:a.b.c.d/n is the IPv4 block a.b.c.d/(n-96).
            guard prefix >= 96 else {
                throw ParseError(entry: entry, reason: "covers more than the IPv4-mapped addresses; write the prefix as 96 or more")
            }
            prefix -= 96
        }
        let network = Self.masked(address, prefix)
        guard network == address else {
            throw ParseError(entry: entry, reason: "has address bits set beyond its prefix; did you mean \(network)/\(prefix)?")
        }
        self.address = network
        self.prefixLength = prefix
    }

    public func contains(_ candidate: IPAddress) -> Bool {
        candidate.bytes.count == address.bytes.count && Self.masked(candidate, prefixLength) == address
    }

    public var description: String { "\(address)/\(prefixLength)" }

    private static func masked(_ address: IPAddress, _ prefix: Int) -> IPAddress {
        var bytes = address.bytes
        for index in bytes.indices {
            let keep = min(max(prefix - index * 8, 0), 8)
            bytes[index] &= keep == 8 ? 0xFF : ~(UInt8(0xFF) >> keep)
        }
        return IPAddress(masking: bytes)
    }
}
