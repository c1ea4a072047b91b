import Foundation

/// Issue 14's figures: each suite writes one small JSON object to
/// `$SYNLIG_ASSURANCE_OUT/<suite>.json`, which the script behind `docs/assurance.md` reads.
/// Counted by the suite itself; nothing is written when the variable is not set. The run on
/// SQLite and the run on PostgreSQL each keep their own figures under `byDatabase`; the top
/// level is the latest run.
enum AssuranceFigures {
    /// Writes `figures` as the suite's; with `part`, as one part of a suite several tests share
    /// (the hostile-input suite's API bodies, forms and browser run): the part's figures are kept
    /// as `part.key` beside the other parts', and `failures` is their sum.
    static func write(_ suite: String, part: String? = nil, _ figures: [String: Any]) throws {
        guard let directory = ProcessInfo.processInfo.environment["SYNLIG_ASSURANCE_OUT"], !directory.isEmpty else { return }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let url = URL(fileURLWithPath: directory).appendingPathComponent("\(suite).json")
        let database = TestDatabase.isPostgres ? "postgresql" : "sqlite"
        let earlier = (try? Data(contentsOf: url)).flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        var byDatabase = earlier?["byDatabase"] as? [String: Any] ?? [:]
        var object = figures
        if let part {
            object = (byDatabase[database] as? [String: Any] ?? [:]).filter { $0.key.contains(".") && !$0.key.hasPrefix(part + ".") }
            for (key, value) in figures { object[part + "." + key] = value }
            object["failures"] = object.filter { $0.key.hasSuffix(".failures") }.compactMap { $0.value as? Int }.reduce(0, +)
        }
        byDatabase[database] = object
        if part != nil {
            // Parts written by another runner (e2e's browser part) are no database's: kept as they are.
            let databaseKeys = Set(byDatabase.values.flatMap { ($0 as? [String: Any])?.keys.map { $0 } ?? [] })
            for (key, value) in earlier ?? [:] where key.contains(".") && !databaseKeys.contains(key) { object[key] = value }
            object["failures"] = object.filter { $0.key.hasSuffix(".failures") }.compactMap { $0.value as? Int }.reduce(0, +)
        }
        object["suite"] = suite
        object["database"] = database
        object["byDatabase"] = byDatabase
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])
        try data.write(to: url, options: .atomic)
    }
}
