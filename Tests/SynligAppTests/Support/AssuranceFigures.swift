import Foundation

/// Issue 14's figures: each suite writes one small JSON object to
/// `$SYNLIG_ASSURANCE_OUT/<suite>.json`, which the script behind `docs/assurance.md` reads.
/// Counted by the suite itself; nothing is written when the variable is not set. The run on
/// SQLite and the run on PostgreSQL each keep their own figures under `byDatabase`; the top
/// level is the latest run.
enum AssuranceFigures {
    static func write(_ suite: String, _ figures: [String: Any]) throws {
        guard let directory = ProcessInfo.processInfo.environment["SYNLIG_ASSURANCE_OUT"], !directory.isEmpty else { return }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let url = URL(fileURLWithPath: directory).appendingPathComponent("\(suite).json")
        let database = TestDatabase.isPostgres ? "postgresql" : "sqlite"
        let earlier = (try? Data(contentsOf: url)).flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        var byDatabase = earlier?["byDatabase"] as? [String: Any] ?? [:]
        byDatabase[database] = figures
        var object = figures
        object["suite"] = suite
        object["database"] = database
        object["byDatabase"] = byDatabase
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])
        try data.write(to: url, options: .atomic)
    }
}
