/// The services name fields as the staff pages' forms do; API clients know them by the JSON
/// names. Runs `work` and renames the field problems of a 422 on the way out; `rename` answers
/// nil for a name that stays.
func renamingFieldProblems<T>(_ rename: (String) -> String?, _ work: () async throws -> T) async throws -> T {
    do {
        return try await work()
    } catch let error as SynligError where !error.fieldProblems.isEmpty {
        var error = error
        error.fieldProblems = error.fieldProblems.map { problem in
            var renamed = problem
            if let name = rename(problem.field) { renamed.field = name }
            return renamed
        }
        throw error
    }
}
