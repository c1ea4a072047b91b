import Foundation

/// Text made safe for URIs and tokens, one way everywhere: percent-encoding of all but RFC 3986's
/// unreserved characters (so `:`, `@`, `&`, `=` and spaces in a value cannot change a URI's or a
/// form's structure), and base64url without padding (RFC 4648 §5), as JWTs, PKCE and tokens use.
public enum URIText {
    private static let unreserved: CharacterSet = {
        var set = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        set.insert(charactersIn: "-._~")
        return set
    }()

    public static func percentEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    public static func base64URL(_ bytes: some DataProtocol) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
