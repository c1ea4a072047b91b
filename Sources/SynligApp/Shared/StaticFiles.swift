import Vapor

/// Serves `Public/` through Vapor's `FileMiddleware`, but only for a path that could name one of
/// its files: plain ASCII names, no percent-encoding, no `..`, within the file system's limits.
/// Anything else goes on to the router and its 404. Without this, a segment longer than 255
/// bytes made the file lookup throw (500), and `%00` cut the path short, so
/// `/css/synlig.css%00.html` served the stylesheet as HTML.
struct StaticFileMiddleware: AsyncMiddleware {
    let files: FileMiddleware

    init(publicDirectory: String) {
        files = FileMiddleware(publicDirectory: publicDirectory, defaultFile: nil)
    }

    /// NAME_MAX on Linux and macOS; PATH_MAX is far above any file Synlig ships.
    static let maximumComponentBytes = 255
    static let maximumPathBytes = 1024

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard Self.mayNameFile(request.url.path) else { return try await next.respond(to: request) }
        return try await files.respond(to: request, chainingTo: next)
    }

    static func mayNameFile(_ path: String) -> Bool {
        guard path.utf8.count <= maximumPathBytes, path.hasPrefix("/") else { return false }
        let allowed = path.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || byte == UInt8(ascii: "/") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
        guard allowed else { return false }
        return path.split(separator: "/").allSatisfy { component in
            component != ".." && component != "." && component.utf8.count <= maximumComponentBytes
        }
    }
}
