import Foundation

/// How a session was signed in, and whether that counts as strong authentication
/// (stark autentisering, HSLF-FS 2016:40) — the level that reading a person's record asks for.
public enum SignInMethod: String, Codable, Sendable, CaseIterable {
    /// E-mail and password only.
    case password
    /// E-mail and password, then a one-time code from an authenticator app (TOTP).
    case passwordAndTOTP = "password_totp"
    /// The organisation's identity provider (OpenID Connect): e-ID, SITHS.
    case identityProvider = "identity_provider"
}

/// Whether a sign-in is strong: a second factor, or an identity provider that vouched for the
/// assurance level the organisation asks of it.
public enum SignInStrength {
    public static func isStrong(method: SignInMethod, requiredAssurance: [String], presentedAssurance: String?) -> Bool {
        switch method {
        case .password: false
        case .passwordAndTOTP: true
        case .identityProvider:
            // A provider counts as strong only when it was asked for an assurance level and gave it.
            !requiredAssurance.isEmpty && presentedAssurance.map(requiredAssurance.contains) == true
        }
    }
}
