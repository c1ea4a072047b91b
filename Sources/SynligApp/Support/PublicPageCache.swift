import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// The public pages are the same for every visitor who is not signed in, so each is rendered once
/// per language, municipality and filter and then served from memory until the catalogue changes.
///
/// What "the catalogue" is comes from `PublicPageVersion.shape`, read from the database: every
/// instance sharing it sees a change. A change saved through this instance clears the pages at
/// once (`PublicCatalogueChanges`); another instance's change is seen within `recheckInterval`,
/// because asking the database on every request would cost more than the page itself.
final class PublicPageCache: Sendable {
    static let recheckInterval: TimeInterval = 1
    /// Bounds memory when crawlers try every filter of every municipality: past this, start over.
    static let capacity = 2_000

    struct Page: Sendable {
        let status: HTTPResponseStatus
        let headers: HTTPHeaders
        let body: ByteBuffer
    }

    private struct State {
        var shape: String?
        var checkedAt = Date.distantPast
        var pages: [String: Page] = [:]
    }

    private let state = NIOLockedValueBox(State())

    /// The catalogue's shape, from memory when it was read within `recheckInterval`.
    func shape(on db: any Database, now: Date = Date()) async throws -> String {
        if let known = state.withLockedValue({ now.timeIntervalSince($0.checkedAt) < Self.recheckInterval ? $0.shape : nil }) {
            return known
        }
        let fresh = try await PublicPageVersion.shape(on: db)
        state.withLockedValue { state in
            if state.shape != fresh { state.pages = [:] }
            state.shape = fresh
            state.checkedAt = now
        }
        return fresh
    }

    /// A page rendered for `shape`, if one is kept.
    func page(_ key: String, shape: String) -> Page? {
        state.withLockedValue { $0.shape == shape ? $0.pages[key] : nil }
    }

    /// Keeps a page rendered for `shape`, unless the catalogue moved on while it was drawn.
    func keep(_ page: Page, as key: String, shape: String) {
        state.withLockedValue { state in
            guard state.shape == shape else { return }
            if state.pages.count >= Self.capacity { state.pages = [:] }
            state.pages[key] = page
        }
    }

    /// Forgets every page and asks the database again on the next request.
    func clear() {
        state.withLockedValue { state in
            state.pages = [:]
            state.checkedAt = .distantPast
        }
    }
}

extension PublicPageCache.Page {
    /// What a kept page is made of: the rendered answer without anything meant for one visitor.
    init?(_ response: Response) {
        guard response.status == .ok, let body = response.body.buffer else { return nil }
        var headers = response.headers
        headers.remove(name: .setCookie)
        self.init(status: response.status, headers: headers, body: body)
    }

    var response: Response {
        Response(status: status, headers: headers, body: .init(buffer: body))
    }
}

extension Application {
    private struct PublicPageCacheKey: StorageKey {
        typealias Value = PublicPageCache
    }

    /// One per process; created at configuration, before any request can ask for it.
    var publicPageCache: PublicPageCache {
        get {
            guard let cache = storage[PublicPageCacheKey.self] else { fatalError("PublicPageCache.register(on:) was not called") }
            return cache
        }
        set { storage[PublicPageCacheKey.self] = newValue }
    }
}

/// Clears the public pages when an offering or an organisation (whose name the pages show) is
/// saved or removed through this instance, whatever service did it.
struct PublicCatalogueChanges<Watched: Model>: AsyncModelMiddleware {
    let cache: PublicPageCache

    func create(model: Watched, on db: any Database, next: any AnyAsyncModelResponder) async throws {
        try await next.create(model, on: db)
        cache.clear()
    }

    func update(model: Watched, on db: any Database, next: any AnyAsyncModelResponder) async throws {
        try await next.update(model, on: db)
        cache.clear()
    }

    func delete(model: Watched, force: Bool, on db: any Database, next: any AnyAsyncModelResponder) async throws {
        try await next.delete(model, force: force, on: db)
        cache.clear()
    }
}

extension PublicPageCache {
    static func register(on app: Application) {
        let cache = PublicPageCache()
        app.publicPageCache = cache
        app.databases.middleware.use(PublicCatalogueChanges<SupportOffering>(cache: cache))
        app.databases.middleware.use(PublicCatalogueChanges<Organisation>(cache: cache))
    }
}

extension PublicPageCache {
    /// The keys of the pages kept now, sorted; for tests and diagnostics.
    func keptKeys() -> [String] {
        state.withLockedValue { $0.pages.keys.sorted() }
    }
}
