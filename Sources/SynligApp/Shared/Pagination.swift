/// Page numbers from a request, kept in a range where `(page - 1) * per` cannot overflow:
/// a huge number is a request for an empty last page, not a crash.
enum Pagination {
    static let maxPage = 100_000

    static func page(_ requested: Int?) -> Int {
        min(max(1, requested ?? 1), maxPage)
    }
}
