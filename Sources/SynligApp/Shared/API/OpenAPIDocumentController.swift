import Vapor

/// `GET /api/v1/openapi.yaml`: the contract API clients build against, served from
/// `Resources/openapi.yaml`, which the OpenAPI tests keep in step with the routes.
struct OpenAPIDocumentController: APIRouteCollection {
    func boot(api: APIRoutes) throws {
        api.open.get("openapi.yaml", use: openAPIDocument)
    }

    @Sendable func openAPIDocument(req: Request) async throws -> Response {
        let path = req.application.directory.resourcesDirectory + "openapi.yaml"
        let response = try await req.fileio.asyncStreamFile(at: path)
        response.headers.replaceOrAdd(name: .contentType, value: "application/yaml; charset=utf-8")
        response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=300")
        return response
    }
}
