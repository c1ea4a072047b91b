import Vapor

/// Adds the record's version as an ETag, so a client can see which version it edits.
func versioned<Body: Content>(_ body: Body, version: Int, req: Request, status: HTTPStatus = .ok) async throws -> Response {
    let response = try await body.encodeResponse(status: status, for: req)
    response.headers.replaceOrAdd(name: .eTag, value: "\"\(version)\"")
    return response
}
