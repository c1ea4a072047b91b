import Foundation

/// What an attacker, a careless paste or a broken client types into a text field. Each input is
/// either to be kept as typed (stored, shown escaped, exported neutralised) or refused with a 4xx.
struct HostileInput: Sendable {
    enum Expectation: Sendable { case accepted, refused }

    let name: String
    let value: String
    let expectation: Expectation

    /// Valid Swedish text, which must come back exactly as typed.
    static let swedish = HostileInput(name: "Swedish name", value: "Åsa Öberg-Ärlig d'Été", expectation: .accepted)

    /// Markup that must never run: Chromium (e2e 40) and the HTML checks look for these.
    static let script = HostileInput(name: "script tag", value: "<script>alert(1)</script>", expectation: .accepted)
    static let attributeBreaker = HostileInput(name: "attribute breaker", value: #""><img src=x onerror=alert(1)>"#, expectation: .accepted)

    static let all: [HostileInput] = [
        swedish, script, attributeBreaker,
        HostileInput(name: "SQL fragment", value: "'; DROP TABLE caregivers; --", expectation: .accepted),
        HostileInput(name: "SQL tautology", value: "' OR '1'='1", expectation: .accepted),
        HostileInput(name: "emoji", value: "Anna 👩‍👩‍👧 Berg 🎉", expectation: .accepted),
        HostileInput(name: "formula HYPERLINK", value: #"=HYPERLINK("https://example.com","klicka")"#, expectation: .accepted),
        HostileInput(name: "formula plus", value: "+46 cmd|' /C calc'!A0", expectation: .accepted),
        HostileInput(name: "formula minus", value: "-2+3+cmd|' /C calc'!A0", expectation: .accepted),
        HostileInput(name: "formula at", value: "@SUM(1+1)*cmd|' /C calc'!A0", expectation: .accepted),
        HostileInput(name: "100 KB string", value: String(repeating: "a", count: 100_000), expectation: .refused),
        HostileInput(name: "combining-mark flood", value: "x" + String(repeating: "\u{0301}", count: 100_000), expectation: .refused),
        HostileInput(name: "NUL", value: "Anna\u{0000}Berg", expectation: .refused),
        HostileInput(name: "escape sequence", value: "Anna\u{001B}[31mBerg", expectation: .refused),
        HostileInput(name: "C1 control", value: "Anna\u{0085}Berg", expectation: .refused),
        HostileInput(name: "right-to-left override", value: "Anna \u{202E}greB", expectation: .refused),
        HostileInput(name: "bidi isolate", value: "\u{2067}Anna\u{2069} Berg", expectation: .refused),
    ]

    static var accepted: [HostileInput] { all.filter { $0.expectation == .accepted } }
    static var refused: [HostileInput] { all.filter { $0.expectation == .refused } }
    /// Control characters and bidi controls: refused in every text, whatever its length limit.
    static var alwaysRefused: [HostileInput] { refused.filter { !floods.map(\.name).contains($0.name) } }
    /// Text too long for any field, in bytes or in code points; refused where a field has a limit.
    static var floods: [HostileInput] { all.filter { $0.name == "100 KB string" || $0.name == "combining-mark flood" } }

    /// Where the suite's figures go: `$SYNLIG_ASSURANCE_OUT/hostile-input.json`, one part per test.
    static let figuresFile = "hostile-input"

    /// Markup that, found unescaped in a page, means an injected element.
    static let injectedMarkup = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"]

    /// Long and odd URLs: none may answer 5xx, and none may reach a file outside `Public/`.
    static let oddPaths: [String] = [
        "/" + String(repeating: "a", count: 256),
        "/" + String(repeating: "a", count: 5_000),
        "/api/v1/caregivers/" + String(repeating: "a", count: 4_100),
        "/css/" + String(repeating: "b", count: 300) + ".css",
        "/caregivers/" + String(repeating: "c", count: 1_000),
        "/stod/" + String(repeating: "9", count: 2_000),
        "/css/synlig.css%00.html", "/css/synlig.css%00", "/%00", "/favicon.svg%00.html",
        "/..%2f..%2f..%2fetc%2fpasswd", "/css/..%2f..%2fPackage.swift", "/css/%2e%2e/%2e%2e/Package.swift",
        "/..%252f..%252fetc%252fpasswd", "/css/%252e%252e/Package.swift", "/%25%30%30",
        "/css/synlig.css.", "/css/synlig.css..", "/css/synlig.css%20", "/favicon.svg.",
        "/caregivers/%E2%80%AE", "/stod/%F0%9F%98%80", "/%C0%AF", "/%ZZ", "/%", "/api/v1/%00",
        "/api/v1/caregivers/%00", "/api/v1/caregivers/..%2f..%2fme", "/caregivers/%0d%0aSet-Cookie:%20x=y",
        "/%E5%A4%A9%E5%9F%8E", "/" + String(repeating: "%E2%80%AE", count: 200), "//etc/passwd",
        "/api/v1/open-data/%00/services", "/stod/9999%00", "/en/support/" + String(repeating: "x", count: 300),
    ]
}
