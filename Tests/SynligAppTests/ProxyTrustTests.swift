import Fluent
import SynligCore
import Testing
import Vapor
@testable import SynligApp

/// Synlig behind nginx: the proxies at 10.0.0.0/8 are trusted, nobody else is.
@Suite("The client's address behind proxies")
struct ProxyTrustTests {
    static func proxies(_ config: inout AppConfig) {
        config.trustedProxies = try! TrustedProxies(parsing: "10.0.0.0/8")
    }

    static let limit = LoginThrottlePolicy.perAddress.maxFailures

    /// A wrong password for an account nobody has, so only the per-address count grows.
    @discardableResult
    func guess(_ app: Application, from peer: String, forwardedFor: String? = nil) async throws -> HTTPStatus {
        try await signIn(app, from: peer, forwardedFor: forwardedFor, email: "guess-\(UUID().uuidString.prefix(8))@test.se",
                         password: "wrong password 123")
    }

    func signIn(_ app: Application, from peer: String, forwardedFor: String? = nil,
                email: String = "anna@test.se", password: String = testPassword) async throws -> HTTPStatus {
        var headers: HTTPHeaders = ["Content-Type": "application/json"]
        if let forwardedFor { headers.add(name: .xForwardedFor, value: forwardedFor) }
        return try await send(app, from: peer, .POST, "/api/v1/auth/token", headers: headers,
                              body: json(["email": email, "password": password])).status
    }

    func failures(_ app: Application, address: String) async throws -> Int {
        try await LoginAttempt.query(on: app.db).filter(\.$keyHash == SignInService.throttleKey(address: address)).count()
    }

    @Test("A forged X-Forwarded-For from a peer that is no trusted proxy changes nothing: the throttle counts the real peer")
    func forgedHeaderFromUntrustedPeer() async throws {
        try await withSynlig(adjust: Self.proxies) { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "anna@test.se", roles: [.staff])
            for index in 0..<Self.limit {
                #expect(try await guess(app, from: "203.0.113.7", forwardedFor: "198.51.100.\(index)") == .unauthorized)
            }
            #expect(try await failures(app, address: "203.0.113.7") == Self.limit)
            #expect(try await failures(app, address: "198.51.100.1") == 0)
            // A fresh forged address does not get the guesser out of its lock …
            #expect(try await signIn(app, from: "203.0.113.7", forwardedFor: "198.51.100.200") == .tooManyRequests)
            // … and someone else, at their own address, is not locked out with it.
            #expect(try await signIn(app, from: "203.0.113.8") == .created)
        }
    }

    @Test("Without any trusted proxy the header is ignored as well")
    func noTrustedProxies() async throws {
        try await withSynlig { app in
            try await guess(app, from: "10.0.0.5", forwardedFor: "198.51.100.23")
            #expect(try await failures(app, address: "10.0.0.5") == 1)
            #expect(try await failures(app, address: "198.51.100.23") == 0)
        }
    }

    @Test("Through a trusted proxy the right-most entry that is no trusted proxy is the client, so one user's guesses lock only them")
    func rightMostUntrustedEntry() async throws {
        try await withSynlig(adjust: Self.proxies) { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "anna@test.se", roles: [.staff])
            // Two proxies: the outer one at 10.0.0.9 appended the client, the inner one itself.
            try await guess(app, from: "10.0.0.5", forwardedFor: "198.51.100.23, 10.0.0.9")
            #expect(try await failures(app, address: "198.51.100.23") == 1)
            #expect(try await failures(app, address: "10.0.0.5") == 0)
            #expect(try await failures(app, address: "10.0.0.9") == 0)
            for _ in 1..<Self.limit {
                try await guess(app, from: "10.0.0.5", forwardedFor: "198.51.100.23")
            }
            #expect(try await signIn(app, from: "10.0.0.5", forwardedFor: "198.51.100.23") == .tooManyRequests)
            // Everyone else behind the same proxy still signs in: no municipality-wide lock-out.
            #expect(try await signIn(app, from: "10.0.0.5", forwardedFor: "198.51.100.24") == .created)
        }
    }

    @Test("An IPv6 client counts by its /64: stepping through its own network's addresses does not dodge the lock")
    func ipv6ClientCountsByItsNetwork() async throws {
        try await withSynlig(adjust: Self.proxies) { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "anna@test.se", roles: [.staff])
            for index in 0..<Self.limit {
                #expect(try await guess(app, from: "10.0.0.5", forwardedFor: "2001:db8:1:2::\(String(index + 1, radix: 16))") == .unauthorized)
            }
            #expect(try await failures(app, address: "2001:db8:1:2:ffff::1") == Self.limit)
            #expect(try await signIn(app, from: "10.0.0.5", forwardedFor: "2001:db8:1:2:abcd::99") == .tooManyRequests)
            // A neighbouring network is another client.
            #expect(try await signIn(app, from: "10.0.0.5", forwardedFor: "2001:db8:1:3::1") == .created)
        }
    }

    @Test("A client prepending a made-up entry through a proxy that appends cannot choose its address")
    func prependedEntryThroughAppendingProxy() async throws {
        try await withSynlig(adjust: Self.proxies) { app in
            let organisation = try await makeOrganisation(app)
            try await makeUser(app, in: organisation, email: "anna@test.se", roles: [.staff])
            // The client at 198.51.100.23 sends "X-Forwarded-For: <made up>"; nginx with
            // $proxy_add_x_forwarded_for appends the address it saw.
            for index in 0..<Self.limit {
                #expect(try await guess(app, from: "10.0.0.5", forwardedFor: "192.0.2.\(index), 10.0.0.\(index + 1), 198.51.100.23") == .unauthorized)
            }
            #expect(try await failures(app, address: "198.51.100.23") == Self.limit)
            #expect(try await failures(app, address: "192.0.2.1") == 0)
            #expect(try await signIn(app, from: "10.0.0.5", forwardedFor: "192.0.2.200, 198.51.100.23") == .tooManyRequests)
        }
    }

    @Test("A proxy list that cannot be read stops the start with a message naming the entry")
    func malformedConfiguration() throws {
        #expect {
            try AppConfig.fromEnvironment(demoMode: false, environment: ["SYNLIG_TRUSTED_PROXIES": "10.0.0.0/8,10.0.0.1/40"])
        } throws: { error in
            let text = "\(error)"
            return error is AppConfig.Invalid && text.contains("SYNLIG_TRUSTED_PROXIES") && text.contains("10.0.0.1/40")
        }
        #expect(throws: AppConfig.Invalid.self) {
            try AppConfig.fromEnvironment(demoMode: false, environment: ["SYNLIG_TRUST_PROXY": "nginx"])
        }
        // The older switch still means "a proxy on this machine".
        let legacy = try AppConfig.fromEnvironment(demoMode: false, environment: ["SYNLIG_TRUST_PROXY": "1"])
        #expect(legacy.trustedProxies.trusts("127.0.0.1") && legacy.trustedProxies.trusts("::1"))
        #expect(!legacy.trustedProxies.trusts("10.0.0.5"))
        let both = try AppConfig.fromEnvironment(demoMode: false, environment: ["SYNLIG_TRUST_PROXY": "1", "SYNLIG_TRUSTED_PROXIES": "10.0.0.0/8"])
        #expect(both.trustedProxies.trusts("10.0.0.5") && both.trustedProxies.trusts("127.0.0.1"))
        #expect(try AppConfig.fromEnvironment(demoMode: false, environment: [:]).trustedProxies.isEmpty)
    }
}
