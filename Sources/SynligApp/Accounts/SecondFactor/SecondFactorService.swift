import Fluent
import SQLKit
import SynligCore
import Vapor

/// Enrolling, checking and removing a user's authenticator app, and their reserve codes.
/// Every code check is throttled like a password, per account, and a code's step can be used
/// once: the step is written with a conditional update, so two requests racing with the same
/// code cannot both pass.
enum SecondFactorService {
    /// What a correct code was.
    enum UsedCode: Sendable, Equatable {
        case authenticatorApp(step: Int64)
        case recoveryCode(id: UUID)
    }

    /// An enrolment that was never confirmed is started afresh after this long, so a secret
    /// left on a screen does not stay good for ever.
    static let unconfirmedLifetime: TimeInterval = 60 * 60

    static func throttleKey(userID: UUID) -> String { SecretToken.hash("totp:" + userID.uuidString) }

    static func recoveryCodeHash(_ normalised: String, userID: UUID) -> String {
        SecretToken.hash("recovery:" + userID.uuidString + ":" + normalised)
    }

    static func factor(userID: UUID, on db: any Database) async throws -> UserSecondFactor? {
        try await UserSecondFactor.query(on: db).filter(\.$user.$id == userID).first()
    }

    /// The user's second factor when it is in use (confirmed), else nil.
    static func confirmedFactor(userID: UUID, on db: any Database) async throws -> UserSecondFactor? {
        guard let factor = try await factor(userID: userID, on: db), factor.confirmedAt != nil else { return nil }
        return factor
    }

    static func totp(for factor: UserSecondFactor, request: Request) throws -> SynligCore.TOTP {
        let base32 = try request.application.secretBox.open(factor.secretSealed)
        guard let secret = Base32.decode(base32) else { throw SecretBoxError.unreadable }
        return SynligCore.TOTP(secret: secret)
    }

    /// The unconfirmed enrolment to show, made (or renewed) when there is none that is fresh.
    static func pendingEnrolment(for user: CurrentUser, request: Request) async throws -> UserSecondFactor {
        let now = Date()
        if let existing = try await factor(userID: user.id, on: request.db) {
            if existing.confirmedAt != nil || now.timeIntervalSince(existing.createdAt) < unconfirmedLifetime { return existing }
            try await existing.delete(on: request.db)
        }
        let sealed = try request.application.secretBox.seal(Base32.encode(SynligCore.TOTP.generateSecret(), padding: false))
        let fresh = UserSecondFactor(userID: user.id, organisationID: user.organisationID, secretSealed: sealed, createdAt: now)
        do {
            try await fresh.create(on: request.db)
            return fresh
        } catch where (error as? any DatabaseError)?.isConstraintFailure == true {
            // Two tabs opened the page at once: show the one that got there first.
            guard let winner = try await factor(userID: user.id, on: request.db) else { throw error }
            return winner
        }
    }

    /// Checks a one-time code (or, when allowed, a reserve code) and uses it up. Throws 401
    /// `second_factor.code_wrong` when it is not right, 429 when the account is locked.
    static func check(_ input: String, factor: UserSecondFactor, allowRecoveryCode: Bool = true,
                      request: Request) async throws -> UsedCode {
        let userID = factor.$user.id
        let key = throttleKey(userID: userID)
        let slots = try await LoginThrottle.takeSlots(for: [.init(hash: key, policy: .perAccount)], now: Date(), on: request.db)
        guard let used = try await use(input, factor: factor, allowRecoveryCode: allowRecoveryCode, request: request) else {
            // The slot stays: it is this attempt's recorded failure.
            throw SynligError(.unauthorized, "second_factor.code_wrong")
        }
        try await LoginThrottle.release(accountKey: key, slots: slots, on: request.db)
        return used
    }

    private static func use(_ input: String, factor: UserSecondFactor, allowRecoveryCode: Bool,
                            request: Request) async throws -> UsedCode? {
        let input = String(input.prefix(64))
        let sql = request.db as! any SQLDatabase
        let digits = input.filter { !$0.isWhitespace && $0 != "-" }
        if digits.count == 6, digits.allSatisfy({ $0.isASCII && $0.isNumber }) {
            let totp = try totp(for: factor, request: request)
            guard let step = totp.verify(digits, at: Date(), after: factor.lastUsedStep) else { return nil }
            let factorID = try factor.requireID()
            let claimed = try await sql.raw("""
                UPDATE user_second_factors SET last_used_step = \(bind: step)
                WHERE id = \(bind: factorID) AND (last_used_step IS NULL OR last_used_step < \(bind: step))
                RETURNING id
                """).all()
            return claimed.isEmpty ? nil : .authenticatorApp(step: step)
        }
        guard allowRecoveryCode, factor.confirmedAt != nil, let normalised = RecoveryCodes.normalise(input) else { return nil }
        let userID = factor.$user.id
        let rows = try await sql.raw("""
            UPDATE user_recovery_codes SET used_at = \(bind: Date())
            WHERE user_id = \(bind: userID) AND code_hash = \(bind: recoveryCodeHash(normalised, userID: userID))
              AND used_at IS NULL
            RETURNING id
            """).all()
        guard let row = rows.first else { return nil }
        return .recoveryCode(id: try row.decode(column: "id", as: UUID.self))
    }

    /// Confirms an enrolment with a code from the app: the factor is in use from now, ten
    /// reserve codes replace any earlier ones, and the current session counts as strong, since
    /// the user has just shown both their password (at sign-in) and the app. Returns the
    /// reserve codes to show once.
    static func confirm(code: String, user: CurrentUser, request: Request) async throws -> [String] {
        guard let factor = try await factor(userID: user.id, on: request.db), factor.confirmedAt == nil else {
            throw SynligError(.conflict, "second_factor.already_on")
        }
        _ = try await check(code, factor: factor, allowRecoveryCode: false, request: request)
        let codes = RecoveryCodes.generate()
        let hashes = codes.map { recoveryCodeHash(RecoveryCodes.normalise($0)!, userID: user.id) }
        let factorID = try factor.requireID()
        try await AuditTrail.transaction(on: request.db, actor: .user(user.id)) { tx, audit in
            try await UserSecondFactor.query(on: tx).filter(\.$id == factorID).set(\.$confirmedAt, to: Date()).update()
            try await UserRecoveryCode.query(on: tx).filter(\.$user.$id == user.id).delete()
            for hash in hashes {
                try await UserRecoveryCode(userID: user.id, organisationID: user.organisationID, codeHash: hash).create(on: tx)
            }
            try await AuthSession.query(on: tx).filter(\.$id == user.sessionID)
                .set(\.$isStrong, to: SignInProof.passwordAndTOTP.isStrong)
                .set(\.$signInMethod, to: SignInProof.passwordAndTOTP.method)
                .set(\.$assurance, to: SignInProof.passwordAndTOTP.assurance)
                .update()
            audit.record("second_factor.enrol", "user_second_factor", id: factorID, organisation: user.organisationID)
        }
        return codes
    }

    /// Removes the second factor after a code from the app or a reserve code.
    static func remove(code: String, user: CurrentUser, request: Request) async throws {
        guard let factor = try await confirmedFactor(userID: user.id, on: request.db) else { throw SynligError.notFound }
        let used = try await check(code, factor: factor, request: request)
        let factorID = try factor.requireID()
        try await AuditTrail.transaction(on: request.db, actor: .user(user.id)) { tx, audit in
            if case .recoveryCode(let id) = used {
                audit.record("second_factor.recovery_code_use", "user_recovery_code", id: id, organisation: user.organisationID)
            }
            try await UserRecoveryCode.query(on: tx).filter(\.$user.$id == user.id).delete()
            try await UserSecondFactor.query(on: tx).filter(\.$id == factorID).delete()
            audit.record("second_factor.remove", "user_second_factor", id: factorID, organisation: user.organisationID)
        }
    }

    /// An administrator removes a colleague's app and reserve codes when both are lost; the
    /// colleague signs in with the password and enrols again. Not for one's own account.
    static func reset(userID: UUID, by admin: CurrentUser, on db: any Database) async throws {
        let user = try await User.find(userID, in: admin.organisationID, on: db)
        guard userID != admin.id else { throw SynligError.forbidden }
        guard let factor = try await self.factor(userID: userID, on: db) else { return }
        let factorID = try factor.requireID()
        try await AuditTrail.transaction(on: db, actor: .user(admin.id)) { tx, audit in
            try await UserRecoveryCode.query(on: tx).filter(\.$user.$id == userID).delete()
            try await UserSecondFactor.query(on: tx).filter(\.$id == factorID).delete()
            audit.record("second_factor.reset", "user_second_factor", id: factorID, organisation: user.organisationID)
        }
    }

    /// Records that a reserve code was spent, so a review can see when the app was not at hand.
    static func auditRecoveryCodeUse(_ used: UsedCode, user: User, on db: any Database) async throws {
        guard case .recoveryCode(let id) = used else { return }
        try await AuditTrail.transaction(on: db, actor: .user(try user.requireID())) { _, audit in
            audit.record("second_factor.recovery_code_use", "user_recovery_code", id: id, organisation: user.organisationID)
        }
    }

    static func remainingRecoveryCodes(userID: UUID, on db: any Database) async throws -> Int {
        try await UserRecoveryCode.query(on: db).filter(\.$user.$id == userID).filter(\.$usedAt == nil).count()
    }
}
