import SynligCore
import Vapor

/// The screening instruments this installation offers, read at start from
/// `Resources/Screening/*.json`. An organisation with a licence for a validated scale adds its
/// file there; a file that does not decode or check out stops the start with a clear message.
package enum ScreeningInstruments {
    private struct Key: StorageKey { typealias Value = [ScreeningInstrument] }

    static func load(into app: Application) throws {
        let folder = app.directory.resourcesDirectory + "Screening/"
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder))?.filter { $0.hasSuffix(".json") }.sorted() ?? []
        var instruments: [ScreeningInstrument] = []
        for file in files {
            let data = try Data(contentsOf: URL(fileURLWithPath: folder + file))
            let instrument = try JSONDecoder().decode(ScreeningInstrument.self, from: data)
            let problems = instrument.validate()
            guard problems.isEmpty else {
                throw Abort(.internalServerError, reason: "Screening instrument \(file): \(problems.joined(separator: "; "))")
            }
            instruments.append(instrument)
        }
        app.storage[Key.self] = instruments
    }

    package static func all(_ app: Application) -> [ScreeningInstrument] { app.storage[Key.self] ?? [] }

    static func find(_ id: String?, in app: Application) throws -> ScreeningInstrument {
        guard let id, let instrument = all(app).first(where: { $0.id == id }) else {
            throw SynligError.invalid([.init(field: "instrument", messageKey: "screening.instrument_unknown")])
        }
        return instrument
    }
}
