import Crypto
import Foundation

/// The systematic part of the log review (HSLF-FS 2016:40 asks for recurring checks): each month a
/// share of the users who read any record is drawn for a closer look. The draw is keyed with a
/// secret of the installation, so it is the same every time the page is opened (two reviewers see
/// one sample) but nobody can work out in advance who will be drawn, or choose it.
public enum AccessLogSample {
    /// A tenth of the readers, and at least one.
    public static let share = 0.10

    public static func size(of readers: Int) -> Int {
        readers == 0 ? 0 : max(1, Int((Double(readers) * share).rounded(.up)))
    }

    /// The users drawn for `month` (`2026-11`) from those who read records in it.
    public static func draw(from readers: [UUID], organisation: UUID, month: String, secret: SymmetricKey) -> [UUID] {
        // Each reader gets a rank from the keyed hash; the lowest ranks are drawn. The same
        // readers, month and secret always give the same sample, in any order they are listed.
        func rank(_ user: UUID) -> [UInt8] {
            let message = Data("\(organisation.uuidString)|\(month)|\(user.uuidString)".utf8)
            return Array(HMAC<SHA256>.authenticationCode(for: message, using: secret))
        }
        let ranked = Set(readers).map { (rank($0), $0) }.sorted { $0.0.lexicographicallyPrecedes($1.0) }
        return ranked.prefix(size(of: ranked.count)).map(\.1)
    }
}

/// Reads that deserve a second look in the log review. Each flag is a reason to look, never a
/// finding: a reviewer decides, and records the review.
public enum AccessLogFlag: String, Sendable, CaseIterable, Codable {
    /// On a weekend or outside 07–19 Swedish time.
    case outsideHours
    /// Of a person not linked to any of the reader's units, by a reader who has units.
    case outsideUnits
    /// Of a person under an involvement restriction in force.
    case restricted
    /// By a user who read more distinct people that day than `manyPeoplePerDay`.
    case manyReads
    /// Of the reader's own record: the person's identity number is the reader's own, where the
    /// reader's is known (signed in with e-ID, whose identity is a personnummer).
    case ownRecord

    /// More distinct people read by one user in one day than a caregiver consultant's busiest
    /// ordinary day (a worklist and a few calls) would explain.
    public static let manyPeoplePerDay = 40
}
