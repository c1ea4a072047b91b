import Crypto
import Fluent
import Foundation
import SQLKit
import Vapor

/// What the public pages are made of, as one entity tag: a browser (or a proxy) may keep a public
/// page but asks again every time (`no-cache`), and gets `304 Not Modified` until the catalogue
/// changes. A fixed lifetime (`max-age`) showed a catalogue keeper the page as it was before they
/// published an offering; revalidating costs one small query and no rendering.
struct PublicPageVersion: Equatable {
    static let cacheControl = "public, no-cache"

    /// Templates and translations change only with a new process; a tag from an older one must not
    /// match, so every process starts its tags from its own token.
    private static let processToken = UUID().uuidString

    let tag: String

    /// The catalogue's shape in one round trip: every save raises an offering's `version`, a new
    /// offering raises the newest `created_at`, a removed one lowers the count; organisations
    /// (their names are on the pages) change their `updated_at`. Each aggregate is cast to text,
    /// so both databases answer the same way (PostgreSQL's SUM of a bigint is a numeric).
    /// `PublicPageCache` keeps the shape for a moment, so most requests ask it nothing.
    static func current(language: String, shape: String) -> PublicPageVersion {
        let digest = SHA256.hash(data: Data([processToken, language, shape].joined(separator: "|").utf8))
        return PublicPageVersion(tag: "W/\"" + digest.prefix(12).map { String(format: "%02x", $0) }.joined() + "\"")
    }

    static func shape(on db: any Database) async throws -> String {
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        let row = try await sql.raw("""
            SELECT (SELECT CAST(COUNT(*) AS TEXT) || '|' || CAST(COALESCE(SUM(version), 0) AS TEXT) || '|'
                           || COALESCE(CAST(MAX(created_at) AS TEXT), '-') FROM support_offerings)
                || '#' || (SELECT CAST(COUNT(*) AS TEXT) || '|' || COALESCE(CAST(MAX(updated_at) AS TEXT), '-')
                           FROM organisations) AS shape
            """).first()
        return try row?.decode(column: "shape", as: String.self) ?? "-"
    }

    /// Whether the request's `If-None-Match` names this version (weak comparison, RFC 9110 13.1.2).
    func matches(_ request: Request) -> Bool {
        let opaque = { (tag: String) in tag.hasPrefix("W/") ? String(tag.dropFirst(2)) : tag }
        return request.headers[.ifNoneMatch].flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .contains { $0 == "*" || opaque($0) == opaque(tag) }
    }

    /// Sets the headers every public answer carries, a full page or a 304.
    func stamp(_ response: Response) -> Response {
        response.headers.replaceOrAdd(name: .cacheControl, value: Self.cacheControl)
        response.headers.replaceOrAdd(name: .eTag, value: tag)
        return response
    }
}
