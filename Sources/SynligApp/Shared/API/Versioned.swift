import Vapor

/// Adds the record's version as an ETag, so a client can see which version it edits.
func versioned<Body: Content>(_ body: Body, version: Int, req: Request, status: HTTPStatus = .ok) async throws -> Response {
    let response = try await body.encodeResponse(status: status, for: req)
    response.headers.replaceOrAdd(name: .eTag, value: "\"\(version)\"")
    return response
}

/// The version an update starts from: `version` in the body, or the record's ETag in
/// `If-Match`. A stale body `version` is refused by the service with 409; a stale `If-Match`
/// with 412, as HTTP has it for conditional requests. Both carry the same message. Neither
/// given is 428: an update that does not say what it changes could overwrite someone's work.
struct EditPrecondition: Sendable {
    let version: Int
    let fromIfMatch: Bool

    static func of(_ req: Request, bodyVersion: Int?) throws -> EditPrecondition {
        let stale = SynligError(.preconditionFailed, "error.stale_edit")
        var tagged: Int?
        if let header = req.headers.first(name: .ifMatch)?.trimmingCharacters(in: .whitespaces), header != "*" {
            // Proxies that compress may weaken an ETag; the version in it is the same.
            let tag = header.hasPrefix("W/") ? header.dropFirst(2) : Substring(header)
            guard tag.count > 2, tag.hasPrefix("\""), tag.hasSuffix("\""), let version = Int(tag.dropFirst().dropLast()) else { throw stale }
            tagged = version
        }
        switch (bodyVersion, tagged) {
        case let (body?, tag?):
            guard body == tag else { throw stale }
            return EditPrecondition(version: tag, fromIfMatch: true)
        case let (nil, tag?): return EditPrecondition(version: tag, fromIfMatch: true)
        case let (body?, nil): return EditPrecondition(version: body, fromIfMatch: false)
        case (nil, nil): throw SynligError(.preconditionRequired, "api.caregiver.version_required")
        }
    }

    /// Runs the update; a stale edit named by `If-Match` becomes 412.
    func run<T>(_ work: () async throws -> T) async throws -> T {
        do {
            return try await work()
        } catch let error as SynligError where fromIfMatch && error.messageKey == SynligError.staleEdit.messageKey {
            throw SynligError(.preconditionFailed, error.messageKey)
        }
    }
}
