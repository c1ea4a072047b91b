import Foundation

/// Rules a new password must meet. Length beats complexity rules (NIST SP 800-63B),
/// so the policy asks for length and forbids the obvious: the account's own e-mail.
public enum PasswordProblem: String, Sendable, Equatable, CaseIterable {
    case tooShort = "password.too_short"
    case tooLong = "password.too_long"
    case containsEmail = "password.contains_email"
    case controlCharacters = "password.control_characters"
}

public struct PasswordPolicy: Sendable {
    public static let minimumLength = 12
    /// bcrypt only reads the first 72 bytes; a longer password would silently lose its tail.
    public static let maximumBytes = 72

    public init() {}

    public func problems(password: String, email: String) -> [PasswordProblem] {
        var found: [PasswordProblem] = []
        if password.count < Self.minimumLength { found.append(.tooShort) }
        if password.utf8.count > Self.maximumBytes { found.append(.tooLong) }
        let normalisedEmail = email.trimmingCharacters(in: .whitespaces).lowercased()
        if !normalisedEmail.isEmpty {
            let lowered = password.lowercased()
            let localPart = normalisedEmail.split(separator: "@").first.map(String.init) ?? normalisedEmail
            if lowered == normalisedEmail || lowered.contains(normalisedEmail)
                || (localPart.count >= 4 && lowered.contains(localPart)) {
                found.append(.containsEmail)
            }
        }
        // Only true control characters (Cc); emoji joiners and soft hyphens (Cf) are fine.
        if password.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            found.append(.controlCharacters)
        }
        return found
    }
}
