import Foundation

/// The proxies whose word about the client (`X-Forwarded-For`, `X-Forwarded-Proto`) Synlig
/// believes. Anything else in front of Synlig is the client itself, whatever headers it sends.
public struct TrustedProxies: Sendable, Equatable {
    public var networks: [IPNetwork]

    public init(_ networks: [IPNetwork] = []) {
        self.networks = networks
    }

    /// Nobody: the peer of the connection is the client.
    public static let none = TrustedProxies()

    /// A proxy on the same machine (`SYNLIG_TRUST_PROXY=1`, kept for installations that set it).
    public static let loopback = TrustedProxies([
        IPNetwork(network: IPAddress(masking: [127, 0, 0, 0]), prefixLength: 8),
        IPNetwork(network: IPAddress(masking: Array(repeating: 0, count: 15) + [1]), prefixLength: 128),
    ])

    /// Why a configured list was refused: every bad entry, so an operator fixes them in one go.
    public struct ConfigurationError: Error, Equatable, CustomStringConvertible {
        public var variable: String
        public var problems: [IPNetwork.ParseError]
        public var description: String {
            "\(variable): " + problems.map(\.description).joined(separator: "; ")
        }
    }

    /// Reads a comma- or space-separated list such as `127.0.0.1/32, 10.0.0.0/8, ::1/128`.
    public init(parsing list: String, variable: String = "SYNLIG_TRUSTED_PROXIES") throws(ConfigurationError) {
        var networks: [IPNetwork] = [], problems: [IPNetwork.ParseError] = []
        for entry in list.split(whereSeparator: { $0 == "," || $0.isWhitespace }) {
            do throws(IPNetwork.ParseError) {
                networks.append(try IPNetwork(parsing: String(entry)))
            } catch {
                problems.append(error)
            }
        }
        guard problems.isEmpty else { throw ConfigurationError(variable: variable, problems: problems) }
        self.networks = networks
    }

    public var isEmpty: Bool { networks.isEmpty }

    public func union(_ other: TrustedProxies) -> TrustedProxies {
        TrustedProxies(networks + other.networks.filter { !networks.contains($0) })
    }

    /// True when `address` (the connection's peer) is one of the trusted proxies.
    public func trusts(_ address: String?) -> Bool {
        guard let address, let parsed = IPAddress(address) else { return false }
        return trusts(parsed)
    }

    public func trusts(_ address: IPAddress) -> Bool {
        networks.contains { $0.contains(address) }
    }

    /// The client's address. Walks from the connection's peer leftwards through the
    /// `X-Forwarded-For` entries while each hop is a trusted proxy; the first untrusted one is
    /// the client. The entries left of it were written by the client or its own proxies and
    /// are never believed, so a client that sends a made-up header through a proxy that appends
    /// to it cannot choose its address. A peer that is not trusted is the client: its header is
    /// ignored. `forwardedFor` holds the header's values in order (it may be sent more than once).
    public func clientAddress(peer: String?, forwardedFor: [String]) -> String? {
        guard let peer else { return nil }
        guard let peerAddress = IPAddress(peer) else { return peer }
        var current = peerAddress
        guard trusts(current) else { return current.description }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }
        for hop in hops.reversed() {
            // A hop that is no address ("unknown", a typo) cannot be checked; the last address
            // a trusted proxy vouched for is the best that is known.
            guard let address = Self.forwardedAddress(hop) else { return current.description }
            current = address
            if !trusts(address) { return address.description }
        }
        // Every hop is a trusted proxy: the request began inside the trusted network.
        return current.description
    }

    /// One `X-Forwarded-For` entry: an address, perhaps with a port (`192.0.2.1:5000`,
    /// `[2001:db8::1]:5000`), as some proxies write it.
    static func forwardedAddress(_ entry: Substring) -> IPAddress? {
        var text = entry.trimmingCharacters(in: .whitespaces)[...]
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            text = text[text.index(after: text.startIndex)..<close]
        } else if text.contains("."), let colon = text.firstIndex(of: ":"), text.filter({ $0 == ":" }).count == 1 {
            text = text[..<colon]
        }
        return IPAddress(text)
    }
}
