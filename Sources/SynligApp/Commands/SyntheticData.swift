import Foundation
import SynligCore
import Vapor

/// What `synlig generate` asks for: organisations, caregivers spread over them, and the seed
/// that makes the same request give the same data.
package struct SyntheticDataRequest: Sendable {
    package var municipalities: Int
    package var regions: Int
    package var caregivers: Int
    package var seed: UInt64
    /// The password of the generated statistics and consultant accounts; nil leaves them
    /// unusable (a random password nobody is told).
    package var password: String?
    /// Registrations and follow-ups end here; fixed in tests so a seed gives the same rows.
    package var today: CalendarDate

    package init(municipalities: Int, regions: Int = 0, caregivers: Int, seed: UInt64 = 1, password: String? = nil,
                 today: CalendarDate = .today()) {
        self.municipalities = municipalities
        self.regions = regions
        self.caregivers = caregivers
        self.seed = seed
        self.password = password
        self.today = today
    }
}

/// Synthetic data at national scale lives in the demo target, `SynligDemo`, like the demo:
/// production code carries none of it. The executable hands it over here.
package protocol SyntheticData: Sendable {
    /// Fills the database (already migrated) and returns what to print; `progress` is told how
    /// many caregivers of the total are written, and carries no personal data.
    func generate(_ app: Application, _ request: SyntheticDataRequest,
                  progress: @escaping @Sendable (_ done: Int, _ total: Int) -> Void) async throws -> String
}

extension Application {
    private struct SyntheticDataKey: StorageKey {
        typealias Value = any SyntheticData
    }

    package var syntheticData: (any SyntheticData)? {
        get { storage[SyntheticDataKey.self] }
        set { storage[SyntheticDataKey.self] = newValue }
    }
}

/// `synlig generate --organisations N --caregivers M [--regions R] [--seed S]`.
/// The generated accounts' password comes from `SYNLIG_GENERATE_PASSWORD`, never from the
/// command line (where other users of the machine could read it in the process list).
struct GenerateCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "organisations", help: "How many municipalities to create") var organisations: Int?
        @Option(name: "regions", help: "How many regions to create besides (default 0, at most 21)") var regions: Int?
        @Option(name: "caregivers", help: "How many caregivers in all, spread over the organisations by size") var caregivers: Int?
        @Option(name: "seed", help: "The same seed gives the same data (default 1)") var seed: UInt64?
        init() {}
    }

    var help: String { "Fills the database with synthetic caregivers at national scale (no real people)." }

    typealias Failure = CommandFailure

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard let generator = app.syntheticData else {
            throw Failure(description: "This build of Synlig has no synthetic-data generator: it was built without the SynligDemo target.")
        }
        let municipalities = signature.organisations ?? 0, regions = signature.regions ?? 0, caregivers = signature.caregivers ?? 0
        guard municipalities >= 0, (0...21).contains(regions), municipalities + regions > 0, caregivers >= 0 else {
            throw Failure(description: "Give --organisations N (at least 1) and --caregivers M; --regions at most 21.")
        }
        try await SchemaMigrations.migrate(app)
        let request = SyntheticDataRequest(municipalities: municipalities, regions: regions, caregivers: caregivers,
                                           seed: signature.seed ?? 1,
                                           password: ProcessInfo.processInfo.environment["SYNLIG_GENERATE_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 })
        let bar = ProgressLine(console: context.console)
        let summary = try await generator.generate(app, request) { done, total in bar.show(done, of: total) }
        context.console.output(summary.consoleText())
    }
}

/// One line that redraws itself on a terminal; elsewhere (a log, a pipe) a line every tenth.
private final class ProgressLine: @unchecked Sendable {
    private let console: any Console
    private let terminal = isatty(STDOUT_FILENO) != 0
    private let lock = NSLock()
    private var lastTenth = -1

    init(console: any Console) { self.console = console }

    func show(_ done: Int, of total: Int) {
        lock.lock()
        defer { lock.unlock() }
        let fraction = total == 0 ? 1 : Double(done) / Double(total)
        let width = 30, filled = Int(fraction * Double(width))
        let text = "Generating [\(String(repeating: "#", count: filled))\(String(repeating: ".", count: width - filled))] "
            + "\(Int(fraction * 100)) %  \(done)/\(total) caregivers"
        if terminal {
            console.output("\r" + text, style: .plain, newLine: done >= total)
        } else if Int(fraction * 10) > lastTenth {
            lastTenth = Int(fraction * 10)
            console.output(text.consoleText())
        }
    }
}
