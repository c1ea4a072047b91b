import Testing
@testable import SynligCore

@Suite("IP addresses and CIDR blocks")
struct IPAddressTests {
    @Test(arguments: [
        ("192.0.2.1", "192.0.2.1"), ("0.0.0.0", "0.0.0.0"), ("255.255.255.255", "255.255.255.255"),
        ("::1", "::1"), ("::", "::"), ("2001:DB8::1", "2001:db8::1"), ("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"), ("fe80::1:2", "fe80::1:2"), ("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"),
        ("2001:db8:1:1:1:1:1:1", "2001:db8:1:1:1:1:1:1"),
        // What a dual-stack socket reports for an IPv4 peer is that IPv4 address.
        ("::ffff:127.0.0.1", "127.0.0.1"), ("::FFFF:7f00:1", "127.0.0.1"), ("0:0:0:0:0:ffff:10.1.2.3", "10.1.2.3"),
    ])
    func parsesToCanonicalText(text: String, canonical: String) throws {
        #expect(try #require(IPAddress(text)).description == canonical)
    }

    @Test(arguments: [
        "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.-4", "1.2.3.4 ", "a.b.c.d", "１.2.3.4",
        ":", ":::", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::", "g::1", "fe80::1%eth0",
        "1.2.3.4::", "::1.2.3", "[::1]", "unknown",
    ])
    func refusesWhatIsNoAddress(text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test func throttleCountsIPv4AddressesAndIPv6Networks() {
        #expect(IPAddress.throttleBlock(of: "192.0.2.7") == "192.0.2.7")
        #expect(IPAddress.throttleBlock(of: "::ffff:192.0.2.7") == "192.0.2.7")
        #expect(IPAddress.throttleBlock(of: "2001:db8:1:2:aaaa:bbbb:cccc:dddd") == "2001:db8:1:2::/64")
        #expect(IPAddress.throttleBlock(of: "2001:db8:1:2::1") == IPAddress.throttleBlock(of: "2001:DB8:1:2:ffff::"))
        #expect(IPAddress.throttleBlock(of: "2001:db8:1:3::1") != IPAddress.throttleBlock(of: "2001:db8:1:2::1"))
        #expect(IPAddress.throttleBlock(of: "unknown") == "unknown")
    }

    @Test func blocksContainTheirAddressesOnly() throws {
        let ten = try IPNetwork(parsing: "10.0.0.0/8")
        #expect(ten.contains(IPAddress("10.255.1.2")!))
        #expect(!ten.contains(IPAddress("11.0.0.0")!))
        #expect(ten.contains(IPAddress("::ffff:10.0.0.7")!))
        #expect(!ten.contains(IPAddress("::a00:7")!), "an IPv6 address is never inside an IPv4 block")

        let odd = try IPNetwork(parsing: "192.0.2.96/27")
        #expect(odd.contains(IPAddress("192.0.2.127")!))
        #expect(!odd.contains(IPAddress("192.0.2.128")!))
        #expect(!odd.contains(IPAddress("192.0.2.95")!))

        let six = try IPNetwork(parsing: "2001:db8:abcd::/48")
        #expect(six.contains(IPAddress("2001:db8:abcd:ffff::1")!))
        #expect(!six.contains(IPAddress("2001:db8:abce::1")!))

        let host = try IPNetwork(parsing: "::1")
        #expect(host.prefixLength == 128)
        #expect(host.contains(IPAddress("0:0:0:0:0:0:0:1")!))
        #expect(try IPNetwork(parsing: "0.0.0.0/0").contains(IPAddress("203.0.113.9")!))
        #expect(try IPNetwork(parsing: "::ffff:10.0.0.0/104") == IPNetwork(parsing: "10.0.0.0/8"))
    }

    @Test(arguments: [
        ("10.0.0.0/33", "prefix length"), ("::/129", "prefix length"), ("10.0.0.0/", "prefix length"),
        ("10.0.0.0/+8", "prefix length"), ("10.0.0.0/8/8", "CIDR block"), ("10.0.0/8", "CIDR block"),
        ("localhost", "CIDR block"), ("10.0.0.1/8", "did you mean 10.0.0.0/8?"), ("2001:db8::1/32", "did you mean 2001:db8::/32?"),
        ("::ffff:10.0.0.0/64", "IPv4-mapped"),
    ])
    func malformedBlocksSayWhy(entry: String, reason: String) {
        #expect {
            try IPNetwork(parsing: entry)
        } throws: { error in
            "\(error)".contains(reason) && "\(error)".contains(entry)
        }
    }
}

@Suite("Trusted proxies and the client's address")
struct TrustedProxiesTests {
    let proxies = try! TrustedProxies(parsing: "127.0.0.1/32, 10.0.0.0/8 ::1/128")

    @Test func aListParsesAndEveryBadEntryIsNamed() throws {
        #expect(proxies.networks.map(\.description) == ["127.0.0.1/32", "10.0.0.0/8", "::1/128"])
        #expect(try TrustedProxies(parsing: "").isEmpty)
        #expect(try TrustedProxies(parsing: " , ").isEmpty)
        #expect {
            try TrustedProxies(parsing: "10.0.0.0/8,10.0.0.0/40,proxy.local")
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("SYNLIG_TRUSTED_PROXIES: ") && text.contains("10.0.0.0/40") && text.contains("proxy.local")
                && !text.contains("\"10.0.0.0/8\"")
        }
    }

    @Test func withoutTrustedProxiesThePeerIsTheClient() {
        #expect(TrustedProxies.none.clientAddress(peer: "203.0.113.7", forwardedFor: ["198.51.100.1"]) == "203.0.113.7")
        #expect(TrustedProxies.none.clientAddress(peer: nil, forwardedFor: ["198.51.100.1"]) == nil)
        #expect(!TrustedProxies.none.trusts("127.0.0.1"))
    }

    @Test func anUntrustedPeerCannotForgeItsAddress() {
        #expect(proxies.clientAddress(peer: "203.0.113.7", forwardedFor: ["10.0.0.1"]) == "203.0.113.7")
        #expect(proxies.clientAddress(peer: "203.0.113.7", forwardedFor: ["198.51.100.1, 127.0.0.1"]) == "203.0.113.7")
        #expect(proxies.clientAddress(peer: "::ffff:203.0.113.7", forwardedFor: []) == "203.0.113.7")
    }

    @Test func throughATrustedProxyTheRightMostUntrustedEntryIsTheClient() {
        #expect(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: ["198.51.100.1"]) == "198.51.100.1")
        #expect(proxies.clientAddress(peer: "10.0.0.5", forwardedFor: ["198.51.100.1, 10.0.0.9"]) == "198.51.100.1")
        #expect(proxies.clientAddress(peer: "::1", forwardedFor: ["2001:DB8:0::7"]) == "2001:db8::7")
        // Sent as two header lines, in order.
        #expect(proxies.clientAddress(peer: "10.0.0.5", forwardedFor: ["198.51.100.1", "10.0.0.9"]) == "198.51.100.1")
        // Ports and brackets, as some proxies write them.
        #expect(proxies.clientAddress(peer: "10.0.0.5", forwardedFor: ["198.51.100.1:5000"]) == "198.51.100.1")
        #expect(proxies.clientAddress(peer: "10.0.0.5", forwardedFor: ["[2001:db8::7]:5000"]) == "2001:db8::7")
    }

    @Test func aClientPrependingAFakeEntryThroughAnAppendingProxyCannotChooseItsAddress() {
        // The client sent "X-Forwarded-For: 10.0.0.2, 192.0.2.50"; the proxy appended the peer it saw.
        let header = ["10.0.0.2, 192.0.2.50, 198.51.100.23"]
        #expect(proxies.clientAddress(peer: "10.0.0.5", forwardedFor: header) == "198.51.100.23")
    }

    @Test func whatCannotBeReadFallsBackToTheLastVouchedAddress() {
        #expect(proxies.clientAddress(peer: "10.0.0.5", forwardedFor: ["unknown"]) == "10.0.0.5")
        #expect(proxies.clientAddress(peer: "10.0.0.5", forwardedFor: ["198.51.100.1, garbage, 10.0.0.9"]) == "10.0.0.9")
        #expect(proxies.clientAddress(peer: "10.0.0.5", forwardedFor: []) == "10.0.0.5")
        #expect(proxies.clientAddress(peer: "10.0.0.5", forwardedFor: ["10.0.0.7, 10.0.0.6"]) == "10.0.0.7")
    }

    @Test func loopbackIsWhatTheOldSwitchTrusted() {
        #expect(TrustedProxies.loopback.trusts("127.0.0.1"))
        #expect(TrustedProxies.loopback.trusts("127.1.2.3"))
        #expect(TrustedProxies.loopback.trusts("::1"))
        #expect(TrustedProxies.loopback.trusts("::ffff:127.0.0.1"))
        #expect(!TrustedProxies.loopback.trusts("10.0.0.1"))
        #expect(!TrustedProxies.loopback.trusts("not an address"))
        #expect(TrustedProxies.loopback.union(proxies).networks.count == 4)
    }
}
